// Tests of the a=crypto codec (RFC 4568 §9): every example of RFC 4568 (tests/vectors/
// rfc4568-examples.txt), suite names and aliases, key lengths, lifetimes, MKIs, session
// parameters, unknown suites, and malformed input with the offset it is reported at.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
// cmocka.h needs the headers above.
#include <cmocka.h>

#include "sdes/internal.h"
#include "vector_file.h"

static galois_err parse_text(struct galois_sdes_crypto *c, size_t *off, const char *text)
{
    return galois_sdes_parse(c, off, text, strlen(text));
}

// expect_key checks one parsed key against the vector fields with `prefix` ("" or "key1_").
static void expect_key(const struct vf_case *vc, const struct galois_sdes_key *k,
                       const char *prefix)
{
    char field[64];
    snprintf(field, sizeof(field), "%smaster_key", prefix);
    struct vf_bytes key = vf_hex_exact(vc, field, 16);
    snprintf(field, sizeof(field), "%smaster_salt", prefix);
    struct vf_bytes salt = vf_hex_exact(vc, field, 14);
    assert_int_equal(k->key_salt_len, 30);
    vf_expect_bytes(vc->name, k->key_salt, 16, key.b, key.len);
    vf_expect_bytes(vc->name, k->key_salt + 16, 14, salt.b, salt.len);
    snprintf(field, sizeof(field), "%slifetime_text", prefix);
    if (vf_has(vc, field)) {
        assert_string_equal(vf_text(vc, field), "2^20");
        assert_true(k->lifetime_pow2);
        assert_int_equal(k->lifetime, 1u << 20);
    } else {
        assert_int_equal(k->lifetime, 0);
    }
    snprintf(field, sizeof(field), "%smki_dec", prefix);
    assert_int_equal(k->mki, vf_dec(vc, field));
    snprintf(field, sizeof(field), "%smki_length_dec", prefix);
    assert_int_equal(k->mki_len, vf_dec(vc, field));
}

// roundtrip writes `c`, checks the text equals `want` (when given) and parses it back equal.
static void roundtrip(const struct galois_sdes_crypto *c, const char *want)
{
    char text[GALOIS_SDES_MAX_LEN];
    size_t len = 0;
    struct galois_sdes_crypto again;
    assert_int_equal(galois_sdes_write(text, &len, sizeof(text), c), GALOIS_ERR_OK);
    assert_int_equal(len, strlen(text));
    if (want != NULL) {
        assert_string_equal(text, want);
    }
    assert_int_equal(galois_sdes_parse(&again, NULL, text, len), GALOIS_ERR_OK);
    assert_memory_equal(&again, c, sizeof(*c));
    galois_sdes_crypto_cleanup(&again);
}

// Every RFC 4568 attribute example: parsed field by field, written back byte for byte.
static void test_rfc4568_attributes(void **state)
{
    (void)state;
    struct vf_file *f = vf_open("rfc4568-examples.txt");
    size_t seen = 0;
    for (size_t i = 0; i < f->num_cases; i++) {
        const struct vf_case *vc = &f->cases[i];
        if (!vf_has(vc, "attribute_text")) {
            continue;
        }
        const char *attr = vf_text(vc, "attribute_text");
        assert_true(strncmp(attr, "a=crypto:", 9) == 0);
        struct galois_sdes_crypto c;
        size_t off = 99;
        assert_int_equal(parse_text(&c, &off, attr + 9), GALOIS_ERR_OK);
        assert_int_equal(off, 0);
        assert_int_equal(c.tag, vf_dec(vc, "tag_dec"));
        assert_string_equal(c.suite_name, vf_text(vc, "crypto_suite_text"));
        assert_false(c.opaque);
        if (vf_has(vc, "key1_master_key")) {
            // F8_128_HMAC_SHA1_80: an RFC 4568 suite galois knows but does not run.
            assert_int_equal(c.suite, GALOIS_SRTP_SUITE_NONE);
            assert_int_equal(c.num_keys, 2);
            expect_key(vc, &c.keys[0], "key1_");
            expect_key(vc, &c.keys[1], "key2_");
        } else {
            assert_int_equal(c.suite,
                             galois_sdes_suite_from_name(c.suite_name, strlen(c.suite_name)));
            assert_int_not_equal(c.suite, GALOIS_SRTP_SUITE_NONE);
            assert_int_equal(c.num_keys, 1);
            expect_key(vc, &c.keys[0], "");
        }
        if (vf_has(vc, "session_params_text")) {
            assert_string_equal(vf_text(vc, "session_params_text"), "FEC_ORDER=FEC_SRTP");
            assert_int_equal(c.fec_order, GALOIS_SDES_FEC_SRTP);
        } else {
            assert_int_equal(c.fec_order, GALOIS_SDES_FEC_NONE);
        }
        assert_string_equal(c.text, "");
        roundtrip(&c, attr + 9);
        galois_sdes_crypto_cleanup(&c);
        seen++;
    }
    assert_int_equal(seen, 6);
    vf_close(f);
}

// The §6.1 key-params examples, inside an attribute of their suite.
static void test_rfc4568_key_params(void **state)
{
    (void)state;
    struct vf_file *f = vf_open("rfc4568-examples.txt");
    size_t seen = 0;
    for (size_t i = 0; i < f->num_cases; i++) {
        const struct vf_case *vc = &f->cases[i];
        if (!vf_has(vc, "key_params_text")) {
            continue;
        }
        char attr[256];
        snprintf(attr, sizeof(attr), "1 AES_CM_128_HMAC_SHA1_80 %s",
                 vf_text(vc, "key_params_text"));
        struct galois_sdes_crypto c;
        assert_int_equal(parse_text(&c, NULL, attr), GALOIS_ERR_OK);
        assert_int_equal(c.num_keys, 1);
        expect_key(vc, &c.keys[0], "");
        roundtrip(&c, attr);
        galois_sdes_crypto_cleanup(&c);
        seen++;
    }
    assert_int_equal(seen, 2);
    vf_close(f);
}

static void test_suite_names(void **state)
{
    (void)state;
    static const struct {
        const char *name;
        enum galois_srtp_suite suite;
    } cases[] = {
        {"AES_CM_128_HMAC_SHA1_80", GALOIS_SRTP_AES_CM_128_HMAC_SHA1_80},
        {"AES_CM_128_HMAC_SHA1_32", GALOIS_SRTP_AES_CM_128_HMAC_SHA1_32},
        {"AES_192_CM_HMAC_SHA1_80", GALOIS_SRTP_AES_192_CM_HMAC_SHA1_80},
        {"AES_192_CM_HMAC_SHA1_32", GALOIS_SRTP_AES_192_CM_HMAC_SHA1_32},
        {"AES_256_CM_HMAC_SHA1_80", GALOIS_SRTP_AES_256_CM_HMAC_SHA1_80},
        {"AES_256_CM_HMAC_SHA1_32", GALOIS_SRTP_AES_256_CM_HMAC_SHA1_32},
        {"AEAD_AES_128_GCM", GALOIS_SRTP_AEAD_AES_128_GCM},
        {"AEAD_AES_256_GCM", GALOIS_SRTP_AEAD_AES_256_GCM},
        {"AEAD_AES_128_GCM_8", GALOIS_SRTP_AEAD_AES_128_GCM_8},
        {"AEAD_AES_256_GCM_8", GALOIS_SRTP_AEAD_AES_256_GCM_8},
        {"NULL_HMAC_SHA1_80", GALOIS_SRTP_NULL_HMAC_SHA1_80},
        {"NULL_HMAC_SHA1_32", GALOIS_SRTP_NULL_HMAC_SHA1_32},
        // Aliases from the field (docs/SDES.md).
        {"AES_CM_192_HMAC_SHA1_80", GALOIS_SRTP_AES_192_CM_HMAC_SHA1_80},
        {"AES_CM_192_HMAC_SHA1_32", GALOIS_SRTP_AES_192_CM_HMAC_SHA1_32},
        {"AES_CM_256_HMAC_SHA1_80", GALOIS_SRTP_AES_256_CM_HMAC_SHA1_80},
        {"AES_CM_256_HMAC_SHA1_32", GALOIS_SRTP_AES_256_CM_HMAC_SHA1_32},
        // ABNF literals ignore case.
        {"aead_aes_256_gcm", GALOIS_SRTP_AEAD_AES_256_GCM},
        {"Aes_Cm_256_Hmac_Sha1_80", GALOIS_SRTP_AES_256_CM_HMAC_SHA1_80},
        // Exact, never a prefix or a substring (FreeSWITCH's strncasecmp accepts these).
        {"AEAD_AES_256_GCM_", GALOIS_SRTP_SUITE_NONE},
        {"AEAD_AES_256_GC", GALOIS_SRTP_SUITE_NONE},
        {"AEAD_AES_256_GCM_80", GALOIS_SRTP_SUITE_NONE},
        {"AES_CM_128_HMAC_SHA1_80X", GALOIS_SRTP_SUITE_NONE},
        {"XAES_CM_128_HMAC_SHA1_80", GALOIS_SRTP_SUITE_NONE},
        {"AES_CM_128_HMAC_SHA1", GALOIS_SRTP_SUITE_NONE},
        {"", GALOIS_SRTP_SUITE_NONE},
        // Known to the parser, never run.
        {"F8_128_HMAC_SHA1_80", GALOIS_SRTP_SUITE_NONE},
        {"AES_CM_128_NULL_AUTH", GALOIS_SRTP_SUITE_NONE},
    };
    for (size_t i = 0; i < GALOIS_ARRAY_LEN(cases); i++) {
        print_message("case %zu: %s\n", i, cases[i].name);
        assert_int_equal(galois_sdes_suite_from_name(cases[i].name, strlen(cases[i].name)),
                         cases[i].suite);
    }
    assert_int_equal(galois_sdes_suite_from_name(NULL, 3), GALOIS_SRTP_SUITE_NONE);
    assert_string_equal(galois_sdes_suite_name(GALOIS_SRTP_AES_256_CM_HMAC_SHA1_80),
                        "AES_256_CM_HMAC_SHA1_80");
    assert_null(galois_sdes_suite_name(GALOIS_SRTP_SUITE_NONE));
    assert_null(galois_sdes_suite_name(GALOIS_SRTP_SUITE_COUNT_));
}

// An alias is read with the key length of its suite and written with the standard name.
static void test_alias_written_standard(void **state)
{
    (void)state;
    struct galois_sdes_crypto c;
    // 46 bytes, base64 without its padding as FreeSWITCH writes it.
    const char *in =
        "3 AES_CM_256_HMAC_SHA1_80 "
        "inline:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLQ";
    assert_int_equal(parse_text(&c, NULL, in), GALOIS_ERR_OK);
    assert_int_equal(c.suite, GALOIS_SRTP_AES_256_CM_HMAC_SHA1_80);
    assert_string_equal(c.suite_name, "AES_256_CM_HMAC_SHA1_80");
    assert_int_equal(c.keys[0].key_salt_len, 46);
    for (size_t i = 0; i < 46; i++) {
        assert_int_equal(c.keys[0].key_salt[i], i);
    }
    roundtrip(&c,
              "3 AES_256_CM_HMAC_SHA1_80 "
              "inline:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLQ==");
    galois_sdes_crypto_cleanup(&c);
    // The same key as a 192-bit alias is the wrong length.
    const char *short_key =
        "3 AES_CM_192_HMAC_SHA1_80 "
        "inline:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLQ";
    assert_int_equal(parse_text(&c, NULL, short_key), GALOIS_ERR_PARSE);
}

// Lifetimes, MKIs, session parameters and unknown parameters, each written back.
static void test_fields(void **state)
{
    (void)state;
    static const char *const good[] = {
        "1 AES_CM_128_HMAC_SHA1_80 inline:d0RmdmcmVCspeEc3QGZiNWpVLFJhQX1cfHAwJSoj|1048576",
        "1 AES_CM_128_HMAC_SHA1_80 inline:d0RmdmcmVCspeEc3QGZiNWpVLFJhQX1cfHAwJSoj|2^48|255:1",
        "1 AES_CM_128_HMAC_SHA1_80 inline:d0RmdmcmVCspeEc3QGZiNWpVLFJhQX1cfHAwJSoj|7:128",
        "2 AES_CM_128_HMAC_SHA1_32 inline:NzB4d1BINUAvLEw6UzF3WSJ+PSdFcGdUJShpX1Zj|2^20|1:4;"
        "inline:d0RmdmcmVCspeEc3QGZiNWpVLFJhQX1cfHAwJSoj|2^20|2:4",
        "1 AES_CM_128_HMAC_SHA1_80 inline:d0RmdmcmVCspeEc3QGZiNWpVLFJhQX1cfHAwJSoj KDR=23 "
        "UNENCRYPTED_SRTP UNENCRYPTED_SRTCP UNAUTHENTICATED_SRTP FEC_ORDER=SRTP_FEC "
        "FEC_KEY=inline:NzB4d1BINUAvLEw6UzF3WSJ+PSdFcGdUJShpX1Zj|2^20|2:4 WSH=64",
        "1 AES_CM_128_HMAC_SHA1_80 inline:d0RmdmcmVCspeEc3QGZiNWpVLFJhQX1cfHAwJSoj "
        "-ROC=0x0002 SSRC=0xD903",
        "7 AEAD_AES_128_GCM inline:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGw==",
        "0 AEAD_AES_256_GCM inline:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKis=",
        "999999999 NULL_HMAC_SHA1_32 inline:d0RmdmcmVCspeEc3QGZiNWpVLFJhQX1cfHAwJSoj",
        // Suites galois does not know: kept as text, written back as they came.
        "5 FUTURE_SUITE_2049 inline:whatever|with:any\tsyntax  X=1",
        "6 SEED_128_CTR_HMAC_SHA1_80 inline:QUJjZGVmMTIzNDU2Nzg5QUJDREUwMTIzNDU2Nzg5QU",
    };
    for (size_t i = 0; i < GALOIS_ARRAY_LEN(good); i++) {
        struct galois_sdes_crypto c;
        size_t off = 0;
        print_message("case %zu: %s\n", i, good[i]);
        assert_int_equal(parse_text(&c, &off, good[i]), GALOIS_ERR_OK);
        roundtrip(&c, good[i]);
        galois_sdes_crypto_cleanup(&c);
    }
}

static void test_field_values(void **state)
{
    (void)state;
    struct galois_sdes_crypto c;
    const char *in =
        "1 aes_cm_128_hmac_sha1_80\tINLINE:d0RmdmcmVCspeEc3QGZiNWpVLFJhQX1cfHAwJSoj|"
        "2^31|1066:4  kdr=5 wsh=1000 unencrypted_srtcp -FOO=1 BAR \t";
    assert_int_equal(parse_text(&c, NULL, in), GALOIS_ERR_OK);
    assert_int_equal(c.suite, GALOIS_SRTP_AES_CM_128_HMAC_SHA1_80);
    assert_string_equal(c.suite_name, "AES_CM_128_HMAC_SHA1_80");
    assert_int_equal(c.keys[0].lifetime, (uint64_t)1 << 31);
    assert_int_equal(c.keys[0].mki, 1066);
    assert_int_equal(c.keys[0].mki_len, 4);
    assert_true(c.has_kdr);
    assert_int_equal(c.kdr, 5);
    assert_int_equal(c.wsh, 1000);
    assert_true(c.unencrypted_srtcp);
    assert_false(c.unencrypted_srtp);
    assert_string_equal(c.text, "-FOO=1 BAR");
    roundtrip(&c,
              "1 AES_CM_128_HMAC_SHA1_80 inline:d0RmdmcmVCspeEc3QGZiNWpVLFJhQX1cfHAwJSoj|2^31|"
              "1066:4 KDR=5 UNENCRYPTED_SRTCP WSH=1000 -FOO=1 BAR");
    galois_sdes_crypto_cleanup(&c);

    assert_int_equal(parse_text(&c, NULL, "42 NEW_SUITE inline:x  Y \t"), GALOIS_ERR_OK);
    assert_true(c.opaque);
    assert_int_equal(c.suite, GALOIS_SRTP_SUITE_NONE);
    assert_string_equal(c.suite_name, "NEW_SUITE");
    assert_string_equal(c.text, "inline:x  Y");
    assert_int_equal(c.num_keys, 0);
    roundtrip(&c, "42 NEW_SUITE inline:x  Y");
    galois_sdes_crypto_cleanup(&c);
}

// Malformed values: the error and the offset it is reported at.
static void test_malformed(void **state)
{
    (void)state;
    static const char k30[] = "d0RmdmcmVCspeEc3QGZiNWpVLFJhQX1cfHAwJSoj";
    static const struct {
        const char *in;
        galois_err err;
        size_t off;
    } cases[] = {
        {"", GALOIS_ERR_PARSE, 0},
        {"1", GALOIS_ERR_PARSE, 1},
        {"x AES_CM_128_HMAC_SHA1_80 inline:K", GALOIS_ERR_PARSE, 0},
        {"1234567890 AES_CM_128_HMAC_SHA1_80 inline:K", GALOIS_ERR_PARSE, 0},
        {"1 AES_CM_128_HMAC_SHA1_80", GALOIS_ERR_PARSE, 25},
        {"1 AES_CM_128_HMAC_SHA1_80 ", GALOIS_ERR_PARSE, 26},
        {"1 AES-CM inline:K", GALOIS_ERR_PARSE, 5},
        {"1 AES_CM_128_HMAC_SHA1_80 key:K", GALOIS_ERR_PARSE, 26},
        // Wrong key lengths: 29 and 31 bytes for a 30-byte suite; 30 bytes for GCM-128.
        {"1 AES_CM_128_HMAC_SHA1_80 inline:d0RmdmcmVCspeEc3QGZiNWpVLFJhQX1cfHAwJSo=",
         GALOIS_ERR_PARSE, 33},
        {"1 AES_CM_128_HMAC_SHA1_80 inline:d0RmdmcmVCspeEc3QGZiNWpVLFJhQX1cfHAwJSojAA==",
         GALOIS_ERR_PARSE, 33},
        {"1 AEAD_AES_128_GCM inline:d0RmdmcmVCspeEc3QGZiNWpVLFJhQX1cfHAwJSoj", GALOIS_ERR_PARSE,
         26},
        {"1 AES_CM_128_HMAC_SHA1_80 inline:d0Rm!mcmVCspeEc3QGZiNWpVLFJhQX1cfHAwJSoj",
         GALOIS_ERR_PARSE, 33},
        // Lifetime and MKI.
        {"1 AES_CM_128_HMAC_SHA1_80 inline:d0RmdmcmVCspeEc3QGZiNWpVLFJhQX1cfHAwJSoj|2^49",
         GALOIS_ERR_PARSE, 74},
        {"1 AES_CM_128_HMAC_SHA1_80 inline:d0RmdmcmVCspeEc3QGZiNWpVLFJhQX1cfHAwJSoj|0",
         GALOIS_ERR_PARSE, 74},
        {"1 AES_CM_128_HMAC_SHA1_80 inline:d0RmdmcmVCspeEc3QGZiNWpVLFJhQX1cfHAwJSoj|256:1",
         GALOIS_ERR_PARSE, 74},
        {"1 AES_CM_128_HMAC_SHA1_80 inline:d0RmdmcmVCspeEc3QGZiNWpVLFJhQX1cfHAwJSoj|1:129",
         GALOIS_ERR_PARSE, 74},
        {"1 AES_CM_128_HMAC_SHA1_80 inline:d0RmdmcmVCspeEc3QGZiNWpVLFJhQX1cfHAwJSoj|1:0",
         GALOIS_ERR_PARSE, 74},
        {"1 AES_CM_128_HMAC_SHA1_80 inline:d0RmdmcmVCspeEc3QGZiNWpVLFJhQX1cfHAwJSoj|1:4|2^20",
         GALOIS_ERR_PARSE, 77},
        {"1 AES_CM_128_HMAC_SHA1_80 inline:d0RmdmcmVCspeEc3QGZiNWpVLFJhQX1cfHAwJSoj|2^20|2^20",
         GALOIS_ERR_PARSE, 79},
        {"1 AES_CM_128_HMAC_SHA1_80 inline:d0RmdmcmVCspeEc3QGZiNWpVLFJhQX1cfHAwJSoj|",
         GALOIS_ERR_PARSE, 74},
        // Two keys need an MKI each, of one length, with different values.
        {"1 AES_CM_128_HMAC_SHA1_80 inline:d0RmdmcmVCspeEc3QGZiNWpVLFJhQX1cfHAwJSoj;"
         "inline:d0RmdmcmVCspeEc3QGZiNWpVLFJhQX1cfHAwJSoj",
         GALOIS_ERR_PARSE, 74},
        {"1 AES_CM_128_HMAC_SHA1_80 inline:d0RmdmcmVCspeEc3QGZiNWpVLFJhQX1cfHAwJSoj|1:4;"
         "inline:d0RmdmcmVCspeEc3QGZiNWpVLFJhQX1cfHAwJSoj|2:2",
         GALOIS_ERR_PARSE, 78},
        {"1 AES_CM_128_HMAC_SHA1_80 inline:d0RmdmcmVCspeEc3QGZiNWpVLFJhQX1cfHAwJSoj|1:4;"
         "inline:d0RmdmcmVCspeEc3QGZiNWpVLFJhQX1cfHAwJSoj|1:4",
         GALOIS_ERR_PARSE, 78},
        // Session parameters: out of range, twice, or not visible characters.
        {"1 AES_CM_128_HMAC_SHA1_80 inline:d0RmdmcmVCspeEc3QGZiNWpVLFJhQX1cfHAwJSoj KDR=25",
         GALOIS_ERR_PARSE, 74},
        {"1 AES_CM_128_HMAC_SHA1_80 inline:d0RmdmcmVCspeEc3QGZiNWpVLFJhQX1cfHAwJSoj KDR=",
         GALOIS_ERR_PARSE, 74},
        {"1 AES_CM_128_HMAC_SHA1_80 inline:d0RmdmcmVCspeEc3QGZiNWpVLFJhQX1cfHAwJSoj WSH=63",
         GALOIS_ERR_PARSE, 74},
        {"1 AES_CM_128_HMAC_SHA1_80 inline:d0RmdmcmVCspeEc3QGZiNWpVLFJhQX1cfHAwJSoj "
         "FEC_ORDER=FEC",
         GALOIS_ERR_PARSE, 74},
        {"1 AES_CM_128_HMAC_SHA1_80 inline:d0RmdmcmVCspeEc3QGZiNWpVLFJhQX1cfHAwJSoj "
         "UNENCRYPTED_SRTP UNENCRYPTED_SRTP",
         GALOIS_ERR_PARSE, 91},
        {"1 AES_CM_128_HMAC_SHA1_80 inline:d0RmdmcmVCspeEc3QGZiNWpVLFJhQX1cfHAwJSoj "
         "FEC_KEY=inline:d0RmdmcmVCspeEc3QGZiNWpVLFJhQX1cfHAwJSo",
         GALOIS_ERR_PARSE, 74},
        {"1 AES_CM_128_HMAC_SHA1_80 inline:d0RmdmcmVCspeEc3QGZiNWpVLFJhQX1cfHAwJSoj X\x01",
         GALOIS_ERR_PARSE, 74},
        {"1 AES_CM_128_HMAC_SHA1_80 inline:d0RmdmcmVCspeEc3QGZiNWpVLFJhQX1cfHAwJSoj\r\n",
         GALOIS_ERR_PARSE, 33},
        {"1 FUTURE_SUITE  \t", GALOIS_ERR_PARSE, 17},
        {"1 FUTURE_SUITE x\x7f", GALOIS_ERR_PARSE, 16},
    };
    (void)k30;
    for (size_t i = 0; i < GALOIS_ARRAY_LEN(cases); i++) {
        struct galois_sdes_crypto c;
        size_t off = 12345;
        print_message("case %zu: %s\n", i, cases[i].in);
        assert_int_equal(parse_text(&c, &off, cases[i].in), cases[i].err);
        assert_int_equal(off, cases[i].off);
        // A failed parse leaves nothing behind: no key bytes.
        static const struct galois_sdes_crypto zero;
        assert_memory_equal(&c, &zero, sizeof(c));
    }
}

static void test_limits(void **state)
{
    (void)state;
    char in[GALOIS_SDES_MAX_LEN + 2];
    struct galois_sdes_crypto c;
    // Seventeen keys: one more than an SRTP session holds.
    size_t n = (size_t)snprintf(in, sizeof(in), "1 AES_CM_128_HMAC_SHA1_80 ");
    for (int i = 0; i < 17; i++) {
        n += (size_t)snprintf(in + n, sizeof(in) - n, "%sinline:%s|%d:1", i > 0 ? ";" : "",
                              "d0RmdmcmVCspeEc3QGZiNWpVLFJhQX1cfHAwJSoj", i);
    }
    assert_int_equal(parse_text(&c, NULL, in), GALOIS_ERR_LIMIT);
    memset(in, 'A', sizeof(in));
    memcpy(in, "1 X inline:", 11);
    assert_int_equal(galois_sdes_parse(&c, NULL, in, GALOIS_SDES_MAX_LEN + 1), GALOIS_ERR_LIMIT);
    // Unknown text over its limit.
    assert_int_equal(galois_sdes_parse(&c, NULL, in, GALOIS_SDES_MAX_LEN), GALOIS_ERR_LIMIT);
    // Unknown session parameters that fill the text exactly, then one more (found by fuzzing:
    // the room left was computed with a wrap-around).
    n = (size_t)snprintf(in, sizeof(in), "1 AES_CM_128_HMAC_SHA1_80 inline:%s",
                         "d0RmdmcmVCspeEc3QGZiNWpVLFJhQX1cfHAwJSoj");
    size_t used = 0;
    for (int i = 0; i < 5; i++) {
        n += (size_t)snprintf(in + n, sizeof(in) - n, " %0100d", i);
        used += (i > 0 ? 1U : 0U) + 100U;
    }
    n += (size_t)snprintf(in + n, sizeof(in) - n, " %0*d",
                          (int)(GALOIS_SDES_MAX_TEXT_LEN - used - 1), 7);
    assert_int_equal(galois_sdes_parse(&c, NULL, in, n), GALOIS_ERR_OK);
    assert_int_equal(strlen(c.text), GALOIS_SDES_MAX_TEXT_LEN);
    galois_sdes_crypto_cleanup(&c);
    memcpy(in + n, " Z", 3);
    assert_int_equal(galois_sdes_parse(&c, NULL, in, n + 2), GALOIS_ERR_LIMIT);
    memcpy(in + n, " -", 3);
    assert_int_equal(galois_sdes_parse(&c, NULL, in, n + 2), GALOIS_ERR_LIMIT);
}

static void test_write_refuses(void **state)
{
    (void)state;
    struct galois_sdes_crypto c;
    char out[256];
    size_t len = 7;
    assert_int_equal(parse_text(&c, NULL,
                                "1 AES_CM_128_HMAC_SHA1_80 "
                                "inline:d0RmdmcmVCspeEc3QGZiNWpVLFJhQX1cfHAwJSoj"),
                     GALOIS_ERR_OK);
    // Too little room: nothing usable, and no key bytes, left in the buffer.
    memset(out, 'x', sizeof(out));
    assert_int_equal(galois_sdes_write(out, &len, 40, &c), GALOIS_ERR_BUFFER);
    assert_int_equal(len, 0);
    for (size_t i = 0; i < 40; i++) {
        assert_int_equal(out[i], 0);
    }
    struct galois_sdes_crypto bad = c;
    bad.keys[0].key_salt_len = 29;
    assert_int_equal(galois_sdes_write(out, &len, sizeof(out), &bad), GALOIS_ERR_INVALID);
    bad = c;
    bad.suite = GALOIS_SRTP_AEAD_AES_128_GCM;  // does not match the name
    assert_int_equal(galois_sdes_write(out, &len, sizeof(out), &bad), GALOIS_ERR_INVALID);
    bad = c;
    bad.tag = 1000000000;
    assert_int_equal(galois_sdes_write(out, &len, sizeof(out), &bad), GALOIS_ERR_INVALID);
    bad = c;
    bad.keys[0].lifetime = 3;
    bad.keys[0].lifetime_pow2 = true;
    assert_int_equal(galois_sdes_write(out, &len, sizeof(out), &bad), GALOIS_ERR_INVALID);
    bad = c;
    bad.wsh = 10;
    assert_int_equal(galois_sdes_write(out, &len, sizeof(out), &bad), GALOIS_ERR_INVALID);
    bad = c;
    memcpy(bad.text, "A  B", 5);
    assert_int_equal(galois_sdes_write(out, &len, sizeof(out), &bad), GALOIS_ERR_INVALID);
    galois_sdes_crypto_cleanup(&bad);
    galois_sdes_crypto_cleanup(&c);
    galois_sdes_crypto_cleanup(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rfc4568_attributes),
        cmocka_unit_test(test_rfc4568_key_params),
        cmocka_unit_test(test_suite_names),
        cmocka_unit_test(test_alias_written_standard),
        cmocka_unit_test(test_fields),
        cmocka_unit_test(test_field_values),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_write_refuses),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
