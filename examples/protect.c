// protect: the smallest complete use of galois. A sender and a receiver share one random
// AEAD_AES_256_GCM master key; the sender protects an RTP packet, the receiver unprotects it.
//
//   cc -std=c11 protect.c $(pkg-config --cflags --libs galois) -o protect && ./protect
#include <galois/srtp.h>
#include <stdio.h>
#include <string.h>

int main(void)
{
    struct galois_srtp *sender = NULL;
    struct galois_srtp *receiver = NULL;
    // One master key, as SDES or DTLS-SRTP would deliver it: a 32-byte key and a 12-byte salt.
    struct galois_srtp_master_key key = {0};
    galois_err err = galois_random_bytes(key.key, 32);
    if (err == GALOIS_ERR_OK) {
        err = galois_random_bytes(key.salt, 12);
    }
    struct galois_srtp_policy policy = {
        .suite = GALOIS_SRTP_AEAD_AES_256_GCM,
        .direction = GALOIS_SRTP_SEND,
        .keys = &key,
        .num_keys = 1,
        .accept_any_ssrc = true,  // serve whatever SSRC comes along
    };
    if (err == GALOIS_ERR_OK) {
        err = galois_srtp_new(&sender, &policy);
    }
    policy.direction = GALOIS_SRTP_RECEIVE;
    if (err == GALOIS_ERR_OK) {
        err = galois_srtp_new(&receiver, &policy);
    }
    galois_secure_zero(&key, sizeof(key));  // each session keeps its own copy

    // RTP header: V=2, PT 0 (PCMU), SEQ 1, timestamp 160, SSRC 0x11223344; then the payload.
    const uint8_t rtp[] = {0x80, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0xa0, 0x11,
                           0x22, 0x33, 0x44, 'h',  'e',  'l',  'l',  'o'};
    uint8_t srtp[sizeof(rtp) + GALOIS_SRTP_MAX_OVERHEAD];
    uint8_t plain[sizeof(srtp)];
    size_t srtp_len = 0;
    size_t plain_len = 0;
    if (err == GALOIS_ERR_OK) {
        err = galois_srtp_protect(sender, srtp, &srtp_len, sizeof(srtp), rtp, sizeof(rtp));
    }
    if (err == GALOIS_ERR_OK) {
        err = galois_srtp_unprotect(receiver, plain, &plain_len, sizeof(plain), srtp, srtp_len);
    }
    if (err == GALOIS_ERR_OK) {
        bool same = plain_len == sizeof(rtp) && memcmp(plain, rtp, sizeof(rtp)) == 0;
        printf("RTP %zu bytes -> SRTP %zu bytes -> RTP %zu bytes, payload \"%.*s\": %s\n",
               sizeof(rtp), srtp_len, plain_len, (int)(plain_len - 12), (const char *)plain + 12,
               same ? "round trip ok" : "MISMATCH");
        err = same ? GALOIS_ERR_OK : GALOIS_ERR_AUTH;
    } else {
        fprintf(stderr, "protect: %s\n", galois_err_str(err));
    }
    galois_srtp_free(sender);
    galois_srtp_free(receiver);
    return err == GALOIS_ERR_OK ? 0 : 1;
}
