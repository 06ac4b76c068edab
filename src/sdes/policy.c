// The SRTP policy of one direction, in FreeSWITCH's rtp_secure_media syntax plus options:
//   MODE[:SUITE[:SUITE...]][,OPTION...]          (docs/SDES.md, "Policy")
#include <string.h>

#include "internal.h"

// The default suites, best first: AEAD before AES-CM, 256-bit keys before 128, 80-bit tags.
static const enum galois_srtp_suite default_suites[] = {
    GALOIS_SRTP_AEAD_AES_256_GCM,
    GALOIS_SRTP_AEAD_AES_128_GCM,
    GALOIS_SRTP_AES_256_CM_HMAC_SHA1_80,
    GALOIS_SRTP_AES_CM_128_HMAC_SHA1_80,
};

static const char *const mode_names[] = {
    [GALOIS_SDES_FORBIDDEN] = "forbidden",
    [GALOIS_SDES_OPTIONAL] = "optional",
    [GALOIS_SDES_MANDATORY] = "mandatory",
};

static const char *const feature_names[] = {
    [GALOIS_SDES_FEATURE_OFF] = "off",
    [GALOIS_SDES_FEATURE_ACCEPT] = "accept",
    [GALOIS_SDES_FEATURE_OFFER] = "offer",
    [GALOIS_SDES_FEATURE_REQUIRE] = "require",
};

static const struct {
    const char *name;
    unsigned bit;
} allow_names[] = {
    {"UNENCRYPTED_SRTP", GALOIS_SDES_ALLOW_UNENCRYPTED_SRTP},
    {"UNENCRYPTED_SRTCP", GALOIS_SDES_ALLOW_UNENCRYPTED_SRTCP},
    {"UNAUTHENTICATED_SRTP", GALOIS_SDES_ALLOW_UNAUTHENTICATED_SRTP},
};

void galois_sdes_policy_default(struct galois_sdes_policy *out, enum galois_sdes_mode mode)
{
    memset(out, 0, sizeof(*out));
    out->mode = mode;
    out->cryptex = GALOIS_SDES_FEATURE_ACCEPT;
    out->hdrext = GALOIS_SDES_FEATURE_ACCEPT;
    if (mode != GALOIS_SDES_FORBIDDEN) {
        memcpy(out->suites, default_suites, sizeof(default_suites));
        out->num_suites = GALOIS_ARRAY_LEN(default_suites);
    }
}

static bool is_word_char(uint8_t ch)
{
    return ch != ':' && ch != ',' && ch != '=' && ch != '+' && ch > 0x20 && ch < 0x7f;
}

// pick_name matches the view against a table of names (ASCII case ignored).
static bool pick_name(const struct galois_cur *w, const char *const *names, size_t num,
                      unsigned *out)
{
    for (size_t i = 0; i < num; i++) {
        if (names[i] != NULL && galois_cur_eq_nocase(w, names[i])) {
            *out = (unsigned)i;
            return true;
        }
    }
    return false;
}

static bool mode(struct galois_cur *c, struct galois_sdes_policy *out)
{
    struct galois_cur w;
    struct galois_cur at = *c;
    unsigned m = 0;
    if (!galois_cur_while(c, &w, is_word_char, 16)) {
        return false;
    }
    if (galois_cur_eq_nocase(&w, "true")) {
        m = GALOIS_SDES_MANDATORY;
    } else if (galois_cur_eq_nocase(&w, "false")) {
        m = GALOIS_SDES_FORBIDDEN;
    } else if (!pick_name(&w, mode_names, GALOIS_ARRAY_LEN(mode_names), &m)) {
        *c = at;
        return false;
    }
    galois_sdes_policy_default(out, (enum galois_sdes_mode)m);
    return true;
}

static bool suites(struct galois_cur *c, struct galois_sdes_policy *out)
{
    out->num_suites = 0;
    while (galois_cur_lit(c, ":")) {
        struct galois_cur w;
        struct galois_cur at = *c;
        if (out->mode == GALOIS_SDES_FORBIDDEN ||
            !galois_cur_while(c, &w, is_word_char, GALOIS_SDES_MAX_SUITE_LEN)) {
            return false;
        }
        enum galois_srtp_suite s =
            galois_sdes_suite_from_name((const char *)galois_cur_data(&w), galois_cur_len(&w));
        for (size_t i = 0; i < out->num_suites; i++) {
            if (out->suites[i] == s) {
                s = GALOIS_SRTP_SUITE_NONE;  // listed twice
            }
        }
        if (s == GALOIS_SRTP_SUITE_NONE || out->num_suites == GALOIS_ARRAY_LEN(out->suites)) {
            *c = at;
            return false;
        }
        out->suites[out->num_suites++] = s;
    }
    if (out->num_suites == 0) {
        galois_sdes_policy_default(out, out->mode);
    }
    return true;
}

static bool allow(const struct galois_cur *val, unsigned *out)
{
    struct galois_cur c = *val;
    *out = 0;
    do {
        struct galois_cur w;
        bool found = false;
        if (!galois_cur_while(&c, &w, is_word_char, 32)) {
            return false;
        }
        for (size_t i = 0; i < GALOIS_ARRAY_LEN(allow_names); i++) {
            if (galois_cur_eq_nocase(&w, allow_names[i].name)) {
                *out |= allow_names[i].bit;
                found = true;
            }
        }
        if (!found) {
            return false;
        }
    } while (galois_cur_lit(&c, "+"));
    return galois_cur_len(&c) == 0;
}

static bool lifetime(const struct galois_cur *val, struct galois_sdes_policy *out)
{
    struct galois_cur c = *val;
    uint64_t v = 0;
    out->lifetime_pow2 = galois_cur_lit(&c, "2^");
    if (!galois_cur_u64_dec(&c, &v, out->lifetime_pow2 ? 48 : (uint64_t)1 << 48) ||
        galois_cur_len(&c) != 0 || (!out->lifetime_pow2 && v == 0)) {
        return false;
    }
    out->lifetime = out->lifetime_pow2 ? (uint64_t)1 << v : v;
    return true;
}

static bool option(const struct galois_cur *name, const struct galois_cur *val,
                   struct galois_sdes_policy *out)
{
    unsigned v = 0;
    uint64_t n = 0;
    struct galois_cur c = *val;
    if (galois_cur_eq_nocase(name, "pick")) {
        static const char *const picks[] = {"ours", "theirs"};
        bool ok = pick_name(val, picks, GALOIS_ARRAY_LEN(picks), &v);
        out->pick = (enum galois_sdes_pick)v;
        return ok;
    }
    if (galois_cur_eq_nocase(name, "cryptex") || galois_cur_eq_nocase(name, "hdrext")) {
        bool ok = pick_name(val, feature_names, GALOIS_ARRAY_LEN(feature_names), &v);
        *(galois_cur_eq_nocase(name, "cryptex") ? &out->cryptex : &out->hdrext) =
            (enum galois_sdes_feature)v;
        return ok;
    }
    if (galois_cur_eq_nocase(name, "allow")) {
        return allow(val, &out->allow);
    }
    if (galois_cur_eq_nocase(name, "offer-params")) {
        // A weakening we write into our own offers must be one we accept in the answer.
        return allow(val, &out->offer_params) && (out->offer_params & ~out->allow) == 0;
    }
    if (galois_cur_eq_nocase(name, "lifetime")) {
        return lifetime(val, out);
    }
    if (galois_cur_eq_nocase(name, "mki")) {
        bool ok =
            galois_cur_u64_dec(&c, &n, GALOIS_SRTP_MAX_MKI_LEN) && n > 0 && galois_cur_len(&c) == 0;
        out->mki_len = (size_t)n;
        return ok;
    }
    return false;
}

static bool options(struct galois_cur *c, struct galois_sdes_policy *out)
{
    while (galois_cur_lit(c, ",")) {
        struct galois_cur name;
        struct galois_cur val;
        struct galois_cur at = *c;
        if (!galois_cur_while(c, &name, is_word_char, 16) || !galois_cur_lit(c, "=") ||
            !galois_cur_until(c, &val, ',', 128) || !option(&name, &val, out)) {
            *c = at;
            return false;
        }
    }
    return true;
}

galois_err galois_sdes_policy_parse(struct galois_sdes_policy *out, size_t *out_err_off,
                                    const char *in, size_t in_len)
{
    struct galois_cur all;
    galois_cur_init(&all, (const uint8_t *)in, in_len);
    struct galois_cur c = all;
    bool ok = mode(&c, out) && suites(&c, out) && options(&c, out) && galois_cur_len(&c) == 0;
    if (out_err_off != NULL) {
        *out_err_off = ok ? 0 : galois_cur_offset(&all, &c);
    }
    return ok ? GALOIS_ERR_OK : GALOIS_ERR_PARSE;
}

static void write_option(struct galois_buf *b, const char *name, const char *value)
{
    galois_buf_putc(b, ',');
    galois_buf_puts(b, name);
    galois_buf_putc(b, '=');
    galois_buf_puts(b, value);
}

static void write_allow(struct galois_buf *b, const char *option, unsigned bits)
{
    const char *sep = option;
    for (size_t i = 0; i < GALOIS_ARRAY_LEN(allow_names); i++) {
        if ((bits & allow_names[i].bit) != 0) {
            galois_buf_puts(b, sep);
            galois_buf_puts(b, allow_names[i].name);
            sep = "+";
        }
    }
}

galois_err galois_sdes_policy_write(char *out, size_t *out_len, size_t max_out_len,
                                    const struct galois_sdes_policy *policy)
{
    struct galois_buf b;
    galois_buf_init(&b, out, max_out_len);
    *out_len = 0;
    if ((size_t)policy->mode >= GALOIS_ARRAY_LEN(mode_names) ||
        (size_t)policy->cryptex >= GALOIS_ARRAY_LEN(feature_names) ||
        (size_t)policy->hdrext >= GALOIS_ARRAY_LEN(feature_names)) {
        return GALOIS_ERR_INVALID;
    }
    galois_buf_puts(&b, mode_names[policy->mode]);
    for (size_t i = 0; i < policy->num_suites && i < GALOIS_ARRAY_LEN(policy->suites); i++) {
        const char *name = galois_sdes_suite_name(policy->suites[i]);
        galois_buf_putc(&b, ':');
        galois_buf_puts(&b, name == NULL ? "?" : name);
    }
    write_option(&b, "pick", policy->pick == GALOIS_SDES_PICK_THEIRS ? "theirs" : "ours");
    write_allow(&b, ",allow=", policy->allow);
    write_allow(&b, ",offer-params=", policy->offer_params);
    write_option(&b, "cryptex", feature_names[policy->cryptex]);
    write_option(&b, "hdrext", feature_names[policy->hdrext]);
    if (policy->lifetime != 0) {
        galois_buf_puts(&b, ",lifetime=");
        if (policy->lifetime_pow2) {
            unsigned n = 0;
            while (n < 63 && ((uint64_t)1 << n) < policy->lifetime) {
                n++;
            }
            galois_buf_puts(&b, "2^");
            galois_buf_put_dec(&b, n);
        } else {
            galois_buf_put_dec(&b, policy->lifetime);
        }
    }
    if (policy->mki_len != 0) {
        galois_buf_puts(&b, ",mki=");
        galois_buf_put_dec(&b, policy->mki_len);
    }
    if (!galois_buf_finish(&b)) {
        return GALOIS_ERR_BUFFER;
    }
    *out_len = b.len;
    return GALOIS_ERR_OK;
}
