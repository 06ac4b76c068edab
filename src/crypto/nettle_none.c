// The Nettle half of the seam in a build without Nettle: it is never ready, so
// galois_hmac_sha1_new refuses the backend before anything else here could be reached.
#include <stdio.h>
#include <string.h>

#include "nettle.h"

bool galois_nettle_version(char *why, size_t why_len)
{
    snprintf(why, why_len,
             "not built: galois was configured without Nettle "
             "(GALOIS_NETTLE=OFF, or nettle-dev missing)");
    return false;
}

galois_err galois_nettle_hmac_new(struct galois_nettle_hmac **out, const uint8_t *key,
                                  size_t key_len)
{
    (void)key;
    (void)key_len;
    *out = NULL;
    return GALOIS_ERR_UNSUPPORTED;
}

void galois_nettle_hmac_free(struct galois_nettle_hmac *h)
{
    (void)h;
}

void galois_nettle_hmac_sha1(struct galois_nettle_hmac *h, uint8_t out[GALOIS_SHA1_LEN],
                             const uint8_t *a, size_t a_len, const uint8_t *b, size_t b_len)
{
    (void)h;
    (void)a;
    (void)a_len;
    (void)b;
    (void)b_len;
    memset(out, 0, GALOIS_SHA1_LEN);
}
