// AES-GCM through the crypto seam, on every backend this build has: the libsrtp KATs and
// RFC 7714 sections 16-17 at the cipher level (separate and in place, the AAD cut at every
// point, every changed octet refused with the output wiped), bad parameters, and the two
// backends agreeing byte for byte on random keys, lengths, AAD cuts and tag lengths. A build
// without libgcrypt checks that the backend is refused and says "not built".
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

#ifndef GALOIS_TEST_HAVE_LIBGCRYPT
#error "tests/CMakeLists.txt defines GALOIS_TEST_HAVE_LIBGCRYPT to 0 or 1"
#endif

static const enum galois_crypto_backend backends[] = {GALOIS_CRYPTO_OPENSSL,
                                                      GALOIS_CRYPTO_LIBGCRYPT};

// num_backends is how many of backends[] this build serves: both with libgcrypt, which must
// then have passed its checks, else OpenSSL only.
static size_t num_backends(void)
{
    char why[256];
    bool ready = galois_crypto_backend_ready(GALOIS_CRYPTO_LIBGCRYPT, why, sizeof(why));
    if (ready != (GALOIS_TEST_HAVE_LIBGCRYPT != 0)) {
        fail_msg("libgcrypt backend ready = %d in a build with GALOIS_TEST_HAVE_LIBGCRYPT = %d: %s",
                 ready, GALOIS_TEST_HAVE_LIBGCRYPT, why);
    }
    return ready ? 2 : 1;
}

struct gcm_case {
    struct vf_bytes key, iv, aad, pt, ct, tag;
};

// load_gcm reads a GCM case: plaintext/ciphertext are empty for the tag-only cases; RFC 7714
// 17.2 prints no plaintext field, so it is taken from its rtcp_packet after the 8-octet header.
static struct gcm_case load_gcm(const struct vf_case *c)
{
    struct gcm_case g;
    g.key = vf_hex(c, "key");
    g.iv = vf_hex_exact(c, "iv", GALOIS_GCM_IV_LEN);
    g.aad = vf_hex(c, "aad");
    g.tag = vf_hex(c, "tag");
    g.pt.len = 0;
    g.ct.len = 0;
    if (vf_has(c, "ciphertext")) {
        g.ct = vf_hex(c, "ciphertext");
        if (vf_has(c, "plaintext")) {
            g.pt = vf_hex(c, "plaintext");
        } else {
            struct vf_bytes rtcp = vf_hex(c, "rtcp_packet");
            assert_true(rtcp.len >= 8);
            g.pt.len = rtcp.len - 8;
            memcpy(g.pt.b, rtcp.b + 8, g.pt.len);
        }
    }
    assert_int_equal(g.pt.len, g.ct.len);
    return g;
}

// split_aad makes the two-piece AAD of `bytes`, cut after `split` octets.
static struct galois_aad split_aad(const struct vf_bytes *bytes, size_t split)
{
    struct galois_aad aad = {bytes->b, split, bytes->b + split, bytes->len - split};
    return aad;
}

// check_gcm runs one case on `backend`.
static void check_gcm(enum galois_crypto_backend backend, const char *name,
                      const struct gcm_case *g)
{
    char what[192];
    struct galois_aes_gcm *gcm = NULL;
    assert_int_equal(galois_aes_gcm_new(&gcm, backend, g->key.b, g->key.len, g->tag.len),
                     GALOIS_ERR_OK);
    uint8_t out[VF_MAX_BYTES];
    uint8_t tag[16];
    // Seal and open, separate and in place, with the AAD cut at every point (the second piece
    // empty at the end; the first piece empty at 0).
    for (size_t split = 0; split <= g->aad.len; split++) {
        struct galois_aad aad = split_aad(&g->aad, split);
        assert_int_equal(galois_aes_gcm_seal(gcm, out, tag, g->iv.b, &aad, g->pt.b, g->pt.len),
                         GALOIS_ERR_OK);
        snprintf(what, sizeof(what), "%s: seal ciphertext (aad split %zu)", name, split);
        vf_expect_bytes(what, out, g->pt.len, g->ct.b, g->ct.len);
        snprintf(what, sizeof(what), "%s: seal tag (aad split %zu)", name, split);
        vf_expect_bytes(what, tag, g->tag.len, g->tag.b, g->tag.len);
        memcpy(out, g->pt.b, g->pt.len);
        assert_int_equal(galois_aes_gcm_seal(gcm, out, tag, g->iv.b, &aad, out, g->pt.len),
                         GALOIS_ERR_OK);
        snprintf(what, sizeof(what), "%s: seal in place (aad split %zu)", name, split);
        vf_expect_bytes(what, out, g->pt.len, g->ct.b, g->ct.len);
        vf_expect_bytes(what, tag, g->tag.len, g->tag.b, g->tag.len);

        memset(out, 0x5a, sizeof(out));
        assert_int_equal(galois_aes_gcm_open(gcm, out, g->iv.b, &aad, g->ct.b, g->ct.len, g->tag.b),
                         GALOIS_ERR_OK);
        snprintf(what, sizeof(what), "%s: open (aad split %zu)", name, split);
        vf_expect_bytes(what, out, g->ct.len, g->pt.b, g->pt.len);
        memcpy(out, g->ct.b, g->ct.len);
        assert_int_equal(galois_aes_gcm_open(gcm, out, g->iv.b, &aad, out, g->ct.len, g->tag.b),
                         GALOIS_ERR_OK);
        vf_expect_bytes(what, out, g->ct.len, g->pt.b, g->pt.len);
    }

    // Any changed octet of tag, ciphertext or AAD: AUTH, and `out` holds zeros, not plaintext.
    size_t total = g->tag.len + g->ct.len + g->aad.len;
    for (size_t k = 0; k < total; k++) {
        struct gcm_case bad = *g;
        uint8_t *p = k < g->tag.len               ? &bad.tag.b[k]
                     : k < g->tag.len + g->ct.len ? &bad.ct.b[k - g->tag.len]
                                                  : &bad.aad.b[k - g->tag.len - g->ct.len];
        *p ^= (uint8_t)(1u << (k % 8));
        struct galois_aad aad = split_aad(&bad.aad, bad.aad.len / 2);
        memset(out, 0x5a, sizeof(out));
        galois_err err =
            galois_aes_gcm_open(gcm, out, bad.iv.b, &aad, bad.ct.b, bad.ct.len, bad.tag.b);
        if (err != GALOIS_ERR_AUTH) {
            fail_msg("%s: open with octet %zu of tag|ct|aad changed: %s, expected AUTH", name, k,
                     galois_err_name(err));
        }
        for (size_t j = 0; j < bad.ct.len; j++) {
            if (out[j] != 0) {
                fail_msg("%s: after a failed open, out[%zu] = %02x, expected wiped (0)", name, j,
                         out[j]);
            }
        }
        // In place as well: the buffer that held the ciphertext is wiped.
        memcpy(out, bad.ct.b, bad.ct.len);
        err = galois_aes_gcm_open(gcm, out, bad.iv.b, &aad, out, bad.ct.len, bad.tag.b);
        assert_int_equal(err, GALOIS_ERR_AUTH);
        for (size_t j = 0; j < bad.ct.len; j++) {
            assert_int_equal(out[j], 0);
        }
    }
    // A wrong IV fails as well, and so does moving AAD octets between the two pieces' order.
    uint8_t iv2[GALOIS_GCM_IV_LEN];
    memcpy(iv2, g->iv.b, sizeof(iv2));
    iv2[11] ^= 1;
    struct galois_aad aad = split_aad(&g->aad, g->aad.len);
    assert_int_equal(galois_aes_gcm_open(gcm, out, iv2, &aad, g->ct.b, g->ct.len, g->tag.b),
                     GALOIS_ERR_AUTH);
    if (g->aad.len >= 2) {
        struct galois_aad swapped = {g->aad.b + 1, g->aad.len - 1, g->aad.b, 1};
        assert_int_equal(
            galois_aes_gcm_open(gcm, out, g->iv.b, &swapped, g->ct.b, g->ct.len, g->tag.b),
            GALOIS_ERR_AUTH);
    }
    galois_aes_gcm_free(gcm);
}

static void test_gcm_libsrtp_kats(void **state)
{
    (void)state;
    struct vf_file *f = vf_open("libsrtp-reference.txt");
    size_t ran = 0;
    size_t short_tags = 0;
    for (size_t i = 0; i < f->num_cases; i++) {
        const struct vf_case *c = &f->cases[i];
        if (!vf_name_starts(c, "cipher_test_cases srtp_aes_gcm_")) {
            continue;
        }
        struct gcm_case g = load_gcm(c);
        short_tags += g.tag.len == 8;
        for (size_t b = 0; b < num_backends(); b++) {
            check_gcm(backends[b], c->name, &g);
        }
        ran++;
    }
    assert_int_equal(ran, 4);  // 128/256, 16- and 8-octet tags
    assert_int_equal(short_tags, 2);
    vf_close(f);
}

static void test_gcm_rfc7714(void **state)
{
    (void)state;
    struct vf_file *f = vf_open("rfc7714.txt");
    assert_int_equal(f->num_cases, 12);
    for (size_t i = 0; i < f->num_cases; i++) {
        struct gcm_case g = load_gcm(&f->cases[i]);
        for (size_t b = 0; b < num_backends(); b++) {
            check_gcm(backends[b], f->cases[i].name, &g);
        }
    }
    vf_close(f);
}

static void test_gcm_bad_params(void **state)
{
    (void)state;
    uint8_t key[33] = {0};
    struct galois_aes_gcm *gcm = NULL;
    static const struct {
        size_t key_len, tag_len;
    } bad[] = {{15, 16}, {17, 16}, {24, 16}, {33, 16}, {16, 7}, {16, 17}, {32, 0}, {32, 4}};
    for (size_t b = 0; b < num_backends(); b++) {
        for (size_t i = 0; i < GALOIS_ARRAY_LEN(bad); i++) {
            gcm = (struct galois_aes_gcm *)(uintptr_t)1;  // reset to NULL on failure
            assert_int_equal(
                galois_aes_gcm_new(&gcm, backends[b], key, bad[i].key_len, bad[i].tag_len),
                GALOIS_ERR_INVALID);
            assert_null(gcm);
        }
        for (size_t tag_len = 8; tag_len <= 16; tag_len++) {
            assert_int_equal(galois_aes_gcm_new(&gcm, backends[b], key, 16, tag_len),
                             GALOIS_ERR_OK);
            galois_aes_gcm_free(gcm);
        }
    }
    gcm = (struct galois_aes_gcm *)(uintptr_t)1;
    assert_int_equal(galois_aes_gcm_new(&gcm, (enum galois_crypto_backend)7, key, 16, 16),
                     GALOIS_ERR_INVALID);
    assert_null(gcm);
    galois_aes_gcm_free(NULL);
}

// ---- the two backends agree ----------------------------------------------------------------

enum { AGREE_MAX = 1500, AGREE_ROUNDS = 600 };

// seal_both seals `len` bytes of `pt` on both handles, separately and in place, and checks
// that all four ciphertexts and tags are the same; the result is left in `ct` and `tag`.
static void seal_both(struct galois_aes_gcm *g[2], uint8_t *ct, uint8_t *tag, size_t tag_len,
                      const uint8_t *iv, const struct galois_aad *aad, const uint8_t *pt,
                      size_t len, const char *what)
{
    static uint8_t out[AGREE_MAX];
    uint8_t t[16];
    assert_int_equal(galois_aes_gcm_seal(g[0], ct, tag, iv, aad, pt, len), GALOIS_ERR_OK);
    for (size_t b = 0; b < 2; b++) {
        memcpy(out, pt, len);
        assert_int_equal(galois_aes_gcm_seal(g[b], out, t, iv, aad, out, len), GALOIS_ERR_OK);
        vf_expect_bytes(what, out, len, ct, len);
        vf_expect_bytes(what, t, tag_len, tag, tag_len);
        memset(out, 0x5a, len);
        assert_int_equal(galois_aes_gcm_seal(g[b], out, t, iv, aad, pt, len), GALOIS_ERR_OK);
        vf_expect_bytes(what, out, len, ct, len);
        vf_expect_bytes(what, t, tag_len, tag, tag_len);
    }
}

// open_both opens the sealed packet on both handles, separately and in place, and then with
// one bit of tag, ciphertext or AAD changed: AUTH on both, and the output wiped on both.
static void open_both(struct galois_aes_gcm *g[2], uint8_t *ct, uint8_t *tag, size_t tag_len,
                      const uint8_t *iv, struct galois_aad *aad, uint8_t *aad_buf,
                      const uint8_t *pt, size_t len, struct test_rng *rng, const char *what)
{
    static uint8_t out[AGREE_MAX];
    for (size_t b = 0; b < 2; b++) {
        memset(out, 0x5a, len);
        assert_int_equal(galois_aes_gcm_open(g[b], out, iv, aad, ct, len, tag), GALOIS_ERR_OK);
        vf_expect_bytes(what, out, len, pt, len);
        memcpy(out, ct, len);
        assert_int_equal(galois_aes_gcm_open(g[b], out, iv, aad, out, len, tag), GALOIS_ERR_OK);
        vf_expect_bytes(what, out, len, pt, len);
    }
    size_t aad_len = aad->a_len + aad->b_len;
    size_t bit = test_rng_below(rng, 8 * (tag_len + len + aad_len));
    uint8_t *p = bit / 8 < tag_len         ? tag + bit / 8
                 : bit / 8 < tag_len + len ? ct + bit / 8 - tag_len
                                           : aad_buf + bit / 8 - tag_len - len;
    *p ^= (uint8_t)(1u << (bit % 8));
    for (size_t b = 0; b < 2; b++) {
        memcpy(out, ct, len);
        if (galois_aes_gcm_open(g[b], out, iv, aad, out, len, tag) != GALOIS_ERR_AUTH) {
            fail_msg("%s: backend %zu accepted a packet with bit %zu changed", what, b, bit);
        }
        for (size_t i = 0; i < len; i++) {
            assert_int_equal(out[i], 0);  // wiped, in place
        }
        memset(out, 0x5a, len);
        assert_int_equal(galois_aes_gcm_open(g[b], out, iv, aad, ct, len, tag), GALOIS_ERR_AUTH);
        for (size_t i = 0; i < len; i++) {
            assert_int_equal(out[i], 0);  // wiped, separate
        }
    }
    *p ^= (uint8_t)(1u << (bit % 8));
}

static void test_gcm_backends_agree(void **state)
{
    (void)state;
    if (num_backends() < 2) {
        skip();
    }
    struct test_rng rng = {0x6c6962676372};
    static uint8_t pt[AGREE_MAX], ct[AGREE_MAX], aad_buf[64];
    for (size_t round = 0; round < AGREE_ROUNDS; round++) {
        size_t key_len = round % 2 == 0 ? 16 : 32;
        size_t tag_len = round % 3 == 0 ? 8 : round % 3 == 1 ? 16 : 8 + test_rng_below(&rng, 9);
        size_t len = round < 40 ? round : test_rng_below(&rng, AGREE_MAX + 1);
        size_t aad_len = test_rng_below(&rng, sizeof(aad_buf) + 1);
        size_t split = test_rng_below(&rng, aad_len + 1);
        uint8_t key[32], iv[GALOIS_GCM_IV_LEN], tag[16];
        test_rng_fill(&rng, key, sizeof(key));
        test_rng_fill(&rng, iv, sizeof(iv));
        test_rng_fill(&rng, aad_buf, aad_len);
        test_rng_fill(&rng, pt, len);
        struct galois_aes_gcm *g[2] = {NULL, NULL};
        for (size_t b = 0; b < 2; b++) {
            assert_int_equal(galois_aes_gcm_new(&g[b], backends[b], key, key_len, tag_len),
                             GALOIS_ERR_OK);
        }
        struct galois_aad aad = {aad_buf, split, aad_buf + split, aad_len - split};
        char what[128];
        snprintf(what, sizeof(what), "round %zu: key %zu, tag %zu, %zu bytes, aad %zu cut at %zu",
                 round, key_len, tag_len, len, aad_len, split);
        seal_both(g, ct, tag, tag_len, iv, &aad, pt, len, what);
        open_both(g, ct, tag, tag_len, iv, &aad, aad_buf, pt, len, &rng, what);
        galois_aes_gcm_free(g[0]);
        galois_aes_gcm_free(g[1]);
    }
}

// Without libgcrypt the backend is refused, and says why.
static void test_gcm_libgcrypt_refused_when_not_built(void **state)
{
    (void)state;
    if (GALOIS_TEST_HAVE_LIBGCRYPT) {
        skip();
    }
    char why[256];
    assert_false(galois_crypto_backend_ready(GALOIS_CRYPTO_LIBGCRYPT, why, sizeof(why)));
    assert_non_null(strstr(why, "not built"));
    uint8_t key[16] = {0};
    struct galois_aes_gcm *gcm = (struct galois_aes_gcm *)(uintptr_t)1;
    assert_int_equal(galois_aes_gcm_new(&gcm, GALOIS_CRYPTO_LIBGCRYPT, key, 16, 16),
                     GALOIS_ERR_UNSUPPORTED);
    assert_null(gcm);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_gcm_libsrtp_kats),
        cmocka_unit_test(test_gcm_rfc7714),
        cmocka_unit_test(test_gcm_bad_params),
        cmocka_unit_test(test_gcm_backends_agree),
        cmocka_unit_test(test_gcm_libgcrypt_refused_when_not_built),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
