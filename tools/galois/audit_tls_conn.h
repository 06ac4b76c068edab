// The connections behind audit_tls.c: resolve the target once, then open one TCP connection
// and one TLS handshake per probe, each bounded by the target's timeout. Every SSL_CTX is
// configured through the API alone (versions, security level, ciphers, groups), so what a
// system openssl.cnf sets (MinProtocol, CipherString) cannot hide anything from a probe.
#ifndef GALOIS_TOOLS_AUDIT_TLS_CONN_H
#define GALOIS_TOOLS_AUDIT_TLS_CONN_H

#include <openssl/ssl.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "audit.h"

// audit_tls_env is what every probe of one target shares: where to connect, what to send as
// SNI, and the timeout.
struct audit_tls_env {
    struct sockaddr_storage addr;  // the address the TCP check reached
    socklen_t addr_len;
    char where[AUDIT_MAX_HOST + 16];  // "127.0.0.1:5061" or "[::1]:5061", for messages
    char sni[AUDIT_MAX_HOST];         // the name sent as SNI; "" for an IP literal
    unsigned timeout_ms;              // per connection: TCP connect plus handshake
};

// audit_tls_offer is what one handshake offers. NULL strings mean "everything the local
// OpenSSL has" for that field.
struct audit_tls_offer {
    int version;          // TLS1_VERSION .. TLS1_3_VERSION, offered alone (min = max)
    const char *ciphers;  // TLS <= 1.2 cipher list, "A:B:C" (SECLEVEL 0 is added)
    const char *suites;   // TLS 1.3 ciphersuites, "A:B"
    const char *groups;   // supported groups, "x25519:secp256r1"
    SSL_SESSION *resume;  // borrowed: a session to resume, or NULL
    bool want_session;    // keep the session the server issues (waits for a TLS 1.3 ticket)
};

// audit_tls_conn is one probe's connection. After audit_tls_conn_open returns true, `ssl` is
// the completed handshake; otherwise `error` says why and `local` tells whether it was our
// own OpenSSL that could not make the offer (no protocol or cipher it can send).
struct audit_tls_conn {
    int fd;
    SSL_CTX *ctx;
    SSL *ssl;
    SSL_SESSION *session;  // owned: the session the server issued (want_session only)
    bool tcp_failed;       // the TCP connection itself failed
    bool local;            // refused by the local OpenSSL, nothing was sent
    char error[AUDIT_MAX_TEXT];
};

// audit_tls_env_init resolves `t` (IPv4 and IPv6 literals or names), connects once over TCP to
// check that it is reachable and keeps the first address that answered. It returns false with
// `err` set ("no address for host", "connect to 127.0.0.1:5061: Connection refused") otherwise.
bool audit_tls_env_init(struct audit_tls_env *env, char *err, size_t err_len,
                        const struct audit_target *t);

// audit_tls_candidate is one cipher suite the local OpenSSL can offer.
struct audit_tls_candidate {
    uint32_t id;  // SSL_CIPHER_get_id
    char name[AUDIT_MAX_NAME];
};

// audit_tls_local_ciphers writes to `out` (at most `max`) every cipher suite the local OpenSSL
// can offer at `version` alone, at security level 0, in OpenSSL's preference order; for TLS
// 1.3 these are the ciphersuites. It returns how many; 0 means it cannot offer `version`.
size_t audit_tls_local_ciphers(struct audit_tls_candidate *out, size_t max, int version);

// audit_tls_conn_open connects and runs one handshake offering `offer`. It returns true when
// the handshake completed. Either way `c` must be released with audit_tls_conn_close. The
// OpenSSL error queue is left empty.
bool audit_tls_conn_open(struct audit_tls_conn *c, const struct audit_tls_env *env,
                         const struct audit_tls_offer *offer);

// audit_tls_conn_close sends close_notify when a handshake completed (so the session stays
// resumable) and frees everything `c` holds. Safe on a zeroed or failed connection.
void audit_tls_conn_close(struct audit_tls_conn *c);

// audit_tls_cert_fill describes the certificate the server sent on `ssl` into `out`: the leaf's
// fields, the chain verified against t->ca_file (or the system's CAs) and the name check
// against t->sni or t->host.
void audit_tls_cert_fill(struct audit_cert *out, SSL *ssl, const struct audit_target *t);

// audit_tls_set_text formats into `out` (`cap` bytes), truncating; `out` is always a string.
void audit_tls_set_text(char *out, size_t cap, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif  // GALOIS_TOOLS_AUDIT_TLS_CONN_H
