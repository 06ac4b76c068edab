// The galois side of the GStreamer interop test (tests/gst/run-gst.sh): SRTP over a UDP socket
// on 127.0.0.1 with a key given on the command line, no signalling.
//
//   srtp_udp_peer send SUITE KEYHEX PORT SSRC COUNT HZ
//       sends COUNT PCMU packets of a HZ tone, one every 20 ms, protected with the master key
//       and salt KEYHEX (key || salt, as GStreamer's srtpenc takes them), to 127.0.0.1:PORT
//   srtp_udp_peer recv SUITE KEYHEX PORT COUNT SECONDS
//       binds 127.0.0.1:PORT and unprotects what arrives until COUNT packets were accepted or
//       SECONDS passed; decodes the PCMU and detects its tone
//   srtp_udp_peer wav FILE
//       detects the tone in a WAV file (what GStreamer's srtpdec pipeline wrote)
//
// GALOIS_PEER_BACKEND=openssl in the environment puts the session on OpenSSL alone (the
// default serves AES-GCM from libgcrypt and HMAC-SHA1 from Nettle when built with them).
// Each prints one line of `name=value` fields for the script to check; exit 0 unless the
// arguments or the socket failed (the script judges the counts).
#include <arpa/inet.h>
#include <errno.h>
#include <galois/galois.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

enum { RTP_HDR = 12, MAX_PKT = 1500 };

static uint64_t now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static int usage(void)
{
    fprintf(stderr,
            "usage: srtp_udp_peer send SUITE KEYHEX PORT SSRC COUNT HZ\n"
            "       srtp_udp_peer recv SUITE KEYHEX PORT COUNT SECONDS\n"
            "       srtp_udp_peer wav FILE\n");
    return 2;
}

static const char *backend_name(enum galois_srtp_backend b)
{
    switch (b) {
        case GALOIS_SRTP_BACKEND_OPENSSL:
            return "openssl";
        case GALOIS_SRTP_BACKEND_LIBGCRYPT:
            return "libgcrypt";
        case GALOIS_SRTP_BACKEND_NETTLE:
            return "nettle";
        default:
            return "default";
    }
}

static unsigned long number(const char *s, unsigned long max, const char *what, bool *ok)
{
    char *end = NULL;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || v > max) {
        fprintf(stderr, "srtp_udp_peer: %s '%s' is not a number up to %lu\n", what, s, max);
        *ok = false;
    }
    return v;
}

// session makes a send or receive session for SUITE with the key and salt in KEYHEX.
static struct galois_srtp *session(const char *suite_name, const char *hex,
                                   enum galois_srtp_direction dir)
{
    enum galois_srtp_suite suite = galois_srtp_suite_from_name(suite_name, strlen(suite_name));
    const struct galois_srtp_suite_info *info = galois_srtp_suite_get_info(suite);
    if (info == NULL) {
        fprintf(stderr, "srtp_udp_peer: unknown suite %s\n", suite_name);
        return NULL;
    }
    uint8_t raw[GALOIS_SRTP_MAX_KEY_LEN + GALOIS_SRTP_MAX_SALT_LEN];
    size_t raw_len = 0;
    if (strlen(hex) != 2 * (info->key_len + info->salt_len) ||
        galois_hex_decode(raw, &raw_len, sizeof(raw), hex, strlen(hex)) != GALOIS_ERR_OK) {
        fprintf(stderr, "srtp_udp_peer: the key must be %zu hex digits for %s\n",
                2 * (info->key_len + info->salt_len), suite_name);
        return NULL;
    }
    struct galois_srtp_master_key mk = {0};
    memcpy(mk.key, raw, info->key_len);
    memcpy(mk.salt, raw + info->key_len, info->salt_len);
    galois_secure_zero(raw, sizeof(raw));
    struct galois_srtp_policy p = {
        .suite = suite,
        .direction = dir,
        .keys = &mk,
        .num_keys = 1,
        .accept_any_ssrc = true,
    };
    const char *backend = getenv("GALOIS_PEER_BACKEND");
    if (backend != NULL && strcmp(backend, "openssl") == 0) {
        p.backend = GALOIS_SRTP_BACKEND_OPENSSL;
    }
    struct galois_srtp *s = NULL;
    galois_err err = galois_srtp_new(&s, &p);
    galois_secure_zero(&mk, sizeof(mk));
    if (err != GALOIS_ERR_OK) {
        fprintf(stderr, "srtp_udp_peer: galois_srtp_new: %s\n", galois_err_str(err));
    }
    return s;
}

static int udp_socket(uint16_t bind_port)
{
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        perror("srtp_udp_peer: socket");
        return -1;
    }
    if (bind_port != 0) {
        struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(bind_port)};
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (bind(fd, (const struct sockaddr *)&a, sizeof(a)) != 0) {
            perror("srtp_udp_peer: bind");
            close(fd);
            return -1;
        }
    }
    return fd;
}

static int do_send(char **argv)
{
    bool ok = true;
    uint16_t port = (uint16_t)number(argv[3], 65535, "port", &ok);
    uint32_t ssrc = (uint32_t)number(argv[4], UINT32_MAX, "ssrc", &ok);
    unsigned long count = number(argv[5], 100000, "count", &ok);
    unsigned long hz = number(argv[6], 3900, "tone", &ok);
    if (!ok) {
        return 2;
    }
    struct galois_srtp *s = session(argv[1], argv[2], GALOIS_SRTP_SEND);
    int fd = s == NULL ? -1 : udp_socket(0);
    if (fd < 0) {
        galois_srtp_free(s);
        return 1;
    }
    struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons(port)};
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    struct galois_tone tone;
    galois_tone_init(&tone, (double)hz, 0.5, 8000);
    uint64_t next = now_us();
    unsigned long sent = 0;
    unsigned long errors = 0;
    for (unsigned long i = 0; i < count; i++) {
        int16_t pcm[GALOIS_MEDIA_FRAME];
        uint8_t pkt[MAX_PKT];
        galois_tone_fill(&tone, pcm, GALOIS_MEDIA_FRAME);
        uint16_t seq = (uint16_t)(i + 1);
        uint32_t ts = (uint32_t)(i * GALOIS_MEDIA_FRAME);
        pkt[0] = 0x80;
        pkt[1] = (uint8_t)(i == 0 ? 0x80 : 0x00);  // marker on the first, PT 0 (PCMU)
        pkt[2] = (uint8_t)(seq >> 8);
        pkt[3] = (uint8_t)seq;
        for (int b = 0; b < 4; b++) {
            pkt[4 + b] = (uint8_t)(ts >> (24 - 8 * b));
            pkt[8 + b] = (uint8_t)(ssrc >> (24 - 8 * b));
        }
        for (size_t k = 0; k < GALOIS_MEDIA_FRAME; k++) {
            pkt[RTP_HDR + k] = galois_g711_ulaw_encode(pcm[k]);
        }
        size_t len = 0;
        galois_err err =
            galois_srtp_protect(s, pkt, &len, sizeof(pkt), pkt, RTP_HDR + GALOIS_MEDIA_FRAME);
        if (err != GALOIS_ERR_OK) {
            fprintf(stderr, "srtp_udp_peer: protect: %s\n", galois_err_str(err));
            errors++;
            continue;
        }
        if (sendto(fd, pkt, len, 0, (const struct sockaddr *)&to, sizeof(to)) == (ssize_t)len) {
            sent++;
        } else {
            errors++;
        }
        next += 20000;
        struct timespec at = {.tv_sec = (time_t)(next / 1000000u),
                              .tv_nsec = (long)(next % 1000000u) * 1000};
        while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &at, NULL) == EINTR) {
        }
    }
    printf("sent=%lu errors=%lu suite=%s backend=%s\n", sent, errors, argv[1],
           backend_name(galois_srtp_backend_used(s)));
    close(fd);
    galois_srtp_free(s);
    return 0;
}

static void print_tone(const struct galois_tone_detector *d)
{
    double hz = 0;
    double purity = 0;
    if (galois_tone_detector_result(d, &hz, &purity) != GALOIS_ERR_OK) {
        hz = 0;
        purity = 0;
    }
    printf(" hz=%.1f purity=%.2f\n", hz, purity);
}

static int do_recv(char **argv)
{
    bool ok = true;
    uint16_t port = (uint16_t)number(argv[3], 65535, "port", &ok);
    unsigned long count = number(argv[4], 100000, "count", &ok);
    unsigned long seconds = number(argv[5], 600, "seconds", &ok);
    if (!ok) {
        return 2;
    }
    struct galois_tone_detector *d = NULL;
    if (galois_tone_detector_new(&d, 8000) != GALOIS_ERR_OK) {
        return 1;
    }
    struct galois_srtp *s = session(argv[1], argv[2], GALOIS_SRTP_RECEIVE);
    int fd = s == NULL ? -1 : udp_socket(port);
    if (fd < 0) {
        galois_srtp_free(s);
        galois_tone_detector_free(d);
        return 1;
    }
    printf("listening port=%u\n", (unsigned)port);
    fflush(stdout);
    uint64_t deadline = now_us() + (uint64_t)seconds * 1000000u;
    unsigned long datagrams = 0;
    unsigned long accepted = 0;
    unsigned long auth_fail = 0;
    unsigned long replay = 0;
    unsigned long other = 0;
    unsigned long not_pcmu = 0;
    while (accepted < count) {
        uint64_t now = now_us();
        if (now >= deadline) {
            break;
        }
        struct pollfd pfd = {.fd = fd, .events = POLLIN};
        int wait_ms = (int)((deadline - now) / 1000u) + 1;
        if (poll(&pfd, 1, wait_ms) <= 0) {
            continue;
        }
        uint8_t pkt[MAX_PKT];
        ssize_t n = recv(fd, pkt, sizeof(pkt), 0);
        if (n <= 0) {
            continue;
        }
        datagrams++;
        size_t len = 0;
        galois_err err = galois_srtp_unprotect(s, pkt, &len, sizeof(pkt), pkt, (size_t)n);
        if (err == GALOIS_ERR_AUTH) {
            auth_fail++;
            continue;
        }
        if (err == GALOIS_ERR_REPLAY) {
            replay++;
            continue;
        }
        if (err != GALOIS_ERR_OK || len < RTP_HDR) {
            other++;
            continue;
        }
        accepted++;
        size_t hdr = RTP_HDR + 4u * (pkt[0] & 0x0f);
        if ((pkt[1] & 0x7f) != 0 || len < hdr) {
            not_pcmu++;
            continue;
        }
        int16_t pcm[MAX_PKT];
        for (size_t k = hdr; k < len; k++) {
            pcm[k - hdr] = galois_g711_ulaw_decode(pkt[k]);
        }
        galois_tone_detector_feed(d, pcm, len - hdr);
    }
    printf(
        "datagrams=%lu accepted=%lu auth_fail=%lu replay=%lu other=%lu not_pcmu=%lu "
        "suite=%s backend=%s",
        datagrams, accepted, auth_fail, replay, other, not_pcmu, argv[1],
        backend_name(galois_srtp_backend_used(s)));
    print_tone(d);
    close(fd);
    galois_srtp_free(s);
    galois_tone_detector_free(d);
    return 0;
}

static int do_wav(const char *path)
{
    struct galois_wav_reader *r = NULL;
    char why[256] = "";
    galois_err err = galois_wav_reader_open(&r, path, false, why, sizeof(why));
    if (err != GALOIS_ERR_OK) {
        fprintf(stderr, "srtp_udp_peer: %s: %s %s\n", path, galois_err_str(err), why);
        return 1;
    }
    struct galois_tone_detector *d = NULL;
    if (galois_tone_detector_new(&d, 8000) != GALOIS_ERR_OK) {
        galois_wav_reader_close(r);
        return 1;
    }
    size_t total = 0;
    for (;;) {
        int16_t pcm[GALOIS_MEDIA_FRAME];
        size_t n = 0;
        if (galois_wav_reader_read(r, pcm, GALOIS_MEDIA_FRAME, &n) != GALOIS_ERR_OK || n == 0) {
            break;
        }
        galois_tone_detector_feed(d, pcm, n);
        total += n;
    }
    printf("samples=%zu", total);
    print_tone(d);
    galois_tone_detector_free(d);
    galois_wav_reader_close(r);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 8 && strcmp(argv[1], "send") == 0) {
        return do_send(argv + 1);
    }
    if (argc == 7 && strcmp(argv[1], "recv") == 0) {
        return do_recv(argv + 1);
    }
    if (argc == 3 && strcmp(argv[1], "wav") == 0) {
        return do_wav(argv[2]);
    }
    return usage();
}
