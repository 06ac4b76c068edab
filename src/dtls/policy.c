// The DTLS-SRTP policy: SRTP protection profiles (RFC 5764 §4.1.2, RFC 7714 §14.2), the MTU and
// the first retransmission timeout; and the parser of a peer's use_srtp extension.
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

static const struct dtls_profile profiles[] = {
    {0x0008, "SRTP_AEAD_AES_256_GCM", GALOIS_SRTP_AEAD_AES_256_GCM},
    {0x0007, "SRTP_AEAD_AES_128_GCM", GALOIS_SRTP_AEAD_AES_128_GCM},
    {0x0001, "SRTP_AES128_CM_SHA1_80", GALOIS_SRTP_AES_CM_128_HMAC_SHA1_80},
    {0x0002, "SRTP_AES128_CM_SHA1_32", GALOIS_SRTP_AES_CM_128_HMAC_SHA1_32},
};

static const char default_profiles[] =
    "SRTP_AEAD_AES_256_GCM:SRTP_AEAD_AES_128_GCM:SRTP_AES128_CM_SHA1_80";

void dtls_why(char *why, size_t max_why, const char *fmt, ...)
{
    if (why == NULL || max_why == 0) {
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(why, max_why, fmt, ap);
    va_end(ap);
    if (n < 0) {
        why[0] = '\0';
    }
}

const struct dtls_profile *dtls_profile_by_id(uint16_t id)
{
    for (size_t i = 0; i < GALOIS_ARRAY_LEN(profiles); i++) {
        if (profiles[i].id == id) {
            return &profiles[i];
        }
    }
    return NULL;
}

const struct dtls_profile *dtls_profile_by_name(const char *name, size_t len)
{
    for (size_t i = 0; i < GALOIS_ARRAY_LEN(profiles); i++) {
        if (strlen(profiles[i].name) == len && memcmp(profiles[i].name, name, len) == 0) {
            return &profiles[i];
        }
    }
    return NULL;
}

enum galois_srtp_suite galois_dtls_profile_suite(const char *name)
{
    const struct dtls_profile *p = name == NULL ? NULL : dtls_profile_by_name(name, strlen(name));
    return p == NULL ? GALOIS_SRTP_SUITE_NONE : p->suite;
}

galois_err dtls_profiles_parse(uint16_t *ids, size_t *num_ids, const char *list, char *why,
                               size_t max_why)
{
    *num_ids = 0;
    if (list[0] == '\0') {
        dtls_why(why, max_why, "dtls profiles: the list is empty; SRTP needs a profile");
        return GALOIS_ERR_POLICY;
    }
    size_t n = 0;
    const char *p = list;
    for (;;) {
        const char *end = strchr(p, ':');
        size_t len = end == NULL ? strlen(p) : (size_t)(end - p);
        const struct dtls_profile *prof = dtls_profile_by_name(p, len);
        if (prof == NULL) {
            dtls_why(why, max_why,
                     "dtls profiles: unknown SRTP profile '%.*s' (known: %s, "
                     "SRTP_AES128_CM_SHA1_32)",
                     (int)(len > 64 ? 64 : len), p, default_profiles);
            return GALOIS_ERR_INVALID;
        }
        for (size_t i = 0; i < n; i++) {
            if (ids[i] == prof->id) {
                dtls_why(why, max_why, "dtls profiles: %s is listed twice", prof->name);
                return GALOIS_ERR_INVALID;
            }
        }
        ids[n++] = prof->id;  // n < DTLS_MAX_PROFILES: every name is known and listed once
        if (end == NULL) {
            break;
        }
        p = end + 1;
    }
    *num_ids = n;
    return GALOIS_ERR_OK;
}

void dtls_profile_names(char *out, size_t max, const uint16_t *ids, size_t num_ids)
{
    struct galois_buf b;
    galois_buf_init(&b, out, max);
    for (size_t i = 0; i < num_ids; i++) {
        const struct dtls_profile *p = dtls_profile_by_id(ids[i]);
        if (i > 0) {
            galois_buf_putc(&b, ':');
        }
        if (p != NULL) {
            galois_buf_puts(&b, p->name);
        } else {
            char hex[8];
            (void)snprintf(hex, sizeof(hex), "0x%04x", (unsigned)ids[i]);
            galois_buf_puts(&b, hex);
        }
    }
    if (!galois_buf_finish(&b) && max > 0) {
        out[0] = '\0';
    }
}

bool dtls_use_srtp_parse(uint16_t *ids, size_t max_ids, size_t *num_ids, const uint8_t *in,
                         size_t in_len)
{
    *num_ids = 0;
    struct galois_cur c;
    struct galois_cur list;
    struct galois_cur mki;
    uint16_t list_len = 0;
    uint8_t mki_len = 0;
    galois_cur_init(&c, in, in_len);
    if (!galois_cur_u16(&c, &list_len) || list_len < 2 || list_len % 2 != 0 ||
        !galois_cur_take(&c, &list, list_len) || !galois_cur_u8(&c, &mki_len) ||
        !galois_cur_take(&c, &mki, mki_len) || galois_cur_len(&c) != 0) {
        return false;
    }
    size_t n = 0;
    uint16_t id = 0;
    while (galois_cur_u16(&list, &id)) {
        if (n < max_ids) {
            ids[n] = id;
        }
        n++;
    }
    *num_ids = n;
    return true;
}

void galois_dtls_policy_default(struct galois_dtls_policy *p)
{
    memset(p, 0, sizeof(*p));
    memcpy(p->profiles, default_profiles, sizeof(default_profiles));
    p->mtu = GALOIS_DTLS_DEFAULT_MTU;
    p->initial_timeout_ms = GALOIS_DTLS_DEFAULT_TIMEOUT_MS;
}

// parse_uint reads a decimal number in [lo, hi].
static bool parse_uint(const char *s, uint64_t lo, uint64_t hi, uint64_t *out)
{
    struct galois_cur c;
    galois_cur_init(&c, (const uint8_t *)s, strlen(s));
    uint64_t v = 0;
    if (!galois_cur_u64_dec(&c, &v, hi) || galois_cur_len(&c) != 0 || v < lo) {
        return false;
    }
    *out = v;
    return true;
}

galois_err galois_dtls_policy_set(struct galois_dtls_policy *p, const char *name, const char *value,
                                  char *why, size_t max_why)
{
    dtls_why(why, max_why, "%s", "");
    if (name == NULL || value == NULL) {
        dtls_why(why, max_why, "dtls policy: a name and a value are needed");
        return GALOIS_ERR_INVALID;
    }
    uint64_t v = 0;
    if (strcmp(name, "profiles") == 0) {
        uint16_t ids[DTLS_MAX_PROFILES];
        size_t n = 0;
        if (strlen(value) > GALOIS_DTLS_MAX_PROFILES_LEN) {
            dtls_why(why, max_why, "dtls profiles: the list is over %d bytes",
                     GALOIS_DTLS_MAX_PROFILES_LEN);
            return GALOIS_ERR_INVALID;
        }
        galois_err err = dtls_profiles_parse(ids, &n, value, why, max_why);
        if (err != GALOIS_ERR_OK) {
            return GALOIS_ERR_INVALID;
        }
        memcpy(p->profiles, value, strlen(value) + 1);
    } else if (strcmp(name, "mtu") == 0) {
        if (!parse_uint(value, GALOIS_DTLS_MIN_MTU, GALOIS_DTLS_MAX_MTU, &v)) {
            dtls_why(why, max_why, "dtls mtu: '%.32s' is not a number in %d..%d", value,
                     GALOIS_DTLS_MIN_MTU, GALOIS_DTLS_MAX_MTU);
            return GALOIS_ERR_INVALID;
        }
        p->mtu = (size_t)v;
    } else if (strcmp(name, "timeout") == 0) {
        if (!parse_uint(value, 10, GALOIS_DTLS_MAX_TIMEOUT_MS, &v)) {
            dtls_why(why, max_why, "dtls timeout: '%.32s' is not a number of ms in 10..%d", value,
                     GALOIS_DTLS_MAX_TIMEOUT_MS);
            return GALOIS_ERR_INVALID;
        }
        p->initial_timeout_ms = (unsigned)v;
    } else {
        dtls_why(why, max_why, "dtls policy: unknown option '%.32s' (profiles, mtu, timeout)",
                 name);
        return GALOIS_ERR_INVALID;
    }
    return GALOIS_ERR_OK;
}
