// AES-GCM on libgcrypt: one cipher handle per key, opened and keyed once; per packet the IV is
// set, the AAD authenticated, the data encrypted or decrypted and the tag read, with no
// allocation. libgcrypt's per-call cost is lower than OpenSSL 3's EVP parameter and provider
// handling, which dominates at voice packet sizes (docs/ENGINE.md, docs/BENCH.md).
#include "libgcrypt.h"

#include <gcrypt.h>
#include <stdio.h>
#include <string.h>

#include "../common/internal.h"

// GCM through gcry_cipher_* with the tag calls used here is in every libgcrypt since 1.6; 1.8
// is the oldest still shipped by a supported Debian (bullseye).
#define MIN_VERSION "1.8.0"

enum { FULL_TAG = 16 };

struct galois_gcry_gcm {
    gcry_cipher_hd_t h;  // owned; gcry_cipher_close wipes the key schedule
    size_t tag_len;      // 8..16
};

bool galois_gcry_init(char *why, size_t why_len)
{
    // An application that uses libgcrypt itself initialises it first, with its own settings
    // (secure memory, FIPS mode, ...), and those stand: galois then only checks the version.
    // Otherwise galois does the least libgcrypt requires before other calls (its manual,
    // "Initializing the library"). galois never asks for secure memory, so it leaves that off.
    bool app_initialised = gcry_control(GCRYCTL_INITIALIZATION_FINISHED_P) != 0;
    const char *version = gcry_check_version(MIN_VERSION);
    if (version == NULL) {
        snprintf(why, why_len, "libgcrypt %s is older than the %s galois needs",
                 gcry_check_version(NULL), MIN_VERSION);
        return false;
    }
    if (!app_initialised) {
        gcry_control(GCRYCTL_INITIALIZATION_FINISHED, 0);
    }
    if (gcry_fips_mode_active()) {
        snprintf(why, why_len,
                 "libgcrypt %s is in FIPS mode, where it refuses AES-GCM encryption under a "
                 "caller's IV",
                 version);
        return false;
    }
    snprintf(why, why_len, "libgcrypt %s", version);
    return true;
}

galois_err galois_gcry_gcm_new(struct galois_gcry_gcm **out, const uint8_t *key, size_t key_len,
                               size_t tag_len)
{
    *out = NULL;
    int algo = key_len == 16 ? GCRY_CIPHER_AES128 : key_len == 32 ? GCRY_CIPHER_AES256 : 0;
    if (algo == 0 || tag_len < 8 || tag_len > FULL_TAG) {
        return GALOIS_ERR_INVALID;
    }
    struct galois_gcry_gcm *g = calloc(1, sizeof(*g));
    if (g == NULL) {
        return GALOIS_ERR_NOMEM;
    }
    g->tag_len = tag_len;
    if (gcry_cipher_open(&g->h, algo, GCRY_CIPHER_MODE_GCM, 0) != 0) {
        free(g);
        return GALOIS_ERR_CRYPTO;
    }
    if (gcry_cipher_setkey(g->h, key, key_len) != 0) {
        galois_gcry_gcm_free(g);
        return GALOIS_ERR_CRYPTO;
    }
    *out = g;
    return GALOIS_ERR_OK;
}

void galois_gcry_gcm_free(struct galois_gcry_gcm *g)
{
    if (g == NULL) {
        return;
    }
    gcry_cipher_close(g->h);
    free(g);
}

// start sets the IV (which resets the GCM state) and authenticates both pieces of `aad`.
static bool start(gcry_cipher_hd_t h, const uint8_t iv[GALOIS_GCM_IV_LEN],
                  const struct galois_aad *aad)
{
    return gcry_cipher_setiv(h, iv, GALOIS_GCM_IV_LEN) == 0 &&
           (aad->a_len == 0 || gcry_cipher_authenticate(h, aad->a, aad->a_len) == 0) &&
           (aad->b_len == 0 || gcry_cipher_authenticate(h, aad->b, aad->b_len) == 0);
}

// failed puts the handle back in a clean state after an error. libgcrypt 1.10's setiv does not
// clear a partial block of GHASH input left by a call that never reached the tag; every
// successful packet ends with the tag, which consumes it, so only error paths need this.
static galois_err failed(gcry_cipher_hd_t h)
{
    gcry_cipher_reset(h);
    return GALOIS_ERR_CRYPTO;
}

// copy_tag copies `len` (8..16) tag bytes; the SRTP suites' two lengths get fixed-size copies,
// which the compiler turns into a move or two instead of a call to memcpy.
static void copy_tag(uint8_t *dst, const uint8_t *src, size_t len)
{
    if (len == FULL_TAG) {
        memcpy(dst, src, FULL_TAG);
    } else if (len == 8) {
        memcpy(dst, src, 8);
    } else {
        memcpy(dst, src, len);
    }
}

galois_err galois_gcry_gcm_seal(struct galois_gcry_gcm *g, uint8_t *out, uint8_t *tag,
                                const uint8_t iv[GALOIS_GCM_IV_LEN], const struct galois_aad *aad,
                                const uint8_t *in, size_t len)
{
    gcry_cipher_hd_t h = g->h;
    uint8_t full[FULL_TAG];
    bool in_place = out == in;  // libgcrypt's in-place form is a NULL input
    if (!start(h, iv, aad) ||
        (len > 0 &&
         gcry_cipher_encrypt(h, out, len, in_place ? NULL : in, in_place ? 0 : len) != 0) ||
        gcry_cipher_gettag(h, full, sizeof(full)) != 0) {
        return failed(h);
    }
    copy_tag(tag, full, g->tag_len);
    return GALOIS_ERR_OK;
}

galois_err galois_gcry_gcm_open(struct galois_gcry_gcm *g, uint8_t *out,
                                const uint8_t iv[GALOIS_GCM_IV_LEN], const struct galois_aad *aad,
                                const uint8_t *in, size_t len, const uint8_t *tag)
{
    gcry_cipher_hd_t h = g->h;
    size_t tag_len = g->tag_len;
    uint8_t want[FULL_TAG];
    uint8_t got[FULL_TAG];
    copy_tag(want, tag, tag_len);  // `tag` may sit in the buffer being decrypted into
    bool in_place = out == in;
    if (!start(h, iv, aad) ||
        (len > 0 &&
         gcry_cipher_decrypt(h, out, len, in_place ? NULL : in, in_place ? 0 : len) != 0) ||
        gcry_cipher_gettag(h, got, sizeof(got)) != 0) {
        galois_secure_zero(out, len);
        return failed(h);
    }
    // The whole tag is computed and its first tag_len bytes compared in constant time, so the
    // 8-byte suites need no length libgcrypt's checktag might refuse.
    if (!galois_ct_equal(got, want, tag_len)) {
        galois_secure_zero(out, len);
        return GALOIS_ERR_AUTH;
    }
    return GALOIS_ERR_OK;
}
