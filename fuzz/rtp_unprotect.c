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

static uint8_t *alloc(size_t n)
{
    uint8_t *p = malloc(n > 0 ? n : 1);
    GALOIS_CHECK(p != NULL);
    return p;
}

// flip_bit returns a copy of `in` with one bit, picked from the contents, inverted.
static uint8_t *flip_bit(const uint8_t *in, size_t in_len)
{
    uint8_t *p = alloc(in_len);
    memcpy(p, in, in_len);
    size_t h = 0;
    for (size_t i = 0; i < in_len; i++) {
        h = h * 31 + in[i];
    }
    size_t bit = h % (in_len * 8);
    p[bit / 8] ^= (uint8_t)(1u << (bit % 8));
    return p;
}

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
    uint8_t *again = alloc(in_len);
    size_t again_len = 0;
    memset(again, 0xa5, in_len);
    GALOIS_CHECK(galois_srtp_unprotect(rx, again, &again_len, in_len, in, in_len) ==
                 GALOIS_ERR_REPLAY);
    GALOIS_CHECK(fuzz_all_zero(again, in_len));

    uint32_t roc = 0;
    GALOIS_CHECK(galois_srtp_get_roc(rx, &roc, ssrc) == GALOIS_ERR_OK);
    fuzz_forget(rx, ssrc);

    // Every bit is authenticated: one flipped bit is refused even on a fresh stream.
    uint8_t *flipped = flip_bit(in, in_len);
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
    uint8_t *re = alloc(in_len + 4);
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) {
        return 0;
    }
    uint8_t selector = data[0];
    const uint8_t *in = data + 1;
    size_t in_len = size - 1;
    struct galois_srtp *rx = fuzz_session(selector, GALOIS_SRTP_RECEIVE);
    size_t num_keys = (selector & FUZZ_MKI_FLAG) != 0 ? FUZZ_NUM_KEYS_MKI : 1;
    size_t overhead = trailer_len(rx, selector);
    uint32_t ssrc = in_len >= RTP_HEADER ? galois_get_u32(in + 8) : 0;

    // A separate output exactly as long as the plaintext of an accepted packet would be.
    size_t max_out = in_len >= overhead ? in_len - overhead : in_len;
    uint8_t *out = alloc(max_out);
    memset(out, 0xa5, max_out);
    size_t out_len = 0;
    uint64_t used_before[FUZZ_NUM_KEYS_MKI];
    uint64_t used_after[FUZZ_NUM_KEYS_MKI];
    struct galois_srtp_stats before;
    struct galois_srtp_stats after;
    fuzz_key_usage(rx, used_before, false, num_keys);
    GALOIS_CHECK(galois_srtp_get_stats(rx, &before, false, false, 0) == GALOIS_ERR_OK);
    galois_err err = galois_srtp_unprotect(rx, out, &out_len, max_out, in, in_len);
    fuzz_key_usage(rx, used_after, false, num_keys);
    GALOIS_CHECK(galois_srtp_get_stats(rx, &after, false, false, 0) == GALOIS_ERR_OK);
    GALOIS_CHECK(after.packets == before.packets + 1);
    GALOIS_CHECK((after.ok == before.ok + 1) == (err == GALOIS_ERR_OK));
    if (err == GALOIS_ERR_OK) {
        size_t key = fuzz_used_key(used_before, used_after, num_keys);
        check_accepted(rx, selector, key, ssrc, out, out_len, in, in_len);
    } else {
        GALOIS_CHECK(memcmp(used_before, used_after, num_keys * sizeof(used_before[0])) == 0);
        GALOIS_CHECK(fuzz_all_zero(out, max_out));
    }
    fuzz_forget(rx, ssrc);

    // In place, in a buffer as long as the input: the same verdict and the same plaintext.
    uint8_t *buf = alloc(in_len);
    memcpy(buf, in, in_len);
    size_t buf_len = 0;
    galois_err err_in_place = galois_srtp_unprotect(rx, buf, &buf_len, in_len, buf, in_len);
    GALOIS_CHECK(err_in_place == err);
    if (err == GALOIS_ERR_OK) {
        GALOIS_CHECK(buf_len == out_len && memcmp(buf, out, out_len) == 0);
    } else {
        GALOIS_CHECK(fuzz_all_zero(buf, in_len));
    }
    fuzz_forget(rx, ssrc);

    free(buf);
    free(out);
    return 0;
}
