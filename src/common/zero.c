// Secure zeroing: OPENSSL_cleanse cannot be optimised away.
#include <openssl/crypto.h>

#include "internal.h"

void galois_secure_zero(void *p, size_t len)
{
    if (p != NULL && len > 0) {
        OPENSSL_cleanse(p, len);
    }
}
