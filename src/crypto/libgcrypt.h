// The libgcrypt half of the crypto seam: libgcrypt.c, or libgcrypt_none.c when galois is built
// without libgcrypt (GALOIS_LIBGCRYPT=OFF or no libgcrypt20-dev), which refuses everything.
// Used by gcm.c and backend.c only; nothing else in galois sees libgcrypt.
#ifndef GALOIS_SRC_CRYPTO_LIBGCRYPT_H
#define GALOIS_SRC_CRYPTO_LIBGCRYPT_H

#include "internal.h"

// galois_gcry_init makes libgcrypt ready for use and tells whether it can serve AES-GCM: it
// initialises libgcrypt only if the application has not (the least libgcrypt asks of a user:
// gcry_check_version, then GCRYCTL_INITIALIZATION_FINISHED; no other setting is touched), and
// refuses an older libgcrypt than galois needs and FIPS mode (where libgcrypt rejects GCM
// encryption under a caller's IV). Writes "libgcrypt VERSION" or the reason to `why`. Called
// once per process, by backend.c.
bool galois_gcry_init(char *why, size_t why_len);

// galois_gcry_gcm: one libgcrypt AES-GCM handle under a fixed key (16 or 32 bytes) and tag
// length (8..16 bytes).
struct galois_gcry_gcm;
GALOIS_MUST_CHECK galois_err galois_gcry_gcm_new(struct galois_gcry_gcm **out, const uint8_t *key,
                                                 size_t key_len, size_t tag_len);
void galois_gcry_gcm_free(struct galois_gcry_gcm *g);
// galois_gcry_gcm_seal and _open are galois_aes_gcm_seal and _open. They take the same
// arguments in the same order, so gcm.c's dispatch to them compiles to a jump.
GALOIS_MUST_CHECK galois_err galois_gcry_gcm_seal(struct galois_gcry_gcm *g, uint8_t *out,
                                                  uint8_t *tag, const uint8_t iv[GALOIS_GCM_IV_LEN],
                                                  const struct galois_aad *aad, const uint8_t *in,
                                                  size_t len);
GALOIS_MUST_CHECK galois_err galois_gcry_gcm_open(struct galois_gcry_gcm *g, uint8_t *out,
                                                  const uint8_t iv[GALOIS_GCM_IV_LEN],
                                                  const struct galois_aad *aad, const uint8_t *in,
                                                  size_t len, const uint8_t *tag);

#endif  // GALOIS_SRC_CRYPTO_LIBGCRYPT_H
