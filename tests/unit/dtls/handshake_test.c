// DTLS-SRTP handshakes between two galois endpoints in memory: each profile negotiated when the
// policies say so, both sides deriving the same keys, SRTP protected by one side's engine and
// unprotected by the other's, the server's order deciding, lost datagrams recovered by the
// retransmission timer, a ClientHello split over two datagrams and duplicated, garbage counted
// and dropped, close_notify. The refusals (fingerprints, profiles, no use_srtp) are in
// refuse_test.c.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
// cmocka.h needs the headers above.
#include <cmocka.h>
#include <galois/srtp.h>

#include "dtls/dtls_util.h"

// srtp_one_way protects an RTP packet with `from`'s sending keys and unprotects it with `to`'s
// receiving keys, checking the payload survives and a changed byte is refused.
static void srtp_one_way(struct galois_dtls *from, struct galois_dtls *to)
{
    struct galois_dtls_keys fk;
    struct galois_dtls_keys tk;
    struct galois_srtp_policy send;
    struct galois_srtp_policy recv;
    assert_int_equal(galois_dtls_keys(from, &fk, &send, NULL), GALOIS_ERR_OK);
    assert_int_equal(galois_dtls_keys(to, &tk, NULL, &recv), GALOIS_ERR_OK);
    struct galois_srtp *tx = NULL;
    struct galois_srtp *rx = NULL;
    assert_int_equal(galois_srtp_new(&tx, &send), GALOIS_ERR_OK);
    assert_int_equal(galois_srtp_new(&rx, &recv), GALOIS_ERR_OK);
    galois_secure_zero(&fk, sizeof(fk));
    galois_secure_zero(&tk, sizeof(tk));

    uint8_t rtp[12 + 160] = {0x80, 0x00, 0x12, 0x34, 0, 0, 0, 160, 0xca, 0xfe, 0xba, 0xbe};
    for (size_t i = 12; i < sizeof(rtp); i++) {
        rtp[i] = (uint8_t)i;
    }
    uint8_t wire[sizeof(rtp) + GALOIS_SRTP_MAX_OVERHEAD];
    uint8_t back[sizeof(wire)];
    size_t wire_len = 0;
    size_t back_len = 0;
    assert_int_equal(galois_srtp_protect(tx, wire, &wire_len, sizeof(wire), rtp, sizeof(rtp)),
                     GALOIS_ERR_OK);
    assert_int_equal(galois_srtp_unprotect(rx, back, &back_len, sizeof(back), wire, wire_len),
                     GALOIS_ERR_OK);
    assert_int_equal(back_len, sizeof(rtp));
    assert_memory_equal(back, rtp, sizeof(rtp));
    rtp[3]++;  // the next packet, with one payload bit changed on the wire
    assert_int_equal(galois_srtp_protect(tx, wire, &wire_len, sizeof(wire), rtp, sizeof(rtp)),
                     GALOIS_ERR_OK);
    wire[20] ^= 1;
    assert_int_equal(galois_srtp_unprotect(rx, back, &back_len, sizeof(back), wire, wire_len),
                     GALOIS_ERR_AUTH);
    galois_srtp_free(tx);
    galois_srtp_free(rx);
}

// check_keys: both sides agree on the suite and each side's send key is the other's receive key.
static void check_keys(struct du_pair *p, enum galois_srtp_suite suite)
{
    struct galois_dtls_keys ck;
    struct galois_dtls_keys sk;
    assert_int_equal(galois_dtls_keys(p->client, &ck, NULL, NULL), GALOIS_ERR_OK);
    assert_int_equal(galois_dtls_keys(p->server, &sk, NULL, NULL), GALOIS_ERR_OK);
    assert_int_equal(ck.suite, suite);
    assert_int_equal(sk.suite, suite);
    const struct galois_srtp_suite_info *si = galois_srtp_suite_get_info(suite);
    assert_non_null(si);
    assert_memory_equal(ck.send.key, sk.recv.key, si->key_len);
    assert_memory_equal(ck.send.salt, sk.recv.salt, si->salt_len);
    assert_memory_equal(ck.recv.key, sk.send.key, si->key_len);
    assert_memory_equal(ck.recv.salt, sk.send.salt, si->salt_len);
    assert_memory_not_equal(ck.send.key, ck.recv.key, si->key_len);
    galois_secure_zero(&ck, sizeof(ck));
    galois_secure_zero(&sk, sizeof(sk));
    srtp_one_way(p->client, p->server);
    srtp_one_way(p->server, p->client);
}

static void assert_connected(struct du_pair *p)
{
    if (galois_dtls_state(p->client) != GALOIS_DTLS_CONNECTED ||
        galois_dtls_state(p->server) != GALOIS_DTLS_CONNECTED) {
        fail_msg("client %s (%s), server %s (%s)",
                 galois_dtls_state_name(galois_dtls_state(p->client)), galois_dtls_error(p->client),
                 galois_dtls_state_name(galois_dtls_state(p->server)),
                 galois_dtls_error(p->server));
    }
}

// The default policy on both sides: AEAD_AES_256_GCM, DTLS 1.2, what each side reports.
static void test_default(void **state)
{
    (void)state;
    struct galois_dtls_policy pol;
    du_policy(&pol, NULL);
    struct du_pair p;
    du_open(&p, &pol, &pol);
    assert_int_equal(galois_dtls_state(p.client), GALOIS_DTLS_HANDSHAKING);
    struct galois_dtls_keys k;
    assert_int_equal(galois_dtls_keys(p.client, &k, NULL, NULL), GALOIS_ERR_STATE);
    struct galois_dtls_info ci;
    assert_int_equal(galois_dtls_get_info(p.client, &ci), GALOIS_ERR_STATE);
    du_run(&p);
    assert_connected(&p);
    assert_string_equal(galois_dtls_error(p.client), "");

    struct galois_dtls_info si;
    assert_int_equal(galois_dtls_get_info(p.client, &ci), GALOIS_ERR_OK);
    assert_int_equal(galois_dtls_get_info(p.server, &si), GALOIS_ERR_OK);
    assert_string_equal(ci.version, "DTLSv1.2");
    assert_string_equal(ci.srtp_profile, "SRTP_AEAD_AES_256_GCM");
    assert_int_equal(ci.suite, GALOIS_SRTP_AEAD_AES_256_GCM);
    assert_string_equal(si.srtp_profile, ci.srtp_profile);
    assert_string_equal(si.cipher, ci.cipher);
    assert_non_null(strstr(ci.cipher, "ECDHE-ECDSA-"));
    assert_int_equal(ci.role, GALOIS_DTLS_CLIENT);
    assert_int_equal(si.role, GALOIS_DTLS_SERVER);
    char want[GALOIS_DTLS_MAX_FINGERPRINT_TEXT];
    struct galois_dtls_fingerprint sfp = du_fp(p.scert);
    assert_int_equal(galois_dtls_fingerprint_text(want, sizeof(want), &sfp), GALOIS_ERR_OK);
    assert_string_equal(ci.peer_fingerprint, want);

    char line[512];
    assert_int_equal(galois_dtls_info_text(line, sizeof(line), &ci), GALOIS_ERR_OK);
    du_contains(line, "DTLSv1.2 ECDHE-ECDSA-");
    du_contains(line, "srtp SRTP_AEAD_AES_256_GCM (AEAD_AES_256_GCM)");
    du_contains(line, "we are client");
    du_contains(line, want);
    assert_int_equal(galois_dtls_info_text(line, 20, &ci), GALOIS_ERR_BUFFER);
    assert_string_equal(line, "");

    check_keys(&p, GALOIS_SRTP_AEAD_AES_256_GCM);
    struct galois_dtls_stats st;
    galois_dtls_get_stats(p.client, &st);
    assert_true(st.datagrams_out >= 2);
    assert_true(st.datagrams_in >= 2);
    assert_int_equal(st.dropped, 0);
    assert_int_equal(galois_dtls_timeout_ms(p.client), -1);
    du_close(&p);
}

// Each profile, when both policies name only it; CM_32 only because it is named.
static void test_each_profile(void **state)
{
    (void)state;
    static const struct {
        const char *profile;
        enum galois_srtp_suite suite;
    } cases[] = {
        {"SRTP_AEAD_AES_256_GCM", GALOIS_SRTP_AEAD_AES_256_GCM},
        {"SRTP_AEAD_AES_128_GCM", GALOIS_SRTP_AEAD_AES_128_GCM},
        {"SRTP_AES128_CM_SHA1_80", GALOIS_SRTP_AES_CM_128_HMAC_SHA1_80},
        {"SRTP_AES128_CM_SHA1_32", GALOIS_SRTP_AES_CM_128_HMAC_SHA1_32},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct galois_dtls_policy pol;
        du_policy(&pol, cases[i].profile);
        struct du_pair p;
        du_open(&p, &pol, &pol);
        du_run(&p);
        assert_connected(&p);
        struct galois_dtls_info ci;
        assert_int_equal(galois_dtls_get_info(p.client, &ci), GALOIS_ERR_OK);
        assert_string_equal(ci.srtp_profile, cases[i].profile);
        check_keys(&p, cases[i].suite);
        du_close(&p);
    }
}

// The server picks by its own order; the client's order does not matter.
static void test_server_order(void **state)
{
    (void)state;
    static const struct {
        const char *client;
        const char *server;
        const char *want;
    } cases[] = {
        {"SRTP_AES128_CM_SHA1_80:SRTP_AEAD_AES_128_GCM:SRTP_AEAD_AES_256_GCM", NULL,
         "SRTP_AEAD_AES_256_GCM"},  // Chromium's order against our default
        {"SRTP_AES128_CM_SHA1_80:SRTP_AEAD_AES_128_GCM", NULL, "SRTP_AEAD_AES_128_GCM"},
        {NULL, "SRTP_AES128_CM_SHA1_80:SRTP_AEAD_AES_256_GCM", "SRTP_AES128_CM_SHA1_80"},
        {"SRTP_AES128_CM_SHA1_32:SRTP_AES128_CM_SHA1_80",
         "SRTP_AES128_CM_SHA1_32:SRTP_AES128_CM_SHA1_80", "SRTP_AES128_CM_SHA1_32"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct galois_dtls_policy cp;
        struct galois_dtls_policy sp;
        du_policy(&cp, cases[i].client);
        du_policy(&sp, cases[i].server);
        struct du_pair p;
        du_open(&p, &cp, &sp);
        du_run(&p);
        assert_connected(&p);
        struct galois_dtls_info si;
        assert_int_equal(galois_dtls_get_info(p.server, &si), GALOIS_ERR_OK);
        assert_string_equal(si.srtp_profile, cases[i].want);
        du_close(&p);
    }
}

// drop_first_of drops the first datagram of one direction (state: 0 client, 1 server).
static void drop_first_of(struct du_pair *p, bool from_client, size_t n, const uint8_t *d,
                          size_t len)
{
    bool target = p->state == 0 ? from_client : !from_client;
    if (target && n == 0) {
        p->dropped++;
        return;
    }
    (void)du_deliver(p, from_client, d, len);
}

// drop_server_last drops the server's ChangeCipherSpec + Finished (its last flight) once.
static void drop_server_last(struct du_pair *p, bool from_client, size_t n, const uint8_t *d,
                             size_t len)
{
    (void)n;
    if (!from_client && p->dropped == 0 && galois_dtls_state(p->server) == GALOIS_DTLS_CONNECTED) {
        p->dropped++;
        return;
    }
    (void)du_deliver(p, from_client, d, len);
}

// Lost datagrams: the ClientHello, the server's first flight, the server's last flight.
static void test_retransmit(void **state)
{
    (void)state;
    struct galois_dtls_policy pol;
    du_policy(&pol, NULL);
    for (int which = 0; which < 3; which++) {
        struct du_pair p;
        du_open(&p, &pol, &pol);
        p.filter = which < 2 ? drop_first_of : drop_server_last;
        p.state = which;
        if (which == 0) {
            int64_t t = galois_dtls_timeout_ms(p.client);
            assert_true(t >= 0 && t <= 20);
        }
        du_run(&p);
        assert_connected(&p);
        assert_true(p.dropped >= 1);
        // A lost ClientHello is the client's to resend (the server has no timer yet). Later,
        // whichever timer runs out first resends: on a slow (sanitizer) build the server's
        // may run out while it reads the client's flight, and its resent first flight is then
        // the datagram this filter drops.
        struct galois_dtls_stats cs;
        struct galois_dtls_stats ss;
        galois_dtls_get_stats(p.client, &cs);
        galois_dtls_get_stats(p.server, &ss);
        if (which > 0 ? cs.retransmits + ss.retransmits < 1 : cs.retransmits < 1) {
            fail_msg("case %d: client resent %llu, server %llu, dropped %zu", which,
                     (unsigned long long)cs.retransmits, (unsigned long long)ss.retransmits,
                     p.dropped);
        }
        check_keys(&p, GALOIS_SRTP_AEAD_AES_256_GCM);
        du_close(&p);
    }
}

// A handshake that never gets an answer fails after the timer ran out 12 times.
static void test_timeout_gives_up(void **state)
{
    (void)state;
    struct galois_dtls_policy pol;
    du_policy(&pol, NULL);
    pol.initial_timeout_ms = 10;
    struct du_pair p;
    du_open(&p, &pol, &pol);
    uint8_t buf[DU_MAX_DGRAM];
    size_t len = 0;
    int rounds = 0;
    while (galois_dtls_state(p.client) == GALOIS_DTLS_HANDSHAKING && rounds++ < 40) {
        do {
            assert_int_equal(galois_dtls_output(p.client, buf, &len, sizeof(buf)), GALOIS_ERR_OK);
        } while (len > 0);
        int64_t t = galois_dtls_timeout_ms(p.client);
        assert_true(t >= 0);
        du_sleep_ms(t > 100 ? 100 : t + 1);  // the timer may have grown to 60 s: fast-forward
        if (t > 100) {
            break;
        }
        galois_err err = galois_dtls_on_timeout(p.client);
        assert_true(err == GALOIS_ERR_OK || err == GALOIS_ERR_IO);
    }
    // Doubling from 10 ms reaches 12 timeouts after about 40 s, too long for a unit test; the
    // timer has grown to over 100 ms here, and still no failure before the count ran out.
    struct galois_dtls_stats st;
    galois_dtls_get_stats(p.client, &st);
    assert_true(st.retransmits >= 3);
    assert_int_equal(galois_dtls_state(p.client), GALOIS_DTLS_HANDSHAKING);
    du_close(&p);
}

// bump_seq adds `add` to the 48-bit sequence number of every epoch-0 record in `d`.
static void bump_seq(uint8_t *d, size_t len, uint64_t add)
{
    size_t off = 0;
    while (off + 13 <= len) {
        uint16_t epoch = (uint16_t)(d[off + 3] << 8 | d[off + 4]);
        size_t rlen = (size_t)(d[off + 11] << 8 | d[off + 12]);
        if (epoch == 0) {
            uint64_t seq = 0;
            for (int i = 0; i < 6; i++) {
                seq = seq << 8 | d[off + 5 + (size_t)i];
            }
            seq += add;
            for (int i = 5; i >= 0; i--) {
                d[off + 5 + (size_t)i] = (uint8_t)seq;
                seq >>= 8;
            }
        }
        off += 13 + rlen;
    }
}

// split_hello sends the client's first datagram (one record holding the whole ClientHello) as
// two datagrams, each one record with a fragment of it (RFC 6347 §4.2.3), as Chromium's large
// ClientHello arrives, and the second one twice. The client's later epoch-0 records are
// renumbered past the extra record so the server's replay window keeps them.
static void split_hello(struct du_pair *p, bool from_client, size_t n, const uint8_t *d, size_t len)
{
    if (!from_client) {
        (void)du_deliver(p, from_client, d, len);
        return;
    }
    uint8_t copy[DU_MAX_DGRAM];
    memcpy(copy, d, len);
    if (n > 0 || p->state == 1) {
        bump_seq(copy, len, 1);
        (void)du_deliver(p, from_client, copy, len);
        return;
    }
    // record header 13 bytes, handshake header 12 bytes, then the body
    assert_true(len > 25 + 40);
    assert_int_equal(copy[0], 22);
    assert_int_equal(copy[13], 1);  // client_hello
    size_t body = len - 25;
    size_t first = body / 2;
    size_t second = body - first;
    uint8_t a[DU_MAX_DGRAM];
    uint8_t b[DU_MAX_DGRAM];
    memcpy(a, copy, 25 + first);
    a[11] = (uint8_t)((12 + first) >> 8);
    a[12] = (uint8_t)(12 + first);
    a[22] = (uint8_t)(first >> 16);  // fragment_length
    a[23] = (uint8_t)(first >> 8);
    a[24] = (uint8_t)first;
    memcpy(b, copy, 25);
    memcpy(b + 25, copy + 25 + first, second);
    b[10] = (uint8_t)(b[10] + 1);  // the next record number
    b[11] = (uint8_t)((12 + second) >> 8);
    b[12] = (uint8_t)(12 + second);
    b[19] = (uint8_t)(first >> 16);  // fragment_offset
    b[20] = (uint8_t)(first >> 8);
    b[21] = (uint8_t)first;
    b[22] = (uint8_t)(second >> 16);
    b[23] = (uint8_t)(second >> 8);
    b[24] = (uint8_t)second;
    assert_int_equal(du_deliver(p, true, a, 25 + first), GALOIS_ERR_OK);
    assert_int_equal(galois_dtls_timeout_ms(p->server), -1);  // nothing to answer yet
    uint8_t out[DU_MAX_DGRAM];
    size_t out_len = 0;
    assert_int_equal(galois_dtls_output(p->server, out, &out_len, sizeof(out)), GALOIS_ERR_OK);
    assert_int_equal(out_len, 0);
    assert_int_equal(du_deliver(p, true, b, 25 + second), GALOIS_ERR_OK);
    assert_int_equal(du_deliver(p, true, b, 25 + second), GALOIS_ERR_OK);  // duplicated
}

static void test_split_client_hello(void **state)
{
    (void)state;
    struct galois_dtls_policy pol;
    du_policy(&pol, NULL);
    struct du_pair p;
    du_open(&p, &pol, &pol);
    p.filter = split_hello;
    du_run(&p);
    assert_connected(&p);
    check_keys(&p, GALOIS_SRTP_AEAD_AES_256_GCM);
    du_close(&p);
}

// A whole ClientHello datagram delivered twice, and a later flight delivered twice.
static void dup_all(struct du_pair *p, bool from_client, size_t n, const uint8_t *d, size_t len)
{
    (void)n;
    (void)du_deliver(p, from_client, d, len);
    (void)du_deliver(p, from_client, d, len);
}

static void test_duplicates(void **state)
{
    (void)state;
    struct galois_dtls_policy pol;
    du_policy(&pol, NULL);
    struct du_pair p;
    du_open(&p, &pol, &pol);
    p.filter = dup_all;
    du_run(&p);
    assert_connected(&p);
    check_keys(&p, GALOIS_SRTP_AEAD_AES_256_GCM);
    du_close(&p);
}

// Garbage is counted and dropped; the handshake goes on as if it had not come.
static void test_garbage(void **state)
{
    (void)state;
    struct galois_dtls_policy pol;
    du_policy(&pol, NULL);
    struct du_pair p;
    du_open(&p, &pol, &pol);
    static const uint8_t stun[20] = {0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xa4, 0x42};
    static const uint8_t rtp[12] = {0x80, 0x00, 0x00, 0x01};
    static const uint8_t short_rec[10] = {22, 0xfe, 0xfd, 0, 0};
    static const uint8_t long_len[20] = {22, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0x00, 0x40};
    static const uint8_t bad_version[14] = {22, 0x03, 0x03, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1};
    static const uint8_t bad_type[14] = {30, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1};
    static const uint8_t trailing[15] = {21, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 9, 0, 1, 1, 7};
    static const struct {
        const uint8_t *d;
        size_t len;
    } junk[] = {
        {stun, sizeof(stun)},
        {rtp, sizeof(rtp)},
        {short_rec, sizeof(short_rec)},
        {long_len, sizeof(long_len)},
        {bad_version, sizeof(bad_version)},
        {bad_type, sizeof(bad_type)},
        {trailing, sizeof(trailing)},
        {stun, 0},
    };
    for (size_t i = 0; i < sizeof(junk) / sizeof(junk[0]); i++) {
        assert_int_equal(galois_dtls_input(p.server, junk[i].d, junk[i].len), GALOIS_ERR_PARSE);
        assert_int_equal(galois_dtls_input(p.client, junk[i].d, junk[i].len), GALOIS_ERR_PARSE);
    }
    static uint8_t huge[GALOIS_DTLS_MAX_DATAGRAM + 1];
    huge[0] = 22;
    assert_int_equal(galois_dtls_input(p.server, huge, sizeof(huge)), GALOIS_ERR_LIMIT);
    struct galois_dtls_stats st;
    galois_dtls_get_stats(p.server, &st);
    assert_int_equal(st.dropped, sizeof(junk) / sizeof(junk[0]) + 1);
    assert_int_equal(st.datagrams_in, st.dropped);
    assert_int_equal(galois_dtls_state(p.server), GALOIS_DTLS_HANDSHAKING);
    du_run(&p);
    assert_connected(&p);
    // And after the handshake: a well-framed record of junk in epoch 1 does not authenticate and
    // is dropped by DTLS itself.
    static const uint8_t forged[40] = {23, 0xfe, 0xfd, 0, 1, 0, 0, 0, 0, 0, 9, 0, 27};
    assert_int_equal(galois_dtls_input(p.server, forged, sizeof(forged)), GALOIS_ERR_OK);
    assert_int_equal(galois_dtls_input(p.server, rtp, sizeof(rtp)), GALOIS_ERR_PARSE);
    assert_int_equal(galois_dtls_state(p.server), GALOIS_DTLS_CONNECTED);
    check_keys(&p, GALOIS_SRTP_AEAD_AES_256_GCM);
    du_close(&p);
}

// close_notify: the peer becomes CLOSED, both keep their keys, input is refused after.
static void test_close(void **state)
{
    (void)state;
    struct galois_dtls_policy pol;
    du_policy(&pol, NULL);
    struct du_pair p;
    du_open(&p, &pol, &pol);
    du_run(&p);
    assert_connected(&p);
    galois_dtls_close(p.client);
    assert_int_equal(galois_dtls_state(p.client), GALOIS_DTLS_CLOSED);
    assert_true(du_flush(&p, true));
    assert_int_equal(galois_dtls_state(p.server), GALOIS_DTLS_CLOSED);
    check_keys(&p, GALOIS_SRTP_AEAD_AES_256_GCM);
    static const uint8_t rec[14] = {21, 0xfe, 0xfd, 0, 1, 0, 0, 0, 0, 0, 9, 0, 1, 1};
    assert_int_equal(galois_dtls_input(p.server, rec, sizeof(rec)), GALOIS_ERR_STATE);
    du_close(&p);
}

// A small output buffer: the datagram stays queued until a big enough one comes.
static void test_output_buffer(void **state)
{
    (void)state;
    struct galois_dtls_policy pol;
    du_policy(&pol, NULL);
    struct du_pair p;
    du_open(&p, &pol, &pol);
    uint8_t small[16];
    size_t len = 99;
    assert_int_equal(galois_dtls_output(p.client, small, &len, sizeof(small)), GALOIS_ERR_BUFFER);
    assert_int_equal(len, 0);
    du_run(&p);
    assert_connected(&p);
    du_close(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_default),
        cmocka_unit_test(test_each_profile),
        cmocka_unit_test(test_server_order),
        cmocka_unit_test(test_retransmit),
        cmocka_unit_test(test_timeout_gives_up),
        cmocka_unit_test(test_split_client_hello),
        cmocka_unit_test(test_duplicates),
        cmocka_unit_test(test_garbage),
        cmocka_unit_test(test_close),
        cmocka_unit_test(test_output_buffer),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
