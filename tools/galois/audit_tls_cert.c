// The certificate part of `galois audit`: describe the leaf the server sent, verify the chain
// it sent against the trusted CAs, and check the name, each independently of the others.
#include <arpa/inet.h>
#include <openssl/err.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "audit_tls_conn.h"
#include "rd.h"

// text is an appender over a caller's buffer: it truncates and always stays NUL-terminated.
struct text {
    char *p;
    size_t cap;
    size_t len;
};

static void text_init(struct text *t, char *buf, size_t cap)
{
    t->p = buf;
    t->cap = cap;
    t->len = 0;
    buf[0] = '\0';
}

static void text_add(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void text_add(struct text *t, const char *fmt, ...)
{
    if (t->len + 1 >= t->cap) {
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(t->p + t->len, t->cap - t->len, fmt, ap);
    va_end(ap);
    if (n > 0) {
        t->len += (size_t)n < t->cap - t->len ? (size_t)n : t->cap - t->len - 1;
    }
}

// text_add_bytes appends certificate bytes (untrusted) as printable ASCII, '?' for the rest.
static void text_add_bytes(struct text *t, const ASN1_STRING *s)
{
    struct galois_rd r;
    int n = ASN1_STRING_length(s);
    galois_rd_init(&r, ASN1_STRING_get0_data(s), n > 0 ? (size_t)n : 0);
    uint8_t b = 0;
    while (galois_rd_u8(&r, &b)) {
        text_add(t, "%c", b >= 0x20 && b < 0x7f ? (char)b : '?');
    }
}

static void name_text(char *out, size_t cap, const X509_NAME *name)
{
    out[0] = '\0';
    BIO *bio = BIO_new(BIO_s_mem());
    if (bio == NULL) {
        return;
    }
    // One line, "C=US, O=Example, CN=sip.example.com", control and non-ASCII bytes escaped.
    unsigned long flags = (unsigned long)XN_FLAG_ONELINE & ~(unsigned long)XN_FLAG_SPC_EQ;
    if (X509_NAME_print_ex(bio, name, 0, flags) >= 0) {
        int n = BIO_read(bio, out, (int)cap - 1);
        out[n > 0 ? n : 0] = '\0';
    }
    BIO_free(bio);
}

static void time_text(char *out, size_t cap, const ASN1_TIME *t)
{
    struct tm tm;
    memset(&tm, 0, sizeof(tm));
    if (t == NULL || ASN1_TIME_to_tm(t, &tm) != 1 ||
        strftime(out, cap, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0) {
        audit_tls_set_text(out, cap, "?");
    }
}

static void key_text(struct audit_cert *out, X509 *leaf)
{
    EVP_PKEY *pk = X509_get0_pubkey(leaf);
    if (pk == NULL) {
        audit_tls_set_text(out->key_type, sizeof(out->key_type), "unknown");
        return;
    }
    const char *type = NULL;
    switch (EVP_PKEY_get_base_id(pk)) {
        case EVP_PKEY_RSA:
            type = "RSA";
            break;
        case EVP_PKEY_RSA_PSS:
            type = "RSA-PSS";
            break;
        case EVP_PKEY_EC:
            type = "EC";
            break;
        case EVP_PKEY_ED25519:
            type = "Ed25519";
            break;
        case EVP_PKEY_ED448:
            type = "Ed448";
            break;
        case EVP_PKEY_DSA:
            type = "DSA";
            break;
        default:
            type = EVP_PKEY_get0_type_name(pk);
            break;
    }
    audit_tls_set_text(out->key_type, sizeof(out->key_type), "%s", type != NULL ? type : "unknown");
    out->key_bits = EVP_PKEY_get_bits(pk);
}

static void alt_names_text(char *out, size_t cap, X509 *leaf)
{
    struct text t;
    text_init(&t, out, cap);
    GENERAL_NAMES *names = X509_get_ext_d2i(leaf, NID_subject_alt_name, NULL, NULL);
    for (int i = 0; names != NULL && i < sk_GENERAL_NAME_num(names); i++) {
        const GENERAL_NAME *g = sk_GENERAL_NAME_value(names, i);
        text_add(&t, "%s", i == 0 ? "" : ", ");
        if (g->type == GEN_DNS) {
            text_add(&t, "DNS:");
            text_add_bytes(&t, g->d.dNSName);
        } else if (g->type == GEN_URI) {
            text_add(&t, "URI:");
            text_add_bytes(&t, g->d.uniformResourceIdentifier);
        } else if (g->type == GEN_EMAIL) {
            text_add(&t, "email:");
            text_add_bytes(&t, g->d.rfc822Name);
        } else if (g->type == GEN_IPADD) {
            char ip[INET6_ADDRSTRLEN] = "?";
            int n = ASN1_STRING_length(g->d.iPAddress);
            const unsigned char *p = ASN1_STRING_get0_data(g->d.iPAddress);
            if (n == 4 || n == 16) {
                inet_ntop(n == 4 ? AF_INET : AF_INET6, p, ip, sizeof(ip));
            }
            text_add(&t, "IP:%s", ip);
        } else {
            text_add(&t, "other");
        }
    }
    GENERAL_NAMES_free(names);
}

// verify_chain verifies `leaf` with the `chain` the server sent as untrusted intermediates,
// against t->ca_file or the system's default CAs, for a TLS server.
static void verify_chain(struct audit_cert *out, X509 *leaf, STACK_OF(X509) * chain,
                         const struct audit_target *t)
{
    X509_STORE *store = X509_STORE_new();
    X509_STORE_CTX *vctx = X509_STORE_CTX_new();
    if (store == NULL || vctx == NULL) {
        audit_tls_set_text(out->verify_error, sizeof(out->verify_error), "out of memory");
        goto out;
    }
    if (t->ca_file[0] != '\0') {
        if (X509_STORE_load_file(store, t->ca_file) != 1) {
            unsigned long code = ERR_peek_last_error();
            const char *why = code != 0 ? ERR_reason_error_string(code) : NULL;
            audit_tls_set_text(out->verify_error, sizeof(out->verify_error),
                               "cannot load CA file %s%s%s", t->ca_file, why != NULL ? ": " : "",
                               why != NULL ? why : "");
            goto out;
        }
    } else if (X509_STORE_set_default_paths(store) != 1) {
        audit_tls_set_text(out->verify_error, sizeof(out->verify_error),
                           "cannot load the system CAs");
        goto out;
    }
    if (X509_STORE_CTX_init(vctx, store, leaf, chain) != 1 ||
        X509_STORE_CTX_set_default(vctx, "ssl_server") != 1) {
        audit_tls_set_text(out->verify_error, sizeof(out->verify_error),
                           "cannot set up verification");
        goto out;
    }
    if (X509_verify_cert(vctx) == 1) {
        out->chain_verified = true;
    } else {
        int e = X509_STORE_CTX_get_error(vctx);
        audit_tls_set_text(out->verify_error, sizeof(out->verify_error), "%s",
                           X509_verify_cert_error_string(e));
    }
out:
    X509_STORE_CTX_free(vctx);
    X509_STORE_free(store);
    ERR_clear_error();
}

// name_matches applies RFC 6125 host matching (no partial wildcards such as "s*.example.com")
// or an exact IP match when the name is an address literal.
static bool name_matches(X509 *leaf, const char *name)
{
    unsigned char buf[sizeof(struct in6_addr)];
    if (inet_pton(AF_INET, name, buf) == 1 || inet_pton(AF_INET6, name, buf) == 1) {
        return X509_check_ip_asc(leaf, name, 0) == 1;
    }
    return X509_check_host(leaf, name, 0, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS, NULL) == 1;
}

void audit_tls_cert_fill(struct audit_cert *out, SSL *ssl, const struct audit_target *t)
{
    memset(out, 0, sizeof(*out));
    X509 *leaf = SSL_get0_peer_certificate(ssl);
    if (leaf == NULL) {
        return;
    }
    out->present = true;
    STACK_OF(X509) *chain = SSL_get_peer_cert_chain(ssl);  // the client's view includes the leaf
    out->chain_len = chain != NULL ? (size_t)sk_X509_num(chain) : 1;

    name_text(out->subject, sizeof(out->subject), X509_get_subject_name(leaf));
    name_text(out->issuer, sizeof(out->issuer), X509_get_issuer_name(leaf));
    time_text(out->not_before, sizeof(out->not_before), X509_get0_notBefore(leaf));
    time_text(out->not_after, sizeof(out->not_after), X509_get0_notAfter(leaf));
    int days = 0;
    int secs = 0;
    if (ASN1_TIME_diff(&days, &secs, NULL, X509_get0_notAfter(leaf)) == 1) {
        out->days_left = days;
    }
    out->expired = X509_cmp_current_time(X509_get0_notAfter(leaf)) < 0;
    out->not_yet_valid = X509_cmp_current_time(X509_get0_notBefore(leaf)) > 0;
    key_text(out, leaf);
    const char *sig = OBJ_nid2ln(X509_get_signature_nid(leaf));
    audit_tls_set_text(out->sig_alg, sizeof(out->sig_alg), "%s", sig != NULL ? sig : "unknown");
    out->self_signed = X509_check_issued(leaf, leaf) == X509_V_OK ||
                       X509_NAME_cmp(X509_get_subject_name(leaf), X509_get_issuer_name(leaf)) == 0;
    alt_names_text(out->names, sizeof(out->names), leaf);

    verify_chain(out, leaf, chain, t);
    out->name_matched = name_matches(leaf, t->sni[0] != '\0' ? t->sni : t->host);
    ERR_clear_error();
}
