// The Nettle half of the crypto seam: nettle.c, or nettle_none.c when galois is built without
// Nettle (GALOIS_NETTLE=OFF or no nettle-dev), which refuses everything. Used by hmac.c and
// backend.c only; nothing else in galois sees Nettle.
#ifndef GALOIS_SRC_CRYPTO_NETTLE_H
#define GALOIS_SRC_CRYPTO_NETTLE_H

#include "internal.h"

// galois_nettle_version writes "Nettle MAJOR.MINOR" (the library loaded, not the headers) or
// why there is none to `why`, and tells whether Nettle is built in. Nettle needs no set-up.
bool galois_nettle_version(char *why, size_t why_len);

// galois_nettle_hmac: one Nettle HMAC-SHA1 context keyed once; per message it restarts from
// the inner state Nettle keeps (a copy of 3 SHA-1 states, no allocation).
struct galois_nettle_hmac;
GALOIS_MUST_CHECK galois_err galois_nettle_hmac_new(struct galois_nettle_hmac **out,
                                                    const uint8_t *key, size_t key_len);
void galois_nettle_hmac_free(struct galois_nettle_hmac *h);
// galois_nettle_hmac_sha1 is galois_hmac_sha1 on Nettle.
void galois_nettle_hmac_sha1(struct galois_nettle_hmac *h, uint8_t out[GALOIS_SHA1_LEN],
                             const uint8_t *a, size_t a_len, const uint8_t *b, size_t b_len);

#endif  // GALOIS_SRC_CRYPTO_NETTLE_H
