// Internal helpers every layer may use: the cursor over untrusted bytes, checks, macros.
#ifndef GALOIS_SRC_COMMON_INTERNAL_H
#define GALOIS_SRC_COMMON_INTERNAL_H

#include <galois/common.h>
#include <stdlib.h>

#define GALOIS_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

// GALOIS_CHECK aborts, in every build type, when an invariant the code relies on is false.
#define GALOIS_CHECK(cond) \
    do {                   \
        if (!(cond)) {     \
            abort();       \
        }                  \
    } while (0)

// GALOIS_TRY returns early with the error of `expr`; only where nothing needs cleaning up.
#define GALOIS_TRY(expr)                    \
    do {                                    \
        galois_err galois_try_ = (expr);    \
        if (galois_try_ != GALOIS_ERR_OK) { \
            return galois_try_;             \
        }                                   \
    } while (0)

// galois_cur is a borrowed, bounds-checked view of untrusted bytes (C4 of STYLE.md). Every read
// returns false and leaves the cursor where it was when the bytes are not there; integers are
// big-endian. Pointer arithmetic on untrusted lengths happens only in cur.c.
struct galois_cur {
    const uint8_t *p;
    size_t len;
};

// The binary reads are inline: they sit on the per-packet path. They are part of the cursor
// module all the same; nothing outside it touches `p` and `len`.
static inline void galois_cur_init(struct galois_cur *c, const uint8_t *p, size_t len)
{
    // A NULL view becomes an empty one over a real object: NULL + 0 is undefined in C.
    static const uint8_t empty[1];
    c->p = p == NULL ? empty : p;
    c->len = p == NULL ? 0 : len;
}

static inline size_t galois_cur_len(const struct galois_cur *c)
{
    return c->len;
}

static inline const uint8_t *galois_cur_data(const struct galois_cur *c)
{
    return c->p;
}

static inline bool galois_cur_skip(struct galois_cur *c, size_t n)
{
    if (n > c->len) {
        return false;
    }
    c->p += n;
    c->len -= n;
    return true;
}

static inline bool galois_cur_u8(struct galois_cur *c, uint8_t *out)
{
    if (c->len < 1) {
        return false;
    }
    *out = c->p[0];
    return galois_cur_skip(c, 1);
}

static inline bool galois_cur_u16(struct galois_cur *c, uint16_t *out)
{
    if (c->len < 2) {
        return false;
    }
    *out = (uint16_t)((c->p[0] << 8) | c->p[1]);
    return galois_cur_skip(c, 2);
}

static inline bool galois_cur_u32(struct galois_cur *c, uint32_t *out)
{
    if (c->len < 4) {
        return false;
    }
    *out =
        ((uint32_t)c->p[0] << 24) | ((uint32_t)c->p[1] << 16) | ((uint32_t)c->p[2] << 8) | c->p[3];
    return galois_cur_skip(c, 4);
}

// galois_cur_take moves the next `n` bytes into the sub-cursor `out` and advances past them.
static inline bool galois_cur_take(struct galois_cur *c, struct galois_cur *out, size_t n)
{
    if (n > c->len) {
        return false;
    }
    out->p = c->p;
    out->len = n;
    return galois_cur_skip(c, n);
}

// galois_cur_take_tail moves the last `n` bytes into `out` and shortens `c` by `n`.
static inline bool galois_cur_take_tail(struct galois_cur *c, struct galois_cur *out, size_t n)
{
    if (n > c->len) {
        return false;
    }
    c->len -= n;
    out->p = c->p + c->len;
    out->len = n;
    return true;
}

// galois_cur_copy copies the next `n` bytes to `out` and advances.
bool galois_cur_copy(struct galois_cur *c, uint8_t *out, size_t n);
// galois_cur_peek_u8 reads the byte at `off` without advancing.
bool galois_cur_peek_u8(const struct galois_cur *c, size_t off, uint8_t *out);
// galois_cur_offset returns how far `inner` (a view taken from `outer`) starts into `outer`.
size_t galois_cur_offset(const struct galois_cur *outer, const struct galois_cur *inner);

// Text reads, for the text protocols (SDES, SDP, SIP). None needs a NUL.
// galois_cur_lit consumes the literal `lit` if the input starts with it.
bool galois_cur_lit(struct galois_cur *c, const char *lit);
// galois_cur_until takes bytes up to (not including) `stop` or the end of input into `out`,
// refusing more than `max_len` bytes or an empty token.
bool galois_cur_until(struct galois_cur *c, struct galois_cur *out, uint8_t stop, size_t max_len);
// galois_cur_until_any is galois_cur_until with a set of stop bytes.
bool galois_cur_until_any(struct galois_cur *c, struct galois_cur *out, const char *stops,
                          size_t max_len);
// galois_cur_u64_dec reads a decimal number of at most 20 digits no greater than `max`.
bool galois_cur_u64_dec(struct galois_cur *c, uint64_t *out, uint64_t max);
// galois_cur_eq compares the view with the NUL-terminated `s` exactly.
bool galois_cur_eq(const struct galois_cur *c, const char *s);

// More text reads (added for the SDES and SDP layers).
// galois_cur_lit_nocase is galois_cur_lit comparing ASCII letters without regard to case
// (ABNF literal strings, RFC 5234 §2.3).
bool galois_cur_lit_nocase(struct galois_cur *c, const char *lit);
// galois_cur_eq_nocase is galois_cur_eq comparing ASCII letters without regard to case.
bool galois_cur_eq_nocase(const struct galois_cur *c, const char *s);
// galois_cur_line takes the bytes up to the next LF (or the end of input) into `out`, without
// the LF and without one CR before it, and advances past the LF. An empty line is a line; it
// fails only at the end of input or for a line over `max_len` bytes.
bool galois_cur_line(struct galois_cur *c, struct galois_cur *out, size_t max_len);
// galois_cur_while takes the longest non-empty run of bytes for which `pred` holds into `out`,
// refusing a run longer than `max_len`.
bool galois_cur_while(struct galois_cur *c, struct galois_cur *out, bool (*pred)(uint8_t),
                      size_t max_len);
// galois_cur_skip_while skips any run (even empty) of bytes for which `pred` holds and returns
// how many it skipped.
size_t galois_cur_skip_while(struct galois_cur *c, bool (*pred)(uint8_t));

// galois_buf writes text or bytes into memory the caller provides. A write that does not fit
// sets the sticky `failed` flag and writes nothing more; `need` keeps counting what the whole
// output would take, so a caller can report the size it needs. Like BoringSSL's fixed CBB.
struct galois_buf {
    uint8_t *p;
    size_t len;   // bytes written
    size_t cap;   // room at p
    size_t need;  // bytes the output needs, written or not
    bool failed;
};

void galois_buf_init(struct galois_buf *b, void *mem, size_t cap);
void galois_buf_put(struct galois_buf *b, const void *data, size_t n);
void galois_buf_puts(struct galois_buf *b, const char *s);
void galois_buf_putc(struct galois_buf *b, char ch);
void galois_buf_put_dec(struct galois_buf *b, uint64_t v);
void galois_buf_put_cur(struct galois_buf *b, const struct galois_cur *c);
// galois_buf_finish writes a NUL after the output (not counted in `len`) and returns true
// unless some write failed or the NUL does not fit.
bool galois_buf_finish(struct galois_buf *b);

// Big-endian stores into caller memory (writers, not readers of untrusted input).
static inline void galois_put_u16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static inline void galois_put_u32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static inline uint32_t galois_get_u32(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

#endif  // GALOIS_SRC_COMMON_INTERNAL_H
