// The a=crypto attribute (RFC 4568 §9.1, §9.2): tag, suite, key-params, session parameters.
#include <string.h>

#include "internal.h"

enum { MAX_KDR = 24, MIN_WSH = 64 };

struct parse {
    struct galois_cur all;
    struct galois_cur c;
    struct galois_sdes_crypto *out;
    size_t key_salt_len;
};

static bool is_digit(uint8_t ch)
{
    return ch >= '0' && ch <= '9';
}

static bool is_suite_char(uint8_t ch)
{
    return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || is_digit(ch) || ch == '_';
}

static bool wsp(struct galois_cur *c)
{
    return galois_cur_skip_while(c, sdes_is_wsp) > 0;
}

static bool dec_token(const struct galois_cur *tok, uint64_t *out, size_t max_digits, uint64_t max)
{
    struct galois_cur c = *tok;
    struct galois_cur digits;
    return galois_cur_while(&c, &digits, is_digit, max_digits) && galois_cur_len(&c) == 0 &&
           galois_cur_u64_dec(&digits, out, max);
}

static galois_err head(struct parse *p)
{
    struct galois_cur tag;
    struct galois_cur suite;
    uint64_t v = 0;
    struct sdes_name name;
    struct galois_sdes_crypto *out = p->out;
    if (!galois_cur_while(&p->c, &tag, is_digit, 9) || !dec_token(&tag, &v, 9, UINT32_MAX) ||
        !wsp(&p->c) || !galois_cur_while(&p->c, &suite, is_suite_char, GALOIS_SDES_MAX_SUITE_LEN) ||
        !wsp(&p->c)) {
        return GALOIS_ERR_PARSE;
    }
    out->tag = (uint32_t)v;
    if (sdes_lookup_name(&name, (const char *)galois_cur_data(&suite), galois_cur_len(&suite))) {
        out->suite = name.suite;
        p->key_salt_len = name.key_salt_len;
        memcpy(out->suite_name, name.name, strlen(name.name));
    } else {
        out->opaque = true;
        memcpy(out->suite_name, galois_cur_data(&suite), galois_cur_len(&suite));
    }
    return GALOIS_ERR_OK;
}

// append_text adds one unknown token (or, for an opaque suite, the rest) to `text`.
static galois_err append_text(struct galois_sdes_crypto *out, const struct galois_cur *tok)
{
    size_t used = strlen(out->text);
    size_t n = galois_cur_len(tok);
    size_t sep = used > 0 ? 1 : 0;
    if (used + sep > GALOIS_SDES_MAX_TEXT_LEN || n > GALOIS_SDES_MAX_TEXT_LEN - used - sep) {
        return GALOIS_ERR_LIMIT;
    }
    if (sep > 0) {
        out->text[used++] = ' ';
    }
    memcpy(out->text + used, galois_cur_data(tok), n);
    return GALOIS_ERR_OK;
}

static bool flag(const struct galois_cur *tok, const char *name, bool *field, bool *dup)
{
    if (!galois_cur_eq_nocase(tok, name)) {
        return false;
    }
    *dup = *field;
    *field = true;
    return true;
}

// valued matches "NAME=..." and leaves `val` on the value.
static bool valued(const struct galois_cur *tok, const char *name, struct galois_cur *val)
{
    *val = *tok;
    return galois_cur_lit_nocase(val, name);
}

static galois_err fec_order(struct galois_sdes_crypto *out, const struct galois_cur *val)
{
    if (out->fec_order != GALOIS_SDES_FEC_NONE) {
        return GALOIS_ERR_PARSE;
    }
    out->fec_order = galois_cur_eq_nocase(val, "FEC_SRTP")   ? GALOIS_SDES_FEC_SRTP
                     : galois_cur_eq_nocase(val, "SRTP_FEC") ? GALOIS_SDES_SRTP_FEC
                                                             : GALOIS_SDES_FEC_NONE;
    return out->fec_order == GALOIS_SDES_FEC_NONE ? GALOIS_ERR_PARSE : GALOIS_ERR_OK;
}

static galois_err fec_key(struct parse *p, struct galois_cur *val)
{
    if (p->out->num_fec_keys != 0) {
        return GALOIS_ERR_PARSE;
    }
    galois_err err =
        sdes_parse_key_params(val, p->out->fec_keys, &p->out->num_fec_keys, p->key_salt_len);
    if (err == GALOIS_ERR_OK && galois_cur_len(val) != 0) {
        err = GALOIS_ERR_PARSE;
    }
    return err;
}

static galois_err numeric(struct galois_sdes_crypto *out, const struct galois_cur *tok,
                          bool *matched)
{
    struct galois_cur val;
    uint64_t v = 0;
    *matched = true;
    if (valued(tok, "KDR=", &val)) {
        if (out->has_kdr || !dec_token(&val, &v, 2, MAX_KDR)) {
            return GALOIS_ERR_PARSE;
        }
        out->has_kdr = true;
        out->kdr = (unsigned)v;
        return GALOIS_ERR_OK;
    }
    if (valued(tok, "WSH=", &val)) {
        if (out->wsh != 0 || !dec_token(&val, &v, 10, UINT32_MAX) || v < MIN_WSH) {
            return GALOIS_ERR_PARSE;
        }
        out->wsh = (uint32_t)v;
        return GALOIS_ERR_OK;
    }
    *matched = false;
    return GALOIS_ERR_OK;
}

// session_param reads one session parameter (RFC 4568 §6.3); unknown ones go to `text`.
static galois_err session_param(struct parse *p, struct galois_cur *tok)
{
    struct galois_sdes_crypto *out = p->out;
    struct galois_cur val;
    bool dup = false;
    bool matched = false;
    if (flag(tok, "UNENCRYPTED_SRTP", &out->unencrypted_srtp, &dup) ||
        flag(tok, "UNENCRYPTED_SRTCP", &out->unencrypted_srtcp, &dup) ||
        flag(tok, "UNAUTHENTICATED_SRTP", &out->unauthenticated_srtp, &dup)) {
        return dup ? GALOIS_ERR_PARSE : GALOIS_ERR_OK;
    }
    if (valued(tok, "FEC_ORDER=", &val)) {
        return fec_order(out, &val);
    }
    if (valued(tok, "FEC_KEY=", &val)) {
        return fec_key(p, &val);
    }
    galois_err err = numeric(out, tok, &matched);
    if (matched) {
        return err;
    }
    struct galois_cur rest = *tok;
    galois_cur_skip_while(&rest, sdes_is_vchar);
    return galois_cur_len(&rest) == 0 ? append_text(out, tok) : GALOIS_ERR_PARSE;
}

static galois_err session_params(struct parse *p)
{
    struct galois_cur tok;
    while (wsp(&p->c)) {
        if (galois_cur_len(&p->c) == 0) {
            break;  // trailing white space
        }
        struct galois_cur at = p->c;
        if (!galois_cur_until_any(&p->c, &tok, " \t", GALOIS_SDES_MAX_LEN)) {
            return GALOIS_ERR_PARSE;
        }
        galois_err err = session_param(p, &tok);
        if (err != GALOIS_ERR_OK) {
            p->c = at;  // the failure is reported at the start of the parameter
            return err;
        }
    }
    return galois_cur_len(&p->c) == 0 ? GALOIS_ERR_OK : GALOIS_ERR_PARSE;
}

static bool is_vchar_or_wsp(uint8_t ch)
{
    return sdes_is_vchar(ch) || sdes_is_wsp(ch);
}

// opaque_rest keeps the rest of an attribute whose suite galois does not know, as text:
// visible characters and white space (trailing white space dropped), at least one character.
static galois_err opaque_rest(struct parse *p)
{
    struct galois_cur rest = p->c;
    struct galois_cur tail;
    uint8_t last = 0;
    galois_cur_skip_while(&p->c, is_vchar_or_wsp);
    if (galois_cur_len(&p->c) != 0) {
        return GALOIS_ERR_PARSE;
    }
    while (galois_cur_peek_u8(&rest, galois_cur_len(&rest) - 1, &last) && sdes_is_wsp(last)) {
        GALOIS_CHECK(galois_cur_take_tail(&rest, &tail, 1));
    }
    if (galois_cur_len(&rest) == 0) {
        return GALOIS_ERR_PARSE;
    }
    return append_text(p->out, &rest);
}

galois_err galois_sdes_parse(struct galois_sdes_crypto *out, size_t *out_err_off, const char *in,
                             size_t in_len)
{
    struct parse p = {.out = out};
    memset(out, 0, sizeof(*out));
    galois_cur_init(&p.all, (const uint8_t *)in, in_len);
    p.c = p.all;
    galois_err err = in_len > GALOIS_SDES_MAX_LEN ? GALOIS_ERR_LIMIT : head(&p);
    if (err == GALOIS_ERR_OK && out->opaque) {
        err = opaque_rest(&p);
    } else if (err == GALOIS_ERR_OK) {
        err = sdes_parse_key_params(&p.c, out->keys, &out->num_keys, p.key_salt_len);
        if (err == GALOIS_ERR_OK) {
            err = session_params(&p);
        }
    }
    if (out_err_off != NULL) {
        *out_err_off = err == GALOIS_ERR_OK ? 0 : galois_cur_offset(&p.all, &p.c);
    }
    if (err != GALOIS_ERR_OK) {
        galois_sdes_crypto_cleanup(out);
    }
    return err;
}

void galois_sdes_crypto_cleanup(struct galois_sdes_crypto *c)
{
    if (c != NULL) {
        galois_secure_zero(c, sizeof(*c));
    }
}
