// Tests of the echo ring of `galois answer --echo` and `galois webrtc --echo`
// (tools/galois/audio_ring.c): frames come out whole and in order whatever the packet sizes,
// a partial frame waits, and a full ring drops its oldest frame.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
// cmocka.h needs the headers above.
#include <cmocka.h>

#include "audio_ring.h"

// push_counting pushes samples numbered from `*next` in chunks of `chunk`, `total` in all.
static void push_counting(struct audio_ring *r, int16_t *next, size_t total, size_t chunk)
{
    int16_t buf[512];
    while (total > 0) {
        size_t n = total < chunk ? total : chunk;
        for (size_t i = 0; i < n; i++) {
            buf[i] = (*next)++;
        }
        audio_ring_push(r, buf, n);
        total -= n;
    }
}

static void expect_frame(struct audio_ring *r, int16_t first)
{
    int16_t frame[GALOIS_MEDIA_FRAME];
    assert_true(audio_ring_pop(r, frame));
    for (size_t i = 0; i < GALOIS_MEDIA_FRAME; i++) {
        assert_int_equal(frame[i], (int16_t)(first + (int16_t)i));
    }
}

static void test_order_and_partial(void **state)
{
    (void)state;
    static struct audio_ring r;
    memset(&r, 0, sizeof(r));
    int16_t frame[GALOIS_MEDIA_FRAME];
    frame[0] = 7;
    assert_false(audio_ring_pop(&r, frame));  // empty: silence
    assert_int_equal(frame[0], 0);

    int16_t next = 1;
    push_counting(&r, &next, 2 * GALOIS_MEDIA_FRAME + 100, 37);  // packets of odd sizes
    expect_frame(&r, 1);
    expect_frame(&r, 1 + GALOIS_MEDIA_FRAME);
    assert_false(audio_ring_pop(&r, frame));  // 100 samples wait for 60 more
    push_counting(&r, &next, 60, 60);
    expect_frame(&r, 1 + 2 * GALOIS_MEDIA_FRAME);
    assert_false(audio_ring_pop(&r, frame));
}

static void test_full_drops_oldest(void **state)
{
    (void)state;
    static struct audio_ring r;
    memset(&r, 0, sizeof(r));
    int16_t next = 0;
    push_counting(&r, &next, (AUDIO_RING_FRAMES + 3) * GALOIS_MEDIA_FRAME, 160);
    // the three oldest frames are gone; the rest come out in order
    for (size_t f = 3; f < AUDIO_RING_FRAMES + 3; f++) {
        expect_frame(&r, (int16_t)(f * GALOIS_MEDIA_FRAME));
    }
    int16_t frame[GALOIS_MEDIA_FRAME];
    assert_false(audio_ring_pop(&r, frame));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_order_and_partial),
        cmocka_unit_test(test_full_drops_oldest),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
