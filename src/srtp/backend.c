// Which crypto backend serves a session: the policy's choice resolved against what this
// process can use (src/crypto/backend.c keeps that verdict) and, for HMAC-SHA1, the CPU
// (src/crypto/cpu.c).
#include <stdio.h>

#include "session.h"

galois_err galois_srtp_choose_backend(enum galois_crypto_backend *out,
                                      enum galois_srtp_backend asked,
                                      const struct galois_srtp_suite_info *info)
{
    switch (asked) {
        case GALOIS_SRTP_BACKEND_DEFAULT:
            // Only an AES-GCM session asks about libgcrypt and only an HMAC-SHA1 one about
            // Nettle, so each library is touched only by the suites it serves. Nettle's HMAC-SHA1
            // is faster than OpenSSL's only where its SHA-1 runs on SHA-NI (src/crypto/cpu.c):
            // without, Nettle is not even asked.
            if (info->aead) {
                *out = galois_crypto_backend_ready(GALOIS_CRYPTO_LIBGCRYPT, NULL, 0)
                           ? GALOIS_CRYPTO_LIBGCRYPT
                           : GALOIS_CRYPTO_OPENSSL;
            } else {
                *out = galois_crypto_sha_ni(NULL, 0) &&
                               galois_crypto_backend_ready(GALOIS_CRYPTO_NETTLE, NULL, 0)
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

// default_status writes the DEFAULT line: "AES-GCM suites on libgcrypt ...; HMAC-SHA1 on
// Nettle ..., this CPU has SHA-NI; the rest on OpenSSL ...", less what is not used, with why at
// the end ("; Nettle not used by default: this CPU has no SHA-NI, ..."). The status asks every
// library, so the line also says when a library not used would fail its checks.
static void default_status(char *why, size_t why_len, const char *ossl)
{
    char gcry[256];
    char nettle[256];
    char sha_ni_why[160];
    bool gcry_ok = galois_crypto_backend_ready(GALOIS_CRYPTO_LIBGCRYPT, gcry, sizeof(gcry));
    bool nettle_ok = galois_crypto_backend_ready(GALOIS_CRYPTO_NETTLE, nettle, sizeof(nettle));
    bool sha_ni = galois_crypto_sha_ni(sha_ni_why, sizeof(sha_ni_why));
    char gcry_used[300] = "";
    char gcry_unused[300] = "";
    char nettle_used[450] = "";
    char nettle_unused[600] = "";
    if (gcry_ok) {
        snprintf(gcry_used, sizeof(gcry_used), "AES-GCM suites on %s; ", gcry);
    } else {
        snprintf(gcry_unused, sizeof(gcry_unused), "; libgcrypt not used: %s", gcry);
    }
    if (!nettle_ok) {
        snprintf(nettle_unused, sizeof(nettle_unused), "; Nettle not used: %s", nettle);
    } else if (!sha_ni) {
        snprintf(nettle_unused, sizeof(nettle_unused),
                 "; Nettle not used by default: %s, and without SHA-NI Nettle's SHA-1 is "
                 "slower than OpenSSL's (%s; GALOIS_SRTP_BACKEND_NETTLE still selects it)",
                 sha_ni_why, nettle);
    } else {
        snprintf(nettle_used, sizeof(nettle_used), "HMAC-SHA1 on %s, %s; ", nettle, sha_ni_why);
    }
    bool any = gcry_ok || (nettle_ok && sha_ni);
    snprintf(why, why_len, "%s%s%s%s%s%s", gcry_used, nettle_used,
             any ? "the rest on " : "every suite on ", ossl, gcry_unused, nettle_unused);
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
        case GALOIS_SRTP_BACKEND_DEFAULT:
            if (why != NULL && why_len > 0) {
                default_status(why, why_len, ossl);
            }
            return GALOIS_ERR_OK;
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
