// galois TLS: one policy object turned into a TLS context (OpenSSL's SSL_CTX), connections over
// connected non-blocking sockets driven by the caller's poll() loop, the SIP domain identity
// check of RFC 5922 and what was negotiated, as data and as text. docs/TLS.md says what each
// policy option means and why the defaults are what they are.
//
// Secure by default: TLS 1.2 and 1.3 only, ECDHE key exchange only, AEAD ciphers only, the peer
// verified. Anything weaker is only used when the policy names it (docs/TLS.md, "Asked for by
// name"). A policy that cannot be satisfied is refused when the context is made, with a
// message naming the setting.
//
// The I/O functions clear the calling thread's OpenSSL error queue before they call OpenSSL, as
// OpenSSL's SSL_get_error requires. Writes never raise SIGPIPE.
#ifndef GALOIS_TLS_H
#define GALOIS_TLS_H

#include <galois/common.h>

#ifdef __cplusplus
extern "C" {
#endif

enum {
    GALOIS_TLS_MAX_LIST_LEN = 1024,  // bytes of a cipher, suite, group or sigalg list
    GALOIS_TLS_MAX_PATH_LEN = 1024,  // bytes of a file or directory name
    GALOIS_TLS_MAX_NAME_LEN = 255,   // bytes of a host name (SNI, peer name)
    GALOIS_TLS_MAX_WHY_LEN = 512,    // room that every `why` message fits in
    GALOIS_TLS_MAX_SECLEVEL = 5,     // OpenSSL's security levels are 0..5
};

// galois_tls_version is a protocol version; the value is the version times ten.
enum galois_tls_version {
    GALOIS_TLS_V1_0 = 10,
    GALOIS_TLS_V1_1 = 11,
    GALOIS_TLS_V1_2 = 12,
    GALOIS_TLS_V1_3 = 13,
};

// galois_tls_client_cert says what a server asks of its clients.
enum galois_tls_client_cert {
    GALOIS_TLS_CLIENT_CERT_NONE = 0,  // no certificate asked for
    GALOIS_TLS_CLIENT_CERT_REQUEST,   // asked for; verified if sent; a client without one is let in
    GALOIS_TLS_CLIENT_CERT_REQUIRE,   // mutual TLS: a client without a valid one is refused
};

// galois_tls_policy is everything a TLS context is made from. Fill it with
// galois_tls_policy_default, then change fields directly or by name with galois_tls_policy_set.
// An empty string means "not set". The lists use OpenSSL's syntax (':'-separated).
struct galois_tls_policy {
    enum galois_tls_version min_version;             // "min", default 1.2
    enum galois_tls_version max_version;             // "max", default 1.3
    char ciphers[GALOIS_TLS_MAX_LIST_LEN + 1];       // "ciphers": TLS 1.2 cipher list
    char ciphersuites[GALOIS_TLS_MAX_LIST_LEN + 1];  // "ciphersuites": TLS 1.3 suites
    char groups[GALOIS_TLS_MAX_LIST_LEN + 1];        // "groups": key exchange groups
    char sigalgs[GALOIS_TLS_MAX_LIST_LEN + 1];       // "sigalgs": signature algorithms
    char cert_file[GALOIS_TLS_MAX_PATH_LEN + 1];     // "cert": PEM certificate (chain)
    char key_file[GALOIS_TLS_MAX_PATH_LEN + 1];      // "key": PEM private key
    char ca_file[GALOIS_TLS_MAX_PATH_LEN + 1];       // "ca": PEM file of trusted CAs
    bool ca_system;                                  // "ca=system": OpenSSL's default paths
    char ca_dir[GALOIS_TLS_MAX_PATH_LEN + 1];        // "ca-dir": hashed CA directory
    char sni[GALOIS_TLS_MAX_NAME_LEN + 1];           // "sni": name a client sends instead
    bool verify;                                     // "verify", default true
    enum galois_tls_client_cert client_cert;         // "client-cert", default none
    int seclevel;                                    // "seclevel": 0..5, -1 = OpenSSL's
    // In-memory PEM text (NUL-terminated), used instead of or beside the files above: a
    // certificate (chain), its key, and trusted CAs. Borrowed: read by galois_tls_ctx_new only.
    const char *cert_pem;
    const char *key_pem;
    const char *ca_pem;
};

// galois_tls_policy_default fills `p` with the secure default: TLS 1.2..1.3, ECDHE with AEAD
// ciphers only, the groups X25519, P-256, P-384, modern signature algorithms, verification on,
// no client certificate, OpenSSL's security level, and no certificate or CA.
GALOIS_API void galois_tls_policy_default(struct galois_tls_policy *p);

// galois_tls_policy_set sets the option `name` of `p` from the text `value`, copying it. Names:
// "min", "max" (1.0 1.1 1.2 1.3, or TLSv1.2 ...), "ciphers", "ciphersuites", "groups", "sigalgs",
// "cert", "key", "ca" (a file, or "system"), "ca-dir", "verify" (yes/no, true/false, on/off,
// 1/0), "client-cert" (none/request/require), "sni", "seclevel" (0..5 or "default"). It returns
// GALOIS_ERR_OK, or GALOIS_ERR_INVALID for an unknown name, a bad value or a value over its
// limit, with `why` (room `max_why`, may be 0) naming the option; `p` is then unchanged. Names
// of ciphers, groups and files are checked by galois_tls_ctx_new, not here.
GALOIS_API GALOIS_MUST_CHECK galois_err galois_tls_policy_set(struct galois_tls_policy *p,
                                                              const char *name, const char *value,
                                                              char *why, size_t max_why);

// galois_tls_version_name returns "TLSv1.2" and the like, or "?" for a value not in the enum.
GALOIS_API const char *galois_tls_version_name(enum galois_tls_version v);

enum galois_tls_role {
    GALOIS_TLS_CLIENT = 0,
    GALOIS_TLS_SERVER,
};

// galois_tls_ctx is a TLS context made from a policy, for one role. Opaque.
struct galois_tls_ctx;

// galois_tls_ctx_new makes a context for `role` from `p` and sets `*out`. It checks that the
// policy can be satisfied and refuses it otherwise: GALOIS_ERR_INVALID for an unknown cipher,
// suite, group or signature algorithm name, min > max, an unreadable file, a certificate without
// its key or a key that does not match it; GALOIS_ERR_POLICY for a policy that is consistent
// but cannot work or is weaker than it says (a keyword bringing in a non-AEAD or non-ECDHE TLS
// 1.2 cipher, a server without a certificate, TLS 1.2 allowed without a usable 1.2 cipher,
// verification without a CA, TLS 1.0/1.1 above security level 0); GALOIS_ERR_NOMEM or
// GALOIS_ERR_CRYPTO when OpenSSL fails. On failure `why` (room `max_why`, may be 0) names the
// setting and what was wrong, and `*out` is NULL. The OpenSSL error queue is left as it was.
GALOIS_API GALOIS_MUST_CHECK galois_err galois_tls_ctx_new(struct galois_tls_ctx **out,
                                                           const struct galois_tls_policy *p,
                                                           enum galois_tls_role role, char *why,
                                                           size_t max_why);

// galois_tls_ctx_free frees `ctx`; every connection made from it must be freed first. NULL is
// a no-op.
GALOIS_API void galois_tls_ctx_free(struct galois_tls_ctx *ctx);

// galois_tls_conn is one TLS connection over a connected socket. Opaque.
struct galois_tls_conn;

// galois_tls_conn_new starts a connection of `ctx`'s role over the connected socket `fd`, which
// should be non-blocking; the fd stays the caller's (it is not closed by galois_tls_conn_free).
// `peer_name` is, for a client, the host it wants to reach (a name or an IP literal, without
// brackets or port): a name is sent as SNI unless the policy's "sni" is set, and the server's
// certificate must match it by the rules of RFC 5922 §7.1 when verification is on. NULL for a
// server. `ctx` must outlive the connection. Returns GALOIS_ERR_OK, GALOIS_ERR_INVALID (a bad
// fd, a client without peer_name, a name over GALOIS_TLS_MAX_NAME_LEN) or GALOIS_ERR_NOMEM.
GALOIS_API GALOIS_MUST_CHECK galois_err galois_tls_conn_new(struct galois_tls_conn **out,
                                                            struct galois_tls_ctx *ctx, int fd,
                                                            const char *peer_name);

// galois_tls_conn_free sends close_notify (one try, never waiting) if the handshake finished
// and nothing failed, and frees `c`. NULL is a no-op.
GALOIS_API void galois_tls_conn_free(struct galois_tls_conn *c);

// galois_tls_io is the outcome of a handshake, read or write step.
enum galois_tls_io {
    GALOIS_TLS_IO_OK = 0,      // done (handshake) or some bytes moved (read, write)
    GALOIS_TLS_IO_WANT_READ,   // call again when the fd is readable
    GALOIS_TLS_IO_WANT_WRITE,  // call again when the fd is writable
    GALOIS_TLS_IO_CLOSED,      // the peer closed the TLS session cleanly (close_notify)
    GALOIS_TLS_IO_ERROR,       // failed for good; galois_tls_conn_error says why
};

// galois_tls_conn_handshake runs the handshake as far as the socket lets it.
GALOIS_API enum galois_tls_io galois_tls_conn_handshake(struct galois_tls_conn *c);

// galois_tls_conn_read reads up to `max` bytes of application data into `buf` and sets `*out_n`
// (0 unless GALOIS_TLS_IO_OK). It finishes the handshake first if needed. After OK, call again
// while galois_tls_conn_pending is true: those bytes will not make the fd readable.
GALOIS_API enum galois_tls_io galois_tls_conn_read(struct galois_tls_conn *c, uint8_t *buf,
                                                   size_t max, size_t *out_n);

// galois_tls_conn_write writes up to `len` bytes of `buf` and sets `*out_n` to how many were
// taken (partial writes happen); after WANT_*, call again with the rest (the buffer may move).
GALOIS_API enum galois_tls_io galois_tls_conn_write(struct galois_tls_conn *c, const uint8_t *buf,
                                                    size_t len, size_t *out_n);

// galois_tls_conn_pending is true when decrypted bytes wait to be read.
GALOIS_API bool galois_tls_conn_pending(const struct galois_tls_conn *c);

// galois_tls_conn_error returns why the last GALOIS_TLS_IO_ERROR happened, as one line of human
// text ("certificate verify failed: self-signed certificate (peer 127.0.0.1)", "peer refused:
// protocol version (we allow TLSv1.2..TLSv1.3)" ...), or "" when nothing failed. Valid until
// the next call on `c`.
GALOIS_API const char *galois_tls_conn_error(const struct galois_tls_conn *c);

// galois_tls_info is what a connection negotiated. Strings are NUL-terminated, cut to fit.
struct galois_tls_info {
    char version[16];        // "TLSv1.3"
    char cipher[64];         // OpenSSL's name: "TLS_AES_256_GCM_SHA384", "ECDHE-ECDSA-..."
    char cipher_iana[64];    // IANA name: "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"
    char group[32];          // key exchange group: "x25519", "secp256r1"; "" if none
    char peer_subject[256];  // RFC 2253; "" when the peer sent no certificate
    char peer_issuer[256];
    bool peer_verified;       // verification was on and the peer passed it (chain and name)
    char verify_result[128];  // "ok", the reason it failed, or "not checked (verify=no) ..."
    char sni[256];            // sent (client) or received (server); "" if none
    bool resumed;             // the session was resumed
};

// galois_tls_conn_info fills `out` after the handshake. GALOIS_ERR_STATE before it finished.
GALOIS_API GALOIS_MUST_CHECK galois_err galois_tls_conn_info(const struct galois_tls_conn *c,
                                                             struct galois_tls_info *out);

// galois_tls_info_text writes `i` as one human line, without a newline, and a NUL into `out`
// (room `max`). galois_tls_info_json writes it as one JSON object. Both return GALOIS_ERR_OK or
// GALOIS_ERR_BUFFER when the room is short (`out` then holds ""); 1024 bytes always suffice for
// the text and 2048 for the JSON.
GALOIS_API GALOIS_MUST_CHECK galois_err galois_tls_info_text(char *out, size_t max,
                                                             const struct galois_tls_info *i);
GALOIS_API GALOIS_MUST_CHECK galois_err galois_tls_info_json(char *out, size_t max,
                                                             const struct galois_tls_info *i);

// galois_tls_self_signed makes a throw-away self-signed certificate for tests and demos: an EC
// P-256 key, subject CN=`name`, subjectAltName IP:127.0.0.1, IP:::1, DNS:localhost,
// URI:sip:127.0.0.1 and `name` (as an IP address or as DNS:name and URI:sip:name), valid for
// `days` days (1..3650). The PEM texts and their NULs go to `cert_pem` (room `max_cert`) and
// `key_pem` (room `max_key`; 4096 bytes each suffice). Returns GALOIS_ERR_OK,
// GALOIS_ERR_INVALID (a bad name or days), GALOIS_ERR_BUFFER (then both are wiped to "") or
// GALOIS_ERR_CRYPTO. Wipe `key_pem` with galois_secure_zero when done.
GALOIS_API GALOIS_MUST_CHECK galois_err galois_tls_self_signed(char *cert_pem, size_t max_cert,
                                                               char *key_pem, size_t max_key,
                                                               const char *name, int days);

#ifdef __cplusplus
}
#endif

#endif  // GALOIS_TLS_H
