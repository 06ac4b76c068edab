// A fixed-seed PRNG for tests (splitmix64): random sizes and contents that reproduce.
#ifndef GALOIS_TESTS_UNIT_TEST_RNG_H
#define GALOIS_TESTS_UNIT_TEST_RNG_H

#include <stddef.h>
#include <stdint.h>

struct test_rng {
    uint64_t state;
};

static inline uint64_t test_rng_next(struct test_rng *r)
{
    uint64_t z = (r->state += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

// test_rng_below returns a value in 0 .. n-1 (n > 0).
static inline uint64_t test_rng_below(struct test_rng *r, uint64_t n)
{
    return test_rng_next(r) % n;
}

static inline void test_rng_fill(struct test_rng *r, uint8_t *p, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        p[i] = (uint8_t)(test_rng_next(r) >> 56);
    }
}

#endif  // GALOIS_TESTS_UNIT_TEST_RNG_H
