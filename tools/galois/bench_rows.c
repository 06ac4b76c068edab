// `galois bench`: what the rows are made of. Their packets: the plain rows carry a 12-byte RTP
// header, the header protection rows (+ext, +cryptex, +rfc6904) one with a CSRC and a one-byte
// header extension, checked to come out of protect with the header protection they name. Their
// names and selection (--only). And what every measurement uses: the clock, the median, the
// callgrind hooks.
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#if defined(__has_include)
#if __has_include(<valgrind/callgrind.h>)
#include <valgrind/callgrind.h>
#define BENCH_HAVE_CALLGRIND 1
#endif
#endif

#include "bench_impl.h"

enum {
    EXT_AT = BENCH_RTP_HEADER + 4,  // the extension header, after the CSRC
    BODY_AT = EXT_AT + 4,           // the extension body: elements and padding
    BODY_LEN = BENCH_EXT_HEADER - BODY_AT,
    NUM_ELEMENTS = 3,
};

// The extension elements, as a WebRTC audio packet might carry them: an audio level (ID 1, one
// byte), a 4-byte element (ID 3) and a transport-wide sequence number (ID 5, two bytes).
static const struct {
    unsigned id;
    size_t at;   // offset of the element's data in the body
    size_t len;  // data bytes
} elements[NUM_ELEMENTS] = {{1, 1, 1}, {3, 3, 4}, {5, 8, 2}};

const unsigned bench_rfc6904_ids[BENCH_RFC6904_IDS] = {1, 3};

void bench_put16(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

void bench_put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

uint32_t bench_get16(const uint8_t *p)
{
    return (uint32_t)p[0] << 8 | p[1];
}

uint32_t bench_get32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

const char *bench_hdr_suffix(enum bench_hdr hdr)
{
    switch (hdr) {
        case BENCH_HDR_EXT:
            return "+ext";
        case BENCH_HDR_CRYPTEX:
            return "+cryptex";
        case BENCH_HDR_RFC6904:
            return "+rfc6904";
        case BENCH_HDR_PLAIN:
        case BENCH_HDR_COUNT_:
        default:
            return "";
    }
}

size_t bench_rtp_header(uint8_t *p, enum bench_hdr hdr, uint16_t seq)
{
    bool ext = hdr != BENCH_HDR_PLAIN;
    p[0] = ext ? 0x91 : 0x80;  // V=2; with the extension: X=1, CC=1
    p[1] = 111;
    bench_put16(p + 2, seq);
    bench_put32(p + 4, (uint32_t)seq * 960u);
    bench_put32(p + 8, BENCH_SSRC);
    if (!ext) {
        return BENCH_RTP_HEADER;
    }
    bench_put32(p + BENCH_RTP_HEADER, 0x0badf00d);  // CSRC
    bench_put16(p + EXT_AT, 0xbede);                // RFC 8285 one-byte form
    bench_put16(p + EXT_AT + 2, BODY_LEN / 4);
    memset(p + BODY_AT, 0, BODY_LEN);  // the bytes after the last element are padding
    for (size_t e = 0; e < NUM_ELEMENTS; e++) {
        uint8_t *d = p + BODY_AT + elements[e].at;
        d[-1] = (uint8_t)(elements[e].id << 4 | (elements[e].len - 1));
        for (size_t i = 0; i < elements[e].len; i++) {
            d[i] = (uint8_t)(0xa0 + 0x10 * e + i);
        }
    }
    return BENCH_EXT_HEADER;
}

// encrypted_id tells whether the +rfc6904 rows encrypt element `id`.
static bool encrypted_id(unsigned id)
{
    for (size_t i = 0; i < BENCH_RFC6904_IDS; i++) {
        if (bench_rfc6904_ids[i] == id) {
            return true;
        }
    }
    return false;
}

// changed tells whether `len` bytes at `a` and `b` differ anywhere. (Not in every byte: a
// keystream byte is 0 one time in 256.)
static bool changed(const uint8_t *a, const uint8_t *b, size_t len)
{
    return memcmp(a, b, len) != 0;
}

bool bench_hdr_check(enum bench_hdr hdr, const uint8_t *plain, const uint8_t *prot, char *why,
                     size_t why_len)
{
    size_t hlen = hdr == BENCH_HDR_PLAIN ? BENCH_RTP_HEADER : BENCH_EXT_HEADER;
    const char *bad = NULL;
    if (hdr == BENCH_HDR_PLAIN || hdr == BENCH_HDR_EXT) {
        bad = changed(plain, prot, hlen) ? "the header changed" : NULL;
    } else if (changed(plain, prot, BENCH_RTP_HEADER) ||
               changed(plain + EXT_AT + 2, prot + EXT_AT + 2, 2)) {
        bad = "the fixed header or the extension length changed";
    } else if (hdr == BENCH_HDR_CRYPTEX) {
        if (bench_get16(prot + EXT_AT) != 0xc0de) {
            bad = "the extension profile is not 0xC0DE";
        } else if (!changed(plain + BENCH_RTP_HEADER, prot + BENCH_RTP_HEADER, 4) ||
                   !changed(plain + BODY_AT, prot + BODY_AT, BODY_LEN)) {
            bad = "the CSRC or the extension body is in the clear";
        }
    } else {
        // RFC 6904 §4.1: only the data of the chosen elements changes; their ID and length
        // bytes, the other elements and the padding stay.
        uint8_t rest[BENCH_EXT_HEADER];  // `prot` with the chosen elements' data put back
        bool encrypted = false;
        memcpy(rest, prot, sizeof(rest));
        for (size_t e = 0; e < NUM_ELEMENTS; e++) {
            size_t at = BODY_AT + elements[e].at;
            if (encrypted_id(elements[e].id)) {
                encrypted |= changed(plain + at, prot + at, elements[e].len);
                memcpy(rest + at, plain + at, elements[e].len);
            }
        }
        if (!encrypted) {
            bad = "the chosen elements are in the clear";
        } else if (changed(plain, rest, sizeof(rest))) {
            bad = "bytes other than the chosen elements' data changed";
        }
    }
    if (bad != NULL) {
        snprintf(why, why_len, "%s", bad);
    }
    return bad == NULL;
}

// field_match matches the `pat_len`-byte field pattern `pat` against `name` (fnmatch).
static bool field_match(const char *pat, size_t pat_len, const char *name)
{
    char buf[128];
    if (pat_len >= sizeof(buf)) {
        return false;
    }
    memcpy(buf, pat, pat_len);
    buf[pat_len] = '\0';
    return fnmatch(buf, name, 0) == 0;
}

bool bench_row_selected(const char *only, const char *impl, const char *suite, const char *op,
                        size_t payload)
{
    if (only == NULL) {
        return true;
    }
    char pay[16];
    snprintf(pay, sizeof(pay), "%zu", payload);
    const char *names[4] = {impl, suite, op, pay};
    const char *p = only;
    while (*p != '\0') {
        size_t len = strcspn(p, ",");
        bool ok = true;
        const char *f = p;
        for (size_t k = 0; k < 4 && ok; k++) {
            size_t rest = (size_t)(p + len - f);
            size_t flen = strcspn(f, ":,");
            if (flen > rest) {
                flen = rest;
            }
            if (f >= p + len) {
                break;  // missing trailing fields match anything
            }
            ok = field_match(f, flen, names[k]);
            f += flen + (f + flen < p + len ? 1 : 0);
        }
        if (ok) {
            return true;
        }
        p += len + (p[len] == ',' ? 1 : 0);
    }
    return false;
}

uint64_t bench_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double bench_median(double *v, size_t n)
{
    if (n == 0) {
        return 0;
    }
    qsort(v, n, sizeof(double), cmp_double);
    return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static bool g_collecting;

void bench_cg_collect(bool on)
{
    if (on == g_collecting) {
        return;
    }
    g_collecting = on;
#ifdef BENCH_HAVE_CALLGRIND
    CALLGRIND_TOGGLE_COLLECT;
#endif
}

void bench_cg_dump(const char *name)
{
#ifdef BENCH_HAVE_CALLGRIND
    CALLGRIND_DUMP_STATS_AT(name);
#else
    (void)name;
#endif
}
