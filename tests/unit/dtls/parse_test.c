// The DTLS layer's small codecs and rules, without a handshake: RFC 7983 demultiplexing,
// a=setup and the roles it gives, a=fingerprint values, the policy and its profile names,
// certificates from PEM, and the internal parsers of use_srtp and of record framing.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
// cmocka.h needs the headers above.
#include <cmocka.h>
#include <galois/dtls.h>
#include <galois/tls.h>

#include "dtls/internal.h"

static void test_demux(void **state)
{
    (void)state;
    static const struct {
        uint8_t first;
        enum galois_demux want;
    } cases[] = {
        {0, GALOIS_DEMUX_STUN},          {1, GALOIS_DEMUX_STUN},
        {3, GALOIS_DEMUX_STUN},          {4, GALOIS_DEMUX_UNKNOWN},
        {15, GALOIS_DEMUX_UNKNOWN},      {16, GALOIS_DEMUX_ZRTP},
        {19, GALOIS_DEMUX_ZRTP},         {20, GALOIS_DEMUX_DTLS},
        {22, GALOIS_DEMUX_DTLS},         {63, GALOIS_DEMUX_DTLS},
        {64, GALOIS_DEMUX_TURN_CHANNEL}, {79, GALOIS_DEMUX_TURN_CHANNEL},
        {80, GALOIS_DEMUX_UNKNOWN},      {127, GALOIS_DEMUX_UNKNOWN},
        {128, GALOIS_DEMUX_RTP},         {191, GALOIS_DEMUX_RTP},
        {192, GALOIS_DEMUX_UNKNOWN},     {255, GALOIS_DEMUX_UNKNOWN},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        assert_int_equal(galois_demux_classify(cases[i].first), cases[i].want);
    }
    // Every byte lands in exactly the RFC 7983 ranges.
    size_t counts[6] = {0};
    for (unsigned b = 0; b < 256; b++) {
        counts[galois_demux_classify((uint8_t)b)]++;
    }
    assert_int_equal(counts[GALOIS_DEMUX_STUN], 4);
    assert_int_equal(counts[GALOIS_DEMUX_ZRTP], 4);
    assert_int_equal(counts[GALOIS_DEMUX_DTLS], 44);
    assert_int_equal(counts[GALOIS_DEMUX_TURN_CHANNEL], 16);
    assert_int_equal(counts[GALOIS_DEMUX_RTP], 64);
    assert_string_equal(galois_demux_name(GALOIS_DEMUX_DTLS), "dtls");
    assert_string_equal(galois_demux_name(GALOIS_DEMUX_TURN_CHANNEL), "turn-channel");
    assert_string_equal(galois_demux_name((enum galois_demux)99), "unknown");
}

static void test_setup(void **state)
{
    (void)state;
    enum galois_dtls_setup s;
    assert_int_equal(galois_dtls_setup_parse(&s, "actpass", 7), GALOIS_ERR_OK);
    assert_int_equal(s, GALOIS_DTLS_SETUP_ACTPASS);
    assert_int_equal(galois_dtls_setup_parse(&s, "PASSIVE", 7), GALOIS_ERR_OK);
    assert_int_equal(s, GALOIS_DTLS_SETUP_PASSIVE);
    assert_int_equal(galois_dtls_setup_parse(&s, "holdconn", 8), GALOIS_ERR_OK);
    assert_int_equal(galois_dtls_setup_parse(&s, "active ", 6), GALOIS_ERR_OK);  // no NUL needed
    assert_int_equal(s, GALOIS_DTLS_SETUP_ACTIVE);
    assert_int_equal(galois_dtls_setup_parse(&s, "active ", 7), GALOIS_ERR_PARSE);
    assert_int_equal(galois_dtls_setup_parse(&s, "activ", 5), GALOIS_ERR_PARSE);
    assert_int_equal(galois_dtls_setup_parse(&s, "", 0), GALOIS_ERR_PARSE);
    assert_string_equal(galois_dtls_setup_name(GALOIS_DTLS_SETUP_PASSIVE), "passive");
    assert_string_equal(galois_dtls_setup_name(GALOIS_DTLS_SETUP_NONE), "");

    static const struct {
        enum galois_dtls_setup offer;
        enum galois_dtls_setup prefer;
        galois_err err;
        enum galois_dtls_setup answer;
        enum galois_dtls_role role;
    } answers[] = {
        // Chromium offers actpass: by default we answer active (RFC 5763 §5 recommends it) ...
        {GALOIS_DTLS_SETUP_ACTPASS, GALOIS_DTLS_SETUP_NONE, GALOIS_ERR_OK, GALOIS_DTLS_SETUP_ACTIVE,
         GALOIS_DTLS_CLIENT},
        {GALOIS_DTLS_SETUP_ACTPASS, GALOIS_DTLS_SETUP_ACTIVE, GALOIS_ERR_OK,
         GALOIS_DTLS_SETUP_ACTIVE, GALOIS_DTLS_CLIENT},
        // ... or passive, to be the DTLS server and pick the SRTP profile.
        {GALOIS_DTLS_SETUP_ACTPASS, GALOIS_DTLS_SETUP_PASSIVE, GALOIS_ERR_OK,
         GALOIS_DTLS_SETUP_PASSIVE, GALOIS_DTLS_SERVER},
        {GALOIS_DTLS_SETUP_ACTIVE, GALOIS_DTLS_SETUP_ACTIVE, GALOIS_ERR_OK,
         GALOIS_DTLS_SETUP_PASSIVE, GALOIS_DTLS_SERVER},
        {GALOIS_DTLS_SETUP_PASSIVE, GALOIS_DTLS_SETUP_PASSIVE, GALOIS_ERR_OK,
         GALOIS_DTLS_SETUP_ACTIVE, GALOIS_DTLS_CLIENT},
        {GALOIS_DTLS_SETUP_NONE, GALOIS_DTLS_SETUP_NONE, GALOIS_ERR_OK, GALOIS_DTLS_SETUP_PASSIVE,
         GALOIS_DTLS_SERVER},
        {GALOIS_DTLS_SETUP_HOLDCONN, GALOIS_DTLS_SETUP_NONE, GALOIS_ERR_POLICY,
         GALOIS_DTLS_SETUP_NONE, GALOIS_DTLS_CLIENT},
        {GALOIS_DTLS_SETUP_ACTPASS, GALOIS_DTLS_SETUP_ACTPASS, GALOIS_ERR_INVALID,
         GALOIS_DTLS_SETUP_NONE, GALOIS_DTLS_CLIENT},
    };
    for (size_t i = 0; i < sizeof(answers) / sizeof(answers[0]); i++) {
        enum galois_dtls_setup ours = GALOIS_DTLS_SETUP_NONE;
        enum galois_dtls_role role = GALOIS_DTLS_CLIENT;
        assert_int_equal(galois_dtls_answer_role(&ours, &role, answers[i].offer, answers[i].prefer),
                         answers[i].err);
        if (answers[i].err == GALOIS_ERR_OK) {
            assert_int_equal(ours, answers[i].answer);
            assert_int_equal(role, answers[i].role);
        }
    }
    enum galois_dtls_role role;
    assert_int_equal(galois_dtls_offer_role(&role, GALOIS_DTLS_SETUP_ACTIVE), GALOIS_ERR_OK);
    assert_int_equal(role, GALOIS_DTLS_SERVER);
    assert_int_equal(galois_dtls_offer_role(&role, GALOIS_DTLS_SETUP_PASSIVE), GALOIS_ERR_OK);
    assert_int_equal(role, GALOIS_DTLS_CLIENT);
    assert_int_equal(galois_dtls_offer_role(&role, GALOIS_DTLS_SETUP_NONE), GALOIS_ERR_OK);
    assert_int_equal(role, GALOIS_DTLS_CLIENT);
    assert_int_equal(galois_dtls_offer_role(&role, GALOIS_DTLS_SETUP_ACTPASS), GALOIS_ERR_POLICY);
    assert_int_equal(galois_dtls_offer_role(&role, GALOIS_DTLS_SETUP_HOLDCONN), GALOIS_ERR_POLICY);
}

static void test_fingerprint_codec(void **state)
{
    (void)state;
    // From Chromium's offer (samples/chromium156_offer.sdp style): upper-case hex.
    static const char chrome[] =
        "sha-256 6B:8B:F0:65:5F:78:E2:51:3B:AC:6F:F3:3F:46:1B:35:DC:B8:5F:64:1A:24:C2:43:F0:A1:"
        "58:D0:A1:2C:19:08";
    struct galois_dtls_fingerprint fp;
    assert_int_equal(galois_dtls_fingerprint_parse(&fp, chrome, strlen(chrome)), GALOIS_ERR_OK);
    assert_int_equal(fp.hash, GALOIS_DTLS_HASH_SHA256);
    assert_int_equal(fp.len, 32);
    assert_int_equal(fp.value[0], 0x6b);
    assert_int_equal(fp.value[31], 0x08);
    char text[GALOIS_DTLS_MAX_FINGERPRINT_TEXT];
    assert_int_equal(galois_dtls_fingerprint_text(text, sizeof(text), &fp), GALOIS_ERR_OK);
    assert_string_equal(text, chrome);
    assert_int_equal(galois_dtls_fingerprint_text(text, 20, &fp), GALOIS_ERR_BUFFER);
    assert_string_equal(text, "");

    // Case-insensitive hash name and hex; every hash size; the largest text fits.
    static const char lower[] = "SHA-1 00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff:00:11:22:33";
    assert_int_equal(galois_dtls_fingerprint_parse(&fp, lower, strlen(lower)), GALOIS_ERR_OK);
    assert_int_equal(fp.hash, GALOIS_DTLS_HASH_SHA1);
    assert_int_equal(fp.value[10], 0xaa);
    struct galois_dtls_fingerprint big = {.hash = GALOIS_DTLS_HASH_SHA512, .len = 64};
    memset(big.value, 0xff, sizeof(big.value));
    assert_int_equal(galois_dtls_fingerprint_text(text, sizeof(text), &big), GALOIS_ERR_OK);
    assert_int_equal(strlen(text) + 1, GALOIS_DTLS_MAX_FINGERPRINT_TEXT);
    struct galois_dtls_fingerprint back;
    assert_int_equal(galois_dtls_fingerprint_parse(&back, text, strlen(text)), GALOIS_ERR_OK);
    assert_memory_equal(&back, &big, sizeof(back));

    static const struct {
        const char *text;
        galois_err err;
    } bad[] = {
        {"md5 00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF", GALOIS_ERR_UNSUPPORTED},
        {"sha-999 00", GALOIS_ERR_UNSUPPORTED},
        {"sha-256", GALOIS_ERR_PARSE},
        {"sha-256 ", GALOIS_ERR_PARSE},
        {"sha-1 00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22", GALOIS_ERR_PARSE},
        {"sha-1 00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44", GALOIS_ERR_PARSE},
        {"sha-1 00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:3G", GALOIS_ERR_PARSE},
        {"sha-1 00-11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33", GALOIS_ERR_PARSE},
        {"sha-1 00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33 ", GALOIS_ERR_PARSE},
        {"sha-1  00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33", GALOIS_ERR_PARSE},
        {"", GALOIS_ERR_PARSE},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        galois_err err = galois_dtls_fingerprint_parse(&fp, bad[i].text, strlen(bad[i].text));
        if (err != bad[i].err) {
            fail_msg("\"%s\": %s, want %s", bad[i].text, galois_err_name(err),
                     galois_err_name(bad[i].err));
        }
        assert_int_equal(fp.hash, GALOIS_DTLS_HASH_NONE);
    }
    assert_string_equal(galois_dtls_hash_name(GALOIS_DTLS_HASH_SHA384), "sha-384");
    assert_string_equal(galois_dtls_hash_name(GALOIS_DTLS_HASH_NONE), "?");
}

static void test_policy(void **state)
{
    (void)state;
    struct galois_dtls_policy p;
    galois_dtls_policy_default(&p);
    assert_string_equal(p.profiles,
                        "SRTP_AEAD_AES_256_GCM:SRTP_AEAD_AES_128_GCM:SRTP_AES128_CM_SHA1_80");
    assert_int_equal(p.mtu, 1200);
    assert_int_equal(p.initial_timeout_ms, 1000);
    char why[GALOIS_DTLS_MAX_WHY_LEN];
    assert_int_equal(galois_dtls_policy_set(&p, "mtu", "1400", why, sizeof(why)), GALOIS_ERR_OK);
    assert_int_equal(p.mtu, 1400);
    assert_int_equal(galois_dtls_policy_set(&p, "timeout", "50", why, sizeof(why)), GALOIS_ERR_OK);
    assert_int_equal(p.initial_timeout_ms, 50);
    assert_int_equal(
        galois_dtls_policy_set(&p, "profiles", "SRTP_AES128_CM_SHA1_32", why, sizeof(why)),
        GALOIS_ERR_OK);
    assert_string_equal(p.profiles, "SRTP_AES128_CM_SHA1_32");

    struct galois_dtls_policy before = p;
    static const struct {
        const char *name;
        const char *value;
        const char *why;
    } bad[] = {
        {"profiles", "SRTP_NULL_SHA1_80", "unknown SRTP profile 'SRTP_NULL_SHA1_80'"},
        {"profiles", "SRTP_AEAD_AES_128_GCM:SRTP_AEAD_AES_128_GCM", "listed twice"},
        {"profiles", "", "the list is empty"},
        {"profiles", "SRTP_AEAD_AES_128_GCM:", "unknown SRTP profile ''"},
        {"mtu", "100", "dtls mtu: '100'"},
        {"mtu", "12x", "dtls mtu"},
        {"timeout", "0", "dtls timeout"},
        {"colour", "blue", "unknown option 'colour'"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(galois_dtls_policy_set(&p, bad[i].name, bad[i].value, why, sizeof(why)),
                         GALOIS_ERR_INVALID);
        if (strstr(why, bad[i].why) == NULL) {
            fail_msg("%s=%s: \"%s\" lacks \"%s\"", bad[i].name, bad[i].value, why, bad[i].why);
        }
        assert_memory_equal(&p, &before, sizeof(p));
    }
    assert_int_equal(galois_dtls_profile_suite("SRTP_AEAD_AES_256_GCM"),
                     GALOIS_SRTP_AEAD_AES_256_GCM);
    assert_int_equal(galois_dtls_profile_suite("SRTP_AES128_CM_SHA1_32"),
                     GALOIS_SRTP_AES_CM_128_HMAC_SHA1_32);
    assert_int_equal(galois_dtls_profile_suite("SRTP_NULL_SHA1_80"), GALOIS_SRTP_SUITE_NONE);
    assert_int_equal(galois_dtls_profile_suite(NULL), GALOIS_SRTP_SUITE_NONE);
    // Key and salt sizes of each profile's suite are what RFC 5764 §4.1.2 / RFC 7714 §14.2 say.
    const struct galois_srtp_suite_info *si =
        galois_srtp_suite_get_info(galois_dtls_profile_suite("SRTP_AEAD_AES_256_GCM"));
    assert_int_equal(si->key_len + si->salt_len, 44);
    si = galois_srtp_suite_get_info(galois_dtls_profile_suite("SRTP_AEAD_AES_128_GCM"));
    assert_int_equal(si->key_len + si->salt_len, 28);
    si = galois_srtp_suite_get_info(galois_dtls_profile_suite("SRTP_AES128_CM_SHA1_80"));
    assert_int_equal(si->key_len + si->salt_len, 30);
}

static void test_new_refuses(void **state)
{
    (void)state;
    struct galois_dtls_cert *cert = NULL;
    assert_int_equal(galois_dtls_cert_generate(&cert, 0), GALOIS_ERR_INVALID);
    assert_int_equal(galois_dtls_cert_generate(&cert, 366), GALOIS_ERR_INVALID);
    assert_int_equal(galois_dtls_cert_generate(&cert, 30), GALOIS_ERR_OK);
    struct galois_dtls_fingerprint fp;
    assert_int_equal(galois_dtls_cert_fingerprint(&fp, cert, GALOIS_DTLS_HASH_SHA256),
                     GALOIS_ERR_OK);
    assert_int_equal(galois_dtls_cert_fingerprint(&fp, cert, GALOIS_DTLS_HASH_NONE),
                     GALOIS_ERR_INVALID);
    assert_int_equal(galois_dtls_cert_fingerprint(&fp, cert, GALOIS_DTLS_HASH_SHA224),
                     GALOIS_ERR_OK);
    struct galois_dtls_fingerprint fp256;
    assert_int_equal(galois_dtls_cert_fingerprint(&fp256, cert, GALOIS_DTLS_HASH_SHA256),
                     GALOIS_ERR_OK);
    struct galois_dtls_policy p;
    galois_dtls_policy_default(&p);
    struct galois_dtls *d = NULL;
    char why[GALOIS_DTLS_MAX_WHY_LEN];
    assert_int_equal(galois_dtls_new(&d, GALOIS_DTLS_SERVER, &p, cert, &fp256, 0, why, sizeof(why)),
                     GALOIS_ERR_INVALID);
    assert_int_equal(galois_dtls_new(&d, GALOIS_DTLS_SERVER, &p, cert, NULL, 1, why, sizeof(why)),
                     GALOIS_ERR_INVALID);
    assert_int_equal(
        galois_dtls_new(&d, (enum galois_dtls_role)7, &p, cert, &fp256, 1, why, sizeof(why)),
        GALOIS_ERR_INVALID);
    struct galois_dtls_fingerprint broken = fp256;
    broken.len = 20;
    assert_int_equal(
        galois_dtls_new(&d, GALOIS_DTLS_SERVER, &p, cert, &broken, 1, why, sizeof(why)),
        GALOIS_ERR_INVALID);
    p.mtu = 100;
    assert_int_equal(galois_dtls_new(&d, GALOIS_DTLS_SERVER, &p, cert, &fp256, 1, why, sizeof(why)),
                     GALOIS_ERR_INVALID);
    assert_non_null(strstr(why, "dtls mtu: 100"));
    galois_dtls_policy_default(&p);
    p.profiles[0] = '\0';
    assert_int_equal(galois_dtls_new(&d, GALOIS_DTLS_SERVER, &p, cert, &fp256, 1, why, sizeof(why)),
                     GALOIS_ERR_POLICY);
    galois_dtls_policy_default(&p);
    memcpy(p.profiles, "SRTP_FOO", 9);
    assert_int_equal(galois_dtls_new(&d, GALOIS_DTLS_SERVER, &p, cert, &fp256, 1, why, sizeof(why)),
                     GALOIS_ERR_INVALID);
    assert_null(d);
    galois_dtls_policy_default(&p);
    assert_int_equal(galois_dtls_new(&d, GALOIS_DTLS_SERVER, &p, cert, &fp256, 1, why, sizeof(why)),
                     GALOIS_ERR_OK);
    assert_int_equal(galois_dtls_state(d), GALOIS_DTLS_HANDSHAKING);
    assert_int_equal(galois_dtls_timeout_ms(d), -1);  // a server waits without a timer
    galois_dtls_cert_free(cert);                      // the connection keeps its own references
    uint8_t buf[64];
    size_t len = 1;
    assert_int_equal(galois_dtls_output(d, buf, &len, sizeof(buf)), GALOIS_ERR_OK);
    assert_int_equal(len, 0);
    galois_dtls_close(d);  // not connected: nothing happens
    assert_int_equal(galois_dtls_state(d), GALOIS_DTLS_HANDSHAKING);
    galois_dtls_free(d);
    galois_dtls_free(NULL);
    galois_dtls_cert_free(NULL);
}

static void test_cert_from_pem(void **state)
{
    (void)state;
    char cert[4096];
    char key[4096];
    char key2[4096];
    char cert2[4096];
    assert_int_equal(galois_tls_self_signed(cert, sizeof(cert), key, sizeof(key), "a", 2),
                     GALOIS_ERR_OK);
    assert_int_equal(galois_tls_self_signed(cert2, sizeof(cert2), key2, sizeof(key2), "b", 2),
                     GALOIS_ERR_OK);
    struct galois_dtls_cert *c = NULL;
    char why[GALOIS_DTLS_MAX_WHY_LEN];
    assert_int_equal(galois_dtls_cert_from_pem(&c, cert, key, why, sizeof(why)), GALOIS_ERR_OK);
    assert_string_equal(why, "");
    galois_dtls_cert_free(c);
    assert_int_equal(galois_dtls_cert_from_pem(&c, cert, key2, why, sizeof(why)),
                     GALOIS_ERR_INVALID);
    assert_non_null(strstr(why, "does not belong"));
    assert_int_equal(galois_dtls_cert_from_pem(&c, "junk", key, why, sizeof(why)),
                     GALOIS_ERR_INVALID);
    assert_non_null(strstr(why, "certificate is not PEM"));
    assert_int_equal(galois_dtls_cert_from_pem(&c, cert, "junk", why, sizeof(why)),
                     GALOIS_ERR_INVALID);
    assert_non_null(strstr(why, "key is not"));
    assert_null(c);
    galois_secure_zero(key, sizeof(key));
    galois_secure_zero(key2, sizeof(key2));
}

static void test_use_srtp_parser(void **state)
{
    (void)state;
    uint16_t ids[4];
    size_t n = 0;
    // Chromium's list: CM_80, AEAD_256, AEAD_128, no MKI.
    static const uint8_t chrome[] = {0, 6, 0, 1, 0, 8, 0, 7, 0};
    assert_true(dtls_use_srtp_parse(ids, 4, &n, chrome, sizeof(chrome)));
    assert_int_equal(n, 3);
    assert_int_equal(ids[0], 1);
    assert_int_equal(ids[1], 8);
    assert_int_equal(ids[2], 7);
    static const uint8_t mki[] = {0, 2, 0, 7, 2, 0xaa, 0xbb};
    assert_true(dtls_use_srtp_parse(ids, 4, &n, mki, sizeof(mki)));
    assert_int_equal(n, 1);
    static const uint8_t many[] = {0, 10, 0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0};
    assert_true(dtls_use_srtp_parse(ids, 4, &n, many, sizeof(many)));
    assert_int_equal(n, 5);  // counted, 4 kept
    static const uint8_t odd[] = {0, 3, 0, 1, 0, 0};
    static const uint8_t empty[] = {0, 0, 0};
    static const uint8_t trailing[] = {0, 2, 0, 1, 0, 9};
    static const uint8_t short_mki[] = {0, 2, 0, 1, 3, 1};
    static const uint8_t no_mki[] = {0, 2, 0, 1};
    assert_false(dtls_use_srtp_parse(ids, 4, &n, odd, sizeof(odd)));
    assert_false(dtls_use_srtp_parse(ids, 4, &n, empty, sizeof(empty)));
    assert_false(dtls_use_srtp_parse(ids, 4, &n, trailing, sizeof(trailing)));
    assert_false(dtls_use_srtp_parse(ids, 4, &n, short_mki, sizeof(short_mki)));
    assert_false(dtls_use_srtp_parse(ids, 4, &n, no_mki, sizeof(no_mki)));
    assert_false(dtls_use_srtp_parse(ids, 4, &n, NULL, 0));

    char names[128];
    static const uint16_t list[] = {8, 1, 0x99};
    dtls_profile_names(names, sizeof(names), list, 3);
    assert_string_equal(names, "SRTP_AEAD_AES_256_GCM:SRTP_AES128_CM_SHA1_80:0x0099");
}

static void test_record_framing(void **state)
{
    (void)state;
    static const uint8_t one[14] = {22, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1};
    static const uint8_t two[27] = {22, 0xfe, 0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1,
                                    20, 0xfe, 0xfd, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0};
    static const uint8_t v13[14] = {0x2f, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1};
    assert_true(dtls_datagram_ok(one, sizeof(one)));
    assert_true(dtls_datagram_ok(two, sizeof(two)));
    assert_false(dtls_datagram_ok(one, sizeof(one) - 1));
    assert_false(dtls_datagram_ok(two, sizeof(two) - 1));
    assert_false(dtls_datagram_ok(v13, sizeof(v13)));
    assert_false(dtls_datagram_ok(one, 0));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_demux),
        cmocka_unit_test(test_setup),
        cmocka_unit_test(test_fingerprint_codec),
        cmocka_unit_test(test_policy),
        cmocka_unit_test(test_new_refuses),
        cmocka_unit_test(test_cert_from_pem),
        cmocka_unit_test(test_use_srtp_parser),
        cmocka_unit_test(test_record_framing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
