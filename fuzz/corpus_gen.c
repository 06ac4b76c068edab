// corpus_gen RTP_DIR RTCP_DIR: writes seeds for the rtp_unprotect and rtcp_unprotect fuzz
// targets, made by the engine with the fuzz keys (srtp_fuzz.h): for every suite, with and
// without an MKI (both keys), a few RTP packets (plain, CSRCs and header extension, padding,
// SEQ about to wrap) and RTCP compound packets. It also writes one packet no galois sender
// makes: a NULL-cipher SRTCP packet with E = 1 and a valid tag. The published reference
// packets are written by make_corpus.py, which runs this program too.
#include <errno.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>

#include "srtp/internal.h"
#include "srtp_fuzz.h"

struct sample {
    const char *name;
    const uint8_t *p;
    size_t len;
};

static const uint8_t rtp_basic[] = {0x80, 0x0f, 0x12, 0x34, 0xde, 0xca, 0xfb, 0xad, 0xca, 0xfe,
                                    0xba, 0xbe, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab,
                                    0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab};
// V=2, X=1, CC=2, M=1 PT 96; two CSRCs; a one-byte-header extension (RFC 8285) of one word.
static const uint8_t rtp_csrc_ext[] = {0x92, 0xe0, 0x00, 0x01, 0x00, 0x00, 0x10, 0x00, 0x11, 0x22,
                                       0x33, 0x44, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02,
                                       0xbe, 0xde, 0x00, 0x01, 0x10, 0xff, 0x00, 0x00, 0x01, 0x02,
                                       0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c};
// V=2, P=1: four payload bytes and four of padding; SEQ 0xffff, the last before the ROC moves.
static const uint8_t rtp_padding[] = {0xa0, 0x00, 0xff, 0xff, 0x00, 0x00, 0x00, 0xa0, 0x55, 0x66,
                                      0x77, 0x88, 0x61, 0x62, 0x63, 0x64, 0x00, 0x00, 0x00, 0x04};
// The sender report of the reference vectors.
static const uint8_t rtcp_sr[] = {0x81, 0xc8, 0x00, 0x0b, 0xca, 0xfe, 0xba, 0xbe,
                                  0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab,
                                  0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab};
// A compound packet: an empty receiver report, then SDES with a CNAME.
static const uint8_t rtcp_rr_sdes[] = {0x80, 0xc9, 0x00, 0x01, 0x11, 0x22, 0x33, 0x44,
                                       0x81, 0xca, 0x00, 0x03, 0x11, 0x22, 0x33, 0x44,
                                       0x01, 0x04, 'g',  'a',  'l',  'o',  0x00, 0x00};

static int write_seed(const char *dir, const char *name, uint8_t selector, const uint8_t *p,
                      size_t len)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (f == NULL || fwrite(&selector, 1, 1, f) != 1 || fwrite(p, 1, len, f) != len) {
        fprintf(stderr, "corpus_gen: %s: %s\n", path, strerror(errno));
        if (f != NULL) {
            fclose(f);
        }
        return 1;
    }
    return fclose(f) == 0 ? 0 : 1;
}

static int gen(const char *dir, uint8_t selector, size_t key, const struct sample *s, bool rtcp)
{
    struct galois_srtp_policy policy;
    struct galois_srtp_master_key keys[FUZZ_NUM_KEYS_MKI];
    struct galois_srtp *tx = NULL;
    uint8_t out[256];
    size_t out_len = 0;
    fuzz_policy(&policy, keys, selector, GALOIS_SRTP_SEND);
    galois_err err = galois_srtp_new(&tx, &policy);
    if (err == GALOIS_ERR_OK) {
        err = galois_srtp_set_send_key(tx, key);
    }
    if (err == GALOIS_ERR_OK) {
        err = rtcp ? galois_srtp_protect_rtcp(tx, out, &out_len, sizeof(out), s->p, s->len)
                   : galois_srtp_protect(tx, out, &out_len, sizeof(out), s->p, s->len);
    }
    galois_srtp_free(tx);
    const char *suite = galois_srtp_suite_get_info(fuzz_suite(selector))->name;
    if (err != GALOIS_ERR_OK) {
        fprintf(stderr, "corpus_gen: %s %s: %s\n", suite, s->name, galois_err_str(err));
        return 1;
    }
    char name[128];
    snprintf(name, sizeof(name), "gen-%s-%s%s", suite, s->name,
             (selector & FUZZ_MKI_FLAG) == 0 ? ""
             : key == 0                      ? "-mki0"
                                             : "-mki1");
    return write_seed(dir, name, selector, out, out_len);
}

// null_e1 writes NULL_HMAC_SHA1_80 SRTCP with E = 1, index 7, tagged with the session
// authentication key derived by hand (RFC 3711 §4.3.2, label 0x04).
static int null_e1(const char *dir)
{
    uint8_t selector = fuzz_selector(GALOIS_SRTP_NULL_HMAC_SHA1_80, false);
    struct galois_srtp_policy policy;
    struct galois_srtp_master_key keys[FUZZ_NUM_KEYS_MKI];
    fuzz_policy(&policy, keys, selector, GALOIS_SRTP_RECEIVE);
    uint8_t auth_key[20];
    uint8_t pkt[sizeof(rtcp_sr) + 4 + 20];
    size_t mac_len = 0;
    memcpy(pkt, rtcp_sr, sizeof(rtcp_sr));
    galois_put_u32(pkt + sizeof(rtcp_sr), 0x80000007u);
    if (galois_srtp_kdf(auth_key, sizeof(auth_key), keys[0].key, 16, keys[0].salt, 14, 0x04, 0) !=
            GALOIS_ERR_OK ||
        EVP_Q_mac(NULL, "HMAC", NULL, "SHA1", NULL, auth_key, sizeof(auth_key), pkt,
                  sizeof(rtcp_sr) + 4, pkt + sizeof(rtcp_sr) + 4, 20, &mac_len) == NULL) {
        fprintf(stderr, "corpus_gen: NULL E=1 packet: key derivation or HMAC failed\n");
        return 1;
    }
    return write_seed(dir, "gen-NULL_HMAC_SHA1_80-sr-e1", selector, pkt, sizeof(rtcp_sr) + 4 + 10);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: corpus_gen RTP_DIR RTCP_DIR\n");
        return 2;
    }
    const struct sample rtp[] = {
        {"basic", rtp_basic, sizeof(rtp_basic)},
        {"csrc-ext", rtp_csrc_ext, sizeof(rtp_csrc_ext)},
        {"padding-seqffff", rtp_padding, sizeof(rtp_padding)},
    };
    const struct sample rtcp[] = {
        {"sr", rtcp_sr, sizeof(rtcp_sr)},
        {"rr-sdes", rtcp_rr_sdes, sizeof(rtcp_rr_sdes)},
    };
    int failed = 0;
    for (int suite = 1; suite < GALOIS_SRTP_SUITE_COUNT_; suite++) {
        for (int mki = 0; mki < 2; mki++) {
            uint8_t selector = fuzz_selector((enum galois_srtp_suite)suite, mki != 0);
            for (size_t i = 0; i < sizeof(rtp) / sizeof(rtp[0]); i++) {
                failed |= gen(argv[1], selector, mki != 0 ? i % 2 : 0, &rtp[i], false);
            }
            for (size_t i = 0; i < sizeof(rtcp) / sizeof(rtcp[0]); i++) {
                failed |= gen(argv[2], selector, mki != 0 ? i % 2 : 0, &rtcp[i], true);
            }
        }
    }
    failed |= null_e1(argv[2]);
    return failed;
}
