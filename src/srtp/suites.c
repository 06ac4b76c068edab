// The crypto suites galois speaks, with their sizes (RFC 4568 §6.2, RFC 6188 §2, RFC 7714 §14).
#include <string.h>

#include "internal.h"

static const struct galois_srtp_suite_info suites[GALOIS_SRTP_SUITE_COUNT_] = {
    [GALOIS_SRTP_AES_CM_128_HMAC_SHA1_80] = {"AES_CM_128_HMAC_SHA1_80", 16, 14, 10, 10, false,
                                             false},
    // The _32 suites shorten only the SRTP tag; SRTCP keeps 80 bits (RFC 4568 §6.2.2).
    [GALOIS_SRTP_AES_CM_128_HMAC_SHA1_32] = {"AES_CM_128_HMAC_SHA1_32", 16, 14, 4, 10, false,
                                             false},
    [GALOIS_SRTP_AES_192_CM_HMAC_SHA1_80] = {"AES_192_CM_HMAC_SHA1_80", 24, 14, 10, 10, false,
                                             false},
    [GALOIS_SRTP_AES_192_CM_HMAC_SHA1_32] = {"AES_192_CM_HMAC_SHA1_32", 24, 14, 4, 10, false,
                                             false},
    [GALOIS_SRTP_AES_256_CM_HMAC_SHA1_80] = {"AES_256_CM_HMAC_SHA1_80", 32, 14, 10, 10, false,
                                             false},
    [GALOIS_SRTP_AES_256_CM_HMAC_SHA1_32] = {"AES_256_CM_HMAC_SHA1_32", 32, 14, 4, 10, false,
                                             false},
    [GALOIS_SRTP_AEAD_AES_128_GCM] = {"AEAD_AES_128_GCM", 16, 12, 16, 16, true, false},
    [GALOIS_SRTP_AEAD_AES_256_GCM] = {"AEAD_AES_256_GCM", 32, 12, 16, 16, true, false},
    [GALOIS_SRTP_AEAD_AES_128_GCM_8] = {"AEAD_AES_128_GCM_8", 16, 12, 8, 8, true, false},
    [GALOIS_SRTP_AEAD_AES_256_GCM_8] = {"AEAD_AES_256_GCM_8", 32, 12, 8, 8, true, false},
    // NULL cipher suites derive keys with the AES-128 PRF as AES_CM_128 does (libsrtp's layout).
    [GALOIS_SRTP_NULL_HMAC_SHA1_80] = {"NULL_HMAC_SHA1_80", 16, 14, 10, 10, false, true},
    [GALOIS_SRTP_NULL_HMAC_SHA1_32] = {"NULL_HMAC_SHA1_32", 16, 14, 4, 10, false, true},
};

const struct galois_srtp_suite_info *galois_srtp_suite_get_info(enum galois_srtp_suite suite)
{
    if ((size_t)suite >= GALOIS_ARRAY_LEN(suites) || suites[suite].name == NULL) {
        return NULL;
    }
    return &suites[suite];
}

enum galois_srtp_suite galois_srtp_suite_from_name(const char *name, size_t name_len)
{
    if (name == NULL) {
        return GALOIS_SRTP_SUITE_NONE;
    }
    for (size_t i = 0; i < GALOIS_ARRAY_LEN(suites); i++) {
        if (suites[i].name != NULL && strlen(suites[i].name) == name_len &&
            memcmp(suites[i].name, name, name_len) == 0) {
            return (enum galois_srtp_suite)i;
        }
    }
    return GALOIS_SRTP_SUITE_NONE;
}
