// A galois DTLS-SRTP endpoint over a real UDP socket on 127.0.0.1, for the interop test against
// openssl s_server / s_client (openssl_interop.sh). It prints the negotiated profile and the
// RFC 5764 §4.2 keying material in OpenSSL's layout (client key, server key, client salt,
// server salt), so the two can be compared byte for byte, and exits 0 once connected.
//
//   dtls_udp_peer client|server PORT PROFILES "sha-256 AB:CD:..."
#include <arpa/inet.h>
#include <galois/dtls.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void hex(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        printf("%02X", p[i]);
    }
}

// flush sends every datagram waiting at `d`.
static int flush(struct galois_dtls *d, int fd)
{
    uint8_t buf[2048];
    for (;;) {
        size_t len = 0;
        if (galois_dtls_output(d, buf, &len, sizeof(buf)) != GALOIS_ERR_OK) {
            return -1;
        }
        if (len == 0) {
            return 0;
        }
        if (send(fd, buf, len, 0) < 0) {
            perror("send");
            return -1;
        }
    }
}

static void print_keys(struct galois_dtls *d, bool client)
{
    struct galois_dtls_keys k;
    struct galois_dtls_info info;
    char line[512];
    if (galois_dtls_keys(d, &k, NULL, NULL) != GALOIS_ERR_OK ||
        galois_dtls_get_info(d, &info) != GALOIS_ERR_OK ||
        galois_dtls_info_text(line, sizeof(line), &info) != GALOIS_ERR_OK) {
        printf("FAIL no keys\n");
        return;
    }
    const struct galois_srtp_suite_info *si = galois_srtp_suite_get_info(k.suite);
    const struct galois_srtp_master_key *ck = client ? &k.send : &k.recv;
    const struct galois_srtp_master_key *sk = client ? &k.recv : &k.send;
    printf("info=%s\nprofile=%s\nkeying=", line, info.srtp_profile);
    hex(ck->key, si->key_len);
    hex(sk->key, si->key_len);
    hex(ck->salt, si->salt_len);
    hex(sk->salt, si->salt_len);
    printf("\n");
    galois_secure_zero(&k, sizeof(k));
}

// run drives the handshake over `fd` (a client's connected, a server's bound) until connected
// and a little after, printing the outcome. Returns the exit code.
static int run(struct galois_dtls *d, int fd, bool client)
{
    printf("ready\n");
    fflush(stdout);
    bool peer_known = client;
    int64_t deadline = now_ms() + 10000;
    int64_t linger_until = -1;
    uint8_t buf[GALOIS_DTLS_MAX_DATAGRAM];
    while (now_ms() < deadline) {
        if (peer_known && flush(d, fd) != 0) {
            return 1;
        }
        enum galois_dtls_state st = galois_dtls_state(d);
        if (st == GALOIS_DTLS_FAILED) {
            printf("FAIL %s\n", galois_dtls_error(d));
            return 1;
        }
        if (st == GALOIS_DTLS_CONNECTED && linger_until < 0) {
            print_keys(d, client);
            fflush(stdout);
            linger_until = now_ms() + 300;  // answer a retransmitted flight, if any
        }
        if (linger_until >= 0 && now_ms() >= linger_until) {
            break;
        }
        int64_t t = galois_dtls_timeout_ms(d);
        int wait = t < 0 || t > 50 ? 50 : (int)t;
        struct pollfd pfd = {.fd = fd, .events = POLLIN};
        if (poll(&pfd, 1, wait) > 0) {
            struct sockaddr_in from;
            socklen_t from_len = sizeof(from);
            ssize_t n = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &from_len);
            if (n > 0 && !peer_known) {
                if (connect(fd, (struct sockaddr *)&from, from_len) != 0) {
                    perror("connect");
                    return 2;
                }
                peer_known = true;
            }
            if (n > 0) {
                galois_err err = galois_dtls_input(d, buf, (size_t)n);
                (void)err;  // failures show in the state
            }
        } else if (galois_dtls_timeout_ms(d) == 0) {
            galois_err err = galois_dtls_on_timeout(d);
            (void)err;
        }
    }
    if (galois_dtls_state(d) != GALOIS_DTLS_CONNECTED) {
        printf("FAIL timed out in state %s\n", galois_dtls_state_name(galois_dtls_state(d)));
        return 1;
    }
    galois_dtls_close(d);
    (void)flush(d, fd);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: %s client|server PORT PROFILES FINGERPRINT\n", argv[0]);
        return 2;
    }
    bool client = strcmp(argv[1], "client") == 0;
    struct galois_dtls_fingerprint fp;
    struct galois_dtls_policy pol;
    struct galois_dtls_cert *cert = NULL;
    struct galois_dtls *d = NULL;
    char why[GALOIS_DTLS_MAX_WHY_LEN];
    galois_dtls_policy_default(&pol);
    pol.initial_timeout_ms = 200;
    if (galois_dtls_fingerprint_parse(&fp, argv[4], strlen(argv[4])) != GALOIS_ERR_OK ||
        galois_dtls_policy_set(&pol, "profiles", argv[3], why, sizeof(why)) != GALOIS_ERR_OK ||
        galois_dtls_cert_generate(&cert, 1) != GALOIS_ERR_OK ||
        galois_dtls_new(&d, client ? GALOIS_DTLS_CLIENT : GALOIS_DTLS_SERVER, &pol, cert, &fp, 1,
                        why, sizeof(why)) != GALOIS_ERR_OK) {
        fprintf(stderr, "setup failed: %s\n", why);
        galois_dtls_cert_free(cert);
        return 2;
    }
    galois_dtls_cert_free(cert);

    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(argv[2]))};
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || (client ? connect(fd, (struct sockaddr *)&addr, sizeof(addr))
                          : bind(fd, (struct sockaddr *)&addr, sizeof(addr))) != 0) {
        perror("socket");
        galois_dtls_free(d);
        return 2;
    }
    int rc = run(d, fd, client);
    galois_dtls_free(d);
    close(fd);
    return rc;
}
