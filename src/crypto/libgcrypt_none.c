// The libgcrypt half of the seam in a build without libgcrypt: it is never ready, so
// galois_aes_gcm_new refuses the backend before anything else here could be reached.
#include <stdio.h>

#include "libgcrypt.h"

bool galois_gcry_init(char *why, size_t why_len)
{
    snprintf(why, why_len,
             "not built: galois was configured without libgcrypt "
             "(GALOIS_LIBGCRYPT=OFF, or libgcrypt20-dev missing)");
    return false;
}

galois_err galois_gcry_gcm_new(struct galois_gcry_gcm **out, const uint8_t *key, size_t key_len,
                               size_t tag_len)
{
    (void)key;
    (void)key_len;
    (void)tag_len;
    *out = NULL;
    return GALOIS_ERR_UNSUPPORTED;
}

void galois_gcry_gcm_free(struct galois_gcry_gcm *g)
{
    (void)g;
}

galois_err galois_gcry_gcm_seal(struct galois_gcry_gcm *g, uint8_t *out, uint8_t *tag,
                                const uint8_t iv[GALOIS_GCM_IV_LEN], const struct galois_aad *aad,
                                const uint8_t *in, size_t len)
{
    (void)g;
    (void)out;
    (void)tag;
    (void)iv;
    (void)aad;
    (void)in;
    (void)len;
    return GALOIS_ERR_UNSUPPORTED;
}

galois_err galois_gcry_gcm_open(struct galois_gcry_gcm *g, uint8_t *out,
                                const uint8_t iv[GALOIS_GCM_IV_LEN], const struct galois_aad *aad,
                                const uint8_t *in, size_t len, const uint8_t *tag)
{
    (void)g;
    (void)out;
    (void)iv;
    (void)aad;
    (void)in;
    (void)len;
    (void)tag;
    return GALOIS_ERR_UNSUPPORTED;
}
