// Tests of the SDP parser and writer (RFC 8866): real offers read field by field and written
// back byte for byte, what is refused (with its line and column), the limits, and the
// attributes the layer interprets (rtpmap, fmtp, extmap, direction, rtcp-mux, cryptex).
#include "sdp_util.h"

static void test_chromium_fields(void **state)
{
    (void)state;
    size_t len = 0;
    char *text = sdp_load("chromium156_offer.sdp", &len);
    struct galois_sdp *sdp = sdp_parse_ok(text);
    assert_string_equal(sdp->origin_user, "-");
    assert_string_equal(sdp->origin_sess_id, "3161339267688887368");
    assert_string_equal(sdp->origin_sess_version, "2");
    assert_string_equal(sdp->origin.nettype, "IN");
    assert_string_equal(sdp->origin.addrtype, "IP4");
    assert_string_equal(sdp->origin.address, "127.0.0.1");
    assert_string_equal(sdp->session_name, "-");
    assert_null(sdp->conn);
    assert_int_equal(sdp->num_times, 1);
    assert_string_equal(sdp->times[0].start, "0");
    assert_int_equal(sdp->num_attrs, 3);
    assert_string_equal(galois_sdp_attr_get(sdp->attrs, sdp->num_attrs, "group", 0), "BUNDLE 0");
    assert_string_equal(galois_sdp_attr_get(sdp->attrs, sdp->num_attrs, "extmap-allow-mixed", 0),
                        "");
    assert_int_equal(sdp->num_media, 1);
    const struct galois_sdp_media *m = &sdp->media[0];
    assert_string_equal(m->type, "audio");
    assert_int_equal(m->port, 56443);
    assert_int_equal(m->num_ports, 0);
    assert_string_equal(m->proto, "UDP/TLS/RTP/SAVPF");
    assert_int_equal(m->num_fmts, 8);
    assert_string_equal(m->fmts[0], "111");
    assert_string_equal(m->fmts[7], "126");
    assert_int_equal(m->num_conns, 1);
    assert_string_equal(m->conns[0].address, "127.0.0.1");
    assert_true(galois_sdp_media_has_flag(sdp, 0, "rtcp-mux", false));
    assert_false(galois_sdp_has_cryptex(sdp, 0));
    assert_int_equal(galois_sdp_media_direction(sdp, 0), GALOIS_SDP_SENDRECV);
    struct galois_sdp_rtpmap rtpmap;
    assert_int_equal(
        galois_sdp_rtpmap_parse(&rtpmap, galois_sdp_attr_get(m->attrs, m->num_attrs, "rtpmap", 0)),
        GALOIS_ERR_OK);
    assert_int_equal(rtpmap.payload_type, 111);
    assert_int_equal(rtpmap.encoding_len, 4);
    assert_memory_equal(rtpmap.encoding, "opus", 4);
    assert_int_equal(rtpmap.clock_rate, 48000);
    assert_int_equal(rtpmap.channels, 2);
    struct galois_sdp_extmap ext;
    assert_int_equal(
        galois_sdp_extmap_parse(&ext, galois_sdp_attr_get(m->attrs, m->num_attrs, "extmap", 3)),
        GALOIS_ERR_OK);
    assert_int_equal(ext.id, 4);
    assert_false(ext.encrypt);
    assert_int_equal(ext.uri_len, strlen("urn:ietf:params:rtp-hdrext:sdes:mid"));
    // Each attribute knows where its value was in the text.
    const char *fp = galois_sdp_attr_get(m->attrs, m->num_attrs, "fingerprint", 0);
    for (size_t i = 0; i < m->num_attrs; i++) {
        if (m->attrs[i].value == fp) {
            assert_memory_equal(text + m->attrs[i].value_off, fp, strlen(fp));
        }
    }
    galois_sdp_free(sdp);
    free(text);
}

// Every offer of tests/vectors/sdp/ is written back exactly as it came.
static void test_files_roundtrip(void **state)
{
    (void)state;
    for (size_t i = 0; i < GALOIS_ARRAY_LEN(sdp_files); i++) {
        size_t len = 0;
        char *text = sdp_load(sdp_files[i], &len);
        print_message("%s\n", sdp_files[i]);
        struct galois_sdp *sdp = sdp_parse_ok(text);
        assert_string_equal(sdp_text(sdp), text);
        galois_sdp_free(sdp);
        free(text);
    }
}

// LF line ends, lines out of RFC order within a section, a missing final line end: read, and
// written in order with CRLF.
static void test_tolerated(void **state)
{
    (void)state;
    struct galois_sdp *sdp = sdp_parse_ok(
        "v=0\no=alice 2890844526 2890842807 IN IP4 198.51.100.1\ns=\na=recvonly\nt=0 0\n"
        "c=IN IP4 198.51.100.1\nb=AS:64\nm=audio 49170/2 RTP/AVP 0\na=rtcp-mux\n"
        "c=IN IP4 198.51.100.2\ni=voice\nb=CT:128\nk=prompt\nm=video 0 RTP/AVP 31\r\n\r\n");
    assert_string_equal(sdp_text(sdp),
                        "v=0\r\no=alice 2890844526 2890842807 IN IP4 198.51.100.1\r\ns=\r\n"
                        "c=IN IP4 198.51.100.1\r\nb=AS:64\r\nt=0 0\r\na=recvonly\r\n"
                        "m=audio 49170/2 RTP/AVP 0\r\ni=voice\r\nc=IN IP4 198.51.100.2\r\n"
                        "b=CT:128\r\nk=prompt\r\na=rtcp-mux\r\nm=video 0 RTP/AVP 31\r\n");
    assert_int_equal(sdp->media[0].num_ports, 2);
    assert_int_equal(galois_sdp_media_direction(sdp, 0), GALOIS_SDP_RECVONLY);
    galois_sdp_free(sdp);
    // RFC 8866 §5's example, all line types.
    sdp = sdp_parse_ok(
        "v=0\r\no=jdoe 3724394400 3724394405 IN IP4 198.51.100.1\r\n"
        "s=Call to John Smith\r\ni=SDP Offer #1\r\nu=http://www.jdoe.example.com/home"
        ".html\r\ne=Jane Doe <jane@jdoe.example.com>\r\np=+1 617 555-6011\r\n"
        "c=IN IP4 198.51.100.1\r\nt=0 0\r\nm=audio 49170 RTP/AVP 0\r\n"
        "m=audio 49180 RTP/AVP 0\r\nm=video 51372 RTP/AVP 99\r\n"
        "c=IN IP6 2001:db8::2\r\na=rtpmap:99 h263-1998/90000\r\n");
    assert_string_equal(sdp->emails[0], "Jane Doe <jane@jdoe.example.com>");
    assert_string_equal(sdp->media[2].conns[0].addrtype, "IP6");
    galois_sdp_free(sdp);
    sdp = sdp_parse_ok(
        "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=x\r\nt=3034423619 3042462419\r\n"
        "r=604800 3600 0 90000\r\nr=7d 1h 0 25h\r\nz=2882844526 -1h\r\nt=0 0\r\n"
        "m=audio 1 RTP/AVP 0");
    assert_int_equal(sdp->num_times, 2);
    assert_int_equal(sdp->times[0].num_repeats, 2);
    assert_string_equal(sdp->zone, "2882844526 -1h");
    galois_sdp_free(sdp);
}

#define H "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nt=0 0\r\n"

static void test_refused(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        size_t line;
        size_t col;
    } cases[] = {
        {"", 1, 1},
        {"v=1\r\n", 1, 3},
        {"o=- 1 1 IN IP4 a\r\n", 1, 1},
        {"v=0\r\no=- x 1 IN IP4 a\r\ns=-\r\nt=0 0\r\n", 2, 5},
        {"v=0\r\no=- 1 1 IN IP4\r\ns=-\r\nt=0 0\r\n", 2, 15},
        {"v=0\r\no=- 1 1  IN IP4 a\r\ns=-\r\nt=0 0\r\n", 2, 9},
        {"v=0\r\no=- 1 1 IN IP4 a\r\nt=0 0\r\n", 3, 1},
        {"v=0\r\no=- 1 1 IN IP4 a\r\ns=-\r\n", 4, 1},  // no t=
        {H "x=1\r\n", 5, 1},
        {H "A=1\r\n", 5, 1},
        {H "a\r\n", 5, 1},
        {H "a= x\r\n", 5, 3},
        {H "t=0\r\n", 5, 4},
        {H "c=IN IP4\r\n", 5, 9},
        {H "c=IN IP4 a\r\nc=IN IP4 b\r\n", 6, 1},
        {H "b=AS\r\n", 5, 5},
        {H "b=AS:x\r\n", 5, 6},
        {"v=0\r\no=- 1 1 IN IP4 a\r\ns=-\r\nr=1 2\r\nt=0 0\r\n", 4, 3},
        {H "m=audio 70000 RTP/AVP 0\r\n", 5, 9},
        {H "m=audio 1 RTP/AVP\r\n", 5, 18},
        {H "m=audio 1 RTP//AVP 0\r\n", 5, 11},
        {H "m=audio 1/0 RTP/AVP 0\r\n", 5, 11},
        {H "m=audio 1 RTP/AVP 0 \r\n", 5, 21},
        {H "m=audio 1 RTP/AVP 0\r\nt=0 0\r\n", 6, 1},
        {H "m=audio 1 RTP/AVP 0\r\ni=a\r\ni=b\r\n", 7, 1},
        {H "a=rtcp-mux:1\r\n", 5, 12},
        {H "a=sendonly:yes\r\n", 5, 12},
        {H "m=audio 1 RTP/AVP 0\r\na=rtpmap:0 PCMU\r\n", 6, 10},
        {H "m=audio 1 RTP/AVP 0\r\na=rtpmap:128 X/8000\r\n", 6, 10},
        {H "m=audio 1 RTP/AVP 0\r\na=rtpmap:0 PCMU/0\r\n", 6, 10},
        {H "m=audio 1 RTP/AVP 0\r\na=fmtp:101\r\n", 6, 8},
        {H "m=audio 1 RTP/AVP 0\r\na=extmap:0 urn:x\r\n", 6, 10},
        {H "m=audio 1 RTP/AVP 0\r\na=extmap:1/sideways urn:x\r\n", 6, 10},
        {H "m=audio 1 RTP/AVP 0\r\na=extmap:1 urn:ietf:params:rtp-hdrext:encrypt\r\n", 6, 10},
        {H "m=audio 1 RTP/AVP 0\r\na=cryptex:1\r\n", 6, 11},
        {H "a=x\rb\r\n", 5, 4},
        {H "a=x\0b\r\n", 5, 4},
        {H "\r\na=x\r\n", 5, 1},
    };
    for (size_t i = 0; i < GALOIS_ARRAY_LEN(cases); i++) {
        struct galois_sdp *sdp = (struct galois_sdp *)1;
        size_t off = 0;
        size_t line = 0;
        size_t col = 0;
        const char *t = cases[i].text;
        size_t len = strlen(t);
        if (i == GALOIS_ARRAY_LEN(cases) - 2) {
            len = strlen(H) + 7;  // the text holds a NUL
        }
        print_message("case %zu: %s\n", i, t);
        assert_int_equal(galois_sdp_parse(&sdp, &off, t, len), GALOIS_ERR_PARSE);
        assert_null(sdp);
        galois_sdp_line_col(&line, &col, t, len, off);
        assert_int_equal(line, cases[i].line);
        assert_int_equal(col, cases[i].col);
    }
}

static void test_limits(void **state)
{
    (void)state;
    char *text = malloc(GALOIS_SDP_MAX_LEN + 100);
    struct galois_sdp *sdp = NULL;
    size_t off = 0;
    size_t n = (size_t)snprintf(text, 100, "%s", H);
    assert_non_null(text);
    memset(text + n, 'a', GALOIS_SDP_MAX_LEN);
    assert_int_equal(galois_sdp_parse(&sdp, &off, text, GALOIS_SDP_MAX_LEN + 1), GALOIS_ERR_LIMIT);
    text[n] = 'a';
    text[n + 1] = '=';
    assert_int_equal(galois_sdp_parse(&sdp, &off, text, n + GALOIS_SDP_MAX_LINE_LEN + 1),
                     GALOIS_ERR_LIMIT);
    assert_int_equal(off, n);
    assert_int_equal(galois_sdp_parse(&sdp, &off, text, n + GALOIS_SDP_MAX_LINE_LEN),
                     GALOIS_ERR_OK);
    galois_sdp_free(sdp);
    // One m= section too many, and one attribute too many.
    for (int i = 0; i <= GALOIS_SDP_MAX_MEDIA; i++) {
        n += (size_t)snprintf(text + n, 64, "m=audio %d RTP/AVP 0\r\n", i);
    }
    assert_int_equal(galois_sdp_parse(&sdp, &off, text, n), GALOIS_ERR_LIMIT);
    n = (size_t)snprintf(text, 100, "%s", H);
    for (int i = 0; i <= GALOIS_SDP_MAX_ATTRS; i++) {
        n += (size_t)snprintf(text + n, 64, "a=x%d\r\n", i);
    }
    assert_int_equal(galois_sdp_parse(&sdp, &off, text, n), GALOIS_ERR_LIMIT);
    free(text);
}

static void test_attributes(void **state)
{
    (void)state;
    struct galois_sdp_rtpmap r;
    assert_int_equal(galois_sdp_rtpmap_parse(&r, "101 telephone-event/8000"), GALOIS_ERR_OK);
    assert_int_equal(r.channels, 0);
    assert_int_equal(galois_sdp_rtpmap_parse(&r, "0 PCMU/8000/"), GALOIS_ERR_PARSE);
    assert_int_equal(galois_sdp_rtpmap_parse(&r, NULL), GALOIS_ERR_PARSE);
    struct galois_sdp_fmtp f;
    assert_int_equal(galois_sdp_fmtp_parse(&f, "111 minptime=10;useinbandfec=1"), GALOIS_ERR_OK);
    assert_int_equal(f.format_len, 3);
    assert_int_equal(f.params_len, strlen("minptime=10;useinbandfec=1"));
    static const char *const extmaps[] = {
        "1 urn:ietf:params:rtp-hdrext:ssrc-audio-level",
        "2/sendonly urn:ietf:params:rtp-hdrext:toffset",
        "3 urn:ietf:params:rtp-hdrext:encrypt urn:ietf:params:rtp-hdrext:ssrc-audio-level vad=on",
        "4096/inactive urn:x attr with spaces",
        "14/recvonly urn:ietf:params:rtp-hdrext:encrypt http://example.com/ext",
    };
    for (size_t i = 0; i < GALOIS_ARRAY_LEN(extmaps); i++) {
        struct galois_sdp_extmap e;
        char out[256];
        assert_int_equal(galois_sdp_extmap_parse(&e, extmaps[i]), GALOIS_ERR_OK);
        assert_int_equal(galois_sdp_extmap_write(out, sizeof(out), &e), GALOIS_ERR_OK);
        assert_string_equal(out, extmaps[i]);
        assert_int_equal(galois_sdp_extmap_write(out, 10, &e), GALOIS_ERR_BUFFER);
    }
    struct galois_sdp_extmap e;
    assert_int_equal(galois_sdp_extmap_parse(&e, extmaps[2]), GALOIS_ERR_OK);
    assert_true(e.encrypt);
    assert_int_equal(e.id, 3);
    assert_int_equal(e.uri_len, strlen("urn:ietf:params:rtp-hdrext:ssrc-audio-level"));
    assert_int_equal(e.attributes_len, 6);
    assert_int_equal(galois_sdp_extmap_parse(&e, extmaps[1]), GALOIS_ERR_OK);
    assert_true(e.has_direction);
    assert_int_equal(e.direction, GALOIS_SDP_SENDONLY);
    assert_int_equal(galois_sdp_extmap_parse(&e, "4352 urn:x"), GALOIS_ERR_PARSE);
    assert_int_equal(galois_sdp_extmap_parse(&e, "1 urn:x "), GALOIS_ERR_PARSE);

    // Direction and cryptex: media level first, then session level.
    struct galois_sdp *sdp = sdp_parse_ok(H
                                          "a=sendonly\r\na=cryptex\r\nm=audio 1 RTP/AVP 0\r\n"
                                          "m=audio 2 RTP/AVP 0\r\na=inactive\r\n");
    assert_int_equal(galois_sdp_media_direction(sdp, 0), GALOIS_SDP_SENDONLY);
    assert_int_equal(galois_sdp_media_direction(sdp, 1), GALOIS_SDP_INACTIVE);
    assert_true(galois_sdp_has_cryptex(sdp, 0));
    assert_true(galois_sdp_has_cryptex(sdp, 1));
    assert_false(galois_sdp_media_has_flag(sdp, 1, "cryptex", false));
    assert_string_equal(galois_sdp_direction_name(GALOIS_SDP_RECVONLY), "recvonly");
    assert_int_equal(galois_sdp_direction_answer(GALOIS_SDP_SENDONLY), GALOIS_SDP_RECVONLY);
    assert_int_equal(galois_sdp_direction_answer(GALOIS_SDP_RECVONLY), GALOIS_SDP_SENDONLY);
    assert_int_equal(galois_sdp_direction_answer(GALOIS_SDP_SENDRECV), GALOIS_SDP_SENDRECV);
    assert_int_equal(galois_sdp_direction_answer(GALOIS_SDP_INACTIVE), GALOIS_SDP_INACTIVE);
    galois_sdp_free(sdp);
    sdp = sdp_parse_ok(H "m=audio 1 RTP/AVP 0\r\na=cryptex\r\nm=audio 2 RTP/AVP 0\r\n");
    assert_true(galois_sdp_has_cryptex(sdp, 0));
    assert_false(galois_sdp_has_cryptex(sdp, 1));
    assert_int_equal(galois_sdp_media_direction(sdp, 1), GALOIS_SDP_SENDRECV);
    galois_sdp_free(sdp);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_chromium_fields), cmocka_unit_test(test_files_roundtrip),
        cmocka_unit_test(test_tolerated),       cmocka_unit_test(test_refused),
        cmocka_unit_test(test_limits),          cmocka_unit_test(test_attributes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
