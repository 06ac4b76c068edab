// HMAC-SHA256 (RFC 2104) on OpenSSL, for STUN's MESSAGE-INTEGRITY-SHA256 (RFC 8489 §14.6). The
// key is set once, in _new: EVP_MAC then holds the inner and outer SHA-256 states made from it,
// and each message re-initialises the context without a key (which starts again from those
// states) instead of hashing the pads anew. No SRTP profile uses SHA-256, so there is no Nettle
// path and no per-packet tuning here; galois allocates nothing per message (OpenSSL 3.0 copies
// a digest context inside EVP_MAC_init, as for HMAC-SHA1 in hmac.c).
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "../common/internal.h"
#include "internal.h"

struct galois_hmac_sha256 {
    EVP_MAC_CTX *ctx;  // owned: HMAC with SHA-256 and the key; OpenSSL cleanses it on free
};

galois_err galois_hmac_sha256_new(struct galois_hmac_sha256 **out, const uint8_t *key,
                                  size_t key_len)
{
    *out = NULL;
    if (key == NULL || key_len == 0) {
        return GALOIS_ERR_INVALID;
    }
    struct galois_hmac_sha256 *h = calloc(1, sizeof(*h));
    if (h == NULL) {
        return GALOIS_ERR_NOMEM;
    }
    char digest[] = "SHA256";
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
        OSSL_PARAM_construct_end(),
    };
    galois_err err = GALOIS_ERR_OK;
    ERR_set_mark();
    EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
    h->ctx = mac == NULL ? NULL : EVP_MAC_CTX_new(mac);
    if (h->ctx == NULL || EVP_MAC_init(h->ctx, key, key_len, params) != 1 ||
        EVP_MAC_CTX_get_mac_size(h->ctx) != GALOIS_SHA256_LEN) {
        ERR_pop_to_mark();
        err = GALOIS_ERR_CRYPTO;
    } else {
        ERR_clear_last_mark();
    }
    EVP_MAC_free(mac);  // the context keeps its own reference
    if (err != GALOIS_ERR_OK) {
        galois_hmac_sha256_free(h);
        return err;
    }
    *out = h;
    return GALOIS_ERR_OK;
}

void galois_hmac_sha256_free(struct galois_hmac_sha256 *h)
{
    if (h == NULL) {
        return;
    }
    EVP_MAC_CTX_free(h->ctx);
    free(h);
}

galois_err galois_hmac_sha256(struct galois_hmac_sha256 *h, uint8_t out[GALOIS_SHA256_LEN],
                              const uint8_t *a, size_t a_len, const uint8_t *b, size_t b_len)
{
    size_t n = 0;
    galois_err err = GALOIS_ERR_OK;
    ERR_set_mark();
    // A NULL key keeps the key given in _new and restarts from its precomputed states.
    if (EVP_MAC_init(h->ctx, NULL, 0, NULL) != 1 || EVP_MAC_update(h->ctx, a, a_len) != 1 ||
        (b_len > 0 && EVP_MAC_update(h->ctx, b, b_len) != 1) ||
        EVP_MAC_final(h->ctx, out, &n, GALOIS_SHA256_LEN) != 1 || n != GALOIS_SHA256_LEN) {
        ERR_pop_to_mark();
        err = GALOIS_ERR_CRYPTO;
    } else {
        ERR_clear_last_mark();
    }
    return err;
}
