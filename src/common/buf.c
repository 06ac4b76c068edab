// The output writer over caller memory, with a sticky failure flag (STYLE.md C4).
#include <string.h>

#include "internal.h"

void galois_buf_init(struct galois_buf *b, void *mem, size_t cap)
{
    b->p = mem;
    b->len = 0;
    b->cap = mem == NULL ? 0 : cap;
    b->need = 0;
    b->failed = false;
}

void galois_buf_put(struct galois_buf *b, const void *data, size_t n)
{
    b->need = n > SIZE_MAX - b->need ? SIZE_MAX : b->need + n;
    if (b->failed || n > b->cap - b->len) {
        b->failed = true;
        return;
    }
    if (n > 0) {
        memcpy(b->p + b->len, data, n);
    }
    b->len += n;
}

void galois_buf_puts(struct galois_buf *b, const char *s)
{
    galois_buf_put(b, s, strlen(s));
}

void galois_buf_putc(struct galois_buf *b, char ch)
{
    galois_buf_put(b, &ch, 1);
}

void galois_buf_put_dec(struct galois_buf *b, uint64_t v)
{
    char digits[20];
    size_t n = 0;
    do {
        digits[sizeof(digits) - 1 - n] = (char)('0' + v % 10);
        v /= 10;
        n++;
    } while (v != 0);
    galois_buf_put(b, digits + sizeof(digits) - n, n);
}

void galois_buf_put_cur(struct galois_buf *b, const struct galois_cur *c)
{
    galois_buf_put(b, galois_cur_data(c), galois_cur_len(c));
}

bool galois_buf_finish(struct galois_buf *b)
{
    if (b->failed || b->len == b->cap) {
        b->failed = true;
        b->need = b->need == SIZE_MAX ? SIZE_MAX : b->need + 1;
        return false;
    }
    b->p[b->len] = 0;
    return true;
}
