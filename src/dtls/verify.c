// The checks OpenSSL calls back into during a handshake: the peer's certificate against the
// SDP fingerprints (instead of chain verification, RFC 5763 §5), the agreed SRTP profile, a
// server's view of the client's use_srtp offer, and the alerts the peer sends.
#include <openssl/x509.h>

#include "internal.h"

enum { EXT_USE_SRTP = 14 };  // RFC 5764 §9

static struct galois_dtls *conn_of(const SSL *ssl)
{
    return SSL_get_app_data(ssl);
}

// require_profile fails `d` when the handshake so far agreed no SRTP profile. By the time a
// certificate is checked the hellos are done on both sides, so a client learns here, before
// it sends its Finished, that a server left use_srtp out (RFC 5764 §4.1.1 lets the server do
// that; OpenSSL then goes on without SRTP).
static bool require_profile(struct galois_dtls *d, SSL *ssl)
{
    if (SSL_get_selected_srtp_profile(ssl) != NULL) {
        return true;
    }
    (void)dtls_fail(d, GALOIS_ERR_POLICY,
                    "peer did not agree to an SRTP profile (no use_srtp in its hello); policy "
                    "allows %s",
                    d->profile_list);
    return false;
}

// cert_verify replaces OpenSSL's chain verification: the self-signed leaf must match every
// fingerprint of the peer's SDP.
static int cert_verify(X509_STORE_CTX *xs, void *arg)
{
    (void)arg;
    SSL *ssl = X509_STORE_CTX_get_ex_data(xs, SSL_get_ex_data_X509_STORE_CTX_idx());
    struct galois_dtls *d = ssl == NULL ? NULL : conn_of(ssl);
    if (d == NULL) {
        X509_STORE_CTX_set_error(xs, X509_V_ERR_APPLICATION_VERIFICATION);
        return 0;
    }
    if (!require_profile(d, ssl)) {
        X509_STORE_CTX_set_error(xs, X509_V_ERR_APPLICATION_VERIFICATION);
        return 0;
    }
    if (!dtls_check_peer(d, X509_STORE_CTX_get0_cert(xs))) {
        X509_STORE_CTX_set_error(xs, X509_V_ERR_CERT_REJECTED);
        return 0;
    }
    X509_STORE_CTX_set_error(xs, X509_V_OK);
    return 1;
}

// client_hello lets a server refuse, with a reason that names both lists, a client that offers
// no SRTP profile the policy allows, or none at all; OpenSSL would go on without SRTP.
static int client_hello(SSL *ssl, int *alert, void *arg)
{
    (void)arg;
    struct galois_dtls *d = conn_of(ssl);
    const unsigned char *ext = NULL;
    size_t ext_len = 0;
    if (d == NULL) {
        *alert = SSL_AD_INTERNAL_ERROR;
        return SSL_CLIENT_HELLO_ERROR;
    }
    if (SSL_client_hello_get0_ext(ssl, EXT_USE_SRTP, &ext, &ext_len) != 1) {
        *alert = SSL_AD_HANDSHAKE_FAILURE;
        (void)dtls_fail(d, GALOIS_ERR_POLICY,
                        "peer offers no SRTP (no use_srtp in its ClientHello); policy wants %s",
                        d->profile_list);
        return SSL_CLIENT_HELLO_ERROR;
    }
    uint16_t offered[16];
    size_t num = 0;
    if (!dtls_use_srtp_parse(offered, GALOIS_ARRAY_LEN(offered), &num, ext, ext_len)) {
        *alert = SSL_AD_DECODE_ERROR;
        (void)dtls_fail(d, GALOIS_ERR_CRYPTO, "peer's use_srtp extension is malformed");
        return SSL_CLIENT_HELLO_ERROR;
    }
    size_t shown = num < GALOIS_ARRAY_LEN(offered) ? num : GALOIS_ARRAY_LEN(offered);
    for (size_t i = 0; i < shown; i++) {
        for (size_t j = 0; j < d->num_profiles; j++) {
            if (offered[i] == d->profiles[j]) {
                return SSL_CLIENT_HELLO_SUCCESS;
            }
        }
    }
    char names[GALOIS_DTLS_MAX_PROFILES_LEN];
    dtls_profile_names(names, sizeof(names), offered, shown);
    *alert = SSL_AD_HANDSHAKE_FAILURE;
    (void)dtls_fail(d, GALOIS_ERR_POLICY,
                    "no common SRTP profile: peer offers %s, policy allows %s", names,
                    d->profile_list);
    return SSL_CLIENT_HELLO_ERROR;
}

// on_info notes a fatal alert from the peer as the reason the connection failed.
static void on_info(const SSL *ssl, int where, int value)
{
    struct galois_dtls *d = conn_of(ssl);
    if (d == NULL || (where & SSL_CB_READ_ALERT) != SSL_CB_READ_ALERT) {
        return;
    }
    if ((value >> 8) == SSL3_AL_FATAL) {
        (void)dtls_fail(d, GALOIS_ERR_IO, "peer sent fatal alert: %s",
                        SSL_alert_desc_string_long(value));
    }
}

void dtls_install_callbacks(SSL_CTX *ctx, enum galois_dtls_role role)
{
    int mode = SSL_VERIFY_PEER;
    if (role == GALOIS_DTLS_SERVER) {
        // RFC 5763 §5: both sides present a certificate. A client without one is refused.
        mode |= SSL_VERIFY_FAIL_IF_NO_PEER_CERT;
        SSL_CTX_set_client_hello_cb(ctx, client_hello, NULL);
    }
    SSL_CTX_set_verify(ctx, mode, NULL);
    SSL_CTX_set_cert_verify_callback(ctx, cert_verify, NULL);
    SSL_CTX_set_info_callback(ctx, on_info);
}
