// Helpers of the TLS tests: certificates made at test time, and two connections over a
// non-blocking socketpair driven in turn until both finish the handshake (no threads).
#ifndef GALOIS_TESTS_TLS_UTIL_H
#define GALOIS_TESTS_TLS_UTIL_H

#include <fcntl.h>
#include <galois/tls.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

enum { TU_PEM_MAX = 4096 };

// tu_cert is a certificate and its key in PEM.
struct tu_cert {
    char cert[TU_PEM_MAX];
    char key[TU_PEM_MAX];
};

static inline void tu_make_cert(struct tu_cert *c, const char *name)
{
    assert_int_equal(
        galois_tls_self_signed(c->cert, sizeof(c->cert), c->key, sizeof(c->key), name, 30),
        GALOIS_ERR_OK);
}

// tu_server_policy: the default, serving `id`.
static inline void tu_server_policy(struct galois_tls_policy *p, const struct tu_cert *id)
{
    galois_tls_policy_default(p);
    p->cert_pem = id->cert;
    p->key_pem = id->key;
}

// tu_client_policy: the default, trusting `ca`.
static inline void tu_client_policy(struct galois_tls_policy *p, const struct tu_cert *ca)
{
    galois_tls_policy_default(p);
    p->ca_pem = ca->cert;
}

static inline void tu_ctx(struct galois_tls_ctx **out, const struct galois_tls_policy *p,
                          enum galois_tls_role role)
{
    char why[GALOIS_TLS_MAX_WHY_LEN];
    galois_err err = galois_tls_ctx_new(out, p, role, why, sizeof(why));
    if (err != GALOIS_ERR_OK) {
        fail_msg("galois_tls_ctx_new: %s: %s", galois_err_name(err), why);
    }
}

struct tu_pair {
    struct galois_tls_ctx *cctx;
    struct galois_tls_ctx *sctx;
    struct galois_tls_conn *client;
    struct galois_tls_conn *server;
    int fds[2];
    enum galois_tls_io cr;  // the client's last handshake outcome
    enum galois_tls_io sr;  // the server's
};

static inline void tu_nonblock(int fd)
{
    int fl = fcntl(fd, F_GETFL);
    assert_true(fl >= 0);
    assert_int_equal(fcntl(fd, F_SETFL, fl | O_NONBLOCK), 0);
}

// tu_open makes both contexts and both connections; the client wants `peer_name`.
static inline void tu_open(struct tu_pair *p, const struct galois_tls_policy *client,
                           const struct galois_tls_policy *server, const char *peer_name)
{
    memset(p, 0, sizeof(*p));
    tu_ctx(&p->cctx, client, GALOIS_TLS_CLIENT);
    tu_ctx(&p->sctx, server, GALOIS_TLS_SERVER);
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, p->fds), 0);
    tu_nonblock(p->fds[0]);
    tu_nonblock(p->fds[1]);
    assert_int_equal(galois_tls_conn_new(&p->client, p->cctx, p->fds[0], peer_name), GALOIS_ERR_OK);
    assert_int_equal(galois_tls_conn_new(&p->server, p->sctx, p->fds[1], NULL), GALOIS_ERR_OK);
}

static inline bool tu_final(enum galois_tls_io io)
{
    return io == GALOIS_TLS_IO_OK || io == GALOIS_TLS_IO_ERROR;
}

// tu_drive steps both handshakes in turn until both are OK or failed, or nothing moves.
static inline void tu_drive(struct tu_pair *p)
{
    p->cr = GALOIS_TLS_IO_WANT_WRITE;
    p->sr = GALOIS_TLS_IO_WANT_READ;
    for (int i = 0; i < 64 && !(tu_final(p->cr) && tu_final(p->sr)); i++) {
        if (!tu_final(p->cr)) {
            p->cr = galois_tls_conn_handshake(p->client);
        }
        if (!tu_final(p->sr)) {
            p->sr = galois_tls_conn_handshake(p->server);
        }
    }
}

// tu_read reads once from `c` into `buf` as a string and returns the outcome.
static inline enum galois_tls_io tu_read(struct galois_tls_conn *c, char *buf, size_t max,
                                         size_t *n)
{
    enum galois_tls_io io = galois_tls_conn_read(c, (uint8_t *)buf, max - 1, n);
    buf[*n] = '\0';
    return io;
}

static inline void tu_close(struct tu_pair *p)
{
    galois_tls_conn_free(p->client);
    galois_tls_conn_free(p->server);
    galois_tls_ctx_free(p->cctx);
    galois_tls_ctx_free(p->sctx);
    close(p->fds[0]);
    close(p->fds[1]);
}

// tu_contains fails the test, showing both, when `hay` lacks `needle`.
static inline void tu_contains(const char *hay, const char *needle)
{
    if (strstr(hay, needle) == NULL) {
        fail_msg("'%s' does not contain '%s'", hay, needle);
    }
}

// tu_write_file writes `text` to `dir`/`name` and puts the path into `path` (room 512).
static inline void tu_write_file(char path[512], const char *dir, const char *name,
                                 const char *text)
{
    snprintf(path, 512, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
    assert_int_equal(fclose(f), 0);
}

#endif  // GALOIS_TESTS_TLS_UTIL_H
