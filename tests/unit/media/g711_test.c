// G.711: known code points, every code decoding as libsndfile's own G.711 tables decode it,
// codes surviving decode-encode, and the quantisation error bound over all 16-bit samples.
#include <galois/media.h>
#include <setjmp.h>
#include <sndfile.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
// cmocka.h needs the headers above.
#include <cmocka.h>

static void test_known_codes(void **state)
{
    (void)state;
    assert_int_equal(galois_g711_ulaw_encode(0), 0xff);
    assert_int_equal(galois_g711_alaw_encode(0), 0xd5);
    assert_int_equal(galois_g711_ulaw_decode(0xff), 0);
    assert_int_equal(galois_g711_ulaw_decode(0x7f), 0);  // mu-law's negative zero
    assert_int_equal(galois_g711_ulaw_decode(0x80), 32124);
    assert_int_equal(galois_g711_ulaw_decode(0x00), -32124);
    assert_int_equal(galois_g711_alaw_decode(0xd5), 8);
    assert_int_equal(galois_g711_alaw_decode(0x55), -8);
    assert_int_equal(galois_g711_alaw_decode(0xaa), 32256);
    assert_int_equal(galois_g711_alaw_decode(0x2a), -32256);
    assert_int_equal(galois_g711_ulaw_encode(32767), 0x80);
    assert_int_equal(galois_g711_ulaw_encode(-32768), 0x00);
    assert_int_equal(galois_g711_alaw_encode(32767), 0xaa);
    assert_int_equal(galois_g711_alaw_encode(-32768), 0x2a);
}

// decode_with_libsndfile decodes all 256 codes of `format` (SF_FORMAT_ULAW or _ALAW) with
// libsndfile, through a headerless file holding the bytes 0..255.
static void decode_with_libsndfile(int format, short out[256])
{
    char path[] = "/tmp/galois-g711-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    unsigned char codes[256];
    for (int i = 0; i < 256; i++) {
        codes[i] = (unsigned char)i;
    }
    assert_int_equal(write(fd, codes, sizeof(codes)), (ssize_t)sizeof(codes));
    close(fd);
    SF_INFO info = {.samplerate = 8000, .channels = 1, .format = SF_FORMAT_RAW | format};
    SNDFILE *f = sf_open(path, SFM_READ, &info);
    assert_non_null(f);
    assert_int_equal(sf_read_short(f, out, 256), 256);
    sf_close(f);
    unlink(path);
}

static void test_decode_matches_libsndfile(void **state)
{
    (void)state;
    short ref[256];
    decode_with_libsndfile(SF_FORMAT_ULAW, ref);
    for (int i = 0; i < 256; i++) {
        assert_int_equal(galois_g711_ulaw_decode((uint8_t)i), ref[i]);
    }
    decode_with_libsndfile(SF_FORMAT_ALAW, ref);
    for (int i = 0; i < 256; i++) {
        assert_int_equal(galois_g711_alaw_decode((uint8_t)i), ref[i]);
    }
}

static void test_codes_round_trip(void **state)
{
    (void)state;
    for (int i = 0; i < 256; i++) {
        uint8_t c = (uint8_t)i;
        uint8_t want = c == 0x7f ? 0xff : c;  // both zeros encode as +0
        assert_int_equal(galois_g711_ulaw_encode(galois_g711_ulaw_decode(c)), want);
        assert_int_equal(galois_g711_alaw_encode(galois_g711_alaw_decode(c)), c);
    }
}

static void test_error_bound(void **state)
{
    (void)state;
    // A segment's step is at most 1/16 of the values in it (plus the bias), so the error is
    // below (|s| + 132) / 16 for mu-law (it truncates) and half that plus a little for A-law
    // (it decodes to the middle of a step); mu-law also clips above 32635.
    long worst_u = 0;
    long worst_a = 0;
    for (long s = -32768; s <= 32767; s++) {
        long mag = s < 0 ? -s : s;
        long eu = galois_g711_ulaw_decode(galois_g711_ulaw_encode((int16_t)s)) - s;
        long ea = galois_g711_alaw_decode(galois_g711_alaw_encode((int16_t)s)) - s;
        eu = eu < 0 ? -eu : eu;
        ea = ea < 0 ? -ea : ea;
        assert_true(eu * 16 <= mag + 132);
        assert_true(ea * 32 <= mag + 512);
        // The sign survives everywhere outside the zero step.
        if (mag > 16) {
            assert_true((galois_g711_ulaw_decode(galois_g711_ulaw_encode((int16_t)s)) < 0) ==
                        (s < 0));
            assert_true((galois_g711_alaw_decode(galois_g711_alaw_encode((int16_t)s)) < 0) ==
                        (s < 0));
        }
        worst_u = eu > worst_u ? eu : worst_u;
        worst_a = ea > worst_a ? ea : worst_a;
    }
    // Coarse steps are 1024 (mu-law) and 1024 (A-law) at the top: errors reach that order.
    assert_true(worst_u >= 512 && worst_u <= 1024);
    assert_true(worst_a >= 256 && worst_a <= 1024);
}

static void test_monotonic(void **state)
{
    (void)state;
    int16_t prev_u = galois_g711_ulaw_decode(galois_g711_ulaw_encode(-32768));
    int16_t prev_a = galois_g711_alaw_decode(galois_g711_alaw_encode(-32768));
    for (long s = -32767; s <= 32767; s++) {
        int16_t u = galois_g711_ulaw_decode(galois_g711_ulaw_encode((int16_t)s));
        int16_t a = galois_g711_alaw_decode(galois_g711_alaw_encode((int16_t)s));
        assert_true(u >= prev_u);
        assert_true(a >= prev_a);
        prev_u = u;
        prev_a = a;
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_known_codes),      cmocka_unit_test(test_decode_matches_libsndfile),
        cmocka_unit_test(test_codes_round_trip), cmocka_unit_test(test_error_bound),
        cmocka_unit_test(test_monotonic),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
