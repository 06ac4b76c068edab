// Internal interfaces of the SRTP layer, visible to its tests.
#ifndef GALOIS_SRC_SRTP_INTERNAL_H
#define GALOIS_SRC_SRTP_INTERNAL_H

#include <galois/srtp.h>

#include "../common/internal.h"

// galois_srtp_kdf derives `out_len` bytes of session key material with the AES-CM PRF of
// RFC 3711 §4.3.1 (RFC 6188 §3 for AES-192/256): the master key is `key_len` bytes, the master
// salt `salt_len` bytes (14, or 12 for AEAD suites: RFC 7714 erratum 4938 appends two zero
// bytes), `label` is 0x00..0x07 and `index_div_kdr` is r = index DIV kdr (0 when kdr is 0).
GALOIS_MUST_CHECK galois_err galois_srtp_kdf(uint8_t *out, size_t out_len, const uint8_t *key,
                                             size_t key_len, const uint8_t *salt, size_t salt_len,
                                             uint8_t label, uint64_t index_div_kdr);

// The replay window: a bitmap over the last `size` indexes (RFC 3711 §3.3.2), in the shape of
// RFC 6479 (a ring of words, no shifting). Checking is read-only; only an authenticated packet
// is committed.
struct galois_replay {
    uint64_t *bits;  // galois_replay_words(size) words, owned by the session's stream table
    size_t size;     // a multiple of 64, GALOIS_SRTP_MIN_WINDOW .. GALOIS_SRTP_MAX_WINDOW
    size_t mask;     // number of words - 1 (a power of two)
    uint64_t top;    // highest committed index
    bool any;        // whether anything has been committed
};

enum galois_replay_verdict {
    GALOIS_REPLAY_FRESH = 0,  // newer than top, or inside the window and not seen
    GALOIS_REPLAY_SEEN,       // inside the window and seen
    GALOIS_REPLAY_TOO_OLD,    // older than the window
};

// galois_replay_words returns how many words a window of `size` packets needs: one more than
// size / 64 (the word holding the top index also covers indexes above it), rounded up to a
// power of two so the ring index is a mask.
size_t galois_replay_words(size_t size);
void galois_replay_init(struct galois_replay *r, uint64_t *bits, size_t size);
enum galois_replay_verdict galois_replay_check(const struct galois_replay *r, uint64_t index);
void galois_replay_commit(struct galois_replay *r, uint64_t index);

// galois_srtp_estimate_index returns the packet index for `seq` given the highest authenticated
// index so far, `s_l`-and-ROC as one 48-bit value `last` (RFC 3711 §3.3.1 / Appendix A).
uint64_t galois_srtp_estimate_index(uint64_t last, uint16_t seq);

// galois_srtp_set_session_keys replaces the derived session keys of master key `key_index`
// for SRTP (`rtcp` false) or SRTCP (`rtcp` true) with the given ones. It exists so tests can
// run vectors that publish session keys and no master key (RFC 7714 §16-17) through the whole
// packet path. `auth_key` is ignored (may be NULL) for AEAD suites. Only with kdr 0.
GALOIS_MUST_CHECK galois_err galois_srtp_set_session_keys(
    struct galois_srtp *srtp, size_t key_index, bool rtcp, const uint8_t *key, size_t key_len,
    const uint8_t *salt, size_t salt_len, const uint8_t *auth_key, size_t auth_key_len);

#endif  // GALOIS_SRC_SRTP_INTERNAL_H
