// The round-trip property of the SDP codec: for random mutations of real offers, every text
// the parser accepts is written as a text that parses back to a description written the same
// way (write is a fixed point after one parse), and every refusal points inside the input.
#include "../test_rng.h"
#include "sdp_util.h"

enum { MUTATIONS = 6000 };

static size_t mutate(struct test_rng *r, char *text, size_t len, size_t max)
{
    static const char alphabet[] = "\r\n =:/ amcvtob0123456789-xRTP/SAVP";
    for (size_t m = 0, n = 1 + test_rng_below(r, 4); m < n && len > 1; m++) {
        size_t at = test_rng_below(r, len);
        size_t span = 1 + test_rng_below(r, 40);
        switch (test_rng_below(r, 4)) {
            case 0:
                text[at] = alphabet[test_rng_below(r, sizeof(alphabet) - 1)];
                break;
            case 1:
                if (len + 1 < max) {
                    memmove(text + at + 1, text + at, len - at);
                    text[at] = alphabet[test_rng_below(r, sizeof(alphabet) - 1)];
                    len++;
                }
                break;
            case 2:
                span = span > len - at ? len - at : span;
                memmove(text + at, text + at + span, len - at - span);
                len -= span;
                break;
            default:  // duplicate a run: repeated lines, repeated tokens
                span = span > len - at ? len - at : span;
                if (len + span < max) {
                    memmove(text + at + span, text + at, len - at);
                    len += span;
                }
                break;
        }
    }
    return len;
}

static void test_mutations(void **state)
{
    (void)state;
    struct test_rng r = {8866};
    static char first[SDP_TEXT_MAX];
    static char second[SDP_TEXT_MAX];
    size_t accepted = 0;
    char *seeds[GALOIS_ARRAY_LEN(sdp_files)];
    size_t seed_len[GALOIS_ARRAY_LEN(sdp_files)];
    for (size_t i = 0; i < GALOIS_ARRAY_LEN(sdp_files); i++) {
        seeds[i] = sdp_load(sdp_files[i], &seed_len[i]);
    }
    char *text = malloc(SDP_TEXT_MAX);
    assert_non_null(text);
    for (size_t i = 0; i < MUTATIONS; i++) {
        size_t s = test_rng_below(&r, GALOIS_ARRAY_LEN(sdp_files));
        memcpy(text, seeds[s], seed_len[s]);
        size_t len = mutate(&r, text, seed_len[s], 4096);
        struct galois_sdp *sdp = NULL;
        size_t off = 0;
        galois_err err = galois_sdp_parse(&sdp, &off, text, len);
        if (err != GALOIS_ERR_OK) {
            assert_true(off <= len);
            assert_null(sdp);
            continue;
        }
        size_t n1 = 0;
        size_t n2 = 0;
        assert_int_equal(galois_sdp_write(first, &n1, sizeof(first), sdp), GALOIS_ERR_OK);
        struct galois_sdp *again = NULL;
        assert_int_equal(galois_sdp_parse(&again, &off, first, n1), GALOIS_ERR_OK);
        assert_int_equal(galois_sdp_write(second, &n2, sizeof(second), again), GALOIS_ERR_OK);
        assert_string_equal(first, second);
        galois_sdp_free(again);
        galois_sdp_free(sdp);
        accepted++;
    }
    print_message("%zu of %d mutations parsed\n", accepted, MUTATIONS);
    assert_true(accepted > 200);
    for (size_t i = 0; i < GALOIS_ARRAY_LEN(sdp_files); i++) {
        free(seeds[i]);
    }
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mutations),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
