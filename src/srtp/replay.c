// Replay windows and packet index estimation (RFC 3711 §3.3.1, §3.3.2, Appendix A).
#include <string.h>

#include "internal.h"

// The window is RFC 6479's bitmap: a ring of 64-bit words indexed by index / 64, so moving
// the window forward clears whole words and never shifts bits. Checking, committing and index
// estimation run for every packet and are inline in internal.h.

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
