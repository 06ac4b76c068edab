// Real TLS handshakes between a galois client and a galois server over a non-blocking
// socketpair: what the default negotiates and reports, a named TLS 1.2 cipher, version and
// verification failures with their reasons, RFC 5922 name checks, verify=no, mutual TLS,
// certificates from files, application data and close_notify.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
// cmocka.h needs the headers above.
#include <cmocka.h>

#include "tls/tls_util.h"

static struct tu_cert trusted;    // the CA the clients trust, also the server's certificate
static struct tu_cert untrusted;  // a second self-signed certificate nobody trusts

static int setup(void **state)
{
    (void)state;
    tu_make_cert(&trusted, "sip.example.com");
    tu_make_cert(&untrusted, "sip.example.com");
    return 0;
}

// The default policy: TLS 1.3, an AEAD suite, X25519, the peer verified; data both ways.
static void test_default_tls13(void **state)
{
    (void)state;
    struct galois_tls_policy cp;
    struct galois_tls_policy sp;
    struct tu_pair p;
    tu_client_policy(&cp, &trusted);
    tu_server_policy(&sp, &trusted);
    tu_open(&p, &cp, &sp, "sip.example.com");
    tu_drive(&p);
    assert_int_equal(p.cr, GALOIS_TLS_IO_OK);
    assert_int_equal(p.sr, GALOIS_TLS_IO_OK);
    assert_string_equal(galois_tls_conn_error(p.client), "");

    struct galois_tls_info ci;
    struct galois_tls_info si;
    assert_int_equal(galois_tls_conn_info(p.client, &ci), GALOIS_ERR_OK);
    assert_int_equal(galois_tls_conn_info(p.server, &si), GALOIS_ERR_OK);
    assert_string_equal(ci.version, "TLSv1.3");
    assert_true(strcmp(ci.cipher, "TLS_AES_256_GCM_SHA384") == 0 ||
                strcmp(ci.cipher, "TLS_AES_128_GCM_SHA256") == 0 ||
                strcmp(ci.cipher, "TLS_CHACHA20_POLY1305_SHA256") == 0);
    assert_string_equal(ci.cipher_iana, ci.cipher);
    assert_int_equal(strcasecmp(ci.group, "x25519"), 0);
    assert_string_equal(ci.peer_subject, "CN=sip.example.com");
    assert_string_equal(ci.peer_issuer, "CN=sip.example.com");
    assert_true(ci.peer_verified);
    assert_string_equal(ci.verify_result, "ok");
    assert_string_equal(ci.sni, "sip.example.com");
    assert_string_equal(si.sni, "sip.example.com");  // what the server received
    assert_string_equal(si.peer_subject, "");        // no client certificate
    assert_false(si.peer_verified);
    assert_string_equal(si.version, ci.version);
    assert_string_equal(si.cipher, ci.cipher);

    char line[1024];
    assert_int_equal(galois_tls_info_text(line, sizeof(line), &ci), GALOIS_ERR_OK);
    tu_contains(line, "TLSv1.3 ");
    tu_contains(line, ci.cipher);
    tu_contains(line, ", verified (ok)");
    tu_contains(line, "sni sip.example.com");
    char json[2048];
    assert_int_equal(galois_tls_info_json(json, sizeof(json), &ci), GALOIS_ERR_OK);
    tu_contains(json, "\"version\":\"TLSv1.3\"");
    tu_contains(json, "\"peer_verified\":true");
    tu_contains(json, "\"peer_subject\":\"CN=sip.example.com\"");

    // Application data both ways.
    size_t n = 0;
    char buf[64];
    assert_int_equal(galois_tls_conn_write(p.client, (const uint8_t *)"OPTIONS", 7, &n),
                     GALOIS_TLS_IO_OK);
    assert_int_equal(n, 7);
    enum galois_tls_io io = tu_read(p.server, buf, sizeof(buf), &n);
    assert_int_equal(io, GALOIS_TLS_IO_OK);
    assert_string_equal(buf, "OPTIONS");
    assert_false(galois_tls_conn_pending(p.server));
    assert_int_equal(tu_read(p.server, buf, sizeof(buf), &n), GALOIS_TLS_IO_WANT_READ);
    assert_int_equal(galois_tls_conn_write(p.server, (const uint8_t *)"200 OK", 6, &n),
                     GALOIS_TLS_IO_OK);
    // The client first reads the session tickets, then the reply.
    for (int i = 0; i < 4; i++) {
        io = tu_read(p.client, buf, sizeof(buf), &n);
        if (io != GALOIS_TLS_IO_WANT_READ) {
            break;
        }
    }
    assert_int_equal(io, GALOIS_TLS_IO_OK);
    assert_string_equal(buf, "200 OK");

    // close_notify: the server sees a clean close, not an error.
    galois_tls_conn_free(p.client);
    p.client = NULL;
    assert_int_equal(tu_read(p.server, buf, sizeof(buf), &n), GALOIS_TLS_IO_CLOSED);
    tu_close(&p);
}

// TLS 1.2 only, one cipher by name: exactly that cipher is negotiated.
static void test_tls12_named_cipher(void **state)
{
    (void)state;
    struct galois_tls_policy cp;
    struct galois_tls_policy sp;
    struct tu_pair p;
    char why[GALOIS_TLS_MAX_WHY_LEN];
    tu_client_policy(&cp, &trusted);
    tu_server_policy(&sp, &trusted);
    assert_int_equal(galois_tls_policy_set(&cp, "max", "1.2", why, sizeof(why)), GALOIS_ERR_OK);
    assert_int_equal(
        galois_tls_policy_set(&cp, "ciphers", "ECDHE-ECDSA-AES128-GCM-SHA256", why, sizeof(why)),
        GALOIS_ERR_OK);
    assert_int_equal(galois_tls_policy_set(&sp, "max", "1.2", why, sizeof(why)), GALOIS_ERR_OK);
    tu_open(&p, &cp, &sp, "127.0.0.1");
    tu_drive(&p);
    assert_int_equal(p.cr, GALOIS_TLS_IO_OK);
    assert_int_equal(p.sr, GALOIS_TLS_IO_OK);
    struct galois_tls_info ci;
    assert_int_equal(galois_tls_conn_info(p.client, &ci), GALOIS_ERR_OK);
    assert_string_equal(ci.version, "TLSv1.2");
    assert_string_equal(ci.cipher, "ECDHE-ECDSA-AES128-GCM-SHA256");
    assert_string_equal(ci.cipher_iana, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256");
    assert_int_equal(strcasecmp(ci.group, "x25519"), 0);
    assert_true(ci.peer_verified);
    assert_string_equal(ci.sni, "");  // no SNI for an IP literal (RFC 6066 §3)
    char line[1024];
    assert_int_equal(galois_tls_info_text(line, sizeof(line), &ci), GALOIS_ERR_OK);
    tu_contains(line, "ECDHE-ECDSA-AES128-GCM-SHA256 (TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256)");
    tu_contains(line, "sni none");
    tu_close(&p);
}

// A TLS 1.2-only client meets a TLS 1.3-only server: both say it is the protocol version.
static void test_version_mismatch(void **state)
{
    (void)state;
    struct galois_tls_policy cp;
    struct galois_tls_policy sp;
    struct tu_pair p;
    tu_client_policy(&cp, &trusted);
    tu_server_policy(&sp, &trusted);
    cp.max_version = GALOIS_TLS_V1_2;
    sp.min_version = GALOIS_TLS_V1_3;
    tu_open(&p, &cp, &sp, "127.0.0.1");
    tu_drive(&p);
    assert_int_equal(p.cr, GALOIS_TLS_IO_ERROR);
    assert_int_equal(p.sr, GALOIS_TLS_IO_ERROR);
    assert_string_equal(galois_tls_conn_error(p.client),
                        "peer refused: protocol version (we allow TLSv1.2..TLSv1.2)");
    assert_string_equal(galois_tls_conn_error(p.server),
                        "no shared protocol version (we allow TLSv1.3..TLSv1.3)");
    struct galois_tls_info ci;
    assert_int_equal(galois_tls_conn_info(p.client, &ci), GALOIS_ERR_STATE);
    tu_close(&p);
}

// A server certificate the client does not trust: refused, with OpenSSL's reason and the peer.
static void test_untrusted_server(void **state)
{
    (void)state;
    struct galois_tls_policy cp;
    struct galois_tls_policy sp;
    struct tu_pair p;
    tu_client_policy(&cp, &trusted);
    tu_server_policy(&sp, &untrusted);
    tu_open(&p, &cp, &sp, "127.0.0.1");
    tu_drive(&p);
    assert_int_equal(p.cr, GALOIS_TLS_IO_ERROR);
    assert_int_equal(p.sr, GALOIS_TLS_IO_ERROR);
    assert_string_equal(galois_tls_conn_error(p.client),
                        "certificate verify failed: self-signed certificate (peer 127.0.0.1)");
    tu_contains(galois_tls_conn_error(p.server), "peer refused: ");
    tu_close(&p);
}

// RFC 5922 names: the SAN URI sip:, dNSName and iPAddress match; anything else does not.
static void test_names(void **state)
{
    (void)state;
    static const struct {
        const char *peer;
        bool ok;
    } cases[] = {
        {"sip.example.com", true},  // DNS and URI:sip:
        {"SIP.Example.COM", true},  // case is ignored
        {"localhost", true},
        {"127.0.0.1", true},
        {"::1", true},
        {"[::1]", true},
        {"example.com", false},
        {"10.1.2.3", false},
        {"www.sip.example.com", false},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct galois_tls_policy cp;
        struct galois_tls_policy sp;
        struct tu_pair p;
        tu_client_policy(&cp, &trusted);
        tu_server_policy(&sp, &trusted);
        tu_open(&p, &cp, &sp, cases[i].peer);
        tu_drive(&p);
        if (cases[i].ok) {
            if (p.cr != GALOIS_TLS_IO_OK) {
                fail_msg("%s: %s", cases[i].peer, galois_tls_conn_error(p.client));
            }
        } else {
            assert_int_equal(p.cr, GALOIS_TLS_IO_ERROR);
            char want[256];
            snprintf(want, sizeof(want),
                     "hostname mismatch: certificate is for 127.0.0.1, ::1, localhost, "
                     "sip:127.0.0.1, sip.example.com, sip:sip.example.com, we wanted %s",
                     cases[i].peer);
            assert_string_equal(galois_tls_conn_error(p.client), want);
        }
        tu_close(&p);
    }
}

// verify=no: the handshake succeeds, and the info says the peer was not verified and why.
static void test_verify_no(void **state)
{
    (void)state;
    struct galois_tls_policy cp;
    struct galois_tls_policy sp;
    struct tu_pair p;
    char why[GALOIS_TLS_MAX_WHY_LEN];
    galois_tls_policy_default(&cp);
    assert_int_equal(galois_tls_policy_set(&cp, "verify", "no", why, sizeof(why)), GALOIS_ERR_OK);
    tu_server_policy(&sp, &untrusted);
    tu_open(&p, &cp, &sp, "wrong.example.org");
    tu_drive(&p);
    assert_int_equal(p.cr, GALOIS_TLS_IO_OK);
    assert_int_equal(p.sr, GALOIS_TLS_IO_OK);
    struct galois_tls_info ci;
    assert_int_equal(galois_tls_conn_info(p.client, &ci), GALOIS_ERR_OK);
    assert_false(ci.peer_verified);
    assert_string_equal(ci.verify_result,
                        "not checked (verify=no); chain: self-signed certificate");
    char line[1024];
    assert_int_equal(galois_tls_info_text(line, sizeof(line), &ci), GALOIS_ERR_OK);
    tu_contains(line, "NOT verified");
    char json[2048];
    assert_int_equal(galois_tls_info_json(json, sizeof(json), &ci), GALOIS_ERR_OK);
    tu_contains(json, "\"peer_verified\":false");
    tu_close(&p);
}

// client-cert=require and a client without one: the server refuses it, the client learns why.
static void test_mtls_missing(void **state)
{
    (void)state;
    struct galois_tls_policy cp;
    struct galois_tls_policy sp;
    struct tu_pair p;
    char why[GALOIS_TLS_MAX_WHY_LEN];
    tu_client_policy(&cp, &trusted);
    tu_server_policy(&sp, &trusted);
    sp.ca_pem = trusted.cert;
    assert_int_equal(galois_tls_policy_set(&sp, "client-cert", "require", why, sizeof(why)),
                     GALOIS_ERR_OK);
    tu_open(&p, &cp, &sp, "127.0.0.1");
    tu_drive(&p);
    assert_int_equal(p.sr, GALOIS_TLS_IO_ERROR);
    assert_string_equal(galois_tls_conn_error(p.server),
                        "peer sent no certificate, and client-cert=require asks for one");
    // In TLS 1.3 the client's handshake ends before the server judges its (empty)
    // certificate; the alert then ends its first read.
    enum galois_tls_io io = p.cr;
    if (io == GALOIS_TLS_IO_OK) {
        char buf[16];
        size_t n = 0;
        io = tu_read(p.client, buf, sizeof(buf), &n);
    }
    assert_int_equal(io, GALOIS_TLS_IO_ERROR);
    assert_string_equal(galois_tls_conn_error(p.client), "peer refused: certificate required");
    tu_close(&p);
}

// Mutual TLS that works: the server reports the verified client certificate. Certificates and
// CAs come from files this time.
static void test_mtls_files(void **state)
{
    (void)state;
    char dir[] = "/tmp/galois-tls-XXXXXX";
    assert_non_null(mkdtemp(dir));
    struct tu_cert client_id;
    tu_make_cert(&client_id, "alice.example.com");
    char scert[512];
    char skey[512];
    char ccert[512];
    char ckey[512];
    char sca[512];
    char cca[512];
    tu_write_file(scert, dir, "server.pem", trusted.cert);
    tu_write_file(skey, dir, "server.key", trusted.key);
    tu_write_file(ccert, dir, "client.pem", client_id.cert);
    tu_write_file(ckey, dir, "client.key", client_id.key);
    tu_write_file(sca, dir, "server-ca.pem", client_id.cert);
    tu_write_file(cca, dir, "client-ca.pem", trusted.cert);
    struct galois_tls_policy cp;
    struct galois_tls_policy sp;
    char why[GALOIS_TLS_MAX_WHY_LEN];
    galois_tls_policy_default(&cp);
    galois_tls_policy_default(&sp);
    const char *const client_opts[][2] = {{"cert", ccert}, {"key", ckey}, {"ca", cca}};
    const char *const server_opts[][2] = {
        {"cert", scert}, {"key", skey}, {"ca", sca}, {"client-cert", "require"}};
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(
            galois_tls_policy_set(&cp, client_opts[i][0], client_opts[i][1], why, sizeof(why)),
            GALOIS_ERR_OK);
    }
    for (size_t i = 0; i < 4; i++) {
        assert_int_equal(
            galois_tls_policy_set(&sp, server_opts[i][0], server_opts[i][1], why, sizeof(why)),
            GALOIS_ERR_OK);
    }
    struct tu_pair p;
    tu_open(&p, &cp, &sp, "sip.example.com");
    tu_drive(&p);
    assert_int_equal(p.cr, GALOIS_TLS_IO_OK);
    assert_int_equal(p.sr, GALOIS_TLS_IO_OK);
    struct galois_tls_info si;
    assert_int_equal(galois_tls_conn_info(p.server, &si), GALOIS_ERR_OK);
    assert_string_equal(si.peer_subject, "CN=alice.example.com");
    assert_true(si.peer_verified);
    assert_string_equal(si.verify_result, "ok");
    tu_close(&p);
    const char *const files[] = {scert, skey, ccert, ckey, sca, cca};
    for (size_t i = 0; i < 6; i++) {
        assert_int_equal(unlink(files[i]), 0);
    }
    assert_int_equal(rmdir(dir), 0);
}

// A server whose client-cert=require policy trusts someone else refuses an unknown client.
static void test_mtls_untrusted_client(void **state)
{
    (void)state;
    struct galois_tls_policy cp;
    struct galois_tls_policy sp;
    struct tu_pair p;
    tu_client_policy(&cp, &trusted);
    cp.cert_pem = untrusted.cert;
    cp.key_pem = untrusted.key;
    tu_server_policy(&sp, &trusted);
    sp.ca_pem = trusted.cert;
    sp.client_cert = GALOIS_TLS_CLIENT_CERT_REQUIRE;
    tu_open(&p, &cp, &sp, "127.0.0.1");
    tu_drive(&p);
    assert_int_equal(p.sr, GALOIS_TLS_IO_ERROR);
    assert_string_equal(galois_tls_conn_error(p.server),
                        "client certificate verify failed: self-signed certificate (peer client)");
    tu_close(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_default_tls13),
        cmocka_unit_test(test_tls12_named_cipher),
        cmocka_unit_test(test_version_mismatch),
        cmocka_unit_test(test_untrusted_server),
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_verify_no),
        cmocka_unit_test(test_mtls_missing),
        cmocka_unit_test(test_mtls_files),
        cmocka_unit_test(test_mtls_untrusted_client),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
