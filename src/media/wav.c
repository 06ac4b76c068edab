// WAV (and any other sound file libsndfile reads) in, 8 kHz mono 16-bit PCM WAV out.
#include <sndfile.h>
#include <stdio.h>
#include <stdlib.h>

#include "internal.h"

struct galois_wav_reader {
    SNDFILE *f;
    bool loop;
};

struct galois_wav_writer {
    SNDFILE *f;
};

static void say(char *why, size_t max_why, const char *path, const char *what, long a, long b)
{
    if (why != NULL && max_why > 0) {
        snprintf(why, max_why, "%s: %s %ld, need %ld", path, what, a, b);
    }
}

static void say_lib(char *why, size_t max_why, const char *path, const char *what, SNDFILE *f)
{
    if (why != NULL && max_why > 0) {
        snprintf(why, max_why, "%s: %s: %s", path, what, sf_strerror(f));
    }
}

galois_err galois_wav_reader_open(struct galois_wav_reader **out, const char *path, bool loop,
                                  char *why, size_t max_why)
{
    *out = NULL;
    SF_INFO info = {0};
    SNDFILE *f = sf_open(path, SFM_READ, &info);
    galois_err err = GALOIS_ERR_OK;
    if (f == NULL) {
        say_lib(why, max_why, path, "cannot open", NULL);
        return GALOIS_ERR_IO;
    }
    if (info.samplerate != GALOIS_MEDIA_RATE) {
        say(why, max_why, path, "sample rate (Hz) is", info.samplerate, GALOIS_MEDIA_RATE);
        err = GALOIS_ERR_UNSUPPORTED;
        goto out;
    }
    if (info.channels != 1) {
        say(why, max_why, path, "channel count is", info.channels, 1);
        err = GALOIS_ERR_UNSUPPORTED;
        goto out;
    }
    if (loop && info.frames <= 0) {
        say(why, max_why, path, "nothing to loop over: frame count is", (long)info.frames, 1);
        err = GALOIS_ERR_INVALID;
        goto out;
    }
    struct galois_wav_reader *r = calloc(1, sizeof(*r));
    if (r == NULL) {
        err = GALOIS_ERR_NOMEM;
        goto out;
    }
    r->f = f;
    r->loop = loop;
    f = NULL;
    *out = r;
out:
    if (f != NULL) {
        sf_close(f);
    }
    return err;
}

galois_err galois_wav_reader_read(struct galois_wav_reader *r, int16_t *pcm, size_t n, size_t *got)
{
    *got = 0;
    bool wrapped = false;
    while (*got < n) {
        sf_count_t k = sf_read_short(r->f, pcm + *got, (sf_count_t)(n - *got));
        if (k < 0) {
            return GALOIS_ERR_IO;
        }
        if (k > 0) {
            *got += (size_t)k;
            wrapped = false;
            continue;
        }
        if (sf_error(r->f) != SF_ERR_NO_ERROR) {
            return GALOIS_ERR_IO;
        }
        // At the end: start again, unless not looping or a rewind gave nothing.
        if (!r->loop || wrapped) {
            break;
        }
        if (sf_seek(r->f, 0, SEEK_SET) < 0) {
            return GALOIS_ERR_IO;
        }
        wrapped = true;
    }
    return GALOIS_ERR_OK;
}

void galois_wav_reader_close(struct galois_wav_reader *r)
{
    if (r == NULL) {
        return;
    }
    sf_close(r->f);
    free(r);
}

galois_err galois_wav_writer_open(struct galois_wav_writer **out, const char *path, char *why,
                                  size_t max_why)
{
    *out = NULL;
    SF_INFO info = {
        .samplerate = GALOIS_MEDIA_RATE,
        .channels = 1,
        .format = SF_FORMAT_WAV | SF_FORMAT_PCM_16,
    };
    struct galois_wav_writer *w = calloc(1, sizeof(*w));
    if (w == NULL) {
        return GALOIS_ERR_NOMEM;
    }
    w->f = sf_open(path, SFM_WRITE, &info);
    if (w->f == NULL) {
        say_lib(why, max_why, path, "cannot create", NULL);
        free(w);
        return GALOIS_ERR_IO;
    }
    *out = w;
    return GALOIS_ERR_OK;
}

galois_err galois_wav_writer_write(struct galois_wav_writer *w, const int16_t *pcm, size_t n)
{
    if (n == 0) {
        return GALOIS_ERR_OK;
    }
    sf_count_t k = sf_write_short(w->f, pcm, (sf_count_t)n);
    return k == (sf_count_t)n ? GALOIS_ERR_OK : GALOIS_ERR_IO;
}

galois_err galois_wav_writer_close(struct galois_wav_writer *w)
{
    if (w == NULL) {
        return GALOIS_ERR_OK;
    }
    int rc = sf_close(w->f);
    free(w);
    return rc == 0 ? GALOIS_ERR_OK : GALOIS_ERR_IO;
}
