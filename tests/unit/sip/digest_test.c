// Tests of Digest authentication for SIP: the worked examples of RFC 2617 §3.5 (MD5, qop=auth)
// and RFC 7616 §3.9.1 (SHA-256 and MD5), challenge parsing (quoted and escaped values, stale,
// qop lists, unknown algorithms and schemes, malformed text), the choice of SHA-256 over MD5
// (RFC 8760), and what a response refuses to write.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
// cmocka.h needs the headers above.
#include <cmocka.h>

#include "sip/msg.h"

static galois_err parse(struct galois_sip_challenge *ch, const char *text, char *why,
                        size_t max_why)
{
    return galois_sip_challenge_parse(ch, text, strlen(text), why, max_why);
}

// The header value of a response must hold `param` exactly (with its separator before it).
static void expect_param(const char *value, const char *param)
{
    if (strstr(value, param) == NULL) {
        fail_msg("'%s' not in '%s'", param, value);
    }
}

// RFC 2617 §3.5: the WWW-Authenticate of the example and the Authorization it answers with.
static void test_rfc2617_example(void **state)
{
    (void)state;
    static const char challenge[] =
        "Digest\r\n"
        "                 realm=\"testrealm@host.com\",\r\n"
        "                 qop=\"auth,auth-int\",\r\n"
        "                 nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\",\r\n"
        "                 opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"";
    // The RFC folds the header over lines; unfolded, each CRLF + spaces is one space.
    char unfolded[sizeof(challenge)];
    size_t n = 0;
    for (size_t i = 0; challenge[i] != '\0'; i++) {
        if (challenge[i] != '\r' && challenge[i] != '\n') {
            unfolded[n++] = challenge[i];
        }
    }
    unfolded[n] = '\0';
    struct galois_sip_challenge ch;
    char why[128];
    assert_int_equal(parse(&ch, unfolded, why, sizeof(why)), GALOIS_ERR_OK);
    assert_int_equal(ch.alg, GALOIS_SIP_DIGEST_MD5);
    assert_string_equal(ch.realm, "testrealm@host.com");
    assert_string_equal(ch.nonce, "dcd98b7102dd2f0e8b11d0f600bfb0c093");
    assert_true(ch.has_opaque);
    assert_string_equal(ch.opaque, "5ccc069c403ebaf9f0171e9517f40e41");
    assert_true(ch.qop_auth);
    assert_false(ch.stale);

    char out[512];
    assert_int_equal(galois_sip_digest_response(out, sizeof(out), &ch, "Mufasa", "Circle Of Life",
                                                "GET", "/dir/index.html", 1, "0a4f113b"),
                     GALOIS_ERR_OK);
    assert_true(strncmp(out, "Digest username=\"Mufasa\", realm=\"testrealm@host.com\"", 51) == 0);
    expect_param(out, ", nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\"");
    expect_param(out, ", uri=\"/dir/index.html\"");
    expect_param(out, ", response=\"6629fae49393a05397450978507c4ef1\"");
    expect_param(out, ", algorithm=MD5");
    expect_param(out, ", cnonce=\"0a4f113b\", nc=00000001, qop=auth");
    expect_param(out, ", opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"");
}

// RFC 7616 §3.9.1: one 401 with two challenges, SHA-256 first, then MD5.
static void test_rfc7616_example(void **state)
{
    (void)state;
    static const char *const challenges[] = {
        "Digest realm=\"http-auth@example.org\", qop=\"auth, auth-int\", algorithm=SHA-256, "
        "nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\", "
        "opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\"",
        "Digest realm=\"http-auth@example.org\", qop=\"auth, auth-int\", algorithm=MD5, "
        "nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\", "
        "opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\"",
    };
    static const char *const responses[] = {
        "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1",
        "8ca523f5e9506fed4657c9700eebdbec",
    };
    struct galois_sip_challenge ch[2];
    char why[128];
    for (size_t i = 0; i < 2; i++) {
        assert_int_equal(parse(&ch[i], challenges[i], why, sizeof(why)), GALOIS_ERR_OK);
        assert_true(ch[i].qop_auth);
        char out[512];
        assert_int_equal(galois_sip_digest_response(out, sizeof(out), &ch[i], "Mufasa",
                                                    "Circle of Life", "GET", "/dir/index.html", 1,
                                                    "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ"),
                         GALOIS_ERR_OK);
        char want[128];
        snprintf(want, sizeof(want), ", response=\"%s\"", responses[i]);
        expect_param(out, want);
        expect_param(out, i == 0 ? ", algorithm=SHA-256," : ", algorithm=MD5,");
        expect_param(out, ", cnonce=\"f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ\", nc=00000001");
    }
    assert_int_equal(ch[0].alg, GALOIS_SIP_DIGEST_SHA256);
    assert_int_equal(ch[1].alg, GALOIS_SIP_DIGEST_MD5);
    // RFC 8760 §2.4: SHA-256 is chosen over MD5 whatever the order.
    assert_int_equal(galois_sip_challenge_choose(ch, 2), 0);
    struct galois_sip_challenge swapped[2] = {ch[1], ch[0]};
    assert_int_equal(galois_sip_challenge_choose(swapped, 2), 1);
    assert_int_equal(galois_sip_challenge_choose(swapped, 1), 0);
    assert_int_equal(galois_sip_challenge_choose(swapped, 0), -1);
    swapped[1].alg = GALOIS_SIP_DIGEST_SHA256_SESS;
    assert_int_equal(galois_sip_challenge_choose(swapped, 2), 1);
    swapped[1].nonce[0] = '\0';
    assert_int_equal(galois_sip_challenge_choose(swapped, 2), 0);
}

// Without qop (RFC 2069 compatibility) the response is H(HA1:nonce:HA2) and no cnonce, nc or
// qop is written; -sess folds the nonce and cnonce into HA1 (values from Python's hashlib).
static void test_no_qop_and_sess(void **state)
{
    (void)state;
    struct galois_sip_challenge ch;
    char why[128];
    char out[512];
    assert_int_equal(parse(&ch, "Digest realm=\"r\", nonce=\"n\"", why, sizeof(why)),
                     GALOIS_ERR_OK);
    assert_int_equal(galois_sip_digest_response(out, sizeof(out), &ch, "u", "p", "REGISTER",
                                                "sip:127.0.0.1", 1, NULL),
                     GALOIS_ERR_OK);
    expect_param(out, ", response=\"bad1d92b37d97b54738fb8f8e309cac0\"");
    assert_null(strstr(out, "cnonce"));
    assert_null(strstr(out, "qop"));
    assert_null(strstr(out, "opaque"));
    assert_int_equal(parse(&ch, "Digest realm=\"r\", nonce=\"n\", algorithm=md5-SESS, qop=auth",
                           why, sizeof(why)),
                     GALOIS_ERR_OK);
    assert_int_equal(ch.alg, GALOIS_SIP_DIGEST_MD5_SESS);
    assert_int_equal(galois_sip_digest_response(out, sizeof(out), &ch, "u", "p", "REGISTER",
                                                "sip:127.0.0.1", 2, "c"),
                     GALOIS_ERR_OK);
    expect_param(out, ", response=\"762d4c69bd197624c52efdc4c3e415b0\"");
    expect_param(out, ", algorithm=MD5-sess, cnonce=\"c\", nc=00000002, qop=auth");
    // A made-up cnonce when the caller gives none.
    assert_int_equal(galois_sip_digest_response(out, sizeof(out), &ch, "u", "p", "REGISTER",
                                                "sip:127.0.0.1", 1, NULL),
                     GALOIS_ERR_OK);
    const char *cn = strstr(out, "cnonce=\"");
    assert_non_null(cn);
    assert_int_equal(strspn(cn + 8, "0123456789abcdef"), 32);
}

static void test_challenge_forms(void **state)
{
    (void)state;
    struct galois_sip_challenge ch;
    char why[128];
    // Escapes in quoted values, case-insensitive names, unknown parameters, stale, token values.
    assert_int_equal(parse(&ch,
                           "DIGEST  REALM=\"a \\\"quoted\\\" realm\\\\\" ,domain=\"sip:x\","
                           "NONCE=abc123 , Stale=TRUE,qop=\"auth-int, auth\",x-y=\"z, w\"",
                           why, sizeof(why)),
                     GALOIS_ERR_OK);
    assert_string_equal(ch.realm, "a \"quoted\" realm\\");
    assert_string_equal(ch.nonce, "abc123");
    assert_true(ch.stale);
    assert_true(ch.qop_auth);
    assert_false(ch.has_opaque);
    assert_int_equal(parse(&ch, "Digest realm=r,nonce=n,stale=false", why, sizeof(why)),
                     GALOIS_ERR_OK);
    assert_false(ch.stale);
    assert_false(ch.qop_auth);
    // The escaped realm is written back escaped.
    assert_int_equal(parse(&ch, "Digest realm=\"a\\\"b\\\\c\", nonce=n", why, sizeof(why)),
                     GALOIS_ERR_OK);
    char out[512];
    assert_int_equal(galois_sip_digest_response(out, sizeof(out), &ch, "al\"ice", "p", "INVITE",
                                                "sip:bob@127.0.0.1", 1, NULL),
                     GALOIS_ERR_OK);
    expect_param(out, "Digest username=\"al\\\"ice\", realm=\"a\\\"b\\\\c\"");
}

static void test_challenge_refused(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        galois_err err;
        const char *why;
    } cases[] = {
        {"Digest realm=\"r\", nonce=\"n\", algorithm=SHA-512-256", GALOIS_ERR_UNSUPPORTED,
         "algorithm 'SHA-512-256'"},
        {"Digest realm=\"r\", nonce=\"n\", algorithm=AKAv1-MD5", GALOIS_ERR_UNSUPPORTED,
         "algorithm"},
        {"Basic realm=\"r\"", GALOIS_ERR_UNSUPPORTED, "not Digest"},
        {"Digest realm=\"r\", nonce=\"n\", qop=\"auth-int\"", GALOIS_ERR_UNSUPPORTED, "qop"},
        {"Digest nonce=\"n\"", GALOIS_ERR_PARSE, "realm missing"},
        {"Digest realm=\"r\"", GALOIS_ERR_PARSE, "nonce missing"},
        {"Digest realm=\"r\", realm=\"s\", nonce=n", GALOIS_ERR_PARSE, "realm given twice"},
        {"Digest realm=\"r, nonce=n", GALOIS_ERR_PARSE, "no closing quote"},
        {"Digest realm=\"r\\", GALOIS_ERR_PARSE, "ends in"},
        {"Digest realm=\"r\r\n\", nonce=n", GALOIS_ERR_PARSE, "CR, LF"},
        {"Digest realm=\"r\" nonce=n", GALOIS_ERR_PARSE, "expected ','"},
        {"Digest realm", GALOIS_ERR_PARSE, "without '='"},
        {"Digest", GALOIS_ERR_PARSE, "no parameters"},
        {"", GALOIS_ERR_PARSE, "no scheme"},
        {"Digest realm=@", GALOIS_ERR_PARSE, "neither a token nor quoted"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct galois_sip_challenge ch;
        char why[128] = "";
        galois_err err = parse(&ch, cases[i].text, why, sizeof(why));
        if (err != cases[i].err || strstr(why, cases[i].why) == NULL) {
            fail_msg("case %zu: err %d why '%s', want '%s'", i, err, why, cases[i].why);
        }
    }
    // A value of 256 bytes is over the limit; 255 fits.
    char text[400];
    char big[257];
    memset(big, 'a', 256);
    big[256] = '\0';
    snprintf(text, sizeof(text), "Digest realm=\"%s\", nonce=n", big);
    struct galois_sip_challenge ch;
    assert_int_equal(parse(&ch, text, NULL, 0), GALOIS_ERR_LIMIT);
    big[255] = '\0';
    snprintf(text, sizeof(text), "Digest realm=\"%s\", nonce=n", big);
    assert_int_equal(parse(&ch, text, NULL, 0), GALOIS_ERR_OK);
    assert_int_equal(strlen(ch.realm), 255);
}

static void test_response_refused(void **state)
{
    (void)state;
    struct galois_sip_challenge ch;
    assert_int_equal(parse(&ch, "Digest realm=r, nonce=n, qop=auth", NULL, 0), GALOIS_ERR_OK);
    char out[512];
    const char *uri = "sip:127.0.0.1";
    assert_int_equal(galois_sip_digest_response(out, sizeof(out), &ch, "u\r\nX: y", "p", "REGISTER",
                                                uri, 1, NULL),
                     GALOIS_ERR_INVALID);
    assert_int_equal(
        galois_sip_digest_response(out, sizeof(out), &ch, "u", "p\n", "REGISTER", uri, 1, NULL),
        GALOIS_ERR_INVALID);
    assert_int_equal(
        galois_sip_digest_response(out, sizeof(out), &ch, "u", "p", "REGISTER", uri, 0, NULL),
        GALOIS_ERR_INVALID);
    struct galois_sip_challenge bad = ch;
    memcpy(bad.realm, "r\r\n", 4);
    assert_int_equal(
        galois_sip_digest_response(out, sizeof(out), &bad, "u", "p", "REGISTER", uri, 1, NULL),
        GALOIS_ERR_INVALID);
    // Too little room: BUFFER, and nothing of the response is left behind.
    char small[40];
    memset(small, 'x', sizeof(small));
    assert_int_equal(
        galois_sip_digest_response(small, sizeof(small), &ch, "u", "p", "REGISTER", uri, 1, "c"),
        GALOIS_ERR_BUFFER);
    for (size_t i = 0; i < sizeof(small); i++) {
        assert_int_equal(small[i], 0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rfc2617_example),   cmocka_unit_test(test_rfc7616_example),
        cmocka_unit_test(test_no_qop_and_sess),   cmocka_unit_test(test_challenge_forms),
        cmocka_unit_test(test_challenge_refused), cmocka_unit_test(test_response_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
