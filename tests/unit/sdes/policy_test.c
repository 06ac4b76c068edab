// Tests of the SDES policy syntax: FreeSWITCH's rtp_secure_media values pasted as they are,
// our options, what is refused (with the offset), and write -> parse round trips.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
// cmocka.h needs the headers above.
#include <cmocka.h>

#include "sdes/internal.h"

static galois_err parse(struct galois_sdes_policy *p, size_t *off, const char *text)
{
    return galois_sdes_policy_parse(p, off, text, strlen(text));
}

static void expect_roundtrip(const struct galois_sdes_policy *p)
{
    char text[512];
    size_t len = 0;
    struct galois_sdes_policy again;
    assert_int_equal(galois_sdes_policy_write(text, &len, sizeof(text), p), GALOIS_ERR_OK);
    assert_int_equal(len, strlen(text));
    assert_int_equal(parse(&again, NULL, text), GALOIS_ERR_OK);
    assert_memory_equal(&again, p, sizeof(*p));
}

static void test_freeswitch_values(void **state)
{
    (void)state;
    struct galois_sdes_policy p;
    // The examples of FreeSWITCH's documentation of rtp_secure_media, pasted as they are.
    assert_int_equal(parse(&p, NULL, "mandatory:AES_CM_256_HMAC_SHA1_80:AES_CM_256_HMAC_SHA1_32"),
                     GALOIS_ERR_OK);
    assert_int_equal(p.mode, GALOIS_SDES_MANDATORY);
    assert_int_equal(p.num_suites, 2);
    assert_int_equal(p.suites[0], GALOIS_SRTP_AES_256_CM_HMAC_SHA1_80);
    assert_int_equal(p.suites[1], GALOIS_SRTP_AES_256_CM_HMAC_SHA1_32);
    expect_roundtrip(&p);
    assert_int_equal(parse(&p, NULL, "optional:AEAD_AES_256_GCM_8:AES_CM_128_HMAC_SHA1_80"),
                     GALOIS_ERR_OK);
    assert_int_equal(p.mode, GALOIS_SDES_OPTIONAL);
    assert_int_equal(p.suites[0], GALOIS_SRTP_AEAD_AES_256_GCM_8);
    expect_roundtrip(&p);
    assert_int_equal(parse(&p, NULL, "true"), GALOIS_ERR_OK);
    assert_int_equal(p.mode, GALOIS_SDES_MANDATORY);
    assert_int_equal(parse(&p, NULL, "false"), GALOIS_ERR_OK);
    assert_int_equal(p.mode, GALOIS_SDES_FORBIDDEN);
    assert_int_equal(p.num_suites, 0);
    assert_int_equal(parse(&p, NULL, "forbidden"), GALOIS_ERR_OK);
    expect_roundtrip(&p);
    assert_int_equal(parse(&p, NULL, "MANDATORY:aes_cm_192_hmac_sha1_32"), GALOIS_ERR_OK);
    assert_int_equal(p.suites[0], GALOIS_SRTP_AES_192_CM_HMAC_SHA1_32);
}

static void test_defaults(void **state)
{
    (void)state;
    struct galois_sdes_policy p;
    struct galois_sdes_policy d;
    assert_int_equal(parse(&p, NULL, "mandatory"), GALOIS_ERR_OK);
    galois_sdes_policy_default(&d, GALOIS_SDES_MANDATORY);
    assert_memory_equal(&p, &d, sizeof(p));
    assert_int_equal(p.num_suites, 4);
    assert_int_equal(p.suites[0], GALOIS_SRTP_AEAD_AES_256_GCM);
    assert_int_equal(p.suites[1], GALOIS_SRTP_AEAD_AES_128_GCM);
    assert_int_equal(p.suites[2], GALOIS_SRTP_AES_256_CM_HMAC_SHA1_80);
    assert_int_equal(p.suites[3], GALOIS_SRTP_AES_CM_128_HMAC_SHA1_80);
    assert_int_equal(p.pick, GALOIS_SDES_PICK_OURS);
    assert_int_equal(p.allow, 0);
    assert_int_equal(p.cryptex, GALOIS_SDES_FEATURE_ACCEPT);
    assert_int_equal(p.hdrext, GALOIS_SDES_FEATURE_ACCEPT);
    assert_int_equal(p.lifetime, 0);
    assert_int_equal(p.mki_len, 0);
}

static void test_options(void **state)
{
    (void)state;
    struct galois_sdes_policy p;
    assert_int_equal(parse(&p, NULL,
                           "optional:AEAD_AES_128_GCM,pick=theirs,allow=UNENCRYPTED_SRTCP+"
                           "unencrypted_srtp,cryptex=require,hdrext=offer,lifetime=2^31,mki=4"),
                     GALOIS_ERR_OK);
    assert_int_equal(p.pick, GALOIS_SDES_PICK_THEIRS);
    assert_int_equal(p.allow,
                     GALOIS_SDES_ALLOW_UNENCRYPTED_SRTCP | GALOIS_SDES_ALLOW_UNENCRYPTED_SRTP);
    assert_int_equal(p.cryptex, GALOIS_SDES_FEATURE_REQUIRE);
    assert_int_equal(p.hdrext, GALOIS_SDES_FEATURE_OFFER);
    assert_int_equal(p.lifetime, (uint64_t)1 << 31);
    assert_true(p.lifetime_pow2);
    assert_int_equal(p.mki_len, 4);
    expect_roundtrip(&p);
    // Options without suites keep the default list.
    assert_int_equal(parse(&p, NULL, "mandatory,lifetime=1000000,cryptex=off"), GALOIS_ERR_OK);
    assert_int_equal(p.num_suites, 4);
    assert_int_equal(p.lifetime, 1000000);
    assert_false(p.lifetime_pow2);
    expect_roundtrip(&p);
    assert_int_equal(parse(&p, NULL, "mandatory:NULL_HMAC_SHA1_80,allow=UNAUTHENTICATED_SRTP"),
                     GALOIS_ERR_OK);
    expect_roundtrip(&p);
    // offer-params: a subset of allow, which comes first.
    assert_int_equal(parse(&p, NULL,
                           "mandatory,allow=UNAUTHENTICATED_SRTP+UNENCRYPTED_SRTCP,"
                           "offer-params=UNAUTHENTICATED_SRTP"),
                     GALOIS_ERR_OK);
    assert_int_equal(p.offer_params, GALOIS_SDES_ALLOW_UNAUTHENTICATED_SRTP);
    expect_roundtrip(&p);
    size_t off = 0;
    assert_int_equal(parse(&p, &off, "mandatory,offer-params=UNAUTHENTICATED_SRTP"),
                     GALOIS_ERR_PARSE);
    assert_int_equal(off, strlen("mandatory,"));  // at the option
    assert_int_equal(parse(&p, NULL,
                           "mandatory,offer-params=UNAUTHENTICATED_SRTP,"
                           "allow=UNAUTHENTICATED_SRTP"),
                     GALOIS_ERR_PARSE);
    assert_int_equal(parse(&p, NULL, "mandatory,allow=UNENCRYPTED_SRTP,offer-params=KDR"),
                     GALOIS_ERR_PARSE);
}

static void test_refused(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        size_t off;
    } cases[] = {
        {"", 0},
        {"maybe", 0},
        {"mandatory:", 10},
        {"mandatory::AEAD_AES_128_GCM", 10},
        {"mandatory:AEAD_AES_256_GCM_80", 10},                // no substring match
        {"mandatory:AEAD_AES_256_GC", 10},                    // no prefix match
        {"mandatory:F8_128_HMAC_SHA1_80", 10},                // known, not run by galois
        {"mandatory:AES_CM_128_NULL_AUTH", 10},               // no authentication at all
        {"mandatory:AEAD_AES_128_GCM:aead_aes_128_gcm", 27},  // twice
        {"forbidden:AES_CM_128_HMAC_SHA1_80", 10},
        {"mandatory,pick=mine", 10},
        {"mandatory,cryptex=yes", 10},
        {"mandatory,allow=UNENCRYPTED", 10},
        {"mandatory,allow=", 10},
        {"mandatory,lifetime=2^49", 10},
        {"mandatory,lifetime=0", 10},
        {"mandatory,mki=0", 10},
        {"mandatory,mki=129", 10},
        {"mandatory,color=blue", 10},
        {"mandatory,", 10},
        {"mandatory AES_CM_128_HMAC_SHA1_80", 9},
        {"mandatory:AES_CM_128_HMAC_SHA1_80 ", 33},
    };
    for (size_t i = 0; i < GALOIS_ARRAY_LEN(cases); i++) {
        struct galois_sdes_policy p;
        size_t off = 999;
        print_message("case %zu: %s\n", i, cases[i].text);
        assert_int_equal(parse(&p, &off, cases[i].text), GALOIS_ERR_PARSE);
        assert_int_equal(off, cases[i].off);
    }
}

static void test_write_limits(void **state)
{
    (void)state;
    struct galois_sdes_policy p;
    char text[8];
    size_t len = 0;
    galois_sdes_policy_default(&p, GALOIS_SDES_MANDATORY);
    assert_int_equal(galois_sdes_policy_write(text, &len, sizeof(text), &p), GALOIS_ERR_BUFFER);
    p.mode = (enum galois_sdes_mode)7;
    assert_int_equal(galois_sdes_policy_write(text, &len, sizeof(text), &p), GALOIS_ERR_INVALID);
    struct galois_sdes_session *s = NULL;
    assert_int_equal(galois_sdes_session_new(&s, &p), GALOIS_ERR_INVALID);
    assert_null(s);
    galois_sdes_policy_default(&p, GALOIS_SDES_OPTIONAL);
    p.num_suites = 0;  // SRTP allowed but no suite to offer
    assert_int_equal(galois_sdes_session_new(&s, &p), GALOIS_ERR_INVALID);
    galois_sdes_policy_default(&p, GALOIS_SDES_FORBIDDEN);
    assert_int_equal(galois_sdes_session_new(&s, &p), GALOIS_ERR_OK);
    galois_sdes_session_free(s);
    galois_sdes_session_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_freeswitch_values), cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_options),           cmocka_unit_test(test_refused),
        cmocka_unit_test(test_write_limits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
