// The server identity check of RFC 5922 §7.1 (SIP domain certificates): the target host is
// matched against the subjectAltName URIs "sip:host", the dNSNames and the iPAddresses; the
// subject's CN counts only when the certificate has no subjectAltName at all. Wildcards never
// match (RFC 5922 §7.2). OpenSSL's own host check knows no SIP URIs, hence this file.
#include <arpa/inet.h>
#include <openssl/x509v3.h>
#include <string.h>

#include "internal.h"

enum { NAME_MAX_LEN = GALOIS_TLS_MAX_NAME_LEN };

bool tls_ip_literal(const char *name, uint8_t out[16], size_t *out_len)
{
    char tmp[64];
    size_t n = strlen(name);
    if (n >= sizeof(tmp)) {
        return false;
    }
    if (n >= 2 && name[0] == '[' && name[n - 1] == ']') {
        memcpy(tmp, name + 1, n - 2);
        tmp[n - 2] = '\0';
    } else {
        memcpy(tmp, name, n + 1);
    }
    if (inet_pton(AF_INET, tmp, out) == 1) {
        *out_len = 4;
        return true;
    }
    if (inet_pton(AF_INET6, tmp, out) == 1) {
        *out_len = 16;
        return true;
    }
    return false;
}

// target is the host a client asked for, parsed once.
struct target {
    const char *host;
    bool is_ip;
    uint8_t ip[16];
    size_t ip_len;
};

// note adds a name found in the certificate to the list the mismatch message prints, with
// anything but printable ASCII shown as '?'.
static void note(struct galois_buf *seen, const char *prefix, const struct galois_cur *name)
{
    if (seen->len > 0) {
        galois_buf_puts(seen, ", ");
    }
    galois_buf_puts(seen, prefix);
    struct galois_cur c = *name;
    uint8_t ch = 0;
    while (galois_cur_u8(&c, &ch)) {
        galois_buf_putc(seen, ch >= 0x20 && ch < 0x7f ? (char)ch : '?');
    }
}

// host_matches compares a host taken from the certificate (a name, or an IP literal in text)
// with the target.
static bool host_matches(const struct target *t, const struct galois_cur *host)
{
    if (!t->is_ip) {
        // Exact match, ASCII case ignored; a '*' is only ever equal to itself, and no target
        // holds one, so a wildcard never matches.
        return galois_cur_eq_nocase(host, t->host);
    }
    char text[64];
    uint8_t ip[16];
    size_t ip_len = 0;
    struct galois_cur c = *host;
    if (galois_cur_len(&c) >= sizeof(text) ||
        !galois_cur_copy(&c, (uint8_t *)text, galois_cur_len(host))) {
        return false;
    }
    text[galois_cur_len(host)] = '\0';
    return tls_ip_literal(text, ip, &ip_len) && ip_len == t->ip_len &&
           memcmp(ip, t->ip, ip_len) == 0;
}

static bool is_host_end(uint8_t ch)
{
    return ch != ':' && ch != ';' && ch != '?' && ch != '@';
}

// uri_matches handles a URI subjectAltName: only "sip:host" (no user part) names a SIP domain.
static bool uri_matches(const struct target *t, const struct galois_cur *uri)
{
    struct galois_cur c = *uri;
    struct galois_cur host;
    if (!galois_cur_lit_nocase(&c, "sip:")) {
        return false;
    }
    if (galois_cur_lit(&c, "[")) {
        // An IPv6 reference: up to the ']'.
        if (!galois_cur_until(&c, &host, ']', NAME_MAX_LEN) || !galois_cur_lit(&c, "]")) {
            return false;
        }
    } else if (!galois_cur_while(&c, &host, is_host_end, NAME_MAX_LEN)) {
        return false;
    }
    if (galois_cur_lit(&c, "@")) {
        return false;  // sip:user@host is a user, not a domain
    }
    return host_matches(t, &host);
}

static void ip_text(struct galois_buf *seen, const struct galois_cur *raw)
{
    char text[INET6_ADDRSTRLEN];
    uint8_t bytes[16];
    struct galois_cur c = *raw;
    size_t n = galois_cur_len(raw);
    struct galois_cur shown;
    if ((n != 4 && n != 16) || !galois_cur_copy(&c, bytes, n) ||
        inet_ntop(n == 4 ? AF_INET : AF_INET6, bytes, text, sizeof(text)) == NULL) {
        memcpy(text, "(bad IP)", 9);
    }
    galois_cur_init(&shown, (const uint8_t *)text, strlen(text));
    note(seen, "", &shown);
}

static void view(struct galois_cur *out, const ASN1_STRING *s)
{
    galois_cur_init(out, ASN1_STRING_get0_data(s), (size_t)ASN1_STRING_length(s));
}

// match_sans walks the subjectAltName, noting every name it sees in `seen`.
static bool match_sans(X509 *cert, const struct target *t, struct galois_buf *seen)
{
    GENERAL_NAMES *sans = X509_get_ext_d2i(cert, NID_subject_alt_name, NULL, NULL);
    bool match = false;
    for (int i = 0; sans != NULL && i < sk_GENERAL_NAME_num(sans) && !match; i++) {
        const GENERAL_NAME *gn = sk_GENERAL_NAME_value(sans, i);
        struct galois_cur v;
        switch (gn->type) {
            case GEN_URI:
                view(&v, gn->d.uniformResourceIdentifier);
                note(seen, "", &v);
                match = uri_matches(t, &v);
                break;
            case GEN_DNS:
                view(&v, gn->d.dNSName);
                note(seen, "", &v);
                match = !t->is_ip && host_matches(t, &v);
                break;
            case GEN_IPADD:
                view(&v, gn->d.iPAddress);
                ip_text(seen, &v);
                match = t->is_ip && galois_cur_len(&v) == t->ip_len &&
                        memcmp(galois_cur_data(&v), t->ip, t->ip_len) == 0;
                break;
            default:
                break;
        }
    }
    GENERAL_NAMES_free(sans);
    return match;
}

static bool match_cn(X509 *cert, const struct target *t, struct galois_buf *seen)
{
    const X509_NAME *subject = X509_get_subject_name(cert);
    int at = X509_NAME_get_index_by_NID(subject, NID_commonName, -1);
    if (at < 0) {
        return false;
    }
    const ASN1_STRING *cn = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, at));
    struct galois_cur v;
    view(&v, cn);
    note(seen, "CN=", &v);
    return host_matches(t, &v);
}

bool tls_identity_match(X509 *cert, const char *host, char *msg, size_t max_msg)
{
    struct target t = {.host = host};
    t.is_ip = tls_ip_literal(host, t.ip, &t.ip_len);
    char seen_mem[256];
    struct galois_buf seen;
    galois_buf_init(&seen, seen_mem, sizeof(seen_mem) - 4);
    bool has_san = X509_get_ext_by_NID(cert, NID_subject_alt_name, -1) >= 0;
    bool match = has_san ? match_sans(cert, &t, &seen) : match_cn(cert, &t, &seen);
    if (!match) {
        if (seen.failed) {
            memcpy(seen_mem + seen.len, "...", 4);
        } else {
            (void)galois_buf_finish(&seen);
        }
        tls_why(msg, max_msg, "hostname mismatch: certificate is for %s, we wanted %s",
                seen.len > 0 ? seen_mem : "(no name)", host);
    }
    return match;
}
