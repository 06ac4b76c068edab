// HMAC-SHA1 on OpenSSL EVP_MAC, one reused context re-initialised per message.
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include "../common/internal.h"
#include "internal.h"

struct galois_hmac_sha1 {
    EVP_MAC_CTX *ctx;  // owned; keyed once, re-initialised without a key per message
};

galois_err galois_hmac_sha1_new(struct galois_hmac_sha1 **out, const uint8_t *key, size_t key_len)
{
    *out = NULL;
    struct galois_hmac_sha1 *h = calloc(1, sizeof(*h));
    if (h == NULL) {
        return GALOIS_ERR_NOMEM;
    }
    ERR_set_mark();
    EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
    char digest[] = "SHA1";
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
        OSSL_PARAM_construct_end(),
    };
    h->ctx = mac == NULL ? NULL : EVP_MAC_CTX_new(mac);
    EVP_MAC_free(mac);
    if (h->ctx == NULL || EVP_MAC_init(h->ctx, key, key_len, params) != 1) {
        ERR_pop_to_mark();
        galois_hmac_sha1_free(h);
        return GALOIS_ERR_CRYPTO;
    }
    ERR_clear_last_mark();
    *out = h;
    return GALOIS_ERR_OK;
}

void galois_hmac_sha1_free(struct galois_hmac_sha1 *h)
{
    if (h == NULL) {
        return;
    }
    EVP_MAC_CTX_free(h->ctx);  // OpenSSL cleanses the key state
    free(h);
}

galois_err galois_hmac_sha1(struct galois_hmac_sha1 *h, uint8_t out[GALOIS_SHA1_LEN],
                            const uint8_t *a, size_t a_len, const uint8_t *b, size_t b_len)
{
    size_t n = 0;
    if (EVP_MAC_init(h->ctx, NULL, 0, NULL) != 1 || EVP_MAC_update(h->ctx, a, a_len) != 1 ||
        (b_len > 0 && EVP_MAC_update(h->ctx, b, b_len) != 1) ||
        EVP_MAC_final(h->ctx, out, &n, GALOIS_SHA1_LEN) != 1 || n != GALOIS_SHA1_LEN) {
        return GALOIS_ERR_CRYPTO;
    }
    return GALOIS_ERR_OK;
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
