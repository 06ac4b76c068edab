// `galois webrtc`: addresses. Conversions between socket addresses and the ice layer's, the
// session's UDP socket, and the list of remote addresses that passed an authenticated ICE check
// (only those may talk DTLS or SRTP to us: docs/WEBRTC.md, "Addresses").
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <unistd.h>

#include "webrtc.h"

bool wr_addr_from_sa(struct galois_ice_addr *out, const struct sockaddr_storage *ss)
{
    memset(out, 0, sizeof(*out));
    if (ss->ss_family == AF_INET) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)ss;
        out->family = GALOIS_ICE_IPV4;
        memcpy(out->ip, &in->sin_addr, 4);
        out->port = ntohs(in->sin_port);
        return true;
    }
    if (ss->ss_family == AF_INET6) {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)ss;
        out->family = GALOIS_ICE_IPV6;
        memcpy(out->ip, &in6->sin6_addr, 16);
        out->port = ntohs(in6->sin6_port);
        return true;
    }
    return false;
}

socklen_t wr_sa_from_addr(struct sockaddr_storage *out, const struct galois_ice_addr *a)
{
    memset(out, 0, sizeof(*out));
    if (a->family == GALOIS_ICE_IPV6) {
        struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)out;
        in6->sin6_family = AF_INET6;
        memcpy(&in6->sin6_addr, a->ip, 16);
        in6->sin6_port = htons(a->port);
        return sizeof(*in6);
    }
    struct sockaddr_in *in = (struct sockaddr_in *)out;
    in->sin_family = AF_INET;
    memcpy(&in->sin_addr, a->ip, 4);
    in->sin_port = htons(a->port);
    return sizeof(*in);
}

void wr_addr_text(char *out, size_t max, const struct galois_ice_addr *a)
{
    char ip[GALOIS_ICE_MAX_ADDR_TEXT];
    if (galois_ice_addr_text(ip, sizeof(ip), a) != GALOIS_ERR_OK) {
        snprintf(out, max, "?");
    } else if (a->family == GALOIS_ICE_IPV6) {
        snprintf(out, max, "[%s]:%u", ip, (unsigned)a->port);
    } else {
        snprintf(out, max, "%s:%u", ip, (unsigned)a->port);
    }
}

// udp_fail closes `fd` (if open), writes "<step>: <cause>" into `why` and returns -1. The
// cause is taken from `err` before close() can change errno.
static int udp_fail(int fd, int err, const char *step, char *why, size_t max_why)
{
    snprintf(why, max_why, "%s: %s", step, strerror(err));
    if (fd >= 0) {
        close(fd);
    }
    return -1;
}

int wr_udp_bind(struct galois_ice_addr *local, const char *host, uint16_t port, char *why,
                size_t max_why)
{
    char service[8];
    snprintf(service, sizeof(service), "%u", (unsigned)port);
    struct addrinfo hints = {.ai_family = AF_UNSPEC,
                             .ai_socktype = SOCK_DGRAM,
                             .ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE};
    struct addrinfo *res = NULL;
    int rc = getaddrinfo(host, service, &hints, &res);
    if (rc != 0 || res == NULL) {
        snprintf(why, max_why, "not a numeric address: %s",
                 rc != 0 ? gai_strerror(rc) : "no address");
        return -1;
    }
    int fd = socket(res->ai_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        freeaddrinfo(res);
        return udp_fail(fd, errno, "socket", why, max_why);
    }
    if (bind(fd, res->ai_addr, res->ai_addrlen) != 0) {
        freeaddrinfo(res);
        return udp_fail(fd, errno, "bind", why, max_why);
    }
    freeaddrinfo(res);
    struct sockaddr_storage ss;
    socklen_t len = sizeof(ss);
    if (getsockname(fd, (struct sockaddr *)&ss, &len) != 0) {
        return udp_fail(fd, errno, "getsockname", why, max_why);
    }
    if (!wr_addr_from_sa(local, &ss)) {
        return udp_fail(fd, EAFNOSUPPORT, "getsockname", why, max_why);
    }
    if (fd >= FD_SETSIZE) {
        snprintf(why, max_why, "descriptor %d is over select()'s limit FD_SETSIZE (%d)", fd,
                 (int)FD_SETSIZE);
        close(fd);
        return -1;
    }
    return fd;
}

// --- checked addresses ---

_Static_assert(WR_MAX_SEEN >= 2, "the nominated address and the newest one must fit");

static size_t seen_find(const struct wr_seen *seen, const struct galois_ice_addr *a)
{
    size_t i = 0;
    while (i < seen->num && !galois_ice_addr_equal(&seen->addrs[i], a)) {
        i++;
    }
    return i;
}

bool wr_seen_has(const struct wr_seen *seen, const struct galois_ice_addr *a)
{
    return seen_find(seen, a) < seen->num;
}

static void seen_remove(struct wr_seen *seen, size_t at)
{
    memmove(&seen->addrs[at], &seen->addrs[at + 1], (seen->num - at - 1) * sizeof(seen->addrs[0]));
    seen->num--;
    if (seen->has_nominee && seen->nominee > at) {
        seen->nominee--;
    }
}

void wr_seen_add(struct wr_seen *seen, const struct galois_ice_addr *a, bool nominated)
{
    size_t at = seen_find(seen, a);
    bool was_nominee = seen->has_nominee && seen->nominee == at;
    if (at < seen->num) {
        seen_remove(seen, at);  // it moves to the end, the most recent
        seen->has_nominee = seen->has_nominee && !was_nominee;
    } else if (seen->num == WR_MAX_SEEN) {
        // full: the least recently checked one goes, unless it is the media target
        seen_remove(seen, seen->has_nominee && seen->nominee == 0 ? 1 : 0);
    }
    seen->addrs[seen->num++] = *a;
    if (nominated || was_nominee) {
        seen->has_nominee = true;
        seen->nominee = seen->num - 1;
    }
}
