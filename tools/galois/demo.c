// galois demo: SRTP explained on a few packets, for someone who has never seen it. Every step
// checks its own result; the exit status is 0 only if all of them behaved as expected.
#include <galois/galois.h>
#include <stdio.h>
#include <string.h>

#include "cmds.h"

enum {
    RTP_HDR_LEN = 12,
    MAX_PLAIN = 64,
    MAX_PROTECTED = MAX_PLAIN + GALOIS_SRTP_MAX_OVERHEAD,
    NUM_PACKETS = 4,  // packets 1..3 go through; packet 4 is tampered with first
    DEMO_SSRC = 0x5ec0de01,
    FIRST_SEQ = 1000,
};

// demo_pair is a sender and a receiver that share one master key.
struct demo_pair {
    const struct galois_srtp_suite_info *info;
    struct galois_srtp *tx;
    struct galois_srtp *rx;
};

struct packet {
    uint8_t bytes[MAX_PROTECTED];
    size_t len;
};

static int failures;

static void expect(bool ok, const char *what)
{
    if (!ok) {
        failures++;
        printf("   !! UNEXPECTED: %s\n", what);
    }
}

static void hex(const uint8_t *p, size_t len, size_t max_shown)
{
    for (size_t i = 0; i < len && i < max_shown; i++) {
        printf("%s%02x", i == 0 ? "" : " ", p[i]);
    }
    if (len > max_shown) {
        printf(" ...");
    }
}

// show prints a packet as header | payload | tag, each abbreviated.
static void show(const char *label, const uint8_t *p, size_t len, size_t tag_len)
{
    printf("     %-10s %2zu bytes  ", label, len);
    hex(p, RTP_HDR_LEN, RTP_HDR_LEN);
    printf(" | ");
    hex(p + RTP_HDR_LEN, len - RTP_HDR_LEN - tag_len, 8);
    if (tag_len > 0) {
        printf(" | tag ");
        hex(p + len - tag_len, tag_len, 4);
    }
    printf("\n");
}

static size_t make_rtp(uint8_t *out, unsigned n)
{
    uint16_t seq = (uint16_t)(FIRST_SEQ + n - 1);
    uint32_t ts = 160u * n;
    uint8_t hdr[RTP_HDR_LEN] = {
        0x80,
        0x00,  // version 2, payload type 0 (G.711 mu-law)
        (uint8_t)(seq >> 8),
        (uint8_t)seq,
        (uint8_t)(ts >> 24),
        (uint8_t)(ts >> 16),
        (uint8_t)(ts >> 8),
        (uint8_t)ts,
        (uint8_t)(DEMO_SSRC >> 24),
        (uint8_t)(DEMO_SSRC >> 16),
        (uint8_t)(DEMO_SSRC >> 8),
        (uint8_t)DEMO_SSRC,
    };
    memcpy(out, hdr, sizeof(hdr));
    int text = snprintf((char *)out + RTP_HDR_LEN, MAX_PLAIN - RTP_HDR_LEN,
                        "Hello from galois, packet %u", n);
    return RTP_HDR_LEN + (size_t)(text > 0 ? text : 0);
}

static bool pair_new(struct demo_pair *pair, enum galois_srtp_suite suite)
{
    struct galois_srtp_master_key key;
    bool ok = false;
    memset(&key, 0, sizeof(key));
    memset(pair, 0, sizeof(*pair));
    pair->info = galois_srtp_suite_get_info(suite);
    if (pair->info == NULL || galois_random_bytes(key.key, pair->info->key_len) != GALOIS_ERR_OK ||
        galois_random_bytes(key.salt, pair->info->salt_len) != GALOIS_ERR_OK) {
        goto out;
    }
    struct galois_srtp_policy policy = {
        .suite = suite,
        .direction = GALOIS_SRTP_SEND,
        .keys = &key,
        .num_keys = 1,
        .accept_any_ssrc = true,
    };
    if (galois_srtp_new(&pair->tx, &policy) != GALOIS_ERR_OK) {
        goto out;
    }
    policy.direction = GALOIS_SRTP_RECEIVE;
    ok = galois_srtp_new(&pair->rx, &policy) == GALOIS_ERR_OK;
out:
    galois_secure_zero(&key, sizeof(key));  // the sessions hold their own copies
    printf(
        "   %s: a fresh %zu-byte master key and %zu-byte salt from the OpenSSL\n"
        "   random generator (keys are never printed); a sender and a receiver share them.\n",
        pair->info == NULL ? "?" : pair->info->name, pair->info == NULL ? 0 : pair->info->key_len,
        pair->info == NULL ? 0 : pair->info->salt_len);
    expect(ok, "could not make the sender and receiver sessions");
    return ok;
}

static void pair_free(struct demo_pair *pair)
{
    galois_srtp_free(pair->tx);
    galois_srtp_free(pair->rx);
    memset(pair, 0, sizeof(*pair));
}

// send_and_receive protects packet `n`, unprotects it, and shows all three forms.
static void send_and_receive(struct demo_pair *pair, unsigned n, struct packet *protected_out)
{
    uint8_t plain[MAX_PLAIN];
    uint8_t received[MAX_PROTECTED];
    size_t received_len = 0;
    size_t plain_len = make_rtp(plain, n);
    size_t tag = pair->info->rtp_tag_len;

    printf("   packet %u (sequence number %u): \"%.*s\"\n", n, FIRST_SEQ + n - 1,
           (int)(plain_len - RTP_HDR_LEN), (const char *)plain + RTP_HDR_LEN);
    galois_err err = galois_srtp_protect(pair->tx, protected_out->bytes, &protected_out->len,
                                         sizeof(protected_out->bytes), plain, plain_len);
    expect(err == GALOIS_ERR_OK, "the sender could not protect the packet");
    if (err != GALOIS_ERR_OK) {
        return;
    }
    show("plain", plain, plain_len, 0);
    show("protected", protected_out->bytes, protected_out->len, tag);
    err = galois_srtp_unprotect(pair->rx, received, &received_len, sizeof(received),
                                protected_out->bytes, protected_out->len);
    expect(err == GALOIS_ERR_OK, "the receiver refused a genuine packet");
    if (err == GALOIS_ERR_OK) {
        show("received", received, received_len, 0);
        bool same = received_len == plain_len && memcmp(received, plain, plain_len) == 0;
        expect(same, "the received packet differs from what was sent");
        printf("     -> the receiver checked the tag and decrypted it: %s.\n",
               same ? "identical to what was sent" : "NOT what was sent");
    }
}

static void step_protect(struct demo_pair *gcm, struct packet *sent)
{
    printf("\n2. Protect and unprotect three RTP packets\n");
    for (unsigned n = 1; n <= 3; n++) {
        send_and_receive(gcm, n, &sent[n - 1]);
    }
    printf(
        "   The 12-byte RTP header stays readable (the network and the receiver need it) but\n"
        "   is covered by the tag; the payload is encrypted; the last %zu bytes are the tag.\n",
        gcm->info->rtp_tag_len);
}

static void step_tamper(struct demo_pair *gcm, struct packet *sent)
{
    uint8_t plain[MAX_PLAIN];
    uint8_t out[MAX_PROTECTED];
    size_t out_len = 0;
    struct galois_srtp_stats stats;
    struct packet *p4 = &sent[3];
    struct packet forged;

    printf("\n3. Someone changes a packet in transit\n");
    size_t plain_len = make_rtp(plain, 4);
    galois_err err =
        galois_srtp_protect(gcm->tx, p4->bytes, &p4->len, sizeof(p4->bytes), plain, plain_len);
    expect(err == GALOIS_ERR_OK, "the sender could not protect packet 4");
    forged = *p4;
    forged.bytes[RTP_HDR_LEN + 2] ^= 0x01;  // one bit of the encrypted payload
    printf("   Packet 4 is protected, then one bit of its encrypted payload is flipped:\n");
    show("sent", p4->bytes, p4->len, gcm->info->rtp_tag_len);
    show("arrived", forged.bytes, forged.len, gcm->info->rtp_tag_len);
    err = galois_srtp_unprotect(gcm->rx, out, &out_len, sizeof(out), forged.bytes, forged.len);
    expect(err == GALOIS_ERR_AUTH, "the receiver did not report an authentication failure");
    if (err == GALOIS_ERR_AUTH) {
        printf(
            "   The receiver rejected the packet: its authentication tag did not match, so\n"
            "   someone changed it in transit. Nothing was decrypted. (%s: %s)\n",
            galois_err_name(err), galois_err_str(err));
    }
    expect(galois_srtp_get_stats(gcm->rx, &stats, false, false, 0) == GALOIS_ERR_OK &&
               stats.auth_fail == 1,
           "the receiver did not count the forgery");
    printf("   The receiver counted it: auth_fail = %llu.\n", (unsigned long long)stats.auth_fail);

    err = galois_srtp_unprotect(gcm->rx, out, &out_len, sizeof(out), p4->bytes, p4->len);
    expect(err == GALOIS_ERR_OK, "the genuine packet 4 was refused after the forgery");
    printf(
        "   The genuine packet 4 arrives afterwards and is accepted: a forgery cannot use up\n"
        "   a sequence number, because only authenticated packets move the receiver's state.\n");
}

static void step_replay(struct demo_pair *gcm, const struct packet *sent)
{
    uint8_t out[MAX_PROTECTED];
    size_t out_len = 0;
    struct galois_srtp_stats stats;

    printf("\n4. Someone records packet 1 and sends it again\n");
    show("replayed", sent[0].bytes, sent[0].len, gcm->info->rtp_tag_len);
    galois_err err =
        galois_srtp_unprotect(gcm->rx, out, &out_len, sizeof(out), sent[0].bytes, sent[0].len);
    expect(err == GALOIS_ERR_REPLAY, "the receiver did not report a replay");
    if (err == GALOIS_ERR_REPLAY) {
        printf(
            "   The receiver rejected the packet: its tag is genuine, but sequence number %u\n"
            "   was already accepted, so this is a copy (a replay). (%s: %s)\n",
            (unsigned)FIRST_SEQ, galois_err_name(err), galois_err_str(err));
    }
    expect(galois_srtp_get_stats(gcm->rx, &stats, false, false, 0) == GALOIS_ERR_OK &&
               stats.replay == 1,
           "the receiver did not count the replay");
    printf("   The receiver counted it: replay = %llu.\n", (unsigned long long)stats.replay);
}

static void step_aes_cm(void)
{
    struct demo_pair cm;
    struct packet sent;
    uint8_t plain[MAX_PLAIN];
    size_t plain_len = make_rtp(plain, 1);
    memset(&sent, 0, sizeof(sent));
    printf(
        "\n5. The same with AES_CM_128_HMAC_SHA1_80\n"
        "   The suite every SDES endpoint supports (RFC 4568): AES-128 in counter mode for\n"
        "   the payload and an 80-bit (10-byte) HMAC-SHA1 tag.\n");
    if (pair_new(&cm, GALOIS_SRTP_AES_CM_128_HMAC_SHA1_80)) {
        send_and_receive(&cm, 1, &sent);
        expect(sent.len == plain_len + 10, "AES_CM_128_HMAC_SHA1_80 did not add a 10-byte tag");
    }
    pair_free(&cm);
}

static void print_stats(const char *who, struct galois_srtp *srtp, uint64_t want_packets,
                        uint64_t want_ok)
{
    struct galois_srtp_stats s;
    memset(&s, 0, sizeof(s));
    galois_err err = galois_srtp_get_stats(srtp, &s, false, false, 0);
    expect(err == GALOIS_ERR_OK, "no statistics");
    printf("   %-9s packets=%llu ok=%llu auth_fail=%llu replay=%llu parse_fail=%llu refused=%llu\n",
           who, (unsigned long long)s.packets, (unsigned long long)s.ok,
           (unsigned long long)s.auth_fail, (unsigned long long)s.replay,
           (unsigned long long)s.parse_fail, (unsigned long long)s.refused);
    expect(s.packets == want_packets && s.ok == want_ok, "the statistics are not as expected");
}

int galois_cmd_demo(int argc, char **argv)
{
    struct demo_pair gcm;
    struct packet sent[NUM_PACKETS];
    memset(sent, 0, sizeof(sent));
    if (argc == 1) {
        return galois_demo_call();
    }
    if (argc > 2 || strcmp(argv[1], "--packets") != 0) {
        printf(
            "usage: galois demo [--packets]\n\n"
            "Without options: a secure call between two galois endpoints on loopback (SIP over\n"
            "TLS 1.3, SDES with AEAD_AES_256_GCM, three seconds of a tone each way), with both\n"
            "sides' reports. --packets: protects, unprotects, tampers with and replays a few RTP\n"
            "packets, explaining each step. Exits 0 if everything behaved as expected.\n");
        return argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) ? 0 : 2;
    }
    failures = 0;
    printf(
        "galois demo: SRTP (RFC 3711) in five steps\n\n"
        "SRTP protects RTP, the packets that carry a call's audio and video: it encrypts each\n"
        "packet's payload and appends an authentication tag, so a listener cannot hear the\n"
        "call and nobody can change, forge or replay packets unnoticed. Sender and receiver\n"
        "share a master key; in a real call it travels in SDP inside SIP over TLS (SDES), or\n"
        "comes out of a DTLS handshake.\n\n"
        "1. Keys\n"
        "   Suite AEAD_AES_256_GCM (RFC 7714): AES-256 in Galois/Counter Mode, which encrypts\n"
        "   and authenticates in one pass.\n");
    if (pair_new(&gcm, GALOIS_SRTP_AEAD_AES_256_GCM)) {
        step_protect(&gcm, sent);
        step_tamper(&gcm, sent);
        step_replay(&gcm, sent);
        step_aes_cm();
        printf("\nSession statistics (AEAD_AES_256_GCM)\n");
        print_stats("sender", gcm.tx, 4, 4);
        print_stats("receiver", gcm.rx, 6, 4);
        printf(
            "   The receiver saw 6 packets: 4 genuine ones accepted, 1 forgery and 1 replay "
            "refused.\n");
    }
    pair_free(&gcm);
    galois_secure_zero(sent, sizeof(sent));
    if (failures != 0) {
        printf("\n%d step(s) did not behave as expected.\n", failures);
        return 1;
    }
    printf("\nEvery step behaved as expected.\n");
    return 0;
}
