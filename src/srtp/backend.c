// Which crypto backend serves a session: the policy's choice resolved against what this
// process can use (src/crypto/backend.c keeps that verdict).
#include <stdio.h>

#include "session.h"

galois_err galois_srtp_choose_backend(enum galois_crypto_backend *out,
                                      enum galois_srtp_backend asked,
                                      const struct galois_srtp_suite_info *info)
{
    switch (asked) {
        case GALOIS_SRTP_BACKEND_DEFAULT:
            // Only an AES-GCM session asks about libgcrypt, so the others never touch it.
            *out = info->aead && galois_crypto_backend_ready(GALOIS_CRYPTO_LIBGCRYPT, NULL, 0)
                       ? GALOIS_CRYPTO_LIBGCRYPT
                       : GALOIS_CRYPTO_OPENSSL;
            return GALOIS_ERR_OK;
        case GALOIS_SRTP_BACKEND_OPENSSL:
            *out = GALOIS_CRYPTO_OPENSSL;
            return GALOIS_ERR_OK;
        case GALOIS_SRTP_BACKEND_LIBGCRYPT:
            if (!info->aead || !galois_crypto_backend_ready(GALOIS_CRYPTO_LIBGCRYPT, NULL, 0)) {
                return GALOIS_ERR_UNSUPPORTED;
            }
            *out = GALOIS_CRYPTO_LIBGCRYPT;
            return GALOIS_ERR_OK;
        default:
            return GALOIS_ERR_INVALID;
    }
}

galois_err galois_srtp_backend_status(enum galois_srtp_backend backend, char *why, size_t why_len)
{
    char ossl[128];
    char gcry[256];
    const char *text = "no such backend";
    galois_err err = GALOIS_ERR_INVALID;
    galois_crypto_backend_ready(GALOIS_CRYPTO_OPENSSL, ossl, sizeof(ossl));
    switch (backend) {
        case GALOIS_SRTP_BACKEND_DEFAULT: {
            bool gcry_ok = galois_crypto_backend_ready(GALOIS_CRYPTO_LIBGCRYPT, gcry, sizeof(gcry));
            if (why != NULL && why_len > 0 && gcry_ok) {
                snprintf(why, why_len, "AES-GCM suites on %s; other suites on %s", gcry, ossl);
            } else if (why != NULL && why_len > 0) {
                snprintf(why, why_len, "every suite on %s; libgcrypt not used: %s", ossl, gcry);
            }
            return GALOIS_ERR_OK;
        }
        case GALOIS_SRTP_BACKEND_OPENSSL:
            text = ossl;
            err = GALOIS_ERR_OK;
            break;
        case GALOIS_SRTP_BACKEND_LIBGCRYPT:
            err = galois_crypto_backend_ready(GALOIS_CRYPTO_LIBGCRYPT, gcry, sizeof(gcry))
                      ? GALOIS_ERR_OK
                      : GALOIS_ERR_UNSUPPORTED;
            text = gcry;
            break;
        default:
            break;
    }
    if (why != NULL && why_len > 0) {
        snprintf(why, why_len, "%s", text);
    }
    return err;
}

enum galois_srtp_backend galois_srtp_backend_used(const struct galois_srtp *srtp)
{
    return srtp->backend == GALOIS_CRYPTO_LIBGCRYPT ? GALOIS_SRTP_BACKEND_LIBGCRYPT
                                                    : GALOIS_SRTP_BACKEND_OPENSSL;
}
