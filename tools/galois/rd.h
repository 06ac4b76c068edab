// galois tool: a bounds-checked reader for untrusted bytes (packets from a capture file, text
// from the command line). The tool sees only include/galois/, so it cannot use the library's
// internal cursor; this is the same idea in a header: every read checks `n > r->len`, returns
// false and leaves the reader where it was when the bytes are not there. Integers are
// big-endian. All pointer arithmetic on untrusted lengths in tools/galois/ happens here.
#ifndef GALOIS_TOOLS_RD_H
#define GALOIS_TOOLS_RD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

// galois_rd is a borrowed view of `len` bytes at `p`; it owns nothing and needs no NUL.
struct galois_rd {
    const uint8_t *p;
    size_t len;
};

static inline void galois_rd_init(struct galois_rd *r, const void *p, size_t len)
{
    r->p = (const uint8_t *)p;
    r->len = p == NULL ? 0 : len;
}

static inline bool galois_rd_skip(struct galois_rd *r, size_t n)
{
    if (n > r->len) {
        return false;
    }
    r->p += n;
    r->len -= n;
    return true;
}

static inline bool galois_rd_u8(struct galois_rd *r, uint8_t *out)
{
    if (r->len < 1) {
        return false;
    }
    *out = r->p[0];
    return galois_rd_skip(r, 1);
}

static inline bool galois_rd_u16(struct galois_rd *r, uint16_t *out)
{
    if (r->len < 2) {
        return false;
    }
    *out = (uint16_t)((unsigned)r->p[0] << 8 | r->p[1]);
    return galois_rd_skip(r, 2);
}

static inline bool galois_rd_u32(struct galois_rd *r, uint32_t *out)
{
    if (r->len < 4) {
        return false;
    }
    *out = (uint32_t)r->p[0] << 24 | (uint32_t)r->p[1] << 16 | (uint32_t)r->p[2] << 8 |
           (uint32_t)r->p[3];
    return galois_rd_skip(r, 4);
}

static inline bool galois_rd_copy(struct galois_rd *r, uint8_t *out, size_t n)
{
    if (n > r->len) {
        return false;
    }
    if (n > 0) {
        memcpy(out, r->p, n);
    }
    return galois_rd_skip(r, n);
}

// galois_rd_take moves the next `n` bytes into the sub-reader `out` and advances past them, so
// an inner parser cannot read beyond the region its length field gave it.
static inline bool galois_rd_take(struct galois_rd *r, struct galois_rd *out, size_t n)
{
    if (n > r->len) {
        return false;
    }
    out->p = r->p;
    out->len = n;
    return galois_rd_skip(r, n);
}

// galois_rd_peek_u8 reads the byte `off` bytes ahead without advancing.
static inline bool galois_rd_peek_u8(const struct galois_rd *r, size_t off, uint8_t *out)
{
    if (off >= r->len) {
        return false;
    }
    *out = r->p[off];
    return true;
}

// galois_rd_offset returns how far `inner`, a reader taken from `outer`, starts into `outer`.
static inline size_t galois_rd_offset(const struct galois_rd *outer, const struct galois_rd *inner)
{
    return (size_t)(inner->p - outer->p);
}

// Text reads (command-line arguments). None needs a NUL.

// galois_rd_lit consumes the literal `lit` if the input starts with it.
static inline bool galois_rd_lit(struct galois_rd *r, const char *lit)
{
    size_t n = strlen(lit);
    if (n > r->len || memcmp(r->p, lit, n) != 0) {
        return false;
    }
    return galois_rd_skip(r, n);
}

// galois_rd_until takes the bytes up to (not including) the first `stop` byte, or to the end,
// into `out`. It refuses an empty token or one longer than `max_len` bytes.
static inline bool galois_rd_until(struct galois_rd *r, struct galois_rd *out, uint8_t stop,
                                   size_t max_len)
{
    const uint8_t *hit = r->len == 0 ? NULL : (const uint8_t *)memchr(r->p, stop, r->len);
    size_t n = hit == NULL ? r->len : (size_t)(hit - r->p);
    if (n == 0 || n > max_len) {
        return false;
    }
    return galois_rd_take(r, out, n);
}

// galois_rd_until_any is galois_rd_until that stops at any byte of the NUL-terminated `stops`.
static inline bool galois_rd_until_any(struct galois_rd *r, struct galois_rd *out,
                                       const char *stops, size_t max_len)
{
    size_t n = 0;
    while (n < r->len && strchr(stops, r->p[n]) == NULL) {
        n++;
    }
    if (n == 0 || n > max_len) {
        return false;
    }
    return galois_rd_take(r, out, n);
}

// galois_rd_dec_u64 reads one or more decimal digits as a value no larger than `max`.
static inline bool galois_rd_dec_u64(struct galois_rd *r, uint64_t *out, uint64_t max)
{
    uint64_t v = 0;
    size_t n = 0;
    while (n < r->len && r->p[n] >= '0' && r->p[n] <= '9') {
        uint64_t d = (uint64_t)(r->p[n] - '0');
        if (d > max || v > (max - d) / 10) {
            return false;
        }
        v = v * 10 + d;
        n++;
    }
    if (n == 0) {
        return false;
    }
    *out = v;
    return galois_rd_skip(r, n);
}

#endif  // GALOIS_TOOLS_RD_H
