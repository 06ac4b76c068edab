// Tests of the crypto seam: AES-CM keystream (RFC 3711 B.2, RFC 6188 7.1/7.3, libsrtp ICM
// KATs) and the short (ECB) and long (CTR) paths of galois_aes_ctr_xor. AES-GCM, on both
// backends, is gcm_test.c; HMAC-SHA1, on both backends, hmac_test.c.
//
// RFC 3711 B.1 (AES-f8) is not tested: galois implements no f8 suite (none is in RFC 4568's
// SDES registry that galois negotiates), so rfc3711.txt's B.1 case is deliberately unused.
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

// iv_add sets `out` to the 128-bit big-endian sum iv + n (mod 2^128).
static void iv_add(uint8_t out[16], const uint8_t iv[16], uint64_t n)
{
    unsigned carry = 0;
    for (size_t i = 0; i < 16; i++) {
        size_t k = 15 - i;
        unsigned add = i < 8 ? (unsigned)((n >> (8 * i)) & 0xff) : 0;
        unsigned s = iv[k] + add + carry;
        out[k] = (uint8_t)s;
        carry = s >> 8;
    }
}

// ---- AES-CM keystream segments: RFC 3711 B.2, RFC 6188 7.1 / 7.3 -------------------------

// check_segment generates the whole keystream segment of one case, twice (galois_aes_keystream
// and galois_aes_ctr_xor over zeros: both long-path calls), and compares every printed
// keystream_N block; it also computes each printed block alone with a 16-octet (short path)
// call at counter_N, after checking counter_N = iv + N and iv = (salt * 2^16) xor the
// SSRC/ROC/SEQ terms of RFC 3711 §4.1.1.
static void check_segment(const struct vf_case *c, size_t key_len)
{
    struct vf_bytes key = vf_hex_exact(c, "session_key", key_len);
    struct vf_bytes salt = vf_hex_exact(c, "session_salt", 14);
    struct vf_bytes iv = vf_hex_exact(c, "iv", 16);
    uint64_t ssrc = vf_uint(c, "ssrc");
    uint64_t roc = vf_uint(c, "roc");
    uint64_t seq = vf_uint(c, "seq");
    size_t seg_len = (size_t)vf_dec(c, "keystream_segment_length_octets_dec");
    assert_int_equal(seg_len % 16, 0);

    // IV = (k_s * 2^16) XOR (SSRC * 2^64) XOR (i * 2^16), i = ROC * 2^16 + SEQ.
    uint8_t want_iv[16] = {0};
    memcpy(want_iv, salt.b, 14);
    uint64_t index = (roc << 16) | seq;
    for (size_t i = 0; i < 4; i++) {
        want_iv[4 + i] ^= (uint8_t)(ssrc >> (24 - 8 * i));
    }
    for (size_t i = 0; i < 6; i++) {
        want_iv[8 + i] ^= (uint8_t)(index >> (40 - 8 * i));
    }
    vf_expect_bytes("iv from salt/ssrc/roc/seq", want_iv, 16, iv.b, iv.len);

    uint8_t *ks = malloc(seg_len);
    uint8_t *ks2 = calloc(1, seg_len);
    assert_non_null(ks);
    assert_non_null(ks2);
    assert_int_equal(galois_aes_keystream(ks, seg_len, key.b, key.len, iv.b), GALOIS_ERR_OK);
    struct galois_aes_ctr *ctr = NULL;
    assert_int_equal(galois_aes_ctr_new(&ctr, key.b, key.len), GALOIS_ERR_OK);
    assert_int_equal(galois_aes_ctr_xor(ctr, ks2, ks2, seg_len, iv.b), GALOIS_ERR_OK);

    size_t num_blocks = 0;
    for (size_t f = 0; f < c->num_fields; f++) {
        unsigned long n = 0;
        char tail = 0;
        if (sscanf(c->fields[f].name, "keystream_%lu%c", &n, &tail) != 1) {
            continue;
        }
        char counter_name[32];
        char what[128];
        snprintf(counter_name, sizeof(counter_name), "counter_%lu", n);
        struct vf_bytes counter = vf_hex_exact(c, counter_name, 16);
        struct vf_bytes want = vf_hex_exact(c, c->fields[f].name, 16);
        uint8_t iv_n[16];
        iv_add(iv_n, iv.b, n);
        snprintf(what, sizeof(what), "%s: %s = iv + %lu", c->name, counter_name, n);
        vf_expect_bytes(what, iv_n, 16, counter.b, 16);
        assert_true((n + 1) * 16 <= seg_len);

        snprintf(what, sizeof(what), "%s: keystream block %lu (galois_aes_keystream)", c->name, n);
        vf_expect_bytes(what, ks + n * 16, 16, want.b, 16);
        snprintf(what, sizeof(what), "%s: keystream block %lu (ctr_xor, one call)", c->name, n);
        vf_expect_bytes(what, ks2 + n * 16, 16, want.b, 16);

        uint8_t one[16] = {0};
        assert_int_equal(galois_aes_ctr_xor(ctr, one, one, 16, counter.b), GALOIS_ERR_OK);
        snprintf(what, sizeof(what), "%s: keystream block %lu (16-octet call)", c->name, n);
        vf_expect_bytes(what, one, 16, want.b, 16);
        num_blocks++;
    }
    // B.2 and 7.1/7.3 print blocks 0, 1, 2, 65279, 65280, 65281.
    if (num_blocks < 6) {
        fail_msg("%s: only %zu keystream blocks found", c->name, num_blocks);
    }
    galois_aes_ctr_free(ctr);
    free(ks);
    free(ks2);
}

static void test_keystream_rfc3711_b2(void **state)
{
    (void)state;
    struct vf_file *f = vf_open("rfc3711.txt");
    check_segment(vf_case_named(f, "B.2 AES-CM keystream"), 16);
    vf_close(f);
}

static void test_keystream_rfc6188(void **state)
{
    (void)state;
    struct vf_file *f = vf_open("rfc6188.txt");
    check_segment(vf_case_named(f, "7.1 AES-CM keystream (AES-256)"), 32);
    check_segment(vf_case_named(f, "7.3 AES-CM keystream (AES-192)"), 24);
    vf_close(f);
}

// libsrtp ICM KATs: counter = (session_salt || 0000) xor nonce; ciphertext = plaintext xor
// keystream. Run separate and in place.
static void test_icm_kats(void **state)
{
    (void)state;
    struct vf_file *f = vf_open("libsrtp-reference.txt");
    size_t ran = 0;
    for (size_t i = 0; i < f->num_cases; i++) {
        const struct vf_case *c = &f->cases[i];
        if (!vf_name_starts(c, "cipher_test_cases srtp_aes_icm_")) {
            continue;
        }
        struct vf_bytes key = vf_hex(c, "session_key");
        struct vf_bytes salt = vf_hex_exact(c, "session_salt", 14);
        struct vf_bytes nonce = vf_hex_exact(c, "nonce", 16);
        struct vf_bytes pt = vf_hex(c, "plaintext");
        struct vf_bytes ct = vf_hex(c, "ciphertext");
        assert_int_equal(pt.len, ct.len);
        uint8_t counter[16] = {0};
        memcpy(counter, salt.b, 14);
        for (size_t j = 0; j < 16; j++) {
            counter[j] ^= nonce.b[j];
        }
        struct galois_aes_ctr *ctr = NULL;
        assert_int_equal(galois_aes_ctr_new(&ctr, key.b, key.len), GALOIS_ERR_OK);
        uint8_t out[VF_MAX_BYTES];
        assert_int_equal(galois_aes_ctr_xor(ctr, out, pt.b, pt.len, counter), GALOIS_ERR_OK);
        vf_expect_bytes(c->name, out, pt.len, ct.b, ct.len);
        memcpy(out, ct.b, ct.len);
        assert_int_equal(galois_aes_ctr_xor(ctr, out, out, ct.len, counter), GALOIS_ERR_OK);
        vf_expect_bytes(c->name, out, ct.len, pt.b, pt.len);
        galois_aes_ctr_free(ctr);
        ran++;
    }
    assert_int_equal(ran, 3);  // AES-128, -192, -256
    vf_close(f);
}

// ---- short (ECB) and long (CTR) paths agree ------------------------------------------------

enum { AGREE_MAX = 2000 };

// pick_iv varies the IV kind with `k`: random; low 64 bits a few blocks short of a carry into
// the high 64 bits; all 128 bits one short of wrapping; SRTP-shaped (low 16 bits zero).
static void pick_iv(uint8_t iv[16], struct test_rng *rng, size_t k)
{
    test_rng_fill(rng, iv, 16);
    switch (k % 4) {
        case 1: {
            uint64_t low = UINT64_MAX - test_rng_below(rng, AGREE_MAX / 16 + 2);
            for (size_t i = 0; i < 8; i++) {
                iv[15 - i] = (uint8_t)(low >> (8 * i));
            }
            break;
        }
        case 2:
            memset(iv, 0xff, 16);
            iv[15] = (uint8_t)(0xff - test_rng_below(rng, 64));
            break;
        case 3:
            iv[14] = 0;
            iv[15] = 0;
            break;
        default:
            break;
    }
}

static void test_ctr_paths_agree(void **state)
{
    (void)state;
    static const size_t key_lens[] = {16, 24, 32};
    struct test_rng rng = {0x6761726f6973};
    uint8_t data[AGREE_MAX];
    uint8_t want[AGREE_MAX + 16];
    uint8_t got[AGREE_MAX + 16];
    for (size_t kl = 0; kl < 3; kl++) {
        uint8_t key[32];
        test_rng_fill(&rng, key, sizeof(key));
        struct galois_aes_ctr *ctr = NULL;
        assert_int_equal(galois_aes_ctr_new(&ctr, key, key_lens[kl]), GALOIS_ERR_OK);
        for (size_t len = 0; len <= AGREE_MAX; len++) {
            uint8_t iv[16];
            pick_iv(iv, &rng, len + kl);
            test_rng_fill(&rng, data, len);
            // Oracle: each block alone, at counter iv + b computed here (mod 2^128).
            for (size_t b = 0; b * 16 < len; b++) {
                uint8_t counter[16];
                uint8_t block[16] = {0};
                iv_add(counter, iv, b);
                assert_int_equal(galois_aes_ctr_xor(ctr, block, block, 16, counter), GALOIS_ERR_OK);
                for (size_t j = 0; j < 16 && b * 16 + j < len; j++) {
                    want[b * 16 + j] = data[b * 16 + j] ^ block[j];
                }
            }
            memset(got, 0xcc, sizeof(got));
            assert_int_equal(galois_aes_ctr_xor(ctr, got, data, len, iv), GALOIS_ERR_OK);
            char what[96];
            snprintf(what, sizeof(what), "ctr_xor key %zu len %zu iv kind %zu (separate)",
                     key_lens[kl], len, (len + kl) % 4);
            vf_expect_bytes(what, got, len, want, len);
            for (size_t j = len; j < sizeof(got); j++) {
                assert_int_equal(got[j], 0xcc);  // nothing written past len
            }
            memcpy(got, data, len);
            assert_int_equal(galois_aes_ctr_xor(ctr, got, got, len, iv), GALOIS_ERR_OK);
            snprintf(what, sizeof(what), "ctr_xor key %zu len %zu iv kind %zu (in place)",
                     key_lens[kl], len, (len + kl) % 4);
            vf_expect_bytes(what, got, len, want, len);
        }
        galois_aes_ctr_free(ctr);
    }
}

static void test_ctr_bad_key(void **state)
{
    (void)state;
    uint8_t key[33] = {0};
    static const size_t bad[] = {0, 8, 15, 17, 20, 31, 33};
    for (size_t i = 0; i < GALOIS_ARRAY_LEN(bad); i++) {
        struct galois_aes_ctr *ctr = (struct galois_aes_ctr *)(uintptr_t)1;  // reset to NULL
        assert_int_not_equal(galois_aes_ctr_new(&ctr, key, bad[i]), GALOIS_ERR_OK);
        assert_null(ctr);
    }
    galois_aes_ctr_free(NULL);
    galois_aes_gcm_free(NULL);
    galois_hmac_sha1_free(NULL);
}

static void test_ct_equal(void **state)
{
    (void)state;
    uint8_t a[32];
    uint8_t b[32];
    for (size_t i = 0; i < sizeof(a); i++) {
        a[i] = (uint8_t)i;
    }
    memcpy(b, a, sizeof(b));
    assert_true(galois_ct_equal(a, b, sizeof(a)));
    assert_true(galois_ct_equal(a, b, 0));
    for (size_t i = 0; i < sizeof(a); i++) {
        b[i] ^= 0x80;
        assert_false(galois_ct_equal(a, b, sizeof(a)));
        assert_true(galois_ct_equal(a, b, i));  // only the first i octets compared
        b[i] ^= 0x80;
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_keystream_rfc3711_b2),
        cmocka_unit_test(test_keystream_rfc6188),
        cmocka_unit_test(test_icm_kats),
        cmocka_unit_test(test_ctr_paths_agree),
        cmocka_unit_test(test_ctr_bad_key),
        cmocka_unit_test(test_ct_equal),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
