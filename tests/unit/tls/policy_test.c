// Tests of the TLS policy: setting options by name, every refusal at load with the setting it
// names, what weaker choices are accepted when written by name, the info line and JSON, and the
// self-signed certificate helper's errors.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
// cmocka.h needs the headers above.
#include <cmocka.h>

#include "tls/tls_util.h"

static struct tu_cert cert_a;
static struct tu_cert cert_b;

static int setup(void **state)
{
    (void)state;
    tu_make_cert(&cert_a, "a.example.com");
    tu_make_cert(&cert_b, "b.example.com");
    return 0;
}

static void test_defaults(void **state)
{
    (void)state;
    struct galois_tls_policy p;
    galois_tls_policy_default(&p);
    assert_int_equal(p.min_version, GALOIS_TLS_V1_2);
    assert_int_equal(p.max_version, GALOIS_TLS_V1_3);
    assert_true(p.verify);
    assert_int_equal(p.client_cert, GALOIS_TLS_CLIENT_CERT_NONE);
    assert_int_equal(p.seclevel, -1);
    assert_string_equal(p.groups, "X25519:P-256:P-384");
    assert_null(strstr(p.ciphers, "CBC"));
    assert_null(strstr(p.ciphers, "SHA:"));
    assert_string_equal(p.cert_file, "");
    assert_false(p.ca_system);
}

// Each row sets one option and checks the result (and, on success, the field).
static void test_set(void **state)
{
    (void)state;
    static const struct {
        const char *name;
        const char *value;
        galois_err err;
        const char *why;  // the whole message on failure
    } cases[] = {
        {"min", "1.0", GALOIS_ERR_OK, ""},
        {"min", "TLSv1.3", GALOIS_ERR_OK, ""},
        {"max", "1.2", GALOIS_ERR_OK, ""},
        {"min", "1.4", GALOIS_ERR_INVALID,
         "tls min: unknown version '1.4' (want 1.0, 1.1, 1.2 or 1.3)"},
        {"max", "", GALOIS_ERR_INVALID, "tls max: unknown version '' (want 1.0, 1.1, 1.2 or 1.3)"},
        {"verify", "no", GALOIS_ERR_OK, ""},
        {"verify", "YES", GALOIS_ERR_OK, ""},
        {"verify", "maybe", GALOIS_ERR_INVALID, "tls verify: 'maybe' is not yes or no"},
        {"client-cert", "require", GALOIS_ERR_OK, ""},
        {"client-cert", "sometimes", GALOIS_ERR_INVALID,
         "tls client-cert: 'sometimes' is not none, request or require"},
        {"seclevel", "0", GALOIS_ERR_OK, ""},
        {"seclevel", "6", GALOIS_ERR_INVALID, "tls seclevel: '6' is not 0..5 or default"},
        {"seclevel", "10", GALOIS_ERR_INVALID, "tls seclevel: '10' is not 0..5 or default"},
        {"groups", "", GALOIS_ERR_INVALID, "tls groups: empty value"},
        {"sni", "sip\n.example.com", GALOIS_ERR_INVALID, "tls sni: control character in the value"},
        {"cipher", "HIGH", GALOIS_ERR_INVALID, "tls: unknown option 'cipher'"},
        {"ciphers", "HIGH", GALOIS_ERR_OK, ""},  // accepted here, judged at load
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct galois_tls_policy p;
        struct galois_tls_policy before;
        char why[GALOIS_TLS_MAX_WHY_LEN];
        galois_tls_policy_default(&p);
        before = p;
        galois_err err = galois_tls_policy_set(&p, cases[i].name, cases[i].value, why, sizeof(why));
        if (err != cases[i].err || strcmp(why, cases[i].why) != 0) {
            fail_msg("%s=%s: %s '%s'", cases[i].name, cases[i].value, galois_err_name(err), why);
        }
        if (err != GALOIS_ERR_OK) {
            assert_memory_equal(&p, &before, sizeof(p));  // unchanged on failure
        }
    }
    struct galois_tls_policy p;
    char why[GALOIS_TLS_MAX_WHY_LEN];
    galois_tls_policy_default(&p);
    assert_int_equal(galois_tls_policy_set(&p, "min", "1.1", why, sizeof(why)), GALOIS_ERR_OK);
    assert_int_equal(p.min_version, GALOIS_TLS_V1_1);
    assert_int_equal(galois_tls_policy_set(&p, "verify", "off", NULL, 0), GALOIS_ERR_OK);
    assert_false(p.verify);
    assert_int_equal(galois_tls_policy_set(&p, "client-cert", "request", why, sizeof(why)),
                     GALOIS_ERR_OK);
    assert_int_equal(p.client_cert, GALOIS_TLS_CLIENT_CERT_REQUEST);
    assert_int_equal(galois_tls_policy_set(&p, "seclevel", "3", why, sizeof(why)), GALOIS_ERR_OK);
    assert_int_equal(p.seclevel, 3);
    assert_int_equal(galois_tls_policy_set(&p, "seclevel", "default", why, sizeof(why)),
                     GALOIS_ERR_OK);
    assert_int_equal(p.seclevel, -1);
    assert_int_equal(galois_tls_policy_set(&p, "ca", "system", why, sizeof(why)), GALOIS_ERR_OK);
    assert_true(p.ca_system);
    assert_string_equal(p.ca_file, "");
    assert_int_equal(galois_tls_policy_set(&p, "ca", "/etc/galois/ca.pem", why, sizeof(why)),
                     GALOIS_ERR_OK);
    assert_string_equal(p.ca_file, "/etc/galois/ca.pem");
    assert_int_equal(galois_tls_policy_set(&p, "ca-dir", "/etc/ssl/certs", why, sizeof(why)),
                     GALOIS_ERR_OK);
    assert_string_equal(p.ca_dir, "/etc/ssl/certs");
    assert_int_equal(galois_tls_policy_set(&p, "sni", "sip.example.com", why, sizeof(why)),
                     GALOIS_ERR_OK);
    assert_string_equal(p.sni, "sip.example.com");
    assert_int_equal(galois_tls_policy_set(&p, "sigalgs", "ECDSA+SHA256", why, sizeof(why)),
                     GALOIS_ERR_OK);
    assert_string_equal(p.sigalgs, "ECDSA+SHA256");

    char big[GALOIS_TLS_MAX_LIST_LEN + 2];
    memset(big, 'A', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    assert_int_equal(galois_tls_policy_set(&p, "ciphers", big, why, sizeof(why)),
                     GALOIS_ERR_INVALID);
    assert_string_equal(why, "tls ciphers: value of 1025 bytes is over the limit of 1024");
    big[sizeof(big) - 2] = '\0';  // exactly the limit
    assert_int_equal(galois_tls_policy_set(&p, "ciphers", big, why, sizeof(why)), GALOIS_ERR_OK);
}

enum edit {
    E_NONE,
    E_CIPHERS,       // ciphers = arg
    E_SUITES,        // ciphersuites = arg
    E_GROUPS,        // groups = arg
    E_SIGALGS,       // sigalgs = arg
    E_MIN13_MAX12,   // min 1.3, max 1.2
    E_MIN10,         // min 1.0, seclevel 1
    E_MIN10_LEVEL0,  // min 1.0, seclevel 0
    E_MIN13,         // min 1.3 and ciphers = ""
    E_KEY_B,         // the key of another certificate
    E_FILES,         // cert and key = arg (a path)
    E_NO_CERT,       // no certificate or key
    E_NO_KEY,        // a certificate without key
    E_NO_CA,         // no CA
    E_CA_FILE,       // ca = arg, no in-memory CA
    E_CA_DIR,        // ca-dir = arg
    E_CA_SYSTEM,     // ca = system, no in-memory CA
    E_REQUIRE,       // client-cert = require, no CA
    E_SECLEVEL_BAD,  // seclevel = 9, set directly
};

static void apply(struct galois_tls_policy *p, enum edit e, const char *arg)
{
    switch (e) {
        case E_CIPHERS:
            snprintf(p->ciphers, sizeof(p->ciphers), "%s", arg);
            break;
        case E_SUITES:
            snprintf(p->ciphersuites, sizeof(p->ciphersuites), "%s", arg);
            break;
        case E_GROUPS:
            snprintf(p->groups, sizeof(p->groups), "%s", arg);
            break;
        case E_SIGALGS:
            snprintf(p->sigalgs, sizeof(p->sigalgs), "%s", arg);
            break;
        case E_MIN13_MAX12:
            p->min_version = GALOIS_TLS_V1_3;
            p->max_version = GALOIS_TLS_V1_2;
            break;
        case E_MIN10:
            p->min_version = GALOIS_TLS_V1_0;
            p->seclevel = 1;
            break;
        case E_MIN10_LEVEL0:
            p->min_version = GALOIS_TLS_V1_0;
            p->seclevel = 0;
            break;
        case E_MIN13:
            p->min_version = GALOIS_TLS_V1_3;
            p->ciphers[0] = '\0';
            break;
        case E_KEY_B:
            p->key_pem = cert_b.key;
            break;
        case E_FILES:
            p->cert_pem = NULL;
            p->key_pem = NULL;
            snprintf(p->cert_file, sizeof(p->cert_file), "%s", arg);
            snprintf(p->key_file, sizeof(p->key_file), "%s.key", arg);
            break;
        case E_NO_CERT:
            p->cert_pem = NULL;
            p->key_pem = NULL;
            break;
        case E_NO_KEY:
            p->key_pem = NULL;
            break;
        case E_NO_CA:
            p->ca_pem = NULL;
            break;
        case E_CA_FILE:
            p->ca_pem = NULL;
            snprintf(p->ca_file, sizeof(p->ca_file), "%s", arg);
            break;
        case E_CA_DIR:
            p->ca_pem = NULL;
            snprintf(p->ca_dir, sizeof(p->ca_dir), "%s", arg);
            break;
        case E_CA_SYSTEM:
            p->ca_pem = NULL;
            p->ca_system = true;
            break;
        case E_REQUIRE:
            p->ca_pem = NULL;
            p->client_cert = GALOIS_TLS_CLIENT_CERT_REQUIRE;
            break;
        case E_SECLEVEL_BAD:
            p->seclevel = 9;
            break;
        default:
            break;
    }
}

// Every policy is a client trusting cert_a and presenting cert_a, or a server serving cert_a,
// edited by one row; `why` is the start of the expected message ("" for success).
static void test_load(void **state)
{
    (void)state;
    static const struct {
        enum galois_tls_role role;
        enum edit e;
        const char *arg;
        galois_err err;
        const char *why;
    } cases[] = {
        {GALOIS_TLS_CLIENT, E_NONE, "", GALOIS_ERR_OK, ""},
        {GALOIS_TLS_SERVER, E_NONE, "", GALOIS_ERR_OK, ""},
        {GALOIS_TLS_CLIENT, E_CIPHERS, "ECDHE-ECDSA-AES128-GCM-SHA256:FOO", GALOIS_ERR_INVALID,
         "tls ciphers: unknown cipher 'FOO'"},
        {GALOIS_TLS_CLIENT, E_CIPHERS, "ECDHE-ECDSA-AES128-GCM-SHA256:!BAR", GALOIS_ERR_INVALID,
         "tls ciphers: unknown cipher 'BAR'"},
        {GALOIS_TLS_CLIENT, E_CIPHERS, "HIGH", GALOIS_ERR_POLICY, "tls ciphers: 'HIGH' brings in "},
        {GALOIS_TLS_SERVER, E_CIPHERS, "DEFAULT", GALOIS_ERR_POLICY,
         "tls ciphers: 'DEFAULT' brings in "},
        {GALOIS_TLS_CLIENT, E_CIPHERS, "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE+SHA1",
         GALOIS_ERR_POLICY, "tls ciphers: 'ECDHE+SHA1' brings in ECDHE-"},
        {GALOIS_TLS_CLIENT, E_CIPHERS, "ECDHE-ECDSA-AES128-GCM-SHA256:AES128-SHA", GALOIS_ERR_OK,
         ""},  // weak, but written by its exact name
        {GALOIS_TLS_CLIENT, E_CIPHERS, "ECDHE+AESGCM:!aNULL", GALOIS_ERR_OK,
         ""},  // a keyword that brings in only ECDHE with AEAD
        {GALOIS_TLS_CLIENT, E_CIPHERS, "ECDHE-ECDSA-AES128-GCM-SHA256:!ECDHE", GALOIS_ERR_INVALID,
         "tls ciphers: 'ECDHE-ECDSA-AES128-GCM-SHA256:!ECDHE' selects no cipher"},
        {GALOIS_TLS_CLIENT, E_CIPHERS, "", GALOIS_ERR_POLICY,
         "tls ciphers: the list is empty but min is TLSv1.2"},
        {GALOIS_TLS_CLIENT, E_MIN13, "", GALOIS_ERR_OK, ""},
        {GALOIS_TLS_CLIENT, E_SUITES, "TLS_AES_256_GCM_SHA384:TLS_FOO", GALOIS_ERR_INVALID,
         "tls ciphersuites: unknown TLS 1.3 suite 'TLS_FOO'"},
        {GALOIS_TLS_CLIENT, E_SUITES, "", GALOIS_ERR_POLICY,
         "tls ciphersuites: the list is empty but max is TLSv1.3"},
        {GALOIS_TLS_CLIENT, E_GROUPS, "X25519:P-999", GALOIS_ERR_INVALID,
         "tls groups: unknown group 'P-999'"},
        {GALOIS_TLS_CLIENT, E_GROUPS, "ffdhe2048", GALOIS_ERR_OK, ""},
        {GALOIS_TLS_CLIENT, E_SIGALGS, "ECDSA+SHA256:ECDSA+MD17", GALOIS_ERR_INVALID,
         "tls sigalgs: unknown signature algorithm 'ECDSA+MD17'"},
        {GALOIS_TLS_CLIENT, E_MIN13_MAX12, "", GALOIS_ERR_INVALID,
         "tls min: TLSv1.3 is above max TLSv1.2"},
        {GALOIS_TLS_CLIENT, E_MIN10, "", GALOIS_ERR_POLICY,
         "tls min: TLSv1.0 works only at seclevel 0 (this context is at level 1); set seclevel=0 "
         "to allow it"},
        {GALOIS_TLS_CLIENT, E_MIN10_LEVEL0, "", GALOIS_ERR_OK, ""},
        {GALOIS_TLS_CLIENT, E_SECLEVEL_BAD, "", GALOIS_ERR_INVALID, "tls seclevel: 9 is not 0..5"},
        {GALOIS_TLS_SERVER, E_KEY_B, "", GALOIS_ERR_INVALID,
         "tls key: (in-memory PEM) does not match the certificate"},
        {GALOIS_TLS_SERVER, E_FILES, "/nonexistent/galois.pem", GALOIS_ERR_INVALID,
         "tls cert: cannot read '/nonexistent/galois.pem': No such file or directory"},
        {GALOIS_TLS_SERVER, E_NO_CERT, "", GALOIS_ERR_POLICY,
         "tls cert: a server needs a certificate and its key (cert, key)"},
        {GALOIS_TLS_CLIENT, E_NO_CERT, "", GALOIS_ERR_OK, ""},
        {GALOIS_TLS_SERVER, E_NO_KEY, "", GALOIS_ERR_INVALID,
         "tls key: the certificate has no key (set key)"},
        {GALOIS_TLS_CLIENT, E_NO_CA, "", GALOIS_ERR_POLICY,
         "tls ca: verify is on but no CA is configured (set ca=FILE, ca-dir=DIR or ca=system, or "
         "verify=no)"},
        {GALOIS_TLS_SERVER, E_NO_CA, "", GALOIS_ERR_OK, ""},  // a server checks no one
        {GALOIS_TLS_SERVER, E_REQUIRE, "", GALOIS_ERR_POLICY, "tls ca: verify is on but no CA"},
        {GALOIS_TLS_CLIENT, E_CA_FILE, "/nonexistent/ca.pem", GALOIS_ERR_INVALID,
         "tls ca: cannot read '/nonexistent/ca.pem': No such file or directory"},
        {GALOIS_TLS_CLIENT, E_CA_DIR, "/dev/null", GALOIS_ERR_INVALID,
         "tls ca-dir: '/dev/null' is not a directory"},
        {GALOIS_TLS_CLIENT, E_CA_SYSTEM, "", GALOIS_ERR_OK, ""},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct galois_tls_policy p;
        galois_tls_policy_default(&p);
        p.cert_pem = cert_a.cert;
        p.key_pem = cert_a.key;
        if (cases[i].role == GALOIS_TLS_CLIENT) {
            p.ca_pem = cert_a.cert;
        }
        apply(&p, cases[i].e, cases[i].arg);
        struct galois_tls_ctx *ctx = (struct galois_tls_ctx *)&p;  // must become NULL on failure
        char why[GALOIS_TLS_MAX_WHY_LEN];
        galois_err err = galois_tls_ctx_new(&ctx, &p, cases[i].role, why, sizeof(why));
        if (err != cases[i].err || strncmp(why, cases[i].why, strlen(cases[i].why)) != 0 ||
            (err == GALOIS_ERR_OK && why[0] != '\0')) {
            fail_msg("row %zu: %s '%s'", i, galois_err_name(err), why);
        }
        assert_true((err == GALOIS_ERR_OK) == (ctx != NULL));
        galois_tls_ctx_free(ctx);
    }
}

// A keyword that brings in a weak cipher is named with the cipher and what it lacks.
static void test_keyword_message(void **state)
{
    (void)state;
    struct galois_tls_policy p;
    char why[GALOIS_TLS_MAX_WHY_LEN];
    struct galois_tls_ctx *ctx = NULL;
    tu_client_policy(&p, &cert_a);
    snprintf(p.ciphers, sizeof(p.ciphers), "ECDHE-RSA-AES128-SHA256:ECDHE-RSA-AES128-SHA");
    // Both CBC ciphers are named: accepted.
    assert_int_equal(galois_tls_ctx_new(&ctx, &p, GALOIS_TLS_CLIENT, why, sizeof(why)),
                     GALOIS_ERR_OK);
    galois_tls_ctx_free(ctx);
    // The same two from a keyword rule: refused, naming the first and the rule.
    snprintf(p.ciphers, sizeof(p.ciphers), "ECDHE-RSA-AES128-GCM-SHA256:kECDHE+aRSA+AES128+SHA1");
    assert_int_equal(galois_tls_ctx_new(&ctx, &p, GALOIS_TLS_CLIENT, why, sizeof(why)),
                     GALOIS_ERR_POLICY);
    assert_null(ctx);
    assert_string_equal(why,
                        "tls ciphers: 'kECDHE+aRSA+AES128+SHA1' brings in ECDHE-RSA-AES128-SHA "
                        "(not an AEAD cipher); write it by its exact name to allow it, or remove "
                        "it with '!ECDHE-RSA-AES128-SHA'");
    // A key exchange without ECDHE.
    snprintf(p.ciphers, sizeof(p.ciphers), "ECDHE-RSA-AES128-GCM-SHA256:kRSA+AESGCM+AES128");
    assert_int_equal(galois_tls_ctx_new(&ctx, &p, GALOIS_TLS_CLIENT, why, sizeof(why)),
                     GALOIS_ERR_POLICY);
    assert_string_equal(why,
                        "tls ciphers: 'kRSA+AESGCM+AES128' brings in AES128-GCM-SHA256 (not ECDHE "
                        "key exchange); write it by its exact name to allow it, or remove it with "
                        "'!AES128-GCM-SHA256'");
}

static void test_info_format(void **state)
{
    (void)state;
    struct galois_tls_info i;
    memset(&i, 0, sizeof(i));
    snprintf(i.version, sizeof(i.version), "TLSv1.3");
    snprintf(i.cipher, sizeof(i.cipher), "TLS_AES_128_GCM_SHA256");
    snprintf(i.cipher_iana, sizeof(i.cipher_iana), "TLS_AES_128_GCM_SHA256");
    snprintf(i.group, sizeof(i.group), "x25519");
    snprintf(i.peer_subject, sizeof(i.peer_subject), "CN=a \"b\"\\c\x01");
    snprintf(i.peer_issuer, sizeof(i.peer_issuer), "CN=ca");
    snprintf(i.verify_result, sizeof(i.verify_result), "ok");
    i.peer_verified = true;
    char out[1024];
    assert_int_equal(galois_tls_info_text(out, sizeof(out), &i), GALOIS_ERR_OK);
    assert_string_equal(out,
                        "TLSv1.3 TLS_AES_128_GCM_SHA256, group x25519, peer \"CN=a \"b\"\\c?\" "
                        "issued by \"CN=ca\", verified (ok), sni none");
    assert_int_equal(galois_tls_info_json(out, sizeof(out), &i), GALOIS_ERR_OK);
    assert_string_equal(out,
                        "{\"version\":\"TLSv1.3\",\"cipher\":\"TLS_AES_128_GCM_SHA256\","
                        "\"cipher_iana\":\"TLS_AES_128_GCM_SHA256\",\"group\":\"x25519\","
                        "\"peer_subject\":\"CN=a \\\"b\\\"\\\\c\\u0001\",\"peer_issuer\":\"CN=ca\","
                        "\"peer_verified\":true,\"verify_result\":\"ok\",\"sni\":\"\","
                        "\"resumed\":false}");
    size_t need = strlen(out) + 1;
    assert_int_equal(galois_tls_info_json(out, need, &i), GALOIS_ERR_OK);
    assert_int_equal(galois_tls_info_json(out, need - 1, &i), GALOIS_ERR_BUFFER);
    assert_string_equal(out, "");
    assert_int_equal(galois_tls_info_text(out, 10, &i), GALOIS_ERR_BUFFER);
    assert_string_equal(out, "");
}

static void test_self_signed_errors(void **state)
{
    (void)state;
    char cert[4096];
    char key[4096];
    assert_int_equal(galois_tls_self_signed(cert, sizeof(cert), key, sizeof(key), "a,b", 1),
                     GALOIS_ERR_INVALID);
    assert_int_equal(galois_tls_self_signed(cert, sizeof(cert), key, sizeof(key), "x", 0),
                     GALOIS_ERR_INVALID);
    assert_int_equal(galois_tls_self_signed(cert, 100, key, sizeof(key), "x", 1),
                     GALOIS_ERR_BUFFER);
    assert_string_equal(cert, "");
    assert_string_equal(key, "");
    assert_int_equal(galois_tls_self_signed(cert, sizeof(cert), key, sizeof(key), "::1", 1),
                     GALOIS_ERR_OK);
    assert_non_null(strstr(cert, "-----BEGIN CERTIFICATE-----"));
    assert_non_null(strstr(key, "-----BEGIN PRIVATE KEY-----"));
    galois_secure_zero(key, sizeof(key));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),    cmocka_unit_test(test_set),
        cmocka_unit_test(test_load),        cmocka_unit_test(test_keyword_message),
        cmocka_unit_test(test_info_format), cmocka_unit_test(test_self_signed_errors),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
