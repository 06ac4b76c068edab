// Shared by the SRTP fuzz targets and the corpus generator: how the first input byte picks a
// session, and the fixed master keys behind each one.
//
// The selector byte: bits 0-3 pick the suite (modulo the number of suites, in enum order from
// GALOIS_SRTP_AES_CM_128_HMAC_SHA1_80), bits 4-5 the header protection (0 none, 1 cryptex on,
// 2 cryptex required, 3 RFC 6904 with extension IDs 1, 3 and 4 as in RFC 6904 A.2), bit 6 picks
// the crypto backend (clear: GALOIS_SRTP_BACKEND_DEFAULT, so libgcrypt for AES-GCM in a build
// with it; set: GALOIS_SRTP_BACKEND_OPENSSL; seeds made before bit 6 had a meaning keep theirs,
// the default), bit 7 adds an MKI. The keys are those of the published
// reference packets in tests/vectors/libsrtp-reference.txt, so those packets are valid seeds:
// AES-128-CM and NULL suites use RFC 3711 B.3's e1f97a0d.../0ec675ad..., AES-192 and AES-256
// use RFC 6188 7.4 and 7.2, AEAD uses 000102...(0f or 1f) with salt a0a1...ab. With an MKI,
// key 0 has MKI e1f97a0d (libsrtp's srtp_validate_mki) and key 1 (every key byte inverted) has
// MKI 00000001.
#ifndef GALOIS_FUZZ_SRTP_FUZZ_H
#define GALOIS_FUZZ_SRTP_FUZZ_H

#include <galois/srtp.h>

enum {
    FUZZ_NUM_SUITES = GALOIS_SRTP_SUITE_COUNT_ - 1,
    FUZZ_MKI_FLAG = 0x80,
    FUZZ_OPENSSL_FLAG = 0x40,
    FUZZ_HDR_SHIFT = 4,
    FUZZ_HDR_NONE = 0,
    FUZZ_HDR_CRYPTEX = 1,
    FUZZ_HDR_CRYPTEX_REQUIRED = 2,
    FUZZ_HDR_RFC6904 = 3,
    FUZZ_NUM_HDR = 4,
    FUZZ_MKI_LEN = 4,
    FUZZ_NUM_KEYS_MKI = 2,
};

// fuzz_selector returns the selector byte for `suite`, with an MKI if `mki`.
uint8_t fuzz_selector(enum galois_srtp_suite suite, bool mki);

// fuzz_suite returns the suite `selector` picks.
enum galois_srtp_suite fuzz_suite(uint8_t selector);

// fuzz_hdr returns the header protection mode (FUZZ_HDR_*) `selector` picks.
unsigned fuzz_hdr(uint8_t selector);

// fuzz_policy fills `*policy` and `keys` (room for FUZZ_NUM_KEYS_MKI) for `selector`:
// accept_any_ssrc, allow_null_cipher, default windows.
void fuzz_policy(struct galois_srtp_policy *policy,
                 struct galois_srtp_master_key keys[FUZZ_NUM_KEYS_MKI], uint8_t selector,
                 enum galois_srtp_direction direction);

// fuzz_session returns the session for `selector` and `direction`, made on first use and kept
// for the life of the process (the fuzz targets remove every stream they create, so each input
// meets the same state). It aborts if the session cannot be made.
struct galois_srtp *fuzz_session(uint8_t selector, enum galois_srtp_direction direction);

// fuzz_forget removes stream `ssrc` from `srtp` if it is there.
void fuzz_forget(struct galois_srtp *srtp, uint32_t ssrc);

// fuzz_used_key returns which master key of `srtp` counts one more packet (`rtcp` selects the
// SRTCP count) in `after` than in `before` (arrays of FUZZ_NUM_KEYS_MKI counts, read with
// fuzz_key_usage), aborting unless exactly one key moved, by exactly one.
size_t fuzz_used_key(const uint64_t *before, const uint64_t *after, size_t num_keys);
void fuzz_key_usage(const struct galois_srtp *srtp, uint64_t *out, bool rtcp, size_t num_keys);

// fuzz_all_zero tells whether the `len` bytes at `p` are all zero.
bool fuzz_all_zero(const uint8_t *p, size_t len);

// fuzz_alloc returns `n` bytes (at least 1) or aborts.
uint8_t *fuzz_alloc(size_t n);

// fuzz_flip_bit returns a copy of `in` with one bit, picked from the contents, inverted.
uint8_t *fuzz_flip_bit(const uint8_t *in, size_t in_len);

// fuzz_unprotect_target describes one unprotect fuzz target (RTP or SRTCP) to the shared
// driver: the unprotect call, where the SSRC sits, what unprotect takes off an accepted packet,
// and the checks for an accepted packet.
struct fuzz_unprotect_target {
    bool rtcp;
    size_t ssrc_offset;  // 8 for RTP, 4 for RTCP
    galois_err (*unprotect)(struct galois_srtp *rx, uint8_t *out, size_t *out_len,
                            size_t max_out_len, const uint8_t *in, size_t in_len);
    size_t (*trailer_len)(const struct galois_srtp *rx, uint8_t selector);
    void (*check_accepted)(struct galois_srtp *rx, uint8_t selector, size_t key, uint32_t ssrc,
                           const uint8_t *plain, size_t plain_len, const uint8_t *in,
                           size_t in_len);
};

// fuzz_unprotect runs one input (selector byte, then the packet) through `t`: unprotect into a
// separate, tight buffer and again in place; both give the same verdict and plaintext; a
// refused packet leaves no plaintext, counts no key use and moves the counters by one; an
// accepted one goes through t->check_accepted. Where the selector's session and the one of the
// other backend (bit 6 flipped) differ in backend, the other gives the same verdict and
// plaintext too. Every stream made is removed again.
void fuzz_unprotect(const struct fuzz_unprotect_target *t, const uint8_t *data, size_t size);

#endif  // GALOIS_FUZZ_SRTP_FUZZ_H
