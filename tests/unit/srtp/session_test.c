// Session tests through the public API, for every suite: suite descriptions, policy checks,
// long round trips through a ROC wrap (RTP and RTCP, separate buffers and in place), header
// shapes and the per-packet overhead.
#include "session_util.h"

static void test_suite_info(void **state)
{
    (void)state;
    assert_int_equal(NUM_SUITES, GALOIS_SRTP_SUITE_COUNT_ - 1);
    for (size_t i = 0; i < NUM_SUITES; i++) {
        const struct suite_row *row = &suite_rows[i];
        const struct galois_srtp_suite_info *info = galois_srtp_suite_get_info(row->suite);
        if (info == NULL) {
            fail_msg("no info for suite %d", (int)row->suite);
        }
        assert_non_null(info->name);
        if (row->rfc_name != NULL) {
            assert_string_equal(info->name, row->rfc_name);
        }
        assert_int_equal(info->key_len, row->key_len);
        assert_int_equal(info->salt_len, row->salt_len);
        assert_int_equal(info->rtp_tag_len, row->rtp_tag_len);
        assert_int_equal(info->rtcp_tag_len, row->rtcp_tag_len);
        assert_int_equal(info->aead, row->aead);
        assert_int_equal(info->null_cipher, row->null_cipher);
        // The name maps back, read to its length only (no NUL needed).
        char padded[64];
        snprintf(padded, sizeof(padded), "%sXYZ", info->name);
        assert_int_equal(galois_srtp_suite_from_name(padded, strlen(info->name)), row->suite);
        for (size_t j = 0; j < i; j++) {
            assert_string_not_equal(info->name,
                                    galois_srtp_suite_get_info(suite_rows[j].suite)->name);
        }
    }
    assert_null(galois_srtp_suite_get_info(GALOIS_SRTP_SUITE_NONE));
    assert_null(galois_srtp_suite_get_info(GALOIS_SRTP_SUITE_COUNT_));
    assert_null(galois_srtp_suite_get_info((enum galois_srtp_suite)1000));
    static const char *const unknown[] = {
        "",
        "AES_CM_128_HMAC_SHA1_8",
        "aes_cm_128_hmac_sha1_80",
        "AES_CM_128_HMAC_SHA1_80 ",
        " AES_CM_128_HMAC_SHA1_80",
        "F8_128_HMAC_SHA1_80",
        "SRTP_AEAD_AES_128_GCM",
    };
    for (size_t i = 0; i < GALOIS_ARRAY_LEN(unknown); i++) {
        assert_int_equal(galois_srtp_suite_from_name(unknown[i], strlen(unknown[i])),
                         GALOIS_SRTP_SUITE_NONE);
    }
    assert_int_equal(galois_srtp_suite_from_name("AES_CM_128_HMAC_SHA1_80", 22),
                     GALOIS_SRTP_SUITE_NONE);  // a prefix is not the name
}

// Policies galois_srtp_new must refuse, each one change from a good policy.
enum change {
    SUITE_NONE,
    SUITE_PAST_END,
    NO_KEYS,
    NULL_KEYS,
    TOO_MANY_KEYS,
    RTP_WINDOW_63,
    RTP_WINDOW_32769,
    RTCP_WINDOW_63,
    RTCP_WINDOW_32769,
    KDR_25,
    DUP_MKI,
    MKI_TOO_LONG,
    NULL_SUITE_NOT_ALLOWED,
    UNAUTH_GCM,
    UNAUTH_GCM_8,
    UNAUTH_NULL,
    BAD_DIRECTION,
    // accepted:
    RTP_WINDOW_64,
    RTP_WINDOW_32768,
    RTCP_WINDOW_64,
    RTCP_WINDOW_32768,
    KDR_24,
    KDR_1,
    SIXTEEN_KEYS,
    MKI_128,
    NULL_SUITE_ALLOWED,
    UNAUTH_CM,
};

static const struct {
    enum change change;
    galois_err want;
    const char *name;
} policy_cases[] = {
    {SUITE_NONE, GALOIS_ERR_INVALID, "suite NONE"},
    {SUITE_PAST_END, GALOIS_ERR_INVALID, "suite past the end"},
    {NO_KEYS, GALOIS_ERR_INVALID, "num_keys 0"},
    {NULL_KEYS, GALOIS_ERR_INVALID, "keys NULL"},
    {TOO_MANY_KEYS, GALOIS_ERR_INVALID, "17 keys"},
    {RTP_WINDOW_63, GALOIS_ERR_INVALID, "rtp_window 63"},
    {RTP_WINDOW_32769, GALOIS_ERR_INVALID, "rtp_window 32769"},
    {RTCP_WINDOW_63, GALOIS_ERR_INVALID, "rtcp_window 63"},
    {RTCP_WINDOW_32769, GALOIS_ERR_INVALID, "rtcp_window 32769"},
    {KDR_25, GALOIS_ERR_INVALID, "kdr_log2 25"},
    {DUP_MKI, GALOIS_ERR_INVALID, "duplicate MKI"},
    {MKI_TOO_LONG, GALOIS_ERR_INVALID, "mki_len 129"},
    {NULL_SUITE_NOT_ALLOWED, GALOIS_ERR_POLICY, "NULL suite without allow_null_cipher"},
    {UNAUTH_GCM, GALOIS_ERR_POLICY, "unauthenticated_srtp with AEAD_AES_128_GCM"},
    {UNAUTH_GCM_8, GALOIS_ERR_POLICY, "unauthenticated_srtp with AEAD_AES_256_GCM_8"},
    {UNAUTH_NULL, GALOIS_ERR_POLICY, "unauthenticated_srtp with NULL_HMAC_SHA1_80"},
    {BAD_DIRECTION, GALOIS_ERR_INVALID, "direction 0"},
    {RTP_WINDOW_64, GALOIS_ERR_OK, "rtp_window 64"},
    {RTP_WINDOW_32768, GALOIS_ERR_OK, "rtp_window 32768"},
    {RTCP_WINDOW_64, GALOIS_ERR_OK, "rtcp_window 64"},
    {RTCP_WINDOW_32768, GALOIS_ERR_OK, "rtcp_window 32768"},
    {KDR_24, GALOIS_ERR_OK, "kdr_log2 24"},
    {KDR_1, GALOIS_ERR_OK, "kdr_log2 1"},
    {SIXTEEN_KEYS, GALOIS_ERR_OK, "16 keys with distinct MKIs"},
    {MKI_128, GALOIS_ERR_OK, "mki_len 128"},
    {NULL_SUITE_ALLOWED, GALOIS_ERR_OK, "NULL suite with allow_null_cipher"},
    {UNAUTH_CM, GALOIS_ERR_OK, "unauthenticated_srtp with AES-CM"},
};

static void test_policy_checks(void **state)
{
    (void)state;
    struct galois_srtp_master_key keys[GALOIS_SRTP_MAX_KEYS + 1];
    for (size_t i = 0; i < GALOIS_ARRAY_LEN(keys); i++) {
        make_key(&keys[i], (uint8_t)(i * 3));  // MKIs differ in their first octet
    }
    for (size_t i = 0; i < GALOIS_ARRAY_LEN(policy_cases); i++) {
        for (int dir = GALOIS_SRTP_SEND; dir <= GALOIS_SRTP_RECEIVE; dir++) {
            struct galois_srtp_policy p = base_policy(GALOIS_SRTP_AES_CM_128_HMAC_SHA1_80, keys, 1);
            p.allow_null_cipher = false;
            p.direction = (enum galois_srtp_direction)dir;
            switch (policy_cases[i].change) {
                case SUITE_NONE:
                    p.suite = GALOIS_SRTP_SUITE_NONE;
                    break;
                case SUITE_PAST_END:
                    p.suite = GALOIS_SRTP_SUITE_COUNT_;
                    break;
                case NO_KEYS:
                    p.num_keys = 0;
                    break;
                case NULL_KEYS:
                    p.keys = NULL;
                    break;
                case TOO_MANY_KEYS:
                    p.num_keys = GALOIS_SRTP_MAX_KEYS + 1;
                    p.mki_len = 1;
                    break;
                case RTP_WINDOW_63:
                    p.rtp_window = 63;
                    break;
                case RTP_WINDOW_32769:
                    p.rtp_window = 32769;
                    break;
                case RTCP_WINDOW_63:
                    p.rtcp_window = 63;
                    break;
                case RTCP_WINDOW_32769:
                    p.rtcp_window = 32769;
                    break;
                case KDR_25:
                    p.kdr_log2 = 25;
                    break;
                case DUP_MKI:
                    p.num_keys = 3;
                    p.mki_len = 4;
                    memcpy(keys[2].mki, keys[0].mki, 4);
                    break;
                case MKI_TOO_LONG:
                    p.mki_len = GALOIS_SRTP_MAX_MKI_LEN + 1;
                    break;
                case NULL_SUITE_NOT_ALLOWED:
                    p.suite = GALOIS_SRTP_NULL_HMAC_SHA1_80;
                    break;
                case UNAUTH_GCM:
                    p.suite = GALOIS_SRTP_AEAD_AES_128_GCM;
                    p.unauthenticated_srtp = true;
                    break;
                case UNAUTH_GCM_8:
                    p.suite = GALOIS_SRTP_AEAD_AES_256_GCM_8;
                    p.unauthenticated_srtp = true;
                    break;
                case UNAUTH_NULL:
                    p.suite = GALOIS_SRTP_NULL_HMAC_SHA1_80;
                    p.allow_null_cipher = true;
                    p.unauthenticated_srtp = true;
                    break;
                case BAD_DIRECTION:
                    p.direction = (enum galois_srtp_direction)0;
                    break;
                case RTP_WINDOW_64:
                    p.rtp_window = 64;
                    break;
                case RTP_WINDOW_32768:
                    p.rtp_window = 32768;
                    break;
                case RTCP_WINDOW_64:
                    p.rtcp_window = 64;
                    break;
                case RTCP_WINDOW_32768:
                    p.rtcp_window = 32768;
                    break;
                case KDR_24:
                    p.kdr_log2 = 24;
                    break;
                case KDR_1:
                    p.kdr_log2 = 1;
                    break;
                case SIXTEEN_KEYS:
                    p.num_keys = GALOIS_SRTP_MAX_KEYS;
                    p.mki_len = 1;
                    break;
                case MKI_128:
                    p.mki_len = GALOIS_SRTP_MAX_MKI_LEN;
                    break;
                case NULL_SUITE_ALLOWED:
                    p.suite = GALOIS_SRTP_NULL_HMAC_SHA1_32;
                    p.allow_null_cipher = true;
                    break;
                case UNAUTH_CM:
                    p.suite = GALOIS_SRTP_AES_256_CM_HMAC_SHA1_32;
                    p.unauthenticated_srtp = true;
                    break;
                default:
                    fail();
            }
            struct galois_srtp *s = (struct galois_srtp *)(uintptr_t)1;
            galois_err err = galois_srtp_new(&s, &p);
            expect_err(err, policy_cases[i].want, "galois_srtp_new with %s", policy_cases[i].name);
            if (err != GALOIS_ERR_OK) {
                assert_null(s);
            }
            galois_srtp_free(s);
            make_key(&keys[2], 6);  // undo DUP_MKI
        }
    }
    galois_srtp_free(NULL);
}

// One long exchange per suite, buffer mode and packet kind: two streams, one starting at
// SEQ 65000 so it wraps (ROC 0 -> 1) and one at 0, random payload sizes 0..1400 (RTCP: 0..350
// words). Checks lengths, the clear header, that the payload is encrypted (except NULL), the
// SRTCP index counting from 0 (RFC 3711 §3.4) with the right E flag, and the round trip.
enum { ROUND_TRIP_PACKETS = 2000 };

static void round_trip(const struct suite_row *row, bool rtcp, bool in_place, struct test_rng *rng)
{
    struct galois_srtp_master_key key;
    make_key(&key, (uint8_t)row->suite);
    struct galois_srtp_policy pol = base_policy(row->suite, &key, 1);
    struct pair p = pair_new(&pol);
    const uint32_t ssrcs[2] = {0x11223344, 0x55667788};
    uint16_t seq[2] = {65000, 0};
    uint32_t next_index[2] = {0, 0};
    size_t overhead = rtcp ? 4 + row->rtcp_tag_len : row->rtp_tag_len;
    assert_int_equal(galois_srtp_overhead(p.tx, rtcp), overhead);
    assert_int_equal(galois_srtp_overhead(p.rx, rtcp), overhead);
    char what[160];
    for (size_t n = 0; n < ROUND_TRIP_PACKETS; n++) {
        size_t s = n % 3 == 2 ? 1 : 0;
        uint8_t plain[PKT_MAX];
        uint8_t buf[PKT_MAX];
        uint8_t out[PKT_MAX];
        size_t len = rtcp ? build_rtcp(plain, ssrcs[s], test_rng_below(rng, 351), rng)
                          : build_rtp_rng(plain, seq[s], ssrcs[s], test_rng_below(rng, 1401), rng);
        snprintf(what, sizeof(what), "%s %s %s packet %zu", suite_label(row), rtcp ? "RTCP" : "RTP",
                 in_place ? "in place" : "separate", n);
        memcpy(buf, plain, len);
        uint8_t *prot = in_place ? buf : out;
        size_t prot_len = protect_ok(p.tx, rtcp, prot, buf, len, what);
        assert_int_equal(prot_len, len + overhead);
        size_t hdr = rtcp ? RTCP_HDR : RTP_HDR;
        vf_expect_bytes(what, prot, hdr, plain, hdr);
        if (!row->null_cipher && len - hdr >= 8) {
            assert_memory_not_equal(prot + hdr, plain + hdr, len - hdr);
        } else if (row->null_cipher) {
            vf_expect_bytes(what, prot + hdr, len - hdr, plain + hdr, len - hdr);
        }
        if (rtcp) {
            uint32_t word = srtcp_word(prot, len, row);
            uint32_t e = row->null_cipher ? 0 : 0x80000000u;
            if (word != (e | next_index[s])) {
                fail_msg("%s: SRTCP word %08x, expected %08x", what, word, e | next_index[s]);
            }
            next_index[s]++;
        }
        uint8_t *dst = in_place ? prot : out;
        size_t out_len = 0;
        expect_err(unprotect(p.rx, rtcp, dst, &out_len, PKT_MAX, prot, prot_len), GALOIS_ERR_OK,
                   "%s: unprotect", what);
        vf_expect_bytes(what, dst, out_len, plain, len);
        seq[s]++;
    }
    if (!rtcp) {
        assert_int_equal(get_roc(p.tx, ssrcs[0]), 1);
        assert_int_equal(get_roc(p.rx, ssrcs[0]), 1);
        assert_int_equal(get_roc(p.tx, ssrcs[1]), 0);
        assert_int_equal(get_roc(p.rx, ssrcs[1]), 0);
    }
    struct galois_srtp_stats st = get_stats(p.rx, rtcp, NULL);
    assert_int_equal(st.packets, ROUND_TRIP_PACKETS);
    assert_int_equal(st.ok, ROUND_TRIP_PACKETS);
    st = get_stats(p.tx, rtcp, &ssrcs[1]);
    assert_int_equal(st.ok, ROUND_TRIP_PACKETS / 3);
    uint64_t used_rtp = 0;
    uint64_t used_rtcp = 0;
    assert_int_equal(galois_srtp_key_usage(p.rx, &used_rtp, &used_rtcp, 0), GALOIS_ERR_OK);
    assert_int_equal(rtcp ? used_rtcp : used_rtp, ROUND_TRIP_PACKETS);
    assert_int_equal(rtcp ? used_rtp : used_rtcp, 0);
    pair_free(&p);
}

static void test_round_trip_all_suites(void **state)
{
    (void)state;
    struct test_rng rng = {0x5eed};
    for (size_t i = 0; i < NUM_SUITES; i++) {
        for (int rtcp = 0; rtcp < 2; rtcp++) {
            for (int in_place = 0; in_place < 2; in_place++) {
                round_trip(&suite_rows[i], rtcp, in_place, &rng);
            }
        }
    }
}

// Header shapes (RFC 3550 §5.1, §5.3.1): no payload, CSRCs, a header extension, both. The
// whole header stays in the clear and only the payload is encrypted.
static void test_header_shapes(void **state)
{
    (void)state;
    static const struct {
        uint8_t cc;
        size_t ext_words;  // 0 with has_ext: an empty extension
        bool has_ext;
        size_t payload;
    } shapes[] = {
        {0, 0, false, 0}, {0, 0, false, 1}, {3, 0, false, 20}, {15, 0, false, 0},
        {0, 2, true, 20}, {0, 0, true, 17}, {2, 1, true, 0},   {15, 255, true, 160},
    };
    struct test_rng rng = {42};
    for (size_t i = 0; i < NUM_SUITES; i++) {
        const struct suite_row *row = &suite_rows[i];
        struct galois_srtp_master_key key;
        make_key(&key, 9);
        struct galois_srtp_policy pol = base_policy(row->suite, &key, 1);
        struct pair p = pair_new(&pol);
        for (size_t k = 0; k < GALOIS_ARRAY_LEN(shapes); k++) {
            uint8_t plain[PKT_MAX];
            uint8_t prot[PKT_MAX];
            size_t hdr = RTP_HDR + 4u * shapes[k].cc;
            if (shapes[k].has_ext) {
                hdr += 4 + 4 * shapes[k].ext_words;
            }
            size_t len = hdr + shapes[k].payload;
            test_rng_fill(&rng, plain, len);
            build_rtp(plain, (uint16_t)(100 + k), 1, 0xcafe0000u + (uint32_t)k, NULL, 0);
            plain[0] = (uint8_t)(0x80 | (shapes[k].has_ext ? 0x10 : 0) | shapes[k].cc);
            if (shapes[k].has_ext) {
                galois_put_u16(plain + RTP_HDR + 4u * shapes[k].cc + 2,
                               (uint16_t)shapes[k].ext_words);
            }
            char what[96];
            snprintf(what, sizeof(what), "%s header shape %zu", suite_label(row), k);
            size_t prot_len = protect_ok(p.tx, false, prot, plain, len, what);
            assert_int_equal(prot_len, len + row->rtp_tag_len);
            vf_expect_bytes(what, prot, hdr, plain, hdr);
            if (!row->null_cipher && shapes[k].payload >= 8) {
                assert_memory_not_equal(prot + hdr, plain + hdr, shapes[k].payload);
            }
            unprotect_expect(p.rx, false, prot, prot_len, plain, len, what);
        }
        // The shortest RTCP packet: header and SSRC only.
        uint8_t rtcp[RTCP_HDR];
        uint8_t prot[PKT_MAX];
        build_rtcp(rtcp, 0xabcdef01, 0, &rng);
        size_t prot_len = protect_ok(p.tx, true, prot, rtcp, sizeof(rtcp), suite_label(row));
        assert_int_equal(prot_len, RTCP_HDR + 4 + row->rtcp_tag_len);
        unprotect_expect(p.rx, true, prot, prot_len, rtcp, sizeof(rtcp), suite_label(row));
        pair_free(&p);
    }
}

// galois_srtp_overhead for every suite with and without an MKI, and without the SRTP tag.
static void test_overhead(void **state)
{
    (void)state;
    struct galois_srtp_master_key key;
    make_key(&key, 1);
    static const size_t mki_lens[] = {0, 1, 4, 128};
    for (size_t i = 0; i < NUM_SUITES; i++) {
        const struct suite_row *row = &suite_rows[i];
        for (size_t m = 0; m < GALOIS_ARRAY_LEN(mki_lens); m++) {
            for (int unauth = 0; unauth < 2; unauth++) {
                if (unauth && (row->aead || row->null_cipher)) {
                    continue;  // refused by galois_srtp_new: nothing would protect the packet
                }
                struct galois_srtp_policy pol = base_policy(row->suite, &key, 1);
                pol.mki_len = mki_lens[m];
                pol.unauthenticated_srtp = unauth;
                struct pair p = pair_new(&pol);
                size_t rtp = mki_lens[m] + (unauth ? 0 : row->rtp_tag_len);
                size_t rtcp = 4 + mki_lens[m] + row->rtcp_tag_len;  // SRTCP is always authenticated
                assert_int_equal(galois_srtp_overhead(p.tx, false), rtp);
                assert_int_equal(galois_srtp_overhead(p.rx, false), rtp);
                assert_int_equal(galois_srtp_overhead(p.tx, true), rtcp);
                assert_int_equal(galois_srtp_overhead(p.rx, true), rtcp);
                assert_true(rtp <= GALOIS_SRTP_MAX_OVERHEAD && rtcp <= GALOIS_SRTP_MAX_OVERHEAD);
                // And the packets really grow by that much.
                uint8_t plain[64];
                uint8_t prot[PKT_MAX];
                size_t len = build_rtp(plain, 7, 7, 7, plain, 0) + 20;
                memset(plain + RTP_HDR, 0x33, 20);
                assert_int_equal(protect_ok(p.tx, false, prot, plain, len, "overhead"), len + rtp);
                len = build_rtcp(plain, 7, 3, &(struct test_rng){1});
                assert_int_equal(protect_ok(p.tx, true, prot, plain, len, "overhead"), len + rtcp);
                pair_free(&p);
            }
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_suite_info),
        cmocka_unit_test(test_policy_checks),
        cmocka_unit_test(test_round_trip_all_suites),
        cmocka_unit_test(test_header_shapes),
        cmocka_unit_test(test_overhead),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
