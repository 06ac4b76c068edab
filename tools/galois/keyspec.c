// galois tool: parse SDES inline keys from the command line (RFC 4568 §9.2).
//
//   key-params = "inline:" key-salt ["|" lifetime] ["|" MKI ":" length]
//   lifetime   = ["2^"] 1*DIGIT
#include "keyspec.h"

#include <galois/galois.h>
#include <stdarg.h>
#include <string.h>

#include "rd.h"

enum {
    MAX_SPEC_LEN = 1024,
    MAX_SUITE_NAME_LEN = 64,
    MAX_B64_LEN = 128,  // 46 bytes (AES-256-CM key||salt) need 64 characters
    MAX_KEY_SALT_LEN = GALOIS_SRTP_MAX_KEY_LEN + GALOIS_SRTP_MAX_SALT_LEN,
};

static bool fail(char *why, size_t why_len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static bool fail(char *why, size_t why_len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, why_len, fmt, ap);
    va_end(ap);
    return false;
}

// decode_key decodes base64 that may lack its padding (some SDES peers omit it).
static bool decode_key(uint8_t *out, size_t *out_len, size_t max_out_len,
                       const struct galois_rd *b64)
{
    char text[MAX_B64_LEN + 3];
    size_t n = b64->len;
    bool ok = false;
    if (n > MAX_B64_LEN || n % 4 == 1) {
        return false;
    }
    memcpy(text, b64->p, n);
    while (n % 4 != 0) {
        text[n++] = '=';
    }
    ok = galois_base64_decode(out, out_len, max_out_len, text, n) == GALOIS_ERR_OK;
    galois_secure_zero(text, sizeof(text));
    return ok;
}

static bool parse_lifetime(uint64_t *out, const struct galois_rd *tok)
{
    struct galois_rd r = *tok;
    uint64_t v = 0;
    if (galois_rd_lit(&r, "2^")) {
        if (!galois_rd_dec_u64(&r, &v, 63) || r.len != 0 || v == 0) {
            return false;
        }
        *out = (uint64_t)1 << v;
        return true;
    }
    if (!galois_rd_dec_u64(&r, &v, UINT64_MAX) || r.len != 0 || v == 0) {
        return false;
    }
    *out = v;
    return true;
}

static bool parse_mki(struct galois_tool_key *key, char *why, size_t why_len,
                      const struct galois_rd *tok)
{
    struct galois_rd r = *tok;
    uint64_t value = 0;
    uint64_t len = 0;
    if (!galois_rd_dec_u64(&r, &value, UINT64_MAX) || !galois_rd_lit(&r, ":") ||
        !galois_rd_dec_u64(&r, &len, GALOIS_SRTP_MAX_MKI_LEN) || r.len != 0 || len == 0) {
        return fail(why, why_len, "MKI must be VALUE:LENGTH, decimal, with a length of 1..%d",
                    GALOIS_SRTP_MAX_MKI_LEN);
    }
    if (len < 8 && value >> (8 * len) != 0) {
        return fail(why, why_len, "MKI %llu does not fit in %llu byte(s)",
                    (unsigned long long)value, (unsigned long long)len);
    }
    key->mki_len = (size_t)len;
    memset(key->master.mki, 0, sizeof(key->master.mki));
    for (size_t i = 0; i < 8 && i < key->mki_len; i++) {
        key->master.mki[key->mki_len - 1 - i] = (uint8_t)(value >> (8 * i));
    }
    return true;
}

// parse_params reads the optional "|LIFETIME" and "|MKI:LEN" that follow the key, in that order.
static bool parse_params(struct galois_tool_key *key, char *why, size_t why_len,
                         struct galois_rd *r)
{
    bool have_lifetime = false;
    while (r->len > 0) {
        struct galois_rd tok;
        if (!galois_rd_lit(r, "|") || !galois_rd_until(r, &tok, '|', 64)) {
            return fail(why, why_len, "expected '|LIFETIME' or '|MKI:LENGTH' after the key");
        }
        if (memchr(tok.p, ':', tok.len) != NULL) {
            if (!parse_mki(key, why, why_len, &tok)) {
                return false;
            }
            if (r->len != 0) {
                return fail(why, why_len, "unexpected text after the MKI");
            }
        } else if (have_lifetime) {
            return fail(why, why_len, "more than one lifetime");
        } else if (!parse_lifetime(&key->master.lifetime, &tok)) {
            return fail(why, why_len, "lifetime must be 2^N (N 1..63) or a positive decimal");
        } else {
            have_lifetime = true;
        }
    }
    return true;
}

static bool parse(struct galois_tool_key *out, char *why, size_t why_len, const char *spec)
{
    size_t spec_len = strnlen(spec, MAX_SPEC_LEN + 1);
    struct galois_rd r;
    struct galois_rd suite_name;
    struct galois_rd b64;
    uint8_t key_salt[MAX_KEY_SALT_LEN + 4];
    size_t key_salt_len = 0;
    const struct galois_srtp_suite_info *info = NULL;
    bool ok = false;

    if (spec_len > MAX_SPEC_LEN) {
        return fail(why, why_len, "longer than %d characters", MAX_SPEC_LEN);
    }
    galois_rd_init(&r, spec, spec_len);
    if (!galois_rd_until_any(&r, &suite_name, ": ", MAX_SUITE_NAME_LEN) ||
        (!galois_rd_lit(&r, ":") && !galois_rd_lit(&r, " ")) || !galois_rd_lit(&r, "inline:")) {
        return fail(why, why_len, "expected SUITE:inline:BASE64[|LIFETIME][|MKI:LENGTH]");
    }
    out->suite = galois_srtp_suite_from_name((const char *)suite_name.p, suite_name.len);
    info = galois_srtp_suite_get_info(out->suite);
    if (out->suite == GALOIS_SRTP_SUITE_NONE || info == NULL) {
        return fail(why, why_len, "unknown crypto suite '%.*s'", (int)suite_name.len,
                    (const char *)suite_name.p);
    }
    if (!galois_rd_until(&r, &b64, '|', MAX_B64_LEN)) {
        return fail(why, why_len, "the key is missing or longer than %d characters", MAX_B64_LEN);
    }
    if (!decode_key(key_salt, &key_salt_len, sizeof(key_salt), &b64)) {
        fail(why, why_len, "the key is not valid base64 (or longer than %d bytes)",
             MAX_KEY_SALT_LEN);
        goto out;
    }
    if (key_salt_len != info->key_len + info->salt_len) {
        fail(why, why_len, "key is %zu bytes, suite needs %zu", key_salt_len,
             info->key_len + info->salt_len);
        goto out;
    }
    memcpy(out->master.key, key_salt, info->key_len);
    memcpy(out->master.salt, key_salt + info->key_len, info->salt_len);
    ok = parse_params(out, why, why_len, &r);
out:
    galois_secure_zero(key_salt, sizeof(key_salt));
    return ok;
}

bool galois_tool_key_parse(struct galois_tool_key *out, char *why, size_t why_len, const char *spec)
{
    memset(out, 0, sizeof(*out));
    if (why_len > 0) {
        why[0] = '\0';
    }
    if (!parse(out, why, why_len, spec)) {
        galois_tool_key_wipe(out);
        return false;
    }
    return true;
}

void galois_tool_key_redact(char *out, size_t out_len, const char *spec)
{
    size_t spec_len = strnlen(spec, MAX_SPEC_LEN);
    struct galois_rd r;
    struct galois_rd name;
    struct galois_rd key;

    galois_rd_init(&r, spec, spec_len);
    // Only the suite name and the parameters after the key are shown. Text that does not look
    // like SUITE:inline: may itself be a key, so none of it is shown.
    if (!galois_rd_until_any(&r, &name, ": ", MAX_SUITE_NAME_LEN) ||
        (!galois_rd_lit(&r, ":") && !galois_rd_lit(&r, " ")) || !galois_rd_lit(&r, "inline:")) {
        snprintf(out, out_len, "<%zu characters, not SUITE:inline:KEY>", spec_len);
        return;
    }
    if (!galois_rd_until(&r, &key, '|', MAX_SPEC_LEN)) {
        key.len = 0;  // no key at all: nothing to hide
    }
    snprintf(out, out_len, "%.*s<key>%.*s", (int)(spec_len - r.len - key.len), spec, (int)r.len,
             (const char *)r.p);
}

void galois_tool_key_wipe(struct galois_tool_key *key)
{
    galois_secure_zero(key, sizeof(*key));
}

void galois_tool_print_suites(FILE *f)
{
    size_t n = 0;
    for (int s = GALOIS_SRTP_SUITE_NONE + 1; s < GALOIS_SRTP_SUITE_COUNT_; s++) {
        const struct galois_srtp_suite_info *info =
            galois_srtp_suite_get_info((enum galois_srtp_suite)s);
        if (info != NULL) {
            fprintf(f, "%s%s", n == 0 ? "" : n % 3 == 0 ? ",\n  " : ", ", info->name);
            n++;
        }
    }
}
