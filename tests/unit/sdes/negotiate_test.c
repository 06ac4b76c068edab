// The answerer under each policy against each kind of offer: a table of policy x offer, each
// row naming what must be chosen (or refused) and what the answer must and must not say.
#include "sdes_util.h"

#define HEAD "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n"
#define AUDIO(proto) "m=audio 5004 " proto " 0\r\na=rtpmap:0 PCMU/8000\r\n"
#define CRYPTO(tag, suite, key) "a=crypto:" tag " " suite " inline:" key "\r\n"

struct row {
    const char *policy;
    const char *offer;
    enum galois_sdes_state state;
    uint32_t tag;
    enum galois_srtp_suite suite;
    const char *want;   // in the answer text (NULL: nothing)
    const char * not ;  // not in the answer text (NULL: nothing)
};

static const struct row rows[] = {
    // mandatory: RTP/SAVP with an acceptable a=crypto only.
    {"mandatory",
     HEAD AUDIO("RTP/SAVP") CRYPTO("1", "AEAD_AES_256_GCM", K44)
         CRYPTO("2", "AES_CM_128_HMAC_SHA1_80", K30),
     GALOIS_SDES_SRTP, 1, GALOIS_SRTP_AEAD_AES_256_GCM, "m=audio 30000 RTP/SAVP 0", NULL},
    {"mandatory",
     HEAD AUDIO("RTP/SAVP") CRYPTO("1", "AES_CM_128_HMAC_SHA1_80", K30)
         CRYPTO("2", "AEAD_AES_256_GCM", K44),
     GALOIS_SDES_SRTP, 2, GALOIS_SRTP_AEAD_AES_256_GCM, "a=crypto:2 AEAD_AES_256_GCM", NULL},
    {"mandatory,pick=theirs",
     HEAD AUDIO("RTP/SAVP") CRYPTO("1", "AES_CM_128_HMAC_SHA1_80", K30)
         CRYPTO("2", "AEAD_AES_256_GCM", K44),
     GALOIS_SDES_SRTP, 1, GALOIS_SRTP_AES_CM_128_HMAC_SHA1_80, "a=crypto:1 AES_CM_128", NULL},
    {"mandatory", HEAD AUDIO("RTP/SAVP") CRYPTO("1", "AES_CM_128_HMAC_SHA1_32", K30),
     GALOIS_SDES_REJECTED, 0, 0, NULL, NULL},
    {"mandatory", HEAD AUDIO("RTP/AVP") CRYPTO("1", "AES_CM_128_HMAC_SHA1_80", K30),
     GALOIS_SDES_REJECTED, 0, 0, NULL, NULL},
    {"mandatory", HEAD AUDIO("RTP/AVP"), GALOIS_SDES_REJECTED, 0, 0, NULL, NULL},
    {"mandatory", HEAD AUDIO("RTP/SAVPF") CRYPTO("1", "AEAD_AES_128_GCM", K28), GALOIS_SDES_SRTP, 1,
     GALOIS_SRTP_AEAD_AES_128_GCM, "RTP/SAVPF 0", NULL},
    // optional: RTP/AVP with a=crypto is best-effort SRTP (RFC 8643); either is accepted.
    {"optional", HEAD AUDIO("RTP/AVP") CRYPTO("1", "AES_CM_128_HMAC_SHA1_80", K30),
     GALOIS_SDES_SRTP, 1, GALOIS_SRTP_AES_CM_128_HMAC_SHA1_80,
     "RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\na=sendrecv\r\na=crypto:1 AES_CM_128_HMAC_SHA1_80", NULL},
    {"optional", HEAD AUDIO("RTP/AVP"), GALOIS_SDES_PLAIN, 0, 0, "RTP/AVP", "a=crypto"},
    {"optional", HEAD AUDIO("RTP/AVP") CRYPTO("1", "AES_CM_128_HMAC_SHA1_32", K30),
     GALOIS_SDES_PLAIN, 0, 0, "m=audio 30000 RTP/AVP", "a=crypto"},
    {"optional", HEAD AUDIO("RTP/SAVP") CRYPTO("1", "AES_CM_128_HMAC_SHA1_32", K30),
     GALOIS_SDES_REJECTED, 0, 0, NULL, NULL},
    {"optional", HEAD AUDIO("RTP/SAVP") CRYPTO("1", "AEAD_AES_128_GCM", K28), GALOIS_SDES_SRTP, 1,
     GALOIS_SRTP_AEAD_AES_128_GCM, "RTP/SAVP", NULL},
    // forbidden: plain RTP only; an offered key on RTP/AVP is ignored.
    {"forbidden", HEAD AUDIO("RTP/AVP") CRYPTO("1", "AES_CM_128_HMAC_SHA1_80", K30),
     GALOIS_SDES_PLAIN, 0, 0, "RTP/AVP", "a=crypto"},
    {"forbidden", HEAD AUDIO("RTP/SAVP") CRYPTO("1", "AES_CM_128_HMAC_SHA1_80", K30),
     GALOIS_SDES_REJECTED, 0, 0, NULL, NULL},
    {"forbidden", HEAD AUDIO("RTP/AVP"), GALOIS_SDES_PLAIN, 0, 0, "m=audio 30000", NULL},
    // Names match exactly: GCM is not GCM_8 and the reverse (FreeSWITCH's substring bug).
    {"mandatory:AEAD_AES_256_GCM", HEAD AUDIO("RTP/SAVP") CRYPTO("1", "AEAD_AES_256_GCM_8", K44),
     GALOIS_SDES_REJECTED, 0, 0, NULL, NULL},
    {"mandatory:AEAD_AES_256_GCM_8", HEAD AUDIO("RTP/SAVP") CRYPTO("1", "AEAD_AES_256_GCM", K44),
     GALOIS_SDES_REJECTED, 0, 0, NULL, NULL},
    {"mandatory:AEAD_AES_256_GCM_8",
     HEAD AUDIO("RTP/SAVP") CRYPTO("1", "AEAD_AES_256_GCM", K44)
         CRYPTO("2", "AEAD_AES_256_GCM_8", K44),
     GALOIS_SDES_SRTP, 2, GALOIS_SRTP_AEAD_AES_256_GCM_8, "a=crypto:2 AEAD_AES_256_GCM_8 ", NULL},
    // Aliases are accepted and answered with the standard name.
    {"mandatory:AES_256_CM_HMAC_SHA1_80",
     HEAD AUDIO("RTP/SAVP") CRYPTO("1", "AES_CM_256_HMAC_SHA1_80", K46), GALOIS_SDES_SRTP, 1,
     GALOIS_SRTP_AES_256_CM_HMAC_SHA1_80, "a=crypto:1 AES_256_CM_HMAC_SHA1_80 ", "AES_CM_256"},
    {"mandatory:AES_CM_192_HMAC_SHA1_80",
     HEAD AUDIO("RTP/SAVP") CRYPTO("4", "AES_192_CM_HMAC_SHA1_80", K38), GALOIS_SDES_SRTP, 4,
     GALOIS_SRTP_AES_192_CM_HMAC_SHA1_80, "a=crypto:4 AES_192_CM_HMAC_SHA1_80 ", NULL},
    // Session parameters: weakenings refused unless allowed, and echoed when accepted.
    {"mandatory",
     HEAD AUDIO("RTP/SAVP") "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" K30
                            " UNENCRYPTED_SRTCP\r\n",
     GALOIS_SDES_REJECTED, 0, 0, NULL, NULL},
    {"mandatory,allow=UNENCRYPTED_SRTCP",
     HEAD AUDIO("RTP/SAVP") "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" K30
                            " UNENCRYPTED_SRTCP\r\n",
     GALOIS_SDES_SRTP, 1, GALOIS_SRTP_AES_CM_128_HMAC_SHA1_80, " UNENCRYPTED_SRTCP\r\n", NULL},
    {"mandatory:AES_CM_128_HMAC_SHA1_80",
     HEAD AUDIO("RTP/SAVP") "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" K30
                            " UNENCRYPTED_SRTP\r\n" CRYPTO("2", "AES_CM_128_HMAC_SHA1_80", K30),
     GALOIS_SDES_SRTP, 2, GALOIS_SRTP_AES_CM_128_HMAC_SHA1_80, NULL, "UNENCRYPTED"},
    {"mandatory,allow=UNAUTHENTICATED_SRTP",
     HEAD AUDIO("RTP/SAVP") "a=crypto:1 AEAD_AES_128_GCM inline:" K28 " UNAUTHENTICATED_SRTP\r\n",
     GALOIS_SDES_REJECTED, 0, 0, NULL, NULL},
    {"mandatory",
     HEAD AUDIO("RTP/SAVP") "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" K30 " FOO=1\r\n",
     GALOIS_SDES_REJECTED, 0, 0, NULL, NULL},
    {"mandatory",
     HEAD AUDIO("RTP/SAVP") "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" K30 " -FOO=1\r\n",
     GALOIS_SDES_SRTP, 1, GALOIS_SRTP_AES_CM_128_HMAC_SHA1_80, NULL, "FOO"},
    {"mandatory",
     HEAD AUDIO("RTP/SAVP") "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" K30 " KDR=0\r\n",
     GALOIS_SDES_REJECTED, 0, 0, NULL, NULL},
    {"mandatory",
     HEAD AUDIO("RTP/SAVP") "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" K30 " KDR=10\r\n",
     GALOIS_SDES_SRTP, 1, GALOIS_SRTP_AES_CM_128_HMAC_SHA1_80, " KDR=10\r\n", NULL},
    {"mandatory",
     HEAD AUDIO("RTP/SAVP") "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" K30
                            " FEC_ORDER=FEC_SRTP WSH=256\r\n",
     GALOIS_SDES_SRTP, 1, GALOIS_SRTP_AES_CM_128_HMAC_SHA1_80, NULL, "WSH"},
    // Unknown and unsupported suites are skipped, not fatal.
    {"mandatory",
     HEAD AUDIO("RTP/SAVP") "a=crypto:1 FUTURE_SUITE inline:x|y\r\n" CRYPTO(
         "2", "AES_CM_128_HMAC_SHA1_80", K30),
     GALOIS_SDES_SRTP, 2, GALOIS_SRTP_AES_CM_128_HMAC_SHA1_80, NULL, "FUTURE"},
    {"mandatory", HEAD AUDIO("RTP/SAVP") CRYPTO("1", "F8_128_HMAC_SHA1_80", K30),
     GALOIS_SDES_REJECTED, 0, 0, NULL, NULL},
    {"mandatory", HEAD AUDIO("RTP/SAVP") CRYPTO("1", "NULL_HMAC_SHA1_80", K30),
     GALOIS_SDES_REJECTED, 0, 0, NULL, NULL},
    {"mandatory:NULL_HMAC_SHA1_80", HEAD AUDIO("RTP/SAVP") CRYPTO("1", "NULL_HMAC_SHA1_80", K30),
     GALOIS_SDES_SRTP, 1, GALOIS_SRTP_NULL_HMAC_SHA1_80, NULL, NULL},
    // Tag 0 is a tag; lifetime and MKI are read into the receive keys.
    {"mandatory", HEAD AUDIO("RTP/SAVP") CRYPTO("0", "AES_CM_128_HMAC_SHA1_80", K30 "|2^20|1:4"),
     GALOIS_SDES_SRTP, 0, GALOIS_SRTP_AES_CM_128_HMAC_SHA1_80, "a=crypto:0 ", "|2^20"},
    // DTLS-SRTP is not SDES; non-RTP media is left alone; port 0 is rejected quietly.
    {"mandatory", HEAD "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=rtpmap:111 opus/48000/2\r\n",
     GALOIS_SDES_REJECTED, 0, 0, NULL, NULL},
    {"mandatory", HEAD "m=image 5008 udptl t38\r\n", GALOIS_SDES_NOT_RTP, 0, 0,
     "m=image 30000 udptl t38", NULL},
    // Header protection: cryptex (RFC 9335) and encrypted extensions (RFC 6904).
    {"mandatory", HEAD AUDIO("RTP/SAVP") CRYPTO("1", "AEAD_AES_128_GCM", K28) "a=cryptex\r\n",
     GALOIS_SDES_SRTP, 1, GALOIS_SRTP_AEAD_AES_128_GCM, "a=cryptex\r\n", NULL},
    {"mandatory,cryptex=off",
     HEAD AUDIO("RTP/SAVP") CRYPTO("1", "AEAD_AES_128_GCM", K28) "a=cryptex\r\n", GALOIS_SDES_SRTP,
     1, GALOIS_SRTP_AEAD_AES_128_GCM, NULL, "cryptex"},
    {"mandatory,cryptex=require", HEAD AUDIO("RTP/SAVP") CRYPTO("1", "AEAD_AES_128_GCM", K28),
     GALOIS_SDES_REJECTED, 0, 0, NULL, NULL},
    {"mandatory,cryptex=require",
     HEAD "a=cryptex\r\n" AUDIO("RTP/SAVP") CRYPTO("1", "AEAD_AES_128_GCM", K28), GALOIS_SDES_SRTP,
     1, GALOIS_SRTP_AEAD_AES_128_GCM, "a=cryptex\r\n", NULL},
    {"mandatory",
     HEAD AUDIO("RTP/SAVP")
         CRYPTO("1", "AES_CM_128_HMAC_SHA1_80",
                K30) "a=extmap:1 urn:ietf:params:rtp-hdrext:encrypt "
                     "urn:ietf:params:rtp-hdrext:ssrc-audio-level\r\n"
                     "a=extmap:2/sendonly urn:ietf:params:rtp-hdrext:toffset\r\n",
     GALOIS_SDES_SRTP, 1, GALOIS_SRTP_AES_CM_128_HMAC_SHA1_80,
     "a=extmap:1 urn:ietf:params:rtp-hdrext:encrypt urn:ietf:params:rtp-hdrext:ssrc-audio-level\r\n"
     "a=extmap:2/recvonly urn:ietf:params:rtp-hdrext:toffset\r\n",
     NULL},
    {"mandatory,hdrext=off",
     HEAD AUDIO("RTP/SAVP") CRYPTO("1", "AES_CM_128_HMAC_SHA1_80",
                                   K30) "a=extmap:1 urn:ietf:params:rtp-hdrext:encrypt "
                                        "urn:ietf:params:rtp-hdrext:ssrc-audio-level\r\n",
     GALOIS_SDES_SRTP, 1, GALOIS_SRTP_AES_CM_128_HMAC_SHA1_80,
     "a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level\r\n", "encrypt"},
    {"mandatory",
     HEAD AUDIO("RTP/SAVP") CRYPTO("1", "AES_CM_128_HMAC_SHA1_80",
                                   K30) "a=cryptex\r\n"
                                        "a=extmap:1 urn:ietf:params:rtp-hdrext:encrypt "
                                        "urn:ietf:params:rtp-hdrext:ssrc-audio-level\r\n",
     GALOIS_SDES_SRTP, 1, GALOIS_SRTP_AES_CM_128_HMAC_SHA1_80,
     "a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level\r\n", "encrypt"},
    {"mandatory,hdrext=require", HEAD AUDIO("RTP/SAVP") CRYPTO("1", "AES_CM_128_HMAC_SHA1_80", K30),
     GALOIS_SDES_REJECTED, 0, 0, NULL, NULL},
    {"optional",
     HEAD AUDIO("RTP/AVP") "a=extmap:3 urn:ietf:params:rtp-hdrext:encrypt "
                           "urn:ietf:params:rtp-hdrext:ssrc-audio-level\r\n",
     GALOIS_SDES_PLAIN, 0, 0, "a=extmap:3 urn:ietf:params:rtp-hdrext:ssrc-audio-level\r\n",
     "encrypt"},
};

static void test_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < GALOIS_ARRAY_LEN(rows); i++) {
        const struct row *r = &rows[i];
        struct util_answer a;
        print_message("row %zu: policy %s\n", i, r->policy);
        galois_err err = util_answer_run(&a, r->policy, r->offer);
        if (r->state == GALOIS_SDES_REJECTED) {
            // The only section is refused: the whole answer is (the SIP layer sends 488).
            assert_int_equal(err, GALOIS_ERR_POLICY);
            assert_true(strstr(a.reason, "m=") == a.reason);
            assert_non_null(strstr(a.reason, "policy "));
            util_answer_free(&a);
            continue;
        }
        if (err != GALOIS_ERR_OK) {
            print_error("refused: %s\n", a.reason);
        }
        assert_int_equal(err, GALOIS_ERR_OK);
        const struct galois_sdes_media_result *m = &a.result->media[0];
        assert_int_equal(a.result->num_media, 1);
        assert_int_equal(m->state, r->state);
        assert_string_equal(m->reason, "");
        if (r->state == GALOIS_SDES_SRTP) {
            assert_int_equal(m->tag, r->tag);
            assert_int_equal(m->send.suite, r->suite);
            assert_int_equal(m->receive.suite, r->suite);
            assert_int_equal(util_count_attr(a.answer, 0, "crypto"), 1);
        } else {
            assert_int_equal(util_count_attr(a.answer, 0, "crypto"), 0);
        }
        if (r->want != NULL && strstr(a.text, r->want) == NULL) {
            print_error("answer lacks \"%s\":\n%s", r->want, a.text);
            fail();
        }
        if (r->not != NULL && strstr(a.text, r->not ) != NULL) {
            print_error("answer has \"%s\":\n%s", r->not, a.text);
            fail();
        }
        util_answer_free(&a);
    }
}

// The refusal names what was offered and what the policy wants.
static void test_reason(void **state)
{
    (void)state;
    struct util_answer a;
    assert_int_equal(util_answer_run(&a, "mandatory:AEAD_AES_256_GCM:AES_CM_128_HMAC_SHA1_80",
                                     HEAD AUDIO("RTP/SAVP") CRYPTO(
                                         "1", "AES_256_CM_HMAC_SHA1_32",
                                         K46) "a=crypto:2 AES_CM_128_HMAC_SHA1_80 inline:" K30
                                              " UNENCRYPTED_SRTCP\r\n"
                                              "a=crypto:3 FUTURE inline:x\r\n"),
                     GALOIS_ERR_POLICY);
    assert_string_equal(a.reason,
                        "m=audio (section 1): offered RTP/SAVP with AES_256_CM_HMAC_SHA1_32 "
                        "(tag 1: suite not in the policy), AES_CM_128_HMAC_SHA1_80 (tag 2: "
                        "UNENCRYPTED_SRTCP, not allowed by the policy), FUTURE (tag 3: unknown "
                        "suite); policy mandatory wants RTP/SAVP with AEAD_AES_256_GCM, "
                        "AES_CM_128_HMAC_SHA1_80; no offered a=crypto is acceptable");
    util_answer_free(&a);
    assert_int_equal(util_answer_run(&a, "forbidden",
                                     HEAD AUDIO("RTP/SAVP") CRYPTO("1", "AEAD_AES_128_GCM", K28)),
                     GALOIS_ERR_POLICY);
    assert_string_equal(a.reason,
                        "m=audio (section 1): offered RTP/SAVP with AEAD_AES_128_GCM (tag 1: suite "
                        "not in the policy); policy forbidden wants plain RTP/AVP; the offer wants "
                        "SRTP");
    util_answer_free(&a);
}

// Several sections: each decided alone; refused ones get port 0, the rest go on.
static void test_sections(void **state)
{
    (void)state;
    struct util_answer a;
    assert_int_equal(
        util_answer_run(&a, "mandatory",
                        HEAD AUDIO("RTP/SAVP")
                            CRYPTO("1", "AEAD_AES_128_GCM",
                                   K28) "m=video 5006 RTP/SAVP 96\r\na=rtpmap:96 "
                                        "VP8/90000\r\n" CRYPTO("1", "AES_CM_128_HMAC_SHA1_32",
                                                               K30) "m=audio 0 RTP/SAVP 0\r\n"
                                                                    "m=image 5010 udptl t38\r\n"),
        GALOIS_ERR_OK);
    assert_int_equal(a.result->num_media, 4);
    assert_int_equal(a.result->media[0].state, GALOIS_SDES_SRTP);
    assert_int_equal(a.result->media[1].state, GALOIS_SDES_REJECTED);
    assert_non_null(strstr(a.result->media[1].reason, "m=video (section 2)"));
    assert_int_equal(a.result->media[2].state, GALOIS_SDES_REJECTED);
    assert_string_equal(a.result->media[2].reason, "");
    assert_int_equal(a.result->media[3].state, GALOIS_SDES_NOT_RTP);
    assert_int_equal(a.answer->media[0].port, 30000);
    assert_int_equal(a.answer->media[1].port, 0);
    assert_int_equal(a.answer->media[2].port, 0);
    assert_int_equal(a.answer->media[3].port, 30004);
    util_answer_free(&a);
}

// Malformed a=crypto lines, and duplicate tags, are malformed offers: the offset points at
// the byte in the offer's text.
static void test_malformed_offer(void **state)
{
    (void)state;
    struct util_answer a;
    const char *bad = HEAD AUDIO("RTP/SAVP") "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:AAAA\r\n";
    assert_int_equal(util_answer_run(&a, "mandatory", bad), GALOIS_ERR_PARSE);
    assert_int_equal(a.err_off, strstr(bad, "AAAA") - bad);
    util_answer_free(&a);
    const char *dup = HEAD AUDIO("RTP/SAVP") CRYPTO("7", "AEAD_AES_128_GCM", K28)
        CRYPTO("7", "AEAD_AES_128_GCM", K28);
    assert_int_equal(util_answer_run(&a, "optional", dup), GALOIS_ERR_PARSE);
    assert_int_equal(a.err_off, strstr(strstr(dup, "a=crypto:7") + 1, "a=crypto:7") - dup + 9);
    util_answer_free(&a);
    // Forbidden reads the lines all the same: a malformed offer is malformed whatever we want.
    assert_int_equal(util_answer_run(&a, "forbidden", bad), GALOIS_ERR_PARSE);
    util_answer_free(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_reason),
        cmocka_unit_test(test_sections),
        cmocka_unit_test(test_malformed_offer),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
