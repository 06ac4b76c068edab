// Offers as baresip, Chromium, FreeSWITCH, pjsip and linphone send them (tests/vectors/sdp/,
// README.md there says what each imitates), answered under several policies. For every SRTP
// answer the test also checks the keys: a packet the peer protects with the key of its chosen
// a=crypto is unprotected with our receive keys, and the key our answer carries unprotects
// what our send keys protect.
#include "sdes_util.h"

static char *load(const char *name)
{
    const char *dir = getenv("GALOIS_VECTORS");
    char path[4096];
    assert_non_null(dir);
    snprintf(path, sizeof(path), "%s/sdp/%s", dir, name);
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        print_error("cannot open %s\n", path);
        fail();
    }
    char *text = calloc(1, UTIL_TEXT_MAX);
    assert_non_null(text);
    size_t n = fread(text, 1, UTIL_TEXT_MAX - 1, f);
    fclose(f);
    assert_true(n > 0);
    return text;
}

struct peer_case {
    const char *file;
    const char *policy;
    galois_err err;
    enum galois_srtp_suite suite;  // NONE: plain RTP
    uint32_t tag;
    const char *proto;  // the answer's profile
    const char *want;   // in the answer text
};

static const struct peer_case cases[] = {
    // baresip: one AES_CM_128_HMAC_SHA1_80, on RTP/SAVP or best-effort RTP/AVP.
    {.file = "baresip_offer_savp.sdp",
     .policy = "mandatory",
     .err = GALOIS_ERR_OK,
     .suite = GALOIS_SRTP_AES_CM_128_HMAC_SHA1_80,
     .tag = 1,
     .proto = "RTP/SAVP",
     .want = "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:"},
    {.file = "baresip_offer_savp.sdp",
     .policy = "mandatory:AEAD_AES_256_GCM",
     .err = GALOIS_ERR_POLICY},
    {.file = "baresip_offer_savp.sdp", .policy = "forbidden", .err = GALOIS_ERR_POLICY},
    {.file = "baresip_offer_avp.sdp",
     .policy = "optional",
     .err = GALOIS_ERR_OK,
     .suite = GALOIS_SRTP_AES_CM_128_HMAC_SHA1_80,
     .tag = 1,
     .proto = "RTP/AVP",
     .want = "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:"},
    {.file = "baresip_offer_avp.sdp", .policy = "mandatory", .err = GALOIS_ERR_POLICY},
    {.file = "baresip_offer_avp.sdp",
     .policy = "optional:AEAD_AES_128_GCM",
     .err = GALOIS_ERR_OK,
     .suite = GALOIS_SRTP_SUITE_NONE,
     .tag = 0,
     .proto = "RTP/AVP",
     .want = "a=rtpmap:101 telephone-event/8000"},
    {.file = "baresip_offer_avp.sdp",
     .policy = "forbidden",
     .err = GALOIS_ERR_OK,
     .suite = GALOIS_SRTP_SUITE_NONE,
     .tag = 0,
     .proto = "RTP/AVP",
     .want = "a=fmtp:101 0-15"},
    // Chromium today: DTLS-SRTP only; SDES has nothing to answer.
    {.file = "chromium156_offer.sdp", .policy = "mandatory", .err = GALOIS_ERR_POLICY},
    {.file = "chromium156_offer.sdp", .policy = "optional", .err = GALOIS_ERR_POLICY},
    {.file = "chromium156_offer.sdp", .policy = "forbidden", .err = GALOIS_ERR_POLICY},
    // Chromium's SDES era: tag 0 is _32, tag 1 is _80.
    {.file = "chromium_sdes_legacy_offer.sdp",
     .policy = "mandatory",
     .err = GALOIS_ERR_OK,
     .suite = GALOIS_SRTP_AES_CM_128_HMAC_SHA1_80,
     .tag = 1,
     .proto = "RTP/SAVPF",
     .want = "a=rtcp-mux\r\n"},
    {.file = "chromium_sdes_legacy_offer.sdp",
     .policy = "mandatory:AES_CM_128_HMAC_SHA1_32:AES_CM_128_HMAC_SHA1_80",
     .err = GALOIS_ERR_OK,
     .suite = GALOIS_SRTP_AES_CM_128_HMAC_SHA1_32,
     .tag = 0,
     .proto = "RTP/SAVPF",
     .want = "a=crypto:0 AES_CM_128_HMAC_SHA1_32 "},
    // FreeSWITCH: its alias names and unpadded keys; the standard name in our answer.
    {.file = "freeswitch_offer.sdp",
     .policy = "mandatory",
     .err = GALOIS_ERR_OK,
     .suite = GALOIS_SRTP_AES_256_CM_HMAC_SHA1_80,
     .tag = 3,
     .proto = "RTP/SAVP",
     .want = "a=crypto:3 AES_256_CM_HMAC_SHA1_80 inline:"},
    {.file = "freeswitch_offer.sdp",
     .policy = "mandatory:AEAD_AES_256_GCM_8",
     .err = GALOIS_ERR_OK,
     .suite = GALOIS_SRTP_AEAD_AES_256_GCM_8,
     .tag = 1,
     .proto = "RTP/SAVP",
     .want = "a=crypto:1 AEAD_AES_256_GCM_8 inline:"},
    {.file = "freeswitch_offer.sdp",
     .policy = "mandatory:AES_192_CM_HMAC_SHA1_32",
     .err = GALOIS_ERR_OK,
     .suite = GALOIS_SRTP_AES_192_CM_HMAC_SHA1_32,
     .tag = 7,
     .proto = "RTP/SAVP",
     .want = "a=crypto:7 AES_192_CM_HMAC_SHA1_32 "},
    {.file = "freeswitch_offer.sdp",
     .policy = "mandatory,pick=theirs",
     .err = GALOIS_ERR_OK,
     .suite = GALOIS_SRTP_AES_256_CM_HMAC_SHA1_80,
     .tag = 3,
     .proto = "RTP/SAVP",
     .want = "a=rtpmap:13 CN/8000"},
    {.file = "freeswitch_offer.sdp",
     .policy = "mandatory:AEAD_AES_256_GCM",
     .err = GALOIS_ERR_POLICY},
    // pjsip: six suites, RTP/AVP (optional) or RTP/SAVP (mandatory).
    {.file = "pjsip_offer_optional.sdp",
     .policy = "optional",
     .err = GALOIS_ERR_OK,
     .suite = GALOIS_SRTP_AEAD_AES_256_GCM,
     .tag = 1,
     .proto = "RTP/AVP",
     .want = "a=crypto:1 AEAD_AES_256_GCM inline:"},
    {.file = "pjsip_offer_optional.sdp",
     .policy = "optional:AES_CM_128_HMAC_SHA1_32:AES_CM_128_HMAC_SHA1_80",
     .err = GALOIS_ERR_OK,
     .suite = GALOIS_SRTP_AES_CM_128_HMAC_SHA1_32,
     .tag = 6,
     .proto = "RTP/AVP",
     .want = "a=crypto:6 "},
    {.file = "pjsip_offer_optional.sdp",
     .policy = "optional:AES_CM_128_HMAC_SHA1_32:AES_CM_128_HMAC_SHA1_80,pick=theirs",
     .err = GALOIS_ERR_OK,
     .suite = GALOIS_SRTP_AES_CM_128_HMAC_SHA1_80,
     .tag = 5,
     .proto = "RTP/AVP",
     .want = "a=crypto:5 "},
    {.file = "pjsip_offer_optional.sdp", .policy = "mandatory", .err = GALOIS_ERR_POLICY},
    {.file = "pjsip_offer_mandatory.sdp",
     .policy = "mandatory",
     .err = GALOIS_ERR_OK,
     .suite = GALOIS_SRTP_AEAD_AES_256_GCM,
     .tag = 1,
     .proto = "RTP/SAVP",
     .want = "a=rtpmap:96 opus/48000/2\r\na=fmtp:96 useinbandfec=1"},
    {.file = "pjsip_offer_mandatory.sdp",
     .policy = "optional:AES_256_CM_HMAC_SHA1_32",
     .err = GALOIS_ERR_OK,
     .suite = GALOIS_SRTP_AES_256_CM_HMAC_SHA1_32,
     .tag = 4,
     .proto = "RTP/SAVP",
     .want = "a=crypto:4 "},
    // linphone: AES-128 and AES-256, no GCM.
    {.file = "linphone_offer.sdp",
     .policy = "mandatory",
     .err = GALOIS_ERR_OK,
     .suite = GALOIS_SRTP_AES_256_CM_HMAC_SHA1_80,
     .tag = 3,
     .proto = "RTP/SAVP",
     .want = "a=crypto:3 AES_256_CM_HMAC_SHA1_80 "},
    {.file = "linphone_offer.sdp",
     .policy = "mandatory,pick=theirs",
     .err = GALOIS_ERR_OK,
     .suite = GALOIS_SRTP_AES_CM_128_HMAC_SHA1_80,
     .tag = 1,
     .proto = "RTP/SAVP",
     .want = "a=crypto:1 "},
    {.file = "linphone_offer.sdp",
     .policy = "mandatory:AEAD_AES_128_GCM:AEAD_AES_256_GCM",
     .err = GALOIS_ERR_POLICY},
};

// offered_line returns the offer's a=crypto value with `tag` in section 0.
static const char *offered_line(const struct galois_sdp *offer, uint32_t tag)
{
    for (size_t i = 0;; i++) {
        const char *v = util_crypto(offer, 0, i);
        assert_non_null(v);
        char prefix[16];
        snprintf(prefix, sizeof(prefix), "%u ", (unsigned)tag);
        if (strncmp(v, prefix, strlen(prefix)) == 0) {
            return v;
        }
    }
}

static void check_keys(const struct util_answer *a, uint32_t tag)
{
    const struct galois_sdes_media_result *m = &a->result->media[0];
    struct galois_sdes_keyset peer;
    struct galois_sdes_keyset ours;
    util_keyset_of(&peer, offered_line(a->offer, tag));
    util_check_pair(&peer, &m->receive);
    util_keyset_of(&ours, util_crypto(a->answer, 0, 0));
    util_check_pair(&m->send, &ours);
    // Our key is fresh: not the peer's.
    assert_memory_not_equal(ours.keys[0].key, peer.keys[0].key, 16);
    galois_secure_zero(&peer, sizeof(peer));
    galois_secure_zero(&ours, sizeof(ours));
}

static void test_peers(void **state)
{
    (void)state;
    for (size_t i = 0; i < GALOIS_ARRAY_LEN(cases); i++) {
        const struct peer_case *c = &cases[i];
        struct util_answer a;
        char *offer = load(c->file);
        print_message("case %zu: %s under %s\n", i, c->file, c->policy);
        galois_err err = util_answer_run(&a, c->policy, offer);
        if (err != c->err) {
            print_error("got %s (%s)\n", galois_err_name(err), a.reason);
        }
        assert_int_equal(err, c->err);
        if (err != GALOIS_ERR_OK) {
            // The reason names the offered suites (or the profile) and the policy.
            assert_non_null(strstr(a.reason, "offered "));
            assert_non_null(strstr(a.reason, "policy "));
            util_answer_free(&a);
            util_free_text(offer);
            continue;
        }
        const struct galois_sdes_media_result *m = &a.result->media[0];
        assert_string_equal(a.answer->media[0].proto, c->proto);
        if (strstr(a.text, c->want) == NULL) {
            print_error("answer lacks \"%s\":\n%s", c->want, a.text);
            fail();
        }
        if (c->suite == GALOIS_SRTP_SUITE_NONE) {
            assert_int_equal(m->state, GALOIS_SDES_PLAIN);
            assert_null(strstr(a.text, "a=crypto"));
        } else {
            assert_int_equal(m->state, GALOIS_SDES_SRTP);
            assert_int_equal(m->tag, c->tag);
            assert_int_equal(m->send.suite, c->suite);
            assert_int_equal(util_count_attr(a.answer, 0, "crypto"), 1);
            check_keys(&a, c->tag);
        }
        util_answer_free(&a);
        util_free_text(offer);
    }
}

// Chromium's refusal says why: DTLS-SRTP is not SDES.
static void test_chromium_reason(void **state)
{
    (void)state;
    struct util_answer a;
    char *offer = load("chromium156_offer.sdp");
    assert_int_equal(util_answer_run(&a, "mandatory", offer), GALOIS_ERR_POLICY);
    assert_non_null(strstr(a.reason, "offered UDP/TLS/RTP/SAVPF without a=crypto"));
    assert_non_null(strstr(a.reason, "DTLS-SRTP is not SDES"));
    util_answer_free(&a);
    util_free_text(offer);
}

// FreeSWITCH's padding-less keys are the same keys as padded ones.
static void test_freeswitch_keys(void **state)
{
    (void)state;
    char *offer = load("freeswitch_offer.sdp");
    struct galois_sdp *sdp = util_parse_sdp(offer);
    for (size_t i = 0; i < 9; i++) {
        struct galois_sdes_crypto c;
        const char *v = util_crypto(sdp, 0, i);
        assert_int_equal(galois_sdes_parse(&c, NULL, v, strlen(v)), GALOIS_ERR_OK);
        assert_int_equal(c.tag, i + 1);
        assert_false(c.opaque);
        assert_int_equal(c.keys[0].key_salt_len, i == 0             ? 44
                                                 : i == 1           ? 28
                                                 : i == 2 || i == 5 ? 46
                                                 : i == 3 || i == 6 ? 38
                                                                    : 30);
        // AES_CM_128_NULL_AUTH is read but never chosen.
        assert_int_equal(c.suite == GALOIS_SRTP_SUITE_NONE, i == 8);
        galois_sdes_crypto_cleanup(&c);
    }
    galois_sdp_free(sdp);
    util_free_text(offer);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_peers),
        cmocka_unit_test(test_chromium_reason),
        cmocka_unit_test(test_freeswitch_keys),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
