// The lists of a policy in OpenSSL's syntax: TLS 1.2 ciphers (with the "asked for by name"
// rule, docs/TLS.md), TLS 1.3 suites, groups and signature algorithms. Each name is tried alone
// on a scratch context first, so that a message can name the one OpenSSL does not know.
#include <string.h>

#include "internal.h"

enum { TOKEN_MAX = 128 };

static const char cipher_seps[] = ":, ;";

// next_token copies the next token of a list (separated by any of `seps`) into `tok`; false at
// the end of the list. A token too long for `tok` is cut, which no real name is.
static bool next_token(struct galois_cur *c, char tok[TOKEN_MAX], const char *seps)
{
    struct galois_cur t;
    while (galois_cur_len(c) > 0 && strchr(seps, galois_cur_data(c)[0]) != NULL) {
        (void)galois_cur_skip(c, 1);
    }
    if (!galois_cur_until_any(c, &t, seps, GALOIS_TLS_MAX_LIST_LEN)) {
        return false;
    }
    size_t n = galois_cur_len(&t) < TOKEN_MAX - 1 ? galois_cur_len(&t) : TOKEN_MAX - 1;
    memcpy(tok, galois_cur_data(&t), n);
    tok[n] = '\0';
    return true;
}

// rule strips the operator of a cipher-list token: '!' and '-' remove, '+' moves.
static const char *rule(const char *tok, bool *adds)
{
    *adds = tok[0] != '!' && tok[0] != '-' && tok[0] != '+';
    return tok[0] == '!' || tok[0] == '-' || tok[0] == '+' ? tok + 1 : tok;
}

static bool is_tls13(const SSL_CIPHER *c)
{
    return SSL_CIPHER_get_kx_nid(c) == NID_kx_any;
}

// weakness says what a TLS 1.2 cipher lacks by the default's standard, or NULL.
static const char *weakness(const SSL_CIPHER *c)
{
    if (SSL_CIPHER_get_auth_nid(c) == NID_auth_null) {
        return "anonymous, no authentication";
    }
    if (SSL_CIPHER_get_kx_nid(c) != NID_kx_ecdhe) {
        return "not ECDHE key exchange";
    }
    if (!SSL_CIPHER_is_aead(c)) {
        return "not an AEAD cipher";
    }
    return NULL;
}

// expands_to says whether the cipher list `list`, alone, brings in the cipher `want`.
static bool expands_to(SSL_CTX *scratch, const char *list, const SSL_CIPHER *want)
{
    if (SSL_CTX_set_cipher_list(scratch, list) != 1) {
        return false;
    }
    STACK_OF(SSL_CIPHER) *sk = SSL_CTX_get_ciphers(scratch);
    for (int i = 0; i < sk_SSL_CIPHER_num(sk); i++) {
        if (SSL_CIPHER_get_id(sk_SSL_CIPHER_value(sk, i)) == SSL_CIPHER_get_id(want)) {
            return true;
        }
    }
    return false;
}

// named says whether the cipher list `list` adds `name` by its exact name.
static bool named(const char *list, const char *name)
{
    struct galois_cur c;
    char tok[TOKEN_MAX];
    bool adds = false;
    galois_cur_init(&c, (const uint8_t *)list, strlen(list));
    while (next_token(&c, tok, cipher_seps)) {
        if (strcmp(rule(tok, &adds), name) == 0 && adds) {
            return true;
        }
    }
    return false;
}

// check_cipher_names refuses a token that names no cipher and no keyword OpenSSL knows.
static galois_err check_cipher_names(SSL_CTX *scratch, const char *list, char *why, size_t max_why)
{
    struct galois_cur c;
    char tok[TOKEN_MAX];
    bool adds = false;
    galois_cur_init(&c, (const uint8_t *)list, strlen(list));
    while (next_token(&c, tok, cipher_seps)) {
        const char *r = rule(tok, &adds);
        if (r[0] == '@') {
            continue;  // @STRENGTH, @SECLEVEL=n: OpenSSL checks those with the whole list
        }
        if (SSL_CTX_set_cipher_list(scratch, r) != 1) {
            tls_why(why, max_why, "tls ciphers: unknown cipher '%s'", r);
            return GALOIS_ERR_INVALID;
        }
    }
    return GALOIS_ERR_OK;
}

// keyword_of finds the first adding token of `list` that brings in `c` (the keyword rule).
static void keyword_of(SSL_CTX *scratch, const char *list, const SSL_CIPHER *c, char out[TOKEN_MAX])
{
    struct galois_cur cur;
    bool adds = false;
    galois_cur_init(&cur, (const uint8_t *)list, strlen(list));
    while (next_token(&cur, out, cipher_seps)) {
        const char *r = rule(out, &adds);
        if (adds && r[0] != '@' && expands_to(scratch, r, c)) {
            return;
        }
    }
    memcpy(out, "?", 2);
}

// set_ciphers sets the TLS 1.2 (and older) cipher list, refusing unknown names, weak ciphers
// that only a keyword brought in, and a list with nothing usable when TLS 1.2 is allowed.
galois_err tls_set_ciphers(SSL_CTX *ctx, SSL_CTX *scratch, const struct galois_tls_policy *p,
                           char *why, size_t max_why)
{
    bool wanted = p->min_version <= GALOIS_TLS_V1_2;
    if (p->ciphers[0] == '\0') {
        if (wanted) {
            tls_why(why, max_why, "tls ciphers: the list is empty but min is %s",
                    galois_tls_version_name(p->min_version));
            return GALOIS_ERR_POLICY;
        }
        return GALOIS_ERR_OK;
    }
    GALOIS_TRY(check_cipher_names(scratch, p->ciphers, why, max_why));
    if (SSL_CTX_set_cipher_list(ctx, p->ciphers) != 1) {
        tls_why(why, max_why, "tls ciphers: '%s' selects no cipher", p->ciphers);
        return GALOIS_ERR_INVALID;
    }
    STACK_OF(SSL_CIPHER) *sk = SSL_CTX_get_ciphers(ctx);
    int usable = 0;
    for (int i = 0; i < sk_SSL_CIPHER_num(sk); i++) {
        const SSL_CIPHER *c = sk_SSL_CIPHER_value(sk, i);
        if (is_tls13(c)) {
            continue;
        }
        usable++;
        const char *weak = weakness(c);
        if (weak != NULL && !named(p->ciphers, SSL_CIPHER_get_name(c))) {
            char kw[TOKEN_MAX];
            keyword_of(scratch, p->ciphers, c, kw);
            tls_why(why, max_why,
                    "tls ciphers: '%s' brings in %s (%s); write it by its exact name to allow "
                    "it, or remove it with '!%s'",
                    kw, SSL_CIPHER_get_name(c), weak, SSL_CIPHER_get_name(c));
            return GALOIS_ERR_POLICY;
        }
    }
    if (wanted && usable == 0) {
        tls_why(why, max_why, "tls ciphers: min is %s but '%s' has no TLS 1.2 cipher",
                galois_tls_version_name(p->min_version), p->ciphers);
        return GALOIS_ERR_POLICY;
    }
    return GALOIS_ERR_OK;
}

// set_ciphersuites sets the TLS 1.3 suites. OpenSSL skips unknown names in silence, so each
// name is tried alone first.
galois_err tls_set_ciphersuites(SSL_CTX *ctx, SSL_CTX *scratch, const struct galois_tls_policy *p,
                                char *why, size_t max_why)
{
    struct galois_cur c;
    char tok[TOKEN_MAX];
    galois_cur_init(&c, (const uint8_t *)p->ciphersuites, strlen(p->ciphersuites));
    while (next_token(&c, tok, ":")) {
        bool found = false;
        if (SSL_CTX_set_ciphersuites(scratch, tok) == 1) {
            STACK_OF(SSL_CIPHER) *sk = SSL_CTX_get_ciphers(scratch);
            for (int i = 0; i < sk_SSL_CIPHER_num(sk); i++) {
                const SSL_CIPHER *s = sk_SSL_CIPHER_value(sk, i);
                found = found || (is_tls13(s) && strcmp(SSL_CIPHER_get_name(s), tok) == 0);
            }
        }
        if (!found) {
            tls_why(why, max_why, "tls ciphersuites: unknown TLS 1.3 suite '%s'", tok);
            return GALOIS_ERR_INVALID;
        }
    }
    if (p->ciphersuites[0] == '\0' && p->max_version >= GALOIS_TLS_V1_3) {
        tls_why(why, max_why, "tls ciphersuites: the list is empty but max is TLSv1.3");
        return GALOIS_ERR_POLICY;
    }
    if (SSL_CTX_set_ciphersuites(ctx, p->ciphersuites) != 1) {
        tls_why(why, max_why, "tls ciphersuites: OpenSSL refused '%s'", p->ciphersuites);
        return GALOIS_ERR_INVALID;
    }
    return GALOIS_ERR_OK;
}

// set_list sets the groups or the signature algorithms, trying each name alone first so the
// message can name the bad one.
galois_err tls_set_list(SSL_CTX *ctx, SSL_CTX *scratch, bool groups, const char *list, char *why,
                        size_t max_why)
{
    const char *what = groups ? "groups" : "sigalgs";
    const char *kind = groups ? "group" : "signature algorithm";
    struct galois_cur c;
    char tok[TOKEN_MAX];
    galois_cur_init(&c, (const uint8_t *)list, strlen(list));
    while (next_token(&c, tok, ":")) {
        long ok = groups ? SSL_CTX_set1_groups_list(scratch, tok)
                         : SSL_CTX_set1_sigalgs_list(scratch, tok);
        if (ok != 1) {
            tls_why(why, max_why, "tls %s: unknown %s '%s'", what, kind, tok);
            return GALOIS_ERR_INVALID;
        }
    }
    // OpenSSL's macros take a non-const pointer: give them a copy.
    char copy[GALOIS_TLS_MAX_LIST_LEN + 1];
    size_t n = strlen(list);
    if (n >= sizeof(copy)) {
        tls_why(why, max_why, "tls %s: over %d bytes", what, GALOIS_TLS_MAX_LIST_LEN);
        return GALOIS_ERR_INVALID;
    }
    memcpy(copy, list, n + 1);
    long ok = groups ? SSL_CTX_set1_groups_list(ctx, copy) : SSL_CTX_set1_sigalgs_list(ctx, copy);
    if (ok != 1) {
        tls_why(why, max_why, "tls %s: OpenSSL refused '%s'", what, list);
        return GALOIS_ERR_INVALID;
    }
    return GALOIS_ERR_OK;
}
