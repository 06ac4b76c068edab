// AES-GCM behind the seam: one reused context per key, on OpenSSL EVP or on libgcrypt
// (libgcrypt.c), chosen when the object is made. The per-packet calls branch once on which and
// jump to that backend's function (same arguments, so no frame of their own).
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <string.h>

#include "../common/internal.h"
#include "internal.h"
#include "libgcrypt.h"

struct galois_aes_gcm {
    EVP_CIPHER_CTX *ctx;           // owned; the OpenSSL backend, else NULL
    struct galois_gcry_gcm *gcry;  // owned; the libgcrypt backend, else NULL
    size_t tag_len;
};

static const char *gcm_name(size_t key_len)
{
    switch (key_len) {
        case 16:
            return "AES-128-GCM";
        case 32:
            return "AES-256-GCM";
        default:
            return NULL;
    }
}

// new_evp fetches AES-GCM for `key_len` and makes a context keyed with `key`.
static EVP_CIPHER_CTX *new_evp(const uint8_t *key, size_t key_len)
{
    EVP_CIPHER *cipher = EVP_CIPHER_fetch(NULL, gcm_name(key_len), NULL);
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    if (cipher == NULL || ctx == NULL || EVP_EncryptInit_ex2(ctx, cipher, key, NULL, NULL) != 1) {
        EVP_CIPHER_CTX_free(ctx);
        ctx = NULL;
    }
    EVP_CIPHER_free(cipher);  // the context keeps its own reference
    return ctx;
}

galois_err galois_aes_gcm_new(struct galois_aes_gcm **out, enum galois_crypto_backend backend,
                              const uint8_t *key, size_t key_len, size_t tag_len)
{
    *out = NULL;
    if (gcm_name(key_len) == NULL || tag_len < 8 || tag_len > 16 ||
        (backend != GALOIS_CRYPTO_OPENSSL && backend != GALOIS_CRYPTO_LIBGCRYPT)) {
        return GALOIS_ERR_INVALID;
    }
    if (backend == GALOIS_CRYPTO_LIBGCRYPT && !galois_crypto_backend_ready(backend, NULL, 0)) {
        return GALOIS_ERR_UNSUPPORTED;
    }
    struct galois_aes_gcm *g = calloc(1, sizeof(*g));
    if (g == NULL) {
        return GALOIS_ERR_NOMEM;
    }
    g->tag_len = tag_len;
    galois_err err = GALOIS_ERR_OK;
    if (backend == GALOIS_CRYPTO_LIBGCRYPT) {
        err = galois_gcry_gcm_new(&g->gcry, key, key_len, tag_len);
    } else {
        ERR_set_mark();
        g->ctx = new_evp(key, key_len);
        if (g->ctx == NULL) {
            ERR_pop_to_mark();
            err = GALOIS_ERR_CRYPTO;
        } else {
            ERR_clear_last_mark();
        }
    }
    if (err != GALOIS_ERR_OK) {
        galois_aes_gcm_free(g);
        return err;
    }
    *out = g;
    return GALOIS_ERR_OK;
}

void galois_aes_gcm_free(struct galois_aes_gcm *gcm)
{
    if (gcm == NULL) {
        return;
    }
    EVP_CIPHER_CTX_free(gcm->ctx);  // both libraries wipe their key schedules
    galois_gcry_gcm_free(gcm->gcry);
    free(gcm);
}

// add_aad feeds both pieces of `aad` to a GCM context after its IV is set.
static bool add_aad(EVP_CIPHER_CTX *ctx, const struct galois_aad *aad)
{
    int n = 0;
    return aad->a_len <= INT32_MAX && aad->b_len <= INT32_MAX &&
           EVP_CipherUpdate(ctx, NULL, &n, aad->a, (int)aad->a_len) == 1 &&
           (aad->b_len == 0 || EVP_CipherUpdate(ctx, NULL, &n, aad->b, (int)aad->b_len) == 1);
}

// tag_param gets or sets the GCM tag through the parameter interface directly, which skips
// the translation a ctrl call goes through on OpenSSL 3.
static bool tag_param(EVP_CIPHER_CTX *ctx, uint8_t *tag, size_t tag_len, bool set)
{
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_octet_string(OSSL_CIPHER_PARAM_AEAD_TAG, tag, tag_len),
        OSSL_PARAM_construct_end(),
    };
    return set ? EVP_CIPHER_CTX_set_params(ctx, params) == 1
               : EVP_CIPHER_CTX_get_params(ctx, params) == 1;
}

// evp_seal and evp_open are the OpenSSL halves of galois_aes_gcm_seal and _open. They are kept
// out of line so that the libgcrypt path does not pay for their frame and stack canary.
__attribute__((noinline)) static galois_err evp_seal(struct galois_aes_gcm *gcm, uint8_t *out,
                                                     uint8_t *tag,
                                                     const uint8_t iv[GALOIS_GCM_IV_LEN],
                                                     const struct galois_aad *aad,
                                                     const uint8_t *in, size_t len)
{
    EVP_CIPHER_CTX *ctx = gcm->ctx;
    int n = 0;
    if (len > INT32_MAX || EVP_EncryptInit_ex2(ctx, NULL, NULL, iv, NULL) != 1 ||
        !add_aad(ctx, aad) || (len > 0 && EVP_EncryptUpdate(ctx, out, &n, in, (int)len) != 1) ||
        EVP_EncryptFinal_ex(ctx, out + len, &n) != 1 || !tag_param(ctx, tag, gcm->tag_len, false)) {
        return GALOIS_ERR_CRYPTO;
    }
    return GALOIS_ERR_OK;
}

__attribute__((noinline)) static galois_err evp_open(struct galois_aes_gcm *gcm, uint8_t *out,
                                                     const uint8_t iv[GALOIS_GCM_IV_LEN],
                                                     const struct galois_aad *aad,
                                                     const uint8_t *in, size_t len,
                                                     const uint8_t *tag)
{
    EVP_CIPHER_CTX *ctx = gcm->ctx;
    uint8_t tag_copy[16];
    memcpy(tag_copy, tag, gcm->tag_len);  // `tag` may sit in the buffer being decrypted into
    int n = 0;
    if (len > INT32_MAX || EVP_DecryptInit_ex2(ctx, NULL, NULL, iv, NULL) != 1 ||
        !add_aad(ctx, aad) || (len > 0 && EVP_DecryptUpdate(ctx, out, &n, in, (int)len) != 1) ||
        !tag_param(ctx, tag_copy, gcm->tag_len, true)) {
        return GALOIS_ERR_CRYPTO;
    }
    // OpenSSL compares the tag with CRYPTO_memcmp inside the final call, and a mismatch leaves
    // its error queue untouched (checked by the unit tests).
    if (EVP_DecryptFinal_ex(ctx, out + len, &n) != 1) {
        galois_secure_zero(out, len);
        return GALOIS_ERR_AUTH;
    }
    return GALOIS_ERR_OK;
}

galois_err galois_aes_gcm_seal(struct galois_aes_gcm *gcm, uint8_t *out, uint8_t *tag,
                               const uint8_t iv[GALOIS_GCM_IV_LEN], const struct galois_aad *aad,
                               const uint8_t *in, size_t len)
{
    if (gcm->gcry != NULL) {
        return galois_gcry_gcm_seal(gcm->gcry, out, tag, iv, aad, in, len);
    }
    return evp_seal(gcm, out, tag, iv, aad, in, len);
}

galois_err galois_aes_gcm_open(struct galois_aes_gcm *gcm, uint8_t *out,
                               const uint8_t iv[GALOIS_GCM_IV_LEN], const struct galois_aad *aad,
                               const uint8_t *in, size_t len, const uint8_t *tag)
{
    if (gcm->gcry != NULL) {
        return galois_gcry_gcm_open(gcm->gcry, out, iv, aad, in, len, tag);
    }
    return evp_open(gcm, out, iv, aad, in, len, tag);
}
