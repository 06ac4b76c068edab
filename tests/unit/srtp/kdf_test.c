// Tests of galois_srtp_kdf, the AES-CM PRF of RFC 3711 §4.3.1 (RFC 6188 §3, RFC 7714 erratum
// 4938 for 12-octet AEAD salts): every published key-derivation vector, and the key
// derivation rate property (r = index DIV kdr selects the keys; r = 0 is kdr 0).
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
// cmocka.h needs the headers above.
#include <cmocka.h>

#include "crypto/internal.h"
#include "srtp/internal.h"
#include "vector_file.h"

// prf_input builds the first PRF counter block x * 2^16 of RFC 3711 §4.3.1 independently:
// key_id = label || r (8 + 48 bits) XORed into the master salt with the least significant
// bits aligned. A 12-octet AEAD salt is first multiplied by 2^16 (erratum 4938), which lines
// it up the same way: salt || 0000 || 0000.
static void prf_input(uint8_t out[16], const struct vf_bytes *salt, uint8_t label, uint64_t r)
{
    memset(out, 0, 16);
    memcpy(out, salt->b, salt->len);
    out[7] ^= label;
    for (size_t i = 0; i < 6; i++) {
        out[8 + i] ^= (uint8_t)(r >> (40 - 8 * i));
    }
}

// check_labelled runs every `<name>_label` field of a case: galois_srtp_kdf with that label
// must give `<name>` (and `<name>_prf_output`, the full first block, where printed); the
// independently built PRF input must equal `<name>_prf_input`. Returns how many it ran.
static size_t check_labelled(const struct vf_case *c)
{
    struct vf_bytes key = vf_hex(c, "master_key");
    struct vf_bytes salt = vf_hex(c, "master_salt");
    uint64_t r = vf_uint(c, "index_div_kdr");
    size_t ran = 0;
    for (size_t f = 0; f < c->num_fields; f++) {
        const char *fname = c->fields[f].name;
        size_t n = strlen(fname);
        if (n <= 6 || strcmp(fname + n - 6, "_label") != 0) {
            continue;
        }
        char base[64];
        char field[96];
        char what[192];
        snprintf(base, sizeof(base), "%.*s", (int)(n - 6), fname);
        uint8_t label = (uint8_t)vf_uint(c, fname);

        uint8_t block[16];
        prf_input(block, &salt, label, r);
        snprintf(field, sizeof(field), "%s_prf_input", base);
        if (vf_has(c, field)) {
            struct vf_bytes want = vf_hex(c, field);
            snprintf(what, sizeof(what), "%s: %s (test's own construction)", c->name, field);
            vf_expect_bytes(what, block, 16, want.b, want.len);
        }

        struct vf_bytes want = vf_hex(c, base);
        uint8_t out[VF_MAX_BYTES];
        galois_err err = galois_srtp_kdf(out, want.len, key.b, key.len, salt.b, salt.len, label, r);
        if (err != GALOIS_ERR_OK) {
            fail_msg("%s: kdf label %u for %s: %s", c->name, label, base, galois_err_name(err));
        }
        snprintf(what, sizeof(what), "%s: %s (label %u, %zu octets)", c->name, base, label,
                 want.len);
        vf_expect_bytes(what, out, want.len, want.b, want.len);

        snprintf(field, sizeof(field), "%s_prf_output", base);
        if (vf_has(c, field)) {
            struct vf_bytes block_want = vf_hex_exact(c, field, 16);
            assert_int_equal(galois_srtp_kdf(out, 16, key.b, key.len, salt.b, salt.len, label, r),
                             GALOIS_ERR_OK);
            snprintf(what, sizeof(what), "%s: %s", c->name, field);
            vf_expect_bytes(what, out, 16, block_want.b, 16);
        }
        ran++;
    }
    return ran;
}

static void test_rfc3711_b3(void **state)
{
    (void)state;
    struct vf_file *f = vf_open("rfc3711.txt");
    const struct vf_case *c = vf_case_named(f, "B.3 key derivation");
    assert_int_equal(check_labelled(c), 3);
    // The HMAC-SHA1 key is the first 20 octets (n_a = 160) of the auth-key label's output.
    struct vf_bytes key = vf_hex(c, "master_key");
    struct vf_bytes salt = vf_hex(c, "master_salt");
    struct vf_bytes want = vf_hex_exact(c, "auth_key_hmac_sha1", 20);
    uint8_t out[20];
    assert_int_equal(
        galois_srtp_kdf(out, 20, key.b, key.len, salt.b, salt.len,
                        (uint8_t)vf_uint(c, "auth_key_label"), vf_uint(c, "index_div_kdr")),
        GALOIS_ERR_OK);
    vf_expect_bytes("B.3 auth_key_hmac_sha1", out, 20, want.b, 20);
    vf_close(f);
}

static void test_rfc6188(void **state)
{
    (void)state;
    struct vf_file *f = vf_open("rfc6188.txt");
    assert_int_equal(check_labelled(vf_case_named(f, "7.2 AES_256_CM_PRF")), 3);
    assert_int_equal(check_labelled(vf_case_named(f, "7.4 AES_192_CM_PRF")), 3);
    vf_close(f);
}

static void test_rfc6904_a1(void **state)
{
    (void)state;
    struct vf_file *f = vf_open("rfc6904.txt");
    assert_int_equal(check_labelled(vf_case_named(f, "A.1 header extension key derivation")), 2);
    vf_close(f);
}

// RFC 9335 A.1 (AES-CM, 14-octet salt) and A.2 (AEAD, 12-octet salt): the session values
// under the RFC 3711 §4.3.2 labels (0x00 cipher key, 0x01 auth key, 0x02 salt), kdr 0.
static void test_rfc9335_common(void **state)
{
    (void)state;
    static const struct {
        const char *field;
        uint8_t label;
    } outputs[] = {{"session_key", 0x00}, {"session_auth_key", 0x01}, {"session_salt", 0x02}};
    static const char *const cases[] = {"A.1 AES-CTR common values", "A.2 AES-GCM common values"};
    struct vf_file *f = vf_open("rfc9335.txt");
    for (size_t i = 0; i < 2; i++) {
        const struct vf_case *c = vf_case_named(f, cases[i]);
        struct vf_bytes key = vf_hex(c, "master_key");
        struct vf_bytes salt = vf_hex(c, "master_salt");
        assert_int_equal(salt.len, i == 0 ? 14 : 12);
        size_t ran = 0;
        for (size_t j = 0; j < GALOIS_ARRAY_LEN(outputs); j++) {
            if (!vf_has(c, outputs[j].field)) {
                continue;
            }
            struct vf_bytes want = vf_hex(c, outputs[j].field);
            uint8_t out[64];
            assert_int_equal(galois_srtp_kdf(out, want.len, key.b, key.len, salt.b, salt.len,
                                             outputs[j].label, 0),
                             GALOIS_ERR_OK);
            char what[128];
            snprintf(what, sizeof(what), "%s: %s", c->name, outputs[j].field);
            vf_expect_bytes(what, out, want.len, want.b, want.len);
            ran++;
        }
        assert_int_equal(ran, i == 0 ? 3 : 2);  // AEAD suites have no auth key
    }
    vf_close(f);
}

// The key derivation rate: for r = index DIV kdr != 0, the output is the PRF at the block
// built with that r (computed here with galois_aes_keystream, itself checked against RFC 3711
// B.2 in aes_test); every r gives different keys; r = 0 gives the kdr = 0 vector.
static void test_kdr_property(void **state)
{
    (void)state;
    static const uint64_t rs[] = {
        0, 1, 2, 3, 0xffff, 0x10000, 0x10001, 1u << 24, 1ull << 40, 1ull << 47, (1ull << 48) - 1};
    struct vf_file *f3711 = vf_open("rfc3711.txt");
    struct vf_file *f6188 = vf_open("rfc6188.txt");
    struct vf_file *f9335 = vf_open("rfc9335.txt");
    const struct vf_case *sets[] = {
        vf_case_named(f3711, "B.3 key derivation"),
        vf_case_named(f6188, "7.2 AES_256_CM_PRF"),
        vf_case_named(f6188, "7.4 AES_192_CM_PRF"),
        vf_case_named(f9335, "A.2 AES-GCM common values"),
    };
    for (size_t s = 0; s < GALOIS_ARRAY_LEN(sets); s++) {
        const struct vf_case *c = sets[s];
        struct vf_bytes key = vf_hex(c, "master_key");
        struct vf_bytes salt = vf_hex(c, "master_salt");
        // r = 0 is what the kdr-0 vector printed.
        const char *kdr0_field = vf_has(c, "cipher_key") ? "cipher_key" : "session_key";
        struct vf_bytes kdr0 = vf_hex(c, kdr0_field);
        for (uint8_t label = 0; label <= 7; label++) {
            uint8_t outs[GALOIS_ARRAY_LEN(rs)][32];
            for (size_t i = 0; i < GALOIS_ARRAY_LEN(rs); i++) {
                uint8_t want[32];
                uint8_t block[16];
                prf_input(block, &salt, label, rs[i]);
                assert_int_equal(galois_aes_keystream(want, 32, key.b, key.len, block),
                                 GALOIS_ERR_OK);
                galois_err err =
                    galois_srtp_kdf(outs[i], 32, key.b, key.len, salt.b, salt.len, label, rs[i]);
                if (err != GALOIS_ERR_OK) {
                    fail_msg("%s: kdf label %u r %llu: %s", c->name, label,
                             (unsigned long long)rs[i], galois_err_name(err));
                }
                char what[160];
                snprintf(what, sizeof(what), "%s: label %u r = %llu", c->name, label,
                         (unsigned long long)rs[i]);
                vf_expect_bytes(what, outs[i], 32, want, 32);
                for (size_t j = 0; j < i; j++) {
                    if (memcmp(outs[i], outs[j], 32) == 0) {
                        fail_msg("%s: label %u: r = %llu and r = %llu give the same keys", c->name,
                                 label, (unsigned long long)rs[i], (unsigned long long)rs[j]);
                    }
                }
            }
            if (label == 0) {
                vf_expect_bytes("r = 0 equals the kdr = 0 cipher key", outs[0], kdr0.len, kdr0.b,
                                kdr0.len);
            }
        }
        // r is 48 bits (index is 48 bits): anything wider is refused.
        uint8_t out[16];
        assert_int_not_equal(
            galois_srtp_kdf(out, 16, key.b, key.len, salt.b, salt.len, 0, 1ull << 48),
            GALOIS_ERR_OK);
    }
    vf_close(f3711);
    vf_close(f6188);
    vf_close(f9335);
}

static void test_kdf_bad_args(void **state)
{
    (void)state;
    uint8_t key[32] = {0};
    uint8_t salt[14] = {0};
    uint8_t out[16];
    assert_int_not_equal(galois_srtp_kdf(out, 16, key, 16, salt, 13, 0, 0), GALOIS_ERR_OK);
    assert_int_not_equal(galois_srtp_kdf(out, 16, key, 16, salt, 0, 0, 0), GALOIS_ERR_OK);
    assert_int_not_equal(galois_srtp_kdf(out, 16, key, 20, salt, 14, 0, 0), GALOIS_ERR_OK);
    assert_int_not_equal(galois_srtp_kdf(out, 16, key, 16, salt, 14, 8, 0), GALOIS_ERR_OK);
    assert_int_equal(galois_srtp_kdf(out, 16, key, 16, salt, 14, 7, 0), GALOIS_ERR_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rfc3711_b3),   cmocka_unit_test(test_rfc6188),
        cmocka_unit_test(test_rfc6904_a1),   cmocka_unit_test(test_rfc9335_common),
        cmocka_unit_test(test_kdr_property), cmocka_unit_test(test_kdf_bad_args),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
