// HMAC-SHA1 on Nettle: the context is keyed once (hmac_sha1_set_key hashes the ipad and opad
// blocks); hmac_sha1_digest finishes a message and puts the inner state back by memcpy, so the
// per-packet path is two updates and a digest, with no allocation and no library dispatch
// beyond Nettle's own choice of SHA-1 compression (SHA-NI where the CPU has it, since 3.8).
#include "nettle.h"

#include <nettle/hmac.h>
#include <nettle/version.h>
#include <stdio.h>

#include "../common/internal.h"

struct galois_nettle_hmac {
    struct hmac_sha1_ctx ctx;  // the outer, inner and running SHA-1 states; wiped on free
};

bool galois_nettle_version(char *why, size_t why_len)
{
    snprintf(why, why_len, "Nettle %d.%d", nettle_version_major(), nettle_version_minor());
    return true;
}

galois_err galois_nettle_hmac_new(struct galois_nettle_hmac **out, const uint8_t *key,
                                  size_t key_len)
{
    *out = NULL;
    struct galois_nettle_hmac *h = calloc(1, sizeof(*h));
    if (h == NULL) {
        return GALOIS_ERR_NOMEM;
    }
    // RFC 2104 §2 (a key longer than the block is hashed first) is Nettle's too.
    hmac_sha1_set_key(&h->ctx, key_len, key);
    *out = h;
    return GALOIS_ERR_OK;
}

void galois_nettle_hmac_free(struct galois_nettle_hmac *h)
{
    if (h == NULL) {
        return;
    }
    galois_secure_zero(h, sizeof(*h));
    free(h);
}

void galois_nettle_hmac_sha1(struct galois_nettle_hmac *h, uint8_t out[GALOIS_SHA1_LEN],
                             const uint8_t *a, size_t a_len, const uint8_t *b, size_t b_len)
{
    hmac_sha1_update(&h->ctx, a_len, a);
    if (b_len > 0) {
        hmac_sha1_update(&h->ctx, b_len, b);
    }
    hmac_sha1_digest(&h->ctx, GALOIS_SHA1_LEN, out);
}
