// Tests of the SDP builders, the writer's refusals, and the answer skeleton of RFC 3264.
#include "sdp_util.h"

static void test_build(void **state)
{
    (void)state;
    struct galois_sdp *sdp = NULL;
    struct galois_sdp_conn addr = {"IN", "IP6", "2001:db8::7"};
    size_t index = 99;
    assert_int_equal(galois_sdp_new(&sdp), GALOIS_ERR_OK);
    char small[8];
    size_t len = 0;
    assert_int_equal(galois_sdp_write(small, &len, sizeof(small), sdp), GALOIS_ERR_INVALID);
    assert_int_equal(galois_sdp_set_origin(sdp, "galois", "42", "3", &addr), GALOIS_ERR_OK);
    assert_int_equal(galois_sdp_set_session_name(sdp, "call"), GALOIS_ERR_OK);
    assert_int_equal(galois_sdp_set_conn(sdp, &addr), GALOIS_ERR_OK);
    assert_int_equal(galois_sdp_add_time(sdp, "0", "0"), GALOIS_ERR_OK);
    assert_int_equal(galois_sdp_add_attr(sdp, "group", "BUNDLE a"), GALOIS_ERR_OK);
    assert_int_equal(galois_sdp_add_media(sdp, &index, "audio", 5004, "RTP/SAVP", "0 8"),
                     GALOIS_ERR_OK);
    assert_int_equal(index, 0);
    assert_int_equal(galois_sdp_media_add_attr(sdp, 0, "rtpmap", "0 PCMU/8000"), GALOIS_ERR_OK);
    assert_int_equal(galois_sdp_media_add_attr(sdp, 0, "crypto", "1 X inline:a"), GALOIS_ERR_OK);
    assert_int_equal(galois_sdp_media_add_attr(sdp, 0, "crypto", "2 X inline:b"), GALOIS_ERR_OK);
    assert_int_equal(galois_sdp_media_add_attr(sdp, 0, "rtcp-mux", NULL), GALOIS_ERR_OK);
    assert_int_equal(galois_sdp_media_add_conn(sdp, 0, &addr), GALOIS_ERR_OK);
    assert_int_equal(galois_sdp_media_set_attr(sdp, 0, "crypto", 1, "3 X inline:c"), GALOIS_ERR_OK);
    assert_int_equal(galois_sdp_media_set_attr(sdp, 0, "crypto", 2, "4"), GALOIS_ERR_NOT_FOUND);
    assert_int_equal(galois_sdp_media_set_port(sdp, 0, 6000), GALOIS_ERR_OK);
    assert_int_equal(galois_sdp_media_set_proto(sdp, 0, "RTP/AVP"), GALOIS_ERR_OK);
    const char *want =
        "v=0\r\no=galois 42 3 IN IP6 2001:db8::7\r\ns=call\r\n"
        "c=IN IP6 2001:db8::7\r\nt=0 0\r\na=group:BUNDLE a\r\n"
        "m=audio 6000 RTP/AVP 0 8\r\nc=IN IP6 2001:db8::7\r\n"
        "a=rtpmap:0 PCMU/8000\r\na=crypto:1 X inline:a\r\n"
        "a=crypto:3 X inline:c\r\na=rtcp-mux\r\n";
    assert_string_equal(sdp_text(sdp), want);
    // Too little room: the size needed is reported, and nothing written is left behind (the
    // part that fitted could hold a=crypto keys).
    assert_int_equal(galois_sdp_write(small, &len, sizeof(small), sdp), GALOIS_ERR_BUFFER);
    assert_int_equal(len, strlen(want) + 1);
    for (size_t i = 0; i < sizeof(small); i++) {
        assert_int_equal(small[i], 0);
    }
    galois_sdp_media_remove_attrs(sdp, 0, "crypto");
    galois_sdp_media_remove_attrs(sdp, 7, "crypto");
    assert_null(strstr(sdp_text(sdp), "crypto"));
    // What the parser would refuse, the builders refuse.
    assert_int_equal(galois_sdp_add_attr(sdp, "bad name", NULL), GALOIS_ERR_INVALID);
    assert_int_equal(galois_sdp_add_attr(sdp, "x", "a\r\nm=audio 1 RTP/AVP 0"), GALOIS_ERR_INVALID);
    assert_int_equal(galois_sdp_add_attr(sdp, "rtpmap", "0 PCMU"), GALOIS_ERR_INVALID);
    assert_int_equal(galois_sdp_add_attr(sdp, "rtcp-mux", "1"), GALOIS_ERR_INVALID);
    assert_int_equal(galois_sdp_add_media(sdp, NULL, "audio", 1, "RTP AVP", "0"),
                     GALOIS_ERR_INVALID);
    assert_int_equal(galois_sdp_add_media(sdp, NULL, "audio", 1, "RTP/AVP", ""),
                     GALOIS_ERR_INVALID);
    assert_int_equal(galois_sdp_add_media(sdp, NULL, "audio", 1, "RTP/AVP", "0  8"),
                     GALOIS_ERR_INVALID);
    assert_int_equal(galois_sdp_add_time(sdp, "now", "0"), GALOIS_ERR_INVALID);
    assert_int_equal(galois_sdp_set_origin(sdp, "a b", "1", "1", &addr), GALOIS_ERR_INVALID);
    assert_int_equal(galois_sdp_media_add_attr(sdp, 5, "x", NULL), GALOIS_ERR_INVALID);
    assert_int_equal(galois_sdp_media_set_port(sdp, 5, 1), GALOIS_ERR_INVALID);
    // The result parses back to the same text.
    const char *text = sdp_text(sdp);
    struct galois_sdp *again = sdp_parse_ok(text);
    assert_string_equal(sdp_text(again), text);
    galois_sdp_free(again);
    galois_sdp_free(sdp);
    galois_sdp_free(NULL);
}

static void test_answer_skeleton(void **state)
{
    (void)state;
    struct galois_sdp *offer = sdp_parse_ok(
        "v=0\r\no=- 5 5 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n"
        "a=sendonly\r\na=cryptex\r\nm=audio 4000 RTP/SAVP 0 101\r\na=rtpmap:0 PCMU/8000\r\n"
        "a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\na=ptime:20\r\na=rtcp-mux\r\n"
        "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:d0RmdmcmVCspeEc3QGZiNWpVLFJhQX1cfHAwJSoj\r\n"
        "a=extmap:1/sendonly urn:ietf:params:rtp-hdrext:encrypt urn:x\r\na=ssrc:1 cname:x\r\n"
        "a=fingerprint:sha-256 00:11\r\nm=video 0 RTP/SAVP 96\r\na=rtpmap:96 VP8/90000\r\n"
        "m=audio 4004 RTP/AVP 8\r\na=recvonly\r\n");
    struct galois_sdp_answer_options o = {.address = "198.51.100.7", .first_port = 20000};
    struct galois_sdp *ans = NULL;
    assert_int_equal(galois_sdp_answer_new(&ans, offer, &o), GALOIS_ERR_OK);
    assert_string_equal(sdp_text(ans),
                        "v=0\r\no=- 1 1 IN IP4 198.51.100.7\r\ns=-\r\nc=IN IP4 198.51.100.7\r\n"
                        "t=0 0\r\nm=audio 20000 RTP/SAVP 0 101\r\na=rtpmap:0 PCMU/8000\r\n"
                        "a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\na=ptime:20\r\n"
                        "a=rtcp-mux\r\na=extmap:1/recvonly urn:ietf:params:rtp-hdrext:encrypt "
                        "urn:x\r\na=recvonly\r\nm=video 0 RTP/SAVP 96\r\n"
                        "m=audio 20002 RTP/AVP 8\r\na=sendonly\r\n");
    galois_sdp_free(ans);
    struct galois_sdp_answer_options bad = {.address = "has space", .first_port = 1};
    assert_int_equal(galois_sdp_answer_new(&ans, offer, &bad), GALOIS_ERR_INVALID);
    assert_null(ans);
    bad.address = NULL;
    assert_int_equal(galois_sdp_answer_new(&ans, offer, &bad), GALOIS_ERR_INVALID);
    struct galois_sdp_answer_options six = {
        .address = "2001:db8::1", .addrtype = "IP6", .sess_id = "77", .sess_version = "2"};
    assert_int_equal(galois_sdp_answer_new(&ans, offer, &six), GALOIS_ERR_OK);
    assert_string_equal(ans->origin_sess_id, "77");
    assert_string_equal(ans->conn->addrtype, "IP6");
    galois_sdp_free(ans);
    galois_sdp_free(offer);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_build),
        cmocka_unit_test(test_answer_skeleton),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
