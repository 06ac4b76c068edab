// Tests of `galois webrtc`'s readers of untrusted HTTP bodies and offers
// (tools/galois/webrtc_json.c, tools/galois/webrtc_offer.c), its Host/Origin/Content-Type checks
// (webrtc_guard.c) and its list of checked addresses (webrtc_addr.c): the JSON grammar of RFC 8259
// with its edges (numbers, escapes, UTF-8, nesting), the members and strings we take from it, the
// POST /offer body, our own escaping, the checks on the browser's offer and the answer we write.
// The fuzz target fuzz/webrtc_body.c checks the same functions on random input; this file pins
// the expected answer for each case by hand.
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <unistd.h>
// cmocka.h needs the headers above.
#include <cmocka.h>

#include "webrtc.h"

static bool valid(const char *s)
{
    return wr_json_valid((const uint8_t *)s, strlen(s));
}

static void test_json_valid_accepts(void **state)
{
    (void)state;
    static const char *const good[] = {
        "{}",
        "[]",
        " \t\r\n{ } \n",
        "0",
        "-0",
        "12",
        "-1.5e+3",
        "2E-7",
        "0.25",
        "true",
        "false",
        "null",
        "\"\"",
        "\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\"",
        "\"\\u00e9\\uD83D\\uDE00\"",
        "\"\\u0000\"",  // valid JSON; only decoding refuses it
        "\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"",
        "{\"a\":[1,-2.5e3,true,false,null,\"x\",{}],\"b\":{\"c\":[]}}",
    };
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        if (!valid(good[i])) {
            fail_msg("refused valid JSON %s", good[i]);
        }
    }
}

static void test_json_valid_refuses(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "",
        " ",
        "{",
        "}",
        "[1,]",
        "{\"a\":1,}",
        "{\"a\" 1}",
        "{a:1}",
        "{1:1}",
        "[1 2]",
        "{} {}",
        "01",
        "1.",
        ".5",
        "-",
        "+1",
        "1e",
        "1e+",
        "0x10",
        "tru",
        "nul",
        "True",
        "\"abc",
        "\"a\tb\"",              // a raw control character
        "\"\\x41\"",             // no such escape
        "\"\\u12\"",             // short \u
        "\"\\uD800\"",           // lone high surrogate
        "\"\\uD800\\u0041\"",    // high surrogate without its low half
        "\"\\uDC00\"",           // lone low surrogate
        "\"\xc0\x80\"",          // overlong NUL
        "\"\xe0\x80\xaf\"",      // overlong '/'
        "\"\xed\xa0\x80\"",      // UTF-8 encoded surrogate
        "\"\xf4\x90\x80\x80\"",  // above U+10FFFF
        "\"\xf5\x80\x80\x80\"",
        "\"\x80\"",  // a continuation byte alone
        "\"\xc3\"",  // truncated sequence
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        if (valid(bad[i])) {
            fail_msg("accepted invalid JSON #%zu: %s", i, bad[i]);
        }
    }
    // a NUL byte inside the buffer is not whitespace
    static const uint8_t nul[] = {'{', '}', 0};
    assert_false(wr_json_valid(nul, sizeof(nul)));
}

// nested builds `depth` arrays inside each other.
static void nested(char *out, size_t depth)
{
    memset(out, '[', depth);
    memset(out + depth, ']', depth);
    out[2 * depth] = '\0';
}

static void test_json_depth(void **state)
{
    (void)state;
    char buf[2 * (WR_JSON_MAX_DEPTH + 2) + 1];
    nested(buf, WR_JSON_MAX_DEPTH + 1);  // the outermost value is depth 0
    assert_true(valid(buf));
    nested(buf, WR_JSON_MAX_DEPTH + 2);
    assert_false(valid(buf));
}

static void test_json_member_and_string(void **state)
{
    (void)state;
    static const char body[] =
        " { \"x\" : [1,{\"sdp\":\"inner\"}], \"sdp\" : \"a\\nb\\u00e9\\ud83d\\ude00\" ,"
        " \"sdp\":\"second\", \"ok\": true, \"no\": false } ";
    const uint8_t *p = (const uint8_t *)body;
    size_t len = strlen(body);
    assert_true(wr_json_valid(p, len));

    struct galois_rd v;
    char out[64];
    size_t out_len = 0;
    // the first top-level member of that name, not the nested one
    assert_true(wr_json_member(&v, p, len, "sdp"));
    assert_true(wr_json_string(out, sizeof(out), &out_len, v));
    assert_int_equal(out_len, 1 + 1 + 1 + 2 + 4);
    assert_memory_equal(out, "a\nb\xc3\xa9\xf0\x9f\x98\x80", out_len + 1);

    // too small for the decoded text: false, and the output is an empty string
    assert_false(wr_json_string(out, 6, &out_len, v));
    assert_string_equal(out, "");
    assert_false(wr_json_string(out, 0, &out_len, v));

    assert_true(wr_json_member(&v, p, len, "ok"));
    assert_true(wr_json_is_true(v));
    assert_true(wr_json_member(&v, p, len, "no"));
    assert_false(wr_json_is_true(v));
    assert_false(wr_json_string(out, sizeof(out), &out_len, v));  // not a string
    assert_false(wr_json_member(&v, p, len, "missing"));

    static const char arr[] = "[\"sdp\"]";
    assert_false(wr_json_member(&v, (const uint8_t *)arr, strlen(arr), "sdp"));
    assert_false(wr_json_member(&v, (const uint8_t *)"{}", 2, "sdp"));

    // \u0000 would cut the decoded C string: refused when decoding
    static const char zero[] = "{\"sdp\":\"a\\u0000b\"}";
    assert_true(wr_json_member(&v, (const uint8_t *)zero, strlen(zero), "sdp"));
    assert_false(wr_json_string(out, sizeof(out), &out_len, v));
}

static bool offer_body(const char *body, char *sdp, size_t max, char *why, size_t max_why)
{
    size_t n = 0;
    why[0] = '\0';
    return wr_offer_body(sdp, max, &n, (const uint8_t *)body, strlen(body), why, max_why);
}

static void test_offer_body(void **state)
{
    (void)state;
    char sdp[64];
    char why[WR_MAX_ERROR];
    assert_true(offer_body("{\"type\":\"offer\",\"sdp\":\"v=0\\r\\n\"}", sdp, sizeof(sdp), why,
                           sizeof(why)));
    assert_string_equal(sdp, "v=0\r\n");

    static const struct {
        const char *body;
        const char *why;  // a part of the reason
    } bad[] = {
        {"", "empty body"},
        {"{\"type\":\"offer\",", "not valid JSON"},
        {"[\"offer\"]", "not a JSON object with \"type\""},
        {"{\"sdp\":\"v=0\"}", "not a JSON object with \"type\""},
        {"{\"type\":\"answer\",\"sdp\":\"v=0\"}", "only answers"},
        {"{\"type\":1,\"sdp\":\"v=0\"}", "only answers"},
        {"{\"type\":\"offer\"}", "no \"sdp\""},
        {"{\"type\":\"offer\",\"sdp\":\"\"}", "is empty"},
        {"{\"type\":\"offer\",\"sdp\":[]}", "not a string"},
        {"{\"type\":\"offer\",\"sdp\":\"a\\u0000\"}", "without NUL"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        if (offer_body(bad[i].body, sdp, sizeof(sdp), why, sizeof(why))) {
            fail_msg("accepted %s", bad[i].body);
        }
        if (strstr(why, bad[i].why) == NULL) {
            fail_msg("%s: reason \"%s\" does not say \"%s\"", bad[i].body, why, bad[i].why);
        }
    }
    // an SDP longer than the room is refused, naming the limit
    assert_false(
        offer_body("{\"type\":\"offer\",\"sdp\":\"0123456789\"}", sdp, 8, why, sizeof(why)));
    assert_non_null(strstr(why, "at most 7 bytes"));
}

static void test_json_escape(void **state)
{
    (void)state;
    char out[64];
    size_t n = 0;
    static const char in[] = "a\"b\\c\nd\re\x01\x1f\x7f\xc3\xa9";
    assert_true(wr_json_escape(out, sizeof(out), &n, in, sizeof(in) - 1));
    assert_string_equal(out, "\"a\\\"b\\\\c\\nd\\re\\u0001\\u001f\\u007f\xc3\xa9\"");
    assert_int_equal(n, strlen(out));

    // round trip: what we write, we read back unchanged
    struct galois_rd raw;
    galois_rd_init(&raw, out, n);
    char back[64];
    size_t back_len = 0;
    assert_true(wr_json_string(back, sizeof(back), &back_len, raw));
    assert_int_equal(back_len, sizeof(in) - 1);
    assert_memory_equal(back, in, back_len);

    // no room: false, empty output; exactly the room (with its NUL): true
    assert_false(wr_json_escape(out, 4, &n, "abc", 3));
    assert_string_equal(out, "");
    assert_true(wr_json_escape(out, 6, &n, "abc", 3));
    assert_string_equal(out, "\"abc\"");
}

static void test_text_escape(void **state)
{
    (void)state;
    static const struct {
        const char *in;
        size_t len;
        const char *out;
    } cases[] = {
        {"actpass", 7, "actpass"},
        {"\x1b[2J", 4, "\\x1b[2J"},  // ESC: the terminal would clear the screen
        {"a\r\nb\tc\x7f", 7, "a\\x0d\\x0ab\\x09c\\x7f"},  // C0 controls and DEL
        {"x\\x1b", 5, "x\\\\x1b"},                        // a backslash is escaped: no look-alikes
        {"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", 9, "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"},
        {"\xc2\x9b"
         "2J",
         4, "\\xc2\\x9b2J"},            // U+009B, the C1 CSI
        {"\xc2\xa0", 2, "\xc2\xa0"},    // U+00A0 is text
        {"\xff\xfe", 2, "\\xff\\xfe"},  // never UTF-8
        {"\xc3", 1, "\\xc3"},           // cut short
        {"\xc3"
         "A",
         2, "\\xc3A"},                                    // a bad continuation: the A is kept
        {"\xc0\xaf", 2, "\\xc0\\xaf"},                    // overlong
        {"\xed\xa0\x80", 3, "\\xed\\xa0\\x80"},           // a surrogate
        {"\xf4\x90\x80\x80", 4, "\\xf4\\x90\\x80\\x80"},  // above U+10FFFF
        {"a\0b", 3, "a\\x00b"},                           // NUL inside the given length
        {"", 0, ""},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char out[64];
        if (!wr_text_escape(out, sizeof(out), cases[i].in, cases[i].len) ||
            strcmp(out, cases[i].out) != 0) {
            fail_msg("case %zu: got \"%s\", want \"%s\"", i, out, cases[i].out);
        }
        for (const char *p = out; *p != '\0'; p++) {
            assert_true((unsigned char)*p >= 0x20 && (unsigned char)*p != 0x7f);
        }
    }
    // no room: false, and a prefix cut between two escapes, never inside one
    char small[8];
    assert_false(wr_text_escape(small, sizeof(small), "ab\x1b\x1b", 4));
    assert_string_equal(small, "ab\\x1b");
    assert_false(wr_text_escape(small, 3, "\xc3\xa9\xc3\xa9", 4));
    assert_string_equal(small, "\xc3\xa9");
    assert_false(wr_text_escape(small, 0, "a", 1));
}

static void test_json_fput_value(void **state)
{
    (void)state;
    // DEL and U+009B are valid raw in a JSON string; we write them as escapes, the rest as it is
    static const char in[] = "{\"a\":\"x\x7fy\xc2\x9b[2J\xc2\xa0\xc3\xa9\",\"b\":[1,null]}";
    assert_true(wr_json_valid((const uint8_t *)in, strlen(in)));
    char out[128] = "";
    FILE *f = fmemopen(out, sizeof(out) - 1, "w");
    assert_non_null(f);
    wr_json_fput_value(f, in);
    fclose(f);
    assert_string_equal(out, "{\"a\":\"x\\u007fy\\u009b[2J\xc2\xa0\xc3\xa9\",\"b\":[1,null]}");
    assert_true(wr_json_valid((const uint8_t *)out, strlen(out)));
}

// --- the offer ---

static const char chromium_offer[] =
    "v=0\r\n"
    "o=- 4611686018427387904 2 IN IP4 127.0.0.1\r\n"
    "s=-\r\n"
    "t=0 0\r\n"
    "a=group:BUNDLE 0 1\r\n"
    "a=msid-semantic: WMS\r\n"
    "m=audio 50001 UDP/TLS/RTP/SAVPF 111 0 8\r\n"
    "c=IN IP4 127.0.0.1\r\n"
    "a=rtcp:9 IN IP4 0.0.0.0\r\n"
    "a=candidate:1467250027 1 udp 2122260223 127.0.0.1 50001 typ host generation 0\r\n"
    "a=ice-ufrag:Gx7q\r\n"
    "a=ice-pwd:Tq2vN8yLr5cW0kPz3HdJm6Bf\r\n"
    "a=ice-options:trickle\r\n"
    "a=fingerprint:sha-256 B9:58:DE:9A:83:2F:06:F9:22:8F:F6:78:A2:6C:29:67:D5:7D:28:CB:EA:AC:"
    "FD:91:B1:3B:6D:54:80:24:0F:C3\r\n"
    "a=setup:actpass\r\n"
    "a=mid:0\r\n"
    "a=sendrecv\r\n"
    "a=rtcp-mux\r\n"
    "a=rtpmap:111 opus/48000/2\r\n"
    "a=rtpmap:0 PCMU/8000\r\n"
    "a=rtpmap:8 PCMA/8000\r\n"
    "m=video 50001 UDP/TLS/RTP/SAVPF 96\r\n"
    "c=IN IP4 127.0.0.1\r\n"
    "a=mid:1\r\n"
    "a=rtcp-mux\r\n"
    "a=rtpmap:96 VP8/90000\r\n";

// edit copies the offer into `out`, replacing the first occurrence of `from` by `to`.
static size_t edit(char *out, size_t max, const char *from, const char *to)
{
    const char *at = strstr(chromium_offer, from);
    assert_non_null(at);
    size_t head = (size_t)(at - chromium_offer);
    int n = snprintf(out, max, "%.*s%s%s", (int)head, chromium_offer, to, at + strlen(from));
    assert_true(n > 0 && (size_t)n < max);
    return (size_t)n;
}

static void test_offer_check_chromium(void **state)
{
    (void)state;
    struct wr_offer o;
    char why[WR_MAX_ERROR] = "";
    assert_true(wr_offer_check(&o, chromium_offer, strlen(chromium_offer), why, sizeof(why)));
    assert_int_equal(o.audio_index, 0);
    assert_int_equal(o.num_media, 2);
    assert_string_equal(o.mid, "0");
    assert_true(o.bundle);
    assert_true(o.rtcp_mux);
    assert_string_equal(o.proto, "UDP/TLS/RTP/SAVPF");
    assert_int_equal(o.setup, GALOIS_DTLS_SETUP_ACTPASS);
    assert_int_equal(o.direction, GALOIS_SDP_SENDRECV);
    assert_int_equal(o.num_fps, 1);
    assert_string_equal(o.ufrag, "Gx7q");
    assert_string_equal(o.pwd, "Tq2vN8yLr5cW0kPz3HdJm6Bf");
}

static void test_offer_check_refusals(void **state)
{
    (void)state;
    static const struct {
        const char *from;
        const char *to;
        const char *why;
    } cases[] = {
        {"m=audio 50001", "m=audio 0", "no audio"},
        {"m=audio 50001 UDP/TLS/RTP/SAVPF", "m=audio 50001 RTP/SAVPF", "not DTLS-SRTP"},
        {"a=fingerprint:sha-256", "a=x-fingerprint:sha-256", "no a=fingerprint"},
        {"a=fingerprint:sha-256 B9:58", "a=fingerprint:md5 B9:58", "with a hash galois knows"},
        {"a=fingerprint:sha-256 B9:58", "a=fingerprint:sha-256 ZZ:58", "does not parse"},
        {"a=ice-pwd:", "a=x-ice-pwd:", "no a=ice-ufrag and a=ice-pwd"},
        {"a=ice-ufrag:Gx7q", "a=ice-ufrag:G", "not valid"},
        {"111 0 8\r\n", "111 8\r\n", "no PCMU"},
        {"a=sendrecv\r\na=rtcp-mux\r\n", "a=sendrecv\r\n", "no a=rtcp-mux"},
        {"a=setup:actpass", "a=setup:sideways", "a=setup:sideways"},
        {"a=mid:0\r\n", "a=mid:0123456789012345678901234567890123\r\n", "a=mid"},
        {"t=0 0\r\n", "", "does not parse"},
        // the peer's bytes in a reason are escaped: it goes to the terminal (wr_text_escape)
        {"a=setup:actpass", "a=setup:\x1b[2J\xc2\x9b", "a=setup:\\x1b[2J\\xc2\\x9b is not"},
        {"a=fingerprint:sha-256 B9:58", "a=fingerprint:sha-256 \x1b]0;x\x07\xff",
         "sha-256 \\x1b]0;x\\x07\\xff"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char sdp[4096];
        size_t len = edit(sdp, sizeof(sdp), cases[i].from, cases[i].to);
        struct wr_offer o;
        char why[WR_MAX_ERROR] = "";
        if (wr_offer_check(&o, sdp, len, why, sizeof(why))) {
            fail_msg("case %zu (%s -> %s) accepted", i, cases[i].from, cases[i].to);
        }
        if (strstr(why, cases[i].why) == NULL) {
            fail_msg("case %zu: reason \"%s\" does not say \"%s\"", i, why, cases[i].why);
        }
        for (const char *p = why; *p != '\0'; p++) {
            if ((unsigned char)*p < 0x20 || (unsigned char)*p == 0x7f) {
                fail_msg("case %zu: reason \"%s\" has a control byte", i, why);
            }
        }
    }
}

static void test_offer_check_variants(void **state)
{
    (void)state;
    struct wr_offer o;
    char why[WR_MAX_ERROR] = "";
    char sdp[4096];
    // no a=setup: taken, recorded as absent (the dtls layer decides the roles)
    size_t len = edit(sdp, sizeof(sdp), "a=setup:actpass\r\n", "");
    assert_true(wr_offer_check(&o, sdp, len, why, sizeof(why)));
    assert_int_equal(o.setup, GALOIS_DTLS_SETUP_NONE);
    // sendonly from the browser: we answer recvonly
    len = edit(sdp, sizeof(sdp), "a=sendrecv", "a=sendonly");
    assert_true(wr_offer_check(&o, sdp, len, why, sizeof(why)));
    assert_int_equal(o.direction, GALOIS_SDP_SENDONLY);
    // a BUNDLE group that does not name our mid
    len = edit(sdp, sizeof(sdp), "a=group:BUNDLE 0 1", "a=group:BUNDLE 1");
    assert_true(wr_offer_check(&o, sdp, len, why, sizeof(why)));
    assert_false(o.bundle);
    // the fingerprint at session level only
    len =
        edit(sdp, sizeof(sdp), "a=msid-semantic: WMS\r\n",
             "a=fingerprint:sha-1 00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33\r\n");
    char sdp2[4096];
    const char *fp = strstr(sdp, "a=fingerprint:sha-256");
    assert_non_null(fp);
    const char *eol = strstr(fp, "\r\n");
    int n = snprintf(sdp2, sizeof(sdp2), "%.*s%s", (int)(fp - sdp), sdp, eol + 2);
    assert_true(n > 0);
    assert_true(wr_offer_check(&o, sdp2, (size_t)n, why, sizeof(why)));
    assert_int_equal(o.num_fps, 1);
}

static void test_answer_write(void **state)
{
    (void)state;
    struct wr_offer o;
    char why[WR_MAX_ERROR] = "";
    size_t len = strlen(chromium_offer);
    assert_true(wr_offer_check(&o, chromium_offer, len, why, sizeof(why)));

    struct galois_ice_addr addr;
    assert_int_equal(galois_ice_addr_from_text(&addr, "127.0.0.1", 40000), GALOIS_ERR_OK);
    struct wr_answer_params p = {
        .addr = &addr,
        .ufrag = "abcd",
        .pwd = "0123456789abcdef012345",
        .fingerprint = "sha-256 00:11",
        .setup = GALOIS_DTLS_SETUP_PASSIVE,
        .ssrc = 1234,
    };
    char answer[WR_MAX_ANSWER];
    assert_true(
        wr_answer_write(answer, sizeof(answer), &o, chromium_offer, len, &p, why, sizeof(why)));

    // the answer is SDP we can read, with one line per thing Chromium needs
    struct galois_sdp *sdp = NULL;
    size_t off = 0;
    assert_int_equal(galois_sdp_parse(&sdp, &off, answer, strlen(answer)), GALOIS_ERR_OK);
    assert_int_equal(sdp->num_media, 2);
    assert_string_equal(sdp->media[0].type, "audio");
    assert_int_equal(sdp->media[0].port, 40000);
    assert_string_equal(sdp->media[0].proto, "UDP/TLS/RTP/SAVPF");
    assert_int_equal(sdp->media[0].num_fmts, 1);
    assert_string_equal(sdp->media[0].fmts[0], "0");
    assert_string_equal(sdp->media[1].type, "video");
    assert_int_equal(sdp->media[1].port, 0);  // refused
    assert_true(galois_sdp_media_has_flag(sdp, 0, "rtcp-mux", false));
    assert_int_equal(galois_sdp_media_direction(sdp, 0), GALOIS_SDP_SENDRECV);
    galois_sdp_free(sdp);
    assert_non_null(strstr(answer, "a=group:BUNDLE 0\r\n"));
    assert_non_null(strstr(answer, "a=ice-lite\r\n"));
    assert_non_null(strstr(answer, "a=ice-ufrag:abcd\r\na=ice-pwd:0123456789abcdef012345\r\n"));
    assert_non_null(strstr(answer, "a=fingerprint:sha-256 00:11\r\na=setup:passive\r\n"));
    assert_non_null(strstr(answer, "a=ssrc:1234 cname:galois\r\n"));
    assert_non_null(strstr(answer, " 127.0.0.1 40000 typ host"));
    assert_non_null(strstr(answer, "a=mid:1\r\n"));

    // no room: refused with the reason, not cut short
    assert_false(wr_answer_write(answer, 200, &o, chromium_offer, len, &p, why, sizeof(why)));
    assert_non_null(strstr(why, "does not fit"));
}

// --- who may talk to galois (webrtc_guard.c) ---

static void test_guard(void **state)
{
    (void)state;
    static const struct {
        const char *bound;
        uint16_t port;
        const char *host;  // NULL: no Host header
        bool ok;
    } hosts[] = {
        {"127.0.0.1", 8080, "127.0.0.1:8080", true},
        {"127.0.0.1", 8080, "localhost:8080", true},
        {"127.0.0.1", 8080, "LOCALHOST:8080", true},
        {"127.0.0.1", 8080, "127.0.0.1:8081", false},
        {"127.0.0.1", 8080, "127.0.0.1", false},  // port 80 implied
        {"127.0.0.1", 8080, "127.0.0.2:8080", false},
        {"127.0.0.1", 8080, "[::1]:8080", false},
        {"127.0.0.1", 8080, "evil.example:8080", false},
        {"127.0.0.1", 8080, "localhost.:8080", false},
        {"127.0.0.1", 8080, "127.0.0.1:8080 ", false},
        {"127.0.0.1", 8080, "user@127.0.0.1:8080", false},
        {"127.0.0.1", 8080, "127.0.0.1:+8080", false},
        {"127.0.0.1", 8080, "127.0.0.1:", false},
        {"127.0.0.1", 8080, "[127.0.0.1]:8080", false},
        {"127.0.0.1", 8080, "", false},
        {"127.0.0.1", 8080, NULL, false},
        {"127.0.0.1", 80, "127.0.0.1", true},
        {"127.0.0.1", 80, "localhost", true},
        {"::1", 8080, "[::1]:8080", true},
        {"::1", 8080, "[0:0::1]:8080", true},
        {"::1", 8080, "localhost:8080", true},
        {"::1", 8080, "::1:8080", false},
        {"::1", 8080, "127.0.0.1:8080", false},
        {"192.0.2.7", 8080, "192.0.2.7:8080", true},
        {"192.0.2.7", 8080, "localhost:8080", false},  // not bound to loopback
        {"0.0.0.0", 8080, "192.0.2.7:8080", true},     // wildcard: any IP literal
        {"0.0.0.0", 8080, "localhost:8080", true},
        {"0.0.0.0", 8080, "evil.example:8080", false},
        {"0.0.0.0", 8080, "192.0.2.7:9999", false},
        {"::", 8080, "[2001:db8::1]:8080", true},
        {"::", 8080, "10.0.0.1:8080", true},
    };
    for (size_t i = 0; i < sizeof(hosts) / sizeof(hosts[0]); i++) {
        struct wr_guard g;
        assert_true(wr_guard_init(&g, hosts[i].bound, hosts[i].port));
        if (wr_guard_host(&g, hosts[i].host) != hosts[i].ok) {
            fail_msg("host case %zu (%s, bound %s:%u): want %d", i,
                     hosts[i].host == NULL ? "(none)" : hosts[i].host, hosts[i].bound,
                     (unsigned)hosts[i].port, hosts[i].ok);
        }
    }
    static const struct {
        const char *origin;  // NULL: no Origin header
        const char *host;
        bool ok;
    } origins[] = {
        {NULL, "127.0.0.1:8080", true},
        {"http://127.0.0.1:8080", "127.0.0.1:8080", true},
        {"http://localhost:8080", "localhost:8080", true},
        {"http://localhost:8080", "127.0.0.1:8080", false},  // another origin of this server
        {"http://evil.example", "127.0.0.1:8080", false},
        {"http://evil.example:8080", "evil.example:8080", false},  // rebinding: Host fails too
        {"null", "127.0.0.1:8080", false},
        {"https://127.0.0.1:8080", "127.0.0.1:8080", false},
        {"http://127.0.0.1:8080/", "127.0.0.1:8080", false},
        {"http://127.0.0.1", "127.0.0.1:8080", false},
        {"", "127.0.0.1:8080", false},
        {NULL, "evil.example:8080", false},
    };
    struct wr_guard g;
    assert_true(wr_guard_init(&g, "127.0.0.1", 8080));
    for (size_t i = 0; i < sizeof(origins) / sizeof(origins[0]); i++) {
        bool ok = wr_guard_host(&g, origins[i].host) &&
                  wr_guard_origin(&g, origins[i].origin, origins[i].host);
        if (ok != origins[i].ok) {
            fail_msg("origin case %zu (%s, Host %s): want %d", i,
                     origins[i].origin == NULL ? "(none)" : origins[i].origin, origins[i].host,
                     origins[i].ok);
        }
    }
    assert_true(wr_guard_json_type("application/json"));
    assert_true(wr_guard_json_type("Application/JSON"));
    assert_true(wr_guard_json_type("application/json; charset=utf-8"));
    assert_true(wr_guard_json_type("application/json;charset=UTF-8"));
    assert_false(wr_guard_json_type(NULL));
    assert_false(wr_guard_json_type(""));
    assert_false(wr_guard_json_type("text/plain"));
    assert_false(wr_guard_json_type("text/plain; x=application/json"));
    assert_false(wr_guard_json_type("application/jsonx"));
    assert_false(wr_guard_json_type("application/x-www-form-urlencoded"));
    assert_false(wr_guard_json_type("multipart/form-data; boundary=x"));
    assert_false(wr_guard_json_type("application/json x"));
    assert_false(wr_guard_init(&g, "localhost", 8080));
}

// --- the addresses that passed an ICE check (webrtc_addr.c) ---

static struct galois_ice_addr v4(uint8_t last, uint16_t port)
{
    struct galois_ice_addr a = {.family = GALOIS_ICE_IPV4, .ip = {192, 0, 2, last}, .port = port};
    return a;
}

static void test_seen(void **state)
{
    (void)state;
    struct wr_seen seen;
    memset(&seen, 0, sizeof(seen));
    struct galois_ice_addr a[WR_MAX_SEEN + 3];
    for (size_t i = 0; i < sizeof(a) / sizeof(a[0]); i++) {
        a[i] = v4((uint8_t)(i + 1), 5000);
    }
    for (size_t i = 0; i < WR_MAX_SEEN; i++) {
        wr_seen_add(&seen, &a[i], false);
    }
    for (size_t i = 0; i < WR_MAX_SEEN; i++) {
        assert_true(wr_seen_has(&seen, &a[i]));
    }
    // the list is full; one more address passes a check and nominates: it is the media target,
    // so it is admitted and the least recently checked one (a[0]) leaves
    wr_seen_add(&seen, &a[WR_MAX_SEEN], true);
    assert_true(wr_seen_has(&seen, &a[WR_MAX_SEEN]));
    assert_false(wr_seen_has(&seen, &a[0]));
    assert_int_equal(seen.num, WR_MAX_SEEN);
    // more addresses push out the others, never the nominated one
    for (size_t i = 0; i < 2 * WR_MAX_SEEN; i++) {
        struct galois_ice_addr x = v4(200, (uint16_t)(6000 + i));
        wr_seen_add(&seen, &x, false);
        assert_true(wr_seen_has(&seen, &x));
        assert_true(wr_seen_has(&seen, &a[WR_MAX_SEEN]));
        assert_int_equal(seen.num, WR_MAX_SEEN);
    }
    // a check again moves an address to the most recent end; a new nomination moves the
    // protection: the old target can now leave
    struct galois_ice_addr b = v4(201, 7000);
    wr_seen_add(&seen, &b, true);
    for (size_t i = 0; i < WR_MAX_SEEN - 1; i++) {
        struct galois_ice_addr x = v4(202, (uint16_t)(8000 + i));
        wr_seen_add(&seen, &x, false);
    }
    assert_true(wr_seen_has(&seen, &b));
    assert_false(wr_seen_has(&seen, &a[WR_MAX_SEEN]));
    // the nominee checking again (still selected) keeps its protection
    wr_seen_add(&seen, &b, true);
    struct galois_ice_addr c = v4(203, 9000);
    wr_seen_add(&seen, &c, false);
    wr_seen_add(&seen, &a[1], false);
    wr_seen_add(&seen, &a[2], false);
    wr_seen_add(&seen, &a[3], false);
    assert_true(wr_seen_has(&seen, &b));
    assert_true(wr_seen_has(&seen, &a[3]));
    // an IPv6 address with the same bytes is another address
    struct galois_ice_addr v6 = {.family = GALOIS_ICE_IPV6, .ip = {192, 0, 2, 4}, .port = 5000};
    assert_false(wr_seen_has(&seen, &v6));
}

static void test_udp_bind_errors(void **state)
{
    (void)state;
    struct galois_ice_addr local;
    char why[160] = "";
    // each failure says its own cause, not a stale errno
    errno = EINTR;
    assert_int_equal(wr_udp_bind(&local, "no.such.host", 0, why, sizeof(why)), -1);
    assert_non_null(strstr(why, "not a numeric address: "));
    assert_null(strstr(why, strerror(EINTR)));
    int fd = wr_udp_bind(&local, "127.0.0.1", 0, why, sizeof(why));
    assert_true(fd >= 0);
    assert_int_equal(local.family, GALOIS_ICE_IPV4);
    assert_int_equal(wr_udp_bind(&local, "127.0.0.1", local.port, why, sizeof(why)), -1);
    assert_non_null(strstr(why, "bind: "));
    assert_non_null(strstr(why, strerror(EADDRINUSE)));
    close(fd);

    // a socket that select() cannot watch is refused with that reason: fill the descriptors
    // below FD_SETSIZE first (needs a descriptor limit above it)
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_max < FD_SETSIZE + 16) {
        return;  // cannot get there; the check is then never reached in practice either
    }
    struct rlimit raised = {.rlim_cur = FD_SETSIZE + 16, .rlim_max = rl.rlim_max};
    assert_int_equal(setrlimit(RLIMIT_NOFILE, &raised), 0);
    int fill[FD_SETSIZE];
    size_t num = 0;
    for (;;) {
        int d = dup(0);
        assert_true(d >= 0);
        if (d >= FD_SETSIZE) {
            close(d);
            break;
        }
        fill[num++] = d;
    }
    errno = 0;
    assert_int_equal(wr_udp_bind(&local, "127.0.0.1", 0, why, sizeof(why)), -1);
    assert_non_null(strstr(why, "over select()'s limit FD_SETSIZE"));
    for (size_t i = 0; i < num; i++) {
        close(fill[i]);
    }
    assert_int_equal(setrlimit(RLIMIT_NOFILE, &rl), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_json_valid_accepts),
        cmocka_unit_test(test_json_valid_refuses),
        cmocka_unit_test(test_json_depth),
        cmocka_unit_test(test_json_member_and_string),
        cmocka_unit_test(test_offer_body),
        cmocka_unit_test(test_json_escape),
        cmocka_unit_test(test_text_escape),
        cmocka_unit_test(test_json_fput_value),
        cmocka_unit_test(test_guard),
        cmocka_unit_test(test_seen),
        cmocka_unit_test(test_udp_bind_errors),
        cmocka_unit_test(test_offer_check_chromium),
        cmocka_unit_test(test_offer_check_refusals),
        cmocka_unit_test(test_offer_check_variants),
        cmocka_unit_test(test_answer_write),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
