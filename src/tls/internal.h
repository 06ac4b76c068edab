// Internal to the TLS layer: the context and connection structs, and the pieces shared by
// policy.c, ctx.c, lists.c, conn.c, identity.c, info.c, selfsigned.c and bio.c.
#ifndef GALOIS_SRC_TLS_INTERNAL_H
#define GALOIS_SRC_TLS_INTERNAL_H

#include <galois/tls.h>
#include <openssl/ssl.h>

#include "../common/internal.h"

struct galois_tls_ctx {
    SSL_CTX *ssl_ctx;  // owned
    enum galois_tls_role role;
    bool verify;
    enum galois_tls_client_cert client_cert;
    enum galois_tls_version min_version;
    enum galois_tls_version max_version;
    char sni[GALOIS_TLS_MAX_NAME_LEN + 1];
};

enum {
    TLS_MAX_ERROR_LEN = 512,
    TLS_MAX_MISMATCH_LEN = 384,
};

struct galois_tls_conn {
    SSL *ssl;                    // owned; its BIO writes to `fd`, which is borrowed
    struct galois_tls_ctx *ctx;  // borrowed
    char peer_name[GALOIS_TLS_MAX_NAME_LEN + 1];
    char sni_sent[GALOIS_TLS_MAX_NAME_LEN + 1];
    char mismatch[TLS_MAX_MISMATCH_LEN];  // the RFC 5922 failure, set by the verify callback
    char error[TLS_MAX_ERROR_LEN];
    bool done;    // handshake finished
    bool failed;  // a fatal error happened: no close_notify on free
};

// tls_why writes a formatted message into `why` (room `max_why`, may be 0 or NULL).
void tls_why(char *why, size_t max_why, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

// tls_openssl_version maps our enum to OpenSSL's TLS1_x_VERSION.
int tls_openssl_version(enum galois_tls_version v);

// tls_is_ip_literal says whether `name` is an IPv4 or IPv6 address literal, and if so puts its
// 4 or 16 bytes into `out` (room 16) and their count into `*out_len`.
bool tls_ip_literal(const char *name, uint8_t out[16], size_t *out_len);

// tls_identity_match checks the certificate `cert` against `host` by RFC 5922 §7.1: a
// subjectAltName URI "sip:host", dNSName (exact, no wildcards) or iPAddress; the subject CN only
// when there is no subjectAltName at all. On a mismatch it returns false and writes "hostname
// mismatch: certificate is for ..., we wanted HOST" to `msg` (room `max_msg`).
bool tls_identity_match(X509 *cert, const char *host, char *msg, size_t max_msg);

// tls_nosigpipe_bio returns a socket BIO over `fd` (not owned) that writes with MSG_NOSIGNAL.
BIO *tls_nosigpipe_bio(int fd);

// tls_set_ciphers sets the TLS 1.2 cipher list of `p` on `ctx`, refusing unknown names, weak
// ciphers that only a keyword brought in, and a list with nothing usable when TLS 1.2 is
// allowed. `scratch` is a context at security level 0 for trying names alone.
GALOIS_MUST_CHECK galois_err tls_set_ciphers(SSL_CTX *ctx, SSL_CTX *scratch,
                                             const struct galois_tls_policy *p, char *why,
                                             size_t max_why);
// tls_set_ciphersuites sets the TLS 1.3 suites of `p`, refusing unknown names and an empty list
// when TLS 1.3 is allowed.
GALOIS_MUST_CHECK galois_err tls_set_ciphersuites(SSL_CTX *ctx, SSL_CTX *scratch,
                                                  const struct galois_tls_policy *p, char *why,
                                                  size_t max_why);
// tls_set_list sets the groups (`groups`) or the signature algorithms `list`.
GALOIS_MUST_CHECK galois_err tls_set_list(SSL_CTX *ctx, SSL_CTX *scratch, bool groups,
                                          const char *list, char *why, size_t max_why);

// tls_verify_cb is the verification callback of every context: it adds the RFC 5922 check at
// depth 0 for a client connection.
int tls_verify_cb(int ok, X509_STORE_CTX *xs);

#endif  // GALOIS_SRC_TLS_INTERNAL_H
