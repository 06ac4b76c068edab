// HMAC-SHA1 through the crypto seam, on every backend this build has: RFC 2202 §3 (the message
// cut at every point between the two pieces, each context used twice), Nettle and OpenSSL
// agreeing byte for byte on random keys (shorter and longer than the block) and random
// messages cut at random points, the backend's verdict, and the refusals. A build without
// Nettle checks that the backend is refused and says "not built".
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
// cmocka.h needs the headers above.
#include <cmocka.h>

#include "common/internal.h"
#include "crypto/internal.h"
#include "test_rng.h"
#include "vector_file.h"

#ifndef GALOIS_TEST_HAVE_NETTLE
#error "tests/CMakeLists.txt defines GALOIS_TEST_HAVE_NETTLE to 0 or 1"
#endif

static const enum galois_crypto_backend backends[] = {GALOIS_CRYPTO_OPENSSL, GALOIS_CRYPTO_NETTLE};

static const char *backend_name(size_t i)
{
    return i == 0 ? "OpenSSL" : "Nettle";
}

// num_backends is how many of backends[] this build serves: both with Nettle, which must then
// have passed its checks, else OpenSSL only.
static size_t num_backends(void)
{
    char why[256];
    bool ready = galois_crypto_backend_ready(GALOIS_CRYPTO_NETTLE, why, sizeof(why));
    if (ready != (GALOIS_TEST_HAVE_NETTLE != 0)) {
        fail_msg("Nettle backend ready = %d in a build with GALOIS_TEST_HAVE_NETTLE = %d: %s",
                 ready, GALOIS_TEST_HAVE_NETTLE, why);
    }
    return ready ? 2 : 1;
}

static void test_status(void **state)
{
    (void)state;
    char why[256];
    bool ready = galois_crypto_backend_ready(GALOIS_CRYPTO_NETTLE, why, sizeof(why));
    const char *want =
        GALOIS_TEST_HAVE_NETTLE ? "HMAC-SHA1 known-answer tests passed" : "not built";
    if (strstr(why, want) == NULL) {
        fail_msg("Nettle status \"%s\" does not contain \"%s\"", why, want);
    }
    if (GALOIS_TEST_HAVE_NETTLE && strncmp(why, "Nettle 3.", 9) != 0) {
        fail_msg("Nettle status \"%s\" does not start with the version", why);
    }
    assert_int_equal(ready, GALOIS_TEST_HAVE_NETTLE != 0);
    // Asked again: the same verdict, from the one run of the known-answer tests.
    assert_int_equal(galois_crypto_backend_ready(GALOIS_CRYPTO_NETTLE, NULL, 0), ready);
    assert_int_equal(galois_crypto_backend_hmac_kat_runs(), 1);
}

static void test_refused(void **state)
{
    (void)state;
    uint8_t key[20] = {0};
    struct {
        enum galois_crypto_backend backend;
        galois_err err;
    } cases[] = {
        {GALOIS_CRYPTO_LIBGCRYPT, GALOIS_ERR_INVALID},
        {(enum galois_crypto_backend)9, GALOIS_ERR_INVALID},
        {GALOIS_CRYPTO_NETTLE, GALOIS_TEST_HAVE_NETTLE ? GALOIS_ERR_OK : GALOIS_ERR_UNSUPPORTED},
    };
    for (size_t i = 0; i < GALOIS_ARRAY_LEN(cases); i++) {
        struct galois_hmac_sha1 *h = (struct galois_hmac_sha1 *)(uintptr_t)1;  // reset to NULL
        assert_int_equal(galois_hmac_sha1_new(&h, cases[i].backend, key, sizeof(key)),
                         cases[i].err);
        if (cases[i].err != GALOIS_ERR_OK) {
            assert_null(h);
        }
        galois_hmac_sha1_free(h);
    }
    galois_hmac_sha1_free(NULL);
}

// ---- HMAC-SHA1: RFC 2202 section 3 -------------------------------------------------------

static void test_rfc2202(void **state)
{
    (void)state;
    size_t n = num_backends();
    // RFC 2202 §3, test cases 1-7: key (as bytes), data, HMAC-SHA1 digest.
    uint8_t k0b[20], kaa20[20], k0c[20], kaa80[80], k25[25], ddd[50], dcd[50];
    memset(k0b, 0x0b, sizeof(k0b));
    memset(kaa20, 0xaa, sizeof(kaa20));
    memset(k0c, 0x0c, sizeof(k0c));
    memset(kaa80, 0xaa, sizeof(kaa80));
    memset(ddd, 0xdd, sizeof(ddd));
    memset(dcd, 0xcd, sizeof(dcd));
    for (size_t i = 0; i < sizeof(k25); i++) {
        k25[i] = (uint8_t)(i + 1);
    }
    const char *s1 = "Hi There";
    const char *s2 = "what do ya want for nothing?";
    const char *s5 = "Test With Truncation";
    const char *s6 = "Test Using Larger Than Block-Size Key - Hash Key First";
    const char *s7 = "Test Using Larger Than Block-Size Key and Larger Than One Block-Size Data";
    const struct {
        const uint8_t *key;
        size_t key_len;
        const uint8_t *data;
        size_t data_len;
        const char *digest;
    } cases[] = {
        {k0b, 20, (const uint8_t *)s1, strlen(s1), "b617318655057264e28bc0b6fb378c8ef146be00"},
        {(const uint8_t *)"Jefe", 4, (const uint8_t *)s2, strlen(s2),
         "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79"},
        {kaa20, 20, ddd, 50, "125d7342b9ac11cd91a39af48aa17b4f63f175d3"},
        {k25, 25, dcd, 50, "4c9007f4026250c6bc8414f9bf50c86c2d7235da"},
        {k0c, 20, (const uint8_t *)s5, strlen(s5), "4c1a03424b55e07fe7f27be1d58bb9324a9a5a04"},
        {kaa80, 80, (const uint8_t *)s6, strlen(s6), "aa4ae5e15272d00e95705637ce8a3b55ed402112"},
        {kaa80, 80, (const uint8_t *)s7, strlen(s7), "e8e99d0f45237d786d6bbaa7965c7808bbff1a91"},
    };
    for (size_t bi = 0; bi < n; bi++) {
        for (size_t i = 0; i < GALOIS_ARRAY_LEN(cases); i++) {
            uint8_t want[GALOIS_SHA1_LEN];
            for (size_t j = 0; j < GALOIS_SHA1_LEN; j++) {
                want[j] = (uint8_t)((vf_hex_digit(cases[i].digest[2 * j]) << 4) |
                                    vf_hex_digit(cases[i].digest[2 * j + 1]));
            }
            struct galois_hmac_sha1 *h = NULL;
            // RFC 2104 §2: a key longer than the 64-octet block is hashed first (cases 6 and 7).
            galois_err err = galois_hmac_sha1_new(&h, backends[bi], cases[i].key, cases[i].key_len);
            if (err != GALOIS_ERR_OK) {
                fail_msg("%s, RFC 2202 case %zu (%zu-octet key): galois_hmac_sha1_new returned %s",
                         backend_name(bi), i + 1, cases[i].key_len, galois_err_name(err));
            }
            // The message split at every point between the two pieces, and each twice: the
            // context is reused per message.
            for (size_t split = 0; split <= cases[i].data_len; split++) {
                for (int rep = 0; rep < 2; rep++) {
                    uint8_t out[GALOIS_SHA1_LEN];
                    assert_int_equal(
                        galois_hmac_sha1(h, out, cases[i].data, split, cases[i].data + split,
                                         cases[i].data_len - split),
                        GALOIS_ERR_OK);
                    char what[64];
                    snprintf(what, sizeof(what), "%s, RFC 2202 case %zu split %zu",
                             backend_name(bi), i + 1, split);
                    vf_expect_bytes(what, out, sizeof(out), want, sizeof(want));
                }
            }
            galois_hmac_sha1_free(h);
        }
    }
}

enum { AGREE_KEYS = 64, AGREE_MESSAGES = 40, AGREE_MAX_LEN = 1500 };

// Random keys of 0..100 octets (SRTP's 20 among them), each with random messages of up to 1500
// octets cut at random points (either piece may be empty, the second may be NULL), on one
// context per backend per key: Nettle and OpenSSL must give the same MAC, and each the same MAC
// for the whole message in one piece.
static void test_backends_agree(void **state)
{
    (void)state;
    if (num_backends() < 2) {
        skip();
    }
    struct test_rng rng = {0x4e6574746c65u};
    static uint8_t msg[AGREE_MAX_LEN];
    for (size_t k = 0; k < AGREE_KEYS; k++) {
        uint8_t key[100];
        size_t key_len = k % 4 == 0 ? 20 : (size_t)test_rng_below(&rng, sizeof(key) + 1);
        test_rng_fill(&rng, key, key_len);
        struct galois_hmac_sha1 *h[2] = {NULL, NULL};
        for (size_t b = 0; b < 2; b++) {
            assert_int_equal(galois_hmac_sha1_new(&h[b], backends[b], key, key_len), GALOIS_ERR_OK);
        }
        for (size_t m = 0; m < AGREE_MESSAGES; m++) {
            size_t len = (size_t)test_rng_below(&rng, sizeof(msg) + 1);
            size_t cut = (size_t)test_rng_below(&rng, len + 1);
            test_rng_fill(&rng, msg, len);
            uint8_t out[2][GALOIS_SHA1_LEN];
            uint8_t whole[GALOIS_SHA1_LEN];
            for (size_t b = 0; b < 2; b++) {
                const uint8_t *second = cut == len && m % 2 == 0 ? NULL : msg + cut;
                assert_int_equal(galois_hmac_sha1(h[b], out[b], msg, cut, second, len - cut),
                                 GALOIS_ERR_OK);
            }
            assert_int_equal(galois_hmac_sha1(h[m % 2], whole, msg, len, NULL, 0), GALOIS_ERR_OK);
            char what[96];
            snprintf(what, sizeof(what), "key %zu (%zu octets), message %zu (%zu octets, cut %zu)",
                     k, key_len, m, len, cut);
            vf_expect_bytes(what, out[1], sizeof(out[1]), out[0], sizeof(out[0]));
            vf_expect_bytes(what, whole, sizeof(whole), out[0], sizeof(out[0]));
        }
        galois_hmac_sha1_free(h[0]);
        galois_hmac_sha1_free(h[1]);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_status),
        cmocka_unit_test(test_refused),
        cmocka_unit_test(test_rfc2202),
        cmocka_unit_test(test_backends_agree),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
