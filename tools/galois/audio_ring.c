// The echo ring of audio_ring.h.
#include "audio_ring.h"

#include <string.h>

void audio_ring_push(struct audio_ring *r, const int16_t *pcm, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        r->frames[r->write][r->partial++] = pcm[i];
        if (r->partial < GALOIS_MEDIA_FRAME) {
            continue;
        }
        r->partial = 0;
        r->write = (r->write + 1) % AUDIO_RING_FRAMES;
        if (r->fill == AUDIO_RING_FRAMES) {
            r->read = (r->read + 1) % AUDIO_RING_FRAMES;  // drop the oldest
        } else {
            r->fill++;
        }
    }
}

bool audio_ring_pop(struct audio_ring *r, int16_t frame[GALOIS_MEDIA_FRAME])
{
    if (r->fill == 0) {
        memset(frame, 0, GALOIS_MEDIA_FRAME * sizeof(*frame));
        return false;
    }
    memcpy(frame, r->frames[r->read], GALOIS_MEDIA_FRAME * sizeof(*frame));
    r->read = (r->read + 1) % AUDIO_RING_FRAMES;
    r->fill--;
    return true;
}
