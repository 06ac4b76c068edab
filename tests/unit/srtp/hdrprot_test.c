// Header protection: cryptex (RFC 9335) and encrypted header extension elements (RFC 6904),
// through the public API, against every published vector, and the ways it must refuse.
#include <galois/srtp.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
// cmocka.h needs the headers above.
#include <cmocka.h>

#include "vector_file.h"

enum { BUF = 512 };

struct pair {
    struct galois_srtp *tx;
    struct galois_srtp *rx;
};

// make_pair builds a sender and a receiver from one policy; `rx_cryptex` overrides the
// receiver's cryptex mode so the two sides can disagree.
static void make_pair(struct pair *p, struct galois_srtp_policy *pol,
                      enum galois_srtp_cryptex rx_cryptex)
{
    pol->direction = GALOIS_SRTP_SEND;
    assert_int_equal(galois_srtp_new(&p->tx, pol), GALOIS_ERR_OK);
    enum galois_srtp_cryptex tx_cryptex = pol->cryptex;
    pol->direction = GALOIS_SRTP_RECEIVE;
    pol->cryptex = rx_cryptex;
    assert_int_equal(galois_srtp_new(&p->rx, pol), GALOIS_ERR_OK);
    pol->cryptex = tx_cryptex;
}

static void free_pair(struct pair *p)
{
    galois_srtp_free(p->tx);
    galois_srtp_free(p->rx);
}

// policy_from_case fills a policy and key from a vector case's suite, master key and salt.
static void policy_from_case(struct galois_srtp_policy *pol, struct galois_srtp_master_key *mk,
                             const struct vf_case *c)
{
    const char *suite = vf_text(c, "suite_text");
    memset(pol, 0, sizeof(*pol));
    memset(mk, 0, sizeof(*mk));
    pol->suite = galois_srtp_suite_from_name(suite, strlen(suite));
    assert_int_not_equal(pol->suite, GALOIS_SRTP_SUITE_NONE);
    const struct galois_srtp_suite_info *info = galois_srtp_suite_get_info(pol->suite);
    struct vf_bytes key = vf_hex_exact(c, "master_key", info->key_len);
    struct vf_bytes salt = vf_hex_exact(c, "master_salt", info->salt_len);
    memcpy(mk->key, key.b, key.len);
    memcpy(mk->salt, salt.b, salt.len);
    pol->keys = mk;
    pol->num_keys = 1;
    pol->accept_any_ssrc = true;
}

// check_case protects the case's rtp_packet and compares with srtp_packet, then unprotects
// srtp_packet (in place and into a separate buffer) and compares with rtp_packet.
static void check_case(const struct vf_case *c, struct galois_srtp_policy *pol)
{
    struct vf_bytes plain = vf_hex(c, "rtp_packet");
    struct vf_bytes want = vf_hex(c, "srtp_packet");
    struct pair p;
    make_pair(&p, pol, pol->cryptex);
    uint8_t out[BUF];
    size_t out_len = 0;
    assert_int_equal(galois_srtp_protect(p.tx, out, &out_len, sizeof(out), plain.b, plain.len),
                     GALOIS_ERR_OK);
    vf_expect_bytes(c->name, out, out_len, want.b, want.len);

    uint8_t back[BUF];
    size_t back_len = 0;
    assert_int_equal(galois_srtp_unprotect(p.rx, back, &back_len, sizeof(back), want.b, want.len),
                     GALOIS_ERR_OK);
    vf_expect_bytes(c->name, back, back_len, plain.b, plain.len);
    free_pair(&p);

    make_pair(&p, pol, pol->cryptex);
    memcpy(out, want.b, want.len);
    assert_int_equal(galois_srtp_unprotect(p.rx, out, &out_len, sizeof(out), out, want.len),
                     GALOIS_ERR_OK);
    vf_expect_bytes(c->name, out, out_len, plain.b, plain.len);
    free_pair(&p);
}

static void rfc9335_vectors(void **state)
{
    (void)state;
    struct vf_file *f = vf_open("rfc9335.txt");
    size_t checked = 0;
    for (size_t i = 0; i < f->num_cases; i++) {
        const struct vf_case *c = &f->cases[i];
        if (!vf_has(c, "srtp_packet")) {
            continue;  // the two "common values" cases hold keys only
        }
        struct galois_srtp_policy pol;
        struct galois_srtp_master_key mk;
        policy_from_case(&pol, &mk, c);
        pol.cryptex = GALOIS_SRTP_CRYPTEX_REQUIRED;
        check_case(c, &pol);
        checked++;
    }
    assert_int_equal(checked, 12);
    vf_close(f);
}

static void libsrtp_header_vectors(void **state)
{
    (void)state;
    struct vf_file *f = vf_open("libsrtp-reference.txt");
    size_t cryptex = 0;
    size_t ext = 0;
    for (size_t i = 0; i < f->num_cases; i++) {
        const struct vf_case *c = &f->cases[i];
        struct galois_srtp_policy pol;
        struct galois_srtp_master_key mk;
        if (vf_name_starts(c, "srtp_validate_cryptex") ||
            vf_name_starts(c, "srtp_validate_gcm_cryptex")) {
            policy_from_case(&pol, &mk, c);
            pol.cryptex = GALOIS_SRTP_CRYPTEX_ON;
            check_case(c, &pol);
            cryptex++;
        } else if (vf_name_starts(c, "srtp_validate_encrypted_extensions_headers")) {
            policy_from_case(&pol, &mk, c);
            struct vf_bytes ids = vf_hex(c, "encrypted_extension_ids");
            for (size_t k = 0; k < ids.len; k++) {
                assert_int_equal(galois_srtp_policy_encrypt_ext(&pol, ids.b[k]), GALOIS_ERR_OK);
            }
            check_case(c, &pol);
            ext++;
        }
    }
    assert_int_equal(cryptex, 12);
    assert_int_equal(ext, 2);
    vf_close(f);
}

// The RFC 6904 A.2 extension body, encrypted with the RFC 3711 B.3 keys: the full packet of
// libsrtp's case carries it, so check that the bytes the RFC prints are the ones on the wire.
static void rfc6904_a2_body_on_the_wire(void **state)
{
    (void)state;
    struct vf_file *f = vf_open("rfc6904.txt");
    struct vf_file *lib = vf_open("libsrtp-reference.txt");
    const struct vf_case *a2 = vf_case_named(f, "A.2 ");
    const struct vf_case *c = vf_case_named(lib, "srtp_validate_encrypted_extensions_headers RTP");
    struct vf_bytes body_plain = vf_hex(a2, "extension_plaintext");
    struct vf_bytes body_cipher = vf_hex(a2, "extension_ciphertext");
    struct vf_bytes plain = vf_hex(c, "rtp_packet");
    struct galois_srtp_policy pol;
    struct galois_srtp_master_key mk;
    policy_from_case(&pol, &mk, c);
    struct vf_bytes ids = vf_hex(a2, "encrypted_extension_ids");
    for (size_t k = 0; k < ids.len; k++) {
        assert_int_equal(galois_srtp_policy_encrypt_ext(&pol, ids.b[k]), GALOIS_ERR_OK);
    }
    struct pair p;
    make_pair(&p, &pol, GALOIS_SRTP_CRYPTEX_OFF);
    uint8_t out[BUF];
    size_t out_len = 0;
    assert_int_equal(galois_srtp_protect(p.tx, out, &out_len, sizeof(out), plain.b, plain.len),
                     GALOIS_ERR_OK);
    // 12-byte header, then BEDE 0006, then the 24-byte body.
    vf_expect_bytes("RFC 6904 A.2 plaintext in the packet", plain.b + 16, body_plain.len,
                    body_plain.b, body_plain.len);
    vf_expect_bytes("RFC 6904 A.2 ciphertext on the wire", out + 16, body_cipher.len, body_cipher.b,
                    body_cipher.len);
    free_pair(&p);
    vf_close(f);
    vf_close(lib);
}

static const uint8_t key16[16] = {0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17,
                                  0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f};

static void basic_policy(struct galois_srtp_policy *pol, struct galois_srtp_master_key *mk,
                         enum galois_srtp_suite suite)
{
    memset(pol, 0, sizeof(*pol));
    memset(mk, 0, sizeof(*mk));
    memcpy(mk->key, key16, sizeof(key16));
    memcpy(mk->key + 16, key16, sizeof(key16));
    memset(mk->salt, 0x5a, sizeof(mk->salt));
    pol->suite = suite;
    pol->keys = mk;
    pol->num_keys = 1;
    pol->accept_any_ssrc = true;
}

// A packet with two CSRCs and no extension (X = 0).
static const uint8_t csrc_only[] = {0x82, 0x00, 0x12, 0x34, 0,    0,    0,    1,
                                    0xca, 0xfe, 0xba, 0xbe, 0x11, 0x11, 0x11, 0x11,
                                    0x22, 0x22, 0x22, 0x22, 0xab, 0xab};

static void cryptex_adds_empty_extension_for_csrcs(void **state)
{
    (void)state;
    static const enum galois_srtp_suite suites[] = {GALOIS_SRTP_AES_CM_128_HMAC_SHA1_80,
                                                    GALOIS_SRTP_AEAD_AES_256_GCM};
    for (size_t s = 0; s < 2; s++) {
        struct galois_srtp_policy pol;
        struct galois_srtp_master_key mk;
        basic_policy(&pol, &mk, suites[s]);
        pol.cryptex = GALOIS_SRTP_CRYPTEX_REQUIRED;
        struct pair p;
        make_pair(&p, &pol, GALOIS_SRTP_CRYPTEX_REQUIRED);
        size_t tag = galois_srtp_suite_get_info(suites[s])->rtp_tag_len;
        uint8_t out[BUF];
        size_t out_len = 0;
        // The promised overhead covers the 4 added bytes.
        assert_int_equal(galois_srtp_overhead(p.tx, false), tag + 4);
        assert_int_equal(galois_srtp_protect(p.tx, out, &out_len, sizeof(csrc_only) + tag + 3,
                                             csrc_only, sizeof(csrc_only)),
                         GALOIS_ERR_BUFFER);
        assert_int_equal(
            galois_srtp_protect(p.tx, out, &out_len, sizeof(out), csrc_only, sizeof(csrc_only)),
            GALOIS_ERR_OK);
        assert_int_equal(out_len, sizeof(csrc_only) + 4 + tag);
        assert_int_equal(out[0] & 0x10, 0x10);  // X set
        assert_int_equal(out[20], 0xc0);        // 0xC0DE after the CSRCs, length 0
        assert_int_equal(out[21], 0xde);
        assert_int_equal(out[22], 0);
        assert_int_equal(out[23], 0);
        assert_memory_not_equal(out + 12, csrc_only + 12, 8);  // CSRCs encrypted
        uint8_t back[BUF];
        size_t back_len = 0;
        assert_int_equal(galois_srtp_unprotect(p.rx, back, &back_len, sizeof(back), out, out_len),
                         GALOIS_ERR_OK);
        assert_int_equal(back_len, sizeof(csrc_only) + 4);
        assert_memory_equal(back + 12, csrc_only + 12, 8);
        assert_int_equal(back[20], 0xbe);  // the plain profile comes back, empty
        assert_int_equal(back[21], 0xde);
        assert_memory_equal(back + 24, csrc_only + 20, 2);
        free_pair(&p);
    }
}

// A one-byte extension packet: header 12, BEDE 0001, one element (ID 5, 2 bytes) + pad.
static const uint8_t ext_pkt[] = {0x90, 0x00, 0x00, 0x07, 0,    0,    0,    9,    0xca, 0xfe, 0xba,
                                  0xbe, 0xbe, 0xde, 0x00, 0x01, 0x51, 0xaa, 0xbb, 0x00, 0x01, 0x02};

static void cryptex_mismatches_are_refused(void **state)
{
    (void)state;
    struct galois_srtp_policy pol;
    struct galois_srtp_master_key mk;
    basic_policy(&pol, &mk, GALOIS_SRTP_AEAD_AES_128_GCM);
    uint8_t out[BUF];
    size_t out_len = 0;
    uint8_t back[BUF];
    size_t back_len = 0;

    // A cryptex packet to a receiver that did not agree to cryptex.
    pol.cryptex = GALOIS_SRTP_CRYPTEX_ON;
    struct pair p;
    make_pair(&p, &pol, GALOIS_SRTP_CRYPTEX_OFF);
    assert_int_equal(
        galois_srtp_protect(p.tx, out, &out_len, sizeof(out), ext_pkt, sizeof(ext_pkt)),
        GALOIS_ERR_OK);
    assert_int_equal(galois_srtp_unprotect(p.rx, back, &back_len, sizeof(back), out, out_len),
                     GALOIS_ERR_POLICY);
    struct galois_srtp_stats st;
    assert_int_equal(galois_srtp_get_stats(p.rx, &st, false, false, 0), GALOIS_ERR_OK);
    assert_int_equal(st.refused, 1);
    free_pair(&p);

    // A plain packet with an extension to a receiver that requires cryptex.
    pol.cryptex = GALOIS_SRTP_CRYPTEX_OFF;
    make_pair(&p, &pol, GALOIS_SRTP_CRYPTEX_REQUIRED);
    assert_int_equal(
        galois_srtp_protect(p.tx, out, &out_len, sizeof(out), ext_pkt, sizeof(ext_pkt)),
        GALOIS_ERR_OK);
    assert_int_equal(galois_srtp_unprotect(p.rx, back, &back_len, sizeof(back), out, out_len),
                     GALOIS_ERR_POLICY);
    free_pair(&p);

    // ... which still accepts a packet with neither CSRCs nor extension, and ON accepts both.
    static const uint8_t bare[] = {0x80, 0, 0, 8, 0, 0, 0, 1, 0xca, 0xfe, 0xba, 0xbe, 1, 2, 3};
    make_pair(&p, &pol, GALOIS_SRTP_CRYPTEX_REQUIRED);
    assert_int_equal(galois_srtp_protect(p.tx, out, &out_len, sizeof(out), bare, sizeof(bare)),
                     GALOIS_ERR_OK);
    assert_int_equal(galois_srtp_unprotect(p.rx, back, &back_len, sizeof(back), out, out_len),
                     GALOIS_ERR_OK);
    free_pair(&p);
    make_pair(&p, &pol, GALOIS_SRTP_CRYPTEX_ON);
    assert_int_equal(
        galois_srtp_protect(p.tx, out, &out_len, sizeof(out), ext_pkt, sizeof(ext_pkt)),
        GALOIS_ERR_OK);
    assert_int_equal(galois_srtp_unprotect(p.rx, back, &back_len, sizeof(back), out, out_len),
                     GALOIS_ERR_OK);
    assert_memory_equal(back, ext_pkt, sizeof(ext_pkt));
    free_pair(&p);
}

static void policy_refusals(void **state)
{
    (void)state;
    struct galois_srtp_policy pol;
    struct galois_srtp_master_key mk;
    struct galois_srtp *s = NULL;
    basic_policy(&pol, &mk, GALOIS_SRTP_AES_CM_128_HMAC_SHA1_80);
    pol.direction = GALOIS_SRTP_SEND;
    pol.cryptex = GALOIS_SRTP_CRYPTEX_ON;
    assert_int_equal(galois_srtp_policy_encrypt_ext(&pol, 3), GALOIS_ERR_OK);
    assert_int_equal(galois_srtp_new(&s, &pol), GALOIS_ERR_POLICY);  // RFC 9335 §6
    assert_null(s);
    assert_int_equal(galois_srtp_policy_encrypt_ext(&pol, 0), GALOIS_ERR_INVALID);
    assert_int_equal(galois_srtp_policy_encrypt_ext(&pol, 256), GALOIS_ERR_INVALID);

    basic_policy(&pol, &mk, GALOIS_SRTP_AES_CM_128_HMAC_SHA1_80);
    pol.direction = GALOIS_SRTP_SEND;
    pol.cryptex = GALOIS_SRTP_CRYPTEX_ON;
    pol.unencrypted_srtp = true;  // cryptex is encryption; without it, it means nothing
    assert_int_equal(galois_srtp_new(&s, &pol), GALOIS_ERR_POLICY);
    pol.unencrypted_srtp = false;
    pol.cryptex = (enum galois_srtp_cryptex)7;
    assert_int_equal(galois_srtp_new(&s, &pol), GALOIS_ERR_INVALID);
}

static void malformed_extensions(void **state)
{
    (void)state;
    struct galois_srtp_policy pol;
    struct galois_srtp_master_key mk;
    basic_policy(&pol, &mk, GALOIS_SRTP_AES_CM_128_HMAC_SHA1_80);
    assert_int_equal(galois_srtp_policy_encrypt_ext(&pol, 5), GALOIS_ERR_OK);
    struct pair p;
    make_pair(&p, &pol, GALOIS_SRTP_CRYPTEX_OFF);
    uint8_t pkt[BUF];
    uint8_t out[BUF];
    size_t out_len = 0;

    // Extension length past the end of the packet.
    memcpy(pkt, ext_pkt, sizeof(ext_pkt));
    pkt[15] = 9;
    assert_int_equal(galois_srtp_protect(p.tx, out, &out_len, sizeof(out), pkt, sizeof(ext_pkt)),
                     GALOIS_ERR_PARSE);
    // Truncated extension header.
    assert_int_equal(galois_srtp_protect(p.tx, out, &out_len, sizeof(out), ext_pkt, 14),
                     GALOIS_ERR_PARSE);
    // An element whose data runs past the extension block (ID 5, 16 bytes in a 4-byte body).
    memcpy(pkt, ext_pkt, sizeof(ext_pkt));
    pkt[16] = 0x5f;
    assert_int_equal(galois_srtp_protect(p.tx, out, &out_len, sizeof(out), pkt, sizeof(ext_pkt)),
                     GALOIS_ERR_PARSE);
    // On receive the same: the sender cannot make such a packet, so forge the element length
    // after protection; the tag check fails first, whatever the parse would say.
    assert_int_equal(
        galois_srtp_protect(p.tx, out, &out_len, sizeof(out), ext_pkt, sizeof(ext_pkt)),
        GALOIS_ERR_OK);
    out[16] = 0x5f;
    uint8_t back[BUF];
    size_t back_len = 0;
    assert_int_not_equal(galois_srtp_unprotect(p.rx, back, &back_len, sizeof(back), out, out_len),
                         GALOIS_ERR_OK);
    free_pair(&p);

    // Cryptex with a two-byte profile whose appbits are set: RFC 9335 has no form for it.
    basic_policy(&pol, &mk, GALOIS_SRTP_AES_CM_128_HMAC_SHA1_80);
    pol.cryptex = GALOIS_SRTP_CRYPTEX_ON;
    make_pair(&p, &pol, GALOIS_SRTP_CRYPTEX_ON);
    static const uint8_t appbits[] = {0x90, 0,    0,    7,    0,    0,    0,    9,    0xca, 0xfe,
                                      0xba, 0xbe, 0x10, 0x03, 0x00, 0x01, 0x05, 0x01, 0xee, 0x00};
    assert_int_equal(
        galois_srtp_protect(p.tx, out, &out_len, sizeof(out), appbits, sizeof(appbits)),
        GALOIS_ERR_UNSUPPORTED);
    free_pair(&p);
}

// RFC 6904 encrypts only the chosen elements' data; IDs, lengths and other elements stay.
static void rfc6904_only_chosen_elements(void **state)
{
    (void)state;
    // Two-byte profile: ID 7 len 3, ID 9 len 2, padding.
    static const uint8_t two[] = {0x90, 0,    0,    7,    0,    0,    0,    9,    0xca, 0xfe,
                                  0xba, 0xbe, 0x10, 0x00, 0x00, 0x03, 0x07, 0x03, 0xa1, 0xa2,
                                  0xa3, 0x09, 0x02, 0xb1, 0xb2, 0x00, 0x00, 0x00, 0xcc};
    static const enum galois_srtp_suite suites[] = {GALOIS_SRTP_AES_256_CM_HMAC_SHA1_32,
                                                    GALOIS_SRTP_AEAD_AES_256_GCM};
    for (size_t s = 0; s < 2; s++) {
        struct galois_srtp_policy pol;
        struct galois_srtp_master_key mk;
        basic_policy(&pol, &mk, suites[s]);
        assert_int_equal(galois_srtp_policy_encrypt_ext(&pol, 7), GALOIS_ERR_OK);
        struct pair p;
        make_pair(&p, &pol, GALOIS_SRTP_CRYPTEX_OFF);
        uint8_t out[BUF];
        size_t out_len = 0;
        assert_int_equal(galois_srtp_protect(p.tx, out, &out_len, sizeof(out), two, sizeof(two)),
                         GALOIS_ERR_OK);
        assert_memory_equal(out, two, 18);               // header, ext header, ID 7, len
        assert_memory_not_equal(out + 18, two + 18, 3);  // ID 7's data encrypted
        assert_memory_equal(out + 21, two + 21, 7);      // ID 9 and padding as they were
        assert_memory_not_equal(out + 28, two + 28, 1);  // payload encrypted
        // Changing an encrypted header byte is caught by the tag, and moves nothing.
        uint8_t forged[BUF];
        memcpy(forged, out, out_len);
        forged[19] ^= 1;
        uint8_t back[BUF];
        size_t back_len = 0;
        assert_int_equal(
            galois_srtp_unprotect(p.rx, back, &back_len, sizeof(back), forged, out_len),
            GALOIS_ERR_AUTH);
        assert_int_equal(galois_srtp_unprotect(p.rx, back, &back_len, sizeof(back), out, out_len),
                         GALOIS_ERR_OK);
        assert_int_equal(back_len, sizeof(two));
        assert_memory_equal(back, two, sizeof(two));
        free_pair(&p);
    }
}

// Cryptex with a session that agreed to unauthenticated SRTP (RFC 4568 UNAUTHENTICATED_SRTP):
// no tag is sent or expected, the headers are still encrypted.
static void cryptex_without_authentication(void **state)
{
    (void)state;
    struct galois_srtp_policy pol;
    struct galois_srtp_master_key mk;
    basic_policy(&pol, &mk, GALOIS_SRTP_AES_CM_128_HMAC_SHA1_80);
    pol.cryptex = GALOIS_SRTP_CRYPTEX_REQUIRED;
    pol.unauthenticated_srtp = true;
    struct pair p;
    make_pair(&p, &pol, GALOIS_SRTP_CRYPTEX_REQUIRED);
    uint8_t out[BUF];
    size_t out_len = 0;
    assert_int_equal(
        galois_srtp_protect(p.tx, out, &out_len, sizeof(out), ext_pkt, sizeof(ext_pkt)),
        GALOIS_ERR_OK);
    assert_int_equal(out_len, sizeof(ext_pkt));  // no tag
    assert_memory_not_equal(out + 16, ext_pkt + 16, 4);
    uint8_t back[BUF];
    size_t back_len = 0;
    assert_int_equal(galois_srtp_unprotect(p.rx, back, &back_len, sizeof(back), out, out_len),
                     GALOIS_ERR_OK);
    assert_int_equal(back_len, sizeof(ext_pkt));
    assert_memory_equal(back, ext_pkt, sizeof(ext_pkt));
    free_pair(&p);
}

// RFC 8285's two-byte form carries 4 application bits in the profile (0x100X): RFC 6904 finds
// and encrypts the elements all the same (libsrtp tests profile & 0xFFF0, and so must galois).
static void rfc6904_two_byte_with_appbits(void **state)
{
    (void)state;
    static const uint8_t pkt[] = {0x90, 0,    0,    7,    0,    0,    0,    9,    0xca, 0xfe, 0xba,
                                  0xbe, 0x10, 0x05, 0x00, 0x01, 0x01, 0x02, 0xaa, 0xbb, 0x33};
    struct galois_srtp_policy pol;
    struct galois_srtp_master_key mk;
    basic_policy(&pol, &mk, GALOIS_SRTP_AES_CM_128_HMAC_SHA1_80);
    assert_int_equal(galois_srtp_policy_encrypt_ext(&pol, 1), GALOIS_ERR_OK);
    struct pair p;
    make_pair(&p, &pol, GALOIS_SRTP_CRYPTEX_OFF);
    uint8_t out[BUF];
    size_t out_len = 0;
    assert_int_equal(galois_srtp_protect(p.tx, out, &out_len, sizeof(out), pkt, sizeof(pkt)),
                     GALOIS_ERR_OK);
    assert_memory_equal(out, pkt, 18);               // headers, ID 1 and its length
    assert_memory_not_equal(out + 18, pkt + 18, 2);  // ID 1's data encrypted
    uint8_t back[BUF];
    size_t back_len = 0;
    assert_int_equal(galois_srtp_unprotect(p.rx, back, &back_len, sizeof(back), out, out_len),
                     GALOIS_ERR_OK);
    assert_int_equal(back_len, sizeof(pkt));
    assert_memory_equal(back, pkt, sizeof(pkt));
    free_pair(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(rfc9335_vectors),
        cmocka_unit_test(libsrtp_header_vectors),
        cmocka_unit_test(rfc6904_a2_body_on_the_wire),
        cmocka_unit_test(cryptex_adds_empty_extension_for_csrcs),
        cmocka_unit_test(cryptex_mismatches_are_refused),
        cmocka_unit_test(policy_refusals),
        cmocka_unit_test(malformed_extensions),
        cmocka_unit_test(rfc6904_only_chosen_elements),
        cmocka_unit_test(cryptex_without_authentication),
        cmocka_unit_test(rfc6904_two_byte_with_appbits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
