// Fuzz target: galois_srtp_unprotect_rtcp on a fixed-key receiver, and what must hold of an
// accepted packet. Input: one selector byte (suite and MKI, see srtp_fuzz.h), then the SRTCP
// packet.
//
// For every input: unprotect into a separate, tight buffer and again in place; both give the
// same verdict and plaintext; a refused packet leaves no plaintext, counts no key use and moves
// the counters by one. For an accepted one: the header is unchanged and the lengths add up;
// an encrypting session accepted E = 1 only; the same packet again is a replay; any one
// flipped bit is refused; and a sender with the same key and SRTCP index protects the
// plaintext back to exactly the input. Every stream made is removed again, so each input meets
// the same session state.
#include <stdlib.h>
#include <string.h>

#include "common/internal.h"
#include "srtp_fuzz.h"

enum { RTCP_HEADER = 8 };

#define E_FLAG 0x80000000u

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

static void check_accepted(struct galois_srtp *rx, uint8_t selector, size_t key, uint32_t ssrc,
                           const uint8_t *plain, size_t plain_len, const uint8_t *in, size_t in_len)
{
    const struct galois_srtp_suite_info *info = galois_srtp_suite_get_info(fuzz_suite(selector));
    GALOIS_CHECK(plain_len + galois_srtp_overhead(rx, true) == in_len);
    GALOIS_CHECK(plain_len >= RTCP_HEADER && memcmp(plain, in, RTCP_HEADER) == 0);
    // The E||index word: after the tag for AEAD (RFC 7714 §17), else right after the payload.
    uint32_t word = galois_get_u32(in + plain_len + (info->aead ? info->rtcp_tag_len : 0));
    bool e = (word & E_FLAG) != 0;
    GALOIS_CHECK(e || info->null_cipher);  // the sessions here encrypt unless NULL

    // The same packet again is a replay, and leaves nothing in the output.
    uint8_t *again = alloc(in_len);
    size_t again_len = 0;
    memset(again, 0xa5, in_len);
    GALOIS_CHECK(galois_srtp_unprotect_rtcp(rx, again, &again_len, in_len, in, in_len) ==
                 GALOIS_ERR_REPLAY);
    GALOIS_CHECK(fuzz_all_zero(again, in_len));
    fuzz_forget(rx, ssrc);

    // Every bit is authenticated: one flipped bit is refused even on a fresh stream.
    uint8_t *flipped = flip_bit(in, in_len);
    GALOIS_CHECK(galois_srtp_unprotect_rtcp(rx, again, &again_len, in_len, flipped, in_len) !=
                 GALOIS_ERR_OK);
    fuzz_forget(rx, galois_get_u32(flipped + 4));

    // A sender with the same master key and SRTCP index makes the same packet. (A NULL-cipher
    // sender always sends E = 0, so an accepted E = 1 packet cannot be remade exactly.)
    struct galois_srtp *tx = fuzz_session(selector, GALOIS_SRTP_SEND);
    uint8_t *re = alloc(in_len);
    size_t re_len = 0;
    GALOIS_CHECK(galois_srtp_set_rtcp_index(tx, ssrc, word & ~E_FLAG) == GALOIS_ERR_OK);
    GALOIS_CHECK(galois_srtp_set_send_key(tx, key) == GALOIS_ERR_OK);
    GALOIS_CHECK(galois_srtp_protect_rtcp(tx, re, &re_len, in_len, plain, plain_len) ==
                 GALOIS_ERR_OK);
    GALOIS_CHECK(re_len == in_len);
    if (e != info->null_cipher) {
        GALOIS_CHECK(memcmp(re, in, in_len) == 0);
    }
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
    size_t overhead = galois_srtp_overhead(rx, true);
    uint32_t ssrc = in_len >= RTCP_HEADER ? galois_get_u32(in + 4) : 0;

    // A separate output exactly as long as the plaintext of an accepted packet would be.
    size_t max_out = in_len >= overhead ? in_len - overhead : in_len;
    uint8_t *out = alloc(max_out);
    memset(out, 0xa5, max_out);
    size_t out_len = 0;
    uint64_t used_before[FUZZ_NUM_KEYS_MKI];
    uint64_t used_after[FUZZ_NUM_KEYS_MKI];
    struct galois_srtp_stats before;
    struct galois_srtp_stats after;
    fuzz_key_usage(rx, used_before, true, num_keys);
    GALOIS_CHECK(galois_srtp_get_stats(rx, &before, true, false, 0) == GALOIS_ERR_OK);
    galois_err err = galois_srtp_unprotect_rtcp(rx, out, &out_len, max_out, in, in_len);
    fuzz_key_usage(rx, used_after, true, num_keys);
    GALOIS_CHECK(galois_srtp_get_stats(rx, &after, true, false, 0) == GALOIS_ERR_OK);
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
    galois_err err_in_place = galois_srtp_unprotect_rtcp(rx, buf, &buf_len, in_len, buf, in_len);
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
