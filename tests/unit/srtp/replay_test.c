// Tests of the replay window (RFC 3711 §3.3.2, RFC 6479 shape) and of packet index
// estimation (RFC 3711 §3.3.1 and Appendix A).
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
// cmocka.h needs the headers above.
#include <cmocka.h>

#include "srtp/internal.h"
#include "test_rng.h"

static const size_t window_sizes[] = {64, 128, 1024, 32768};

static const char *verdict_name(enum galois_replay_verdict v)
{
    switch (v) {
        case GALOIS_REPLAY_FRESH:
            return "FRESH";
        case GALOIS_REPLAY_SEEN:
            return "SEEN";
        case GALOIS_REPLAY_TOO_OLD:
            return "TOO_OLD";
        default:
            return "?";
    }
}

// A window under test with its words; the words past the ring are a canary.
struct window {
    struct galois_replay r;
    uint64_t *bits;
    size_t words;
};

static void window_init(struct window *w, size_t size)
{
    w->words = galois_replay_words(size);
    assert_true(w->words >= size / 64);
    w->bits = malloc((w->words + 1) * sizeof(uint64_t));
    assert_non_null(w->bits);
    memset(w->bits, 0xa5, (w->words + 1) * sizeof(uint64_t));  // init must clear, not rely on 0
    galois_replay_init(&w->r, w->bits, size);
    w->bits[w->words] = 0x0123456789abcdefu;
}

static void window_free(struct window *w)
{
    assert_true(w->bits[w->words] == 0x0123456789abcdefu);  // nothing written past the ring
    free(w->bits);
}

static void expect(const struct window *w, uint64_t index, enum galois_replay_verdict want,
                   const char *step)
{
    enum galois_replay_verdict got = galois_replay_check(&w->r, index);
    if (got != want) {
        fail_msg("window %zu, %s: index %llu is %s, expected %s", w->r.size, step,
                 (unsigned long long)index, verdict_name(got), verdict_name(want));
    }
}

// A table of commit/check steps, relative to a base index and the window size W:
// index = base + k * W + d.
enum op { COMMIT, CHECK };
struct step {
    enum op op;
    int64_t k;  // multiples of the window size
    int64_t d;  // plus this
    enum galois_replay_verdict want;
};

static const struct step edge_steps[] = {
    {CHECK, 0, 0, GALOIS_REPLAY_FRESH},  // empty window: anything is fresh
    {CHECK, 0, 5, GALOIS_REPLAY_FRESH},
    {COMMIT, 2, 0, 0},                   // top = 2W
    {CHECK, 2, 0, GALOIS_REPLAY_SEEN},   // top itself
    {CHECK, 2, 1, GALOIS_REPLAY_FRESH},  // newer
    {CHECK, 4, 7, GALOIS_REPLAY_FRESH},  // much newer
    {CHECK, 2, -1, GALOIS_REPLAY_FRESH},
    {CHECK, 1, 1, GALOIS_REPLAY_FRESH},    // top - W + 1: the oldest index in the window
    {CHECK, 1, 0, GALOIS_REPLAY_TOO_OLD},  // top - W: just out
    {CHECK, 0, 0, GALOIS_REPLAY_TOO_OLD},
    {COMMIT, 1, 1, 0},  // the oldest in the window, late
    {CHECK, 1, 1, GALOIS_REPLAY_SEEN},
    {CHECK, 1, 2, GALOIS_REPLAY_FRESH},
    {CHECK, 2, 1, GALOIS_REPLAY_FRESH},
    {COMMIT, 2, 1, 0},  // top moves by one: the oldest falls out
    {CHECK, 1, 1, GALOIS_REPLAY_TOO_OLD},
    {CHECK, 1, 2, GALOIS_REPLAY_FRESH},
    {CHECK, 2, 0, GALOIS_REPLAY_SEEN},
    {CHECK, 2, 1, GALOIS_REPLAY_SEEN},
    {COMMIT, 2, 64, 0},                 // a jump of a whole word
    {CHECK, 2, 0, GALOIS_REPLAY_SEEN},  // still inside for W >= 128 ... see below
    {CHECK, 2, 63, GALOIS_REPLAY_FRESH},
    {COMMIT, 5, 70, 0},  // a jump larger than the window clears it
    {CHECK, 5, 70, GALOIS_REPLAY_SEEN},
    {CHECK, 5, 69, GALOIS_REPLAY_FRESH},
    {CHECK, 4, 71, GALOIS_REPLAY_FRESH},  // oldest in the new window, never seen
    {CHECK, 4, 70, GALOIS_REPLAY_TOO_OLD},
    {CHECK, 2, 64, GALOIS_REPLAY_TOO_OLD},
};

static void test_window_edges(void **state)
{
    (void)state;
    for (size_t s = 0; s < GALOIS_ARRAY_LEN(window_sizes); s++) {
        const int64_t wsize = (int64_t)window_sizes[s];
        static const uint64_t bases[] = {0, 1, 63, 1000003, (1ull << 48) - 10 * 32768};
        for (size_t b = 0; b < GALOIS_ARRAY_LEN(bases); b++) {
            struct window w;
            window_init(&w, window_sizes[s]);
            for (size_t i = 0; i < GALOIS_ARRAY_LEN(edge_steps); i++) {
                const struct step *t = &edge_steps[i];
                uint64_t index = bases[b] + (uint64_t)(t->k * wsize + t->d);
                if (t->op == COMMIT) {
                    galois_replay_commit(&w.r, index);
                    continue;
                }
                enum galois_replay_verdict want = t->want;
                // Step 20: index 2W is 64 below top = 2W + 64, out of a 64-packet window.
                if (i == 20 && wsize == 64) {
                    want = GALOIS_REPLAY_TOO_OLD;
                }
                char name[48];
                snprintf(name, sizeof(name), "base %llu step %zu", (unsigned long long)bases[b], i);
                expect(&w, index, want, name);
                expect(&w, index, want, name);  // checking is read-only
            }
            window_free(&w);
        }
    }
}

// Sliding forward one packet at a time over several ring turns: every index stays SEEN for
// exactly W checks, then is TOO_OLD; gaps (every third index skipped) stay FRESH.
static void test_window_slide(void **state)
{
    (void)state;
    for (size_t s = 0; s < GALOIS_ARRAY_LEN(window_sizes); s++) {
        const uint64_t wsize = window_sizes[s];
        struct window w;
        window_init(&w, wsize);
        const uint64_t start = 5;
        for (uint64_t i = start; i < start + 3 * wsize + 100; i++) {
            if (i % 3 == 0) {
                continue;
            }
            expect(&w, i, GALOIS_REPLAY_FRESH, "before commit");
            galois_replay_commit(&w.r, i);
            expect(&w, i, GALOIS_REPLAY_SEEN, "after commit");
            uint64_t oldest = i + 1 - wsize;
            if (i + 1 >= wsize + start) {
                expect(&w, oldest, oldest % 3 == 0 ? GALOIS_REPLAY_FRESH : GALOIS_REPLAY_SEEN,
                       "oldest in window");
            }
            if (i >= wsize + start) {
                expect(&w, i - wsize, GALOIS_REPLAY_TOO_OLD, "just out");
            }
            if (i >= start + 3) {
                uint64_t back = i - 2;
                expect(&w, back, back % 3 == 0 ? GALOIS_REPLAY_FRESH : GALOIS_REPLAY_SEEN,
                       "recent");
            }
        }
        window_free(&w);
    }
}

// A model of the window by its definition (RFC 3711 §3.3.2): FRESH if nothing is committed or
// the index is above the highest; TOO_OLD if W or more below it; otherwise SEEN iff committed.
// Random commits (forwards, backwards inside the window, jumps) against the real window.
static void test_window_model(void **state)
{
    (void)state;
    struct test_rng rng = {20240601};
    for (size_t s = 0; s < GALOIS_ARRAY_LEN(window_sizes); s++) {
        const uint64_t wsize = window_sizes[s];
        const uint64_t span = 4 * wsize + 256;  // indexes base .. base + span
        const uint64_t base = test_rng_below(&rng, 1ull << 40);
        uint8_t *seen = calloc(span, 1);
        assert_non_null(seen);
        struct window w;
        window_init(&w, wsize);
        bool any = false;
        uint64_t top = 0;
        for (size_t n = 0; n < 20000; n++) {
            uint64_t off;
            uint64_t kind = test_rng_below(&rng, 10);
            if (!any || kind < 3) {
                off = test_rng_below(&rng, span);
            } else if (kind < 8) {
                uint64_t back = test_rng_below(&rng, wsize + 8);
                off = top - base >= back ? top - base - back : 0;
            } else {
                off = top - base + 1 + test_rng_below(&rng, 4);
                if (off >= span) {
                    off = test_rng_below(&rng, span);
                }
            }
            uint64_t idx = base + off;
            enum galois_replay_verdict want;
            if (!any || idx > top) {
                want = GALOIS_REPLAY_FRESH;
            } else if (top - idx >= wsize) {
                want = GALOIS_REPLAY_TOO_OLD;
            } else {
                want = seen[off] ? GALOIS_REPLAY_SEEN : GALOIS_REPLAY_FRESH;
            }
            expect(&w, idx, want, "model");
            // Only what a receiver would accept is committed.
            if (want == GALOIS_REPLAY_FRESH) {
                galois_replay_commit(&w.r, idx);
                seen[off] = 1;
                if (!any || idx > top) {
                    top = idx;
                }
                any = true;
            }
        }
        window_free(&w);
        free(seen);
    }
}

// ---- index estimation ----------------------------------------------------------------------

// estimate is RFC 3711 Appendix A, written from the RFC, with the one rule galois adds: a
// ROC - 1 guess is never made below ROC 0 (the packet is taken as ROC 0).
static uint64_t estimate(uint64_t last, uint16_t seq)
{
    uint64_t roc = last >> 16;
    uint32_t s_l = (uint32_t)(last & 0xffff);
    uint64_t v = roc;
    if (s_l < 32768) {
        if ((int64_t)seq - (int64_t)s_l > 32768 && roc > 0) {
            v = roc - 1;
        }
    } else if ((int64_t)s_l - 32768 > (int64_t)seq) {
        v = roc + 1;
    }
    return v * 65536 + seq;
}

struct est_case {
    uint64_t last;
    uint16_t seq;
    uint64_t index;
};

#define IDX(roc, seq) (((uint64_t)(roc) << 16) | (seq))

// Hand-derived from RFC 3711 §3.3.1: the estimate is the index nearest to the last one.
static const struct est_case est_cases[] = {
    {IDX(0, 0), 0, IDX(0, 0)},
    {IDX(0, 0), 1, IDX(0, 1)},
    {IDX(0, 0), 32768, IDX(0, 32768)},  // exactly 2^15 ahead: same ROC
    {IDX(0, 0), 32769, IDX(0, 32769)},  // would be ROC - 1 = -1: stays ROC 0
    {IDX(0, 0), 65535, IDX(0, 65535)},
    {IDX(0, 100), 65535, IDX(0, 65535)},
    {IDX(0, 32767), 65535, IDX(0, 65535)},
    {IDX(0, 32768), 0, IDX(0, 0)},  // s_l - 2^15 = 0, not > 0
    {IDX(0, 32769), 0, IDX(1, 0)},  // s_l - 2^15 = 1 > 0: wrapped
    {IDX(0, 32769), 1, IDX(0, 1)},
    {IDX(0, 65535), 0, IDX(1, 0)},  // the wrap 65535 -> 0
    {IDX(0, 65535), 32766, IDX(1, 32766)},
    {IDX(0, 65535), 32767, IDX(0, 32767)},
    {IDX(0, 65535), 65534, IDX(0, 65534)},
    {IDX(1, 0), 65535, IDX(0, 65535)},  // and back: a late packet from before the wrap
    {IDX(1, 0), 32768, IDX(1, 32768)},
    {IDX(1, 0), 32769, IDX(0, 32769)},
    {IDX(1, 5), 65530, IDX(0, 65530)},
    {IDX(1, 32766), 65535, IDX(0, 65535)},  // 2^15 + 1 behind: before the wrap
    {IDX(1, 32767), 65535, IDX(1, 65535)},  // exactly 2^15 ahead: same ROC
    {IDX(1, 32768), 65535, IDX(1, 65535)},
    {IDX(7, 1000), 1000, IDX(7, 1000)},
    {IDX(7, 1000), 33768, IDX(7, 33768)},
    {IDX(7, 1000), 33769, IDX(6, 33769)},
    {IDX(7, 40000), 7231, IDX(8, 7231)},
    {IDX(7, 40000), 7232, IDX(7, 7232)},
    {IDX(7, 40000), 7230, IDX(8, 7230)},
    {IDX(0xfffffffe, 65535), 0, IDX(0xffffffff, 0)},
    {IDX(0xffffffff, 0), 65535, IDX(0xfffffffe, 65535)},
    {IDX(0xffffffff, 65535), 65535, IDX(0xffffffff, 65535)},
};

static void test_estimate_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < GALOIS_ARRAY_LEN(est_cases); i++) {
        const struct est_case *t = &est_cases[i];
        uint64_t got = galois_srtp_estimate_index(t->last, t->seq);
        if (got != t->index) {
            fail_msg(
                "estimate case %zu: last ROC %llu s_l %llu, seq %u: got ROC %llu seq %llu, "
                "expected ROC %llu seq %llu",
                i, (unsigned long long)(t->last >> 16), (unsigned long long)(t->last & 0xffff),
                t->seq, (unsigned long long)(got >> 16), (unsigned long long)(got & 0xffff),
                (unsigned long long)(t->index >> 16), (unsigned long long)(t->index & 0xffff));
        }
        // The model agrees with the hand-derived table.
        assert_int_equal(estimate(t->last, t->seq), t->index);
    }
}

// Every SEQ against a set of last indexes around the edges, compared with Appendix A.
static void test_estimate_sweep(void **state)
{
    (void)state;
    static const uint64_t lasts[] = {
        IDX(0, 0),
        IDX(0, 1),
        IDX(0, 32767),
        IDX(0, 32768),
        IDX(0, 32769),
        IDX(0, 65534),
        IDX(0, 65535),
        IDX(1, 0),
        IDX(1, 1),
        IDX(1, 32767),
        IDX(1, 32768),
        IDX(1, 65535),
        IDX(2, 12345),
        IDX(0x10000, 40000),
        IDX(0xffffffff, 0),
        IDX(0xfffffffe, 50000),
        IDX(0xffffffff, 30000),
    };
    for (size_t i = 0; i < GALOIS_ARRAY_LEN(lasts); i++) {
        for (uint32_t seq = 0; seq <= 0xffff; seq++) {
            uint64_t got = galois_srtp_estimate_index(lasts[i], (uint16_t)seq);
            uint64_t want = estimate(lasts[i], (uint16_t)seq);
            if (got != want) {
                fail_msg(
                    "estimate: last ROC %llu s_l %llu, seq %u: got %llu:%llu, expected "
                    "%llu:%llu",
                    (unsigned long long)(lasts[i] >> 16), (unsigned long long)(lasts[i] & 0xffff),
                    seq, (unsigned long long)(got >> 16), (unsigned long long)(got & 0xffff),
                    (unsigned long long)(want >> 16), (unsigned long long)(want & 0xffff));
            }
            // The estimate always carries the packet's own SEQ and is within 2^15 + 1 of last,
            // except where ROC 0 forbids going back.
            assert_int_equal(got & 0xffff, seq);
            uint64_t dist = got > lasts[i] ? got - lasts[i] : lasts[i] - got;
            assert_true(dist <= 32768 || (lasts[i] >> 16) == 0);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_window_edges),   cmocka_unit_test(test_window_slide),
        cmocka_unit_test(test_window_model),   cmocka_unit_test(test_estimate_table),
        cmocka_unit_test(test_estimate_sweep),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
