// SIP transports (RFC 3261 §18): one UDP socket, TCP and TLS connections, the listener.
// Stream input is cut into messages by galois_sip_frame; every message is parsed and checked
// by galois_sip_msg_parse before the agent sees it. A connection that fails takes its
// transactions down with the reason (sip_txn_conn_failed).
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ua.h"

enum {
    KEEPALIVE_DEFAULT_S = 30,
    UDP_MAX_DATAGRAM = 65535,
};

const char *sip_transport_name(int transport)
{
    switch (transport) {
        case GALOIS_SIP_TRANSPORT_TLS:
            return "TLS";
        case GALOIS_SIP_TRANSPORT_TCP:
            return "TCP";
        default:
            return "UDP";
    }
}

galois_err sip_dest_resolve(struct sip_dest *out, const struct galois_sip_target *t, char *why,
                            size_t max_why)
{
    memset(out, 0, sizeof(*out));
    out->transport = t->transport;
    out->port = t->port != 0 ? t->port : (t->transport == GALOIS_SIP_TRANSPORT_TLS ? 5061 : 5060);
    snprintf(out->host, sizeof(out->host), "%s", t->host);
    char port[8];
    snprintf(port, sizeof(port), "%u", (unsigned)out->port);
    struct addrinfo hints = {
        .ai_family = AF_UNSPEC,
        .ai_socktype = t->transport == GALOIS_SIP_TRANSPORT_UDP ? SOCK_DGRAM : SOCK_STREAM,
        .ai_flags = AI_NUMERICSERV,
    };
    struct addrinfo *res = NULL;
    int rc = getaddrinfo(t->host, port, &hints, &res);
    if (rc != 0 || res == NULL) {
        galois_sip_msg_why(why, max_why, "cannot resolve host '%s': %s", t->host, gai_strerror(rc));
        return GALOIS_ERR_IO;
    }
    memcpy(&out->addr, res->ai_addr, res->ai_addrlen);
    out->addr_len = res->ai_addrlen;
    freeaddrinfo(res);
    return GALOIS_ERR_OK;
}

galois_err sip_dest_from_uri(struct sip_dest *out, const char *uri, char *why, size_t max_why)
{
    struct galois_sip_target t;
    galois_err err = galois_sip_target_parse(&t, uri, why, max_why);
    if (err != GALOIS_ERR_OK) {
        return err;
    }
    return sip_dest_resolve(out, &t, why, max_why);
}

static bool same_addr(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
    if (a->ss_family != b->ss_family) {
        return false;
    }
    if (a->ss_family == AF_INET) {
        const struct sockaddr_in *x = (const struct sockaddr_in *)a;
        const struct sockaddr_in *y = (const struct sockaddr_in *)b;
        return x->sin_port == y->sin_port && x->sin_addr.s_addr == y->sin_addr.s_addr;
    }
    if (a->ss_family == AF_INET6) {
        const struct sockaddr_in6 *x = (const struct sockaddr_in6 *)a;
        const struct sockaddr_in6 *y = (const struct sockaddr_in6 *)b;
        return x->sin6_port == y->sin6_port &&
               memcmp(&x->sin6_addr, &y->sin6_addr, sizeof(x->sin6_addr)) == 0;
    }
    return false;
}

static void addr_text(const struct sockaddr_storage *ss, char *host, size_t max_host,
                      uint16_t *port)
{
    if (ss->ss_family == AF_INET6) {
        const struct sockaddr_in6 *a = (const struct sockaddr_in6 *)ss;
        inet_ntop(AF_INET6, &a->sin6_addr, host, (socklen_t)max_host);
        *port = ntohs(a->sin6_port);
    } else {
        const struct sockaddr_in *a = (const struct sockaddr_in *)ss;
        inet_ntop(AF_INET, &a->sin_addr, host, (socklen_t)max_host);
        *port = ntohs(a->sin_port);
    }
}

static void conn_local(struct sip_conn *c)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof(ss);
    if (getsockname(c->fd, (struct sockaddr *)&ss, &len) == 0) {
        addr_text(&ss, c->local_host, sizeof(c->local_host), &c->local_port);
    }
}

static struct sip_conn *conn_alloc(struct galois_sip_ua *ua)
{
    for (size_t i = 0; i < SIP_MAX_CONNS; i++) {
        struct sip_conn *c = &ua->conns[i];
        if (!c->used) {
            memset(c, 0, sizeof(*c));
            c->rbuf = malloc(GALOIS_SIP_MAX_MSG);
            if (c->rbuf == NULL) {
                return NULL;
            }
            c->used = true;
            c->fd = -1;
            return c;
        }
    }
    return NULL;
}

static void conn_release(struct galois_sip_ua *ua, struct sip_conn *c)
{
    for (size_t i = 0; i < SIP_MAX_TXNS; i++) {
        if (ua->txns[i].conn == c) {
            ua->txns[i].conn = NULL;
        }
    }
    for (size_t i = 0; i < GALOIS_SIP_MAX_CALLS; i++) {
        if (ua->calls[i] != NULL && ua->calls[i]->in_conn == c) {
            ua->calls[i]->in_conn = NULL;
        }
    }
    galois_tls_conn_free(c->tls);
    if (c->fd >= 0) {
        close(c->fd);
    }
    free(c->rbuf);
    free(c->wbuf);
    memset(c, 0, sizeof(*c));
    c->fd = -1;
}

// conn_fail marks `c` dead with a reason and fails the transactions that use it.
static void conn_fail(struct galois_sip_ua *ua, struct sip_conn *c, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void conn_fail(struct galois_sip_ua *ua, struct sip_conn *c, const char *fmt, ...)
{
    if (c->dead) {
        return;
    }
    c->dead = true;
    char what[GALOIS_SIP_MAX_REASON];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof(what), fmt, ap);
    va_end(ap);
    snprintf(c->error, sizeof(c->error), "%s %.80s:%u: %.400s", sip_transport_name(c->transport),
             c->peer.host, (unsigned)c->peer.port, what);
    sip_txn_conn_failed(ua, c, c->error);
}

static galois_err conn_queue(struct sip_conn *c, const char *msg, size_t len)
{
    if (c->wlen + len > c->wcap) {
        size_t cap = c->wcap == 0 ? 4096 : c->wcap;
        while (cap < c->wlen + len) {
            cap *= 2;
        }
        if (cap > 4u * GALOIS_SIP_MAX_MSG) {
            return GALOIS_ERR_LIMIT;
        }
        uint8_t *p = realloc(c->wbuf, cap);
        if (p == NULL) {
            return GALOIS_ERR_NOMEM;
        }
        c->wbuf = p;
        c->wcap = cap;
    }
    memcpy(c->wbuf + c->wlen, msg, len);
    c->wlen += len;
    return GALOIS_ERR_OK;
}

// conn_flush writes what is queued, as far as the socket takes it.
static void conn_flush(struct galois_sip_ua *ua, struct sip_conn *c)
{
    while (c->wlen > 0 && !c->dead && !c->connecting && !c->handshaking) {
        size_t n = 0;
        if (c->tls != NULL) {
            enum galois_tls_io io = galois_tls_conn_write(c->tls, c->wbuf, c->wlen, &n);
            if (io == GALOIS_TLS_IO_WANT_READ || io == GALOIS_TLS_IO_WANT_WRITE) {
                return;
            }
            if (io != GALOIS_TLS_IO_OK) {
                conn_fail(ua, c, "TLS write failed: %s", galois_tls_conn_error(c->tls));
                return;
            }
        } else {
            ssize_t w = send(c->fd, c->wbuf, c->wlen, MSG_NOSIGNAL);
            if (w < 0) {
                if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
                    return;
                }
                conn_fail(ua, c, "send failed: %s", strerror(errno));
                return;
            }
            n = (size_t)w;
        }
        memmove(c->wbuf, c->wbuf + n, c->wlen - n);
        c->wlen -= n;
    }
}

static unsigned keepalive_ms(const struct galois_sip_ua *ua)
{
    return 1000u * (ua->cfg.keepalive_s != 0 ? ua->cfg.keepalive_s : KEEPALIVE_DEFAULT_S);
}

static void handshake_step(struct galois_sip_ua *ua, struct sip_conn *c)
{
    enum galois_tls_io io = galois_tls_conn_handshake(c->tls);
    if (io == GALOIS_TLS_IO_WANT_READ || io == GALOIS_TLS_IO_WANT_WRITE) {
        return;
    }
    if (io != GALOIS_TLS_IO_OK) {
        conn_fail(ua, c, "TLS handshake failed: %s", galois_tls_conn_error(c->tls));
        return;
    }
    c->handshaking = false;
    c->deadline_ms = 0;
    c->have_tls_info = galois_tls_conn_info(c->tls, &c->tls_info) == GALOIS_ERR_OK;
    conn_flush(ua, c);
}

static galois_err start_tls(struct galois_sip_ua *ua, struct sip_conn *c, bool server)
{
    galois_err err = galois_tls_conn_new(&c->tls, server ? ua->tls_server : ua->tls_client, c->fd,
                                         server ? NULL : c->peer.host);
    if (err != GALOIS_ERR_OK) {
        return err;
    }
    c->handshaking = true;
    handshake_step(ua, c);
    return GALOIS_ERR_OK;
}

static galois_err conn_open(struct galois_sip_ua *ua, const struct sip_dest *dest,
                            struct sip_conn **out, char *why, size_t max_why)
{
    if (dest->transport == GALOIS_SIP_TRANSPORT_TLS && ua->tls_client == NULL) {
        galois_sip_msg_why(why, max_why, "no TLS client side: %s", ua->tls_client_error);
        return GALOIS_ERR_STATE;
    }
    struct sip_conn *c = conn_alloc(ua);
    if (c == NULL) {
        galois_sip_msg_why(why, max_why, "too many connections");
        return GALOIS_ERR_LIMIT;
    }
    c->transport = dest->transport;
    c->peer = *dest;
    c->fd = socket(dest->addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (c->fd < 0) {
        galois_sip_msg_why(why, max_why, "socket: %s", strerror(errno));
        conn_release(ua, c);
        return GALOIS_ERR_IO;
    }
    if (connect(c->fd, (const struct sockaddr *)&dest->addr, dest->addr_len) != 0 &&
        errno != EINPROGRESS) {
        char host[300];
        snprintf(host, sizeof(host), "%s:%u", dest->host, (unsigned)dest->port);
        galois_sip_msg_why(why, max_why, "cannot connect to %s: %s", host, strerror(errno));
        conn_release(ua, c);
        return GALOIS_ERR_IO;
    }
    c->connecting = true;
    c->deadline_ms = sip_now_ms() + SIP_CONNECT_TIMEOUT_MS;
    c->keepalive_ms = sip_now_ms() + keepalive_ms(ua);
    conn_local(c);
    *out = c;
    return GALOIS_ERR_OK;
}

static struct sip_conn *conn_find(struct galois_sip_ua *ua, const struct sip_dest *dest)
{
    for (size_t i = 0; i < SIP_MAX_CONNS; i++) {
        struct sip_conn *c = &ua->conns[i];
        if (c->used && !c->dead && !c->listener && c->transport == dest->transport &&
            same_addr(&c->peer.addr, &dest->addr)) {
            return c;
        }
    }
    return NULL;
}

static galois_err udp_socket(struct galois_sip_ua *ua, int family, char *why, size_t max_why)
{
    if (ua->udp_fd >= 0) {
        return GALOIS_ERR_OK;
    }
    ua->udp_fd = socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (ua->udp_fd < 0) {
        galois_sip_msg_why(why, max_why, "UDP socket: %s", strerror(errno));
        return GALOIS_ERR_IO;
    }
    return GALOIS_ERR_OK;
}

galois_err sip_conn_get(struct galois_sip_ua *ua, const struct sip_dest *dest,
                        struct sip_conn **out, char *why, size_t max_why)
{
    *out = NULL;
    if (dest->transport == GALOIS_SIP_TRANSPORT_UDP) {
        return udp_socket(ua, dest->addr.ss_family, why, max_why);
    }
    struct sip_conn *c = conn_find(ua, dest);
    if (c == NULL) {
        galois_err err = conn_open(ua, dest, &c, why, max_why);
        if (err != GALOIS_ERR_OK) {
            return err;
        }
    }
    *out = c;
    return GALOIS_ERR_OK;
}

galois_err sip_send(struct galois_sip_ua *ua, const struct sip_dest *dest, struct sip_conn **conn,
                    const char *msg, size_t len, char *why, size_t max_why)
{
    if (dest->transport == GALOIS_SIP_TRANSPORT_UDP) {
        galois_err err = udp_socket(ua, dest->addr.ss_family, why, max_why);
        if (err != GALOIS_ERR_OK) {
            return err;
        }
        if (sendto(ua->udp_fd, msg, len, 0, (const struct sockaddr *)&dest->addr, dest->addr_len) <
            0) {
            galois_sip_msg_why(why, max_why, "UDP send to %s: %s", dest->host, strerror(errno));
            return GALOIS_ERR_IO;
        }
        if (conn != NULL) {
            *conn = NULL;
        }
        return GALOIS_ERR_OK;
    }
    struct sip_conn *c = conn != NULL ? *conn : NULL;
    if (c == NULL || !c->used || c->dead) {
        c = conn_find(ua, dest);
    }
    if (c == NULL) {
        galois_err err = conn_open(ua, dest, &c, why, max_why);
        if (err != GALOIS_ERR_OK) {
            return err;
        }
    }
    galois_err err = conn_queue(c, msg, len);
    if (err != GALOIS_ERR_OK) {
        galois_sip_msg_why(why, max_why, "output queue full");
        return err;
    }
    conn_flush(ua, c);
    if (conn != NULL) {
        *conn = c;
    }
    return GALOIS_ERR_OK;
}

static galois_err bind_listener(int *out_fd, const struct sip_dest *d, int type, char *why,
                                size_t max_why)
{
    int fd = socket(d->addr.ss_family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        galois_sip_msg_why(why, max_why, "listen socket: %s", strerror(errno));
        return GALOIS_ERR_IO;
    }
    int one = 1;
    (void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (bind(fd, (const struct sockaddr *)&d->addr, d->addr_len) != 0 ||
        (type == SOCK_STREAM && listen(fd, 16) != 0)) {
        char where[300];
        snprintf(where, sizeof(where), "%s:%u", d->host, (unsigned)d->port);
        galois_sip_msg_why(why, max_why, "listen: cannot bind %s: %s", where, strerror(errno));
        close(fd);
        return GALOIS_ERR_IO;
    }
    *out_fd = fd;
    return GALOIS_ERR_OK;
}

galois_err sip_transport_open_listener(struct galois_sip_ua *ua, char *why, size_t max_why)
{
    struct sip_dest d;
    struct galois_sip_target t = ua->listen;
    if (t.port == 0) {
        t.port = 0;
    }
    galois_err err = sip_dest_resolve(&d, &t, why, max_why);
    if (err != GALOIS_ERR_OK) {
        return err;
    }
    if (ua->listen.port == 0) {
        // resolve put the default port in; a listener keeps the port it was given
        if (d.addr.ss_family == AF_INET) {
            ((struct sockaddr_in *)&d.addr)->sin_port = htons(d.port);
        } else {
            ((struct sockaddr_in6 *)&d.addr)->sin6_port = htons(d.port);
        }
    }
    int fd = -1;
    if (t.transport == GALOIS_SIP_TRANSPORT_UDP) {
        err = bind_listener(&fd, &d, SOCK_DGRAM, why, max_why);
        if (err != GALOIS_ERR_OK) {
            return err;
        }
        ua->udp_fd = fd;
    } else {
        err = bind_listener(&fd, &d, SOCK_STREAM, why, max_why);
        if (err != GALOIS_ERR_OK) {
            return err;
        }
        struct sip_conn *c = conn_alloc(ua);
        if (c == NULL) {
            close(fd);
            return GALOIS_ERR_LIMIT;
        }
        c->fd = fd;
        c->listener = true;
        c->transport = t.transport;
        c->peer = d;
        conn_local(c);
    }
    struct sockaddr_storage ss;
    socklen_t len = sizeof(ss);
    char host[GALOIS_SIP_MAX_ADDR];
    if (getsockname(fd, (struct sockaddr *)&ss, &len) == 0) {
        addr_text(&ss, host, sizeof(host), &ua->listen_port);
    }
    return GALOIS_ERR_OK;
}

void sip_local_hostport(struct galois_sip_ua *ua, const struct sip_dest *dest,
                        const struct sip_conn *conn, char *host, size_t max_host, uint16_t *port)
{
    if (ua->have_listen && ua->listen.transport == dest->transport) {
        snprintf(host, max_host, "%s", ua->listen.host);
        *port = ua->listen_port;
        return;
    }
    if (conn != NULL && conn->local_port != 0) {
        snprintf(host, max_host, "%s", conn->local_host);
        *port = conn->local_port;
        return;
    }
    // UDP without a listener: the address the kernel would send from, and our socket's port.
    snprintf(host, max_host, "%s", dest->addr.ss_family == AF_INET6 ? "::1" : "127.0.0.1");
    *port = 0;
    int probe = socket(dest->addr.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (probe >= 0) {
        struct sockaddr_storage ss;
        socklen_t len = sizeof(ss);
        uint16_t ignored = 0;
        if (connect(probe, (const struct sockaddr *)&dest->addr, dest->addr_len) == 0 &&
            getsockname(probe, (struct sockaddr *)&ss, &len) == 0) {
            addr_text(&ss, host, max_host, &ignored);
        }
        close(probe);
    }
    if (ua->udp_fd >= 0 || udp_socket(ua, dest->addr.ss_family, NULL, 0) == GALOIS_ERR_OK) {
        struct sockaddr_storage ss;
        socklen_t len = sizeof(ss);
        if (getsockname(ua->udp_fd, (struct sockaddr *)&ss, &len) != 0 ||
            ss.ss_family == AF_UNSPEC) {
            return;
        }
        char ignored[GALOIS_SIP_MAX_ADDR];
        addr_text(&ss, ignored, sizeof(ignored), port);
        if (*port == 0) {
            // not bound yet: bind to an ephemeral port now, so the Via can name it
            struct sockaddr_storage any;
            memset(&any, 0, sizeof(any));
            any.ss_family = dest->addr.ss_family;
            socklen_t any_len = dest->addr.ss_family == AF_INET6 ? sizeof(struct sockaddr_in6)
                                                                 : sizeof(struct sockaddr_in);
            if (bind(ua->udp_fd, (struct sockaddr *)&any, any_len) == 0 &&
                getsockname(ua->udp_fd, (struct sockaddr *)&ss, &len) == 0) {
                addr_text(&ss, ignored, sizeof(ignored), port);
            }
        }
    }
}

size_t sip_transport_pollfds(struct galois_sip_ua *ua, struct pollfd *fds, size_t max_fds)
{
    size_t n = 0;
    if (ua->udp_fd >= 0 && n < max_fds) {
        fds[n++] = (struct pollfd){.fd = ua->udp_fd, .events = POLLIN};
    }
    for (size_t i = 0; i < SIP_MAX_CONNS && n < max_fds; i++) {
        struct sip_conn *c = &ua->conns[i];
        if (!c->used || c->dead || c->fd < 0) {
            continue;
        }
        short ev = POLLIN;
        if (c->connecting || c->wlen > 0 || c->handshaking) {
            ev |= POLLOUT;
        }
        fds[n++] = (struct pollfd){.fd = c->fd, .events = ev};
    }
    return n;
}

static void deliver(struct galois_sip_ua *ua, const uint8_t *p, size_t len, struct sip_conn *c,
                    const struct sip_dest *from)
{
    osip_message_t *m = NULL;
    char why[GALOIS_SIP_MAX_REASON];
    if (galois_sip_msg_parse(&m, p, len, why, sizeof(why)) != GALOIS_ERR_OK) {
        // A malformed message is dropped: RFC 3261 §18.3 lets a UA discard it, and a 400
        // needs the headers the parser refused.
        return;
    }
    sip_receive(ua, m, c, from);
    osip_message_free(m);
}

static void stream_input(struct galois_sip_ua *ua, struct sip_conn *c)
{
    while (c->rlen > 0 && !c->dead) {
        size_t n = 0;
        char why[GALOIS_SIP_MAX_REASON] = "";
        enum galois_sip_frame f = galois_sip_frame(c->rbuf, c->rlen, &n, why, sizeof(why));
        if (f == GALOIS_SIP_FRAME_MORE) {
            if (c->rlen == GALOIS_SIP_MAX_MSG) {
                conn_fail(ua, c, "%s", "message over the size limit");
            }
            return;
        }
        if (f == GALOIS_SIP_FRAME_ERROR) {
            conn_fail(ua, c, "bad message framing: %s", why);
            return;
        }
        if (f == GALOIS_SIP_FRAME_MESSAGE) {
            deliver(ua, c->rbuf, n, c, &c->peer);
        } else if (f == GALOIS_SIP_FRAME_PING) {
            (void)conn_queue(c, "\r\n", 2);
            conn_flush(ua, c);
        }
        if (!c->used) {
            return;
        }
        memmove(c->rbuf, c->rbuf + n, c->rlen - n);
        c->rlen -= n;
    }
}

static void conn_readable(struct galois_sip_ua *ua, struct sip_conn *c)
{
    for (;;) {
        if (c->dead || c->rlen == GALOIS_SIP_MAX_MSG) {
            return;
        }
        size_t room = GALOIS_SIP_MAX_MSG - c->rlen;
        size_t n = 0;
        if (c->tls != NULL) {
            enum galois_tls_io io = galois_tls_conn_read(c->tls, c->rbuf + c->rlen, room, &n);
            if (io == GALOIS_TLS_IO_WANT_READ || io == GALOIS_TLS_IO_WANT_WRITE) {
                return;
            }
            if (io == GALOIS_TLS_IO_CLOSED) {
                conn_fail(ua, c, "%s", "connection closed by the peer");
                return;
            }
            if (io != GALOIS_TLS_IO_OK) {
                conn_fail(ua, c, "TLS read failed: %s", galois_tls_conn_error(c->tls));
                return;
            }
        } else {
            ssize_t r = recv(c->fd, c->rbuf + c->rlen, room, 0);
            if (r < 0) {
                if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
                    return;
                }
                conn_fail(ua, c, "recv failed: %s", strerror(errno));
                return;
            }
            if (r == 0) {
                conn_fail(ua, c, "%s", "connection closed by the peer");
                return;
            }
            n = (size_t)r;
        }
        c->rlen += n;
        stream_input(ua, c);
    }
}

static void accept_conn(struct galois_sip_ua *ua, struct sip_conn *l)
{
    for (;;) {
        struct sockaddr_storage ss;
        socklen_t len = sizeof(ss);
        int fd = accept(l->fd, (struct sockaddr *)&ss, &len);
        if (fd < 0) {
            return;
        }
        if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) != 0 ||
            fcntl(fd, F_SETFD, FD_CLOEXEC) != 0) {
            close(fd);
            continue;
        }
        struct sip_conn *c = conn_alloc(ua);
        if (c == NULL) {
            close(fd);
            continue;
        }
        c->fd = fd;
        c->transport = l->transport;
        memcpy(&c->peer.addr, &ss, len);
        c->peer.addr_len = len;
        c->peer.transport = l->transport;
        addr_text(&ss, c->peer.host, sizeof(c->peer.host), &c->peer.port);
        conn_local(c);
        if (c->transport == GALOIS_SIP_TRANSPORT_TLS) {
            c->deadline_ms = sip_now_ms() + SIP_CONNECT_TIMEOUT_MS;
            if (start_tls(ua, c, true) != GALOIS_ERR_OK) {
                conn_fail(ua, c, "%s", "cannot start TLS");
            }
        }
    }
}

static void udp_readable(struct galois_sip_ua *ua)
{
    uint8_t *buf = (uint8_t *)ua->scratch;
    for (;;) {
        struct sip_dest from;
        memset(&from, 0, sizeof(from));
        from.addr_len = sizeof(from.addr);
        ssize_t r = recvfrom(ua->udp_fd, buf, SIP_MAX_TEXT, 0, (struct sockaddr *)&from.addr,
                             &from.addr_len);
        if (r <= 0) {
            return;
        }
        from.transport = GALOIS_SIP_TRANSPORT_UDP;
        addr_text(&from.addr, from.host, sizeof(from.host), &from.port);
        size_t n = (size_t)r;
        if (n <= 4 && memchr(buf, '\r', n) != NULL) {
            continue;  // a keep-alive
        }
        // The message is copied out of the scratch buffer, which the handlers reuse.
        uint8_t *copy = malloc(n);
        if (copy == NULL) {
            return;
        }
        memcpy(copy, buf, n);
        deliver(ua, copy, n, NULL, &from);
        free(copy);
    }
}

static void conn_event(struct galois_sip_ua *ua, struct sip_conn *c, short revents)
{
    if (c->listener) {
        if (revents & POLLIN) {
            accept_conn(ua, c);
        }
        return;
    }
    if (c->connecting) {
        if ((revents & (POLLOUT | POLLERR | POLLHUP)) == 0) {
            return;
        }
        int soerr = 0;
        socklen_t len = sizeof(soerr);
        if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &soerr, &len) != 0 || soerr != 0) {
            conn_fail(ua, c, "cannot connect: %s", strerror(soerr != 0 ? soerr : errno));
            return;
        }
        c->connecting = false;
        conn_local(c);
        if (c->transport == GALOIS_SIP_TRANSPORT_TLS) {
            if (start_tls(ua, c, false) != GALOIS_ERR_OK) {
                conn_fail(ua, c, "%s", "cannot start TLS");
            }
            return;
        }
        c->deadline_ms = 0;
        conn_flush(ua, c);
        return;
    }
    if (c->handshaking) {
        handshake_step(ua, c);
        if (c->handshaking || c->dead) {
            return;
        }
    }
    if (revents & POLLOUT) {
        conn_flush(ua, c);
    }
    if (revents & (POLLIN | POLLHUP | POLLERR)) {
        conn_readable(ua, c);
    }
}

void sip_transport_process(struct galois_sip_ua *ua, const struct pollfd *fds, size_t num_fds)
{
    for (size_t k = 0; k < num_fds; k++) {
        if (fds[k].revents == 0) {
            continue;
        }
        if (fds[k].fd == ua->udp_fd) {
            udp_readable(ua);
            continue;
        }
        for (size_t i = 0; i < SIP_MAX_CONNS; i++) {
            struct sip_conn *c = &ua->conns[i];
            if (c->used && !c->dead && c->fd == fds[k].fd) {
                conn_event(ua, c, fds[k].revents);
                break;
            }
        }
    }
    for (size_t i = 0; i < SIP_MAX_CONNS; i++) {
        if (ua->conns[i].used && ua->conns[i].dead) {
            conn_release(ua, &ua->conns[i]);
        }
    }
}

void sip_transport_timers(struct galois_sip_ua *ua, uint64_t now, uint64_t *next)
{
    for (size_t i = 0; i < SIP_MAX_CONNS; i++) {
        struct sip_conn *c = &ua->conns[i];
        if (!c->used || c->listener) {
            continue;
        }
        if (!c->dead && c->deadline_ms != 0) {
            if (now >= c->deadline_ms) {
                conn_fail(ua, c, "%s",
                          c->connecting ? "connect timed out" : "TLS handshake timed out");
            } else if (c->deadline_ms < *next) {
                *next = c->deadline_ms;
            }
        }
        // CRLF keep-alive (RFC 5626 §3.5.1) on the connections we opened.
        if (!c->dead && !c->connecting && !c->handshaking && c->keepalive_ms != 0) {
            if (now >= c->keepalive_ms) {
                (void)conn_queue(c, "\r\n\r\n", 4);
                conn_flush(ua, c);
                c->keepalive_ms = now + keepalive_ms(ua);
            }
            if (c->keepalive_ms < *next) {
                *next = c->keepalive_ms;
            }
        }
        if (c->dead) {
            conn_release(ua, c);
        }
    }
}

void sip_transport_close_all(struct galois_sip_ua *ua)
{
    for (size_t i = 0; i < SIP_MAX_CONNS; i++) {
        if (ua->conns[i].used) {
            conn_release(ua, &ua->conns[i]);
        }
    }
    if (ua->udp_fd >= 0) {
        close(ua->udp_fd);
        ua->udp_fd = -1;
    }
}
