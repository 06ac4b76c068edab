// Tests of SIP message checking on libosip2 (RFC 3261 §8.1.1, §8.2, §18.3): a realistic INVITE
// with SDP read through every helper, each mandatory-header violation refused with a `why` that
// names the header, responses, the write/parse round trip, random tokens, and target URIs and
// host:port texts.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
// cmocka.h needs the headers above.
#include <cmocka.h>

#include "sip/msg.h"

#define SDP                                              \
    "v=0\r\n"                                            \
    "o=alice 2890844526 2890844526 IN IP4 127.0.0.1\r\n" \
    "s=-\r\n"                                            \
    "c=IN IP4 127.0.0.1\r\n"                             \
    "t=0 0\r\n"                                          \
    "m=audio 49170 RTP/SAVP 0\r\n"                       \
    "a=rtpmap:0 PCMU/8000\r\n"

// An INVITE as a proxy forwards it (RFC 3261 §24.2 shape), with an SDP offer; %zu is the body
// length, %s the body.
static const char invite_fmt[] =
    "INVITE sip:bob@127.0.0.1:5061;transport=tls SIP/2.0\r\n"
    "Via: SIP/2.0/TLS 127.0.0.1:5071;branch=z9hG4bK2d4790.1;received=127.0.0.2\r\n"
    "Via: SIP/2.0/TLS 127.0.0.1:5081;branch=z9hG4bK74bf9;rport=5082\r\n"
    "Max-Forwards: 69\r\n"
    "Record-Route: <sip:127.0.0.1:5071;lr>\r\n"
    "To: Bob <sip:bob@127.0.0.1>\r\n"
    "From: Alice <sip:alice@127.0.0.1>;tag=9fxced76sl\r\n"
    "Call-ID: 3848276298220188511@127.0.0.1\r\n"
    "CSeq: 314159 INVITE\r\n"
    "Contact: <sip:alice@127.0.0.1:5081;transport=tls>\r\n"
    "Content-Type: application/sdp\r\n"
    "Content-Length: %zu\r\n"
    "\r\n"
    "%s";

static char *make_invite(void)
{
    static char text[2048];
    snprintf(text, sizeof(text), invite_fmt, strlen(SDP), SDP);
    return text;
}

// edit returns `base` with the first `from` replaced by `to` (a static buffer).
static const char *edit(const char *base, const char *from, const char *to)
{
    static char out[4096];
    const char *at = strstr(base, from);
    if (at == NULL) {
        fail_msg("'%s' is not in the message", from);
    }
    snprintf(out, sizeof(out), "%.*s%s%s", (int)(at - base), base, to, at + strlen(from));
    return out;
}

static galois_err parse(osip_message_t **m, const char *text, char *why, size_t max_why)
{
    return galois_sip_msg_parse(m, (const uint8_t *)text, strlen(text), why, max_why);
}

static void test_invite_helpers(void **state)
{
    (void)state;
    osip_message_t *m = NULL;
    char why[256];
    assert_int_equal(parse(&m, make_invite(), why, sizeof(why)), GALOIS_ERR_OK);
    assert_string_equal(why, "");
    assert_non_null(m);
    assert_string_equal(m->sip_method, "INVITE");
    assert_string_equal(galois_sip_msg_branch(m), "z9hG4bK2d4790.1");
    assert_true(galois_sip_msg_branch_is_rfc3261(m));
    assert_string_equal(galois_sip_msg_from_tag(m), "9fxced76sl");
    assert_null(galois_sip_msg_to_tag(m));
    uint32_t num = 0;
    const char *method = NULL;
    assert_true(galois_sip_msg_cseq(m, &num, &method));
    assert_int_equal(num, 314159);
    assert_string_equal(method, "INVITE");
    size_t sdp_len = 0;
    const char *sdp = galois_sip_msg_sdp(m, &sdp_len);
    assert_non_null(sdp);
    assert_int_equal(sdp_len, strlen(SDP));
    assert_memory_equal(sdp, SDP, sdp_len);
    struct galois_sip_via via;
    assert_true(galois_sip_msg_via(m, &via));
    assert_string_equal(via.transport, "TLS");
    assert_string_equal(via.host, "127.0.0.1");
    assert_int_equal(via.port, 5071);
    assert_string_equal(via.received, "127.0.0.2");
    assert_false(via.has_rport);
    assert_int_equal(osip_list_size(&m->vias), 2);
    assert_int_equal(osip_list_size(&m->record_routes), 1);
    assert_int_equal(osip_list_size(&m->contacts), 1);
    osip_message_free(m);
}

// A body longer than Content-Length is cut to it (RFC 3261 §18.3); an rport without value and
// a branch without the magic cookie are accepted, the latter with a note.
static void test_tolerated(void **state)
{
    (void)state;
    osip_message_t *m = NULL;
    char why[256];
    char text[4096];
    snprintf(text, sizeof(text), "%s%s", make_invite(), "trailing junk");
    assert_int_equal(parse(&m, text, why, sizeof(why)), GALOIS_ERR_OK);
    size_t sdp_len = 0;
    assert_non_null(galois_sip_msg_sdp(m, &sdp_len));
    assert_int_equal(sdp_len, strlen(SDP));
    osip_message_free(m);

    const char *old =
        edit(make_invite(), "branch=z9hG4bK2d4790.1;received=127.0.0.2", "branch=1234;rport");
    assert_int_equal(parse(&m, old, why, sizeof(why)), GALOIS_ERR_OK);
    assert_non_null(strstr(why, "note: Via branch '1234' lacks the RFC 3261 cookie"));
    assert_false(galois_sip_msg_branch_is_rfc3261(m));
    struct galois_sip_via via;
    assert_true(galois_sip_msg_via(m, &via));
    assert_true(via.has_rport);
    assert_int_equal(via.rport, 0);
    assert_null(via.received);
    osip_message_free(m);
}

// Each violation of a mandatory-header rule, and the header its `why` must name.
static void test_refused(void **state)
{
    (void)state;
    static const struct {
        const char *from, *to, *why;
    } cases[] = {
        {"To: Bob <sip:bob@127.0.0.1>\r\n", "", "To: missing"},
        {"To: Bob <sip:bob@127.0.0.1>\r\n", "To: <sip:a@127.0.0.1>\r\nt: <sip:b@127.0.0.1>\r\n",
         "To: more than one"},
        {"From: Alice <sip:alice@127.0.0.1>;tag=9fxced76sl\r\n", "", "From: missing"},
        {";tag=9fxced76sl", "", "From: no tag"},
        {"Call-ID: 3848276298220188511@127.0.0.1\r\n", "", "Call-ID: missing"},
        {"Call-ID: 3848276298220188511@127.0.0.1\r\n", "Call-ID: a\r\ni: b\r\n",
         "Call-ID: more than one"},
        {"CSeq: 314159 INVITE", "CSeq: 314159 BYE",
         "CSeq: method BYE does not match request method INVITE"},
        {"CSeq: 314159 INVITE", "CSeq: 2147483648 INVITE", "CSeq: needs a number"},
        {"CSeq: 314159 INVITE\r\n", "", "CSeq: missing"},
        {"Via: SIP/2.0/TLS 127.0.0.1:5071;branch=z9hG4bK2d4790.1;received=127.0.0.2\r\n"
         "Via: SIP/2.0/TLS 127.0.0.1:5081;branch=z9hG4bK74bf9;rport=5082\r\n",
         "", "Via: missing"},
        {";branch=z9hG4bK2d4790.1", "", "Via: the top Via has no branch"},
        {"Max-Forwards: 69\r\n", "", "Max-Forwards: missing"},
        {"Max-Forwards: 69", "Max-Forwards: 256", "Max-Forwards: '256' is not a number"},
        {"Max-Forwards: 69\r\n", "Max-Forwards: 69\r\nMax-Forwards: 68\r\n",
         "Max-Forwards: more than one"},
        {"Content-Length: ", "Content-Length: 9", "Content-Length: 9"},
        {"Content-Type: application/sdp\r\n", "", "Content-Type: missing for a"},
        {"Content-Type: application/sdp", "Content-Type: app<lication/sdp",
         "Content-Type: not a type/subtype"},
        // Found by fuzz_sip_msg: libosip2 reads a parameter without a value but writes the
        // header back without its end of line.
        {"Content-Type: application/sdp", "Content-Type: application/sdp;rport",
         "Content-Type: parameter #1 is not name=value"},
        {"127.0.0.1:5071;", "127.0.0.1:99999;", "Via: no sent-by host, or a port"},
        {"Via: SIP/2.0/TLS 127.0.0.1:5081", "Via: SIP/3.0/TLS 127.0.0.1:5081",
         "Via: #2 is not SIP/2.0"},
        {"<sip:alice@127.0.0.1:5081;transport=tls>", "<sips:     >", "Contact: #1 has no URI"},
        {"Content-Length: ", "Content-Length: x", "Content-Length: not a number"},
        {"\r\n\r\n", "\r\n", "header line without a name"},  // the SDP read as headers
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const char *text = edit(make_invite(), cases[i].from, cases[i].to);
        osip_message_t *m = (osip_message_t *)&m;  // must come back NULL
        char why[256] = "";
        galois_err err = parse(&m, text, why, sizeof(why));
        if (err != GALOIS_ERR_PARSE || m != NULL || strstr(why, cases[i].why) == NULL) {
            fail_msg("case %zu: err %d, why '%s', want '%s'", i, err, why, cases[i].why);
        }
    }
}

static const char ok_fmt[] =
    "SIP/2.0 %s\r\n"
    "Via: SIP/2.0/TLS 127.0.0.1:5081;branch=z9hG4bK74bf9;received=127.0.0.3\r\n"
    "To: Bob <sip:bob@127.0.0.1>%s\r\n"
    "From: Alice <sip:alice@127.0.0.1>;tag=9fxced76sl\r\n"
    "Call-ID: 3848276298220188511@127.0.0.1\r\n"
    "CSeq: 314159 INVITE\r\n"
    "Contact: <sips:bob@127.0.0.1>\r\n"
    "Content-Length: 0\r\n"
    "\r\n";

static galois_err parse_response(osip_message_t **m, const char *status, const char *to_params,
                                 char *why, size_t max_why)
{
    char text[1024];
    snprintf(text, sizeof(text), ok_fmt, status, to_params);
    return parse(m, text, why, max_why);
}

static void test_responses(void **state)
{
    (void)state;
    osip_message_t *m = NULL;
    char why[256];
    assert_int_equal(parse_response(&m, "200 OK", ";tag=8321234356", why, sizeof(why)),
                     GALOIS_ERR_OK);
    assert_int_equal(m->status_code, 200);
    assert_string_equal(galois_sip_msg_to_tag(m), "8321234356");
    assert_string_equal(galois_sip_msg_branch(m), "z9hG4bK74bf9");
    size_t n = 1;
    assert_null(galois_sip_msg_sdp(m, &n));
    assert_int_equal(n, 0);
    osip_message_free(m);
    // 100 Trying may come without a To tag (RFC 3261 §8.2.6.2); nothing else may.
    assert_int_equal(parse_response(&m, "100 Trying", "", why, sizeof(why)), GALOIS_ERR_OK);
    osip_message_free(m);
    assert_int_equal(parse_response(&m, "180 Ringing", "", why, sizeof(why)), GALOIS_ERR_PARSE);
    assert_non_null(strstr(why, "To: no tag"));
    // Responses carry no Max-Forwards, and the CSeq method need not match anything.
    assert_int_equal(parse_response(&m, "700 Odd", ";tag=1", why, sizeof(why)), GALOIS_ERR_PARSE);
    assert_null(m);
    assert_non_null(strstr(why, "status line"));
    assert_int_equal(parse_response(&m, "99 Low", ";tag=1", why, sizeof(why)), GALOIS_ERR_PARSE);
    assert_int_equal(galois_sip_msg_parse(&m, (const uint8_t *)"", 0, why, sizeof(why)),
                     GALOIS_ERR_PARSE);
    char text[1024];
    int len = snprintf(text, sizeof(text), ok_fmt, "200 OK", ";tag=1");
    assert_true(len > 2);
    assert_int_equal(
        galois_sip_msg_parse(&m, (const uint8_t *)text, (size_t)len - 2, why, sizeof(why)),
        GALOIS_ERR_PARSE);
    assert_non_null(strstr(why, "headers: no empty line"));
}

// write -> parse -> write gives the same bytes; Content-Length is set to the body length even
// when the message said otherwise.
static void test_write_roundtrip(void **state)
{
    (void)state;
    osip_message_t *m = NULL;
    char why[256];
    assert_int_equal(parse(&m, make_invite(), why, sizeof(why)), GALOIS_ERR_OK);
    osip_content_length_free(m->content_length);
    m->content_length = NULL;
    assert_int_equal(osip_message_set_content_length(m, "3"), 0);
    uint8_t out[4096];
    size_t len = 0;
    assert_int_equal(galois_sip_msg_write(out, &len, sizeof(out), m), GALOIS_ERR_OK);
    assert_true(len > strlen(SDP));
    size_t framed = 0;
    assert_int_equal(galois_sip_frame(out, len, &framed, NULL, 0), GALOIS_SIP_FRAME_MESSAGE);
    assert_int_equal(framed, len);
    osip_message_t *again = NULL;
    assert_int_equal(galois_sip_msg_parse(&again, out, len, why, sizeof(why)), GALOIS_ERR_OK);
    size_t sdp_len = 0;
    const char *sdp = galois_sip_msg_sdp(again, &sdp_len);
    assert_int_equal(sdp_len, strlen(SDP));
    assert_memory_equal(sdp, SDP, sdp_len);
    assert_string_equal(galois_sip_msg_from_tag(again), "9fxced76sl");
    uint8_t out2[4096];
    size_t len2 = 0;
    assert_int_equal(galois_sip_msg_write(out2, &len2, sizeof(out2), again), GALOIS_ERR_OK);
    assert_int_equal(len2, len);
    assert_memory_equal(out2, out, len);
    assert_int_equal(galois_sip_msg_write(out2, &len2, len - 1, again), GALOIS_ERR_BUFFER);
    assert_int_equal(len2, 0);
    osip_message_free(again);
    osip_message_free(m);
}

static void test_token(void **state)
{
    (void)state;
    char a[64];
    char b[64];
    assert_int_equal(galois_sip_token(a, sizeof(a), "z9hG4bK", 10), GALOIS_ERR_OK);
    assert_int_equal(strlen(a), 7 + 20);
    assert_true(strncmp(a, "z9hG4bK", 7) == 0);
    assert_true(strspn(a + 7, "0123456789abcdef") == 20);
    assert_int_equal(galois_sip_token(b, sizeof(b), "z9hG4bK", 10), GALOIS_ERR_OK);
    assert_string_not_equal(a, b);
    assert_int_equal(galois_sip_token(a, 28, "z9hG4bK", 10), GALOIS_ERR_OK);
    assert_int_equal(galois_sip_token(a, 27, "z9hG4bK", 10), GALOIS_ERR_BUFFER);
    assert_int_equal(galois_sip_token(a, sizeof(a), "", 0), GALOIS_ERR_INVALID);
    assert_int_equal(galois_sip_token(a, sizeof(a), "", 65), GALOIS_ERR_INVALID);
}

static void test_target(void **state)
{
    (void)state;
    static const struct {
        const char *uri;
        bool sips;
        const char *user, *host;
        uint16_t port;
        int transport;
    } ok[] = {
        {"sip:bob@127.0.0.1", false, "bob", "127.0.0.1", 0, GALOIS_SIP_TRANSPORT_UDP},
        {"sip:bob@example.test:5070;transport=TCP", false, "bob", "example.test", 5070,
         GALOIS_SIP_TRANSPORT_TCP},
        {"sip:127.0.0.1;transport=tls", false, "", "127.0.0.1", 0, GALOIS_SIP_TRANSPORT_TLS},
        {"sips:alice@[::1]:5061", true, "alice", "::1", 5061, GALOIS_SIP_TRANSPORT_TLS},
        {"sips:[::1];transport=tcp", true, "", "::1", 0, GALOIS_SIP_TRANSPORT_TLS},
        {"SIPS:carol@127.0.0.1", true, "carol", "127.0.0.1", 0, GALOIS_SIP_TRANSPORT_TLS},
    };
    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        struct galois_sip_target t;
        char why[128];
        galois_err err = galois_sip_target_parse(&t, ok[i].uri, why, sizeof(why));
        if (err != GALOIS_ERR_OK) {
            fail_msg("%s: %d %s", ok[i].uri, err, why);
        }
        assert_int_equal(t.sips, ok[i].sips);
        assert_string_equal(t.user, ok[i].user);
        assert_string_equal(t.host, ok[i].host);
        assert_int_equal(t.port, ok[i].port);
        assert_int_equal(t.transport, ok[i].transport);
    }
    static const struct {
        const char *uri;
        galois_err err;
        const char *why;
    } bad[] = {
        {"http://127.0.0.1/", GALOIS_ERR_UNSUPPORTED, "scheme"},
        {"sips:bob@127.0.0.1;transport=udp", GALOIS_ERR_UNSUPPORTED, "sips needs TLS"},
        {"sip:bob@127.0.0.1;transport=sctp", GALOIS_ERR_UNSUPPORTED, "transport 'sctp'"},
        {"sip:bob@127.0.0.1:70000", GALOIS_ERR_PARSE, "port"},
        {"not a uri", GALOIS_ERR_PARSE, "uri"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct galois_sip_target t;
        char why[128] = "";
        galois_err err = galois_sip_target_parse(&t, bad[i].uri, why, sizeof(why));
        if (err != bad[i].err || strstr(why, bad[i].why) == NULL) {
            fail_msg("%s: err %d why '%s'", bad[i].uri, err, why);
        }
    }
}

static void test_hostport(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        const char *host;
        uint16_t port;
        int transport;
    } ok[] = {
        {"tls:127.0.0.1:5062", "127.0.0.1", 5062, GALOIS_SIP_TRANSPORT_TLS},
        {"tls:localhost", "localhost", 5061, GALOIS_SIP_TRANSPORT_TLS},
        {"TCP:127.0.0.1", "127.0.0.1", 5060, GALOIS_SIP_TRANSPORT_TCP},
        {"udp:[::1]:5070", "::1", 5070, GALOIS_SIP_TRANSPORT_UDP},
        {"[::1]:5061", "::1", 5061, GALOIS_SIP_TRANSPORT_UDP},
        {"tls:[::1]", "::1", 5061, GALOIS_SIP_TRANSPORT_TLS},
        {"::1", "::1", 5060, GALOIS_SIP_TRANSPORT_UDP},
        {"127.0.0.1", "127.0.0.1", 5060, GALOIS_SIP_TRANSPORT_UDP},
    };
    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        struct galois_sip_target t;
        char why[128];
        galois_err err = galois_sip_hostport_parse(&t, ok[i].text, why, sizeof(why));
        if (err != GALOIS_ERR_OK) {
            fail_msg("%s: %d %s", ok[i].text, err, why);
        }
        assert_string_equal(t.host, ok[i].host);
        assert_int_equal(t.port, ok[i].port);
        assert_int_equal(t.transport, ok[i].transport);
        assert_false(t.sips);
    }
    static const char *const bad[] = {
        "",           "tls:", "[::1",         "[::1]x",          "127.0.0.1:0", "127.0.0.1:65536",
        "127.0.0.1:", "a b",  "[zz::1]:5060", "host:5060:extra",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct galois_sip_target t;
        char why[128] = "";
        if (galois_sip_hostport_parse(&t, bad[i], why, sizeof(why)) == GALOIS_ERR_OK ||
            why[0] == '\0') {
            fail_msg("'%s' accepted or no why", bad[i]);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_invite_helpers),  cmocka_unit_test(test_tolerated),
        cmocka_unit_test(test_refused),         cmocka_unit_test(test_responses),
        cmocka_unit_test(test_write_roundtrip), cmocka_unit_test(test_token),
        cmocka_unit_test(test_target),          cmocka_unit_test(test_hostport),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
