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
    uint8_t *again = fuzz_alloc(in_len);
    size_t again_len = 0;
    memset(again, 0xa5, in_len);
    GALOIS_CHECK(galois_srtp_unprotect_rtcp(rx, again, &again_len, in_len, in, in_len) ==
                 GALOIS_ERR_REPLAY);
    GALOIS_CHECK(fuzz_all_zero(again, in_len));
    fuzz_forget(rx, ssrc);

    // Every bit is authenticated: one flipped bit is refused even on a fresh stream.
    uint8_t *flipped = fuzz_flip_bit(in, in_len);
    GALOIS_CHECK(galois_srtp_unprotect_rtcp(rx, again, &again_len, in_len, flipped, in_len) !=
                 GALOIS_ERR_OK);
    fuzz_forget(rx, galois_get_u32(flipped + 4));

    // A sender with the same master key and SRTCP index makes the same packet. (A NULL-cipher
    // sender always sends E = 0, so an accepted E = 1 packet cannot be remade exactly.)
    struct galois_srtp *tx = fuzz_session(selector, GALOIS_SRTP_SEND);
    uint8_t *re = fuzz_alloc(in_len);
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

static size_t rtcp_trailer_len(const struct galois_srtp *rx, uint8_t selector)
{
    (void)selector;
    return galois_srtp_overhead(rx, true);
}

static const struct fuzz_unprotect_target target = {
    .rtcp = true,
    .ssrc_offset = 4,
    .unprotect = galois_srtp_unprotect_rtcp,
    .trailer_len = rtcp_trailer_len,
    .check_accepted = check_accepted,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_unprotect(&target, data, size);
    return 0;
}
