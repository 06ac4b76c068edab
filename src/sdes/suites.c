// Crypto-suite names: the standard ones the engine knows, and the aliases seen in the field
// (sources in docs/SDES.md). Matching is on the whole name, ASCII case ignored (ABNF literal
// strings, RFC 5234 §2.3), never on a prefix or a substring.
#include <string.h>

#include "internal.h"

static const struct sdes_name extra_names[] = {
    // RFC 6188 as drafted (draft-ietf-avt-srtp-big-aes): FreeSWITCH's documented names
    // (switch_core_media.c, SUITES alias column), Asterisk's res_srtp "old name", OPAL,
    // mediastreamer2 (linphone).
    {"AES_CM_192_HMAC_SHA1_80", GALOIS_SRTP_AES_192_CM_HMAC_SHA1_80, 0},
    {"AES_CM_192_HMAC_SHA1_32", GALOIS_SRTP_AES_192_CM_HMAC_SHA1_32, 0},
    {"AES_CM_256_HMAC_SHA1_80", GALOIS_SRTP_AES_256_CM_HMAC_SHA1_80, 0},
    {"AES_CM_256_HMAC_SHA1_32", GALOIS_SRTP_AES_256_CM_HMAC_SHA1_32, 0},
    // Known, parsed, never chosen: RFC 4568 §6.2.3's f8 suite (galois has no AES-f8), and
    // libsrtp/FreeSWITCH's AES_CM_128_NULL_AUTH (no authentication at all).
    {"F8_128_HMAC_SHA1_80", GALOIS_SRTP_SUITE_NONE, 30},
    {"AES_CM_128_NULL_AUTH", GALOIS_SRTP_SUITE_NONE, 30},
};

static bool same(const char *a, const char *b, size_t len)
{
    if (strlen(a) != len) {
        return false;
    }
    for (size_t i = 0; i < len; i++) {
        char x = a[i] >= 'a' && a[i] <= 'z' ? (char)(a[i] - 'a' + 'A') : a[i];
        char y = b[i] >= 'a' && b[i] <= 'z' ? (char)(b[i] - 'a' + 'A') : b[i];
        if (x != y) {
            return false;
        }
    }
    return true;
}

bool sdes_lookup_name(struct sdes_name *out, const char *name, size_t len)
{
    // The standard names come from the engine's table, so the two cannot drift apart.
    for (size_t i = 1; i < GALOIS_SRTP_SUITE_COUNT_; i++) {
        const struct galois_srtp_suite_info *info =
            galois_srtp_suite_get_info((enum galois_srtp_suite)i);
        if (info != NULL && same(info->name, name, len)) {
            *out = (struct sdes_name){info->name, (enum galois_srtp_suite)i,
                                      info->key_len + info->salt_len};
            return true;
        }
    }
    for (size_t i = 0; i < GALOIS_ARRAY_LEN(extra_names); i++) {
        if (same(extra_names[i].name, name, len)) {
            *out = extra_names[i];
            if (out->suite != GALOIS_SRTP_SUITE_NONE) {
                out->key_salt_len = sdes_key_salt_len(out->suite);
                out->name = galois_sdes_suite_name(out->suite);
            }
            return true;
        }
    }
    return false;
}

size_t sdes_key_salt_len(enum galois_srtp_suite suite)
{
    const struct galois_srtp_suite_info *info = galois_srtp_suite_get_info(suite);
    return info == NULL ? 0 : info->key_len + info->salt_len;
}

enum galois_srtp_suite galois_sdes_suite_from_name(const char *name, size_t name_len)
{
    struct sdes_name n;
    if (name == NULL || !sdes_lookup_name(&n, name, name_len)) {
        return GALOIS_SRTP_SUITE_NONE;
    }
    return n.suite;
}

const char *galois_sdes_suite_name(enum galois_srtp_suite suite)
{
    const struct galois_srtp_suite_info *info = galois_srtp_suite_get_info(suite);
    return info == NULL ? NULL : info->name;
}
