// Digest authentication for SIP: challenges (RFC 2617 §3.2.1, RFC 7616 §3.3) read with the
// cursor, the choice among several (RFC 8760 §2.4), and the response (RFC 2617 §3.2.2, RFC 7616
// §3.4) hashed with OpenSSL EVP (MD5, SHA-256). HA1 and everything derived from the password
// is wiped on every path.
#include <openssl/err.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>

#include "../common/internal.h"
#include "msg.h"

enum { MAX_VALUE = 255, MAX_HEX = 2 * 32, MAX_CNONCE = 64 };

static bool is_lws(uint8_t ch)
{
    return ch == ' ' || ch == '\t';
}

static bool is_sep(uint8_t ch)
{
    return ch == ' ' || ch == '\t' || ch == ',';
}

static bool is_token(uint8_t ch)
{
    return galois_sip_msg_is_token(ch);
}

// value is one parameter value, unescaped, NUL-terminated.
struct value {
    char text[MAX_VALUE + 1];
    size_t len;
};

// read_quoted reads quoted-string (RFC 3261 §25.1: quoted-pair escapes any byte but CR, LF).
static galois_err read_quoted(struct galois_cur *c, struct value *v, char *why, size_t max_why)
{
    uint8_t ch = 0;
    GALOIS_CHECK(galois_cur_lit(c, "\""));
    for (;;) {
        if (!galois_cur_u8(c, &ch)) {
            galois_sip_msg_why(why, max_why, "challenge: a quoted value has no closing quote");
            return GALOIS_ERR_PARSE;
        }
        if (ch == '"') {
            return GALOIS_ERR_OK;
        }
        if (ch == '\\' && !galois_cur_u8(c, &ch)) {
            galois_sip_msg_why(why, max_why, "challenge: a quoted value ends in '\\'");
            return GALOIS_ERR_PARSE;
        }
        if (ch == '\r' || ch == '\n' || ch == '\0') {
            galois_sip_msg_why(why, max_why, "challenge: CR, LF or NUL in a quoted value");
            return GALOIS_ERR_PARSE;
        }
        if (v->len == MAX_VALUE) {
            galois_sip_msg_why(why, max_why, "challenge: a value is over %d bytes", MAX_VALUE);
            return GALOIS_ERR_LIMIT;
        }
        v->text[v->len++] = (char)ch;
        v->text[v->len] = '\0';
    }
}

static galois_err read_value(struct galois_cur *c, struct value *v, char *why, size_t max_why)
{
    memset(v, 0, sizeof(*v));
    uint8_t ch = 0;
    if (galois_cur_peek_u8(c, 0, &ch) && ch == '"') {
        return read_quoted(c, v, why, max_why);
    }
    struct galois_cur tok;
    if (!galois_cur_while(c, &tok, is_token, MAX_VALUE)) {
        galois_sip_msg_why(why, max_why, "challenge: a value is neither a token nor quoted");
        return GALOIS_ERR_PARSE;
    }
    v->len = galois_cur_len(&tok);
    GALOIS_CHECK(galois_cur_copy(&tok, (uint8_t *)v->text, v->len));
    v->text[v->len] = '\0';
    return GALOIS_ERR_OK;
}

static const struct {
    const char *name;
    enum galois_sip_digest_alg alg;
} algs[] = {
    {"MD5", GALOIS_SIP_DIGEST_MD5},
    {"MD5-sess", GALOIS_SIP_DIGEST_MD5_SESS},
    {"SHA-256", GALOIS_SIP_DIGEST_SHA256},
    {"SHA-256-sess", GALOIS_SIP_DIGEST_SHA256_SESS},
};

// qop_has_auth tells whether the comma-separated qop list holds "auth".
static bool qop_has_auth(const struct value *v)
{
    struct galois_cur c;
    struct galois_cur item;
    galois_cur_init(&c, (const uint8_t *)v->text, v->len);
    for (;;) {
        galois_cur_skip_while(&c, is_sep);
        if (!galois_cur_while(&c, &item, is_token, MAX_VALUE)) {
            return false;
        }
        if (galois_cur_eq_nocase(&item, "auth")) {
            return true;
        }
    }
}

enum param { P_REALM, P_NONCE, P_OPAQUE, P_ALGORITHM, P_QOP, P_STALE, P_OTHER };
static const char *const param_names[P_OTHER] = {
    [P_REALM] = "realm",         [P_NONCE] = "nonce", [P_OPAQUE] = "opaque",
    [P_ALGORITHM] = "algorithm", [P_QOP] = "qop",     [P_STALE] = "stale",
};

// apply stores one known parameter's value in the challenge.
static galois_err apply(struct galois_sip_challenge *out, enum param p, const struct value *v,
                        bool *has_qop, char *why, size_t max_why)
{
    switch (p) {
        case P_REALM:
            memcpy(out->realm, v->text, v->len + 1);
            break;
        case P_NONCE:
            memcpy(out->nonce, v->text, v->len + 1);
            break;
        case P_OPAQUE:
            memcpy(out->opaque, v->text, v->len + 1);
            out->has_opaque = true;
            break;
        case P_ALGORITHM: {
            for (size_t i = 0; i < GALOIS_ARRAY_LEN(algs); i++) {
                struct galois_cur name;
                galois_cur_init(&name, (const uint8_t *)v->text, v->len);
                if (galois_cur_eq_nocase(&name, algs[i].name)) {
                    out->alg = algs[i].alg;
                    return GALOIS_ERR_OK;
                }
            }
            galois_sip_msg_why(why, max_why, "challenge: algorithm '%.40s' is not supported",
                               v->text);
            return GALOIS_ERR_UNSUPPORTED;
        }
        case P_QOP:
            *has_qop = true;
            out->qop_auth = qop_has_auth(v);
            break;
        case P_STALE: {
            struct galois_cur s;
            galois_cur_init(&s, (const uint8_t *)v->text, v->len);
            out->stale = galois_cur_eq_nocase(&s, "true");
            break;
        }
        case P_OTHER:
        default:
            break;
    }
    return GALOIS_ERR_OK;
}

// read_params reads auth-param *("," auth-param) after the scheme.
static galois_err read_params(struct galois_sip_challenge *out, struct galois_cur *c, bool *has_qop,
                              char *why, size_t max_why)
{
    unsigned seen = 0;
    struct value v;
    for (;;) {
        galois_cur_skip_while(c, is_sep);
        if (galois_cur_len(c) == 0) {
            return GALOIS_ERR_OK;
        }
        struct galois_cur name;
        if (!galois_cur_while(c, &name, is_token, 64)) {
            galois_sip_msg_why(why, max_why, "challenge: expected a parameter name");
            return GALOIS_ERR_PARSE;
        }
        galois_cur_skip_while(c, is_lws);
        if (!galois_cur_lit(c, "=")) {
            galois_sip_msg_why(why, max_why, "challenge: a parameter without '='");
            return GALOIS_ERR_PARSE;
        }
        galois_cur_skip_while(c, is_lws);
        GALOIS_TRY(read_value(c, &v, why, max_why));
        enum param p = P_OTHER;
        for (size_t i = 0; i < P_OTHER; i++) {
            if (galois_cur_eq_nocase(&name, param_names[i])) {
                p = (enum param)i;
            }
        }
        if (p != P_OTHER && (seen & (1u << p)) != 0) {
            galois_sip_msg_why(why, max_why, "challenge: %s given twice", param_names[p]);
            return GALOIS_ERR_PARSE;
        }
        seen |= 1u << p;
        GALOIS_TRY(apply(out, p, &v, has_qop, why, max_why));
        galois_cur_skip_while(c, is_lws);
        if (galois_cur_len(c) != 0 && !galois_cur_lit(c, ",")) {
            galois_sip_msg_why(why, max_why, "challenge: expected ',' after %.20s",
                               p == P_OTHER ? "a parameter" : param_names[p]);
            return GALOIS_ERR_PARSE;
        }
    }
}

galois_err galois_sip_challenge_parse(struct galois_sip_challenge *out, const char *value,
                                      size_t len, char *why, size_t max_why)
{
    memset(out, 0, sizeof(*out));
    galois_sip_msg_why(why, max_why, "%s", "");
    struct galois_cur c;
    struct galois_cur scheme;
    galois_cur_init(&c, (const uint8_t *)value, len);
    galois_cur_skip_while(&c, is_lws);
    if (!galois_cur_while(&c, &scheme, is_token, 32)) {
        galois_sip_msg_why(why, max_why, "challenge: no scheme");
        return GALOIS_ERR_PARSE;
    }
    if (!galois_cur_eq_nocase(&scheme, "Digest")) {
        galois_sip_msg_why(why, max_why, "challenge: scheme is not Digest");
        return GALOIS_ERR_UNSUPPORTED;
    }
    if (galois_cur_skip_while(&c, is_lws) == 0) {
        galois_sip_msg_why(why, max_why, "challenge: no parameters after Digest");
        return GALOIS_ERR_PARSE;
    }
    bool has_qop = false;
    galois_err err = read_params(out, &c, &has_qop, why, max_why);
    if (err == GALOIS_ERR_OK && (out->realm[0] == '\0' || out->nonce[0] == '\0')) {
        galois_sip_msg_why(why, max_why, "challenge: %s missing",
                           out->realm[0] == '\0' ? "realm" : "nonce");
        err = GALOIS_ERR_PARSE;
    }
    if (err == GALOIS_ERR_OK && has_qop && !out->qop_auth) {
        galois_sip_msg_why(why, max_why,
                           "challenge: qop offers no \"auth\" (auth-int is not done)");
        err = GALOIS_ERR_UNSUPPORTED;
    }
    if (err != GALOIS_ERR_OK) {
        memset(out, 0, sizeof(*out));
    }
    return err;
}

int galois_sip_challenge_choose(const struct galois_sip_challenge *chs, size_t num_chs)
{
    static const int rank[] = {
        [GALOIS_SIP_DIGEST_MD5_SESS] = 1,
        [GALOIS_SIP_DIGEST_MD5] = 2,
        [GALOIS_SIP_DIGEST_SHA256_SESS] = 3,
        [GALOIS_SIP_DIGEST_SHA256] = 4,
    };
    int best = -1;
    int best_rank = 0;
    for (size_t i = 0; i < num_chs && i < 1024; i++) {
        if (chs[i].nonce[0] == '\0' || (size_t)chs[i].alg >= GALOIS_ARRAY_LEN(rank)) {
            continue;
        }
        if (rank[chs[i].alg] > best_rank) {
            best_rank = rank[chs[i].alg];
            best = (int)i;
        }
    }
    return best;
}

// hash_hex writes the lowercase hex of H(parts[0] ":" parts[1] ":" ...) to `hex`.
static bool hash_hex(char hex[MAX_HEX + 1], bool sha256, const char *const *parts, size_t n)
{
    static const char digits[] = "0123456789abcdef";
    uint8_t md[EVP_MAX_MD_SIZE];
    unsigned md_len = 0;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    bool ok = ctx != NULL && EVP_DigestInit_ex(ctx, sha256 ? EVP_sha256() : EVP_md5(), NULL) == 1;
    for (size_t i = 0; ok && i < n; i++) {
        ok = (i == 0 || EVP_DigestUpdate(ctx, ":", 1) == 1) &&
             EVP_DigestUpdate(ctx, parts[i], strlen(parts[i])) == 1;
    }
    ok = ok && EVP_DigestFinal_ex(ctx, md, &md_len) == 1 && md_len * 2 <= MAX_HEX;
    if (ok) {
        for (unsigned i = 0; i < md_len; i++) {
            hex[2 * i] = digits[md[i] >> 4];
            hex[2 * i + 1] = digits[md[i] & 15];
        }
        hex[2 * md_len] = '\0';
    }
    EVP_MD_CTX_free(ctx);  // EVP_MD_CTX_free cleanses the context
    galois_secure_zero(md, sizeof(md));
    return ok;
}

static bool has_crlf(const char *s)
{
    return strpbrk(s, "\r\n") != NULL;
}

static void put_quoted(struct galois_buf *b, const char *name, const char *s)
{
    galois_buf_puts(b, name);
    galois_buf_puts(b, "=\"");
    for (; *s != '\0'; s++) {
        if (*s == '"' || *s == '\\') {
            galois_buf_putc(b, '\\');
        }
        galois_buf_putc(b, *s);
    }
    galois_buf_putc(b, '"');
}

// digest holds the hex values of one response: HA1 is secret.
struct digest {
    char ha1[MAX_HEX + 1], ha2[MAX_HEX + 1], response[MAX_HEX + 1];
    char nc[9], cnonce[MAX_CNONCE + 1];
};

static bool compute(struct digest *d, const struct galois_sip_challenge *ch, const char *user,
                    const char *password, const char *method, const char *uri)
{
    bool sha = ch->alg == GALOIS_SIP_DIGEST_SHA256 || ch->alg == GALOIS_SIP_DIGEST_SHA256_SESS;
    bool sess = ch->alg == GALOIS_SIP_DIGEST_MD5_SESS || ch->alg == GALOIS_SIP_DIGEST_SHA256_SESS;
    const char *a1[] = {user, ch->realm, password};
    const char *a2[] = {method, uri};
    if (!hash_hex(d->ha1, sha, a1, GALOIS_ARRAY_LEN(a1)) ||
        !hash_hex(d->ha2, sha, a2, GALOIS_ARRAY_LEN(a2))) {
        return false;
    }
    if (sess) {  // RFC 7616 §3.4.2: H(H(user:realm:pass):nonce:cnonce)
        char inner[MAX_HEX + 1];
        memcpy(inner, d->ha1, sizeof(inner));
        const char *s[] = {inner, ch->nonce, d->cnonce};
        bool ok = hash_hex(d->ha1, sha, s, GALOIS_ARRAY_LEN(s));
        galois_secure_zero(inner, sizeof(inner));
        if (!ok) {
            return false;
        }
    }
    if (ch->qop_auth) {
        const char *r[] = {d->ha1, ch->nonce, d->nc, d->cnonce, "auth", d->ha2};
        return hash_hex(d->response, sha, r, GALOIS_ARRAY_LEN(r));
    }
    const char *r[] = {d->ha1, ch->nonce, d->ha2};
    return hash_hex(d->response, sha, r, GALOIS_ARRAY_LEN(r));
}

static void put_response(struct galois_buf *b, const struct digest *d,
                         const struct galois_sip_challenge *ch, const char *user, const char *uri)
{
    bool sess = ch->alg == GALOIS_SIP_DIGEST_MD5_SESS || ch->alg == GALOIS_SIP_DIGEST_SHA256_SESS;
    put_quoted(b, "Digest username", user);
    put_quoted(b, ", realm", ch->realm);
    put_quoted(b, ", nonce", ch->nonce);
    put_quoted(b, ", uri", uri);
    put_quoted(b, ", response", d->response);
    galois_buf_puts(b, ", algorithm=");
    for (size_t i = 0; i < GALOIS_ARRAY_LEN(algs); i++) {
        if (algs[i].alg == ch->alg) {
            galois_buf_puts(b, algs[i].name);
        }
    }
    if (ch->qop_auth || sess) {
        put_quoted(b, ", cnonce", d->cnonce);
    }
    if (ch->qop_auth) {
        galois_buf_puts(b, ", nc=");
        galois_buf_puts(b, d->nc);
        galois_buf_puts(b, ", qop=auth");
    }
    if (ch->has_opaque) {
        put_quoted(b, ", opaque", ch->opaque);
    }
}

galois_err galois_sip_digest_response(char *out, size_t max_out,
                                      const struct galois_sip_challenge *ch, const char *user,
                                      const char *password, const char *method,
                                      const char *digest_uri, uint32_t nc, const char *cnonce)
{
    if (out == NULL || max_out == 0 || ch == NULL || user == NULL || password == NULL ||
        method == NULL || digest_uri == NULL || nc == 0 ||
        (size_t)ch->alg >= GALOIS_ARRAY_LEN(algs) ||
        memchr(ch->realm, 0, sizeof(ch->realm)) == NULL ||
        memchr(ch->nonce, 0, sizeof(ch->nonce)) == NULL ||
        memchr(ch->opaque, 0, sizeof(ch->opaque)) == NULL) {
        return GALOIS_ERR_INVALID;
    }
    if (has_crlf(user) || has_crlf(password) || has_crlf(ch->realm) || has_crlf(ch->nonce) ||
        has_crlf(ch->opaque) || has_crlf(method) || has_crlf(digest_uri) ||
        (cnonce != NULL && (has_crlf(cnonce) || strlen(cnonce) > MAX_CNONCE))) {
        return GALOIS_ERR_INVALID;
    }
    struct digest d;
    memset(&d, 0, sizeof(d));
    galois_err err = GALOIS_ERR_OK;
    snprintf(d.nc, sizeof(d.nc), "%08x", nc);
    if (cnonce != NULL) {
        memcpy(d.cnonce, cnonce, strlen(cnonce) + 1);
    } else {
        err = galois_sip_token(d.cnonce, sizeof(d.cnonce), "", 16);
        if (err != GALOIS_ERR_OK) {
            goto out;
        }
    }
    ERR_set_mark();
    if (!compute(&d, ch, user, password, method, digest_uri)) {
        ERR_pop_to_mark();
        err = GALOIS_ERR_CRYPTO;
        goto out;
    }
    ERR_pop_to_mark();
    struct galois_buf b;
    galois_buf_init(&b, out, max_out);
    put_response(&b, &d, ch, user, digest_uri);
    if (!galois_buf_finish(&b)) {
        galois_secure_zero(out, max_out);
        err = GALOIS_ERR_BUFFER;
    }
out:
    galois_secure_zero(&d, sizeof(d));
    return err;
}
