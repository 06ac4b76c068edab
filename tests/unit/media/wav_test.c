// WAV files: what the writer writes reads back sample for sample, looping wraps around,
// and files of another rate or channel count are refused with a reason naming the file.
#include <galois/media.h>
#include <setjmp.h>
#include <sndfile.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
// cmocka.h needs the headers above.
#include <cmocka.h>

static void temp_path(char *path, size_t max)
{
    snprintf(path, max, "/tmp/galois-wav-XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
}

static void write_tone(const char *path, size_t n, int16_t *pcm)
{
    struct galois_wav_writer *w = NULL;
    char why[256] = "";
    struct galois_tone t;
    galois_tone_init(&t, 440.0, 0.5, 8000);
    galois_tone_fill(&t, pcm, n);
    assert_int_equal(galois_wav_writer_open(&w, path, why, sizeof(why)), GALOIS_ERR_OK);
    assert_int_equal(galois_wav_writer_write(w, pcm, n / 2), GALOIS_ERR_OK);
    assert_int_equal(galois_wav_writer_write(w, pcm + n / 2, n - n / 2), GALOIS_ERR_OK);
    assert_int_equal(galois_wav_writer_close(w), GALOIS_ERR_OK);
}

static void test_write_read_back(void **state)
{
    (void)state;
    char path[64];
    static int16_t pcm[8000];
    static int16_t back[9000];
    temp_path(path, sizeof(path));
    write_tone(path, 8000, pcm);
    // What libsndfile sees: 8 kHz mono 16-bit PCM WAV.
    SF_INFO info = {0};
    SNDFILE *f = sf_open(path, SFM_READ, &info);
    assert_non_null(f);
    assert_int_equal(info.samplerate, 8000);
    assert_int_equal(info.channels, 1);
    assert_int_equal(info.format, SF_FORMAT_WAV | SF_FORMAT_PCM_16);
    assert_int_equal(info.frames, 8000);
    sf_close(f);

    struct galois_wav_reader *r = NULL;
    char why[256] = "";
    size_t got = 0;
    assert_int_equal(galois_wav_reader_open(&r, path, false, why, sizeof(why)), GALOIS_ERR_OK);
    assert_int_equal(galois_wav_reader_read(r, back, 9000, &got), GALOIS_ERR_OK);
    assert_int_equal(got, 8000);
    assert_memory_equal(back, pcm, sizeof(pcm));
    assert_int_equal(galois_wav_reader_read(r, back, 160, &got), GALOIS_ERR_OK);
    assert_int_equal(got, 0);
    galois_wav_reader_close(r);

    // Looping: 9000 samples from an 8000-sample file wrap to the start.
    assert_int_equal(galois_wav_reader_open(&r, path, true, why, sizeof(why)), GALOIS_ERR_OK);
    assert_int_equal(galois_wav_reader_read(r, back, 7900, &got), GALOIS_ERR_OK);
    assert_int_equal(galois_wav_reader_read(r, back, 300, &got), GALOIS_ERR_OK);
    assert_int_equal(got, 300);
    assert_memory_equal(back, pcm + 7900, 100 * sizeof(int16_t));
    assert_memory_equal(back + 100, pcm, 200 * sizeof(int16_t));
    galois_wav_reader_close(r);
    galois_wav_reader_close(NULL);
    assert_int_equal(galois_wav_writer_close(NULL), GALOIS_ERR_OK);
    unlink(path);
}

// write_other writes one second of silence with another rate, channel count or format.
static void write_other(const char *path, int rate, int channels, int format)
{
    SF_INFO info = {.samplerate = rate, .channels = channels, .format = format};
    SNDFILE *f = sf_open(path, SFM_WRITE, &info);
    assert_non_null(f);
    static short zeros[16000 * 2];
    assert_int_equal(sf_writef_short(f, zeros, rate), rate);
    sf_close(f);
}

static void test_refusals(void **state)
{
    (void)state;
    char path[64];
    char why[256] = "";
    struct galois_wav_reader *r = NULL;
    temp_path(path, sizeof(path));

    write_other(path, 16000, 1, SF_FORMAT_WAV | SF_FORMAT_PCM_16);
    assert_int_equal(galois_wav_reader_open(&r, path, false, why, sizeof(why)),
                     GALOIS_ERR_UNSUPPORTED);
    assert_null(r);
    assert_non_null(strstr(why, path));
    assert_non_null(strstr(why, "sample rate"));
    assert_non_null(strstr(why, "16000"));

    write_other(path, 8000, 2, SF_FORMAT_WAV | SF_FORMAT_PCM_16);
    assert_int_equal(galois_wav_reader_open(&r, path, false, why, sizeof(why)),
                     GALOIS_ERR_UNSUPPORTED);
    assert_non_null(strstr(why, "channel"));
    assert_non_null(strstr(why, path));

    // Another format libsndfile reads is converted: 8 kHz mono float WAV of silence.
    write_other(path, 8000, 1, SF_FORMAT_WAV | SF_FORMAT_FLOAT);
    assert_int_equal(galois_wav_reader_open(&r, path, false, why, sizeof(why)), GALOIS_ERR_OK);
    int16_t pcm[100];
    size_t got = 0;
    assert_int_equal(galois_wav_reader_read(r, pcm, 100, &got), GALOIS_ERR_OK);
    assert_int_equal(got, 100);
    galois_wav_reader_close(r);

    // Not a sound file at all, and a missing file.
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs("not a wav file, just text long enough to be read", f);
    fclose(f);
    assert_int_equal(galois_wav_reader_open(&r, path, false, why, sizeof(why)), GALOIS_ERR_IO);
    assert_non_null(strstr(why, path));
    unlink(path);
    assert_int_equal(galois_wav_reader_open(&r, path, false, why, sizeof(why)), GALOIS_ERR_IO);
    struct galois_wav_writer *w = NULL;
    assert_int_equal(galois_wav_writer_open(&w, "/nonexistent-dir/x.wav", why, sizeof(why)),
                     GALOIS_ERR_IO);
    assert_null(w);
    assert_non_null(strstr(why, "/nonexistent-dir/x.wav"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_write_read_back),
        cmocka_unit_test(test_refusals),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
