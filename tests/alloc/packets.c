// packets SUITE N: protects and unprotects N RTP packets and N SRTCP packets of 160 bytes with
// one sender and one receiver session. Run under valgrind by check.sh, which compares the heap
// allocations of two runs that differ only in N: whatever grows with N is allocated per packet.
#include <galois/srtp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: packets SUITE N\n");
        return 2;
    }
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
    };
    struct galois_srtp *tx = NULL;
    struct galois_srtp *rx = NULL;
    if (galois_srtp_new(&tx, &policy) != GALOIS_ERR_OK) {
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
    galois_srtp_free(tx);
    galois_srtp_free(rx);
    printf("%s: %ld packets each way, %d failures\n", argv[1], n, failures);
    return failures == 0 ? 0 : 1;
}
