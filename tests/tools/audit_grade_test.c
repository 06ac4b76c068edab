// Tests of the grade of `galois audit` (tools/galois/audit_grade.c): a strong server gets A+,
// and each weakness of docs/AUDIT.md lowers it to its cap with the reason the report and the
// interop harness (tests/audit/) look for. The probe results are built here by hand, as the
// probes would fill them.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
// cmocka.h needs the headers above.
#include <cmocka.h>

#include "audit.h"

static struct audit_tls tls;
static struct audit_sip sip;
static struct audit_grade grade;

static void add_cipher(size_t version, const char *name, bool aead, bool fs, int bits,
                       const char *enc)
{
    struct audit_version *v = &tls.versions[version];
    struct audit_cipher *c = &v->ciphers[v->num_ciphers++];
    snprintf(c->name, sizeof(c->name), "%s", name);
    snprintf(c->kx, sizeof(c->kx), "%s", fs ? "ECDH" : "RSA");
    snprintf(c->auth, sizeof(c->auth), "RSA");
    snprintf(c->enc, sizeof(c->enc), "%s", enc);
    snprintf(c->mac, sizeof(c->mac), "%s", aead ? "AEAD" : "SHA1");
    c->aead = aead;
    c->forward_secret = fs;
    c->bits = bits;
}

static void add_probe(const char *suite, const char *params, bool accepted)
{
    struct audit_probe *p = &sip.probes[sip.num_probes++];
    p->kind = suite == NULL ? AUDIT_OFFER_PLAIN : AUDIT_OFFER_SRTP;
    snprintf(p->suite, sizeof(p->suite), "%s", suite == NULL ? "" : suite);
    snprintf(p->params, sizeof(p->params), "%s", params);
    if (suite == NULL) {
        snprintf(p->label, sizeof(p->label), "RTP/AVP (no SRTP)");
    } else {
        snprintf(p->label, sizeof(p->label), "%s%s%s", suite, params[0] != '\0' ? " " : "", params);
    }
    p->sent = true;
    p->accepted = accepted;
    p->status = accepted ? 200 : 488;
    if (accepted && suite != NULL) {
        snprintf(p->answer_suite, sizeof(p->answer_suite), "%s", suite);
        p->key_well_formed = true;
        p->key_digest[0] = (uint8_t)sip.num_probes;
    }
    p->torn_down = true;
}

// A strong server: TLS 1.2 (ECDHE+AEAD) and 1.3, a good certificate, SRTP with GCM only.
static int setup_strong(void **state)
{
    (void)state;
    memset(&tls, 0, sizeof(tls));
    memset(&sip, 0, sizeof(sip));
    tls.reachable = true;
    tls.handshake = true;
    for (size_t i = 0; i < AUDIT_NUM_VERSIONS; i++) {
        tls.versions[i].tested = true;
    }
    tls.versions[2].accepted = true;
    add_cipher(2, "ECDHE-RSA-AES256-GCM-SHA384", true, true, 256, "AESGCM(256)");
    add_cipher(2, "ECDHE-RSA-AES128-GCM-SHA256", true, true, 128, "AESGCM(128)");
    tls.versions[3].accepted = true;
    add_cipher(3, "TLS_AES_256_GCM_SHA384", true, true, 256, "AESGCM(256)");
    tls.cert.present = true;
    tls.cert.days_left = 365;
    snprintf(tls.cert.key_type, sizeof(tls.cert.key_type), "RSA");
    tls.cert.key_bits = 2048;
    snprintf(tls.cert.sig_alg, sizeof(tls.cert.sig_alg), "sha256WithRSAEncryption");
    tls.cert.chain_verified = true;
    tls.cert.name_matched = true;
    tls.renegotiation_tested = true;
    tls.secure_renegotiation = true;
    sip.options_sent = true;
    sip.options_status = 200;
    add_probe("AEAD_AES_256_GCM", "", true);
    add_probe("AEAD_AES_128_GCM", "", true);
    add_probe("AES_CM_128_HMAC_SHA1_80", "", false);
    add_probe("AES_CM_128_HMAC_SHA1_32", "", false);
    add_probe("NULL_HMAC_SHA1_80", "", false);
    add_probe("AES_CM_128_HMAC_SHA1_80", "UNAUTHENTICATED_SRTP", false);
    add_probe(NULL, "", false);
    return 0;
}

static const struct audit_reason *find_reason(const char *text)
{
    for (size_t i = 0; i < grade.num_reasons; i++) {
        if (strstr(grade.reasons[i].text, text) != NULL) {
            return &grade.reasons[i];
        }
    }
    fail_msg("no reason contains '%s' (grade %s, %zu reasons)", text, audit_grade_name(grade.level),
             grade.num_reasons);
    static const struct audit_reason none = {.cap = AUDIT_GRADE_F};
    return &none;  // not reached: fail_msg ends the test
}

static void expect_grade(enum audit_grade_level want)
{
    if (grade.level != want) {
        for (size_t i = 0; i < grade.num_reasons; i++) {
            print_message("  reason: %s (cap %s)\n", grade.reasons[i].text,
                          audit_grade_name(grade.reasons[i].cap));
        }
        fail_msg("grade %s, want %s", audit_grade_name(grade.level), audit_grade_name(want));
    }
}

static void test_strong_is_a_plus(void **state)
{
    (void)state;
    audit_grade_compute(&tls, &sip, &grade);
    expect_grade(AUDIT_GRADE_A_PLUS);
    for (size_t i = 0; i < grade.num_reasons; i++) {
        assert_int_equal(grade.reasons[i].severity, AUDIT_INFO);
    }
}

static void test_no_tls13_is_a(void **state)
{
    (void)state;
    tls.versions[3].accepted = false;
    tls.versions[3].num_ciphers = 0;
    audit_grade_compute(&tls, &sip, &grade);
    expect_grade(AUDIT_GRADE_A);
    assert_int_equal(find_reason("does not offer TLS 1.3")->cap, AUDIT_GRADE_A);
}

static void test_tls10_is_c(void **state)
{
    (void)state;
    tls.versions[0].accepted = true;
    add_cipher(0, "ECDHE-RSA-AES128-SHA", false, true, 128, "AES(128)");
    audit_grade_compute(&tls, &sip, &grade);
    expect_grade(AUDIT_GRADE_C);
    assert_int_equal(find_reason("accepts TLS 1.0")->severity, AUDIT_BAD);
    find_reason("accepts a cipher without AEAD: ECDHE-RSA-AES128-SHA (TLS 1.0)");
}

static void test_tls11_is_c(void **state)
{
    (void)state;
    tls.versions[1].accepted = true;
    add_cipher(1, "ECDHE-RSA-AES256-SHA", false, true, 256, "AES(256)");
    audit_grade_compute(&tls, &sip, &grade);
    expect_grade(AUDIT_GRADE_C);
    find_reason("accepts TLS 1.1");
}

static void test_cbc_is_b_and_names_ciphers(void **state)
{
    (void)state;
    add_cipher(2, "ECDHE-RSA-AES128-SHA", false, true, 128, "AES(128)");
    audit_grade_compute(&tls, &sip, &grade);
    expect_grade(AUDIT_GRADE_B);
    assert_int_equal(
        find_reason("accepts a cipher without AEAD: ECDHE-RSA-AES128-SHA (TLS 1.2)")->cap,
        AUDIT_GRADE_B);
    // Many: three named, the rest counted.
    add_cipher(2, "ECDHE-RSA-AES256-SHA", false, true, 256, "AES(256)");
    add_cipher(2, "ECDHE-RSA-AES128-SHA256", false, true, 128, "AES(128)");
    add_cipher(2, "ECDHE-RSA-AES256-SHA384", false, true, 256, "AES(256)");
    audit_grade_compute(&tls, &sip, &grade);
    find_reason(
        "accepts a cipher without AEAD: ECDHE-RSA-AES128-SHA, ECDHE-RSA-AES256-SHA, "
        "ECDHE-RSA-AES128-SHA256 and 1 more (TLS 1.2)");
}

static void test_rsa_kx_and_weak_and_null_ciphers(void **state)
{
    (void)state;
    add_cipher(2, "AES128-GCM-SHA256", true, false, 128, "AESGCM(128)");
    audit_grade_compute(&tls, &sip, &grade);
    expect_grade(AUDIT_GRADE_B);
    find_reason("without forward secrecy: AES128-GCM-SHA256");
    add_cipher(2, "ECDHE-RSA-DES-CBC3-SHA", false, true, 112, "3DES(168)");
    audit_grade_compute(&tls, &sip, &grade);
    expect_grade(AUDIT_GRADE_C);
    find_reason("accepts a weak cipher: ECDHE-RSA-DES-CBC3-SHA (TLS 1.2)");
    add_cipher(2, "ECDHE-RSA-NULL-SHA", false, true, 0, "None");
    audit_grade_compute(&tls, &sip, &grade);
    expect_grade(AUDIT_GRADE_F);
    find_reason("without encryption: ECDHE-RSA-NULL-SHA");
}

static void test_only_old_versions_is_f(void **state)
{
    (void)state;
    tls.versions[2].accepted = false;
    tls.versions[3].accepted = false;
    tls.versions[1].accepted = true;
    audit_grade_compute(&tls, &sip, &grade);
    expect_grade(AUDIT_GRADE_F);
    find_reason("accepts neither TLS 1.2 nor TLS 1.3");
}

static void test_certificate_findings(void **state)
{
    (void)state;
    tls.cert.days_left = 3;
    audit_grade_compute(&tls, &sip, &grade);
    expect_grade(AUDIT_GRADE_B);
    find_reason("certificate expires in 3 days");

    tls.cert.days_left = 20;
    audit_grade_compute(&tls, &sip, &grade);
    expect_grade(AUDIT_GRADE_A_PLUS);
    assert_int_equal(find_reason("certificate expires in 20 days")->severity, AUDIT_INFO);

    tls.cert.days_left = -2;
    tls.cert.expired = true;
    tls.cert.chain_verified = false;
    snprintf(tls.cert.verify_error, sizeof(tls.cert.verify_error), "certificate has expired");
    audit_grade_compute(&tls, &sip, &grade);
    expect_grade(AUDIT_GRADE_F);
    find_reason("certificate expired 2 days ago");

    setup_strong(NULL);
    tls.cert.chain_verified = false;
    tls.cert.self_signed = true;
    audit_grade_compute(&tls, &sip, &grade);
    expect_grade(AUDIT_GRADE_C);
    find_reason("self-signed");

    setup_strong(NULL);
    tls.cert.name_matched = false;
    snprintf(tls.cert.names, sizeof(tls.cert.names), "DNS:other.example");
    audit_grade_compute(&tls, &sip, &grade);
    expect_grade(AUDIT_GRADE_C);
    find_reason("does not match the server's name (it names: DNS:other.example)");

    setup_strong(NULL);
    tls.cert.key_bits = 1024;
    audit_grade_compute(&tls, &sip, &grade);
    expect_grade(AUDIT_GRADE_C);
    find_reason("RSA 1024 bits");

    setup_strong(NULL);
    snprintf(tls.cert.sig_alg, sizeof(tls.cert.sig_alg), "sha1WithRSAEncryption");
    audit_grade_compute(&tls, &sip, &grade);
    expect_grade(AUDIT_GRADE_C);
    find_reason("signed with sha1WithRSAEncryption");

    setup_strong(NULL);
    tls.cert.present = false;
    audit_grade_compute(&tls, &sip, &grade);
    expect_grade(AUDIT_GRADE_F);
}

static void test_renegotiation_and_compression(void **state)
{
    (void)state;
    tls.secure_renegotiation = false;
    audit_grade_compute(&tls, &sip, &grade);
    expect_grade(AUDIT_GRADE_B);
    find_reason("no secure renegotiation");
    tls.compression = true;
    audit_grade_compute(&tls, &sip, &grade);
    expect_grade(AUDIT_GRADE_C);
    find_reason("CRIME");
}

static void test_srtp_weak_suites(void **state)
{
    (void)state;
    sip.probes[3].accepted = true;  // AES_CM_128_HMAC_SHA1_32
    sip.probes[3].key_well_formed = true;
    sip.probes[3].status = 200;
    audit_grade_compute(&tls, &sip, &grade);
    expect_grade(AUDIT_GRADE_B);
    find_reason("accepts AES_CM_128_HMAC_SHA1_32");

    sip.probes[6].accepted = true;  // plain RTP
    sip.probes[6].status = 200;
    audit_grade_compute(&tls, &sip, &grade);
    expect_grade(AUDIT_GRADE_C);
    assert_int_equal(find_reason("accepts plain RTP (RTP/AVP without SRTP)")->severity, AUDIT_BAD);

    sip.probes[5].accepted = true;  // UNAUTHENTICATED_SRTP
    sip.probes[5].key_well_formed = true;
    audit_grade_compute(&tls, &sip, &grade);
    expect_grade(AUDIT_GRADE_D);
    find_reason(
        "accepts AES_CM_128_HMAC_SHA1_80 UNAUTHENTICATED_SRTP (SRTP without "
        "authentication)");
}

static void test_srtp_null_cipher_and_plain_answer(void **state)
{
    (void)state;
    sip.probes[4].accepted = true;
    sip.probes[4].key_well_formed = true;
    audit_grade_compute(&tls, &sip, &grade);
    expect_grade(AUDIT_GRADE_D);
    find_reason("accepts NULL_HMAC_SHA1_80 (SRTP without encryption)");

    setup_strong(NULL);
    sip.probes[2].answer_plain = true;
    audit_grade_compute(&tls, &sip, &grade);
    expect_grade(AUDIT_GRADE_D);
    find_reason("answers an offer of AES_CM_128_HMAC_SHA1_80 with plain RTP");
}

// A server that answers offers with a suite it was not offered (baresip answers every suite
// it does not run with its own AES_CM_128_HMAC_SHA1_80): one reason naming the offers.
static void test_srtp_unoffered_answers(void **state)
{
    (void)state;
    for (size_t i = 2; i < 6; i++) {
        sip.probes[i].answer_unoffered = true;
        sip.probes[i].status = 200;
    }
    audit_grade_compute(&tls, &sip, &grade);
    expect_grade(AUDIT_GRADE_C);
    find_reason(
        "answers SRTP offers with a suite that was not offered: AES_CM_128_HMAC_SHA1_80, "
        "AES_CM_128_HMAC_SHA1_32, NULL_HMAC_SHA1_80 and 1 more");
}

static void test_srtp_keys(void **state)
{
    (void)state;
    sip.probes[1].key_echoed = true;
    audit_grade_compute(&tls, &sip, &grade);
    expect_grade(AUDIT_GRADE_F);
    find_reason("the key we offered");

    setup_strong(NULL);
    sip.probes[1].key_reused = true;
    audit_grade_compute(&tls, &sip, &grade);
    expect_grade(AUDIT_GRADE_F);
    find_reason("already used");

    setup_strong(NULL);
    sip.probes[0].key_well_formed = false;
    audit_grade_compute(&tls, &sip, &grade);
    expect_grade(AUDIT_GRADE_D);
    find_reason("malformed key");
}

static void test_srtp_coverage(void **state)
{
    (void)state;
    // CM_80 only: fine, but not A+.
    sip.probes[0].accepted = false;
    sip.probes[1].accepted = false;
    sip.probes[2].accepted = true;
    sip.probes[2].key_well_formed = true;
    audit_grade_compute(&tls, &sip, &grade);
    expect_grade(AUDIT_GRADE_A);
    find_reason("does not accept AEAD AES-GCM");

    // Plain RTP only.
    sip.probes[2].accepted = false;
    sip.probes[6].accepted = true;
    audit_grade_compute(&tls, &sip, &grade);
    expect_grade(AUDIT_GRADE_F);
    find_reason("accepts no SRTP offer");

    // Nobody answered (404 everywhere): SRTP is not assessed, which keeps it from A.
    for (size_t i = 0; i < sip.num_probes; i++) {
        sip.probes[i].accepted = false;
        sip.probes[i].status = 404;
    }
    audit_grade_compute(&tls, &sip, &grade);
    expect_grade(AUDIT_GRADE_B);
    find_reason("SRTP not assessed");

    // The SIP probes did not run at all.
    audit_grade_compute(&tls, NULL, &grade);
    expect_grade(AUDIT_GRADE_B);
    find_reason("SIP probes did not run");
}

static void test_names(void **state)
{
    (void)state;
    assert_string_equal(audit_grade_name(AUDIT_GRADE_A_PLUS), "A+");
    assert_string_equal(audit_grade_name(AUDIT_GRADE_F), "F");
    assert_string_equal(audit_grade_name((enum audit_grade_level)42), "?");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_strong_is_a_plus, setup_strong),
        cmocka_unit_test_setup(test_no_tls13_is_a, setup_strong),
        cmocka_unit_test_setup(test_tls10_is_c, setup_strong),
        cmocka_unit_test_setup(test_tls11_is_c, setup_strong),
        cmocka_unit_test_setup(test_cbc_is_b_and_names_ciphers, setup_strong),
        cmocka_unit_test_setup(test_rsa_kx_and_weak_and_null_ciphers, setup_strong),
        cmocka_unit_test_setup(test_only_old_versions_is_f, setup_strong),
        cmocka_unit_test_setup(test_certificate_findings, setup_strong),
        cmocka_unit_test_setup(test_renegotiation_and_compression, setup_strong),
        cmocka_unit_test_setup(test_srtp_weak_suites, setup_strong),
        cmocka_unit_test_setup(test_srtp_null_cipher_and_plain_answer, setup_strong),
        cmocka_unit_test_setup(test_srtp_unoffered_answers, setup_strong),
        cmocka_unit_test_setup(test_srtp_keys, setup_strong),
        cmocka_unit_test_setup(test_srtp_coverage, setup_strong),
        cmocka_unit_test(test_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
