// Tests of the RFC 5922 §7.1 identity check on certificates built here with exactly the names
// each case needs: SAN URI sip:, dNSName, iPAddress, the CN only without a SAN, no wildcards,
// no user parts, embedded NULs.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
// cmocka.h needs the headers above.
#include <cmocka.h>
#include <openssl/x509v3.h>

#include "tls/internal.h"

struct san {
    int type;  // GEN_URI, GEN_DNS, GEN_IPADD; 0 ends the list
    const char *bytes;
    int len;  // -1: strlen
};

static X509 *make_cert(const char *cn, const struct san *sans)
{
    X509 *x = X509_new();
    assert_non_null(x);
    if (cn != NULL) {
        assert_int_equal(X509_NAME_add_entry_by_txt(X509_get_subject_name(x), "CN", MBSTRING_ASC,
                                                    (const unsigned char *)cn, -1, -1, 0),
                         1);
    }
    if (sans == NULL) {
        return x;
    }
    GENERAL_NAMES *names = sk_GENERAL_NAME_new_null();
    assert_non_null(names);
    for (const struct san *s = sans; s->type != 0; s++) {
        GENERAL_NAME *gn = GENERAL_NAME_new();
        ASN1_STRING *str = s->type == GEN_IPADD ? ASN1_OCTET_STRING_new() : ASN1_IA5STRING_new();
        assert_non_null(gn);
        assert_non_null(str);
        int len = s->len >= 0 ? s->len : (int)strlen(s->bytes);
        assert_int_equal(ASN1_STRING_set(str, s->bytes, len), 1);
        GENERAL_NAME_set0_value(gn, s->type, str);
        assert_true(sk_GENERAL_NAME_push(names, gn) > 0);
    }
    assert_int_equal(X509_add1_ext_i2d(x, NID_subject_alt_name, names, 0, X509V3_ADD_DEFAULT), 1);
    GENERAL_NAMES_free(names);
    return x;
}

static void expect(X509 *x, const char *host, bool ok, const char *msg)
{
    char why[TLS_MAX_MISMATCH_LEN] = "";
    bool got = tls_identity_match(x, host, why, sizeof(why));
    if (got != ok) {
        fail_msg("%s: expected %s (%s)", host, ok ? "a match" : "no match", why);
    }
    if (msg != NULL) {
        assert_string_equal(why, msg);
    }
}

static void test_uri_sip(void **state)
{
    (void)state;
    static const struct san sans[] = {{GEN_URI, "sip:example.com", -1},
                                      {GEN_URI, "sip:alice@users.example.com", -1},
                                      {GEN_URI, "http://web.example.com", -1},
                                      {GEN_URI, "sip:[2001:db8::5]", -1},
                                      {GEN_URI, "sip:params.example.com;transport=tls", -1},
                                      {0, NULL, 0}};
    X509 *x = make_cert("cn.example.com", sans);
    expect(x, "example.com", true, NULL);
    expect(x, "EXAMPLE.COM", true, NULL);
    expect(x, "users.example.com", false, NULL);  // sip:user@host names a user
    expect(x, "web.example.com", false, NULL);    // not a SIP URI
    expect(x, "2001:db8::5", true, NULL);
    expect(x, "[2001:db8:0::5]", true, NULL);  // compared as addresses, not text
    expect(x, "params.example.com", true, NULL);
    expect(x, "cn.example.com", false,
           "hostname mismatch: certificate is for sip:example.com, sip:alice@users.example.com, "
           "http://web.example.com, sip:[2001:db8::5], sip:params.example.com;transport=tls, we "
           "wanted cn.example.com");  // the CN does not count beside a SAN
    X509_free(x);
}

static void test_dns_and_ip(void **state)
{
    (void)state;
    static const struct san sans[] = {{GEN_DNS, "*.example.com", -1},
                                      {GEN_DNS, "proxy.example.net", -1},
                                      {GEN_DNS, "10.9.9.9", -1},
                                      {GEN_IPADD, "\x0a\x00\x00\x01", 4},
                                      {GEN_DNS, "nul.example.org\0.evil.test", 26},
                                      {0, NULL, 0}};
    X509 *x = make_cert(NULL, sans);
    expect(x, "proxy.example.net", true, NULL);
    expect(x, "Proxy.Example.Net", true, NULL);
    expect(x, "a.example.com", false, NULL);  // no wildcards (RFC 5922 §7.2)
    expect(x, "example.net", false, NULL);
    expect(x, "10.0.0.1", true, NULL);
    expect(x, "10.0.0.2", false, NULL);
    expect(x, "10.9.9.9", false, NULL);         // an address matches iPAddress only
    expect(x, "nul.example.org", false, NULL);  // an embedded NUL is part of the name
    expect(x, "evil.test", false,
           "hostname mismatch: certificate is for *.example.com, proxy.example.net, 10.9.9.9, "
           "10.0.0.1, nul.example.org?.evil.test, we wanted evil.test");
    X509_free(x);
}

static void test_cn_only_without_san(void **state)
{
    (void)state;
    X509 *x = make_cert("sip.example.com", NULL);
    expect(x, "sip.example.com", true, NULL);
    expect(x, "other.example.com", false,
           "hostname mismatch: certificate is for CN=sip.example.com, we wanted "
           "other.example.com");
    X509_free(x);
    x = make_cert("192.0.2.7", NULL);
    expect(x, "192.0.2.7", true, NULL);
    X509_free(x);
    x = make_cert(NULL, NULL);
    expect(x, "sip.example.com", false,
           "hostname mismatch: certificate is for (no name), we wanted sip.example.com");
    X509_free(x);
}

static void test_ip_literal(void **state)
{
    (void)state;
    uint8_t ip[16];
    size_t n = 0;
    assert_true(tls_ip_literal("127.0.0.1", ip, &n));
    assert_int_equal(n, 4);
    assert_memory_equal(ip, "\x7f\x00\x00\x01", 4);
    assert_true(tls_ip_literal("[::1]", ip, &n));
    assert_int_equal(n, 16);
    assert_int_equal(ip[15], 1);
    assert_false(tls_ip_literal("localhost", ip, &n));
    assert_false(tls_ip_literal("1.2.3", ip, &n));
    assert_false(tls_ip_literal("[::1", ip, &n));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_uri_sip),
        cmocka_unit_test(test_dns_and_ip),
        cmocka_unit_test(test_cn_only_without_san),
        cmocka_unit_test(test_ip_literal),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
