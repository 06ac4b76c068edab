// What a connection negotiated, as data (galois_tls_conn_info) and as one human line or one
// JSON object written into the caller's fixed buffer.
#include <limits.h>
#include <openssl/x509.h>
#include <string.h>

#include "internal.h"

// put copies the NUL-terminated `s` (NULL is "") into the field `dst` of `room` bytes, cut to fit.
static void put(char *dst, size_t room, const char *s)
{
    size_t n = s == NULL ? 0 : strlen(s);
    if (n >= room) {
        n = room - 1;
    }
    if (n > 0) {
        memcpy(dst, s, n);
    }
    dst[n] = '\0';
}

// put_name writes an X.509 name in RFC 2253 form, non-ASCII escaped, into `dst`.
static void put_name(char *dst, size_t room, const X509_NAME *name)
{
    dst[0] = '\0';
    BIO *b = BIO_new(BIO_s_mem());
    if (b == NULL) {
        return;
    }
    if (X509_NAME_print_ex(b, name, 0, XN_FLAG_RFC2253) >= 0) {
        int n = BIO_read(b, dst, (int)room - 1);
        dst[n > 0 ? n : 0] = '\0';
    }
    BIO_free(b);
}

galois_err galois_tls_conn_info(const struct galois_tls_conn *c, struct galois_tls_info *out)
{
    memset(out, 0, sizeof(*out));
    if (!c->done || c->failed) {
        return GALOIS_ERR_STATE;
    }
    SSL *ssl = c->ssl;
    put(out->version, sizeof(out->version), SSL_get_version(ssl));
    const SSL_CIPHER *cipher = SSL_get_current_cipher(ssl);
    if (cipher != NULL) {
        put(out->cipher, sizeof(out->cipher), SSL_CIPHER_get_name(cipher));
        put(out->cipher_iana, sizeof(out->cipher_iana), SSL_CIPHER_standard_name(cipher));
    }
    long group = SSL_get_negotiated_group(ssl);  // a NID, or 0 when no group was used
    if (group > 0 && group <= INT_MAX) {
        put(out->group, sizeof(out->group), SSL_group_to_name(ssl, (int)group));
    }
    X509 *peer = SSL_get0_peer_certificate(ssl);
    long vr = SSL_get_verify_result(ssl);
    if (peer != NULL) {
        put_name(out->peer_subject, sizeof(out->peer_subject), X509_get_subject_name(peer));
        put_name(out->peer_issuer, sizeof(out->peer_issuer), X509_get_issuer_name(peer));
    }
    bool checked = c->ctx->role == GALOIS_TLS_CLIENT
                       ? c->ctx->verify
                       : c->ctx->verify && c->ctx->client_cert != GALOIS_TLS_CLIENT_CERT_NONE;
    if (peer == NULL) {
        put(out->verify_result, sizeof(out->verify_result), "no peer certificate");
    } else if (!checked) {
        tls_why(out->verify_result, sizeof(out->verify_result),
                "not checked (verify=no); chain: %s", X509_verify_cert_error_string(vr));
    } else {
        out->peer_verified = vr == X509_V_OK;
        put(out->verify_result, sizeof(out->verify_result), X509_verify_cert_error_string(vr));
    }
    if (c->ctx->role == GALOIS_TLS_CLIENT) {
        put(out->sni, sizeof(out->sni), c->sni_sent);
    } else {
        put(out->sni, sizeof(out->sni), SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name));
    }
    out->resumed = SSL_session_reused(ssl) == 1;
    return GALOIS_ERR_OK;
}

// puts_clean writes `s` with control characters shown as '?', so that a peer's name cannot
// move a terminal's cursor.
static void puts_clean(struct galois_buf *b, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
        galois_buf_putc(b, *p < 0x20 || *p == 0x7f ? '?' : (char)*p);
    }
}

// finish NUL-terminates the output, or empties it and reports the room short.
static galois_err finish(struct galois_buf *b, char *out, size_t max)
{
    if (galois_buf_finish(b)) {
        return GALOIS_ERR_OK;
    }
    if (max > 0) {
        out[0] = '\0';
    }
    return GALOIS_ERR_BUFFER;
}

galois_err galois_tls_info_text(char *out, size_t max, const struct galois_tls_info *i)
{
    struct galois_buf b;
    galois_buf_init(&b, out, max);
    galois_buf_puts(&b, i->version);
    galois_buf_putc(&b, ' ');
    galois_buf_puts(&b, i->cipher);
    if (i->cipher_iana[0] != '\0' && strcmp(i->cipher_iana, i->cipher) != 0) {
        galois_buf_puts(&b, " (");
        galois_buf_puts(&b, i->cipher_iana);
        galois_buf_putc(&b, ')');
    }
    galois_buf_puts(&b, ", group ");
    galois_buf_puts(&b, i->group[0] != '\0' ? i->group : "none");
    if (i->peer_subject[0] != '\0') {
        galois_buf_puts(&b, ", peer \"");
        puts_clean(&b, i->peer_subject);
        galois_buf_puts(&b, "\" issued by \"");
        puts_clean(&b, i->peer_issuer);
        galois_buf_putc(&b, '"');
    } else {
        galois_buf_puts(&b, ", no peer certificate");
    }
    galois_buf_puts(&b, i->peer_verified ? ", verified" : ", NOT verified");
    galois_buf_puts(&b, " (");
    puts_clean(&b, i->verify_result);
    galois_buf_puts(&b, "), sni ");
    puts_clean(&b, i->sni[0] != '\0' ? i->sni : "none");
    if (i->resumed) {
        galois_buf_puts(&b, ", resumed");
    }
    return finish(&b, out, max);
}

// json_str writes `s` as a JSON string (RFC 8259 §7): quotes, backslashes and control
// characters escaped; other bytes as they are.
static void json_str(struct galois_buf *b, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    galois_buf_putc(b, '"');
    for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
        if (*p == '"' || *p == '\\') {
            galois_buf_putc(b, '\\');
            galois_buf_putc(b, (char)*p);
        } else if (*p < 0x20) {
            galois_buf_puts(b, "\\u00");
            galois_buf_putc(b, hex[*p >> 4]);
            galois_buf_putc(b, hex[*p & 15]);
        } else {
            galois_buf_putc(b, (char)*p);
        }
    }
    galois_buf_putc(b, '"');
}

static void json_field(struct galois_buf *b, const char *name, const char *value, bool first)
{
    if (!first) {
        galois_buf_putc(b, ',');
    }
    json_str(b, name);
    galois_buf_putc(b, ':');
    json_str(b, value);
}

galois_err galois_tls_info_json(char *out, size_t max, const struct galois_tls_info *i)
{
    struct galois_buf b;
    galois_buf_init(&b, out, max);
    galois_buf_putc(&b, '{');
    json_field(&b, "version", i->version, true);
    json_field(&b, "cipher", i->cipher, false);
    json_field(&b, "cipher_iana", i->cipher_iana, false);
    json_field(&b, "group", i->group, false);
    json_field(&b, "peer_subject", i->peer_subject, false);
    json_field(&b, "peer_issuer", i->peer_issuer, false);
    galois_buf_puts(&b, i->peer_verified ? ",\"peer_verified\":true" : ",\"peer_verified\":false");
    json_field(&b, "verify_result", i->verify_result, false);
    json_field(&b, "sni", i->sni, false);
    galois_buf_puts(&b, i->resumed ? ",\"resumed\":true}" : ",\"resumed\":false}");
    return finish(&b, out, max);
}
