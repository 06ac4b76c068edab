// One DTLS-SRTP association over memory: making it from a policy, feeding it datagrams,
// draining its datagrams, the retransmission timer, and the end of the handshake.
#include <openssl/err.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include "internal.h"

// ECDHE key exchange with AEAD ciphers only, for ECDSA (ours, browsers') and RSA certificates.
static const char dtls_ciphers[] =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-CHACHA20-POLY1305";

galois_err dtls_fail(struct galois_dtls *d, galois_err err, const char *fmt, ...)
{
    if (d->state == GALOIS_DTLS_FAILED) {
        return d->fail_err;
    }
    d->state = GALOIS_DTLS_FAILED;
    d->fail_err = err;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(d->error, sizeof(d->error), fmt, ap);
    va_end(ap);
    if (n < 0) {
        d->error[0] = '\0';
    }
    return err;
}

// timer_cb gives OpenSSL the next retransmission timeout: the policy's first one, then
// doubling up to GALOIS_DTLS_MAX_TIMEOUT_MS (RFC 6347 §4.2.4.1). OpenSSL calls it with the
// previous timeout each time one runs out, from galois_dtls_on_timeout or while it reads a
// datagram that arrived late, so that is where retransmissions are counted.
static unsigned int timer_cb(SSL *ssl, unsigned int previous_us)
{
    struct galois_dtls *d = SSL_get_app_data(ssl);
    unsigned initial_ms = d == NULL ? GALOIS_DTLS_DEFAULT_TIMEOUT_MS : d->initial_timeout_ms;
    if (previous_us == 0) {
        return initial_ms * 1000u;
    }
    if (d != NULL) {
        d->stats.retransmits++;
    }
    if (previous_us >= GALOIS_DTLS_MAX_TIMEOUT_MS * 1000u / 2) {
        return GALOIS_DTLS_MAX_TIMEOUT_MS * 1000u;
    }
    return previous_us * 2;
}

// check_args refuses what galois_dtls_new cannot work with, saying why.
static galois_err check_args(struct galois_dtls *d, enum galois_dtls_role role,
                             const struct galois_dtls_policy *p,
                             const struct galois_dtls_fingerprint *remote, size_t num_remote,
                             char *why, size_t max_why)
{
    if (role != GALOIS_DTLS_CLIENT && role != GALOIS_DTLS_SERVER) {
        dtls_why(why, max_why, "dtls: unknown role %d", (int)role);
        return GALOIS_ERR_INVALID;
    }
    if (p->mtu < GALOIS_DTLS_MIN_MTU || p->mtu > GALOIS_DTLS_MAX_MTU) {
        dtls_why(why, max_why, "dtls mtu: %zu is not in %d..%d", p->mtu, GALOIS_DTLS_MIN_MTU,
                 GALOIS_DTLS_MAX_MTU);
        return GALOIS_ERR_INVALID;
    }
    if (p->initial_timeout_ms < 10 || p->initial_timeout_ms > GALOIS_DTLS_MAX_TIMEOUT_MS) {
        dtls_why(why, max_why, "dtls timeout: %u ms is not in 10..%d", p->initial_timeout_ms,
                 GALOIS_DTLS_MAX_TIMEOUT_MS);
        return GALOIS_ERR_INVALID;
    }
    if (memchr(p->profiles, '\0', sizeof(p->profiles)) == NULL) {
        dtls_why(why, max_why, "dtls profiles: the list is not NUL-terminated");
        return GALOIS_ERR_INVALID;
    }
    GALOIS_TRY(dtls_profiles_parse(d->profiles, &d->num_profiles, p->profiles, why, max_why));
    memcpy(d->profile_list, p->profiles, strlen(p->profiles) + 1);
    if (remote == NULL || num_remote == 0 || num_remote > GALOIS_DTLS_MAX_REMOTE_FINGERPRINTS) {
        dtls_why(why, max_why, "dtls: the peer's fingerprints are needed (1..%d)",
                 GALOIS_DTLS_MAX_REMOTE_FINGERPRINTS);
        return GALOIS_ERR_INVALID;
    }
    bool strong = false;
    for (size_t i = 0; i < num_remote; i++) {
        struct galois_dtls_fingerprint check;
        char text[GALOIS_DTLS_MAX_FINGERPRINT_TEXT];
        if (galois_dtls_fingerprint_text(text, sizeof(text), &remote[i]) != GALOIS_ERR_OK ||
            galois_dtls_fingerprint_parse(&check, text, strlen(text)) != GALOIS_ERR_OK) {
            dtls_why(why, max_why, "dtls: remote fingerprint %zu is not a valid hash value", i);
            return GALOIS_ERR_INVALID;
        }
        strong = strong || remote[i].hash >= GALOIS_DTLS_HASH_SHA256;
        d->remote[i] = remote[i];
    }
    d->num_remote = num_remote;
    if (!strong) {
        dtls_why(why, max_why,
                 "dtls: the peer's SDP gives no sha-256 (or stronger) fingerprint; policy "
                 "wants one");
        return GALOIS_ERR_POLICY;
    }
    d->role = role;
    d->initial_timeout_ms = p->initial_timeout_ms;
    return GALOIS_ERR_OK;
}

// make_ctx builds the one-connection SSL_CTX: DTLS 1.2 (what OpenSSL 3.0 has), ECDHE + AEAD,
// the profiles, our certificate, no session cache, no renegotiation, no MTU probing.
static bool make_ctx(struct galois_dtls *d, const struct galois_dtls_cert *cert)
{
    char groups[] = "X25519:P-256:P-384";  // not const: OpenSSL's macro casts it to char *
    d->ctx = SSL_CTX_new(DTLS_method());
    if (d->ctx == NULL) {
        return false;
    }
    SSL_CTX_set_options(d->ctx, SSL_OP_NO_QUERY_MTU | SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_TICKET |
                                    SSL_OP_CIPHER_SERVER_PREFERENCE);
    SSL_CTX_set_session_cache_mode(d->ctx, SSL_SESS_CACHE_OFF);
    // SSL_CTX_set_tlsext_use_srtp returns 0 on success.
    if (SSL_CTX_set_min_proto_version(d->ctx, DTLS1_2_VERSION) != 1 ||
        SSL_CTX_set_cipher_list(d->ctx, dtls_ciphers) != 1 ||
        SSL_CTX_set1_groups_list(d->ctx, groups) != 1 ||
        SSL_CTX_set_tlsext_use_srtp(d->ctx, d->profile_list) != 0 ||
        SSL_CTX_use_certificate(d->ctx, cert->x509) != 1 ||
        SSL_CTX_use_PrivateKey(d->ctx, cert->key) != 1 || SSL_CTX_check_private_key(d->ctx) != 1) {
        return false;
    }
    dtls_install_callbacks(d->ctx, d->role);
    return true;
}

static bool make_ssl(struct galois_dtls *d, size_t mtu)
{
    d->ssl = SSL_new(d->ctx);
    if (d->ssl == NULL || SSL_set_app_data(d->ssl, d) != 1) {
        return false;
    }
    d->bio = dtls_bio_new(mtu);
    if (d->bio == NULL) {
        return false;
    }
    SSL_set_bio(d->ssl, d->bio, d->bio);        // one reference, taken by the SSL
    if (SSL_set_mtu(d->ssl, (long)mtu) <= 0) {  // it returns the MTU set, or 0
        return false;
    }
    DTLS_set_timer_cb(d->ssl, timer_cb);
    if (d->role == GALOIS_DTLS_CLIENT) {
        SSL_set_connect_state(d->ssl);
    } else {
        SSL_set_accept_state(d->ssl);
    }
    return true;
}

// openssl_reason names the last OpenSSL error, or `fallback`.
static const char *openssl_reason(const char *fallback)
{
    unsigned long e = ERR_peek_last_error();
    const char *r = e == 0 ? NULL : ERR_reason_error_string(e);
    return r == NULL ? fallback : r;
}

// finish runs once the handshake is done: belt and braces over the callbacks, which have
// already checked both things before the Finished messages.
static galois_err finish(struct galois_dtls *d)
{
    if (SSL_get_selected_srtp_profile(d->ssl) == NULL) {
        (void)dtls_fail(d, GALOIS_ERR_POLICY,
                        "handshake finished without an SRTP profile; policy allows %s",
                        d->profile_list);
    } else if (dtls_check_peer(d, SSL_get0_peer_certificate(d->ssl))) {
        d->state = GALOIS_DTLS_CONNECTED;
        return GALOIS_ERR_OK;
    }
    (void)SSL_shutdown(d->ssl);  // tell the peer: a close_notify waits in the output
    return d->fail_err;
}

static galois_err step_handshake(struct galois_dtls *d)
{
    int r = SSL_do_handshake(d->ssl);
    if (r == 1) {
        return finish(d);
    }
    int e = SSL_get_error(d->ssl, r);
    if (e == SSL_ERROR_WANT_READ && d->state != GALOIS_DTLS_FAILED) {
        return GALOIS_ERR_OK;
    }
    return dtls_fail(d, GALOIS_ERR_CRYPTO, "DTLS handshake failed: %s",
                     openssl_reason("no reason given"));
}

// step_connected reads what follows the handshake: retransmitted flights (OpenSSL answers
// them), alerts, close_notify. Application data has no place in DTLS-SRTP and is dropped.
static galois_err step_connected(struct galois_dtls *d)
{
    uint8_t sink[2048];
    for (;;) {
        int r = SSL_read(d->ssl, sink, (int)sizeof(sink));
        if (r > 0) {
            continue;
        }
        int e = SSL_get_error(d->ssl, r);
        if (e == SSL_ERROR_WANT_READ && d->state != GALOIS_DTLS_FAILED) {
            return GALOIS_ERR_OK;
        }
        if (e == SSL_ERROR_ZERO_RETURN) {
            d->state = GALOIS_DTLS_CLOSED;
            return GALOIS_ERR_OK;
        }
        return dtls_fail(d, GALOIS_ERR_CRYPTO, "DTLS failed after the handshake: %s",
                         openssl_reason("no reason given"));
    }
}

galois_err galois_dtls_new(struct galois_dtls **out, enum galois_dtls_role role,
                           const struct galois_dtls_policy *p, const struct galois_dtls_cert *cert,
                           const struct galois_dtls_fingerprint *remote, size_t num_remote,
                           char *why, size_t max_why)
{
    *out = NULL;
    dtls_why(why, max_why, "%s", "");
    if (p == NULL || cert == NULL) {
        dtls_why(why, max_why, "dtls: a policy and a certificate are needed");
        return GALOIS_ERR_INVALID;
    }
    struct galois_dtls *d = calloc(1, sizeof(*d));
    if (d == NULL) {
        return GALOIS_ERR_NOMEM;
    }
    galois_err err = check_args(d, role, p, remote, num_remote, why, max_why);
    if (err != GALOIS_ERR_OK) {
        goto out;
    }
    ERR_set_mark();
    err = GALOIS_ERR_CRYPTO;
    if (!make_ctx(d, cert) || !make_ssl(d, p->mtu)) {
        dtls_why(why, max_why, "dtls: cannot set up OpenSSL: %s", openssl_reason("failed"));
        ERR_pop_to_mark();
        goto out;
    }
    ERR_pop_to_mark();
    err = GALOIS_ERR_OK;
    if (role == GALOIS_DTLS_CLIENT) {
        ERR_clear_error();
        err = step_handshake(d);  // queues the ClientHello
        ERR_clear_error();
        if (err != GALOIS_ERR_OK) {
            dtls_why(why, max_why, "%s", d->error);
            goto out;
        }
    }
    *out = d;
    d = NULL;
out:
    galois_dtls_free(d);
    return err;
}

void galois_dtls_close(struct galois_dtls *d)
{
    if (d->state != GALOIS_DTLS_CONNECTED) {
        return;
    }
    ERR_clear_error();
    (void)SSL_shutdown(d->ssl);  // queues close_notify; we do not wait for the peer's
    ERR_clear_error();
    d->state = GALOIS_DTLS_CLOSED;
}

void galois_dtls_free(struct galois_dtls *d)
{
    if (d == NULL) {
        return;
    }
    SSL_free(d->ssl);  // frees the BIO too
    SSL_CTX_free(d->ctx);
    galois_secure_zero(d, sizeof(*d));
    free(d);
}

galois_err galois_dtls_input(struct galois_dtls *d, const uint8_t *in, size_t in_len)
{
    d->stats.datagrams_in++;
    if (d->state == GALOIS_DTLS_FAILED || d->state == GALOIS_DTLS_CLOSED) {
        return GALOIS_ERR_STATE;
    }
    if (in_len > GALOIS_DTLS_MAX_DATAGRAM) {
        d->stats.dropped++;
        return GALOIS_ERR_LIMIT;
    }
    if (in == NULL || in_len == 0 || galois_demux_classify(in[0]) != GALOIS_DEMUX_DTLS ||
        !dtls_datagram_ok(in, in_len)) {
        d->stats.dropped++;
        return GALOIS_ERR_PARSE;
    }
    ERR_clear_error();
    dtls_bio_set_input(d->bio, in, in_len);
    galois_err err = d->state == GALOIS_DTLS_HANDSHAKING ? step_handshake(d) : step_connected(d);
    dtls_bio_set_input(d->bio, NULL, 0);
    ERR_clear_error();
    return err;
}

galois_err galois_dtls_output(struct galois_dtls *d, uint8_t *out, size_t *out_len,
                              size_t max_out_len)
{
    bool too_big = false;
    if (dtls_bio_next(d->bio, out, out_len, max_out_len, &too_big)) {
        d->stats.datagrams_out++;
        return GALOIS_ERR_OK;
    }
    return too_big ? GALOIS_ERR_BUFFER : GALOIS_ERR_OK;
}

int64_t galois_dtls_timeout_ms(const struct galois_dtls *d)
{
    if (d->state != GALOIS_DTLS_HANDSHAKING && d->state != GALOIS_DTLS_CONNECTED) {
        return -1;
    }
    struct timeval tv = {0, 0};
    if (DTLSv1_get_timeout(d->ssl, &tv) != 1) {
        return -1;
    }
    return (int64_t)tv.tv_sec * 1000 + ((int64_t)tv.tv_usec + 999) / 1000;
}

galois_err galois_dtls_on_timeout(struct galois_dtls *d)
{
    if (d->state == GALOIS_DTLS_FAILED || d->state == GALOIS_DTLS_CLOSED) {
        return GALOIS_ERR_STATE;
    }
    ERR_clear_error();
    int r = (int)DTLSv1_handle_timeout(d->ssl);
    ERR_clear_error();
    if (r < 0) {
        return dtls_fail(d, GALOIS_ERR_IO,
                         "DTLS handshake timed out: no answer after %d retransmissions",
                         DTLS_ALERT_TIMEOUTS);
    }
    return GALOIS_ERR_OK;
}

enum galois_dtls_state galois_dtls_state(const struct galois_dtls *d)
{
    return d->state;
}

const char *galois_dtls_state_name(enum galois_dtls_state s)
{
    switch (s) {
        case GALOIS_DTLS_HANDSHAKING:
            return "handshaking";
        case GALOIS_DTLS_CONNECTED:
            return "connected";
        case GALOIS_DTLS_FAILED:
            return "failed";
        case GALOIS_DTLS_CLOSED:
            return "closed";
        default:
            return "?";
    }
}

const char *galois_dtls_error(const struct galois_dtls *d)
{
    return d->state == GALOIS_DTLS_FAILED ? d->error : "";
}

void galois_dtls_get_stats(const struct galois_dtls *d, struct galois_dtls_stats *out)
{
    *out = d->stats;
}
