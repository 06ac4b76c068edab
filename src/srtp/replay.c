// Replay windows and packet index estimation (RFC 3711 §3.3.1, §3.3.2, Appendix A).
#include <string.h>

#include "internal.h"

// The window is RFC 6479's bitmap: a ring of 64-bit words indexed by index / 64, so moving
// the window forward clears whole words and never shifts bits.

size_t galois_replay_words(size_t size)
{
    size_t words = 1;
    while (words < size / 64 + 1) {
        words *= 2;
    }
    return words;
}

void galois_replay_init(struct galois_replay *r, uint64_t *bits, size_t size)
{
    r->bits = bits;
    r->size = size;
    r->mask = galois_replay_words(size) - 1;
    r->top = 0;
    r->any = false;
    memset(bits, 0, (r->mask + 1) * sizeof(uint64_t));
}

static size_t word_of(const struct galois_replay *r, uint64_t index)
{
    return (size_t)(index / 64) & r->mask;
}

enum galois_replay_verdict galois_replay_check(const struct galois_replay *r, uint64_t index)
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
    return (r->bits[word_of(r, index)] & bit) != 0 ? GALOIS_REPLAY_SEEN : GALOIS_REPLAY_FRESH;
}

void galois_replay_commit(struct galois_replay *r, uint64_t index)
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
    r->bits[word_of(r, index)] |= 1ull << (index % 64);
}

uint64_t galois_srtp_estimate_index(uint64_t last, uint16_t seq)
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
