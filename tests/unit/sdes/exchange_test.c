// Offer -> answer -> answer received, both ends galois: what the offer holds, that the two
// results are each other's keys (checked by protecting and unprotecting with the engine), that
// the offerer refuses answers that break the offer or its policy, and re-offers with and
// without new keys.
#include "sdes_util.h"

struct exchange {
    struct galois_sdes_session *offerer;
    struct galois_sdp *offer;
    char *offer_text;
    struct util_answer a;               // the answerer's side
    struct galois_sdp *answer;          // the answer as the offerer parses it
    struct galois_sdes_result *result;  // the offerer's result
    char reason[4 * GALOIS_SDES_MAX_REASON_LEN];
};

static const char skeleton[] =
    "v=0\r\no=- 7 7 IN IP4 192.0.2.7\r\ns=-\r\nc=IN IP4 192.0.2.7\r\n"
    "t=0 0\r\nm=audio 4000 RTP/AVP 0 8\r\na=rtpmap:0 PCMU/8000\r\n"
    "a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level\r\n"
    "m=video 4002 RTP/AVPF 96\r\na=rtpmap:96 VP8/90000\r\n"
    "a=rtcp-mux\r\n";

static void make_offer(struct exchange *x, const char *policy)
{
    struct galois_sdes_policy p = util_policy(policy);
    memset(x, 0, sizeof(*x));
    x->offer = util_parse_sdp(skeleton);
    assert_int_equal(galois_sdes_session_new(&x->offerer, &p), GALOIS_ERR_OK);
    assert_int_equal(galois_sdes_offer(x->offerer, x->offer, false), GALOIS_ERR_OK);
    x->offer_text = util_write(x->offer);
}

static galois_err run(struct exchange *x, const char *offer_policy, const char *answer_policy)
{
    make_offer(x, offer_policy);
    galois_err err = util_answer_run(&x->a, answer_policy, x->offer_text);
    if (err != GALOIS_ERR_OK) {
        return err;
    }
    x->answer = util_parse_sdp(x->a.text);
    return galois_sdes_answer_received(x->offerer, &x->result, NULL, x->reason, sizeof(x->reason),
                                       x->answer);
}

static void done(struct exchange *x)
{
    galois_sdes_result_free(x->result);
    galois_sdp_free(x->answer);
    util_answer_free(&x->a);
    util_free_text(x->offer_text);
    galois_sdp_free(x->offer);
    galois_sdes_session_free(x->offerer);
    memset(x, 0, sizeof(*x));
}

// The offer: one a=crypto per suite in policy order, tags 1..n, fresh keys of the right
// length; the profile the mode asks for.
static void test_offer_text(void **state)
{
    (void)state;
    struct exchange x;
    make_offer(&x,
               "mandatory:AEAD_AES_256_GCM:AES_CM_128_HMAC_SHA1_80:AES_192_CM_HMAC_SHA1_32,"
               "lifetime=2^31,mki=2");
    assert_string_equal(x.offer->media[0].proto, "RTP/SAVP");
    assert_string_equal(x.offer->media[1].proto, "RTP/SAVPF");
    static const enum galois_srtp_suite want[] = {GALOIS_SRTP_AEAD_AES_256_GCM,
                                                  GALOIS_SRTP_AES_CM_128_HMAC_SHA1_80,
                                                  GALOIS_SRTP_AES_192_CM_HMAC_SHA1_32};
    for (size_t m = 0; m < 2; m++) {
        assert_int_equal(util_count_attr(x.offer, m, "crypto"), 3);
        for (size_t i = 0; i < 3; i++) {
            struct galois_sdes_crypto c;
            const char *v = util_crypto(x.offer, m, i);
            assert_int_equal(galois_sdes_parse(&c, NULL, v, strlen(v)), GALOIS_ERR_OK);
            assert_int_equal(c.tag, i + 1);
            assert_int_equal(c.suite, want[i]);
            assert_int_equal(c.num_keys, 1);
            assert_int_equal(c.keys[0].key_salt_len, sdes_key_salt_len(want[i]));
            assert_int_equal(c.keys[0].lifetime, (uint64_t)1 << 31);
            assert_true(c.keys[0].lifetime_pow2);
            assert_int_equal(c.keys[0].mki_len, 2);
            assert_int_equal(c.keys[0].mki, 1);
            galois_sdes_crypto_cleanup(&c);
        }
    }
    // Fresh keys differ between suites and between sections.
    assert_string_not_equal(util_crypto(x.offer, 0, 1) + 2, util_crypto(x.offer, 1, 1) + 2);
    assert_null(strstr(x.offer_text, "a=cryptex"));
    assert_null(strstr(x.offer_text, "encrypt"));
    done(&x);

    make_offer(&x, "optional:AES_CM_128_HMAC_SHA1_80,cryptex=offer,hdrext=offer");
    assert_string_equal(x.offer->media[0].proto, "RTP/AVP");
    assert_string_equal(x.offer->media[1].proto, "RTP/AVPF");
    assert_non_null(strstr(x.offer_text, "a=cryptex\r\n"));
    assert_non_null(strstr(x.offer_text,
                           "a=extmap:1 urn:ietf:params:rtp-hdrext:encrypt "
                           "urn:ietf:params:rtp-hdrext:ssrc-audio-level\r\n"));
    done(&x);

    make_offer(&x, "forbidden");
    assert_string_equal(x.offer->media[0].proto, "RTP/AVP");
    assert_null(strstr(x.offer_text, "a=crypto"));
    done(&x);
}

// Both ends agree, and each end's send keys are the other end's receive keys.
static void test_both_ends(void **state)
{
    (void)state;
    static const struct {
        const char *offer_policy;
        const char *answer_policy;
        enum galois_sdes_state state;
        enum galois_srtp_suite suite;
    } cases[] = {
        {"mandatory", "mandatory", GALOIS_SDES_SRTP, GALOIS_SRTP_AEAD_AES_256_GCM},
        {"mandatory", "mandatory:AES_CM_128_HMAC_SHA1_80", GALOIS_SDES_SRTP,
         GALOIS_SRTP_AES_CM_128_HMAC_SHA1_80},
        {"mandatory:AES_CM_128_HMAC_SHA1_32:AES_256_CM_HMAC_SHA1_80,mki=4,lifetime=1000",
         "mandatory:AES_256_CM_HMAC_SHA1_80:AES_CM_128_HMAC_SHA1_32,pick=theirs,mki=1",
         GALOIS_SDES_SRTP, GALOIS_SRTP_AES_CM_128_HMAC_SHA1_32},
        {"optional", "optional:AEAD_AES_128_GCM", GALOIS_SDES_SRTP, GALOIS_SRTP_AEAD_AES_128_GCM},
        {"optional:AEAD_AES_256_GCM_8", "optional", GALOIS_SDES_PLAIN, GALOIS_SRTP_SUITE_NONE},
        {"optional", "forbidden", GALOIS_SDES_PLAIN, GALOIS_SRTP_SUITE_NONE},
        {"forbidden", "optional", GALOIS_SDES_PLAIN, GALOIS_SRTP_SUITE_NONE},
        {"mandatory,cryptex=offer", "mandatory", GALOIS_SDES_SRTP, GALOIS_SRTP_AEAD_AES_256_GCM},
        {"mandatory:NULL_HMAC_SHA1_32", "mandatory:NULL_HMAC_SHA1_32", GALOIS_SDES_SRTP,
         GALOIS_SRTP_NULL_HMAC_SHA1_32},
    };
    for (size_t i = 0; i < GALOIS_ARRAY_LEN(cases); i++) {
        struct exchange x;
        print_message("case %zu: %s -> %s\n", i, cases[i].offer_policy, cases[i].answer_policy);
        assert_int_equal(run(&x, cases[i].offer_policy, cases[i].answer_policy), GALOIS_ERR_OK);
        for (size_t m = 0; m < 2; m++) {
            const struct galois_sdes_media_result *o = &x.result->media[m];
            const struct galois_sdes_media_result *a = &x.a.result->media[m];
            assert_int_equal(o->state, cases[i].state);
            assert_int_equal(a->state, cases[i].state);
            if (cases[i].state != GALOIS_SDES_SRTP) {
                continue;
            }
            assert_int_equal(o->tag, a->tag);
            assert_int_equal(o->send.suite, cases[i].suite);
            assert_int_equal(a->send.suite, cases[i].suite);
            assert_int_equal(o->send.cryptex, a->receive.cryptex);
            util_check_pair(&o->send, &a->receive);
            util_check_pair(&a->send, &o->receive);
            assert_memory_not_equal(o->send.keys[0].key, a->send.keys[0].key, 16);
        }
        done(&x);
    }
}

static void test_header_protection(void **state)
{
    (void)state;
    struct exchange x;
    assert_int_equal(run(&x, "mandatory,cryptex=require", "mandatory"), GALOIS_ERR_OK);
    assert_int_equal(x.result->media[0].send.cryptex, GALOIS_SRTP_CRYPTEX_REQUIRED);
    assert_int_equal(x.a.result->media[0].send.cryptex, GALOIS_SRTP_CRYPTEX_ON);
    util_check_pair(&x.result->media[0].send, &x.a.result->media[0].receive);
    done(&x);
    // RFC 6904: the answerer agrees to encrypt what the offer asks; ID 1 in both key sets.
    assert_int_equal(run(&x, "mandatory,hdrext=offer", "mandatory"), GALOIS_ERR_OK);
    assert_int_equal(x.result->media[0].send.encrypt_ext_ids[0], 0x02);
    assert_int_equal(x.result->media[0].receive.encrypt_ext_ids[0], 0x02);
    assert_int_equal(x.a.result->media[0].send.encrypt_ext_ids[0], 0x02);
    assert_int_equal(x.result->media[1].send.encrypt_ext_ids[0], 0);  // video has no extmap
    util_check_pair(&x.a.result->media[0].send, &x.result->media[0].receive);
    done(&x);
    // The answerer does not do RFC 6904: nothing is encrypted, nobody is refused.
    assert_int_equal(run(&x, "mandatory,hdrext=offer", "mandatory,hdrext=off"), GALOIS_ERR_OK);
    assert_int_equal(x.result->media[0].send.encrypt_ext_ids[0], 0);
    done(&x);
    // Both offered: cryptex wins (RFC 9335 §6: never both).
    assert_int_equal(run(&x, "mandatory,hdrext=offer,cryptex=offer", "mandatory"), GALOIS_ERR_OK);
    assert_int_equal(x.result->media[0].send.cryptex, GALOIS_SRTP_CRYPTEX_ON);
    assert_int_equal(x.result->media[0].send.encrypt_ext_ids[0], 0);
    done(&x);
    // The answerer requires what was not offered.
    assert_int_equal(run(&x, "mandatory", "mandatory,cryptex=require"), GALOIS_ERR_POLICY);
    assert_non_null(strstr(x.a.reason, "a=cryptex"));
    done(&x);
    // The offerer requires cryptex, the answerer does not do it.
    assert_int_equal(run(&x, "mandatory,cryptex=require", "mandatory,cryptex=off"),
                     GALOIS_ERR_POLICY);
    assert_non_null(strstr(x.reason, "lacks a=cryptex"));
    done(&x);
}

// answer_text_received parses `text` as the answer to x's offer.
static galois_err answer_text_received(struct exchange *x, const char *text)
{
    galois_sdp_free(x->answer);
    x->answer = util_parse_sdp(text);
    return galois_sdes_answer_received(x->offerer, &x->result, NULL, x->reason, sizeof(x->reason),
                                       x->answer);
}

#define ANS_HEAD "v=0\r\no=- 9 9 IN IP4 192.0.2.9\r\ns=-\r\nc=IN IP4 192.0.2.9\r\nt=0 0\r\n"
#define ANS_VIDEO "m=video 0 RTP/SAVPF 96\r\n"

static void test_bad_answers(void **state)
{
    (void)state;
    static const struct {
        const char *policy;
        const char *answer;
        const char *why;
    } cases[] = {
        {"mandatory",
         ANS_HEAD "m=audio 5 RTP/SAVP 0\r\na=crypto:9 AEAD_AES_256_GCM inline:" K44
                  "\r\n" ANS_VIDEO,
         "tag was not offered"},
        {"mandatory",
         ANS_HEAD "m=audio 5 RTP/SAVP 0\r\na=crypto:1 AEAD_AES_128_GCM inline:" K28
                  "\r\n" ANS_VIDEO,
         "changes the suite"},
        {"mandatory",
         ANS_HEAD "m=audio 5 RTP/SAVP 0\r\na=crypto:1 AEAD_AES_256_GCM inline:" K44
                  "\r\na=crypto:2 AEAD_AES_128_GCM inline:" K28 "\r\n" ANS_VIDEO,
         "more than one a=crypto"},
        {"mandatory", ANS_HEAD "m=audio 5 RTP/SAVP 0\r\n" ANS_VIDEO, "has no a=crypto"},
        {"mandatory",
         ANS_HEAD "m=audio 5 RTP/AVP 0\r\na=crypto:1 AEAD_AES_256_GCM inline:" K44 "\r\n" ANS_VIDEO,
         "profile differs"},
        {"mandatory",
         ANS_HEAD "m=audio 5 RTP/SAVP 0\r\na=crypto:1 AEAD_AES_256_GCM inline:" K44
                  " UNENCRYPTED_SRTP\r\n" ANS_VIDEO,
         "UNENCRYPTED_SRTP"},
        {"optional", ANS_HEAD "m=audio 5 RTP/SAVP 0\r\n" ANS_VIDEO, "RTP/SAVP without a key"},
        {"forbidden",
         ANS_HEAD "m=audio 5 RTP/AVP 0\r\na=crypto:1 AEAD_AES_256_GCM inline:" K44 "\r\n" ANS_VIDEO,
         "not offered"},
        {"mandatory", ANS_HEAD "m=audio 0 RTP/SAVP 0\r\n" ANS_VIDEO, "rejected the section"},
        {"mandatory", ANS_HEAD "m=audio 0 RTP/SAVP 0\r\n", "do not match"},
    };
    for (size_t i = 0; i < GALOIS_ARRAY_LEN(cases); i++) {
        struct exchange x;
        print_message("case %zu: %s\n", i, cases[i].why);
        make_offer(&x, cases[i].policy);
        assert_int_equal(answer_text_received(&x, cases[i].answer), GALOIS_ERR_POLICY);
        assert_null(x.result);
        if (strstr(x.reason, cases[i].why) == NULL) {
            print_error("reason: %s\n", x.reason);
            fail();
        }
        done(&x);
    }
    // A malformed a=crypto in the answer points at its byte.
    struct exchange x;
    size_t off = 0;
    make_offer(&x, "mandatory");
    const char *bad =
        ANS_HEAD "m=audio 5 RTP/SAVP 0\r\na=crypto:1 AEAD_AES_256_GCM inline:!!\r\n" ANS_VIDEO;
    x.answer = util_parse_sdp(bad);
    assert_int_equal(galois_sdes_answer_received(x.offerer, &x.result, &off, x.reason,
                                                 sizeof(x.reason), x.answer),
                     GALOIS_ERR_PARSE);
    assert_int_equal(off, strstr(bad, "!!") - bad);
    done(&x);
    // No offer, no answer.
    struct galois_sdes_policy p = util_policy("mandatory");
    struct galois_sdes_session *s = NULL;
    struct galois_sdes_result *r = NULL;
    struct galois_sdp *sdp = util_parse_sdp(ANS_HEAD);
    assert_int_equal(galois_sdes_session_new(&s, &p), GALOIS_ERR_OK);
    assert_int_equal(galois_sdes_answer_received(s, &r, NULL, NULL, 0, sdp), GALOIS_ERR_STATE);
    galois_sdes_session_free(s);
    galois_sdp_free(sdp);
}

// Re-offers keep keys unless asked to change them; so do re-answers.
static void test_rekey(void **state)
{
    (void)state;
    struct exchange x;
    assert_int_equal(run(&x, "mandatory,mki=1", "mandatory,mki=1"), GALOIS_ERR_OK);
    char first_offer[256];
    char first_answer[256];
    snprintf(first_offer, sizeof(first_offer), "%s", util_crypto(x.offer, 0, 0));
    snprintf(first_answer, sizeof(first_answer), "%s", util_crypto(x.a.answer, 0, 0));
    struct galois_sdes_keyset old_send = x.result->media[0].send;

    // Same offer again, no re-keying: the same keys, byte for byte.
    struct galois_sdp *again = util_parse_sdp(skeleton);
    assert_int_equal(galois_sdes_offer(x.offerer, again, false), GALOIS_ERR_OK);
    assert_string_equal(util_crypto(again, 0, 0), first_offer);
    // The answerer sees the same tag and suite: it keeps its key too.
    struct galois_sdp_answer_options o = {.address = "192.0.2.99", .first_port = 30000};
    struct galois_sdp *ans = NULL;
    struct galois_sdes_result *res = NULL;
    assert_int_equal(galois_sdp_answer_new(&ans, again, &o), GALOIS_ERR_OK);
    assert_int_equal(galois_sdes_answer(x.a.s, ans, &res, NULL, NULL, 0, again, false),
                     GALOIS_ERR_OK);
    assert_string_equal(util_crypto(ans, 0, 0), first_answer);
    galois_sdes_result_free(res);
    galois_sdp_free(ans);
    // Asked to re-key, the answerer draws a new key with the next MKI.
    assert_int_equal(galois_sdp_answer_new(&ans, again, &o), GALOIS_ERR_OK);
    assert_int_equal(galois_sdes_answer(x.a.s, ans, &res, NULL, NULL, 0, again, true),
                     GALOIS_ERR_OK);
    assert_string_not_equal(util_crypto(ans, 0, 0), first_answer);
    assert_non_null(strstr(util_crypto(ans, 0, 0), "|2:1"));
    galois_sdes_result_free(res);
    galois_sdp_free(ans);
    galois_sdp_free(again);

    // The offerer re-keys: every key is new, with the next MKI; the new answer's result uses
    // the new key.
    again = util_parse_sdp(skeleton);
    assert_int_equal(galois_sdes_offer(x.offerer, again, true), GALOIS_ERR_OK);
    assert_string_not_equal(util_crypto(again, 0, 0), first_offer);
    assert_non_null(strstr(util_crypto(again, 0, 0), "|2:1"));
    char *text = util_write(again);
    struct util_answer a2;
    assert_int_equal(util_answer_run(&a2, "mandatory", text), GALOIS_ERR_OK);
    struct galois_sdp *ans2 = util_parse_sdp(a2.text);
    galois_sdes_result_free(x.result);
    x.result = NULL;
    assert_int_equal(galois_sdes_answer_received(x.offerer, &x.result, NULL, NULL, 0, ans2),
                     GALOIS_ERR_OK);
    assert_memory_not_equal(x.result->media[0].send.keys[0].key, old_send.keys[0].key, 32);
    util_check_pair(&x.result->media[0].send, &a2.result->media[0].receive);
    galois_secure_zero(&old_send, sizeof(old_send));
    galois_sdp_free(ans2);
    util_answer_free(&a2);
    util_free_text(text);
    galois_sdp_free(again);
    done(&x);
}

// galois_sdes_reoffer: in an established session either side re-offers only the suite in use,
// under its tag, with its current key (a hold, a resume), or a fresh key of that suite (a
// re-key) that the answer then puts into the offerer's result.
static void test_reoffer(void **state)
{
    (void)state;
    struct exchange x;
    assert_int_equal(run(&x, "mandatory", "mandatory:AES_CM_128_HMAC_SHA1_80:AEAD_AES_256_GCM"),
                     GALOIS_ERR_OK);
    const char *used = util_crypto(x.offer, 0, 3);  // tag 4: the answerer's first choice
    assert_non_null(strstr(used, "4 AES_CM_128_HMAC_SHA1_80 inline:"));
    struct galois_sdp *again = util_parse_sdp(skeleton);
    assert_int_equal(galois_sdes_reoffer(x.offerer, again, false), GALOIS_ERR_OK);
    assert_int_equal(util_count_attr(again, 0, "crypto"), 1);
    assert_string_equal(util_crypto(again, 0, 0), used);
    galois_sdp_free(again);

    // The answerer's session re-offers its own key under the same tag (not four fresh ones).
    again = util_parse_sdp(skeleton);
    assert_int_equal(galois_sdes_reoffer(x.a.s, again, false), GALOIS_ERR_OK);
    assert_int_equal(util_count_attr(again, 0, "crypto"), 1);
    assert_string_equal(util_crypto(again, 0, 0), util_crypto(x.a.answer, 0, 0));
    galois_sdp_free(again);

    // Re-key: the same tag and suite, a new key; the answerer keeps its own; the offerer's
    // new result sends under the new key, which the answerer's new result receives.
    again = util_parse_sdp(skeleton);
    assert_int_equal(galois_sdes_reoffer(x.offerer, again, true), GALOIS_ERR_OK);
    assert_int_equal(util_count_attr(again, 0, "crypto"), 1);
    assert_non_null(strstr(util_crypto(again, 0, 0), "4 AES_CM_128_HMAC_SHA1_80 inline:"));
    assert_string_not_equal(util_crypto(again, 0, 0), used);
    struct galois_sdp_answer_options o = {.address = "192.0.2.99", .first_port = 30000};
    struct galois_sdp *ans = NULL;
    struct galois_sdes_result *res = NULL;
    assert_int_equal(galois_sdp_answer_new(&ans, again, &o), GALOIS_ERR_OK);
    assert_int_equal(galois_sdes_answer(x.a.s, ans, &res, NULL, NULL, 0, again, false),
                     GALOIS_ERR_OK);
    assert_string_equal(util_crypto(ans, 0, 0), util_crypto(x.a.answer, 0, 0));
    struct galois_sdes_keyset old_send = x.result->media[0].send;
    galois_sdes_result_free(x.result);
    x.result = NULL;
    assert_int_equal(galois_sdes_answer_received(x.offerer, &x.result, NULL, NULL, 0, ans),
                     GALOIS_ERR_OK);
    assert_int_equal(x.result->media[0].send.suite, GALOIS_SRTP_AES_CM_128_HMAC_SHA1_80);
    assert_memory_not_equal(x.result->media[0].send.keys[0].key, old_send.keys[0].key, 16);
    util_check_pair(&x.result->media[0].send, &res->media[0].receive);
    util_check_pair(&res->media[0].send, &x.result->media[0].receive);
    galois_secure_zero(&old_send, sizeof(old_send));
    galois_sdes_result_free(res);
    galois_sdp_free(ans);
    galois_sdp_free(again);
    done(&x);
}

// offer-params: the offer carries the named session parameters on every line where they mean
// something (UNAUTHENTICATED_SRTP not on AEAD suites), an answerer that allows them echoes them,
// both ends' key sets carry them and still work together; one that does not allow them refuses.
static void test_offer_params(void **state)
{
    (void)state;
    struct exchange x;
    assert_int_equal(run(&x,
                         "mandatory:AES_CM_128_HMAC_SHA1_80:AEAD_AES_128_GCM,"
                         "allow=UNAUTHENTICATED_SRTP,offer-params=UNAUTHENTICATED_SRTP",
                         "mandatory:AES_CM_128_HMAC_SHA1_80,allow=UNAUTHENTICATED_SRTP"),
                     GALOIS_ERR_OK);
    assert_non_null(strstr(util_crypto(x.offer, 0, 0), "AES_CM_128_HMAC_SHA1_80 inline:"));
    assert_non_null(strstr(util_crypto(x.offer, 0, 0), " UNAUTHENTICATED_SRTP"));
    assert_non_null(strstr(util_crypto(x.offer, 0, 1), "AEAD_AES_128_GCM inline:"));
    assert_null(strstr(util_crypto(x.offer, 0, 1), "UNAUTHENTICATED_SRTP"));
    assert_non_null(strstr(util_crypto(x.answer, 0, 0), " UNAUTHENTICATED_SRTP"));
    const struct galois_sdes_media_result *r = &x.result->media[0];
    assert_int_equal(r->state, GALOIS_SDES_SRTP);
    assert_true(r->send.unauthenticated_srtp);
    assert_true(r->receive.unauthenticated_srtp);
    assert_true(x.a.result->media[0].send.unauthenticated_srtp);
    util_check_pair(&r->send, &x.a.result->media[0].receive);
    util_check_pair(&x.a.result->media[0].send, &r->receive);
    done(&x);

    // An answerer that does not allow it refuses the only line it could take.
    make_offer(&x,
               "mandatory:AES_CM_128_HMAC_SHA1_80,allow=UNAUTHENTICATED_SRTP,"
               "offer-params=UNAUTHENTICATED_SRTP");
    assert_int_equal(util_answer_run(&x.a, "mandatory:AES_CM_128_HMAC_SHA1_80", x.offer_text),
                     GALOIS_ERR_POLICY);
    done(&x);

    // Without the option, nothing is written.
    make_offer(&x, "mandatory:AES_CM_128_HMAC_SHA1_80,allow=UNAUTHENTICATED_SRTP");
    assert_null(strstr(util_crypto(x.offer, 0, 0), "UNAUTHENTICATED_SRTP"));
    done(&x);
}

// The key set maps to the engine's policy field by field.
static void test_keyset_policy(void **state)
{
    (void)state;
    struct util_answer a;
    assert_int_equal(
        util_answer_run(&a, "mandatory,allow=UNENCRYPTED_SRTP+UNENCRYPTED_SRTCP",
                        "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nt=0 0\r\n"
                        "m=audio 5 RTP/SAVP 0\r\na=crypto:3 AES_CM_128_HMAC_SHA1_80 inline:" K30
                        "|2^20|258:2;inline:" K30 "|2^20|259:2 KDR=12 UNENCRYPTED_SRTP "
                        "UNENCRYPTED_SRTCP WSH=100000\r\n"),
        GALOIS_ERR_OK);
    const struct galois_sdes_keyset *rx = &a.result->media[0].receive;
    const struct galois_sdes_keyset *tx = &a.result->media[0].send;
    struct galois_srtp_policy p;
    assert_int_equal(galois_sdes_keyset_policy(&p, rx, GALOIS_SRTP_RECEIVE), GALOIS_ERR_OK);
    assert_int_equal(p.suite, GALOIS_SRTP_AES_CM_128_HMAC_SHA1_80);
    assert_int_equal(p.direction, GALOIS_SRTP_RECEIVE);
    assert_int_equal(p.num_keys, 2);
    assert_ptr_equal(p.keys, rx->keys);
    assert_int_equal(p.mki_len, 2);
    assert_int_equal(p.keys[0].mki[0], 1);
    assert_int_equal(p.keys[0].mki[1], 2);
    assert_int_equal(p.keys[1].mki[1], 3);
    assert_int_equal(p.keys[0].lifetime, 1u << 20);
    assert_int_equal(p.kdr_log2, 12);
    assert_int_equal(p.rtp_window, GALOIS_SRTP_MAX_WINDOW);
    assert_true(p.unencrypted_srtp);
    assert_true(p.unencrypted_srtcp);
    assert_false(p.allow_null_cipher);
    assert_int_equal(p.keys[0].key[0], 0x77);  // K30 starts 77 44 66 ...
    assert_int_equal(p.keys[0].salt[13], 0x23);
    assert_int_equal(galois_sdes_keyset_policy(&p, tx, GALOIS_SRTP_SEND), GALOIS_ERR_OK);
    assert_int_equal(p.rtp_window, 0);
    assert_int_equal(p.kdr_log2, 12);
    assert_int_equal(p.num_keys, 1);
    assert_non_null(strstr(a.text, " KDR=12 UNENCRYPTED_SRTP UNENCRYPTED_SRTCP\r\n"));
    // Our answer's key and the peer's keys: each decrypts what the other encrypts.
    struct galois_sdes_keyset peer;
    util_keyset_of(&peer, util_crypto(a.offer, 0, 0));
    util_check_pair(&peer, rx);
    struct galois_sdes_keyset ours;
    util_keyset_of(&ours, util_crypto(a.answer, 0, 0));
    util_check_pair(tx, &ours);
    galois_secure_zero(&peer, sizeof(peer));
    galois_secure_zero(&ours, sizeof(ours));
    struct galois_sdes_keyset empty = {0};
    assert_int_equal(galois_sdes_keyset_policy(&p, &empty, GALOIS_SRTP_SEND), GALOIS_ERR_INVALID);
    // galois_sdes_keyset_equal: a copy is equal; any field that changes the session is not
    struct galois_sdes_keyset copy = *rx;
    assert_true(galois_sdes_keyset_equal(rx, &copy));
    assert_false(galois_sdes_keyset_equal(rx, tx));
    copy.keys[1].salt[5] ^= 1;  // the second key's salt
    assert_false(galois_sdes_keyset_equal(rx, &copy));
    copy = *rx;
    copy.keys[0].lifetime = 1;
    assert_false(galois_sdes_keyset_equal(rx, &copy));
    copy = *rx;
    copy.window = 64;
    assert_false(galois_sdes_keyset_equal(rx, &copy));
    copy = *rx;
    copy.encrypt_ext_ids[0] = 2;
    assert_false(galois_sdes_keyset_equal(rx, &copy));
    copy = *rx;
    copy.keys[1].key[0] ^= 1;
    copy.num_keys = 1;  // keys past num_keys do not count
    struct galois_sdes_keyset one = *rx;
    one.num_keys = 1;
    assert_true(galois_sdes_keyset_equal(&one, &copy));
    galois_secure_zero(&copy, sizeof(copy));
    galois_secure_zero(&one, sizeof(one));
    util_answer_free(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_offer_text),
        cmocka_unit_test(test_both_ends),
        cmocka_unit_test(test_header_protection),
        cmocka_unit_test(test_bad_answers),
        cmocka_unit_test(test_rekey),
        cmocka_unit_test(test_reoffer),
        cmocka_unit_test(test_keyset_policy),
        cmocka_unit_test(test_offer_params),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
