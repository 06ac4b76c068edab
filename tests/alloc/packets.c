// packets SUITE N [BACKEND]: protects and unprotects N RTP packets and N SRTCP packets of 160
// bytes with one sender and one receiver session, on BACKEND (default, openssl, libgcrypt or
// nettle).
// Run under valgrind by check.sh, which compares the heap allocations of two runs that differ
// only in N: whatever grows with N is allocated per packet. Exits 77 when the backend cannot
// serve the suite in this build.
#include <galois/srtp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    if (argc != 3 && argc != 4) {
        fprintf(stderr, "usage: packets SUITE N [default|openssl|libgcrypt|nettle]\n");
        return 2;
    }
    // In the order of enum galois_srtp_backend.
    static const char *const names[] = {"default", "openssl", "libgcrypt", "nettle"};
    int b = argc == 3 ? 0 : -1;
    for (int i = 0; argc == 4 && i < 4; i++) {
        b = strcmp(argv[3], names[i]) == 0 ? i : b;
    }
    if (b < 0) {
        fprintf(stderr, "packets: unknown backend %s\n", argv[3]);
        return 2;
    }
    enum galois_srtp_backend backend = (enum galois_srtp_backend)b;
    enum galois_srtp_suite suite = galois_srtp_suite_from_name(argv[1], strlen(argv[1]));
    long n = strtol(argv[2], NULL, 10);
    if (suite == GALOIS_SRTP_SUITE_NONE || n <= 0) {
        fprintf(stderr, "packets: bad suite or count\n");
        return 2;
    }
    struct galois_srtp_master_key key = {0};
    memset(key.key, 0x11, sizeof(key.key));
    memset(key.salt, 0x22, sizeof(key.salt));
    struct galois_srtp_policy policy = {
        .suite = suite,
        .direction = GALOIS_SRTP_SEND,
        .keys = &key,
        .num_keys = 1,
        .accept_any_ssrc = true,
        .allow_null_cipher = true,
        .backend = backend,
    };
    struct galois_srtp *tx = NULL;
    struct galois_srtp *rx = NULL;
    galois_err err = galois_srtp_new(&tx, &policy);
    if (err == GALOIS_ERR_UNSUPPORTED) {
        return 77;
    }
    if (err != GALOIS_ERR_OK) {
        return 1;
    }
    policy.direction = GALOIS_SRTP_RECEIVE;
    if (galois_srtp_new(&rx, &policy) != GALOIS_ERR_OK) {
        return 1;
    }
    uint8_t pkt[12 + 160 + GALOIS_SRTP_MAX_OVERHEAD];
    int failures = 0;
    for (long i = 0; i < n; i++) {
        size_t len = 0;
        memset(pkt, 0xab, sizeof(pkt));
        pkt[0] = 0x80;
        pkt[1] = 0;
        pkt[2] = (uint8_t)(i >> 8);
        pkt[3] = (uint8_t)i;
        pkt[8] = 0xca;
        failures += galois_srtp_protect(tx, pkt, &len, sizeof(pkt), pkt, 172) != GALOIS_ERR_OK;
        failures += galois_srtp_unprotect(rx, pkt, &len, sizeof(pkt), pkt, len) != GALOIS_ERR_OK;
        memset(pkt, 0xcd, sizeof(pkt));
        pkt[0] = 0x80;
        pkt[1] = 200;
        pkt[2] = 0;
        pkt[3] = 42;  // length in words - 1: 172 bytes
        pkt[4] = 0xca;
        failures += galois_srtp_protect_rtcp(tx, pkt, &len, sizeof(pkt), pkt, 172) != GALOIS_ERR_OK;
        failures +=
            galois_srtp_unprotect_rtcp(rx, pkt, &len, sizeof(pkt), pkt, len) != GALOIS_ERR_OK;
    }
    printf("%s on %s: %ld packets each way, %d failures\n", argv[1],
           names[galois_srtp_backend_used(rx)], n, failures);
    galois_srtp_free(tx);
    galois_srtp_free(rx);
    return failures == 0 ? 0 : 1;
}
