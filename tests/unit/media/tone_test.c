// The tone generator and detector: frequencies found within 1 Hz (the requirement is 5 Hz),
// high purity for a tone, low purity for noise, nothing for silence, and a tone that changes
// is followed once the old one has left the two-second window.
#include <galois/media.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
// cmocka.h needs the headers above.
#include <cmocka.h>

#include "test_rng.h"

static double detect(struct galois_tone_detector *d, double *purity)
{
    double hz = -1.0;
    assert_int_equal(galois_tone_detector_result(d, &hz, purity), GALOIS_ERR_OK);
    return hz;
}

static void feed_tone(struct galois_tone_detector *d, double hz, double amp, size_t n)
{
    struct galois_tone t;
    int16_t frame[160];
    galois_tone_init(&t, hz, amp, 8000);
    for (size_t done = 0; done < n; done += 160) {
        galois_tone_fill(&t, frame, 160);
        galois_tone_detector_feed(d, frame, 160);
    }
}

static void test_generator(void **state)
{
    (void)state;
    struct galois_tone t;
    int16_t pcm[8000];
    galois_tone_init(&t, 1000.0, 0.5, 8000);
    galois_tone_fill(&t, pcm, 4000);
    galois_tone_fill(&t, pcm + 4000, 4000);  // phase carries over between calls
    // 1 kHz at 8 kHz: 8 samples a period, so the signal repeats every 8 samples.
    int peak = 0;
    for (size_t i = 0; i + 8 < 8000; i++) {
        assert_true(abs(pcm[i] - pcm[i + 8]) <= 1);
        peak = abs(pcm[i]) > peak ? abs(pcm[i]) : peak;
    }
    assert_in_range(peak, 16383 - 2, 16384);
    assert_int_equal(pcm[0], 0);
    assert_in_range(pcm[2], 16382, 16384);   // a quarter period: the peak
    galois_tone_init(&t, 440.0, 7.0, 8000);  // amplitude clamps to full scale
    galois_tone_fill(&t, pcm, 8000);
    peak = 0;
    for (size_t i = 0; i < 8000; i++) {
        peak = abs(pcm[i]) > peak ? abs(pcm[i]) : peak;
    }
    assert_in_range(peak, 32700, 32767);
}

static void test_detects_tones(void **state)
{
    (void)state;
    static const double freqs[] = {440.0, 880.0, 1234.5, 697.23, 150.0, 3800.0, 1000.0};
    for (size_t i = 0; i < sizeof(freqs) / sizeof(freqs[0]); i++) {
        struct galois_tone_detector *d = NULL;
        assert_int_equal(galois_tone_detector_new(&d, 8000), GALOIS_ERR_OK);
        feed_tone(d, freqs[i], 0.3, 16000);
        double purity = 0.0;
        double hz = detect(d, &purity);
        print_message("tone %.1f Hz: detected %.2f Hz, purity %.3f\n", freqs[i], hz, purity);
        assert_true(hz > freqs[i] - 1.0 && hz < freqs[i] + 1.0);
        assert_true(purity > 0.9);
        galois_tone_detector_free(d);
    }
}

static void test_short_and_silent(void **state)
{
    (void)state;
    struct galois_tone_detector *d = NULL;
    double hz = 0.0;
    double purity = 0.0;
    assert_int_equal(galois_tone_detector_new(&d, 8000), GALOIS_ERR_OK);
    assert_int_equal(galois_tone_detector_result(d, &hz, &purity), GALOIS_ERR_STATE);
    int16_t zeros[800] = {0};
    galois_tone_detector_feed(d, zeros, 100);
    assert_int_equal(galois_tone_detector_result(d, &hz, &purity), GALOIS_ERR_STATE);
    galois_tone_detector_feed(d, zeros, 800);
    hz = detect(d, &purity);
    assert_true(hz == 0.0);
    assert_true(purity == 0.0);
    // 200 ms of a tone is enough, if coarser.
    feed_tone(d, 440.0, 0.5, 1600);
    hz = detect(d, &purity);
    assert_true(hz > 435.0 && hz < 445.0);
    galois_tone_detector_free(d);
    galois_tone_detector_free(NULL);
    assert_int_equal(galois_tone_detector_new(&d, 1000), GALOIS_ERR_INVALID);
    assert_null(d);
}

static void test_noise_is_impure(void **state)
{
    (void)state;
    struct galois_tone_detector *d = NULL;
    struct test_rng rng = {.state = 42};
    int16_t pcm[16000];
    assert_int_equal(galois_tone_detector_new(&d, 8000), GALOIS_ERR_OK);
    for (size_t i = 0; i < 16000; i++) {
        pcm[i] = (int16_t)((int64_t)test_rng_below(&rng, 20001) - 10000);
    }
    galois_tone_detector_feed(d, pcm, 16000);
    double purity = 1.0;
    (void)detect(d, &purity);
    print_message("white noise: purity %.4f\n", purity);
    assert_true(purity < 0.05);
    // A tone buried under noise of equal power: still found, purity in between.
    struct galois_tone t;
    galois_tone_init(&t, 880.0, 0.25, 8000);
    int16_t tone[16000];
    galois_tone_fill(&t, tone, 16000);
    for (size_t i = 0; i < 16000; i++) {
        pcm[i] = (int16_t)(tone[i] + ((int64_t)test_rng_below(&rng, 20001) - 10000) / 2);
    }
    galois_tone_detector_feed(d, pcm, 16000);
    double hz = detect(d, &purity);
    print_message("880 Hz in noise: %.2f Hz, purity %.3f\n", hz, purity);
    assert_true(hz > 879.0 && hz < 881.0);
    assert_true(purity > 0.3 && purity < 0.9);
    galois_tone_detector_free(d);
}

static void test_window_follows_change(void **state)
{
    (void)state;
    struct galois_tone_detector *d = NULL;
    double purity = 0.0;
    assert_int_equal(galois_tone_detector_new(&d, 8000), GALOIS_ERR_OK);
    feed_tone(d, 440.0, 0.5, 24000);
    assert_true(detect(d, &purity) < 441.0);
    feed_tone(d, 880.0, 0.5, 16000);  // two seconds: the 440 Hz audio is gone
    double hz = detect(d, &purity);
    assert_true(hz > 879.0 && hz < 881.0);
    assert_true(purity > 0.9);
    galois_tone_detector_free(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_generator),
        cmocka_unit_test(test_detects_tones),
        cmocka_unit_test(test_short_and_silent),
        cmocka_unit_test(test_noise_is_impure),
        cmocka_unit_test(test_window_follows_change),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
