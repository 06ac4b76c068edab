// Fuzz target: every function of the cursor over untrusted bytes (src/common/internal.h),
// driven by the input, against the invariants the rest of the code relies on:
//   - a read that fails leaves the cursor exactly where it was;
//   - a read that succeeds returns the bytes at the cursor (big-endian for integers) and moves
//     it forward by what it read; a cursor's length never grows;
//   - galois_cur_take / galois_cur_take_tail views lie inside the view they came from, and no
//     view ever leaves the input buffer;
//   - the text reads (lit, until, until_any, u64_dec, eq) agree with a plain reference.
//
// Input: byte 0 is the length k of the program; bytes 1..k are the program, the rest is the
// data the cursors read (copied to a buffer of its exact size, so ASan sees any overread).
// Each program byte is an operation (low 5 bits) on one of 8 cursors (high 3 bits); the
// operation's arguments are the program bytes that follow it.
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "common/internal.h"

enum { NUM_CURSORS = 8, MAX_TOKEN = 8, COPY_MAX = 300 };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct program {
    const uint8_t *p;
    size_t len;
};

struct state {
    const uint8_t *base;  // the data buffer every view must stay inside
    size_t base_len;
    struct galois_cur c[NUM_CURSORS];
};

static uint8_t arg(struct program *prog)
{
    if (prog->len == 0) {
        return 0;
    }
    uint8_t b = prog->p[0];
    prog->p++;
    prog->len--;
    return b;
}

// arg_len picks a count: small values, or values near the cursor's length (the edges).
static size_t arg_len(struct program *prog, const struct galois_cur *c)
{
    uint8_t b = arg(prog);
    if ((b & 0x80) == 0) {
        return b;
    }
    size_t delta = b & 0x07;
    return (b & 0x08) != 0 ? c->len + delta : (c->len >= delta ? c->len - delta : 0);
}

// arg_text writes a NUL-terminated token of 0..MAX_TOKEN bytes to `out`: taken from the
// cursor's own bytes (so it often matches) or from the program (so it often does not).
static size_t arg_text(struct program *prog, const struct galois_cur *c, char *out)
{
    uint8_t b = arg(prog);
    size_t n = b % (MAX_TOKEN + 1);
    for (size_t i = 0; i < n; i++) {
        uint8_t ch = (b & 0x80) != 0 && i < c->len ? c->p[i] : arg(prog);
        if (ch == 0) {
            n = i;
            break;
        }
        out[i] = (char)ch;
    }
    out[n] = '\0';
    return n;
}

static bool inside(const struct galois_cur *outer, const struct galois_cur *inner)
{
    uintptr_t o = (uintptr_t)outer->p;
    uintptr_t i = (uintptr_t)inner->p;
    return inner->len == 0 ||
           (i >= o && inner->len <= outer->len && i - o <= outer->len - inner->len);
}

static bool same(const struct galois_cur *a, const struct galois_cur *b)
{
    return a->p == b->p && a->len == b->len;
}

// check_read: after a read of `n` bytes from the start that returned `ok`.
static void check_read(const struct galois_cur *old, const struct galois_cur *now, bool ok,
                       size_t n)
{
    if (!ok) {
        GALOIS_CHECK(same(old, now));
        return;
    }
    // Compared as integers: `old->p + n` would be undefined for a NULL view.
    GALOIS_CHECK(n <= old->len && now->len == old->len - n &&
                 (uintptr_t)now->p == (uintptr_t)old->p + n);
}

static void op_ints(struct galois_cur *c, unsigned which)
{
    struct galois_cur old = *c;
    size_t n = which == 0 ? 1 : which == 1 ? 2 : 4;
    uint32_t want = 0;
    for (size_t i = 0; i < n && n <= old.len; i++) {
        want = (want << 8) | old.p[i];
    }
    bool ok;
    uint32_t got = 0;
    if (which == 0) {
        uint8_t v = 0;
        ok = galois_cur_u8(c, &v);
        got = v;
    } else if (which == 1) {
        uint16_t v = 0;
        ok = galois_cur_u16(c, &v);
        got = v;
    } else {
        ok = galois_cur_u32(c, &got);
    }
    GALOIS_CHECK(ok == (n <= old.len));
    check_read(&old, c, ok, n);
    GALOIS_CHECK(!ok || got == want);
}

static void op_take(struct state *s, struct galois_cur *c, struct galois_cur *sub, size_t n,
                    bool tail)
{
    struct galois_cur old = *c;
    struct galois_cur view = {NULL, 0};
    bool ok = tail ? galois_cur_take_tail(c, &view, n) : galois_cur_take(c, &view, n);
    GALOIS_CHECK(ok == (n <= old.len));
    if (!ok) {
        GALOIS_CHECK(same(&old, c));
        return;
    }
    GALOIS_CHECK(view.len == n && inside(&old, &view) && inside(&old, c));
    if (tail) {
        GALOIS_CHECK(c->p == old.p && c->len == old.len - n &&
                     (uintptr_t)view.p == (uintptr_t)old.p + c->len);
    } else {
        check_read(&old, c, true, n);
        GALOIS_CHECK(view.p == old.p);
    }
    if (old.p != NULL) {
        GALOIS_CHECK(galois_cur_offset(&old, &view) == (size_t)(view.p - old.p));
    }
    // An empty view made from NULL need not point into the data; any other view does.
    uintptr_t base = (uintptr_t)s->base;
    if ((uintptr_t)old.p >= base && (uintptr_t)old.p - base <= s->base_len) {
        struct galois_cur whole = {s->base, s->base_len};
        GALOIS_CHECK(galois_cur_offset(&whole, &view) == (size_t)(view.p - s->base));
    }
    *sub = view;
}

// op_until checks galois_cur_until(_any) against a scan for the first stop byte.
static void op_until(struct galois_cur *c, struct galois_cur *sub, const char *stops,
                     size_t max_len, bool any)
{
    struct galois_cur old = *c;
    size_t run = 0;
    size_t num_stops = any ? strlen(stops) : 1;
    while (run < old.len && memchr(stops, old.p[run], num_stops) == NULL) {
        run++;
    }
    struct galois_cur token = {NULL, 0};
    bool ok = any ? galois_cur_until_any(c, &token, stops, max_len)
                  : galois_cur_until(c, &token, (uint8_t)stops[0], max_len);
    GALOIS_CHECK(ok == (run > 0 && run <= max_len));
    check_read(&old, c, ok, run);
    if (ok) {
        GALOIS_CHECK(token.p == old.p && token.len == run);
        *sub = token;
    }
}

static void op_u64_dec(struct galois_cur *c, uint64_t max)
{
    struct galois_cur old = *c;
    size_t run = 0;
    uint64_t want = 0;
    bool fits = true;
    while (run < old.len && run < 20 && old.p[run] >= '0' && old.p[run] <= '9') {
        uint64_t d = (uint64_t)(old.p[run] - '0');
        if (want > (UINT64_MAX - d) / 10) {
            fits = false;
        }
        want = want * 10 + d;
        run++;
    }
    fits = fits && want <= max;
    uint64_t got = 0;
    bool ok = galois_cur_u64_dec(c, &got, max);
    GALOIS_CHECK(ok == (run > 0 && fits));
    check_read(&old, c, ok, run);
    GALOIS_CHECK(!ok || got == want);
}

static void step(struct state *s, struct program *prog)
{
    uint8_t b = arg(prog);
    struct galois_cur *c = &s->c[b >> 5];
    struct galois_cur old = *c;
    char text[MAX_TOKEN + 1];
    switch (b & 0x1f) {
        case 0: {  // re-initialise over part of the data, or over NULL
            size_t off = arg(prog) % (s->base_len + 1);
            size_t n = arg(prog) % (s->base_len - off + 1);
            bool null = (arg(prog) & 0x0f) == 0;  // a NULL view has no bytes, whatever the length
            galois_cur_init(c, null ? NULL : s->base + off, n);
            GALOIS_CHECK(galois_cur_len(c) == (null ? 0 : n));
            GALOIS_CHECK(null || galois_cur_data(c) == s->base + off);
            break;
        }
        case 1:
        case 2:
        case 3:
            op_ints(c, (b & 0x1fu) - 1);
            break;
        case 4: {
            size_t n = arg_len(prog, c);
            bool ok = galois_cur_skip(c, n);
            GALOIS_CHECK(ok == (n <= old.len));
            check_read(&old, c, ok, n);
            break;
        }
        case 5: {
            uint8_t out[COPY_MAX];
            size_t n = arg_len(prog, c);
            if (n > sizeof(out)) {
                n = sizeof(out);
            }
            bool ok = galois_cur_copy(c, out, n);
            GALOIS_CHECK(ok == (n <= old.len));
            check_read(&old, c, ok, n);
            GALOIS_CHECK(!ok || n == 0 || memcmp(out, old.p, n) == 0);
            break;
        }
        case 6:
        case 7: {
            size_t n = arg_len(prog, c);
            op_take(s, c, &s->c[arg(prog) % NUM_CURSORS], n, (b & 0x1f) == 7);
            break;
        }
        case 8: {
            size_t off = arg_len(prog, c);
            uint8_t v = 0;
            bool ok = galois_cur_peek_u8(c, off, &v);
            GALOIS_CHECK(ok == (off < old.len) && same(&old, c));
            GALOIS_CHECK(!ok || v == old.p[off]);
            break;
        }
        case 9: {
            size_t n = arg_text(prog, c, text);
            bool ok = galois_cur_lit(c, text);
            GALOIS_CHECK(ok == (n <= old.len && (n == 0 || memcmp(old.p, text, n) == 0)));
            check_read(&old, c, ok, n);
            break;
        }
        case 10: {
            text[0] = (char)arg(prog);
            text[1] = '\0';
            size_t max_len = arg_len(prog, c);
            op_until(c, &s->c[arg(prog) % NUM_CURSORS], text, max_len, false);
            break;
        }
        case 11: {
            arg_text(prog, c, text);
            size_t max_len = arg_len(prog, c);
            op_until(c, &s->c[arg(prog) % NUM_CURSORS], text, max_len, true);
            break;
        }
        case 12: {
            uint8_t m = arg(prog);
            uint64_t max = m == 0 ? UINT64_MAX : m < 0x80 ? m : 999999999u * (uint64_t)(m & 0x7f);
            op_u64_dec(c, max);
            break;
        }
        case 13: {
            size_t n = arg_text(prog, c, text);
            bool eq = galois_cur_eq(c, text);
            GALOIS_CHECK(same(&old, c));
            GALOIS_CHECK(eq == (n == old.len && (n == 0 || memcmp(old.p, text, n) == 0)));
            break;
        }
        case 14:  // copy one cursor into another
            s->c[arg(prog) % NUM_CURSORS] = *c;
            break;
        default:
            GALOIS_CHECK(galois_cur_len(c) == c->len && galois_cur_data(c) == c->p);
            break;
    }
    if ((b & 0x1f) != 0) {
        GALOIS_CHECK(c->len <= old.len);
    }
    struct galois_cur whole = {s->base, s->base_len};
    for (size_t i = 0; i < NUM_CURSORS; i++) {
        GALOIS_CHECK(s->c[i].p == NULL ? s->c[i].len == 0 : inside(&whole, &s->c[i]));
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0) {
        return 0;
    }
    size_t prog_len = data[0] < size - 1 ? data[0] : size - 1;
    struct program prog = {data + 1, prog_len};
    size_t data_len = size - 1 - prog_len;
    uint8_t *buf = malloc(data_len > 0 ? data_len : 1);
    GALOIS_CHECK(buf != NULL);
    if (data_len > 0) {
        memcpy(buf, data + 1 + prog_len, data_len);
    }
    struct state s = {.base = buf, .base_len = data_len};
    for (size_t i = 0; i < NUM_CURSORS; i++) {
        galois_cur_init(&s.c[i], buf, data_len);
    }
    while (prog.len > 0) {
        step(&s, &prog);
    }
    free(buf);
    return 0;
}
