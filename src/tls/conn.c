// One TLS connection over a caller's non-blocking socket: the handshake, reads and writes as
// steps a poll() loop drives, and why a step failed, in words a person can act on.
#include <errno.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>
#include <string.h>

#include "internal.h"

int tls_verify_cb(int ok, X509_STORE_CTX *xs)
{
    SSL *ssl = X509_STORE_CTX_get_ex_data(xs, SSL_get_ex_data_X509_STORE_CTX_idx());
    struct galois_tls_conn *c = ssl == NULL ? NULL : SSL_get_app_data(ssl);
    if (c == NULL) {
        return ok;
    }
    if (!c->ctx->verify) {
        // verify=no: let the handshake go on; the chain's result is still recorded for
        // galois_tls_conn_info.
        return 1;
    }
    if (ok && X509_STORE_CTX_get_error_depth(xs) == 0 && c->ctx->role == GALOIS_TLS_CLIENT &&
        c->peer_name[0] != '\0') {
        X509 *cert = X509_STORE_CTX_get_current_cert(xs);
        if (!tls_identity_match(cert, c->peer_name, c->mismatch, sizeof(c->mismatch))) {
            X509_STORE_CTX_set_error(xs, X509_V_ERR_HOSTNAME_MISMATCH);
            return 0;
        }
    }
    return ok;
}

galois_err galois_tls_conn_new(struct galois_tls_conn **out, struct galois_tls_ctx *ctx, int fd,
                               const char *peer_name)
{
    *out = NULL;
    bool client = ctx->role == GALOIS_TLS_CLIENT;
    if (fd < 0 || (client && peer_name == NULL) ||
        (peer_name != NULL && strlen(peer_name) > GALOIS_TLS_MAX_NAME_LEN)) {
        return GALOIS_ERR_INVALID;
    }
    ERR_set_mark();
    galois_err err = GALOIS_ERR_NOMEM;
    struct galois_tls_conn *c = calloc(1, sizeof(*c));
    BIO *bio = NULL;
    if (c == NULL) {
        goto out;
    }
    c->ctx = ctx;
    c->ssl = SSL_new(ctx->ssl_ctx);
    bio = tls_nosigpipe_bio(fd);
    if (c->ssl == NULL || bio == NULL) {
        goto out;
    }
    SSL_set_bio(c->ssl, bio, bio);  // the SSL owns the BIO now; the BIO borrows the fd
    bio = NULL;
    SSL_set_app_data(c->ssl, c);
    if (peer_name != NULL) {
        memcpy(c->peer_name, peer_name, strlen(peer_name) + 1);
    }
    if (client) {
        uint8_t ip[16];
        size_t ip_len = 0;
        // SNI carries host names only (RFC 6066 §3): never an IP literal.
        const char *sni = ctx->sni[0] != '\0'                         ? ctx->sni
                          : tls_ip_literal(c->peer_name, ip, &ip_len) ? NULL
                                                                      : c->peer_name;
        if (sni != NULL) {
            // OpenSSL's macro takes a non-const pointer: give it our own copy.
            memcpy(c->sni_sent, sni, strlen(sni) + 1);
            if (SSL_set_tlsext_host_name(c->ssl, c->sni_sent) != 1) {
                err = GALOIS_ERR_INVALID;
                goto out;
            }
        }
        SSL_set_connect_state(c->ssl);
    } else {
        SSL_set_accept_state(c->ssl);
    }
    *out = c;
    c = NULL;
    err = GALOIS_ERR_OK;
out:
    BIO_free(bio);
    galois_tls_conn_free(c);
    ERR_pop_to_mark();
    return err;
}

void galois_tls_conn_free(struct galois_tls_conn *c)
{
    if (c == NULL) {
        return;
    }
    if (c->ssl != NULL && c->done && !c->failed) {
        ERR_set_mark();
        (void)SSL_shutdown(c->ssl);  // one try: close_notify if the socket takes it now
        ERR_pop_to_mark();
    }
    SSL_free(c->ssl);
    free(c);
}

// alert_prefixes start OpenSSL's reason texts for an alert the peer sent us.
static const char *const alert_prefixes[] = {"sslv3 alert ", "tlsv1 alert ", "tlsv13 alert "};

// describe_ssl words an SSL_ERROR_SSL failure from the error queue and the verify result.
static void describe_ssl(struct galois_tls_conn *c)
{
    const struct galois_tls_ctx *ctx = c->ctx;
    const char *lo = galois_tls_version_name(ctx->min_version);
    const char *hi = galois_tls_version_name(ctx->max_version);
    const char *peer = c->peer_name[0] != '\0' ? c->peer_name : "client";
    unsigned long e = ERR_peek_last_error();
    int reason = ERR_GET_LIB(e) == ERR_LIB_SSL ? ERR_GET_REASON(e) : 0;
    const char *text = ERR_reason_error_string(e);
    long vr = SSL_get_verify_result(c->ssl);
    if (reason == SSL_R_CERTIFICATE_VERIFY_FAILED && vr == X509_V_ERR_HOSTNAME_MISMATCH &&
        c->mismatch[0] != '\0') {
        tls_why(c->error, sizeof(c->error), "%s", c->mismatch);
    } else if (reason == SSL_R_CERTIFICATE_VERIFY_FAILED) {
        tls_why(c->error, sizeof(c->error), "%scertificate verify failed: %s (peer %s)",
                ctx->role == GALOIS_TLS_SERVER ? "client " : "", X509_verify_cert_error_string(vr),
                peer);
    } else if (reason == SSL_R_UNSUPPORTED_PROTOCOL) {
        tls_why(c->error, sizeof(c->error), "no shared protocol version (we allow %s..%s)", lo, hi);
    } else if (reason == SSL_R_PEER_DID_NOT_RETURN_A_CERTIFICATE) {
        tls_why(c->error, sizeof(c->error),
                "peer sent no certificate, and client-cert=require asks for one");
    } else if (reason == SSL_R_NO_SHARED_CIPHER) {
        tls_why(c->error, sizeof(c->error), "no shared cipher (see ciphers, ciphersuites)");
    } else if (reason == SSL_R_UNEXPECTED_EOF_WHILE_READING) {
        tls_why(c->error, sizeof(c->error), "peer closed the connection without close_notify");
    } else if (text != NULL) {
        for (size_t i = 0; i < GALOIS_ARRAY_LEN(alert_prefixes); i++) {
            size_t n = strlen(alert_prefixes[i]);
            if (strncmp(text, alert_prefixes[i], n) == 0) {
                bool version = strcmp(text + n, "protocol version") == 0;
                tls_why(c->error, sizeof(c->error), "peer refused: %s%s%s%s%s", text + n,
                        version ? " (we allow " : "", version ? lo : "", version ? ".." : "",
                        version ? hi : "");
                if (version) {
                    size_t len = strlen(c->error);
                    if (len + 1 < sizeof(c->error)) {
                        memcpy(c->error + len, ")", 2);
                    }
                }
                return;
            }
        }
        tls_why(c->error, sizeof(c->error), "%s", text);
    } else {
        tls_why(c->error, sizeof(c->error), "TLS failed (no reason given)");
    }
}

// step maps the outcome of an SSL call that did not succeed; `r` is what it returned.
static enum galois_tls_io step(struct galois_tls_conn *c, int r)
{
    int saved = errno;
    switch (SSL_get_error(c->ssl, r)) {
        case SSL_ERROR_WANT_READ:
            return GALOIS_TLS_IO_WANT_READ;
        case SSL_ERROR_WANT_WRITE:
            return GALOIS_TLS_IO_WANT_WRITE;
        case SSL_ERROR_ZERO_RETURN:
            return GALOIS_TLS_IO_CLOSED;
        case SSL_ERROR_SYSCALL:
            tls_why(c->error, sizeof(c->error), "transport: %s",
                    saved != 0 ? strerror(saved) : "connection closed by the peer");
            break;
        case SSL_ERROR_SSL:
            describe_ssl(c);
            break;
        default:
            tls_why(c->error, sizeof(c->error), "TLS failed (unexpected state)");
            break;
    }
    c->failed = true;
    ERR_clear_error();
    return GALOIS_TLS_IO_ERROR;
}

enum galois_tls_io galois_tls_conn_handshake(struct galois_tls_conn *c)
{
    if (c->failed) {
        return GALOIS_TLS_IO_ERROR;
    }
    if (c->done) {
        return GALOIS_TLS_IO_OK;
    }
    ERR_clear_error();
    errno = 0;
    int r = SSL_do_handshake(c->ssl);
    if (r == 1) {
        c->done = true;
        return GALOIS_TLS_IO_OK;
    }
    return step(c, r);
}

enum galois_tls_io galois_tls_conn_read(struct galois_tls_conn *c, uint8_t *buf, size_t max,
                                        size_t *out_n)
{
    *out_n = 0;
    enum galois_tls_io io = galois_tls_conn_handshake(c);
    if (io != GALOIS_TLS_IO_OK || max == 0) {
        return io;
    }
    ERR_clear_error();
    errno = 0;
    if (SSL_read_ex(c->ssl, buf, max, out_n) == 1) {
        return GALOIS_TLS_IO_OK;
    }
    *out_n = 0;
    return step(c, 0);
}

enum galois_tls_io galois_tls_conn_write(struct galois_tls_conn *c, const uint8_t *buf, size_t len,
                                         size_t *out_n)
{
    *out_n = 0;
    enum galois_tls_io io = galois_tls_conn_handshake(c);
    if (io != GALOIS_TLS_IO_OK || len == 0) {
        return io;
    }
    ERR_clear_error();
    errno = 0;
    if (SSL_write_ex(c->ssl, buf, len, out_n) == 1) {
        return GALOIS_TLS_IO_OK;
    }
    *out_n = 0;
    return step(c, 0);
}

bool galois_tls_conn_pending(const struct galois_tls_conn *c)
{
    return SSL_pending(c->ssl) > 0;
}

const char *galois_tls_conn_error(const struct galois_tls_conn *c)
{
    return c->error;
}
