// Tests of the STUN codec (RFC 8489): the four messages of RFC 5769 (tests/vectors/stun/
// rfc5769.txt) parsed, authenticated and rebuilt byte for byte; MESSAGE-INTEGRITY-SHA256 on
// RFC 8489 B.1 (rfc8489.txt) and on vectors made by an independent Python implementation
// (mi_sha256.txt, tests/vectors/stun/make_mi_sha256.py); round trips through the writers; and
// every malformed message we could think of, each refused with its reason.
#include <openssl/evp.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
// cmocka.h needs the headers above.
#include <cmocka.h>

#include "ice/internal.h"
#include "vector_file.h"

static const char *const vectors = "stun/rfc5769.txt";
static const char *const vectors_b1 = "stun/rfc8489.txt";
static const char *const vectors_sha256 = "stun/mi_sha256.txt";

static struct galois_stun_key *key_of(const char *text)
{
    struct galois_stun_key *k = NULL;
    assert_int_equal(galois_stun_key_new(&k, (const uint8_t *)text, strlen(text)), GALOIS_ERR_OK);
    return k;
}

static void expect_view(const uint8_t *p, size_t len, const char *want)
{
    assert_non_null(p);
    assert_int_equal(len, strlen(want));
    assert_memory_equal(p, want, len);
}

// parse_vector parses one RFC 5769 message and checks what every case has.
static struct vf_bytes parse_vector(const struct vf_case *vc, struct galois_stun_msg *m)
{
    struct vf_bytes msg = vf_hex(vc, "message");
    struct vf_bytes txid = vf_hex_exact(vc, "txid", GALOIS_STUN_TXID_LEN);
    assert_int_equal(galois_stun_parse(m, msg.b, msg.len), GALOIS_ERR_OK);
    assert_int_equal(m->why, GALOIS_STUN_WHY_NONE);
    assert_int_equal(m->method, GALOIS_STUN_BINDING);
    assert_int_equal(m->len, msg.len);
    assert_memory_equal(m->txid, txid.b, txid.len);
    assert_true(m->has_integrity);
    assert_int_equal(m->num_unknown, 0);
    struct vf_bytes mi = vf_hex_exact(vc, "message_integrity", GALOIS_STUN_SHA1_LEN);
    vf_expect_bytes(vc->name, msg.b + m->integrity_off + 4, GALOIS_STUN_SHA1_LEN, mi.b, mi.len);
    return msg;
}

static void expect_integrity(const struct galois_stun_msg *m, const struct vf_bytes *msg,
                             const uint8_t *key, size_t key_len)
{
    struct galois_stun_key *k = NULL;
    struct galois_stun_key *wrong = key_of("not the password at all");
    assert_int_equal(galois_stun_key_new(&k, key, key_len), GALOIS_ERR_OK);
    assert_int_equal(galois_stun_check_integrity(k, m, msg->b, msg->len), GALOIS_ERR_OK);
    assert_int_equal(galois_stun_check_integrity(wrong, m, msg->b, msg->len), GALOIS_ERR_AUTH);
    assert_int_equal(galois_stun_check_integrity(k, m, msg->b, msg->len - 1), GALOIS_ERR_INVALID);
    galois_stun_key_free(k);
    galois_stun_key_free(wrong);
}

static void test_rfc5769_request(void **state)
{
    (void)state;
    struct vf_file *f = vf_open(vectors);
    const struct vf_case *vc = vf_case_named(f, "2.1 ");
    struct galois_stun_msg m;
    struct vf_bytes msg = parse_vector(vc, &m);
    assert_int_equal(m.cls, GALOIS_STUN_REQUEST);
    expect_view(m.username, m.username_len, vf_text(vc, "username_text"));
    expect_view(m.software, m.software_len, vf_text(vc, "software_text"));
    assert_true(m.has_priority);
    assert_int_equal(m.priority, vf_uint(vc, "priority"));
    assert_true(m.has_controlled);
    assert_false(m.has_controlling);
    assert_true(m.tie_breaker == vf_uint(vc, "ice_controlled"));
    assert_false(m.use_candidate);
    assert_true(m.has_fingerprint);
    const char *pwd = vf_text(vc, "password_text");
    expect_integrity(&m, &msg, (const uint8_t *)pwd, strlen(pwd));
    vf_close(f);
}

static void test_rfc5769_responses(void **state)
{
    (void)state;
    struct vf_file *f = vf_open(vectors);
    const char *const names[] = {"2.2 ", "2.3 "};
    for (size_t i = 0; i < GALOIS_ARRAY_LEN(names); i++) {
        const struct vf_case *vc = vf_case_named(f, names[i]);
        struct galois_stun_msg m;
        struct vf_bytes msg = parse_vector(vc, &m);
        assert_int_equal(m.cls, GALOIS_STUN_SUCCESS);
        expect_view(m.software, m.software_len, vf_text(vc, "software_text"));
        assert_true(m.has_xor_mapped);
        struct galois_ice_addr want;
        assert_int_equal(galois_ice_addr_from_text(&want, vf_text(vc, "mapped_address_text"),
                                                   (uint16_t)vf_dec(vc, "mapped_port_dec")),
                         GALOIS_ERR_OK);
        assert_true(galois_ice_addr_equal(&m.xor_mapped, &want));
        assert_true(m.has_fingerprint);
        const char *pwd = vf_text(vc, "password_text");
        expect_integrity(&m, &msg, (const uint8_t *)pwd, strlen(pwd));
    }
    vf_close(f);
}

static void test_rfc5769_long_term(void **state)
{
    (void)state;
    struct vf_file *f = vf_open(vectors);
    const struct vf_case *vc = vf_case_named(f, "2.4 ");
    struct galois_stun_msg m;
    struct vf_bytes msg = parse_vector(vc, &m);
    struct vf_bytes user = vf_hex(vc, "username");
    assert_int_equal(m.cls, GALOIS_STUN_REQUEST);
    assert_false(m.has_fingerprint);
    assert_int_equal(m.username_len, user.len);
    assert_memory_equal(m.username, user.b, user.len);
    expect_view(m.realm, m.realm_len, vf_text(vc, "realm_text"));
    expect_view(m.nonce, m.nonce_len, vf_text(vc, "nonce_text"));
    // RFC 8489 §9.2.2: key = MD5(username ":" realm ":" password), computed here with
    // OpenSSL directly (the library has no long-term credential code).
    char text[128];
    const char *realm = vf_text(vc, "realm_text");
    const char *pass = vf_text(vc, "password_text");
    memcpy(text, user.b, user.len);
    int n = snprintf(text + user.len, sizeof(text) - user.len, ":%s:%s", realm, pass);
    assert_true(n > 0);
    uint8_t key[16];
    unsigned key_len = 0;
    assert_int_equal(EVP_Digest(text, user.len + (size_t)n, key, &key_len, EVP_md5(), NULL), 1);
    assert_int_equal(key_len, 16);
    expect_integrity(&m, &msg, key, key_len);
    vf_close(f);
}

// The writer's MESSAGE-INTEGRITY and FINGERPRINT reproduce the RFC's: each message is rebuilt
// from its attributes (copied raw, with the RFC's space padding) up to MESSAGE-INTEGRITY, and
// galois_stun_w_finish adds the rest.
static void test_rfc5769_rebuilt(void **state)
{
    (void)state;
    struct vf_file *f = vf_open(vectors);
    const char *const names[] = {"2.1 ", "2.2 ", "2.3 "};
    for (size_t i = 0; i < GALOIS_ARRAY_LEN(names); i++) {
        const struct vf_case *vc = vf_case_named(f, names[i]);
        struct galois_stun_msg m;
        struct vf_bytes msg = parse_vector(vc, &m);
        struct galois_stun_key *k = key_of(vf_text(vc, "password_text"));
        uint8_t out[256];
        struct galois_buf b;
        galois_buf_init(&b, out, sizeof(out));
        galois_stun_w_begin(&b, galois_stun_type(m.method, m.cls), m.txid);
        galois_buf_put(&b, msg.b + GALOIS_STUN_HEADER_LEN,
                       m.integrity_off - GALOIS_STUN_HEADER_LEN);
        assert_int_equal(galois_stun_w_finish(&b, k), GALOIS_ERR_OK);
        vf_expect_bytes(vc->name, out, b.len, msg.b, msg.len);
        galois_stun_key_free(k);
    }
    vf_close(f);
}

// RFC 8489 Appendix B.1 (erratum 6268): long-term credentials, USERHASH, PASSWORD-ALGORITHM
// SHA-256 and MESSAGE-INTEGRITY-SHA256. galois has no long-term credential code: the key,
// SHA-256(username ":" realm ":" password) (§9.2.2, §18.5.1), is made here with OpenSSL.
static void test_rfc8489_b1(void **state)
{
    (void)state;
    struct vf_file *f = vf_open(vectors_b1);
    const struct vf_case *vc = vf_case_named(f, "B.1 ");
    struct vf_bytes msg = vf_hex(vc, "message");
    struct vf_bytes user = vf_hex(vc, "username");
    struct vf_bytes want_key = vf_hex_exact(vc, "key", 32);
    struct vf_bytes mi = vf_hex_exact(vc, "message_integrity_sha256", GALOIS_STUN_SHA256_LEN);
    struct galois_stun_msg m;
    assert_int_equal(galois_stun_parse(&m, msg.b, msg.len), GALOIS_ERR_OK);
    assert_int_equal(m.cls, GALOIS_STUN_REQUEST);
    assert_true(m.has_integrity_sha256 && !m.has_integrity && !m.has_fingerprint);
    assert_null(m.username);  // USERHASH instead
    expect_view(m.realm, m.realm_len, vf_text(vc, "realm_text"));
    expect_view(m.nonce, m.nonce_len, vf_text(vc, "nonce_text"));
    // USERHASH (0x001E) and PASSWORD-ALGORITHM (0x001D) are not known here.
    assert_int_equal(m.num_unknown, 2);
    assert_int_equal(m.unknown[0], 0x001E);
    assert_int_equal(m.unknown[1], 0x001D);
    vf_expect_bytes(vc->name, msg.b + m.integrity_sha256_off + 4, GALOIS_STUN_SHA256_LEN, mi.b,
                    mi.len);

    char text[128];
    const char *realm = vf_text(vc, "realm_text");
    const char *pass = vf_text(vc, "password_text");
    memcpy(text, user.b, user.len);
    int n = snprintf(text + user.len, sizeof(text) - user.len, ":%s:%s", realm, pass);
    assert_true(n > 0);
    uint8_t key[32];
    unsigned key_len = 0;
    assert_int_equal(EVP_Digest(text, user.len + (size_t)n, key, &key_len, EVP_sha256(), NULL), 1);
    vf_expect_bytes(vc->name, key, key_len, want_key.b, want_key.len);
    expect_integrity(&m, &msg, key, key_len);
    // The MD5 key of the default algorithm is not the one.
    uint8_t md5[16];
    assert_int_equal(EVP_Digest(text, user.len + (size_t)n, md5, &key_len, EVP_md5(), NULL), 1);
    struct galois_stun_key *k = NULL;
    assert_int_equal(galois_stun_key_new(&k, md5, sizeof(md5)), GALOIS_ERR_OK);
    assert_int_equal(galois_stun_check_integrity(k, &m, msg.b, msg.len), GALOIS_ERR_AUTH);
    galois_stun_key_free(k);
    vf_close(f);
}

// strip_sha256 copies `msg` up to its MESSAGE-INTEGRITY-SHA256 into `out`, with the length
// field cut to match: what is left is signed by MESSAGE-INTEGRITY alone.
static size_t strip_sha256(uint8_t *out, const struct vf_bytes *msg,
                           const struct galois_stun_msg *m)
{
    memcpy(out, msg->b, m->integrity_sha256_off);
    galois_put_u16(out + 2, (uint16_t)(m->integrity_sha256_off - GALOIS_STUN_HEADER_LEN));
    return m->integrity_sha256_off;
}

// Every case of mi_sha256.txt: parsed (or refused), checked under the password and under a
// wrong one. galois_stun_check_integrity takes MESSAGE-INTEGRITY-SHA256 when it is there and
// then only it (RFC 8489 §9.1.3): the case with a good MESSAGE-INTEGRITY beside a bad
// MESSAGE-INTEGRITY-SHA256 is AUTH, although its MESSAGE-INTEGRITY alone checks out.
static void test_mi_sha256_vectors(void **state)
{
    (void)state;
    struct vf_file *f = vf_open(vectors_sha256);
    struct galois_stun_key *wrong = key_of("localpasswordlocalpassw0rD");
    assert_int_equal(f->num_cases, 8);
    for (size_t i = 0; i < f->num_cases; i++) {
        const struct vf_case *vc = &f->cases[i];
        struct vf_bytes msg = vf_hex(vc, "message");
        const char *check = vf_text(vc, "check_text");
        struct galois_stun_msg m;
        galois_err err = galois_stun_parse(&m, msg.b, msg.len);
        if (strcmp(check, "malformed") == 0) {
            assert_int_equal(err, GALOIS_ERR_PARSE);
            assert_int_equal(m.why, GALOIS_STUN_WHY_BAD_ATTR);
            continue;
        }
        if (err != GALOIS_ERR_OK || !m.has_integrity_sha256 || !m.has_fingerprint) {
            fail_msg("%s: not parsed with MESSAGE-INTEGRITY-SHA256 and FINGERPRINT", vc->name);
        }
        struct galois_stun_key *k = key_of(vf_text(vc, "password_text"));
        galois_err want = strcmp(check, "ok") == 0 ? GALOIS_ERR_OK : GALOIS_ERR_AUTH;
        err = galois_stun_check_integrity(k, &m, msg.b, msg.len);
        if (err != want) {
            fail_msg("%s: %s, want %s", vc->name, galois_err_name(err), galois_err_name(want));
        }
        assert_int_equal(galois_stun_check_integrity(wrong, &m, msg.b, msg.len), GALOIS_ERR_AUTH);
        assert_int_equal(galois_stun_check_integrity(k, &m, msg.b, msg.len - 4),
                         GALOIS_ERR_INVALID);
        if (m.has_integrity) {
            // Without the SHA-256 attribute the message stands on MESSAGE-INTEGRITY: right in
            // every case but "both, mi tampered".
            uint8_t cut[VF_MAX_BYTES];
            struct galois_stun_msg mc;
            size_t cut_len = strip_sha256(cut, &msg, &m);
            assert_int_equal(galois_stun_parse(&mc, cut, cut_len), GALOIS_ERR_OK);
            assert_true(mc.has_integrity && !mc.has_integrity_sha256);
            assert_int_equal(
                galois_stun_check_integrity(k, &mc, cut, cut_len),
                strstr(vc->name, "mi tampered") != NULL ? GALOIS_ERR_AUTH : GALOIS_ERR_OK);
        }
        galois_stun_key_free(k);
    }
    galois_stun_key_free(wrong);
    vf_close(f);
}

// The cases that need more than the table: truncation against the usage's floor, and what
// follows MESSAGE-INTEGRITY-SHA256.
static void test_mi_sha256_details(void **state)
{
    (void)state;
    struct vf_file *f = vf_open(vectors_sha256);
    struct galois_stun_key *k = key_of("localpasswordlocalpassw0rd");
    struct galois_stun_msg m;

    // 16 bytes: right for STUN, short for a usage that wants the full 32 (ICE).
    struct vf_bytes msg = vf_hex(vf_case_named(f, "sha256 truncated to 16"), "message");
    assert_int_equal(galois_stun_parse(&m, msg.b, msg.len), GALOIS_ERR_OK);
    assert_int_equal(galois_stun_verify(k, &m, msg.b, msg.len, 16), GALOIS_ERR_OK);
    assert_int_equal(galois_stun_verify(k, &m, msg.b, msg.len, 20), GALOIS_ERR_AUTH);
    assert_int_equal(galois_stun_verify(k, &m, msg.b, msg.len, 32), GALOIS_ERR_AUTH);
    msg = vf_hex(vf_case_named(f, "sha256 only, right"), "message");
    assert_int_equal(galois_stun_parse(&m, msg.b, msg.len), GALOIS_ERR_OK);
    assert_true(!m.has_integrity);
    assert_int_equal(galois_stun_verify(k, &m, msg.b, msg.len, 32), GALOIS_ERR_OK);

    // After MESSAGE-INTEGRITY-SHA256 only FINGERPRINT counts (RFC 8489 §9): USE-CANDIDATE,
    // 0x0031, MESSAGE-INTEGRITY and ICE-CONTROLLED there are not read.
    msg = vf_hex(vf_case_named(f, "attributes after sha256"), "message");
    assert_int_equal(galois_stun_parse(&m, msg.b, msg.len), GALOIS_ERR_OK);
    assert_true(m.has_integrity_sha256 && m.has_fingerprint && m.has_controlling);
    assert_false(m.use_candidate);
    assert_false(m.has_integrity);
    assert_false(m.has_controlled);
    assert_int_equal(m.num_unknown, 0);
    assert_int_equal(galois_stun_check_integrity(k, &m, msg.b, msg.len), GALOIS_ERR_OK);

    // Both: MESSAGE-INTEGRITY first, MESSAGE-INTEGRITY-SHA256 right after it.
    msg = vf_hex(vf_case_named(f, "both, right"), "message");
    assert_int_equal(galois_stun_parse(&m, msg.b, msg.len), GALOIS_ERR_OK);
    assert_true(m.has_integrity && m.has_integrity_sha256);
    assert_int_equal(m.integrity_sha256_off, m.integrity_off + STUN_INTEGRITY_ATTR_LEN);
    galois_stun_key_free(k);
    vf_close(f);
}

// Every byte of the "both" vector before FINGERPRINT changed, with FINGERPRINT made right
// again: MESSAGE-INTEGRITY-SHA256 (which covers MESSAGE-INTEGRITY too) catches it, or the
// structure breaks. The one way through is renaming MESSAGE-INTEGRITY-SHA256's type: then it
// is an ignored attribute after MESSAGE-INTEGRITY, which still holds. RFC 8489 has no defence
// against stripping the SHA-256 attribute from a message that carries both; it is the same
// message as one signed with MESSAGE-INTEGRITY alone (docs/ICE.md).
static void test_mi_sha256_tampering(void **state)
{
    (void)state;
    struct vf_file *f = vf_open(vectors_sha256);
    const struct vf_case *vc = vf_case_named(f, "both, right");
    struct vf_bytes msg = vf_hex(vc, "message");
    struct galois_stun_key *k = key_of(vf_text(vc, "password_text"));
    size_t renamed = 0;
    for (size_t i = 8; i < msg.len - 8; i++) {
        uint8_t copy[VF_MAX_BYTES];
        memcpy(copy, msg.b, msg.len);
        copy[i] ^= 0x01;
        galois_put_u32(copy + msg.len - 4,
                       galois_stun_crc32(copy, msg.len - 8) ^ STUN_FINGERPRINT_XOR);
        struct galois_stun_msg m;
        if (galois_stun_parse(&m, copy, msg.len) != GALOIS_ERR_OK) {
            continue;
        }
        if (!m.has_integrity_sha256) {
            renamed++;
            assert_int_equal(galois_stun_check_integrity(k, &m, copy, msg.len), GALOIS_ERR_OK);
            continue;
        }
        assert_int_equal(galois_stun_check_integrity(k, &m, copy, msg.len), GALOIS_ERR_AUTH);
    }
    assert_int_equal(renamed, 2);  // 0x001C -> 0x011C, 0x001D
    galois_stun_key_free(k);
    vf_close(f);
}

// The writer's MESSAGE-INTEGRITY-SHA256: full 32 bytes, checked by the parser's side, and the
// same short-buffer rules as MESSAGE-INTEGRITY.
static void test_roundtrip_sha256(void **state)
{
    (void)state;
    struct galois_stun_key *k = key_of("0123456789abcdefABCDEF");
    const uint8_t txid[GALOIS_STUN_TXID_LEN] = {5, 4, 3, 2, 1};
    struct galois_ice_addr a;
    assert_int_equal(galois_ice_addr_from_text(&a, "2001:db8::1", 3478), GALOIS_ERR_OK);
    uint8_t out[128];
    size_t len = 0;
    assert_int_equal(
        galois_stun_write_success_alg(out, &len, sizeof(out), txid, &a, k, GALOIS_STUN_MAC_SHA256),
        GALOIS_ERR_OK);
    assert_int_equal(len, 20 + 24 + 36 + 8);
    struct galois_stun_msg m;
    assert_int_equal(galois_stun_parse(&m, out, len), GALOIS_ERR_OK);
    assert_true(m.has_integrity_sha256 && !m.has_integrity && m.has_fingerprint);
    assert_int_equal(galois_stun_verify(k, &m, out, len, GALOIS_STUN_SHA256_LEN), GALOIS_ERR_OK);
    for (size_t max = 0; max < len; max++) {
        size_t short_len = 99;
        assert_int_equal(galois_stun_write_success_alg(out, &short_len, max, txid, &a, k,
                                                       GALOIS_STUN_MAC_SHA256),
                         GALOIS_ERR_BUFFER);
        assert_int_equal(short_len, 0);
    }
    const uint16_t unknown[] = {0x0031};
    assert_int_equal(galois_stun_write_error_alg(out, &len, sizeof(out), txid, 420, unknown, 1, k,
                                                 GALOIS_STUN_MAC_SHA256),
                     GALOIS_ERR_OK);
    assert_int_equal(galois_stun_parse(&m, out, len), GALOIS_ERR_OK);
    assert_true(m.has_integrity_sha256 && !m.has_integrity && m.error_code == 420);
    assert_int_equal(galois_stun_check_integrity(k, &m, out, len), GALOIS_ERR_OK);
    galois_stun_key_free(k);
}

static void test_crc32(void **state)
{
    (void)state;
    // The check value of CRC-32/ISO-HDLC.
    assert_int_equal(galois_stun_crc32((const uint8_t *)"123456789", 9), 0xcbf43926u);
    assert_int_equal(galois_stun_crc32(NULL, 0), 0);
}

static void test_type_bits(void **state)
{
    (void)state;
    assert_int_equal(galois_stun_type(GALOIS_STUN_BINDING, GALOIS_STUN_REQUEST), 0x0001);
    assert_int_equal(galois_stun_type(GALOIS_STUN_BINDING, GALOIS_STUN_INDICATION), 0x0011);
    assert_int_equal(galois_stun_type(GALOIS_STUN_BINDING, GALOIS_STUN_SUCCESS), 0x0101);
    assert_int_equal(galois_stun_type(GALOIS_STUN_BINDING, GALOIS_STUN_ERROR), 0x0111);
    assert_int_equal(galois_stun_type(0xfff, GALOIS_STUN_ERROR), 0x3fff);
}

static void test_roundtrip_request(void **state)
{
    (void)state;
    struct galois_stun_key *k = key_of("0123456789abcdefABCDEF");
    struct galois_stun_request req = {
        .txid = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12},
        .username = "remote:local",
        .priority = 1853824767,
        .use_candidate = true,
        .controlling = true,
        .has_role = true,
        .tie_breaker = 0x0123456789abcdefu,
    };
    uint8_t out[256];
    size_t len = 0;
    assert_int_equal(galois_stun_write_request(out, &len, sizeof(out), &req, k), GALOIS_ERR_OK);
    assert_int_equal(len % 4, 0);
    struct galois_stun_msg m;
    assert_int_equal(galois_stun_parse(&m, out, len), GALOIS_ERR_OK);
    assert_int_equal(m.cls, GALOIS_STUN_REQUEST);
    assert_memory_equal(m.txid, req.txid, sizeof(req.txid));
    expect_view(m.username, m.username_len, "remote:local");
    assert_int_equal(m.priority, req.priority);
    assert_true(m.use_candidate && m.has_controlling && !m.has_controlled);
    assert_true(m.tie_breaker == req.tie_breaker);
    assert_true(m.has_fingerprint);
    assert_int_equal(galois_stun_check_integrity(k, &m, out, len), GALOIS_ERR_OK);
    // Every shorter buffer is refused with BUFFER and nothing reported written.
    for (size_t max = 0; max < len; max++) {
        size_t short_len = 99;
        assert_int_equal(galois_stun_write_request(out, &short_len, max, &req, k),
                         GALOIS_ERR_BUFFER);
        assert_int_equal(short_len, 0);
    }
    // Without a key: no MESSAGE-INTEGRITY, still a FINGERPRINT.
    req.username = NULL;
    req.has_role = false;
    assert_int_equal(galois_stun_write_request(out, &len, sizeof(out), &req, NULL), GALOIS_ERR_OK);
    assert_int_equal(galois_stun_parse(&m, out, len), GALOIS_ERR_OK);
    assert_true(!m.has_integrity && m.has_fingerprint && m.username == NULL);
    assert_int_equal(galois_stun_check_integrity(k, &m, out, len), GALOIS_ERR_NOT_FOUND);
    galois_stun_key_free(k);
}

static void test_roundtrip_success(void **state)
{
    (void)state;
    static const char *const addrs[] = {
        "192.0.2.1", "127.0.0.1", "::1", "2001:db8::ff00:42:8329", "0.0.0.0", "255.255.255.255"};
    struct galois_stun_key *k = key_of("0123456789abcdefABCDEF");
    const uint8_t txid[GALOIS_STUN_TXID_LEN] = {0xb7, 0xe7, 0xa7, 1,    0xbc, 0x34,
                                                0xd6, 0x86, 0xfa, 0x87, 0xdf, 0xae};
    for (size_t i = 0; i < GALOIS_ARRAY_LEN(addrs); i++) {
        struct galois_ice_addr a;
        assert_int_equal(galois_ice_addr_from_text(&a, addrs[i], (uint16_t)(1000 * i + 9)),
                         GALOIS_ERR_OK);
        uint8_t out[128];
        size_t len = 0;
        assert_int_equal(galois_stun_write_success(out, &len, sizeof(out), txid, &a, k),
                         GALOIS_ERR_OK);
        struct galois_stun_msg m;
        assert_int_equal(galois_stun_parse(&m, out, len), GALOIS_ERR_OK);
        assert_int_equal(m.cls, GALOIS_STUN_SUCCESS);
        assert_true(m.has_xor_mapped);
        assert_true(galois_ice_addr_equal(&m.xor_mapped, &a));
        assert_int_equal(galois_stun_check_integrity(k, &m, out, len), GALOIS_ERR_OK);
    }
    struct galois_ice_addr none = {0};
    uint8_t out[128];
    size_t len = 1;
    assert_int_equal(galois_stun_write_success(out, &len, sizeof(out), txid, &none, k),
                     GALOIS_ERR_INVALID);
    assert_int_equal(len, 0);
    galois_stun_key_free(k);
}

static void test_roundtrip_error(void **state)
{
    (void)state;
    const uint8_t txid[GALOIS_STUN_TXID_LEN] = {0};
    const uint16_t unknown[] = {0x0031, 0x7fff, 0x0002};
    uint8_t out[128];
    size_t len = 0;
    assert_int_equal(galois_stun_write_error(out, &len, sizeof(out), txid, 420, unknown, 3, NULL),
                     GALOIS_ERR_OK);
    struct galois_stun_msg m;
    assert_int_equal(galois_stun_parse(&m, out, len), GALOIS_ERR_OK);
    assert_int_equal(m.cls, GALOIS_STUN_ERROR);
    assert_true(m.has_error);
    assert_int_equal(m.error_code, 420);
    expect_view(m.reason, m.reason_len, "Unknown Attribute");
    assert_false(m.has_integrity);
    assert_int_equal(m.num_unknown, 0);  // UNKNOWN-ATTRIBUTES itself is known
    const uint16_t codes[] = {300, 400, 401, 438, 487, 500, 699};
    for (size_t i = 0; i < GALOIS_ARRAY_LEN(codes); i++) {
        assert_int_equal(
            galois_stun_write_error(out, &len, sizeof(out), txid, codes[i], NULL, 0, NULL),
            GALOIS_ERR_OK);
        assert_int_equal(galois_stun_parse(&m, out, len), GALOIS_ERR_OK);
        assert_int_equal(m.error_code, codes[i]);
    }
    assert_int_equal(galois_stun_write_error(out, &len, sizeof(out), txid, 299, NULL, 0, NULL),
                     GALOIS_ERR_INVALID);
    assert_int_equal(galois_stun_write_error(out, &len, sizeof(out), txid, 700, NULL, 0, NULL),
                     GALOIS_ERR_INVALID);
    assert_int_equal(galois_stun_write_error(out, &len, sizeof(out), txid, 420, unknown,
                                             GALOIS_STUN_MAX_UNKNOWN + 1, NULL),
                     GALOIS_ERR_INVALID);
}

// ---------------------------------------------------------------------------------------------
// Malformed input. Messages are made from a header and raw attribute bytes.

struct raw {
    uint8_t b[2048];
    size_t len;
};

// make builds a Binding request around the `body_len` bytes of `body`, with a length field of
// `body_len`, and a valid FINGERPRINT when `fp`.
static struct raw make(const uint8_t *body, size_t body_len, bool fp)
{
    struct raw r = {{0}, 0};
    struct galois_buf b;
    const uint8_t txid[GALOIS_STUN_TXID_LEN] = {9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9};
    galois_buf_init(&b, r.b, sizeof(r.b));
    galois_stun_w_begin(&b, 0x0001, txid);
    galois_buf_put(&b, body, body_len);
    if (fp) {
        assert_int_equal(galois_stun_w_finish(&b, NULL), GALOIS_ERR_OK);
    } else {
        galois_put_u16(r.b + 2, (uint16_t)body_len);
    }
    r.len = b.len;
    return r;
}

static void expect_refused(const struct raw *r, enum galois_stun_why why, const char *what)
{
    struct galois_stun_msg m;
    galois_err err = galois_stun_parse(&m, r->b, r->len);
    if (m.why != why || err == GALOIS_ERR_OK) {
        fail_msg("%s: got %s (%s), want %s", what, galois_err_name(err), galois_stun_why_str(m.why),
                 galois_stun_why_str(why));
    }
    assert_int_equal(err, why == GALOIS_STUN_WHY_OVERSIZED ? GALOIS_ERR_LIMIT : GALOIS_ERR_PARSE);
    assert_null(m.username);
    assert_false(m.has_integrity);
}

static void test_malformed_header(void **state)
{
    (void)state;
    const uint8_t user[] = {0x00, 0x06, 0x00, 0x04, 'a', 'b', ':', 'c'};
    struct raw ok = make(user, sizeof(user), true);
    struct galois_stun_msg m;
    assert_int_equal(galois_stun_parse(&m, ok.b, ok.len), GALOIS_ERR_OK);

    for (size_t n = 0; n < GALOIS_STUN_HEADER_LEN; n++) {  // a truncated header
        struct raw r = ok;
        r.len = n;
        expect_refused(&r, GALOIS_STUN_WHY_TRUNCATED, "truncated header");
    }
    struct raw r = ok;
    r.len = ok.len - 1;  // the length field says more than there is
    expect_refused(&r, GALOIS_STUN_WHY_TRUNCATED, "truncated body");
    r = ok;
    r.b[0] |= 0x80;  // RTP-like first byte
    expect_refused(&r, GALOIS_STUN_WHY_NOT_STUN, "top bits");
    r = ok;
    r.b[0] = 0x40;
    expect_refused(&r, GALOIS_STUN_WHY_NOT_STUN, "top bit 2");
    r = ok;
    r.b[5] ^= 1;  // magic cookie
    expect_refused(&r, GALOIS_STUN_WHY_BAD_COOKIE, "cookie");
    r = ok;
    r.b[r.len] = 0;  // a trailing byte after the message
    r.len++;
    expect_refused(&r, GALOIS_STUN_WHY_BAD_LENGTH, "trailing byte");
    r = ok;
    r.len += 4;
    expect_refused(&r, GALOIS_STUN_WHY_BAD_LENGTH, "trailing word");
    r = ok;
    r.len = GALOIS_STUN_MAX_LEN + 1;
    expect_refused(&r, GALOIS_STUN_WHY_OVERSIZED, "oversized");
    // The largest message accepted: one SOFTWARE attribute filling GALOIS_STUN_MAX_LEN.
    uint8_t big[GALOIS_STUN_MAX_LEN];
    size_t vlen = GALOIS_STUN_MAX_LEN - GALOIS_STUN_HEADER_LEN - 4;
    memset(big, 'x', sizeof(big));
    galois_put_u16(big, GALOIS_STUN_ATTR_SOFTWARE);
    galois_put_u16(big + 2, (uint16_t)vlen);
    r = make(big, vlen + 4, false);
    assert_int_equal(r.len, GALOIS_STUN_MAX_LEN);
    assert_int_equal(galois_stun_parse(&m, r.b, r.len), GALOIS_ERR_OK);
    assert_int_equal(m.software_len, vlen);
}

static void test_malformed_attributes(void **state)
{
    (void)state;
    static const struct {
        const char *what;
        uint8_t body[40];
        size_t len;
        bool fp;
        enum galois_stun_why why;
    } cases[] = {
        {"value past the end",
         {0x00, 0x06, 0x00, 0x08, 'a', 'b', ':', 'c'},
         8,
         false,
         GALOIS_STUN_WHY_ATTR_OVERRUN},
        {"half an attribute header",
         {0x00, 0x06, 0x00, 0x00, 0x00, 0x06},
         6,
         false,
         GALOIS_STUN_WHY_ATTR_OVERRUN},
        {"missing padding",
         {0x00, 0x06, 0x00, 0x03, 'a', ':', 'b'},
         7,
         false,
         GALOIS_STUN_WHY_BAD_PADDING},
        {"XOR-MAPPED-ADDRESS family 3",
         {0x00, 0x20, 0x00, 0x08, 0, 3, 0, 0, 1, 2, 3, 4},
         12,
         true,
         GALOIS_STUN_WHY_BAD_ATTR},
        {"XOR-MAPPED-ADDRESS short v4",
         {0x00, 0x20, 0x00, 0x07, 0, 1, 0, 0, 1, 2, 3, 0},
         12,
         true,
         GALOIS_STUN_WHY_BAD_ATTR},
        {"XOR-MAPPED-ADDRESS v6 in 8",
         {0x00, 0x20, 0x00, 0x08, 0, 2, 0, 0, 1, 2, 3, 4},
         12,
         true,
         GALOIS_STUN_WHY_BAD_ATTR},
        {"MAPPED-ADDRESS empty", {0x00, 0x01, 0x00, 0x00}, 4, true, GALOIS_STUN_WHY_BAD_ATTR},
        {"PRIORITY of 3 bytes",
         {0x00, 0x24, 0x00, 0x03, 1, 2, 3, 0},
         8,
         true,
         GALOIS_STUN_WHY_BAD_ATTR},
        {"USE-CANDIDATE with a value",
         {0x00, 0x25, 0x00, 0x04, 1, 2, 3, 4},
         8,
         true,
         GALOIS_STUN_WHY_BAD_ATTR},
        {"ICE-CONTROLLING of 4 bytes",
         {0x80, 0x2a, 0x00, 0x04, 1, 2, 3, 4},
         8,
         true,
         GALOIS_STUN_WHY_BAD_ATTR},
        {"ICE-CONTROLLED of 12 bytes",
         {0x80, 0x29, 0x00, 0x0c, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12},
         16,
         true,
         GALOIS_STUN_WHY_BAD_ATTR},
        {"ERROR-CODE class 7",
         {0x00, 0x09, 0x00, 0x04, 0, 0, 7, 0},
         8,
         true,
         GALOIS_STUN_WHY_BAD_ATTR},
        {"ERROR-CODE class 2",
         {0x00, 0x09, 0x00, 0x04, 0, 0, 2, 0},
         8,
         true,
         GALOIS_STUN_WHY_BAD_ATTR},
        {"ERROR-CODE number 100",
         {0x00, 0x09, 0x00, 0x04, 0, 0, 4, 100},
         8,
         true,
         GALOIS_STUN_WHY_BAD_ATTR},
        {"ERROR-CODE of 3 bytes",
         {0x00, 0x09, 0x00, 0x03, 0, 0, 4, 0},
         8,
         true,
         GALOIS_STUN_WHY_BAD_ATTR},
        {"UNKNOWN-ATTRIBUTES odd",
         {0x00, 0x0a, 0x00, 0x03, 0, 1, 0, 0},
         8,
         true,
         GALOIS_STUN_WHY_BAD_ATTR},
        {"MESSAGE-INTEGRITY of 16 bytes",
         {0x00, 0x08, 0x00, 0x10, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16},
         20,
         true,
         GALOIS_STUN_WHY_BAD_ATTR},
        {"MESSAGE-INTEGRITY-SHA256 of 12 bytes",
         {0x00, 0x1c, 0x00, 0x0c, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12},
         16,
         true,
         GALOIS_STUN_WHY_BAD_ATTR},
        {"FINGERPRINT of 8 bytes",
         {0x80, 0x28, 0x00, 0x08, 1, 2, 3, 4, 5, 6, 7, 8},
         12,
         false,
         GALOIS_STUN_WHY_BAD_ATTR},
        {"FINGERPRINT not last",
         {0x80, 0x28, 0x00, 0x04, 1, 2, 3, 4, 0x00, 0x06, 0x00, 0x04, 'a', ':', 'b', 'c'},
         16,
         false,
         GALOIS_STUN_WHY_FINGERPRINT_NOT_LAST},
        {"FINGERPRINT wrong",
         {0x80, 0x28, 0x00, 0x04, 1, 2, 3, 4},
         8,
         false,
         GALOIS_STUN_WHY_FINGERPRINT_MISMATCH},
    };
    for (size_t i = 0; i < GALOIS_ARRAY_LEN(cases); i++) {
        struct raw r = make(cases[i].body, cases[i].len, cases[i].fp);
        expect_refused(&r, cases[i].why, cases[i].what);
    }
    // A USERNAME of 513 bytes is over RFC 8489 §14.3's limit; 512 is not.
    uint8_t body[4 + 516];
    memset(body, 'u', sizeof(body));
    galois_put_u16(body, GALOIS_STUN_ATTR_USERNAME);
    galois_put_u16(body + 2, 513);
    struct raw r = make(body, sizeof(body), true);
    expect_refused(&r, GALOIS_STUN_WHY_BAD_ATTR, "USERNAME of 513 bytes");
    galois_put_u16(body + 2, 512);
    r = make(body, 4 + 512, true);
    struct galois_stun_msg m;
    assert_int_equal(galois_stun_parse(&m, r.b, r.len), GALOIS_ERR_OK);
    assert_int_equal(m.username_len, 512);
}

static void test_fingerprint_tampering(void **state)
{
    (void)state;
    struct vf_file *f = vf_open(vectors);
    struct vf_bytes msg = vf_hex(vf_case_named(f, "2.1 "), "message");
    // Any single bit flipped anywhere after the header breaks FINGERPRINT (CRC-32 catches
    // every one-bit error) or the structure before it, or makes FINGERPRINT something else
    // (then the agent drops the request for want of one).
    for (size_t i = GALOIS_STUN_HEADER_LEN; i < msg.len; i++) {
        for (unsigned bit = 0; bit < 8; bit++) {
            struct galois_stun_msg m;
            uint8_t copy[VF_MAX_BYTES];
            memcpy(copy, msg.b, msg.len);
            copy[i] ^= (uint8_t)(1u << bit);
            galois_err err = galois_stun_parse(&m, copy, msg.len);
            assert_true(err != GALOIS_ERR_OK || !m.has_fingerprint);
        }
    }
    vf_close(f);
}

// With FINGERPRINT made right again, a changed byte is caught by MESSAGE-INTEGRITY instead.
static void test_integrity_tampering(void **state)
{
    (void)state;
    struct vf_file *f = vf_open(vectors);
    const struct vf_case *vc = vf_case_named(f, "2.1 ");
    struct vf_bytes msg = vf_hex(vc, "message");
    struct galois_stun_key *k = key_of(vf_text(vc, "password_text"));
    size_t mi_end = msg.len - 8;  // MESSAGE-INTEGRITY ends where FINGERPRINT starts
    for (size_t i = 0; i < mi_end; i++) {
        if (i < 8) {
            continue;  // type, length and cookie: checked before any integrity
        }
        uint8_t copy[VF_MAX_BYTES];
        memcpy(copy, msg.b, msg.len);
        copy[i] ^= 0x01;
        galois_put_u32(copy + msg.len - 4,
                       galois_stun_crc32(copy, msg.len - 8) ^ STUN_FINGERPRINT_XOR);
        struct galois_stun_msg m;
        if (galois_stun_parse(&m, copy, msg.len) != GALOIS_ERR_OK) {
            continue;  // the change broke the structure: refused all the same
        }
        if (!m.has_integrity) {
            continue;  // the change renamed MESSAGE-INTEGRITY: the agent answers 400
        }
        assert_int_equal(galois_stun_check_integrity(k, &m, copy, msg.len), GALOIS_ERR_AUTH);
    }
    galois_stun_key_free(k);
    vf_close(f);
}

static void test_unknown_attributes(void **state)
{
    (void)state;
    // 0x0031 and 0x7fff are comprehension-required and unknown; 0x8055 and 0xc057 are optional;
    // 0x0003 after MESSAGE-INTEGRITY is ignored (RFC 8489 §14.5).
    uint8_t body[64];
    struct galois_buf b;
    galois_buf_init(&b, body, sizeof(body));
    const uint8_t v4[4] = {1, 2, 3, 4};
    uint8_t mi[GALOIS_STUN_SHA1_LEN] = {0};
    galois_stun_w_attr(&b, 0x0031, v4, 1);
    galois_stun_w_attr(&b, 0x8055, v4, 4);
    galois_stun_w_attr(&b, 0xc057, v4, 4);
    galois_stun_w_attr(&b, 0x7fff, NULL, 0);
    galois_stun_w_attr(&b, GALOIS_STUN_ATTR_MESSAGE_INTEGRITY, mi, sizeof(mi));
    galois_stun_w_attr(&b, 0x0003, v4, 4);
    assert_false(b.failed);
    struct raw r = make(body, b.len, true);
    struct galois_stun_msg m;
    assert_int_equal(galois_stun_parse(&m, r.b, r.len), GALOIS_ERR_OK);
    assert_int_equal(m.num_unknown, 2);
    assert_int_equal(m.unknown[0], 0x0031);
    assert_int_equal(m.unknown[1], 0x7fff);
    assert_true(m.has_integrity && m.has_fingerprint);

    // More unknown types than are remembered: all counted, the first ones kept.
    galois_buf_init(&b, body, sizeof(body));
    for (uint16_t t = 0x0040; t < 0x0040 + GALOIS_STUN_MAX_UNKNOWN + 3; t++) {
        galois_stun_w_attr(&b, t, NULL, 0);
    }
    r = make(body, b.len, false);
    assert_int_equal(galois_stun_parse(&m, r.b, r.len), GALOIS_ERR_OK);
    assert_int_equal(m.num_unknown, GALOIS_STUN_MAX_UNKNOWN + 3);
    assert_int_equal(m.unknown[GALOIS_STUN_MAX_UNKNOWN - 1], 0x0040 + GALOIS_STUN_MAX_UNKNOWN - 1);
}

static void test_duplicates_first_wins(void **state)
{
    (void)state;
    uint8_t body[64];
    struct galois_buf b;
    galois_buf_init(&b, body, sizeof(body));
    galois_stun_w_attr(&b, GALOIS_STUN_ATTR_USERNAME, "first", 5);
    galois_stun_w_attr(&b, GALOIS_STUN_ATTR_USERNAME, "second", 6);
    const uint8_t p1[4] = {0, 0, 0, 1};
    const uint8_t p2[4] = {0, 0, 0, 2};
    galois_stun_w_attr(&b, GALOIS_STUN_ATTR_PRIORITY, p1, 4);
    galois_stun_w_attr(&b, GALOIS_STUN_ATTR_PRIORITY, p2, 4);
    struct raw r = make(body, b.len, true);
    struct galois_stun_msg m;
    assert_int_equal(galois_stun_parse(&m, r.b, r.len), GALOIS_ERR_OK);
    expect_view(m.username, m.username_len, "first");
    assert_int_equal(m.priority, 1);
}

static void test_addr_text(void **state)
{
    (void)state;
    struct galois_ice_addr a;
    char text[GALOIS_ICE_MAX_ADDR_TEXT];
    assert_int_equal(galois_ice_addr_from_text(&a, "2001:db8::1", 5), GALOIS_ERR_OK);
    assert_int_equal(a.family, GALOIS_ICE_IPV6);
    assert_int_equal(galois_ice_addr_text(text, sizeof(text), &a), GALOIS_ERR_OK);
    assert_string_equal(text, "2001:db8::1");
    assert_int_equal(galois_ice_addr_text(text, 5, &a), GALOIS_ERR_BUFFER);
    assert_string_equal(text, "");
    assert_int_equal(galois_ice_addr_from_text(&a, "192.0.2.300", 5), GALOIS_ERR_PARSE);
    assert_int_equal(a.family, GALOIS_ICE_NO_FAMILY);
    assert_int_equal(galois_ice_addr_from_text(&a, "host.local", 5), GALOIS_ERR_PARSE);
    assert_int_equal(galois_ice_addr_text(text, sizeof(text), &a), GALOIS_ERR_INVALID);
    assert_string_equal(galois_stun_why_str(GALOIS_STUN_WHY_BAD_COOKIE),
                        "no magic cookie (RFC 3489 message)");
    assert_string_equal(galois_stun_why_str((enum galois_stun_why)99), "unknown reason");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rfc5769_request),
        cmocka_unit_test(test_rfc5769_responses),
        cmocka_unit_test(test_rfc5769_long_term),
        cmocka_unit_test(test_rfc5769_rebuilt),
        cmocka_unit_test(test_rfc8489_b1),
        cmocka_unit_test(test_mi_sha256_vectors),
        cmocka_unit_test(test_mi_sha256_details),
        cmocka_unit_test(test_mi_sha256_tampering),
        cmocka_unit_test(test_roundtrip_sha256),
        cmocka_unit_test(test_crc32),
        cmocka_unit_test(test_type_bits),
        cmocka_unit_test(test_roundtrip_request),
        cmocka_unit_test(test_roundtrip_success),
        cmocka_unit_test(test_roundtrip_error),
        cmocka_unit_test(test_malformed_header),
        cmocka_unit_test(test_malformed_attributes),
        cmocka_unit_test(test_fingerprint_tampering),
        cmocka_unit_test(test_integrity_tampering),
        cmocka_unit_test(test_unknown_attributes),
        cmocka_unit_test(test_duplicates_first_wins),
        cmocka_unit_test(test_addr_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
