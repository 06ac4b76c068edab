// Receive-path checks through the public API, for every suite: forged packets (each octet of
// tag and payload changed), what a failure leaves behind (nothing decrypted in the output, no
// ROC or window movement, counters), truncated and malformed packets, replays and packets
// older than the window.
#include "session_util.h"

static struct pair suite_pair(const struct suite_row *row, size_t rtp_window, size_t rtcp_window)
{
    struct galois_srtp_master_key key;
    make_key(&key, (uint8_t)(row->suite + 40));
    struct galois_srtp_policy pol = base_policy(row->suite, &key, 1);
    pol.rtp_window = rtp_window;
    pol.rtcp_window = rtcp_window;
    return pair_new(&pol);
}

// try_forged unprotects `bad` (separately into a pre-filled buffer, then in place) and checks:
// the error is `want` (or, with `alt` not OK, `alt`), the output holds no plaintext, and the
// failure was counted. Returns the error of the first attempt.
static galois_err try_forged(struct galois_srtp *rx, bool rtcp, const uint8_t *bad, size_t len,
                             galois_err want, galois_err alt, const char *what)
{
    uint8_t out[PKT_MAX];
    uint8_t fill[PKT_MAX];
    memset(fill, 0xa5, sizeof(fill));
    memcpy(out, fill, sizeof(out));
    struct galois_srtp_stats before = get_stats(rx, rtcp, NULL);
    size_t out_len = 12345;
    galois_err err = unprotect(rx, rtcp, out, &out_len, PKT_MAX, bad, len);
    if (err != want && (alt == GALOIS_ERR_OK || err != alt)) {
        fail_msg("%s: got %s, expected %s", what, galois_err_name(err), galois_err_name(want));
    }
    wiped_or_untouched(out, fill, sizeof(out), what);
    uint8_t in_place[PKT_MAX];
    memcpy(in_place, bad, len);
    galois_err err2 = unprotect(rx, rtcp, in_place, &out_len, PKT_MAX, in_place, len);
    assert_int_equal(err2, err);
    wiped_or_untouched(in_place, bad, len, what);
    struct galois_srtp_stats after = get_stats(rx, rtcp, NULL);
    assert_int_equal(after.packets, before.packets + 2);
    assert_int_equal(after.ok, before.ok);
    if (err == GALOIS_ERR_AUTH) {
        assert_int_equal(after.auth_fail, before.auth_fail + 2);
    } else if (err == GALOIS_ERR_PARSE) {
        assert_int_equal(after.parse_fail, before.parse_fail + 2);
    }
    return err;
}

// Each octet after the header (payload, SRTCP word, tag) and a few header octets, changed in
// turn: AUTH every time (for SRTCP, an E flag turned to 0 may be refused by policy instead),
// nothing in the output, ROC unchanged; then the genuine packet is accepted.
static void forge_suite(const struct suite_row *row, bool rtcp)
{
    struct pair p = suite_pair(row, 0, 0);
    const uint32_t ssrc = 0x0badf00d;
    struct test_rng rng = {row->suite};
    uint8_t plain[2][PKT_MAX];
    uint8_t prot[2][PKT_MAX];
    size_t len[2];
    size_t prot_len[2];
    for (int i = 0; i < 2; i++) {
        len[i] = rtcp ? build_rtcp(plain[i], ssrc, 9, &rng)
                      : build_rtp_rng(plain[i], (uint16_t)(65534 + i), ssrc, 40, &rng);
        prot_len[i] = protect_ok(p.tx, rtcp, prot[i], plain[i], len[i], suite_label(row));
    }
    unprotect_expect(p.rx, rtcp, prot[0], prot_len[0], plain[0], len[0], suite_label(row));
    uint32_t roc = rtcp ? 0 : get_roc(p.rx, ssrc);
    size_t hdr = rtcp ? RTCP_HDR : RTP_HDR;
    static const size_t header_octets[] = {1, 4, 5, 6, 7};
    size_t e_at = rtcp ? len[1] + (row->aead ? row->rtcp_tag_len : 0) : SIZE_MAX;
    size_t forged = 0;
    for (size_t k = 0; k < prot_len[1] + GALOIS_ARRAY_LEN(header_octets); k++) {
        size_t at = k < GALOIS_ARRAY_LEN(header_octets) ? header_octets[k]
                                                        : hdr + k - GALOIS_ARRAY_LEN(header_octets);
        if (at >= prot_len[1] || (rtcp && at == 1)) {
            continue;  // past the end; RTCP octet 1 is the packet type
        }
        uint8_t bad[PKT_MAX];
        memcpy(bad, prot[1], prot_len[1]);
        bad[at] ^= 0x01;
        char what[128];
        snprintf(what, sizeof(what), "%s %s: octet %zu changed", suite_label(row),
                 rtcp ? "SRTCP" : "SRTP", at);
        // A changed SRTCP index that lands on index 0, received already, is a replay: the
        // replay check comes before authentication (RFC 3711 §3.3.2).
        galois_err want = GALOIS_ERR_AUTH;
        if (rtcp && at >= e_at && at < e_at + 4 &&
            (galois_get_u32(bad + e_at) & 0x7fffffffu) == 0) {
            want = GALOIS_ERR_REPLAY;
        }
        try_forged(p.rx, rtcp, bad, prot_len[1], want, GALOIS_ERR_OK, what);
        forged += 2;
        if (rtcp && at == e_at) {
            // The E flag itself, flipped: an encrypted packet claims to be unencrypted (or, for
            // a NULL suite, the reverse).
            bad[at] ^= 0x81;
            snprintf(what, sizeof(what), "%s SRTCP: E flag flipped", suite_label(row));
            galois_err err = try_forged(p.rx, rtcp, bad, prot_len[1], GALOIS_ERR_AUTH,
                                        row->null_cipher ? GALOIS_ERR_OK : GALOIS_ERR_POLICY, what);
            forged += 2;
            if (row->null_cipher) {
                assert_int_equal(err, GALOIS_ERR_AUTH);
            }
        }
    }
    if (!rtcp) {
        assert_int_equal(get_roc(p.rx, ssrc), roc);
    }
    struct galois_srtp_stats st = get_stats(p.rx, rtcp, &ssrc);
    assert_int_equal(st.ok, 1);
    unprotect_expect(p.rx, rtcp, prot[1], prot_len[1], plain[1], len[1], "genuine after forgeries");
    st = get_stats(p.rx, rtcp, NULL);
    assert_int_equal(st.packets, forged + 2);
    assert_int_equal(st.ok, 2);
    pair_free(&p);
}

static void test_forged_packets(void **state)
{
    (void)state;
    for (size_t i = 0; i < NUM_SUITES; i++) {
        forge_suite(&suite_rows[i], false);
        forge_suite(&suite_rows[i], true);
    }
}

// A forged packet whose SEQ implies a ROC change (65533 -> 2) or a jump far ahead must move
// neither the ROC nor the window: the packets in between still arrive, and when the genuine
// packets with those indexes come, they are accepted.
static void test_forgery_moves_nothing(void **state)
{
    (void)state;
    for (size_t i = 0; i < NUM_SUITES; i++) {
        const struct suite_row *row = &suite_rows[i];
        struct pair p = suite_pair(row, 64, 0);
        const uint32_t ssrc = 77;
        struct test_rng rng = {i};
        uint8_t plain[16][256];
        uint8_t prot[16][PKT_MAX];
        size_t len[16];
        size_t prot_len[16];
        for (size_t n = 0; n < 16; n++) {  // SEQ 65530 .. 65535, 0 .. 9
            len[n] = build_rtp_rng(plain[n], (uint16_t)(65530 + n), ssrc, 24, &rng);
            prot_len[n] = protect_ok(p.tx, false, prot[n], plain[n], len[n], "forgery state");
        }
        for (size_t n = 0; n < 4; n++) {  // up to 65533
            unprotect_expect(p.rx, false, prot[n], prot_len[n], plain[n], len[n], "before");
        }
        // Forge SEQ 2 and SEQ 9 of ROC 1 (their tags changed) while the receiver is at 65533.
        const size_t forged_at[] = {8, 15};
        for (size_t f = 0; f < GALOIS_ARRAY_LEN(forged_at); f++) {
            uint8_t bad[PKT_MAX];
            size_t n = forged_at[f];
            memcpy(bad, prot[n], prot_len[n]);
            bad[prot_len[n] - 1] ^= 0x40;
            try_forged(p.rx, false, bad, prot_len[n], GALOIS_ERR_AUTH, GALOIS_ERR_OK,
                       "forged future packet");
            assert_int_equal(get_roc(p.rx, ssrc), 0);
        }
        for (size_t n = 4; n < 16; n++) {  // 65534, 65535, then ROC 1 including the forged SEQs
            unprotect_expect(p.rx, false, prot[n], prot_len[n], plain[n], len[n],
                             "genuine after forgery");
        }
        assert_int_equal(get_roc(p.rx, ssrc), 1);
        pair_free(&p);
    }
}

// Every truncation of a protected packet fails: PARSE while the fixed header and the trailer
// do not fit, AUTH once they do (the tag is then wrong). Nothing is left in the output.
static void test_truncated(void **state)
{
    (void)state;
    for (size_t i = 0; i < NUM_SUITES; i++) {
        const struct suite_row *row = &suite_rows[i];
        for (int rtcp = 0; rtcp < 2; rtcp++) {
            struct pair p = suite_pair(row, 0, 0);
            struct test_rng rng = {i + 100};
            uint8_t plain[PKT_MAX];
            uint8_t prot[PKT_MAX];
            size_t len =
                rtcp ? build_rtcp(plain, 5, 6, &rng) : build_rtp_rng(plain, 5, 5, 30, &rng);
            size_t prot_len = protect_ok(p.tx, rtcp, prot, plain, len, "truncated");
            size_t min_len = rtcp ? RTCP_HDR + 4 + row->rtcp_tag_len : RTP_HDR + row->rtp_tag_len;
            for (size_t cut = 0; cut < prot_len; cut++) {
                char what[96];
                snprintf(what, sizeof(what), "%s %s truncated to %zu of %zu", suite_label(row),
                         rtcp ? "SRTCP" : "SRTP", cut, prot_len);
                if (cut < min_len) {
                    try_forged(p.rx, rtcp, prot, cut, GALOIS_ERR_PARSE, GALOIS_ERR_OK, what);
                    continue;
                }
                // SRTCP: the E||index word is then read from other octets; one whose E flag is
                // 0 may be refused by policy before the tag check.
                galois_err alt = GALOIS_ERR_OK;
                if (rtcp && !row->null_cipher) {
                    size_t word_at = row->aead ? cut - 4 : cut - row->rtcp_tag_len - 4;
                    alt = (prot[word_at] & 0x80) == 0 ? GALOIS_ERR_POLICY : GALOIS_ERR_OK;
                }
                try_forged(p.rx, rtcp, prot, cut, GALOIS_ERR_AUTH, alt, what);
            }
            unprotect_expect(p.rx, rtcp, prot, prot_len, plain, len, "whole packet after cuts");
            pair_free(&p);
        }
    }
}

// Malformed RTP: the sender refuses it with PARSE; so does the receiver, with the trailer in
// place and the header claiming more than the packet holds.
static void test_malformed(void **state)
{
    (void)state;
    for (size_t i = 0; i < NUM_SUITES; i++) {
        const struct suite_row *row = &suite_rows[i];
        struct pair p = suite_pair(row, 0, 0);
        struct test_rng rng = {i};
        uint8_t good[64];
        size_t good_len = build_rtp_rng(good, 1, 9, 8, &rng);  // 20 octets
        struct {
            const char *name;
            size_t len;
            uint8_t b0;
            int ext_words;  // -1: none written
        } bad[] = {
            {"version 0", good_len, 0x00, -1},
            {"version 1", good_len, 0x40, -1},
            {"version 3", good_len, 0xc0, -1},
            {"CSRC count past the end", good_len, 0x83, -1},  // 3 CSRCs need 24 octets
            {"15 CSRCs in 20 octets", good_len, 0x8f, -1},
            {"extension header cut", 14, 0x90, -1},
            {"extension length past the end", good_len, 0x90, 2},  // 12 + 4 + 8 > 20
            {"extension length 0xffff", good_len, 0x90, 0xffff},
            {"shorter than a header", 11, 0x80, -1},
            {"empty", 0, 0x80, -1},
        };
        for (size_t k = 0; k < GALOIS_ARRAY_LEN(bad); k++) {
            uint8_t pkt[PKT_MAX];
            memcpy(pkt, good, good_len);
            pkt[0] = bad[k].b0;
            if (bad[k].ext_words >= 0) {
                galois_put_u16(pkt + 14, (uint16_t)bad[k].ext_words);
            }
            uint8_t out[PKT_MAX];
            size_t out_len = 0;
            char what[96];
            snprintf(what, sizeof(what), "%s: protect %s", suite_label(row), bad[k].name);
            expect_err(galois_srtp_protect(p.tx, out, &out_len, sizeof(out), pkt, bad[k].len),
                       GALOIS_ERR_PARSE, "%s", what);
            // The same header on the receive side, followed by a trailer of the right length.
            size_t trailer = galois_srtp_overhead(p.rx, false);
            memset(pkt + bad[k].len, 0x5c, trailer);
            snprintf(what, sizeof(what), "%s: unprotect %s", suite_label(row), bad[k].name);
            try_forged(p.rx, false, pkt, bad[k].len + trailer, GALOIS_ERR_PARSE, GALOIS_ERR_OK,
                       what);
        }
        // RTCP: wrong version, shorter than header + SSRC.
        uint8_t rtcp[32];
        size_t rtcp_len = build_rtcp(rtcp, 3, 2, &rng);
        uint8_t out[PKT_MAX];
        size_t out_len = 0;
        rtcp[0] = 0x40;
        expect_err(galois_srtp_protect_rtcp(p.tx, out, &out_len, sizeof(out), rtcp, rtcp_len),
                   GALOIS_ERR_PARSE, "%s: protect_rtcp version 1", suite_label(row));
        rtcp[0] = 0x80;
        expect_err(galois_srtp_protect_rtcp(p.tx, out, &out_len, sizeof(out), rtcp, 7),
                   GALOIS_ERR_PARSE, "%s: protect_rtcp of 7 octets", suite_label(row));
        struct galois_srtp_stats st = get_stats(p.tx, false, NULL);
        assert_int_equal(st.parse_fail, GALOIS_ARRAY_LEN(bad));
        assert_int_equal(st.ok, 0);
        st = get_stats(p.tx, true, NULL);
        assert_int_equal(st.parse_fail, 2);
        pair_free(&p);
    }
}

// Replays and packets older than the window, at the window's edge, for each window size:
// after the newest packet, the one W-1 below is accepted, W below is too old; every accepted
// packet is a replay the second time.
static void window_edges(size_t window, bool rtcp)
{
    const struct suite_row *row = &suite_rows[rtcp ? 7 : window % 3];
    struct pair p = suite_pair(row, rtcp ? 0 : window, rtcp ? window : 0);
    const uint32_t ssrc = 0x1234;
    const size_t count = window + 10;
    struct test_rng rng = {window};
    uint8_t *prot = malloc(count * 64);
    size_t *prot_len = malloc(count * sizeof(size_t));
    assert_non_null(prot);
    assert_non_null(prot_len);
    for (size_t n = 0; n < count; n++) {
        uint8_t plain[64];
        size_t len = rtcp ? build_rtcp(plain, ssrc, 1, &rng)
                          : build_rtp_rng(plain, (uint16_t)(1000 + n), ssrc, 4, &rng);
        prot_len[n] = protect_into(p.tx, rtcp, prot + n * 64, 64, plain, len, "window");
    }
    uint8_t out[PKT_MAX];
    size_t out_len = 0;
    size_t top = count - 1;
    expect_err(unprotect(p.rx, rtcp, out, &out_len, sizeof(out), prot + top * 64, prot_len[top]),
               GALOIS_ERR_OK, "newest");
    // SRTP stops at 2^15 below: a SEQ further back is estimated as the next ROC (RFC 3711
    // §3.3.1), so it is no longer an old packet but a forged future one.
    size_t too_old = 0;
    for (size_t d = 1; d <= window + 5 && d <= top && (rtcp || d <= 32768); d++) {
        size_t n = top - d;
        galois_err want = d < window ? GALOIS_ERR_OK : GALOIS_ERR_REPLAY;
        too_old += d >= window;
        expect_err(unprotect(p.rx, rtcp, out, &out_len, sizeof(out), prot + n * 64, prot_len[n]),
                   want, "window %zu %s: packet %zu below the newest", window,
                   rtcp ? "SRTCP" : "SRTP", d);
    }
    assert_true(too_old >= 1);  // the edge itself was tried
    // Replays of everything accepted.
    for (size_t d = 0; d < window; d++) {
        size_t n = top - d;
        expect_err(unprotect(p.rx, rtcp, out, &out_len, sizeof(out), prot + n * 64, prot_len[n]),
                   GALOIS_ERR_REPLAY, "window %zu: replay of %zu below the newest", window, d);
    }
    struct galois_srtp_stats st = get_stats(p.rx, rtcp, &ssrc);
    assert_int_equal(st.ok, window);
    assert_int_equal(st.replay, too_old + window);
    assert_int_equal(st.auth_fail, 0);
    free(prot);
    free(prot_len);
    pair_free(&p);
}

static void test_replay_windows(void **state)
{
    (void)state;
    static const size_t windows[] = {64, 128, 1024, 32768};
    for (size_t i = 0; i < GALOIS_ARRAY_LEN(windows); i++) {
        window_edges(windows[i], false);
        window_edges(windows[i], true);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_forged_packets), cmocka_unit_test(test_forgery_moves_nothing),
        cmocka_unit_test(test_truncated),      cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_replay_windows),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
