// The tone generator and detector, and the sine they share.
//
// The detector keeps the last two seconds fed to it in a ring. A result is a Goertzel scan
// (the power of one DFT bin at any frequency) in two passes: 5 Hz steps over the last 100 ms,
// whose main lobe (+-10 Hz) is wider than a step so no tone falls between bins, then 0.1 Hz
// steps within 6 Hz of the best coarse bin over all the audio kept (a 0.5 Hz lobe at 2 s).
#include <stdlib.h>

#include "internal.h"

enum {
    WINDOW_SECONDS = 2,
    COARSE_MS = 100,
    MIN_MS = 20,
    LOW_HZ = 100,
    HIGH_HZ = 3900,
};

static const double COARSE_STEP_HZ = 5.0;
static const double FINE_SPAN_HZ = 6.0;
static const double FINE_STEP_HZ = 0.1;

// media_sin: reduce to [-pi, pi], fold to [-pi/2, pi/2], then a Taylor polynomial to x^19
// (the first term left out is below 1e-15 there).
double media_sin(double x)
{
    const double two_pi = 2.0 * MEDIA_PI;
    double q = x / two_pi;
    double k = (double)(int64_t)(q < 0 ? q - 0.5 : q + 0.5);
    x -= k * two_pi;
    if (x > MEDIA_PI / 2) {
        x = MEDIA_PI - x;
    } else if (x < -MEDIA_PI / 2) {
        x = -MEDIA_PI - x;
    }
    double x2 = x * x;
    double term = x;
    double sum = x;
    for (int n = 1; n <= 9; n++) {
        term *= -x2 / (double)((2 * n) * (2 * n + 1));
        sum += term;
    }
    return sum;
}

double media_cos(double x)
{
    return media_sin(x + MEDIA_PI / 2);
}

void galois_tone_init(struct galois_tone *t, double hz, double amplitude, unsigned rate)
{
    if (!(amplitude > 0.0)) {
        amplitude = 0.0;
    } else if (amplitude > 1.0) {
        amplitude = 1.0;
    }
    t->phase = 0.0;
    t->step = rate == 0 ? 0.0 : 2.0 * MEDIA_PI * hz / (double)rate;
    t->scale = 32767.0 * amplitude;
}

void galois_tone_fill(struct galois_tone *t, int16_t *pcm, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        double v = t->scale * media_sin(t->phase);
        pcm[i] = (int16_t)(v < 0 ? v - 0.5 : v + 0.5);
        t->phase += t->step;
        if (t->phase >= 2.0 * MEDIA_PI) {
            t->phase -= 2.0 * MEDIA_PI;
        }
    }
}

struct galois_tone_detector {
    unsigned rate;
    size_t cap;   // samples kept
    size_t len;   // samples in the ring, up to cap
    size_t head;  // where the next sample goes
    int16_t *ring;
    double *work;  // the ring in time order, for a result; no allocation per call
};

galois_err galois_tone_detector_new(struct galois_tone_detector **out, unsigned rate)
{
    *out = NULL;
    if (rate < 8000 || rate > 48000) {
        return GALOIS_ERR_INVALID;
    }
    struct galois_tone_detector *d = calloc(1, sizeof(*d));
    if (d == NULL) {
        return GALOIS_ERR_NOMEM;
    }
    d->rate = rate;
    d->cap = (size_t)rate * WINDOW_SECONDS;
    d->ring = calloc(d->cap, sizeof(*d->ring));
    d->work = calloc(d->cap, sizeof(*d->work));
    if (d->ring == NULL || d->work == NULL) {
        galois_tone_detector_free(d);
        return GALOIS_ERR_NOMEM;
    }
    *out = d;
    return GALOIS_ERR_OK;
}

void galois_tone_detector_free(struct galois_tone_detector *d)
{
    if (d == NULL) {
        return;
    }
    free(d->ring);
    free(d->work);
    free(d);
}

void galois_tone_detector_feed(struct galois_tone_detector *d, const int16_t *pcm, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        d->ring[d->head] = pcm[i];
        d->head = d->head + 1 == d->cap ? 0 : d->head + 1;
    }
    d->len = n >= d->cap - d->len ? d->cap : d->len + n;
}

// goertzel returns |X(hz)|^2 over the `n` samples at `x`.
static double goertzel(const double *x, size_t n, double hz, unsigned rate)
{
    double coeff = 2.0 * media_cos(2.0 * MEDIA_PI * hz / (double)rate);
    double s1 = 0.0;
    double s2 = 0.0;
    for (size_t i = 0; i < n; i++) {
        double s0 = x[i] + coeff * s1 - s2;
        s2 = s1;
        s1 = s0;
    }
    return s1 * s1 + s2 * s2 - coeff * s1 * s2;
}

// scan returns the frequency of the strongest bin from `lo` to `hi` in steps of `step`.
static double scan(const double *x, size_t n, unsigned rate, double lo, double hi, double step,
                   double *out_power)
{
    double best_hz = lo;
    double best = -1.0;
    size_t steps = (size_t)((hi - lo) / step + 0.5);
    for (size_t i = 0; i <= steps; i++) {
        double hz = lo + (double)i * step;
        double p = goertzel(x, n, hz, rate);
        if (p > best) {
            best = p;
            best_hz = hz;
        }
    }
    *out_power = best;
    return best_hz;
}

galois_err galois_tone_detector_result(const struct galois_tone_detector *d, double *hz,
                                       double *purity)
{
    *hz = 0.0;
    *purity = 0.0;
    size_t n = d->len;
    if (n < (size_t)d->rate * MIN_MS / 1000) {
        return GALOIS_ERR_STATE;
    }
    size_t start = (d->head + d->cap - n) % d->cap;
    double energy = 0.0;
    for (size_t i = 0; i < n; i++) {
        double v = d->ring[(start + i) % d->cap];
        d->work[i] = v;
        energy += v * v;
    }
    if (energy <= 0.0) {
        return GALOIS_ERR_OK;  // silence
    }
    double high = (double)HIGH_HZ;
    if (high > (double)d->rate / 2 - LOW_HZ) {
        high = (double)d->rate / 2 - LOW_HZ;
    }
    size_t coarse_n = (size_t)d->rate * COARSE_MS / 1000;
    if (coarse_n > n) {
        coarse_n = n;
    }
    double power = 0.0;
    double f =
        scan(d->work + (n - coarse_n), coarse_n, d->rate, LOW_HZ, high, COARSE_STEP_HZ, &power);
    double lo = f - FINE_SPAN_HZ < LOW_HZ ? LOW_HZ : f - FINE_SPAN_HZ;
    double hi = f + FINE_SPAN_HZ > high ? high : f + FINE_SPAN_HZ;
    f = scan(d->work, n, d->rate, lo, hi, FINE_STEP_HZ, &power);
    // A sine of amplitude A over n samples has |X|^2 = (A n / 2)^2 and energy A^2 n / 2.
    double share = 2.0 * power / ((double)n * energy);
    *hz = f;
    *purity = share > 1.0 ? 1.0 : share;
    return GALOIS_ERR_OK;
}
