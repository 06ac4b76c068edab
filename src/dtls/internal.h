// Internal to the DTLS layer: the connection struct and the pieces shared by its files
// (bio.c, cert.c, conn.c, demux.c, fingerprint.c, info.c, keys.c, policy.c, record.c, setup.c,
// verify.c).
#ifndef GALOIS_SRC_DTLS_INTERNAL_H
#define GALOIS_SRC_DTLS_INTERNAL_H

#include <galois/dtls.h>
#include <openssl/ssl.h>

#include "../common/internal.h"

enum {
    DTLS_MAX_PROFILES = 4,     // the profiles galois knows
    DTLS_MAX_QUEUE = 64,       // outgoing datagrams waiting
    DTLS_ALERT_TIMEOUTS = 12,  // OpenSSL's DTLS1_TMO_ALERT_COUNT
};

struct galois_dtls_cert {
    X509 *x509;     // owned
    EVP_PKEY *key;  // owned
};

// dtls_profile is one SRTP protection profile galois knows (RFC 5764 §4.1.2, RFC 7714 §14.2).
struct dtls_profile {
    uint16_t id;  // on the wire
    const char *name;
    enum galois_srtp_suite suite;
};

// dtls_profile_by_id / _by_name return the entry, or NULL.
const struct dtls_profile *dtls_profile_by_id(uint16_t id);
const struct dtls_profile *dtls_profile_by_name(const char *name, size_t len);

// dtls_profiles_parse checks a ':'-separated profile list and puts its ids, in order, into
// `ids` (room DTLS_MAX_PROFILES). GALOIS_ERR_INVALID (unknown or repeated name) or
// GALOIS_ERR_POLICY (empty), with `why`.
GALOIS_MUST_CHECK galois_err dtls_profiles_parse(uint16_t *ids, size_t *num_ids, const char *list,
                                                 char *why, size_t max_why);

// dtls_use_srtp_parse reads the body of a use_srtp extension (RFC 5764 §4.1.1: a 16-bit
// length-prefixed list of 16-bit profile ids, then an 8-bit length-prefixed MKI) and puts up to
// `max_ids` ids into `ids`, counting all of them in `*num_ids`. False when malformed.
bool dtls_use_srtp_parse(uint16_t *ids, size_t max_ids, size_t *num_ids, const uint8_t *in,
                         size_t in_len);

// dtls_datagram_ok says whether the `in_len` bytes at `in` are one or more whole DTLS 1.0/1.2
// records (RFC 6347 §4.1) and nothing else.
bool dtls_datagram_ok(const uint8_t *in, size_t in_len);

// The datagram BIO (bio.c): the read side holds the one datagram being input, borrowed; the
// write side queues whole datagrams, a datagram ending at each BIO_flush.
BIO *dtls_bio_new(size_t mtu);
void dtls_bio_set_input(BIO *b, const uint8_t *in, size_t in_len);
// dtls_bio_next copies the next queued datagram out. Returns false when none waits; sets
// `*too_big` (and keeps it queued) when it does not fit in `max`.
bool dtls_bio_next(BIO *b, uint8_t *out, size_t *out_len, size_t max, bool *too_big);

struct galois_dtls {
    SSL_CTX *ctx;  // owned, one per connection (it carries the callbacks' policy)
    SSL *ssl;      // owned; its BIO (rbio == wbio) is owned by it
    BIO *bio;      // borrowed from ssl
    enum galois_dtls_role role;
    enum galois_dtls_state state;
    uint16_t profiles[DTLS_MAX_PROFILES];
    size_t num_profiles;
    char profile_list[GALOIS_DTLS_MAX_PROFILES_LEN + 1];
    struct galois_dtls_fingerprint remote[GALOIS_DTLS_MAX_REMOTE_FINGERPRINTS];
    size_t num_remote;
    unsigned initial_timeout_ms;
    struct galois_dtls_stats stats;
    galois_err fail_err;  // the error of the failure, once FAILED
    char error[GALOIS_DTLS_MAX_WHY_LEN];
};

// dtls_why writes a formatted message into `why` (room `max_why`, may be 0 or NULL).
void dtls_why(char *why, size_t max_why, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

// dtls_fail moves `d` to FAILED with `err` and the reason, unless it already failed: the first
// error and reason are kept. Returns the error the connection failed with.
galois_err dtls_fail(struct galois_dtls *d, galois_err err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

// dtls_x509_fingerprint hashes the DER of `x` with `hash`.
GALOIS_MUST_CHECK galois_err dtls_x509_fingerprint(struct galois_dtls_fingerprint *out,
                                                   const X509 *x, enum galois_dtls_hash hash);

// dtls_check_peer compares `peer`'s certificate against every remote fingerprint of `d`; on a
// mismatch it fails `d` with the reason and returns false.
bool dtls_check_peer(struct galois_dtls *d, const X509 *peer);

// dtls_install_callbacks sets the certificate check, the server's ClientHello check of
// use_srtp and the alert listener on `ctx`; `d` is found through the SSL's app data.
void dtls_install_callbacks(SSL_CTX *ctx, enum galois_dtls_role role);

// dtls_profile_names writes the names of `ids` joined by ':' into `out` (room `max`).
void dtls_profile_names(char *out, size_t max, const uint16_t *ids, size_t num_ids);

#endif  // GALOIS_SRC_DTLS_INTERNAL_H
