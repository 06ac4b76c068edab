// The BIO between OpenSSL and the caller's socket: datagrams in, datagrams out, no I/O.
//
// Reads return the one datagram galois_dtls_input is handing over (borrowed for that call),
// then "retry". Writes are collected into an open datagram that each BIO_flush closes: during
// a handshake OpenSSL writes through a buffering BIO sized by the MTU and flushes it once per
// datagram, and after one it flushes after every alert. A write that would push the open
// datagram past the MTU closes it first, and galois_dtls_output closes whatever is still open,
// so no datagram is ever lost or merged past the MTU.
#include <openssl/bio.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

struct queued {
    uint8_t *p;  // owned
    size_t len;
};

struct dgram {
    const uint8_t *in;  // borrowed for one galois_dtls_input call; NULL when read or unset
    size_t in_len;
    uint8_t open[GALOIS_DTLS_MAX_DATAGRAM];
    size_t open_len;
    size_t mtu;
    struct queued queue[DTLS_MAX_QUEUE];
    size_t head;
    size_t count;
};

static BIO_METHOD *dgram_method;  // made once, lives as long as the process
static pthread_once_t dgram_once = PTHREAD_ONCE_INIT;

// close_open moves the open datagram to the queue. When the queue is full the datagram is
// dropped, as a full socket buffer would drop it: DTLS retransmits.
static void close_open(struct dgram *g)
{
    if (g->open_len == 0) {
        return;
    }
    if (g->count < DTLS_MAX_QUEUE) {
        uint8_t *p = malloc(g->open_len);
        if (p != NULL) {
            memcpy(p, g->open, g->open_len);
            g->queue[(g->head + g->count) % DTLS_MAX_QUEUE] = (struct queued){p, g->open_len};
            g->count++;
        }
    }
    g->open_len = 0;
}

static int dgram_write(BIO *b, const char *buf, int len)
{
    struct dgram *g = BIO_get_data(b);
    BIO_clear_retry_flags(b);
    if (len <= 0) {
        return 0;
    }
    size_t n = (size_t)len;
    if (g->open_len > 0 && g->open_len + n > g->mtu) {
        close_open(g);
    }
    if (n > sizeof(g->open) - g->open_len) {
        return -1;
    }
    memcpy(g->open + g->open_len, buf, n);
    g->open_len += n;
    return len;
}

static int dgram_read(BIO *b, char *buf, int len)
{
    struct dgram *g = BIO_get_data(b);
    BIO_clear_retry_flags(b);
    if (g->in == NULL || buf == NULL || len <= 0) {
        BIO_set_retry_read(b);
        return -1;
    }
    // A datagram longer than the reader's room is cut, as recv() cuts a UDP datagram.
    size_t n = g->in_len < (size_t)len ? g->in_len : (size_t)len;
    memcpy(buf, g->in, n);
    g->in = NULL;
    g->in_len = 0;
    return (int)n;
}

static long dgram_ctrl(BIO *b, int cmd, long num, void *ptr)
{
    (void)num;
    (void)ptr;
    struct dgram *g = BIO_get_data(b);
    switch (cmd) {
        case BIO_CTRL_FLUSH:
            close_open(g);
            return 1;
        case BIO_CTRL_WPENDING:
            return (long)g->open_len;
        case BIO_CTRL_PENDING:
            return g->in == NULL ? 0 : (long)g->in_len;
        case BIO_CTRL_DGRAM_QUERY_MTU:
        case BIO_CTRL_DGRAM_GET_FALLBACK_MTU:
            return (long)g->mtu;
        default:
            return 0;  // no peer address, no timeouts, no MTU overhead: the caller owns those
    }
}

static int dgram_create(BIO *b)
{
    BIO_set_data(b, NULL);
    return 1;
}

static int dgram_destroy(BIO *b)
{
    struct dgram *g = BIO_get_data(b);
    if (g == NULL) {
        return 1;
    }
    for (size_t i = 0; i < g->count; i++) {
        free(g->queue[(g->head + i) % DTLS_MAX_QUEUE].p);
    }
    free(g);
    BIO_set_data(b, NULL);
    return 1;
}

static void make_method(void)
{
    BIO_METHOD *m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "galois datagrams");
    if (m == NULL) {
        return;
    }
    if (BIO_meth_set_write(m, dgram_write) != 1 || BIO_meth_set_read(m, dgram_read) != 1 ||
        BIO_meth_set_ctrl(m, dgram_ctrl) != 1 || BIO_meth_set_create(m, dgram_create) != 1 ||
        BIO_meth_set_destroy(m, dgram_destroy) != 1) {
        BIO_meth_free(m);
        return;
    }
    dgram_method = m;
}

BIO *dtls_bio_new(size_t mtu)
{
    if (pthread_once(&dgram_once, make_method) != 0 || dgram_method == NULL) {
        return NULL;
    }
    struct dgram *g = calloc(1, sizeof(*g));
    BIO *b = g == NULL ? NULL : BIO_new(dgram_method);
    if (b == NULL) {
        free(g);
        return NULL;
    }
    g->mtu = mtu;
    BIO_set_data(b, g);
    BIO_set_init(b, 1);
    return b;
}

void dtls_bio_set_input(BIO *b, const uint8_t *in, size_t in_len)
{
    struct dgram *g = BIO_get_data(b);
    g->in = in;
    g->in_len = in_len;
}

bool dtls_bio_next(BIO *b, uint8_t *out, size_t *out_len, size_t max, bool *too_big)
{
    struct dgram *g = BIO_get_data(b);
    *out_len = 0;
    *too_big = false;
    close_open(g);
    if (g->count == 0) {
        return false;
    }
    struct queued *q = &g->queue[g->head];
    if (q->len > max) {
        *too_big = true;
        return false;
    }
    memcpy(out, q->p, q->len);
    *out_len = q->len;
    free(q->p);
    *q = (struct queued){NULL, 0};
    g->head = (g->head + 1) % DTLS_MAX_QUEUE;
    g->count--;
    return true;
}
