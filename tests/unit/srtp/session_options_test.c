// The RFC 4568 session parameters through the public API (UNENCRYPTED_SRTP,
// UNENCRYPTED_SRTCP, UNAUTHENTICATED_SRTP), and the statistics counters adding up session-wide
// and per SSRC.
#include "session_util.h"

// UNENCRYPTED_SRTP: the payload travels in the clear but is still authenticated; SRTCP is
// still encrypted.
static void test_unencrypted_srtp(void **state)
{
    (void)state;
    for (size_t i = 0; i < NUM_SUITES; i++) {
        const struct suite_row *row = &suite_rows[i];
        struct galois_srtp_master_key key;
        make_key(&key, 20);
        struct galois_srtp_policy pol = base_policy(row->suite, &key, 1);
        pol.unencrypted_srtp = true;
        struct pair p = pair_new(&pol);
        struct test_rng rng = {i};
        uint8_t plain[128];
        uint8_t prot[PKT_MAX];
        size_t len = build_rtp_rng(plain, 1, 0x0e, 60, &rng);
        size_t prot_len = protect_ok(p.tx, false, prot, plain, len, "unencrypted SRTP");
        assert_int_equal(prot_len, len + row->rtp_tag_len);
        vf_expect_bytes("unencrypted SRTP keeps the payload readable", prot, len, plain, len);
        uint8_t bad[PKT_MAX];
        memcpy(bad, prot, prot_len);
        bad[RTP_HDR + 30] ^= 0x10;
        uint8_t out[PKT_MAX];
        size_t out_len = 0;
        expect_err(unprotect(p.rx, false, out, &out_len, sizeof(out), bad, prot_len),
                   GALOIS_ERR_AUTH, "%s: unencrypted SRTP, payload changed", suite_label(row));
        unprotect_expect(p.rx, false, prot, prot_len, plain, len, "unencrypted SRTP");
        // SRTCP is not affected by UNENCRYPTED_SRTP.
        len = build_rtcp(plain, 0x0e, 10, &rng);
        prot_len = protect_ok(p.tx, true, prot, plain, len, "SRTCP beside unencrypted SRTP");
        if (!row->null_cipher) {
            assert_memory_not_equal(prot + RTCP_HDR, plain + RTCP_HDR, len - RTCP_HDR);
            assert_int_equal(srtcp_word(prot, len, row) >> 31, 1);
        }
        unprotect_expect(p.rx, true, prot, prot_len, plain, len, "SRTCP beside unencrypted SRTP");
        pair_free(&p);
    }
}

// UNENCRYPTED_SRTCP: E = 0 on the wire, payload readable, still authenticated. A receiver
// that did not agree to it refuses such packets; SRTP stays encrypted.
static void test_unencrypted_srtcp(void **state)
{
    (void)state;
    for (size_t i = 0; i < NUM_SUITES; i++) {
        const struct suite_row *row = &suite_rows[i];
        struct galois_srtp_master_key key;
        make_key(&key, 21);
        struct galois_srtp_policy pol = base_policy(row->suite, &key, 1);
        struct galois_srtp *strict_rx = session_new(&pol, GALOIS_SRTP_RECEIVE);
        pol.unencrypted_srtcp = true;
        struct pair p = pair_new(&pol);
        struct test_rng rng = {i};
        uint8_t plain[128];
        uint8_t prot[PKT_MAX];
        uint8_t out[PKT_MAX];
        uint8_t fill[PKT_MAX];
        size_t out_len = 0;
        size_t len = build_rtcp(plain, 0x0f, 12, &rng);
        size_t prot_len = protect_ok(p.tx, true, prot, plain, len, "unencrypted SRTCP");
        assert_int_equal(srtcp_word(prot, len, row), 0);  // E = 0, index 0
        vf_expect_bytes("unencrypted SRTCP keeps the packet readable", prot, len, plain, len);
        uint8_t bad[PKT_MAX];
        memcpy(bad, prot, prot_len);
        bad[RTCP_HDR + 5] ^= 0x04;
        expect_err(unprotect(p.rx, true, out, &out_len, sizeof(out), bad, prot_len),
                   GALOIS_ERR_AUTH, "%s: unencrypted SRTCP, payload changed", suite_label(row));
        unprotect_expect(p.rx, true, prot, prot_len, plain, len, "unencrypted SRTCP");
        if (!row->null_cipher) {
            memset(fill, 0xa5, sizeof(fill));
            memcpy(out, fill, sizeof(out));
            galois_err err = unprotect(strict_rx, true, out, &out_len, sizeof(out), prot, prot_len);
            if (err == GALOIS_ERR_OK) {
                fail_msg("%s: a receiver without unencrypted_srtcp accepted E = 0",
                         suite_label(row));
            }
            wiped_or_untouched(out, fill, sizeof(out), "E = 0 refused");
        }
        // SRTP is not affected by UNENCRYPTED_SRTCP.
        len = build_rtp_rng(plain, 4, 0x0f, 40, &rng);
        prot_len = protect_ok(p.tx, false, prot, plain, len, "SRTP beside unencrypted SRTCP");
        if (!row->null_cipher) {
            assert_memory_not_equal(prot + RTP_HDR, plain + RTP_HDR, len - RTP_HDR);
        }
        unprotect_expect(p.rx, false, prot, prot_len, plain, len, "SRTP beside unencrypted SRTCP");
        galois_srtp_free(strict_rx);
        pair_free(&p);
    }
}

// UNAUTHENTICATED_SRTP (AES-CM suites only): no SRTP tag, so a changed payload is
// not detected (it decrypts to a changed plaintext); SRTCP keeps its tag. AEAD suites refuse
// the option with POLICY.
static void test_unauthenticated_srtp(void **state)
{
    (void)state;
    for (size_t i = 0; i < NUM_SUITES; i++) {
        const struct suite_row *row = &suite_rows[i];
        struct galois_srtp_master_key key;
        make_key(&key, 22);
        struct galois_srtp_policy pol = base_policy(row->suite, &key, 1);
        pol.unauthenticated_srtp = true;
        if (row->aead || row->null_cipher) {  // no tag and no cipher, or an AEAD without its tag
            struct galois_srtp *s = NULL;
            expect_err(galois_srtp_new(&s, &pol), GALOIS_ERR_POLICY, "%s with unauthenticated_srtp",
                       suite_label(row));
            assert_null(s);
            continue;
        }
        struct pair p = pair_new(&pol);
        assert_int_equal(galois_srtp_overhead(p.tx, false), 0);
        assert_int_equal(galois_srtp_overhead(p.tx, true), 4 + row->rtcp_tag_len);
        struct test_rng rng = {i};
        uint8_t plain[128];
        uint8_t prot[PKT_MAX];
        for (uint16_t seq = 1; seq <= 3; seq++) {
            size_t len = build_rtp_rng(plain, seq, 0x10, 48, &rng);
            size_t prot_len = protect_ok(p.tx, false, prot, plain, len, "unauthenticated SRTP");
            assert_int_equal(prot_len, len);
            assert_memory_not_equal(prot + RTP_HDR, plain + RTP_HDR, len - RTP_HDR);
            if (seq == 2) {  // changed in transit: accepted, with the change in the plaintext
                prot[RTP_HDR + 7] ^= 0x20;
                plain[RTP_HDR + 7] ^= 0x20;
            }
            unprotect_expect(p.rx, false, prot, prot_len, plain, len, "unauthenticated SRTP");
        }
        size_t len = build_rtcp(plain, 0x10, 6, &rng);
        size_t prot_len = protect_ok(p.tx, true, prot, plain, len, "SRTCP beside it");
        assert_int_equal(prot_len, len + 4 + row->rtcp_tag_len);
        prot[RTCP_HDR + 2] ^= 0x01;
        uint8_t out[PKT_MAX];
        size_t out_len = 0;
        expect_err(unprotect(p.rx, true, out, &out_len, sizeof(out), prot, prot_len),
                   GALOIS_ERR_AUTH, "%s: SRTCP stays authenticated", suite_label(row));
        pair_free(&p);
    }
}

static void expect_stats(const struct galois_srtp_stats *got, const struct galois_srtp_stats *want,
                         const char *what)
{
    const uint64_t g[7] = {got->packets,    got->ok,       got->auth_fail, got->replay,
                           got->parse_fail, got->mki_fail, got->refused};
    const uint64_t w[7] = {want->packets,    want->ok,       want->auth_fail, want->replay,
                           want->parse_fail, want->mki_fail, want->refused};
    static const char *const names[7] = {"packets",    "ok",       "auth_fail", "replay",
                                         "parse_fail", "mki_fail", "refused"};
    assert_int_equal(g[0], g[1] + g[2] + g[3] + g[4] + g[5] + g[6]);  // every call counted once
    for (size_t i = 0; i < 7; i++) {
        if (g[i] != w[i]) {
            fail_msg("%s: %s = %llu, expected %llu", what, names[i], (unsigned long long)g[i],
                     (unsigned long long)w[i]);
        }
    }
}

// A scripted mix on a receiver with SSRCs A and B added (no accept_any_ssrc), 2-octet MKI:
//   A: 5 ok, 2 forged (AUTH), 1 replay, 1 too small a buffer (refused)
//   B: 3 ok, 1 replay, 1 unknown MKI
//   no stream: 2 malformed (PARSE), 1 unknown SSRC (refused)
static void test_stats_add_up(void **state)
{
    (void)state;
    struct galois_srtp_master_key key;
    make_key(&key, 23);
    struct galois_srtp_policy pol = base_policy(GALOIS_SRTP_AES_CM_128_HMAC_SHA1_80, &key, 1);
    pol.accept_any_ssrc = false;
    pol.mki_len = 2;
    struct pair p = pair_new(&pol);
    const uint32_t a = 0xaaaa;
    const uint32_t b = 0xbbbb;
    const uint32_t c = 0xcccc;
    assert_int_equal(galois_srtp_add_stream(p.tx, a), GALOIS_ERR_OK);
    assert_int_equal(galois_srtp_add_stream(p.tx, b), GALOIS_ERR_OK);
    assert_int_equal(galois_srtp_add_stream(p.tx, c), GALOIS_ERR_OK);
    assert_int_equal(galois_srtp_add_stream(p.rx, a), GALOIS_ERR_OK);
    assert_int_equal(galois_srtp_add_stream(p.rx, b), GALOIS_ERR_OK);
    struct test_rng rng = {99};
    uint8_t pa[8][64], pb[8][64], pc[64];
    size_t la[8], lb[8], lc;
    for (size_t n = 0; n < 8; n++) {
        uint8_t plain[64];
        size_t len = build_rtp_rng(plain, (uint16_t)(n + 1), a, 20, &rng);
        la[n] = protect_into(p.tx, false, pa[n], 64, plain, len, "A");
        len = build_rtp_rng(plain, (uint16_t)(n + 1), b, 20, &rng);
        lb[n] = protect_into(p.tx, false, pb[n], 64, plain, len, "B");
    }
    uint8_t plain[64];
    lc = protect_into(p.tx, false, pc, 64, plain, build_rtp_rng(plain, 1, c, 20, &rng), "C");

    uint8_t out[PKT_MAX];
    size_t out_len = 0;
#define RX(pkt, len, room, want) \
    expect_err(galois_srtp_unprotect(p.rx, out, &out_len, room, pkt, len), want, "stats script")
    for (size_t n = 0; n < 5; n++) {
        RX(pa[n], la[n], sizeof(out), GALOIS_ERR_OK);
    }
    uint8_t bad[64];
    memcpy(bad, pa[5], la[5]);
    bad[la[5] - 1] ^= 1;
    RX(bad, la[5], sizeof(out), GALOIS_ERR_AUTH);
    RX(bad, la[5], sizeof(out), GALOIS_ERR_AUTH);
    RX(pa[2], la[2], sizeof(out), GALOIS_ERR_REPLAY);
    RX(pa[6], la[6], 10, GALOIS_ERR_BUFFER);
    for (size_t n = 0; n < 3; n++) {
        RX(pb[n], lb[n], sizeof(out), GALOIS_ERR_OK);
    }
    RX(pb[1], lb[1], sizeof(out), GALOIS_ERR_REPLAY);
    memcpy(bad, pb[3], lb[3]);
    bad[lb[3] - 10 - 1] ^= 0xff;  // the MKI's second octet (MKI then 10-octet tag)
    RX(bad, lb[3], sizeof(out), GALOIS_ERR_NOT_FOUND);
    RX(pa[7], 5, sizeof(out), GALOIS_ERR_PARSE);
    memcpy(bad, pa[7], la[7]);
    bad[0] = 0x00;
    RX(bad, la[7], sizeof(out), GALOIS_ERR_PARSE);
    RX(pc, lc, sizeof(out), GALOIS_ERR_NOT_FOUND);
#undef RX

    struct galois_srtp_stats want_a = {9, 5, 2, 1, 0, 0, 1};
    struct galois_srtp_stats want_b = {5, 3, 0, 1, 0, 1, 0};
    struct galois_srtp_stats want_all = {17, 8, 2, 2, 2, 1, 2};
    struct galois_srtp_stats zero = {0, 0, 0, 0, 0, 0, 0};
    struct galois_srtp_stats got = get_stats(p.rx, false, &a);
    expect_stats(&got, &want_a, "receiver SSRC A");
    got = get_stats(p.rx, false, &b);
    expect_stats(&got, &want_b, "receiver SSRC B");
    got = get_stats(p.rx, true, &a);
    expect_stats(&got, &zero, "receiver SRTCP of A");
    got = get_stats(p.rx, true, NULL);
    expect_stats(&got, &zero, "receiver SRTCP");
    struct galois_srtp_stats want_tx = {17, 17, 0, 0, 0, 0, 0};
    got = get_stats(p.tx, false, NULL);
    expect_stats(&got, &want_tx, "sender");
    got = get_stats(p.rx, false, NULL);
    expect_stats(&got, &want_all, "receiver session-wide");
    pair_free(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_unencrypted_srtp),
        cmocka_unit_test(test_unencrypted_srtcp),
        cmocka_unit_test(test_unauthenticated_srtp),
        cmocka_unit_test(test_stats_add_up),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
