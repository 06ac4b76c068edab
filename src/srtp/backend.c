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
            // Only an AES-GCM session asks about libgcrypt and only an HMAC-SHA1 one about
            // Nettle, so each library is touched only by the suites it serves.
            if (info->aead) {
                *out = galois_crypto_backend_ready(GALOIS_CRYPTO_LIBGCRYPT, NULL, 0)
                           ? GALOIS_CRYPTO_LIBGCRYPT
                           : GALOIS_CRYPTO_OPENSSL;
            } else {
                *out = galois_crypto_backend_ready(GALOIS_CRYPTO_NETTLE, NULL, 0)
                           ? GALOIS_CRYPTO_NETTLE
                           : GALOIS_CRYPTO_OPENSSL;
            }
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
        case GALOIS_SRTP_BACKEND_NETTLE:
            if (info->aead || !galois_crypto_backend_ready(GALOIS_CRYPTO_NETTLE, NULL, 0)) {
                return GALOIS_ERR_UNSUPPORTED;
            }
            *out = GALOIS_CRYPTO_NETTLE;
            return GALOIS_ERR_OK;
        default:
            return GALOIS_ERR_INVALID;
    }
}

galois_err galois_srtp_backend_status(enum galois_srtp_backend backend, char *why, size_t why_len)
{
    char ossl[128];
    char gcry[256];
    char nettle[256];
    const char *text = "no such backend";
    galois_err err = GALOIS_ERR_INVALID;
    galois_crypto_backend_ready(GALOIS_CRYPTO_OPENSSL, ossl, sizeof(ossl));
    switch (backend) {
        case GALOIS_SRTP_BACKEND_DEFAULT: {
            bool gcry_ok = galois_crypto_backend_ready(GALOIS_CRYPTO_LIBGCRYPT, gcry, sizeof(gcry));
            bool nettle_ok =
                galois_crypto_backend_ready(GALOIS_CRYPTO_NETTLE, nettle, sizeof(nettle));
            if (why != NULL && why_len > 0) {
                // "AES-GCM suites on libgcrypt ...; HMAC-SHA1 on Nettle ...; the rest on
                // OpenSSL ...", less what is not used, with why at the end.
                char used[640];
                char unused[640];
                snprintf(used, sizeof(used), "%s%s%s%s%s%s", gcry_ok ? "AES-GCM suites on " : "",
                         gcry_ok ? gcry : "", gcry_ok ? "; " : "", nettle_ok ? "HMAC-SHA1 on " : "",
                         nettle_ok ? nettle : "", nettle_ok ? "; " : "");
                snprintf(unused, sizeof(unused), "%s%s%s%s",
                         gcry_ok ? "" : "; libgcrypt not used: ", gcry_ok ? "" : gcry,
                         nettle_ok ? "" : "; Nettle not used: ", nettle_ok ? "" : nettle);
                snprintf(why, why_len, "%s%s%s%s", used,
                         gcry_ok || nettle_ok ? "the rest on " : "every suite on ", ossl, unused);
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
        case GALOIS_SRTP_BACKEND_NETTLE:
            err = galois_crypto_backend_ready(GALOIS_CRYPTO_NETTLE, nettle, sizeof(nettle))
                      ? GALOIS_ERR_OK
                      : GALOIS_ERR_UNSUPPORTED;
            text = nettle;
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
    switch (srtp->backend) {
        case GALOIS_CRYPTO_LIBGCRYPT:
            return GALOIS_SRTP_BACKEND_LIBGCRYPT;
        case GALOIS_CRYPTO_NETTLE:
            return GALOIS_SRTP_BACKEND_NETTLE;
        case GALOIS_CRYPTO_OPENSSL:
        default:
            return GALOIS_SRTP_BACKEND_OPENSSL;
    }
}
