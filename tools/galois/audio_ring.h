// The echo source of `galois answer --echo` and `galois webrtc --echo`: one second of 20 ms
// frames. Decoded samples go in as they arrive, in packets of any size; whole frames come out
// in order. When the ring is full the oldest frame is dropped, so the echo never lags by more
// than a second.
#ifndef GALOIS_TOOLS_AUDIO_RING_H
#define GALOIS_TOOLS_AUDIO_RING_H

#include <galois/media.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum { AUDIO_RING_FRAMES = 50 };

struct audio_ring {
    int16_t frames[AUDIO_RING_FRAMES][GALOIS_MEDIA_FRAME];
    size_t read;     // next frame out
    size_t write;    // frame being filled
    size_t fill;     // whole frames waiting
    size_t partial;  // samples already in the frame being filled
};

// audio_ring_push adds `n` samples.
void audio_ring_push(struct audio_ring *r, const int16_t *pcm, size_t n);

// audio_ring_pop takes the oldest whole frame into `frame` and returns true, or writes silence
// and returns false when no whole frame is waiting.
bool audio_ring_pop(struct audio_ring *r, int16_t frame[GALOIS_MEDIA_FRAME]);

#endif  // GALOIS_TOOLS_AUDIO_RING_H
