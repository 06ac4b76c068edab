// Fuzz target: a galois DTLS-SRTP server fed arbitrary datagrams. The input is a sequence of
// datagrams, each a 16-bit big-endian length and that many bytes (see fuzz/dtls_seeds.c,
// which writes the seeds from real handshakes). Each datagram goes through the record framing
// check, the RFC 7983 demultiplexer and OpenSSL's DTLS server with galois's callbacks (the
// use_srtp check of the ClientHello, the fingerprint check); whatever galois answers is drained.
// Invariants: galois_dtls_input refuses exactly what the framing check and the demultiplexer
// refuse, every datagram out fits the MTU, a failure always has a reason, and the use_srtp
// parser never reports more ids than the bytes hold.
#include <string.h>

#include "dtls/internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct galois_dtls_cert *cert;

static void use_srtp_check(const uint8_t *d, size_t len)
{
    uint16_t ids[8];
    size_t n = 0;
    if (dtls_use_srtp_parse(ids, GALOIS_ARRAY_LEN(ids), &n, d, len)) {
        GALOIS_CHECK(n >= 1 && 2 * n + 3 <= len);
    } else {
        GALOIS_CHECK(n == 0);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (cert == NULL && galois_dtls_cert_generate(&cert, 1) != GALOIS_ERR_OK) {
        abort();
    }
    use_srtp_check(data, size);
    struct galois_dtls_policy pol;
    galois_dtls_policy_default(&pol);
    if (size > 0 && (data[0] & 1)) {
        pol.mtu = GALOIS_DTLS_MIN_MTU;
    }
    struct galois_dtls_fingerprint fp = {.hash = GALOIS_DTLS_HASH_SHA256, .len = 32};
    memset(fp.value, 0x5a, fp.len);
    struct galois_dtls *d = NULL;
    GALOIS_CHECK(galois_dtls_new(&d, GALOIS_DTLS_SERVER, &pol, cert, &fp, 1, NULL, 0) ==
                 GALOIS_ERR_OK);

    struct galois_cur c;
    galois_cur_init(&c, data, size);
    uint16_t len = 0;
    struct galois_cur dgram;
    static uint8_t out[GALOIS_DTLS_MAX_DATAGRAM];
    while (galois_cur_u16(&c, &len) && galois_cur_take(&c, &dgram, len)) {
        const uint8_t *p = galois_cur_data(&dgram);
        size_t n = galois_cur_len(&dgram);
        enum galois_dtls_state before = galois_dtls_state(d);
        bool framed =
            n > 0 && galois_demux_classify(p[0]) == GALOIS_DEMUX_DTLS && dtls_datagram_ok(p, n);
        galois_err err = galois_dtls_input(d, p, n);
        if (before == GALOIS_DTLS_FAILED || before == GALOIS_DTLS_CLOSED) {
            GALOIS_CHECK(err == GALOIS_ERR_STATE);
        } else if (n > GALOIS_DTLS_MAX_DATAGRAM) {
            GALOIS_CHECK(err == GALOIS_ERR_LIMIT);
        } else {
            GALOIS_CHECK((err == GALOIS_ERR_PARSE) == !framed);
        }
        if (galois_dtls_state(d) == GALOIS_DTLS_FAILED) {
            GALOIS_CHECK(strlen(galois_dtls_error(d)) > 0);
        }
        size_t out_len = 0;
        do {
            GALOIS_CHECK(galois_dtls_output(d, out, &out_len, sizeof(out)) == GALOIS_ERR_OK);
            GALOIS_CHECK(out_len <= pol.mtu);
        } while (out_len > 0);
    }
    struct galois_dtls_keys k;
    if (galois_dtls_keys(d, &k, NULL, NULL) == GALOIS_ERR_OK) {
        galois_secure_zero(&k, sizeof(k));
    }
    galois_dtls_free(d);
    return 0;
}
