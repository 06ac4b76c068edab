// Two media streams wired to each other in memory, with keys in real galois_sdes_keyset values
// for three suites and for plain RTP: a 440 Hz tone goes through (and is echoed back), losses,
// forgeries, replays, jitter, RTCP reports and the RFC 5761 demultiplexing are counted.
#include <galois/media.h>
#include <galois/srtp.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
// cmocka.h needs the headers above.
#include <cmocka.h>

enum { FRAMES = 150, FRAME_US = 20000, T0 = 1000000 };

struct pair {
    struct galois_sdes_keyset ab;  // A sends with it, B receives
    struct galois_sdes_keyset ba;
    struct galois_media_stream *a;
    struct galois_media_stream *b;
};

static void make_keyset(struct galois_sdes_keyset *ks, enum galois_srtp_suite suite)
{
    const struct galois_srtp_suite_info *info = galois_srtp_suite_get_info(suite);
    assert_non_null(info);
    memset(ks, 0, sizeof(*ks));
    ks->suite = suite;
    ks->num_keys = 1;
    assert_int_equal(galois_random_bytes(ks->keys[0].key, info->key_len), GALOIS_ERR_OK);
    assert_int_equal(galois_random_bytes(ks->keys[0].salt, info->salt_len), GALOIS_ERR_OK);
}

// pair_new makes A and B; suite NONE means plain RTP.
static void pair_new(struct pair *p, enum galois_srtp_suite suite, enum galois_media_codec codec,
                     bool mux)
{
    bool srtp = suite != GALOIS_SRTP_SUITE_NONE;
    char why[256] = "";
    memset(p, 0, sizeof(*p));
    if (srtp) {
        make_keyset(&p->ab, suite);
        make_keyset(&p->ba, suite);
    }
    struct galois_media_stream_config ca = {
        .codec = codec,
        .tx = srtp ? &p->ab : NULL,
        .rx = srtp ? &p->ba : NULL,
        .rtcp_mux = mux,
        .cname = "a@galois.test",
    };
    struct galois_media_stream_config cb = {
        .codec = codec,
        .ssrc = 0x0b0b0b0b,
        .tx = srtp ? &p->ba : NULL,
        .rx = srtp ? &p->ab : NULL,
        .rtcp_mux = mux,
    };
    assert_int_equal(galois_media_stream_new(&p->a, &ca, why, sizeof(why)), GALOIS_ERR_OK);
    assert_int_equal(galois_media_stream_new(&p->b, &cb, why, sizeof(why)), GALOIS_ERR_OK);
}

static void pair_free(struct pair *p)
{
    galois_media_stream_free(p->a);
    galois_media_stream_free(p->b);
    galois_media_stream_free(NULL);
}

static struct galois_media_stats stats(const struct galois_media_stream *s)
{
    struct galois_media_stats st;
    galois_media_stream_stats(s, &st);
    return st;
}

static double detected(struct galois_tone_detector *d, double *purity)
{
    double hz = 0.0;
    assert_int_equal(galois_tone_detector_result(d, &hz, purity), GALOIS_ERR_OK);
    return hz;
}

// run sends FRAMES frames of 440 Hz from A to B, dropping those `drop` says, with arrival
// times from `arrival_us`; B echoes what it gets back to A. Both sides' tones are checked.
static void run(struct pair *p, enum galois_media_codec codec, const bool *drop,
                uint64_t (*arrival_us)(size_t i))
{
    struct galois_tone tone;
    struct galois_tone_detector *at_b = NULL;
    struct galois_tone_detector *at_a = NULL;
    int16_t frame[160];
    int16_t got[GALOIS_MEDIA_MAX_GAP + 160];
    uint8_t pkt[GALOIS_MEDIA_MAX_PACKET];
    size_t len = 0;
    size_t n = 0;
    size_t total = 0;
    bool srtp = stats(p->a).srtp;
    assert_int_equal(galois_tone_detector_new(&at_b, 8000), GALOIS_ERR_OK);
    assert_int_equal(galois_tone_detector_new(&at_a, 8000), GALOIS_ERR_OK);
    galois_tone_init(&tone, 440.0, 0.4, 8000);
    for (size_t i = 0; i < FRAMES; i++) {
        galois_tone_fill(&tone, frame, 160);
        assert_int_equal(galois_media_stream_send(p->a, frame, pkt, &len, sizeof(pkt)),
                         GALOIS_ERR_OK);
        assert_int_equal(pkt[1] & 0x7f, codec);
        assert_int_equal((pkt[1] & 0x80) != 0, i == 0);  // marker on the first packet only
        // The payload on the wire is not the G.711 bytes under SRTP, and is with plain RTP.
        size_t same = 0;
        for (size_t k = 0; k < 160; k++) {
            uint8_t g = codec == GALOIS_MEDIA_PCMA ? galois_g711_alaw_encode(frame[k])
                                                   : galois_g711_ulaw_encode(frame[k]);
            same += pkt[12 + k] == g ? 1 : 0;
        }
        if (srtp) {
            assert_true(same < 16);
            assert_true(len > 172);
        } else {
            assert_int_equal(same, 160);
            assert_int_equal(len, 172);
        }
        if (drop != NULL && drop[i]) {
            continue;
        }
        assert_int_equal(galois_media_stream_receive(p->b, pkt, len, arrival_us(i), got,
                                                     (sizeof(got) / sizeof((got)[0])), &n),
                         GALOIS_ERR_OK);
        assert_true(n % 160 == 0 && n >= 160);
        total += n;
        galois_tone_detector_feed(at_b, got, n);
        // Echo: B sends back the last 160 samples it got; A hears them.
        assert_int_equal(galois_media_stream_send(p->b, got + n - 160, pkt, &len, sizeof(pkt)),
                         GALOIS_ERR_OK);
        assert_int_equal(galois_media_stream_receive(p->a, pkt, len, arrival_us(i) + 1000, got,
                                                     (sizeof(got) / sizeof((got)[0])), &n),
                         GALOIS_ERR_OK);
        galois_tone_detector_feed(at_a, got, n);
    }
    // Lost packets became silence of their length: B's audio covers every frame sent.
    assert_int_equal(total, FRAMES * 160);
    double purity = 0.0;
    double hz = detected(at_b, &purity);
    print_message("B detected %.2f Hz (purity %.3f); ", hz, purity);
    assert_true(hz > 435.0 && hz < 445.0);
    assert_true(purity > 0.8);
    hz = detected(at_a, &purity);
    print_message("A detected %.2f Hz in the echo (purity %.3f)\n", hz, purity);
    assert_true(hz > 435.0 && hz < 445.0);
    galois_tone_detector_free(at_a);
    galois_tone_detector_free(at_b);
}

static uint64_t even(size_t i)
{
    return T0 + (uint64_t)i * FRAME_US;
}

static uint64_t uneven(size_t i)
{
    return T0 + (uint64_t)i * FRAME_US + (i % 2 ? 5000 : 0);  // every other packet 5 ms late
}

static const enum galois_srtp_suite suites[] = {
    GALOIS_SRTP_AEAD_AES_256_GCM,
    GALOIS_SRTP_AEAD_AES_128_GCM,
    GALOIS_SRTP_AES_CM_128_HMAC_SHA1_80,
    GALOIS_SRTP_SUITE_NONE,
};

static void test_tone_through(void **state)
{
    (void)state;
    for (size_t i = 0; i < (sizeof(suites) / sizeof((suites)[0])); i++) {
        for (int c = 0; c < 2; c++) {
            enum galois_media_codec codec = c ? GALOIS_MEDIA_PCMA : GALOIS_MEDIA_PCMU;
            struct pair p;
            print_message(
                "%s %s: ", suites[i] ? galois_srtp_suite_get_info(suites[i])->name : "RTP",
                c ? "PCMA" : "PCMU");
            pair_new(&p, suites[i], codec, false);
            run(&p, codec, NULL, even);
            struct galois_media_stats a = stats(p.a);
            struct galois_media_stats b = stats(p.b);
            assert_int_equal(a.packets_sent, FRAMES);
            assert_int_equal(a.octets_sent, FRAMES * 160);
            assert_int_equal(b.packets_received, FRAMES);
            assert_int_equal(b.octets_received, FRAMES * 160);
            assert_int_equal(b.expected, FRAMES);
            assert_int_equal(b.lost, 0);
            assert_int_equal(b.auth_failures + b.replays + b.malformed + b.other_errors, 0);
            assert_true(b.jitter_ms == 0.0);  // perfectly spaced arrivals
            assert_int_equal(b.ssrc_remote, a.ssrc_local);
            assert_int_equal(b.ssrc_local, 0x0b0b0b0b);
            assert_int_equal(b.rx_codec, codec);
            assert_int_equal(b.srtp, suites[i] != GALOIS_SRTP_SUITE_NONE);
            assert_int_equal(a.packets_received, FRAMES);
            assert_int_equal(a.lost, 0);
            pair_free(&p);
        }
    }
}

static void test_losses_and_jitter(void **state)
{
    (void)state;
    for (size_t i = 0; i < (sizeof(suites) / sizeof((suites)[0])); i++) {
        bool drop[FRAMES] = {false};
        drop[50] = drop[51] = drop[90] = true;
        struct pair p;
        pair_new(&p, suites[i], GALOIS_MEDIA_PCMU, false);
        run(&p, GALOIS_MEDIA_PCMU, drop, uneven);
        struct galois_media_stats b = stats(p.b);
        assert_int_equal(b.packets_received, FRAMES - 3);
        assert_int_equal(b.expected, FRAMES);
        assert_int_equal(b.lost, 3);
        // Alternating 0 / 5 ms delays: |D| = 40 ticks each time, so J tends to 5 ms.
        print_message("jitter %.3f ms\n", b.jitter_ms);
        assert_true(b.jitter_ms > 4.0 && b.jitter_ms <= 5.0);
        pair_free(&p);
    }
}

static void test_forged_and_replayed(void **state)
{
    (void)state;
    for (size_t i = 0; i < (sizeof(suites) / sizeof((suites)[0])); i++) {
        struct pair p;
        bool srtp = suites[i] != GALOIS_SRTP_SUITE_NONE;
        int16_t frame[160] = {1000, -1000, 2000};
        int16_t got[400];
        uint8_t pkt[GALOIS_MEDIA_MAX_PACKET];
        uint8_t copy[GALOIS_MEDIA_MAX_PACKET];
        size_t len = 0;
        size_t n = 99;
        pair_new(&p, suites[i], GALOIS_MEDIA_PCMU, false);
        assert_int_equal(galois_media_stream_send(p.a, frame, pkt, &len, sizeof(pkt)),
                         GALOIS_ERR_OK);
        memcpy(copy, pkt, len);
        pkt[20] ^= 0x01;  // a payload bit
        galois_err want = srtp ? GALOIS_ERR_AUTH : GALOIS_ERR_OK;
        assert_int_equal(galois_media_stream_receive(p.b, pkt, len, T0, got, 400, &n), want);
        if (srtp) {
            assert_int_equal(n, 0);
            assert_int_equal(stats(p.b).auth_failures, 1);
            assert_int_equal(stats(p.b).packets_received, 0);
        }
        // The real packet still goes through; sent again it is a replay (SRTP) or a duplicate.
        memcpy(pkt, copy, len);
        assert_int_equal(galois_media_stream_receive(p.b, pkt, len, T0, got, 400, &n),
                         GALOIS_ERR_OK);
        assert_int_equal(n, 160);
        assert_int_equal(got[1], galois_g711_ulaw_decode(galois_g711_ulaw_encode(-1000)));
        memcpy(pkt, copy, len);
        want = srtp ? GALOIS_ERR_REPLAY : GALOIS_ERR_OK;
        assert_int_equal(galois_media_stream_receive(p.b, pkt, len, T0, got, 400, &n), want);
        struct galois_media_stats b = stats(p.b);
        assert_int_equal(b.replays, srtp ? 1 : 0);
        assert_int_equal(b.duplicates, srtp ? 0 : 2);  // plain: the altered one came first
        // Garbage: not RTP at all, a truncated header, and a too-small sample buffer.
        uint8_t junk[3] = {0x16, 0xfe, 0xfd};  // a DTLS record's first bytes
        assert_int_equal(galois_media_stream_receive(p.b, junk, 3, T0, got, 400, &n),
                         GALOIS_ERR_PARSE);
        assert_int_equal(galois_media_stream_send(p.a, frame, pkt, &len, sizeof(pkt)),
                         GALOIS_ERR_OK);
        size_t short_len = srtp ? len : 8;
        if (srtp) {
            pkt[len - 1] ^= 0x80;  // a tag bit
        }
        assert_int_not_equal(galois_media_stream_receive(p.b, pkt, short_len, T0, got, 400, &n),
                             GALOIS_ERR_OK);
        assert_int_equal(n, 0);
        b = stats(p.b);
        assert_int_equal(b.malformed + b.auth_failures, srtp ? 3 : 2);
        assert_int_equal(galois_media_stream_send(p.a, frame, pkt, &len, sizeof(pkt)),
                         GALOIS_ERR_OK);
        assert_int_equal(galois_media_stream_receive(p.b, pkt, len, T0, got, 100, &n),
                         GALOIS_ERR_BUFFER);
        assert_int_equal(stats(p.b).other_errors, 1);
        assert_int_equal(galois_media_stream_send(p.a, frame, pkt, &len, 100), GALOIS_ERR_BUFFER);
        pair_free(&p);
    }
}

// rtcp_exchange: A (which has sent RTP) sends an SR at t0, B gets it at t0 + 10 ms and answers
// with its report 40 ms later, which A gets 10 ms after that: the round trip is 20 ms.
static void test_rtcp(void **state)
{
    (void)state;
    for (size_t i = 0; i < (sizeof(suites) / sizeof((suites)[0])); i++) {
        for (int mux = 0; mux < 2; mux++) {
            struct pair p;
            bool srtp = suites[i] != GALOIS_SRTP_SUITE_NONE;
            int16_t frame[160] = {0};
            int16_t got[400];
            uint8_t pkt[GALOIS_MEDIA_MAX_PACKET];
            size_t len = 0;
            size_t n = 0;
            const uint64_t t0 = 1700000000000000u;  // microseconds since 1970
            bool drop[10] = {[3] = true};
            pair_new(&p, suites[i], GALOIS_MEDIA_PCMA, mux != 0);
            for (size_t k = 0; k < 10; k++) {
                assert_int_equal(galois_media_stream_send(p.a, frame, pkt, &len, sizeof(pkt)),
                                 GALOIS_ERR_OK);
                if (!drop[k]) {
                    assert_int_equal(galois_media_stream_receive(p.b, pkt, len, t0, got, 400, &n),
                                     GALOIS_ERR_OK);
                }
                if (k == 5 && mux) {
                    // An RTCP packet between RTP packets on the one port: told apart by type.
                    assert_int_equal(
                        galois_media_stream_rtcp(p.a, false, t0, pkt, &len, sizeof(pkt)),
                        GALOIS_ERR_OK);
                    assert_int_equal(galois_media_stream_receive(p.b, pkt, len, t0, got, 400, &n),
                                     GALOIS_ERR_OK);
                    assert_int_equal(n, 0);
                }
            }
            assert_int_equal(galois_media_stream_rtcp(p.a, false, t0, pkt, &len, sizeof(pkt)),
                             GALOIS_ERR_OK);
            assert_int_equal(pkt[1], 200);  // SR: A has sent
            if (!srtp) {
                assert_int_equal(pkt[0], 0x80);  // no report block: A has received nothing
                assert_int_equal((pkt[20] << 24) | (pkt[21] << 16) | (pkt[22] << 8) | pkt[23],
                                 10);                // sender's packet count
                assert_int_equal(pkt[28 + 1], 202);  // SDES follows
            }
            n = 7;
            assert_int_equal(galois_media_stream_receive(p.b, pkt, len, t0 + 10000, got, 400, &n),
                             GALOIS_ERR_OK);
            assert_int_equal(n, 0);
            struct galois_media_stats b = stats(p.b);
            assert_int_equal(b.rtcp_received, mux ? 2 : 1);
            assert_int_equal(b.packets_received, 9);
            assert_int_equal(b.lost, 1);
            assert_false(b.have_remote_report);
            // B has sent nothing: an RR with a block on A, and a BYE.
            assert_int_equal(
                galois_media_stream_rtcp(p.b, true, t0 + 50000, pkt, &len, sizeof(pkt)),
                GALOIS_ERR_OK);
            assert_int_equal(pkt[1], 201);
            assert_int_equal(pkt[0], 0x81);
            assert_int_equal(galois_media_stream_receive(p.a, pkt, len, t0 + 60000, got, 400, &n),
                             GALOIS_ERR_OK);
            struct galois_media_stats a = stats(p.a);
            print_message("rtt %.3f ms, remote lost %lld\n", a.rtt_ms, (long long)a.remote_lost);
            assert_true(a.rtt_ms > 19.9 && a.rtt_ms < 20.1);
            assert_true(a.have_remote_report);
            assert_int_equal(a.remote_lost, 1);
            assert_true(a.bye_received);
            assert_int_equal(a.rtcp_received, 1);
            assert_int_equal(b.rtcp_sent, 0);
            assert_int_equal(stats(p.b).rtcp_sent, 1);
            // A forged RTCP packet is refused and counted (SRTP), or read (plain).
            assert_int_equal(
                galois_media_stream_rtcp(p.b, false, t0 + 70000, pkt, &len, sizeof(pkt)),
                GALOIS_ERR_OK);
            pkt[9] ^= 0x40;
            galois_err err = galois_media_stream_receive(p.a, pkt, len, t0 + 80000, got, 400, &n);
            assert_int_equal(err, srtp ? GALOIS_ERR_AUTH : GALOIS_ERR_OK);
            assert_int_equal(stats(p.a).auth_failures, srtp ? 1 : 0);
            pair_free(&p);
        }
    }
}

static void test_config_and_json(void **state)
{
    (void)state;
    struct galois_sdes_keyset ks;
    struct galois_media_stream *s = NULL;
    char why[256] = "";
    make_keyset(&ks, GALOIS_SRTP_AEAD_AES_128_GCM);
    struct galois_media_stream_config cfg = {.codec = GALOIS_MEDIA_PCMU, .tx = &ks};
    assert_int_equal(galois_media_stream_new(&s, &cfg, why, sizeof(why)), GALOIS_ERR_INVALID);
    assert_null(s);
    assert_non_null(strstr(why, "keys"));
    cfg = (struct galois_media_stream_config){.codec = (enum galois_media_codec)3};
    assert_int_equal(galois_media_stream_new(&s, &cfg, why, sizeof(why)), GALOIS_ERR_INVALID);
    assert_non_null(strstr(why, "codec"));
    struct galois_sdes_keyset empty = {0};
    cfg = (struct galois_media_stream_config){.tx = &ks, .rx = &empty};
    assert_int_not_equal(galois_media_stream_new(&s, &cfg, why, sizeof(why)), GALOIS_ERR_OK);
    assert_non_null(strstr(why, "rx keyset"));
    assert_null(s);

    struct pair p;
    pair_new(&p, GALOIS_SRTP_AEAD_AES_128_GCM, GALOIS_MEDIA_PCMU, true);
    run(&p, GALOIS_MEDIA_PCMU, NULL, even);
    struct galois_media_stats b = stats(p.b);
    char json[2048];
    assert_int_equal(galois_media_stats_json(json, sizeof(json), &b), GALOIS_ERR_OK);
    assert_true(json[0] == '{' && json[strlen(json) - 1] == '}');
    assert_non_null(strstr(json, "\"packets_received\":150,"));
    assert_non_null(strstr(json, "\"lost\":0,"));
    assert_non_null(strstr(json, "\"jitter_ms\":0.000,"));
    assert_non_null(strstr(json, "\"rtt_ms\":-1.000,"));
    assert_non_null(strstr(json, "\"srtp\":true,\"rtcp_mux\":true}"));
    b.lost = -2;
    assert_int_equal(galois_media_stats_json(json, sizeof(json), &b), GALOIS_ERR_OK);
    assert_non_null(strstr(json, "\"lost\":-2,"));
    assert_int_equal(galois_media_stats_json(json, 40, &b), GALOIS_ERR_BUFFER);
    assert_string_equal(json, "");
    pair_free(&p);
}

// deliver sends one frame from `from` to `to` and returns what `to` said of it; the packet
// stays in `pkt` (`*len` bytes) as it was on the wire.
static galois_err deliver(struct galois_media_stream *from, struct galois_media_stream *to,
                          uint8_t *pkt, size_t *len)
{
    int16_t frame[160] = {500, -500};
    int16_t got[GALOIS_MEDIA_MAX_GAP + 160];
    uint8_t copy[GALOIS_MEDIA_MAX_PACKET];
    size_t n = 0;
    assert_int_equal(galois_media_stream_send(from, frame, pkt, len, GALOIS_MEDIA_MAX_PACKET),
                     GALOIS_ERR_OK);
    memcpy(copy, pkt, *len);
    galois_err err = galois_media_stream_receive(to, copy, *len, T0, got, sizeof(got) / 2, &n);
    return err;
}

static galois_err take(struct galois_media_stream *to, const uint8_t *pkt, size_t len)
{
    int16_t got[GALOIS_MEDIA_MAX_GAP + 160];
    uint8_t copy[GALOIS_MEDIA_MAX_PACKET];
    size_t n = 0;
    memcpy(copy, pkt, len);
    return galois_media_stream_receive(to, copy, len, T0, got, sizeof(got) / 2, &n);
}

// A reduced-size RTCP packet (RFC 5506), here the APP "PING" keepalive libre sends: taken when
// it authenticates, whatever its first packet type; a plaintext one is dropped on an SRTP
// stream; broken framing is malformed either way.
static void test_rtcp_reduced_size(void **state)
{
    (void)state;
    static const uint8_t app[16] = {0x80, 0xcc, 0x00, 0x03, 0x0b, 0x0b, 0x0b, 0x0b,
                                    'P',  'I',  'N',  'G',  'P',  'O',  'N',  'G'};
    int16_t got[400];
    uint8_t pkt[GALOIS_MEDIA_MAX_PACKET];
    size_t n = 0;
    size_t len = 0;

    // plain RTP: the framing alone decides
    struct pair plain;
    pair_new(&plain, GALOIS_SRTP_SUITE_NONE, GALOIS_MEDIA_PCMU, true);
    memcpy(pkt, app, sizeof(app));
    assert_int_equal(galois_media_stream_receive(plain.a, pkt, sizeof(app), T0, got, 400, &n),
                     GALOIS_ERR_OK);
    assert_int_equal(stats(plain.a).rtcp_received, 1);
    memcpy(pkt, app, sizeof(app));
    pkt[0] = 0xa0;  // padding on the last packet: the last byte must count it
    pkt[15] = 4;
    assert_int_equal(galois_media_stream_receive(plain.a, pkt, sizeof(app), T0, got, 400, &n),
                     GALOIS_ERR_OK);
    pkt[15] = 0;  // padding of 0 bytes
    assert_int_equal(galois_media_stream_receive(plain.a, pkt, sizeof(app), T0, got, 400, &n),
                     GALOIS_ERR_PARSE);
    memcpy(pkt, app, sizeof(app));
    pkt[3] = 4;  // a length past the end
    assert_int_equal(galois_media_stream_receive(plain.a, pkt, sizeof(app), T0, got, 400, &n),
                     GALOIS_ERR_PARSE);
    assert_int_equal(stats(plain.a).rtcp_received, 2);
    assert_int_equal(stats(plain.a).malformed, 2);
    pair_free(&plain);

    // SRTP: B's APP, protected under the B -> A key, is taken; the same in plaintext is not
    struct pair p;
    pair_new(&p, GALOIS_SRTP_AES_CM_128_HMAC_SHA1_80, GALOIS_MEDIA_PCMU, true);
    struct galois_srtp_policy pol = {
        .suite = p.ba.suite,
        .direction = GALOIS_SRTP_SEND,
        .keys = p.ba.keys,
        .num_keys = 1,
        .accept_any_ssrc = true,
    };
    struct galois_srtp *b_tx = NULL;
    assert_int_equal(galois_srtp_new(&b_tx, &pol), GALOIS_ERR_OK);
    assert_int_equal(galois_srtp_protect_rtcp(b_tx, pkt, &len, sizeof(pkt), app, sizeof(app)),
                     GALOIS_ERR_OK);
    assert_int_equal(galois_media_stream_receive(p.a, pkt, len, T0, got, 400, &n), GALOIS_ERR_OK);
    assert_int_equal(stats(p.a).rtcp_received, 1);
    memcpy(pkt, app, sizeof(app));
    assert_int_not_equal(galois_media_stream_receive(p.a, pkt, sizeof(app), T0, got, 400, &n),
                         GALOIS_ERR_OK);
    assert_int_equal(stats(p.a).rtcp_received, 1);
    galois_srtp_free(b_tx);
    pair_free(&p);
}

// A re-INVITE's new keys (galois_media_stream_rekey): only the changed direction gets a new
// session, a packet sent under the old key just before the switch still counts until one
// authenticates under the new key, the ROC goes on across the key change, and a stream that
// is not SRTP refuses.
static void test_rekey(void **state)
{
    (void)state;
    static const enum galois_srtp_suite rekey_suites[] = {GALOIS_SRTP_AES_CM_128_HMAC_SHA1_80,
                                                          GALOIS_SRTP_AEAD_AES_128_GCM};
    for (size_t i = 0; i < sizeof(rekey_suites) / sizeof(rekey_suites[0]); i++) {
        struct pair p;
        uint8_t pkt[GALOIS_MEDIA_MAX_PACKET];
        uint8_t late[GALOIS_MEDIA_MAX_PACKET];
        uint8_t later[GALOIS_MEDIA_MAX_PACKET];
        size_t len = 0;
        size_t late_len = 0;
        size_t later_len = 0;
        char why[256] = "";
        pair_new(&p, rekey_suites[i], GALOIS_MEDIA_PCMU, true);
        // Run A -> B past a sequence number wrap, so that the ROC is 1 on both sides.
        bool wrapped = false;
        for (size_t k = 0; k < 65536 + 10 && !(wrapped && k % 65536 > 8); k++) {
            assert_int_equal(deliver(p.a, p.b, pkt, &len), GALOIS_ERR_OK);
            wrapped = wrapped || (pkt[2] == 0 && pkt[3] == 0);
        }
        assert_true(wrapped);
        assert_int_equal(deliver(p.b, p.a, pkt, &len), GALOIS_ERR_OK);

        // The same keysets again: nothing changes.
        assert_int_equal(galois_media_stream_rekey(p.a, &p.ab, &p.ba, why, sizeof(why)),
                         GALOIS_ERR_OK);
        assert_int_equal(stats(p.a).rekeys, 0);

        // Two packets under the old A -> B key that arrive after the switch.
        int16_t frame[160] = {0};
        assert_int_equal(galois_media_stream_send(p.a, frame, late, &late_len, sizeof(late)),
                         GALOIS_ERR_OK);
        assert_int_equal(galois_media_stream_send(p.a, frame, later, &later_len, sizeof(later)),
                         GALOIS_ERR_OK);
        struct galois_sdes_keyset k2;
        make_keyset(&k2, rekey_suites[i]);
        assert_int_equal(galois_media_stream_rekey(p.a, &k2, &p.ba, why, sizeof(why)),
                         GALOIS_ERR_OK);
        assert_int_equal(galois_media_stream_rekey(p.b, &p.ba, &k2, why, sizeof(why)),
                         GALOIS_ERR_OK);
        assert_int_equal(stats(p.a).rekeys, 1);
        assert_int_equal(stats(p.b).rekeys, 1);

        // Before anything authenticates under the new key, the old one still serves.
        uint64_t received_before = stats(p.b).packets_received;
        assert_int_equal(take(p.b, late, late_len), GALOIS_ERR_OK);
        // The new key works, with the ROC carried over (the wrap is behind us).
        for (size_t k = 0; k < 5; k++) {
            assert_int_equal(deliver(p.a, p.b, pkt, &len), GALOIS_ERR_OK);
        }
        assert_int_equal(stats(p.b).packets_received, received_before + 6);
        // Once the new key has authenticated, the old one is gone.
        uint64_t auth_before = stats(p.b).auth_failures;
        assert_int_equal(take(p.b, later, later_len), GALOIS_ERR_AUTH);
        assert_int_equal(stats(p.b).auth_failures, auth_before + 1);
        // B -> A kept its key and still flows.
        assert_int_equal(deliver(p.b, p.a, pkt, &len), GALOIS_ERR_OK);

        // A key the engine refuses leaves the stream as it was.
        struct galois_sdes_keyset bad = k2;
        bad.num_keys = 0;
        assert_int_not_equal(galois_media_stream_rekey(p.a, &bad, &p.ba, why, sizeof(why)),
                             GALOIS_ERR_OK);
        assert_int_equal(stats(p.a).rekeys, 1);
        assert_int_equal(deliver(p.a, p.b, pkt, &len), GALOIS_ERR_OK);
        // NULL keysets: refused.
        assert_int_equal(galois_media_stream_rekey(p.a, NULL, &p.ba, why, sizeof(why)),
                         GALOIS_ERR_STATE);
        pair_free(&p);
    }
    // Plain RTP cannot be re-keyed into SRTP.
    struct pair plain;
    char why[256] = "";
    struct galois_sdes_keyset k;
    make_keyset(&k, GALOIS_SRTP_AES_CM_128_HMAC_SHA1_80);
    pair_new(&plain, GALOIS_SRTP_SUITE_NONE, GALOIS_MEDIA_PCMU, false);
    assert_int_equal(galois_media_stream_rekey(plain.a, &k, &k, why, sizeof(why)),
                     GALOIS_ERR_STATE);
    assert_non_null(strstr(why, "only an SRTP stream"));
    pair_free(&plain);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tone_through),        cmocka_unit_test(test_losses_and_jitter),
        cmocka_unit_test(test_forged_and_replayed), cmocka_unit_test(test_rtcp),
        cmocka_unit_test(test_config_and_json),     cmocka_unit_test(test_rekey),
        cmocka_unit_test(test_rtcp_reduced_size),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
