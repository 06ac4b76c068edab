// Handshakes galois must refuse, each with a reason that names what was wrong: a certificate
// that does not match the SDP fingerprint (either side; sha-1 checked when given, never
// enough alone), no common SRTP profile, and a peer without use_srtp (a plain OpenSSL DTLS
// endpoint, as client and as server) whose handshake would otherwise "succeed" with no profile.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
// cmocka.h needs the headers above.
#include <cmocka.h>
#include <galois/tls.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "dtls/dtls_util.h"

static void assert_failed_with(struct galois_dtls *d, const char *reason)
{
    assert_int_equal(galois_dtls_state(d), GALOIS_DTLS_FAILED);
    du_contains(galois_dtls_error(d), reason);
}

// The client's SDP says the server has another certificate: the client refuses it, and the
// server learns it from the alert.
static void test_server_fingerprint_mismatch(void **state)
{
    (void)state;
    struct galois_dtls_policy pol;
    du_policy(&pol, NULL);
    struct du_pair p;
    du_certs(&p);
    struct galois_dtls_cert *other = NULL;
    assert_int_equal(galois_dtls_cert_generate(&other, 1), GALOIS_ERR_OK);
    struct galois_dtls_fingerprint wrong = du_fp(other);
    struct galois_dtls_fingerprint cfp = du_fp(p.ccert);
    du_open_with(&p, &pol, &pol, &wrong, &cfp);
    du_run(&p);
    assert_failed_with(p.client,
                       "peer certificate does not match the SDP fingerprint: got sha-256 ");
    char want[GALOIS_DTLS_MAX_FINGERPRINT_TEXT];
    assert_int_equal(galois_dtls_fingerprint_text(want, sizeof(want), &wrong), GALOIS_ERR_OK);
    du_contains(galois_dtls_error(p.client), want + strlen("sha-256 "));
    assert_failed_with(p.server, "peer sent fatal alert");
    struct galois_dtls_keys k;
    assert_int_equal(galois_dtls_keys(p.client, &k, NULL, NULL), GALOIS_ERR_STATE);
    static const uint8_t rec[14] = {22, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 9, 0, 1, 1};
    assert_int_equal(galois_dtls_input(p.client, rec, sizeof(rec)), GALOIS_ERR_STATE);
    assert_int_equal(galois_dtls_on_timeout(p.client), GALOIS_ERR_STATE);
    assert_int_equal(galois_dtls_timeout_ms(p.client), -1);
    galois_dtls_cert_free(other);
    du_close(&p);
}

// The server's SDP says the client has another certificate.
static void test_client_fingerprint_mismatch(void **state)
{
    (void)state;
    struct galois_dtls_policy pol;
    du_policy(&pol, NULL);
    struct du_pair p;
    du_certs(&p);
    struct galois_dtls_fingerprint sfp = du_fp(p.scert);
    struct galois_dtls_fingerprint wrong = du_fp(p.ccert);
    wrong.value[31] ^= 1;  // one bit off
    du_open_with(&p, &pol, &pol, &sfp, &wrong);
    du_run(&p);
    assert_failed_with(p.server, "peer certificate does not match the SDP fingerprint");
    assert_failed_with(p.client, "peer sent fatal alert");
    du_close(&p);
}

// Several fingerprints: all must match; sha-1 is compared when given; sha-1 alone is refused.
static void test_several_fingerprints(void **state)
{
    (void)state;
    struct galois_dtls_policy pol;
    du_policy(&pol, NULL);
    for (int bad_sha1 = 0; bad_sha1 < 2; bad_sha1++) {
        struct du_pair p;
        du_certs(&p);
        struct galois_dtls_fingerprint sf[3];
        assert_int_equal(galois_dtls_cert_fingerprint(&sf[0], p.scert, GALOIS_DTLS_HASH_SHA1),
                         GALOIS_ERR_OK);
        assert_int_equal(galois_dtls_cert_fingerprint(&sf[1], p.scert, GALOIS_DTLS_HASH_SHA256),
                         GALOIS_ERR_OK);
        assert_int_equal(galois_dtls_cert_fingerprint(&sf[2], p.scert, GALOIS_DTLS_HASH_SHA512),
                         GALOIS_ERR_OK);
        if (bad_sha1) {
            sf[0].value[0] ^= 0x80;
        }
        struct galois_dtls_fingerprint cf;
        assert_int_equal(galois_dtls_cert_fingerprint(&cf, p.ccert, GALOIS_DTLS_HASH_SHA384),
                         GALOIS_ERR_OK);
        char why[GALOIS_DTLS_MAX_WHY_LEN];
        assert_int_equal(
            galois_dtls_new(&p.client, GALOIS_DTLS_CLIENT, &pol, p.ccert, sf, 3, why, sizeof(why)),
            GALOIS_ERR_OK);
        assert_int_equal(
            galois_dtls_new(&p.server, GALOIS_DTLS_SERVER, &pol, p.scert, &cf, 1, why, sizeof(why)),
            GALOIS_ERR_OK);
        du_run(&p);
        if (bad_sha1) {
            assert_failed_with(p.client, "got sha-1 ");
        } else {
            assert_int_equal(galois_dtls_state(p.client), GALOIS_DTLS_CONNECTED);
            assert_int_equal(galois_dtls_state(p.server), GALOIS_DTLS_CONNECTED);
        }
        // sha-1 alone is not enough.
        struct galois_dtls *d = NULL;
        assert_int_equal(
            galois_dtls_new(&d, GALOIS_DTLS_CLIENT, &pol, p.ccert, sf, 1, why, sizeof(why)),
            GALOIS_ERR_POLICY);
        assert_null(d);
        du_contains(why, "no sha-256 (or stronger) fingerprint");
        du_close(&p);
    }
}

// No profile in common: the server refuses in its ClientHello check, naming both lists.
static void test_no_common_profile(void **state)
{
    (void)state;
    struct galois_dtls_policy cp;
    struct galois_dtls_policy sp;
    du_policy(&cp, "SRTP_AES128_CM_SHA1_32:SRTP_AES128_CM_SHA1_80");
    du_policy(&sp, "SRTP_AEAD_AES_256_GCM:SRTP_AEAD_AES_128_GCM");
    struct du_pair p;
    du_open(&p, &cp, &sp);
    du_run(&p);
    assert_failed_with(p.server,
                       "no common SRTP profile: peer offers "
                       "SRTP_AES128_CM_SHA1_32:SRTP_AES128_CM_SHA1_80, policy allows "
                       "SRTP_AEAD_AES_256_GCM:SRTP_AEAD_AES_128_GCM");
    assert_failed_with(p.client, "peer sent fatal alert: handshake failure");
    du_close(&p);

    // The default does not offer CM_32: a peer wanting only it is refused.
    du_policy(&cp, "SRTP_AES128_CM_SHA1_32");
    du_policy(&sp, NULL);
    du_open(&p, &cp, &sp);
    du_run(&p);
    assert_failed_with(p.server, "peer offers SRTP_AES128_CM_SHA1_32, policy allows");
    du_close(&p);
}

// --- A plain OpenSSL DTLS endpoint without use_srtp, over memory BIOs. -----------------------

struct raw {
    SSL_CTX *ctx;
    SSL *ssl;
    BIO *in;   // what we give it
    BIO *out;  // what it sends
    struct galois_dtls_fingerprint fp;
};

static void raw_open(struct raw *r, bool server)
{
    char cert[4096];
    char key[4096];
    assert_int_equal(galois_tls_self_signed(cert, sizeof(cert), key, sizeof(key), "raw", 2),
                     GALOIS_ERR_OK);
    BIO *cb = BIO_new_mem_buf(cert, -1);
    BIO *kb = BIO_new_mem_buf(key, -1);
    X509 *x = PEM_read_bio_X509(cb, NULL, NULL, NULL);
    EVP_PKEY *pk = PEM_read_bio_PrivateKey(kb, NULL, NULL, NULL);
    assert_non_null(x);
    assert_non_null(pk);
    r->fp.hash = GALOIS_DTLS_HASH_SHA256;
    unsigned n = 0;
    assert_int_equal(X509_digest(x, EVP_sha256(), r->fp.value, &n), 1);
    r->fp.len = n;
    r->ctx = SSL_CTX_new(DTLS_method());
    assert_non_null(r->ctx);
    SSL_CTX_set_options(r->ctx, SSL_OP_NO_QUERY_MTU);
    assert_int_equal(SSL_CTX_use_certificate(r->ctx, x), 1);
    assert_int_equal(SSL_CTX_use_PrivateKey(r->ctx, pk), 1);
    r->ssl = SSL_new(r->ctx);
    r->in = BIO_new(BIO_s_mem());
    r->out = BIO_new(BIO_s_mem());
    BIO_set_mem_eof_return(r->in, -1);
    BIO_set_mem_eof_return(r->out, -1);
    SSL_set_bio(r->ssl, r->in, r->out);
    assert_true(SSL_set_mtu(r->ssl, 1200) > 0);
    if (server) {
        SSL_set_accept_state(r->ssl);
    } else {
        SSL_set_connect_state(r->ssl);
    }
    X509_free(x);
    EVP_PKEY_free(pk);
    BIO_free(cb);
    BIO_free(kb);
}

static void raw_close(struct raw *r)
{
    SSL_free(r->ssl);
    SSL_CTX_free(r->ctx);
}

// raw_vs_galois runs the handshake between `r` and `g` until neither has anything to say.
static void raw_vs_galois(struct raw *r, struct galois_dtls *g)
{
    uint8_t buf[8192];
    for (int i = 0; i < 50; i++) {
        bool moved = false;
        ERR_clear_error();
        (void)SSL_do_handshake(r->ssl);
        int n = BIO_read(r->out, buf, (int)sizeof(buf));  // its datagrams, run together
        if (n > 0 && galois_dtls_state(g) != GALOIS_DTLS_FAILED) {
            galois_err err = galois_dtls_input(g, buf, (size_t)n);
            (void)err;  // shown by the state
            moved = true;
        }
        size_t len = 0;
        for (;;) {
            assert_int_equal(galois_dtls_output(g, buf, &len, sizeof(buf)), GALOIS_ERR_OK);
            if (len == 0) {
                break;
            }
            assert_int_equal(BIO_write(r->in, buf, (int)len), (int)len);
            moved = true;
        }
        if (!moved) {
            return;
        }
    }
}

// A DTLS client that offers no use_srtp: the galois server refuses its ClientHello.
static void test_client_without_use_srtp(void **state)
{
    (void)state;
    struct raw r;
    raw_open(&r, false);
    struct galois_dtls_cert *cert = NULL;
    assert_int_equal(galois_dtls_cert_generate(&cert, 1), GALOIS_ERR_OK);
    struct galois_dtls_policy pol;
    du_policy(&pol, NULL);
    struct galois_dtls *g = NULL;
    char why[GALOIS_DTLS_MAX_WHY_LEN];
    assert_int_equal(
        galois_dtls_new(&g, GALOIS_DTLS_SERVER, &pol, cert, &r.fp, 1, why, sizeof(why)),
        GALOIS_ERR_OK);
    raw_vs_galois(&r, g);
    assert_failed_with(g, "peer offers no SRTP (no use_srtp in its ClientHello)");
    assert_int_equal(SSL_is_init_finished(r.ssl), 0);
    galois_dtls_free(g);
    galois_dtls_cert_free(cert);
    raw_close(&r);
}

// A DTLS server that ignores use_srtp: OpenSSL would finish the handshake with no profile; the
// galois client refuses before its Finished.
static void test_server_without_use_srtp(void **state)
{
    (void)state;
    struct raw r;
    raw_open(&r, true);
    struct galois_dtls_cert *cert = NULL;
    assert_int_equal(galois_dtls_cert_generate(&cert, 1), GALOIS_ERR_OK);
    struct galois_dtls_policy pol;
    du_policy(&pol, NULL);
    struct galois_dtls *g = NULL;
    char why[GALOIS_DTLS_MAX_WHY_LEN];
    assert_int_equal(
        galois_dtls_new(&g, GALOIS_DTLS_CLIENT, &pol, cert, &r.fp, 1, why, sizeof(why)),
        GALOIS_ERR_OK);
    raw_vs_galois(&r, g);
    assert_failed_with(g, "peer did not agree to an SRTP profile (no use_srtp in its hello)");
    assert_int_equal(SSL_is_init_finished(r.ssl), 0);
    struct galois_dtls_keys k;
    assert_int_equal(galois_dtls_keys(g, &k, NULL, NULL), GALOIS_ERR_STATE);
    galois_dtls_free(g);
    galois_dtls_cert_free(cert);
    raw_close(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_server_fingerprint_mismatch),
        cmocka_unit_test(test_client_fingerprint_mismatch),
        cmocka_unit_test(test_several_fingerprints),
        cmocka_unit_test(test_no_common_profile),
        cmocka_unit_test(test_client_without_use_srtp),
        cmocka_unit_test(test_server_without_use_srtp),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
