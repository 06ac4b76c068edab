// Fuzz target: galois_srtp_unprotect on a fixed-key receiver, and what must hold of an accepted
// packet. Input: one selector byte (suite and MKI, see srtp_fuzz.h), then the SRTP packet.
//
// For every input: unprotect into a separate, tight buffer and again in place; both give the
// same verdict and plaintext; a refused packet leaves no plaintext, counts no key use and moves
// the counters by one. For an accepted one: the header is unchanged and the lengths add up;
// the same packet again is a replay; any one flipped bit is refused; and a sender with the same
// key, ROC and index protects the plaintext back to exactly the input. Every stream made is
// removed again, so each input meets the same session state.
#include <stdlib.h>
#include <string.h>

#include "common/internal.h"
#include "srtp_fuzz.h"

enum { RTP_HEADER = 12 };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

// is_cryptex tells whether the RTP header at `p` carries a cryptex extension profile.
static bool is_cryptex(const uint8_t *p, size_t len)
{
    size_t ext = RTP_HEADER + 4u * (p[0] & 0x0fu);
    return (p[0] & 0x10u) != 0 && ext + 2 <= len && p[ext] >= 0xc0 && p[ext + 1] == 0xde;
}

// trailer_len is what unprotect removes: MKI and tag. A cryptex session's overhead also counts
// the 4 bytes a sender may add (an empty extension), which a receiver does not take off.
static size_t trailer_len(const struct galois_srtp *rx, uint8_t selector)
{
    bool cryptex =
        !galois_srtp_suite_get_info(fuzz_suite(selector))->null_cipher &&
        (fuzz_hdr(selector) == FUZZ_HDR_CRYPTEX || fuzz_hdr(selector) == FUZZ_HDR_CRYPTEX_REQUIRED);
    return galois_srtp_overhead(rx, false) - (cryptex ? 4 : 0);
}

static void check_accepted(struct galois_srtp *rx, uint8_t selector, size_t key, uint32_t ssrc,
                           const uint8_t *plain, size_t plain_len, const uint8_t *in, size_t in_len)
{
    GALOIS_CHECK(plain_len + trailer_len(rx, selector) == in_len);
    GALOIS_CHECK(plain_len >= RTP_HEADER && memcmp(plain, in, RTP_HEADER) == 0);

    // The same packet again is a replay, and leaves nothing in the output.
    uint8_t *again = fuzz_alloc(in_len);
    size_t again_len = 0;
    memset(again, 0xa5, in_len);
    GALOIS_CHECK(galois_srtp_unprotect(rx, again, &again_len, in_len, in, in_len) ==
                 GALOIS_ERR_REPLAY);
    GALOIS_CHECK(fuzz_all_zero(again, in_len));

    uint32_t roc = 0;
    GALOIS_CHECK(galois_srtp_get_roc(rx, &roc, ssrc) == GALOIS_ERR_OK);
    fuzz_forget(rx, ssrc);

    // Every bit is authenticated: one flipped bit is refused even on a fresh stream.
    uint8_t *flipped = fuzz_flip_bit(in, in_len);
    GALOIS_CHECK(galois_srtp_unprotect(rx, again, &again_len, in_len, flipped, in_len) !=
                 GALOIS_ERR_OK);
    fuzz_forget(rx, galois_get_u32(flipped + 8));

    // A sender with the same master key, ROC and index makes the same packet. A cryptex-on
    // receiver also accepts plain packets with CSRCs or an extension; a cryptex sender would
    // protect those in the cryptex form, so such a packet is re-made without cryptex.
    uint8_t tx_selector = selector;
    if (fuzz_hdr(selector) == FUZZ_HDR_CRYPTEX && !is_cryptex(in, in_len)) {
        tx_selector = (uint8_t)(selector & ~(3u << FUZZ_HDR_SHIFT));
    }
    struct galois_srtp *tx = fuzz_session(tx_selector, GALOIS_SRTP_SEND);
    // (A cryptex sender asks for room for an empty extension it may add: 4 bytes.)
    uint8_t *re = fuzz_alloc(in_len + 4);
    size_t re_len = 0;
    GALOIS_CHECK(galois_srtp_set_roc(tx, ssrc, roc) == GALOIS_ERR_OK);
    GALOIS_CHECK(galois_srtp_set_send_key(tx, key) == GALOIS_ERR_OK);
    GALOIS_CHECK(galois_srtp_protect(tx, re, &re_len, in_len + 4, plain, plain_len) ==
                 GALOIS_ERR_OK);
    GALOIS_CHECK(re_len == in_len && memcmp(re, in, in_len) == 0);
    fuzz_forget(tx, ssrc);

    free(re);
    free(flipped);
    free(again);
}

static const struct fuzz_unprotect_target target = {
    .rtcp = false,
    .ssrc_offset = 8,
    .unprotect = galois_srtp_unprotect,
    .trailer_len = trailer_len,
    .check_accepted = check_accepted,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_unprotect(&target, data, size);
    return 0;
}
