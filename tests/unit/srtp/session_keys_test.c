// Key handling through the public API: MKI (wrong, selection among 3 keys), ROC (wrap, late
// joiner, set_roc after authentication), master-key lifetimes and their events, and the key
// derivation rate (kdr_log2 1..24) checked against keys derived independently.
#include "session_util.h"

static const size_t some_suites[] = {0, 3, 6, 9, 10};  // rows: AES-128/192-CM, GCM, GCM_8, NULL

enum { MKI_LEN = 4 };

static struct galois_srtp_policy keys_policy(const struct suite_row *row,
                                             struct galois_srtp_master_key *keys, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        make_key(&keys[k], (uint8_t)(10 * k + 3));
    }
    struct galois_srtp_policy pol = base_policy(row->suite, keys, n);
    pol.mki_len = MKI_LEN;
    return pol;
}

// Where the MKI sits in a protected packet of `len` plain octets: RFC 3711 §3.1 / §3.4 for
// AES-CM (SRTP: before the tag; SRTCP: after E||index), RFC 7714 §8 / §9 for AEAD (after the
// tag, which ends the cipher text; SRTCP: after tag and E||index).
static size_t mki_offset(const struct suite_row *row, bool rtcp, size_t len)
{
    if (rtcp) {
        return len + 4 + (row->aead ? row->rtcp_tag_len : 0);
    }
    return len + (row->aead ? row->rtp_tag_len : 0);
}

static void test_mki_wrong(void **state)
{
    (void)state;
    for (size_t i = 0; i < GALOIS_ARRAY_LEN(some_suites); i++) {
        const struct suite_row *row = &suite_rows[some_suites[i]];
        struct galois_srtp_master_key tx_key;
        struct galois_srtp_master_key rx_key;
        struct galois_srtp_policy tx_pol = keys_policy(row, &tx_key, 1);
        struct galois_srtp_policy rx_pol = keys_policy(row, &rx_key, 1);
        rx_key.mki[MKI_LEN - 1] ^= 0x80;  // same key, another MKI
        struct galois_srtp *tx = session_new(&tx_pol, GALOIS_SRTP_SEND);
        struct galois_srtp *rx = session_new(&rx_pol, GALOIS_SRTP_RECEIVE);
        struct test_rng rng = {i};
        for (int rtcp = 0; rtcp < 2; rtcp++) {
            uint8_t plain[128];
            uint8_t prot[PKT_MAX];
            uint8_t out[PKT_MAX];
            size_t len =
                rtcp ? build_rtcp(plain, 99, 5, &rng) : build_rtp_rng(plain, 1, 99, 20, &rng);
            size_t prot_len = protect_ok(tx, rtcp, prot, plain, len, "wrong MKI");
            vf_expect_bytes("MKI in the packet", prot + mki_offset(row, rtcp, len), MKI_LEN,
                            tx_key.mki, MKI_LEN);
            memset(out, 0xa5, sizeof(out));
            uint8_t fill[PKT_MAX];
            memcpy(fill, out, sizeof(fill));
            size_t out_len = 0;
            expect_err(unprotect(rx, rtcp, out, &out_len, sizeof(out), prot, prot_len),
                       GALOIS_ERR_NOT_FOUND, "%s %s: unknown MKI", suite_label(row),
                       rtcp ? "SRTCP" : "SRTP");
            wiped_or_untouched(out, fill, sizeof(out), "unknown MKI");
            struct galois_srtp_stats st = get_stats(rx, rtcp, NULL);
            assert_int_equal(st.mki_fail, 1);
            assert_int_equal(st.packets, 1);
            assert_int_equal(st.refused, 0);
        }
        galois_srtp_free(tx);
        galois_srtp_free(rx);
    }
}

// Three keys, the sender switching key on each packet; the receiver picks each by its MKI.
// An MKI that names another key than the one the packet was protected with fails AUTH.
static void test_mki_three_keys(void **state)
{
    (void)state;
    for (size_t i = 0; i < NUM_SUITES; i++) {
        const struct suite_row *row = &suite_rows[i];
        struct galois_srtp_master_key keys[3];
        struct galois_srtp_policy pol = keys_policy(row, keys, 3);
        struct pair p = pair_new(&pol);
        struct test_rng rng = {i};
        const size_t per_kind = 30;
        for (int rtcp = 0; rtcp < 2; rtcp++) {
            for (size_t n = 0; n < per_kind; n++) {
                size_t k = (n * 7) % 3;
                assert_int_equal(galois_srtp_set_send_key(p.tx, k), GALOIS_ERR_OK);
                uint8_t plain[PKT_MAX];
                uint8_t prot[PKT_MAX];
                size_t len = rtcp ? build_rtcp(plain, 0xaa, n % 7, &rng)
                                  : build_rtp_rng(plain, (uint16_t)(500 + n), 0xaa, n * 3, &rng);
                size_t prot_len = protect_ok(p.tx, rtcp, prot, plain, len, "3 keys");
                char what[96];
                snprintf(what, sizeof(what), "%s %s packet %zu: MKI of key %zu", suite_label(row),
                         rtcp ? "SRTCP" : "SRTP", n, k);
                vf_expect_bytes(what, prot + mki_offset(row, rtcp, len), MKI_LEN, keys[k].mki,
                                MKI_LEN);
                if (n % 5 == 4) {  // the MKI of the next key on this packet: AUTH, then genuine
                    uint8_t bad[PKT_MAX];
                    memcpy(bad, prot, prot_len);
                    memcpy(bad + mki_offset(row, rtcp, len), keys[(k + 1) % 3].mki, MKI_LEN);
                    uint8_t out[PKT_MAX];
                    size_t out_len = 0;
                    expect_err(unprotect(p.rx, rtcp, out, &out_len, sizeof(out), bad, prot_len),
                               GALOIS_ERR_AUTH, "%s with another key's MKI", what);
                }
                unprotect_expect(p.rx, rtcp, prot, prot_len, plain, len, what);
            }
        }
        for (size_t k = 0; k < 3; k++) {
            uint64_t rtp = 99;
            uint64_t rtcp = 99;
            assert_int_equal(galois_srtp_key_usage(p.tx, &rtp, &rtcp, k), GALOIS_ERR_OK);
            assert_int_equal(rtp, per_kind / 3);
            assert_int_equal(rtcp, per_kind / 3);
            assert_int_equal(galois_srtp_key_usage(p.rx, &rtp, &rtcp, k), GALOIS_ERR_OK);
            assert_int_equal(rtp, per_kind / 3);
            assert_int_equal(rtcp, per_kind / 3);
        }
        assert_int_equal(galois_srtp_set_send_key(p.tx, 3), GALOIS_ERR_INVALID);
        uint64_t a = 0;
        uint64_t b = 0;
        assert_int_not_equal(galois_srtp_key_usage(p.tx, &a, &b, 3), GALOIS_ERR_OK);
        pair_free(&p);
    }
}

// SEQ 65534, 65535, 0, 1: the ROC goes 0 -> 1 on both sides at the wrap.
static void test_roc_wrap(void **state)
{
    (void)state;
    for (size_t i = 0; i < NUM_SUITES; i++) {
        const struct suite_row *row = &suite_rows[i];
        struct galois_srtp_master_key key;
        make_key(&key, 1);
        struct galois_srtp_policy pol = base_policy(row->suite, &key, 1);
        struct pair p = pair_new(&pol);
        const uint16_t seqs[] = {65534, 65535, 0, 1};
        const uint32_t rocs[] = {0, 0, 1, 1};
        struct test_rng rng = {i};
        for (size_t n = 0; n < 4; n++) {
            uint8_t plain[64];
            uint8_t prot[PKT_MAX];
            size_t len = build_rtp_rng(plain, seqs[n], 0x10c, 16, &rng);
            size_t prot_len = protect_ok(p.tx, false, prot, plain, len, "wrap");
            assert_int_equal(get_roc(p.tx, 0x10c), rocs[n]);
            unprotect_expect(p.rx, false, prot, prot_len, plain, len, "wrap");
            assert_int_equal(get_roc(p.rx, 0x10c), rocs[n]);
        }
        pair_free(&p);
    }
}

// A receiver joining a stream whose ROC is 7 decrypts it once told the ROC (RFC 3711 §3.3.1),
// and fails AUTH without it or with a wrong one. Once it has authenticated a packet, set_roc
// is refused with STATE.
static void test_late_joiner(void **state)
{
    (void)state;
    const uint32_t ssrc = 0x1a7e;
    for (size_t i = 0; i < NUM_SUITES; i++) {
        const struct suite_row *row = &suite_rows[i];
        struct galois_srtp_master_key key;
        make_key(&key, 2);
        struct galois_srtp_policy pol = base_policy(row->suite, &key, 1);
        struct galois_srtp *tx = session_new(&pol, GALOIS_SRTP_SEND);
        struct galois_srtp *told = session_new(&pol, GALOIS_SRTP_RECEIVE);
        struct galois_srtp *untold = session_new(&pol, GALOIS_SRTP_RECEIVE);
        struct galois_srtp *wrong = session_new(&pol, GALOIS_SRTP_RECEIVE);
        assert_int_equal(galois_srtp_set_roc(tx, ssrc, 7), GALOIS_ERR_OK);
        assert_int_equal(get_roc(tx, ssrc), 7);
        assert_int_equal(galois_srtp_set_roc(told, ssrc, 7), GALOIS_ERR_OK);
        assert_int_equal(galois_srtp_set_roc(wrong, ssrc, 6), GALOIS_ERR_OK);
        struct test_rng rng = {i};
        for (uint16_t seq = 100; seq < 103; seq++) {
            uint8_t plain[64];
            uint8_t prot[PKT_MAX];
            uint8_t out[PKT_MAX];
            size_t out_len = 0;
            size_t len = build_rtp_rng(plain, seq, ssrc, 20, &rng);
            size_t prot_len = protect_ok(tx, false, prot, plain, len, "late joiner");
            expect_err(unprotect(untold, false, out, &out_len, sizeof(out), prot, prot_len),
                       GALOIS_ERR_AUTH, "%s: receiver that does not know ROC 7", suite_label(row));
            expect_err(unprotect(wrong, false, out, &out_len, sizeof(out), prot, prot_len),
                       GALOIS_ERR_AUTH, "%s: receiver told ROC 6", suite_label(row));
            unprotect_expect(told, false, prot, prot_len, plain, len, "receiver told ROC 7");
            assert_int_equal(get_roc(told, ssrc), 7);
        }
        expect_err(galois_srtp_set_roc(told, ssrc, 8), GALOIS_ERR_STATE,
                   "%s: set_roc after authentication", suite_label(row));
        assert_int_equal(get_roc(told, ssrc), 7);
        // The failures did not start the other receivers' streams: set_roc still works there.
        assert_int_equal(galois_srtp_set_roc(wrong, ssrc, 7), GALOIS_ERR_OK);
        galois_srtp_free(tx);
        galois_srtp_free(told);
        galois_srtp_free(untold);
        galois_srtp_free(wrong);
    }
}

// Master key lifetime 100 (RFC 3711 §9.2): the soft-limit event comes when min(2^16, 100/8)
// = 12 packets are left, i.e. with packet 88; packets 1..100 pass, 101 is refused with LIMIT
// and a hard-limit event. SRTCP is counted apart. A second key takes over.
static void lifetime_sender(const struct suite_row *row, bool rtcp)
{
    struct galois_srtp_master_key keys[2];
    struct galois_srtp_policy pol = keys_policy(row, keys, 2);
    keys[0].lifetime = 100;
    struct events ev;
    memset(&ev, 0, sizeof(ev));
    pol.on_event = record_event;
    pol.event_arg = &ev;
    struct galois_srtp *tx = session_new(&pol, GALOIS_SRTP_SEND);
    const uint32_t ssrc = 0x11fe;
    struct test_rng rng = {7};
    uint8_t plain[64];
    uint8_t prot[PKT_MAX];
    size_t out_len = 0;
    for (size_t n = 1; n <= 101; n++) {
        ev.now = n;
        size_t len = rtcp ? build_rtcp(plain, ssrc, 2, &rng)
                          : build_rtp_rng(plain, (uint16_t)n, ssrc, 10, &rng);
        galois_err err =
            rtcp ? galois_srtp_protect_rtcp(tx, prot, &out_len, sizeof(prot), plain, len)
                 : galois_srtp_protect(tx, prot, &out_len, sizeof(prot), plain, len);
        expect_err(err, n <= 100 ? GALOIS_ERR_OK : GALOIS_ERR_LIMIT,
                   "%s %s lifetime 100: packet %zu", suite_label(row), rtcp ? "SRTCP" : "SRTP", n);
    }
    assert_int_equal(count_events(&ev, GALOIS_SRTP_EVENT_KEY_SOFT_LIMIT), 1);
    assert_int_equal(count_events(&ev, GALOIS_SRTP_EVENT_KEY_HARD_LIMIT), 1);
    for (size_t i = 0; i < ev.n; i++) {
        assert_int_equal(ev.ev[i].ssrc, ssrc);
        assert_int_equal(ev.ev[i].key_index, 0);
        assert_int_equal(ev.ev[i].rtcp, rtcp);
        if (ev.ev[i].type == GALOIS_SRTP_EVENT_KEY_SOFT_LIMIT && ev.at[i] != 88) {
            fail_msg("%s: soft-limit event with packet %zu, expected 88 (12 left of 100)",
                     suite_label(row), ev.at[i]);
        }
        if (ev.ev[i].type == GALOIS_SRTP_EVENT_KEY_HARD_LIMIT) {
            assert_true(ev.at[i] == 100 || ev.at[i] == 101);
        }
    }
    uint64_t used[2] = {0, 0};
    assert_int_equal(galois_srtp_key_usage(tx, &used[0], &used[1], 0), GALOIS_ERR_OK);
    assert_int_equal(used[rtcp], 100);
    assert_int_equal(used[!rtcp], 0);
    // The other kind of packet is counted apart and still goes out under key 0.
    size_t len = rtcp ? build_rtp_rng(plain, 1, ssrc, 10, &rng) : build_rtcp(plain, ssrc, 2, &rng);
    protect_ok(tx, !rtcp, prot, plain, len, "other packet kind under a used-up key");
    // Key 1 takes over.
    assert_int_equal(galois_srtp_set_send_key(tx, 1), GALOIS_ERR_OK);
    len = rtcp ? build_rtcp(plain, ssrc, 2, &rng) : build_rtp_rng(plain, 102, ssrc, 10, &rng);
    protect_ok(tx, rtcp, prot, plain, len, "after switching to key 1");
    struct galois_srtp_stats st = get_stats(tx, rtcp, NULL);
    assert_int_equal(st.refused, 1);
    galois_srtp_free(tx);
}

// The receiver counts accepted packets against the lifetime of the key their MKI names.
static void lifetime_receiver(const struct suite_row *row, bool rtcp)
{
    struct galois_srtp_master_key keys[1];
    struct galois_srtp_policy pol = keys_policy(row, keys, 1);
    struct galois_srtp *tx = session_new(&pol, GALOIS_SRTP_SEND);
    keys[0].lifetime = 100;
    struct events ev;
    memset(&ev, 0, sizeof(ev));
    pol.on_event = record_event;
    pol.event_arg = &ev;
    struct galois_srtp *rx = session_new(&pol, GALOIS_SRTP_RECEIVE);
    struct test_rng rng = {8};
    for (size_t n = 1; n <= 101; n++) {
        uint8_t plain[64];
        uint8_t prot[PKT_MAX];
        uint8_t out[PKT_MAX];
        size_t out_len = 0;
        size_t len =
            rtcp ? build_rtcp(plain, 5, 2, &rng) : build_rtp_rng(plain, (uint16_t)n, 5, 10, &rng);
        size_t prot_len = protect_ok(tx, rtcp, prot, plain, len, "lifetime receiver");
        expect_err(unprotect(rx, rtcp, out, &out_len, sizeof(out), prot, prot_len),
                   n <= 100 ? GALOIS_ERR_OK : GALOIS_ERR_LIMIT,
                   "%s receiver lifetime 100: packet %zu", suite_label(row), n);
    }
    assert_int_equal(count_events(&ev, GALOIS_SRTP_EVENT_KEY_HARD_LIMIT), 1);
    assert_int_equal(count_events(&ev, GALOIS_SRTP_EVENT_KEY_SOFT_LIMIT), 1);
    galois_srtp_free(tx);
    galois_srtp_free(rx);
}

static void test_key_lifetime(void **state)
{
    (void)state;
    for (size_t i = 0; i < GALOIS_ARRAY_LEN(some_suites); i++) {
        for (int rtcp = 0; rtcp < 2; rtcp++) {
            lifetime_sender(&suite_rows[some_suites[i]], rtcp);
            lifetime_receiver(&suite_rows[some_suites[i]], rtcp);
        }
    }
}

// ---- key derivation rate ----------------------------------------------------------------

// protect_with_keys_at protects `plain` (packet index or SRTCP index `index`) with a kdr-0
// sender whose session keys are derived here, independently, at r = index >> kdr_log2 with
// galois_srtp_kdf (checked against every published vector in kdf_test) and installed with
// galois_srtp_set_session_keys.
static size_t protect_with_keys_at(const struct suite_row *row,
                                   const struct galois_srtp_master_key *mk, bool rtcp,
                                   uint64_t index, unsigned kdr_log2, uint8_t *out,
                                   const uint8_t *plain, size_t len)
{
    struct galois_srtp_policy pol = base_policy(row->suite, mk, 1);
    struct galois_srtp *tx = session_new(&pol, GALOIS_SRTP_SEND);
    uint64_t r = index >> kdr_log2;
    uint8_t base = rtcp ? 3 : 0;  // RFC 3711 §4.3.2 labels
    uint8_t key[32];
    uint8_t salt[14];
    uint8_t auth[20];
    assert_int_equal(
        galois_srtp_kdf(key, row->key_len, mk->key, row->key_len, mk->salt, row->salt_len, base, r),
        GALOIS_ERR_OK);
    assert_int_equal(galois_srtp_kdf(auth, 20, mk->key, row->key_len, mk->salt, row->salt_len,
                                     (uint8_t)(base + 1), r),
                     GALOIS_ERR_OK);
    assert_int_equal(galois_srtp_kdf(salt, row->salt_len, mk->key, row->key_len, mk->salt,
                                     row->salt_len, (uint8_t)(base + 2), r),
                     GALOIS_ERR_OK);
    assert_int_equal(
        galois_srtp_set_session_keys(tx, 0, rtcp, key, row->key_len, salt, row->salt_len,
                                     row->aead ? NULL : auth, row->aead ? 0 : 20),
        GALOIS_ERR_OK);
    uint32_t ssrc = galois_get_u32(plain + (rtcp ? 4 : 8));
    if (rtcp) {
        assert_int_equal(galois_srtp_set_rtcp_index(tx, ssrc, (uint32_t)index), GALOIS_ERR_OK);
    } else {
        assert_int_equal(galois_srtp_set_roc(tx, ssrc, (uint32_t)(index >> 16)), GALOIS_ERR_OK);
    }
    size_t out_len = protect_ok(tx, rtcp, out, plain, len, "independent keys");
    galois_srtp_free(tx);
    return out_len;
}

// kdr_run sends `count` packets from index `start` with kdr 2^n and checks each against a
// kdr-0 sender (equal while r = 0, different once r > 0), against keys derived independently
// at r (when `check_r`), and that a kdr-2^n receiver decrypts it.
static void kdr_run(const struct suite_row *row, unsigned n, bool rtcp, uint64_t start,
                    size_t count, bool check_r)
{
    struct galois_srtp_master_key key;
    make_key(&key, (uint8_t)(n + 60));
    struct galois_srtp_policy pol = base_policy(row->suite, &key, 1);
    struct galois_srtp *tx0 = session_new(&pol, GALOIS_SRTP_SEND);
    pol.kdr_log2 = n;
    struct pair p = pair_new(&pol);
    const uint32_t ssrc = 0x6b64720a;
    struct galois_srtp *senders[2] = {p.tx, tx0};
    for (size_t s = 0; s < 2; s++) {
        if (rtcp) {
            assert_int_equal(galois_srtp_set_rtcp_index(senders[s], ssrc, (uint32_t)start),
                             GALOIS_ERR_OK);
        } else {
            assert_int_equal(galois_srtp_set_roc(senders[s], ssrc, (uint32_t)(start >> 16)),
                             GALOIS_ERR_OK);
        }
    }
    if (!rtcp) {
        assert_int_equal(galois_srtp_set_roc(p.rx, ssrc, (uint32_t)(start >> 16)), GALOIS_ERR_OK);
    }
    struct test_rng rng = {n};
    for (uint64_t index = start; index < start + count; index++) {
        uint8_t plain[64];
        uint8_t prot[PKT_MAX];
        uint8_t prot0[PKT_MAX];
        uint8_t indep[PKT_MAX];
        size_t len = rtcp ? build_rtcp(plain, ssrc, 4, &rng)
                          : build_rtp_rng(plain, (uint16_t)index, ssrc, 16, &rng);
        char what[128];
        snprintf(what, sizeof(what), "%s %s kdr 2^%u index %llu", suite_label(row),
                 rtcp ? "SRTCP" : "SRTP", n, (unsigned long long)index);
        size_t prot_len = protect_ok(p.tx, rtcp, prot, plain, len, what);
        size_t prot0_len = protect_ok(tx0, rtcp, prot0, plain, len, what);
        assert_int_equal(prot_len, prot0_len);
        bool same = memcmp(prot, prot0, prot_len) == 0;
        if (same != ((index >> n) == 0)) {
            fail_msg("%s: r = %llu, yet the packet is %s the kdr-0 one", what,
                     (unsigned long long)(index >> n), same ? "equal to" : "different from");
        }
        if (check_r) {
            size_t indep_len = protect_with_keys_at(row, &key, rtcp, index, n, indep, plain, len);
            vf_expect_bytes(what, prot, prot_len, indep, indep_len);
        }
        unprotect_expect(p.rx, rtcp, prot, prot_len, plain, len, what);
    }
    galois_srtp_free(tx0);
    pair_free(&p);
}

static void test_kdr(void **state)
{
    (void)state;
    static const size_t kdr_suites[] = {0, 5, 6, 9, 11};
    for (size_t i = 0; i < GALOIS_ARRAY_LEN(kdr_suites); i++) {
        const struct suite_row *row = &suite_rows[kdr_suites[i]];
        for (unsigned n = 1; n <= GALOIS_SRTP_MAX_KDR_LOG2; n++) {
            uint64_t edge = 1ull << n;
            bool check = n <= 2 || n == 16 || n == 17 || n == 24;
            for (int rtcp = 0; rtcp < 2; rtcp++) {
                kdr_run(row, n, rtcp, edge >= 3 ? edge - 3 : 0, 8, check);
            }
        }
        // kdr 4: a new key every 4 packets over 100 packets, each checked.
        kdr_run(row, 2, false, 0, 100, true);
        kdr_run(row, 2, true, 0, 100, true);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mki_wrong),    cmocka_unit_test(test_mki_three_keys),
        cmocka_unit_test(test_roc_wrap),     cmocka_unit_test(test_late_joiner),
        cmocka_unit_test(test_key_lifetime), cmocka_unit_test(test_kdr),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
