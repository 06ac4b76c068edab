// Limits and options through the public API: packet index limits (SRTP 2^48, SRTCP 2^31),
// buffers too small, unknown SSRCs and the stream cap, wrong direction, repeated indexes on
// send, the RFC 4568 session parameters, and the statistics counters.
#include "session_util.h"

// SRTP index 2^48 - 1 is the last: with ROC 0xffffffff, SEQ 65535 goes out and the packet after
// it is refused with LIMIT (and an INDEX_LIMIT event), never wrapping to index 0.
static void test_srtp_index_limit(void **state)
{
    (void)state;
    for (size_t i = 0; i < NUM_SUITES; i++) {
        const struct suite_row *row = &suite_rows[i];
        struct galois_srtp_master_key key;
        make_key(&key, 4);
        struct events ev;
        memset(&ev, 0, sizeof(ev));
        struct galois_srtp_policy pol = base_policy(row->suite, &key, 1);
        pol.on_event = record_event;
        pol.event_arg = &ev;
        struct pair p = pair_new(&pol);
        const uint32_t ssrc = 0xe2d;
        assert_int_equal(galois_srtp_set_roc(p.tx, ssrc, 0xffffffffu), GALOIS_ERR_OK);
        assert_int_equal(galois_srtp_set_roc(p.rx, ssrc, 0xffffffffu), GALOIS_ERR_OK);
        struct test_rng rng = {i};
        const uint16_t seqs[] = {65534, 65535, 0, 1, 65535};
        for (size_t n = 0; n < GALOIS_ARRAY_LEN(seqs); n++) {
            uint8_t plain[64];
            uint8_t prot[PKT_MAX];
            size_t out_len = 0;
            size_t len = build_rtp_rng(plain, seqs[n], ssrc, 8, &rng);
            galois_err err = galois_srtp_protect(p.tx, prot, &out_len, sizeof(prot), plain, len);
            galois_err want = n < 2 ? GALOIS_ERR_OK : n < 4 ? GALOIS_ERR_LIMIT : GALOIS_ERR_REPLAY;
            expect_err(err, want, "%s: ROC 0xffffffff SEQ %u", suite_label(row), seqs[n]);
            if (err == GALOIS_ERR_OK) {
                unprotect_expect(p.rx, false, prot, out_len, plain, len, "last indexes");
            }
        }
        assert_int_equal(get_roc(p.tx, ssrc), 0xffffffffu);
        assert_int_equal(get_roc(p.rx, ssrc), 0xffffffffu);
        assert_true(count_events(&ev, GALOIS_SRTP_EVENT_INDEX_LIMIT) >= 1);
        for (size_t e = 0; e < ev.n; e++) {
            assert_int_equal(ev.ev[e].type, GALOIS_SRTP_EVENT_INDEX_LIMIT);
            assert_int_equal(ev.ev[e].ssrc, ssrc);
            assert_false(ev.ev[e].rtcp);
        }
        pair_free(&p);
    }
}

// SRTCP index 2^31 - 1 is the last: one packet with it, then LIMIT (RFC 3711 §3.4, §9.2).
static void test_srtcp_index_limit(void **state)
{
    (void)state;
    for (size_t i = 0; i < NUM_SUITES; i++) {
        const struct suite_row *row = &suite_rows[i];
        struct galois_srtp_master_key key;
        make_key(&key, 5);
        struct events ev;
        memset(&ev, 0, sizeof(ev));
        struct galois_srtp_policy pol = base_policy(row->suite, &key, 1);
        pol.on_event = record_event;
        pol.event_arg = &ev;
        struct pair p = pair_new(&pol);
        const uint32_t ssrc = 0x5c;
        assert_int_not_equal(galois_srtp_set_rtcp_index(p.tx, ssrc, 0x80000000u), GALOIS_ERR_OK);
        assert_int_equal(galois_srtp_set_rtcp_index(p.tx, ssrc, 0x7fffffffu), GALOIS_ERR_OK);
        struct test_rng rng = {i};
        uint8_t plain[64];
        uint8_t prot[PKT_MAX];
        size_t len = build_rtcp(plain, ssrc, 3, &rng);
        size_t prot_len = protect_ok(p.tx, true, prot, plain, len, "SRTCP index 2^31 - 1");
        uint32_t e = row->null_cipher ? 0 : 0x80000000u;
        assert_int_equal(srtcp_word(prot, len, row), e | 0x7fffffffu);
        unprotect_expect(p.rx, true, prot, prot_len, plain, len, "SRTCP index 2^31 - 1");
        for (int again = 0; again < 2; again++) {
            size_t out_len = 0;
            expect_err(galois_srtp_protect_rtcp(p.tx, prot, &out_len, sizeof(prot), plain, len),
                       GALOIS_ERR_LIMIT, "%s: SRTCP after index 2^31 - 1", suite_label(row));
        }
        assert_true(count_events(&ev, GALOIS_SRTP_EVENT_INDEX_LIMIT) >= 1);
        for (size_t k = 0; k < ev.n; k++) {
            assert_int_equal(ev.ev[k].ssrc, ssrc);
            assert_true(ev.ev[k].rtcp);
        }
        // Other streams are not affected.
        len = build_rtcp(plain, ssrc + 1, 3, &rng);
        protect_ok(p.tx, true, prot, plain, len, "another SSRC");
        pair_free(&p);
    }
}

// Output too small by one octet: BUFFER, not one octet written (protect), nothing but zeros
// (unprotect); the index is not used up, so the same packet then goes through. Counted as
// refused.
static void test_buffer_too_small(void **state)
{
    (void)state;
    for (size_t i = 0; i < NUM_SUITES; i++) {
        const struct suite_row *row = &suite_rows[i];
        struct galois_srtp_master_key key;
        make_key(&key, 6);
        struct galois_srtp_policy pol = base_policy(row->suite, &key, 1);
        pol.mki_len = 2;
        struct pair p = pair_new(&pol);
        struct test_rng rng = {i};
        for (int rtcp = 0; rtcp < 2; rtcp++) {
            uint8_t plain[256];
            uint8_t out[PKT_MAX];
            uint8_t fill[PKT_MAX];
            memset(fill, 0xee, sizeof(fill));
            size_t len = rtcp ? build_rtcp(plain, 0xb0f, 20, &rng)
                              : build_rtp_rng(plain, 3, 0xb0f, 80, &rng);
            size_t full = len + galois_srtp_overhead(p.tx, rtcp);
            const size_t rooms[] = {full - 1, len, len - 1, 0};
            for (size_t r = 0; r < GALOIS_ARRAY_LEN(rooms); r++) {
                memcpy(out, fill, sizeof(out));
                size_t out_len = 777;
                galois_err err =
                    rtcp ? galois_srtp_protect_rtcp(p.tx, out, &out_len, rooms[r], plain, len)
                         : galois_srtp_protect(p.tx, out, &out_len, rooms[r], plain, len);
                expect_err(err, GALOIS_ERR_BUFFER, "%s %s protect into %zu of %zu octets",
                           suite_label(row), rtcp ? "SRTCP" : "SRTP", rooms[r], full);
                vf_expect_bytes("protect into a short buffer writes nothing", out, sizeof(out),
                                fill, sizeof(fill));
            }
            struct galois_srtp_stats st = get_stats(p.tx, rtcp, NULL);
            assert_int_equal(st.refused, GALOIS_ARRAY_LEN(rooms));
            uint8_t prot[PKT_MAX];
            size_t prot_len = protect_ok(p.tx, rtcp, prot, plain, len, "after BUFFER");
            assert_int_equal(prot_len, full);
            if (rtcp) {  // the refusals did not use up SRTCP indexes: this is index 0
                assert_int_equal(srtcp_word(prot, len, row) & 0x7fffffffu, 0);
            }
            const size_t rx_rooms[] = {len - 1, 1, 0};
            for (size_t r = 0; r < GALOIS_ARRAY_LEN(rx_rooms); r++) {
                memcpy(out, fill, sizeof(out));
                size_t out_len = 777;
                expect_err(unprotect(p.rx, rtcp, out, &out_len, rx_rooms[r], prot, prot_len),
                           GALOIS_ERR_BUFFER, "%s %s unprotect into %zu of %zu octets",
                           suite_label(row), rtcp ? "SRTCP" : "SRTP", rx_rooms[r], len);
                wiped_or_untouched(out, fill, rx_rooms[r], "unprotect into a short buffer");
                vf_expect_bytes("nothing written past max_out_len", out + rx_rooms[r],
                                sizeof(out) - rx_rooms[r], fill, sizeof(fill) - rx_rooms[r]);
            }
            st = get_stats(p.rx, rtcp, NULL);
            assert_int_equal(st.refused, GALOIS_ARRAY_LEN(rx_rooms));
            assert_int_equal(st.ok, 0);
            unprotect_expect(p.rx, rtcp, prot, prot_len, plain, len, "exact room after BUFFER");
        }
        pair_free(&p);
    }
}

// Without accept_any_ssrc only added SSRCs are served: NOT_FOUND (counted as refused, not as
// an MKI failure) until galois_srtp_add_stream, and again after galois_srtp_remove_stream.
static void test_unknown_ssrc(void **state)
{
    (void)state;
    for (size_t i = 0; i < NUM_SUITES; i++) {
        const struct suite_row *row = &suite_rows[i];
        struct galois_srtp_master_key key;
        make_key(&key, 7);
        struct galois_srtp_policy pol = base_policy(row->suite, &key, 1);
        pol.accept_any_ssrc = false;
        struct pair p = pair_new(&pol);
        struct test_rng rng = {i};
        for (int rtcp = 0; rtcp < 2; rtcp++) {
            const uint32_t ssrc = 0xfeed0000u + (uint32_t)rtcp;  // SSRCs are shared by RTP/RTCP
            uint8_t plain[64];
            uint8_t prot[PKT_MAX];
            size_t out_len = 0;
            size_t len =
                rtcp ? build_rtcp(plain, ssrc, 2, &rng) : build_rtp_rng(plain, 9, ssrc, 9, &rng);
            galois_err err =
                rtcp ? galois_srtp_protect_rtcp(p.tx, prot, &out_len, sizeof(prot), plain, len)
                     : galois_srtp_protect(p.tx, prot, &out_len, sizeof(prot), plain, len);
            expect_err(err, GALOIS_ERR_NOT_FOUND, "%s: protect for an SSRC not added",
                       suite_label(row));
            assert_int_equal(galois_srtp_add_stream(p.tx, ssrc), GALOIS_ERR_OK);
            assert_int_equal(galois_srtp_add_stream(p.tx, ssrc), GALOIS_ERR_OK);  // again: fine
            size_t prot_len = protect_ok(p.tx, rtcp, prot, plain, len, "after add_stream");
            uint8_t out[PKT_MAX];
            expect_err(unprotect(p.rx, rtcp, out, &out_len, sizeof(out), prot, prot_len),
                       GALOIS_ERR_NOT_FOUND, "%s: unprotect for an SSRC not added",
                       suite_label(row));
            assert_int_equal(galois_srtp_add_stream(p.rx, ssrc), GALOIS_ERR_OK);
            unprotect_expect(p.rx, rtcp, prot, prot_len, plain, len, "after add_stream");
            if (rtcp) {
                assert_int_equal(galois_srtp_remove_stream(p.rx, ssrc), GALOIS_ERR_OK);
                assert_int_equal(galois_srtp_remove_stream(p.rx, ssrc), GALOIS_ERR_NOT_FOUND);
                expect_err(unprotect(p.rx, rtcp, out, &out_len, sizeof(out), prot, prot_len),
                           GALOIS_ERR_NOT_FOUND, "after remove_stream");
                uint32_t roc = 0;
                assert_int_equal(galois_srtp_get_roc(p.rx, &roc, ssrc), GALOIS_ERR_NOT_FOUND);
                struct galois_srtp_stats unused;
                assert_int_equal(galois_srtp_get_stats(p.rx, &unused, false, true, ssrc),
                                 GALOIS_ERR_NOT_FOUND);
            }
        }
        pair_free(&p);
    }
}

// The unknown SSRC of test_unknown_ssrc is counted as `refused` on both sides, not as an MKI
// failure (include/galois/srtp.h, struct galois_srtp_stats).
static void test_unknown_ssrc_counted(void **state)
{
    (void)state;
    struct galois_srtp_master_key key;
    make_key(&key, 7);
    struct galois_srtp_policy pol = base_policy(GALOIS_SRTP_AES_CM_128_HMAC_SHA1_80, &key, 1);
    pol.accept_any_ssrc = false;
    struct pair p = pair_new(&pol);
    struct test_rng rng = {3};
    for (int rtcp = 0; rtcp < 2; rtcp++) {
        const uint32_t ssrc = 0xfeed0000u + (uint32_t)rtcp;
        uint8_t plain[64];
        uint8_t prot[PKT_MAX];
        uint8_t out[PKT_MAX];
        size_t out_len = 0;
        size_t len =
            rtcp ? build_rtcp(plain, ssrc, 2, &rng) : build_rtp_rng(plain, 9, ssrc, 9, &rng);
        galois_err err =
            rtcp ? galois_srtp_protect_rtcp(p.tx, prot, &out_len, sizeof(prot), plain, len)
                 : galois_srtp_protect(p.tx, prot, &out_len, sizeof(prot), plain, len);
        assert_int_equal(err, GALOIS_ERR_NOT_FOUND);
        assert_int_equal(galois_srtp_add_stream(p.tx, ssrc), GALOIS_ERR_OK);
        size_t prot_len = protect_ok(p.tx, rtcp, prot, plain, len, "after add_stream");
        assert_int_equal(unprotect(p.rx, rtcp, out, &out_len, sizeof(out), prot, prot_len),
                         GALOIS_ERR_NOT_FOUND);
        struct galois_srtp *sides[2] = {p.tx, p.rx};
        for (int side = 0; side < 2; side++) {
            struct galois_srtp_stats st = get_stats(sides[side], rtcp, NULL);
            if (st.refused != 1 || st.mki_fail != 0) {
                fail_msg(
                    "%s %s: unknown SSRC counted as refused %llu, mki_fail %llu; expected 1, 0",
                    side == 0 ? "sender" : "receiver", rtcp ? "SRTCP" : "SRTP",
                    (unsigned long long)st.refused, (unsigned long long)st.mki_fail);
            }
        }
    }
    pair_free(&p);
}

// max_streams 4: a 5th SSRC is refused with LIMIT and a STREAM_LIMIT event naming it, on both
// sides and through add_stream; removing a stream makes room.
static void test_stream_cap(void **state)
{
    (void)state;
    struct galois_srtp_master_key key;
    make_key(&key, 8);
    struct events ev;
    memset(&ev, 0, sizeof(ev));
    struct galois_srtp_policy pol = base_policy(GALOIS_SRTP_AEAD_AES_128_GCM, &key, 1);
    pol.max_streams = 4;
    pol.on_event = record_event;
    pol.event_arg = &ev;
    struct pair p = pair_new(&pol);
    struct test_rng rng = {1};
    uint8_t prot[6][PKT_MAX];
    size_t prot_len[6];
    size_t len[6];
    uint8_t saved[6][64];
    for (uint32_t s = 1; s <= 5; s++) {
        len[s] = build_rtp_rng(saved[s], 1, s, 8, &rng);
        size_t out_len = 0;
        galois_err err = galois_srtp_protect(p.tx, prot[s], &out_len, PKT_MAX, saved[s], len[s]);
        expect_err(err, s <= 4 ? GALOIS_ERR_OK : GALOIS_ERR_LIMIT, "sender SSRC %u of cap 4", s);
        prot_len[s] = out_len;
    }
    assert_int_equal(count_events(&ev, GALOIS_SRTP_EVENT_STREAM_LIMIT), 1);
    assert_int_equal(ev.ev[0].ssrc, 5);
    assert_int_equal(galois_srtp_add_stream(p.tx, 5), GALOIS_ERR_LIMIT);
    assert_int_equal(count_events(&ev, GALOIS_SRTP_EVENT_STREAM_LIMIT), 2);  // refused as well
    assert_int_equal(ev.ev[1].ssrc, 5);
    assert_int_equal(galois_srtp_add_stream(p.tx, 4), GALOIS_ERR_OK);  // already served
    assert_int_equal(galois_srtp_remove_stream(p.tx, 2), GALOIS_ERR_OK);
    prot_len[5] = protect_ok(p.tx, false, prot[5], saved[5], len[5], "5th SSRC after a removal");
    for (uint32_t s = 1; s <= 5; s++) {
        uint8_t out[PKT_MAX];
        size_t out_len = 0;
        galois_err err = unprotect(p.rx, false, out, &out_len, sizeof(out), prot[s], prot_len[s]);
        expect_err(err, s <= 4 ? GALOIS_ERR_OK : GALOIS_ERR_LIMIT, "receiver SSRC %u of cap 4", s);
    }
    assert_int_equal(count_events(&ev, GALOIS_SRTP_EVENT_STREAM_LIMIT), 3);
    assert_int_equal(ev.ev[ev.n - 1].ssrc, 5);
    struct galois_srtp_stats st = get_stats(p.rx, false, NULL);
    assert_int_equal(st.refused, 1);
    pair_free(&p);
}

// Each session has one direction; the others' calls are refused with STATE.
static void test_wrong_direction(void **state)
{
    (void)state;
    struct galois_srtp_master_key key;
    make_key(&key, 9);
    struct galois_srtp_policy pol = base_policy(GALOIS_SRTP_AES_CM_128_HMAC_SHA1_80, &key, 1);
    struct pair p = pair_new(&pol);
    struct test_rng rng = {2};
    uint8_t rtp[64];
    uint8_t rtcp[64];
    uint8_t out[PKT_MAX];
    size_t out_len = 0;
    size_t rtp_len = build_rtp_rng(rtp, 1, 1, 10, &rng);
    size_t rtcp_len = build_rtcp(rtcp, 1, 2, &rng);
    assert_int_equal(galois_srtp_protect(p.rx, out, &out_len, sizeof(out), rtp, rtp_len),
                     GALOIS_ERR_STATE);
    assert_int_equal(galois_srtp_protect_rtcp(p.rx, out, &out_len, sizeof(out), rtcp, rtcp_len),
                     GALOIS_ERR_STATE);
    size_t prot_len = protect_ok(p.tx, false, out, rtp, rtp_len, "direction");
    assert_int_equal(galois_srtp_unprotect(p.tx, out, &out_len, sizeof(out), out, prot_len),
                     GALOIS_ERR_STATE);
    prot_len = protect_ok(p.tx, true, out, rtcp, rtcp_len, "direction");
    assert_int_equal(galois_srtp_unprotect_rtcp(p.tx, out, &out_len, sizeof(out), out, prot_len),
                     GALOIS_ERR_STATE);
    assert_int_not_equal(galois_srtp_set_rtcp_index(p.rx, 1, 5), GALOIS_ERR_OK);
    pair_free(&p);
}

// A sender refuses to protect an index twice (keystream reuse) unless allow_repeat_tx, which
// then gives the identical packet.
static void test_repeat_tx(void **state)
{
    (void)state;
    for (size_t i = 0; i < NUM_SUITES; i++) {
        const struct suite_row *row = &suite_rows[i];
        struct galois_srtp_master_key key;
        make_key(&key, 10);
        struct galois_srtp_policy pol = base_policy(row->suite, &key, 1);
        for (int allow = 0; allow < 2; allow++) {
            pol.allow_repeat_tx = allow;
            struct galois_srtp *tx = session_new(&pol, GALOIS_SRTP_SEND);
            struct test_rng rng = {i};
            uint8_t plain[64];
            uint8_t first[PKT_MAX];
            uint8_t second[PKT_MAX];
            size_t len = build_rtp_rng(plain, 10, 3, 12, &rng);
            size_t first_len = protect_ok(tx, false, first, plain, len, "first");
            uint8_t later[64];
            size_t later_len = build_rtp_rng(later, 11, 3, 12, &rng);
            protect_ok(tx, false, second, later, later_len, "next");
            size_t second_len = 0;
            galois_err err =
                galois_srtp_protect(tx, second, &second_len, sizeof(second), plain, len);
            expect_err(err, allow ? GALOIS_ERR_OK : GALOIS_ERR_REPLAY,
                       "%s: SEQ 10 again, allow_repeat_tx %d", suite_label(row), allow);
            if (allow) {
                vf_expect_bytes("retransmission", second, second_len, first, first_len);
            }
            galois_srtp_free(tx);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_srtp_index_limit),     cmocka_unit_test(test_srtcp_index_limit),
        cmocka_unit_test(test_buffer_too_small),     cmocka_unit_test(test_unknown_ssrc),
        cmocka_unit_test(test_unknown_ssrc_counted), cmocka_unit_test(test_stream_cap),
        cmocka_unit_test(test_wrong_direction),      cmocka_unit_test(test_repeat_tx),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
