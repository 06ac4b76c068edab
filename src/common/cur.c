// The cursor: the only code that does pointer arithmetic on untrusted lengths.
#include <string.h>

#include "internal.h"

bool galois_cur_copy(struct galois_cur *c, uint8_t *out, size_t n)
{
    if (n > c->len) {
        return false;
    }
    if (n > 0) {
        memcpy(out, c->p, n);
    }
    return galois_cur_skip(c, n);
}

bool galois_cur_peek_u8(const struct galois_cur *c, size_t off, uint8_t *out)
{
    if (off >= c->len) {
        return false;
    }
    *out = c->p[off];
    return true;
}

size_t galois_cur_offset(const struct galois_cur *outer, const struct galois_cur *inner)
{
    GALOIS_CHECK(inner->p >= outer->p && (size_t)(inner->p - outer->p) <= outer->len);
    return (size_t)(inner->p - outer->p);
}

bool galois_cur_lit(struct galois_cur *c, const char *lit)
{
    size_t n = strlen(lit);
    if (n > c->len || memcmp(c->p, lit, n) != 0) {
        return false;
    }
    return galois_cur_skip(c, n);
}

static bool take_until(struct galois_cur *c, struct galois_cur *out, const char *stops,
                       size_t num_stops, size_t max_len)
{
    size_t n = 0;
    while (n < c->len && memchr(stops, c->p[n], num_stops) == NULL) {
        n++;
    }
    if (n == 0 || n > max_len) {
        return false;
    }
    return galois_cur_take(c, out, n);
}

bool galois_cur_until(struct galois_cur *c, struct galois_cur *out, uint8_t stop, size_t max_len)
{
    char stops[1] = {(char)stop};
    return take_until(c, out, stops, 1, max_len);
}

bool galois_cur_until_any(struct galois_cur *c, struct galois_cur *out, const char *stops,
                          size_t max_len)
{
    return take_until(c, out, stops, strlen(stops), max_len);
}

bool galois_cur_u64_dec(struct galois_cur *c, uint64_t *out, uint64_t max)
{
    uint64_t v = 0;
    size_t n = 0;
    while (n < c->len && n < 20 && c->p[n] >= '0' && c->p[n] <= '9') {
        uint64_t d = (uint64_t)(c->p[n] - '0');
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
    return galois_cur_skip(c, n);
}

bool galois_cur_eq(const struct galois_cur *c, const char *s)
{
    size_t n = strlen(s);
    return n == c->len && (n == 0 || memcmp(c->p, s, n) == 0);
}

static uint8_t lower(uint8_t ch)
{
    return ch >= 'A' && ch <= 'Z' ? (uint8_t)(ch - 'A' + 'a') : ch;
}

static bool same_nocase(const uint8_t *p, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (lower(p[i]) != lower((uint8_t)s[i])) {
            return false;
        }
    }
    return true;
}

bool galois_cur_lit_nocase(struct galois_cur *c, const char *lit)
{
    size_t n = strlen(lit);
    if (n > c->len || !same_nocase(c->p, lit, n)) {
        return false;
    }
    return galois_cur_skip(c, n);
}

bool galois_cur_eq_nocase(const struct galois_cur *c, const char *s)
{
    size_t n = strlen(s);
    return n == c->len && same_nocase(c->p, s, n);
}

bool galois_cur_line(struct galois_cur *c, struct galois_cur *out, size_t max_len)
{
    if (c->len == 0) {
        return false;
    }
    const uint8_t *lf = memchr(c->p, '\n', c->len);
    size_t n = lf == NULL ? c->len : (size_t)(lf - c->p);
    size_t text = n > 0 && c->p[n - 1] == '\r' ? n - 1 : n;
    if (text > max_len) {
        return false;
    }
    out->p = c->p;
    out->len = text;
    return galois_cur_skip(c, lf == NULL ? n : n + 1);
}

bool galois_cur_while(struct galois_cur *c, struct galois_cur *out, bool (*pred)(uint8_t),
                      size_t max_len)
{
    size_t n = 0;
    while (n < c->len && pred(c->p[n])) {
        n++;
    }
    if (n == 0 || n > max_len) {
        return false;
    }
    return galois_cur_take(c, out, n);
}

size_t galois_cur_skip_while(struct galois_cur *c, bool (*pred)(uint8_t))
{
    size_t n = 0;
    while (n < c->len && pred(c->p[n])) {
        n++;
    }
    GALOIS_CHECK(galois_cur_skip(c, n));
    return n;
}
