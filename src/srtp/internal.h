// Internal interfaces of the SRTP layer, visible to its tests.
#ifndef GALOIS_SRC_SRTP_INTERNAL_H
#define GALOIS_SRC_SRTP_INTERNAL_H

#include <galois/srtp.h>
#include <string.h>

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

// galois_replay_check, galois_replay_commit and galois_srtp_estimate_index run for every packet,
// so they are inline (replay.c has the rest).

static inline size_t galois_replay_word_of(const struct galois_replay *r, uint64_t index)
{
    return (size_t)(index / 64) & r->mask;
}

static inline enum galois_replay_verdict galois_replay_check(const struct galois_replay *r,
                                                             uint64_t index)
{
    if (!r->any || index > r->top) {
        return GALOIS_REPLAY_FRESH;
    }
    // The ring has one word more than the window needs, because the word holding `top` also
    // covers indexes above it; so the last `size` indexes are always in it.
    if (r->top - index >= r->size) {
        return GALOIS_REPLAY_TOO_OLD;
    }
    uint64_t bit = 1ull << (index % 64);
    return (r->bits[galois_replay_word_of(r, index)] & bit) != 0 ? GALOIS_REPLAY_SEEN
                                                                 : GALOIS_REPLAY_FRESH;
}

static inline void galois_replay_commit(struct galois_replay *r, uint64_t index)
{
    size_t words = r->mask + 1;
    if (!r->any) {
        memset(r->bits, 0, words * sizeof(uint64_t));
        r->top = index;
        r->any = true;
    } else if (index > r->top) {
        uint64_t old_word = r->top / 64;
        uint64_t new_word = index / 64;
        uint64_t steps = new_word - old_word;
        if (steps >= words) {
            memset(r->bits, 0, words * sizeof(uint64_t));
        } else {
            for (uint64_t w = old_word + 1; w <= new_word; w++) {
                r->bits[(size_t)w & r->mask] = 0;
            }
        }
        r->top = index;
    }
    r->bits[galois_replay_word_of(r, index)] |= 1ull << (index % 64);
}

// galois_srtp_estimate_index returns the packet index for `seq` given the highest authenticated
// index so far, `s_l`-and-ROC as one 48-bit value `last` (RFC 3711 §3.3.1 / Appendix A).
static inline uint64_t galois_srtp_estimate_index(uint64_t last, uint16_t seq)
{
    uint32_t roc = (uint32_t)(last >> 16);
    uint16_t s_l = (uint16_t)last;
    uint64_t v = roc;
    if (s_l < 32768) {
        if ((uint32_t)seq > (uint32_t)s_l + 32768u && roc > 0) {
            v = (uint64_t)roc - 1;  // a late packet from before the last wrap
        }
    } else if ((uint32_t)seq + 32768u < (uint32_t)s_l) {
        v = (uint64_t)roc + 1;  // the sequence number has wrapped; may reach 2^32 (the caller
                                // refuses indexes of 2^48 and above)
    }
    return (v << 16) | seq;
}

// galois_srtp_set_session_keys replaces the derived session keys of master key `key_index`
// for SRTP (`rtcp` false) or SRTCP (`rtcp` true) with the given ones. It exists so tests can
// run vectors that publish session keys and no master key (RFC 7714 §16-17) through the whole
// packet path. `auth_key` is ignored (may be NULL) for AEAD suites. Only with kdr 0.
GALOIS_MUST_CHECK galois_err galois_srtp_set_session_keys(
    struct galois_srtp *srtp, size_t key_index, bool rtcp, const uint8_t *key, size_t key_len,
    const uint8_t *salt, size_t salt_len, const uint8_t *auth_key, size_t auth_key_len);

#endif  // GALOIS_SRC_SRTP_INTERNAL_H
