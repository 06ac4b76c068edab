// The arena of a galois_sdp: chunks that hold every string and list, wiped when freed (an SDP
// can carry SDES keys).
#include <stdalign.h>
#include <stddef.h>
#include <string.h>

#include "internal.h"

enum { CHUNK_MIN = 4096 };

struct chunk {
    struct chunk *next;
    size_t used;
    size_t cap;
    alignas(max_align_t) uint8_t data[];
};

struct galois_sdp_arena {
    struct chunk *head;
    size_t total;
};

static size_t align_up(size_t n)
{
    size_t a = alignof(max_align_t);
    return (n + a - 1) / a * a;
}

static struct chunk *new_chunk(struct galois_sdp_arena *a, size_t n)
{
    size_t cap = n > CHUNK_MIN ? n : CHUNK_MIN;
    if (cap > SDP_ARENA_MAX || a->total > SDP_ARENA_MAX - cap) {
        return NULL;
    }
    struct chunk *ch = calloc(1, sizeof(*ch) + cap);
    if (ch == NULL) {
        return NULL;
    }
    ch->cap = cap;
    ch->next = a->head;
    a->head = ch;
    a->total += cap;
    return ch;
}

void *sdp_arena_alloc(struct galois_sdp *sdp, size_t n)
{
    if (sdp->arena == NULL) {
        sdp->arena = calloc(1, sizeof(*sdp->arena));
        if (sdp->arena == NULL) {
            return NULL;
        }
    }
    if (n > SDP_ARENA_MAX) {
        return NULL;
    }
    size_t need = align_up(n == 0 ? 1 : n);
    struct chunk *ch = sdp->arena->head;
    if (ch == NULL || need > ch->cap - ch->used) {
        ch = new_chunk(sdp->arena, need);
        if (ch == NULL) {
            return NULL;
        }
    }
    void *p = ch->data + ch->used;
    ch->used += need;
    return p;
}

char *sdp_strndup(struct galois_sdp *sdp, const char *s, size_t len)
{
    if (len == SIZE_MAX) {
        return NULL;
    }
    char *d = sdp_arena_alloc(sdp, len + 1);
    if (d == NULL) {
        return NULL;
    }
    if (len > 0) {
        memcpy(d, s, len);
    }
    d[len] = '\0';
    return d;
}

char *sdp_cur_dup(struct galois_sdp *sdp, const struct galois_cur *c)
{
    return sdp_strndup(sdp, (const char *)galois_cur_data(c), galois_cur_len(c));
}

static bool is_pow2(size_t n)
{
    return (n & (n - 1)) == 0;
}

void *sdp_grow(struct galois_sdp *sdp, void *base, size_t n, size_t size, size_t max)
{
    if (n >= max) {
        return NULL;
    }
    uint8_t *list = base;
    if (n == 0 || (n >= 4 && is_pow2(n))) {
        size_t cap = n == 0 ? 4 : 2 * n;
        uint8_t *grown = sdp_arena_alloc(sdp, cap * size);
        if (grown == NULL) {
            return NULL;
        }
        if (n > 0) {
            memcpy(grown, list, n * size);
        }
        list = grown;
    }
    memset(list + n * size, 0, size);
    return list;
}

galois_err sdp_push_str(struct galois_sdp *sdp, const char ***list, size_t *num, const char *s,
                        size_t len)
{
    if (*num >= GALOIS_SDP_MAX_LIST) {
        return GALOIS_ERR_LIMIT;
    }
    char *copy = sdp_strndup(sdp, s, len);
    const char **grown = copy == NULL ? NULL : sdp_grow(sdp, *list, *num, sizeof(**list), SIZE_MAX);
    if (grown == NULL) {
        return GALOIS_ERR_NOMEM;
    }
    grown[*num] = copy;
    *list = grown;
    (*num)++;
    return GALOIS_ERR_OK;
}

void sdp_arena_free(struct galois_sdp *sdp)
{
    if (sdp->arena == NULL) {
        return;
    }
    struct chunk *ch = sdp->arena->head;
    while (ch != NULL) {
        struct chunk *next = ch->next;
        galois_secure_zero(ch->data, ch->cap);
        free(ch);
        ch = next;
    }
    free(sdp->arena);
    sdp->arena = NULL;
}

galois_err galois_sdp_new(struct galois_sdp **out)
{
    *out = calloc(1, sizeof(**out));
    return *out == NULL ? GALOIS_ERR_NOMEM : GALOIS_ERR_OK;
}

void galois_sdp_free(struct galois_sdp *sdp)
{
    if (sdp == NULL) {
        return;
    }
    sdp_arena_free(sdp);
    galois_secure_zero(sdp, sizeof(*sdp));
    free(sdp);
}
