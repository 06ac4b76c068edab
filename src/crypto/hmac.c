// HMAC-SHA1 (RFC 2104) behind the seam: on Nettle (nettle.c) where that backend is chosen, else
// on OpenSSL digests from precomputed inner and outer states. The per-message call branches
// once on which.
//
// OpenSSL:
// The key's ipad and opad blocks are hashed once, in _new; each message then starts from a copy
// of those states. On OpenSSL 3.0 this is the fastest EVP way measured here (EVP_MAC re-init
// copies the same states internally and adds parameter handling; re-hashing the pads costs two
// extra compressions). The copy makes OpenSSL 3.0 duplicate its provider context, which
// allocates inside libcrypto; galois itself allocates nothing per message. Nettle copies the
// same states with memcpy and allocates nothing. See docs/ENGINE.md.
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <string.h>

#include "../common/internal.h"
#include "internal.h"
#include "nettle.h"

enum { SHA1_BLOCK = 64 };

struct galois_hmac_sha1 {
    struct galois_nettle_hmac *nettle;  // owned; the Nettle backend, else NULL
    EVP_MD_CTX *inner;                  // owned: SHA-1 state after (key XOR ipad)
    EVP_MD_CTX *outer;                  // owned: SHA-1 state after (key XOR opad)
    EVP_MD_CTX *work;                   // owned: per-message scratch state
};

static galois_err evp_new(struct galois_hmac_sha1 **out, const uint8_t *key, size_t key_len);

galois_err galois_hmac_sha1_new(struct galois_hmac_sha1 **out, enum galois_crypto_backend backend,
                                const uint8_t *key, size_t key_len)
{
    *out = NULL;
    if (backend == GALOIS_CRYPTO_OPENSSL) {
        return evp_new(out, key, key_len);
    }
    if (backend != GALOIS_CRYPTO_NETTLE) {
        return GALOIS_ERR_INVALID;
    }
    if (!galois_crypto_backend_ready(backend, NULL, 0)) {
        return GALOIS_ERR_UNSUPPORTED;
    }
    struct galois_hmac_sha1 *h = calloc(1, sizeof(*h));
    if (h == NULL) {
        return GALOIS_ERR_NOMEM;
    }
    galois_err err = galois_nettle_hmac_new(&h->nettle, key, key_len);
    if (err != GALOIS_ERR_OK) {
        free(h);
        return err;
    }
    *out = h;
    return GALOIS_ERR_OK;
}

static galois_err evp_new(struct galois_hmac_sha1 **out, const uint8_t *key, size_t key_len)
{
    uint8_t hashed[GALOIS_SHA1_LEN];
    if (key_len > SHA1_BLOCK) {
        // RFC 2104 §2: a key longer than the block is replaced by its hash. (SRTP's keys are
        // 20 bytes; this keeps the primitive a complete HMAC.)
        unsigned int n = 0;
        ERR_set_mark();
        if (EVP_Digest(key, key_len, hashed, &n, EVP_sha1(), NULL) != 1) {
            ERR_pop_to_mark();
            return GALOIS_ERR_CRYPTO;
        }
        ERR_clear_last_mark();
        key = hashed;
        key_len = n;
    }
    struct galois_hmac_sha1 *h = calloc(1, sizeof(*h));
    if (h == NULL) {
        galois_secure_zero(hashed, sizeof(hashed));
        return GALOIS_ERR_NOMEM;
    }
    uint8_t ipad[SHA1_BLOCK];
    uint8_t opad[SHA1_BLOCK];
    memset(ipad, 0x36, sizeof(ipad));
    memset(opad, 0x5c, sizeof(opad));
    for (size_t i = 0; i < key_len; i++) {
        ipad[i] ^= key[i];
        opad[i] ^= key[i];
    }
    galois_err err = GALOIS_ERR_OK;
    ERR_set_mark();
    EVP_MD *md = EVP_MD_fetch(NULL, "SHA1", NULL);
    h->inner = EVP_MD_CTX_new();
    h->outer = EVP_MD_CTX_new();
    h->work = EVP_MD_CTX_new();
    if (md == NULL || h->inner == NULL || h->outer == NULL || h->work == NULL ||
        EVP_DigestInit_ex2(h->inner, md, NULL) != 1 ||
        EVP_DigestUpdate(h->inner, ipad, sizeof(ipad)) != 1 ||
        EVP_DigestInit_ex2(h->outer, md, NULL) != 1 ||
        EVP_DigestUpdate(h->outer, opad, sizeof(opad)) != 1 ||
        EVP_DigestInit_ex2(h->work, md, NULL) != 1) {
        ERR_pop_to_mark();
        err = GALOIS_ERR_CRYPTO;
    } else {
        ERR_clear_last_mark();
    }
    EVP_MD_free(md);
    galois_secure_zero(ipad, sizeof(ipad));
    galois_secure_zero(opad, sizeof(opad));
    galois_secure_zero(hashed, sizeof(hashed));
    if (err != GALOIS_ERR_OK) {
        galois_hmac_sha1_free(h);
        return err;
    }
    *out = h;
    return GALOIS_ERR_OK;
}

void galois_hmac_sha1_free(struct galois_hmac_sha1 *h)
{
    if (h == NULL) {
        return;
    }
    galois_nettle_hmac_free(h->nettle);
    EVP_MD_CTX_free(h->inner);  // OpenSSL cleanses the digest states
    EVP_MD_CTX_free(h->outer);
    EVP_MD_CTX_free(h->work);
    free(h);
}

galois_err galois_hmac_sha1(struct galois_hmac_sha1 *h, uint8_t out[GALOIS_SHA1_LEN],
                            const uint8_t *a, size_t a_len, const uint8_t *b, size_t b_len)
{
    if (h->nettle != NULL) {
        galois_nettle_hmac_sha1(h->nettle, out, a, a_len, b, b_len);
        return GALOIS_ERR_OK;
    }
    unsigned int n = 0;
    uint8_t inner[GALOIS_SHA1_LEN];
    galois_err err = GALOIS_ERR_OK;
    if (EVP_MD_CTX_copy_ex(h->work, h->inner) != 1 || EVP_DigestUpdate(h->work, a, a_len) != 1 ||
        (b_len > 0 && EVP_DigestUpdate(h->work, b, b_len) != 1) ||
        EVP_DigestFinal_ex(h->work, inner, &n) != 1 || n != GALOIS_SHA1_LEN ||
        EVP_MD_CTX_copy_ex(h->work, h->outer) != 1 ||
        EVP_DigestUpdate(h->work, inner, sizeof(inner)) != 1 ||
        EVP_DigestFinal_ex(h->work, out, &n) != 1 || n != GALOIS_SHA1_LEN) {
        err = GALOIS_ERR_CRYPTO;
    }
    galois_secure_zero(inner, sizeof(inner));
    return err;
}

galois_err galois_random_bytes(uint8_t *out, size_t len)
{
    if (len > INT32_MAX) {
        return GALOIS_ERR_INVALID;
    }
    ERR_set_mark();
    if (RAND_bytes(out, (int)len) != 1) {
        ERR_pop_to_mark();
        return GALOIS_ERR_CRYPTO;
    }
    ERR_clear_last_mark();
    return GALOIS_ERR_OK;
}
