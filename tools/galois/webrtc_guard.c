// `galois webrtc`: which requests the HTTP server takes at all (docs/WEBRTC.md, "Who may
// talk to galois"). A page from another site can make the browser send a request to galois
// (CORS stops it reading the answer, not sending), and DNS rebinding can make another site's
// name point at galois. So the Host header must name this server, an Origin header must be
// this server's, and POST bodies must be application/json, which a page on another origin can
// only send after a CORS preflight that galois does not answer.
#include <string.h>

#include "webrtc.h"

enum {
    MAX_HOST_TEXT = 64,  // bytes of the address part of a Host header
    HTTP_DEFAULT_PORT = 80,
};

// host is what a Host header (or an Origin's host) names.
struct host {
    bool localhost;
    struct galois_ice_addr addr;  // when !localhost
    uint16_t port;
};

static bool lower_eq(struct galois_rd r, const char *lit)
{
    size_t n = strlen(lit);
    if (r.len != n) {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        uint8_t c = r.p[i];
        if (c >= 'A' && c <= 'Z') {
            c = (uint8_t)(c - 'A' + 'a');
        }
        if (c != (uint8_t)lit[i]) {
            return false;
        }
    }
    return true;
}

// host_parse reads `[v6]`, `v4` or `localhost`, each with an optional `:port` (RFC 9110 §7.2,
// RFC 3986 §3.2.2), and nothing else: no registered names but localhost, no user info.
static bool host_parse(struct host *out, struct galois_rd r)
{
    struct galois_rd name;
    char text[MAX_HOST_TEXT + 1];
    memset(out, 0, sizeof(*out));
    bool v6 = galois_rd_lit(&r, "[");
    if (v6) {
        if (!galois_rd_until(&r, &name, ']', MAX_HOST_TEXT) || !galois_rd_lit(&r, "]")) {
            return false;
        }
    } else if (!galois_rd_until(&r, &name, ':', MAX_HOST_TEXT)) {
        return false;
    }
    uint64_t port = HTTP_DEFAULT_PORT;
    if (r.len > 0 && (!galois_rd_lit(&r, ":") || !galois_rd_dec_u64(&r, &port, 65535) ||
                      r.len != 0 || port == 0)) {
        return false;
    }
    out->port = (uint16_t)port;
    if (!v6 && lower_eq(name, "localhost")) {
        out->localhost = true;
        return true;
    }
    memcpy(text, name.p, name.len);
    text[name.len] = '\0';
    if (galois_ice_addr_from_text(&out->addr, text, 0) != GALOIS_ERR_OK) {
        return false;
    }
    // brackets exactly around IPv6 literals
    return v6 == (out->addr.family == GALOIS_ICE_IPV6);
}

static bool is_zero(const struct galois_ice_addr *a)
{
    static const uint8_t zero[16] = {0};
    return memcmp(a->ip, zero, a->family == GALOIS_ICE_IPV6 ? 16 : 4) == 0;
}

static bool is_loopback(const struct galois_ice_addr *a)
{
    static const uint8_t v6_loopback[16] = {[15] = 1};
    return a->family == GALOIS_ICE_IPV6 ? memcmp(a->ip, v6_loopback, 16) == 0 : a->ip[0] == 127;
}

bool wr_guard_init(struct wr_guard *g, const char *host, uint16_t port)
{
    memset(g, 0, sizeof(*g));
    if (galois_ice_addr_from_text(&g->bound, host, port) != GALOIS_ERR_OK) {
        return false;
    }
    g->wildcard = is_zero(&g->bound);
    return true;
}

static bool host_accepted(const struct wr_guard *g, const struct host *h)
{
    if (h->port != g->bound.port) {
        return false;
    }
    if (h->localhost) {
        return g->wildcard || is_loopback(&g->bound);
    }
    if (g->wildcard) {
        // any address of this machine: an IP literal cannot be rebound to another site
        return true;
    }
    return h->addr.family == g->bound.family &&
           memcmp(h->addr.ip, g->bound.ip, h->addr.family == GALOIS_ICE_IPV6 ? 16 : 4) == 0;
}

static bool host_same(const struct host *a, const struct host *b)
{
    if (a->localhost || b->localhost) {
        return a->localhost == b->localhost && a->port == b->port;
    }
    return galois_ice_addr_equal(&a->addr, &b->addr) && a->port == b->port;
}

bool wr_guard_host(const struct wr_guard *g, const char *host)
{
    struct galois_rd r;
    struct host h;
    if (host == NULL) {
        return false;
    }
    galois_rd_init(&r, host, strlen(host));
    return host_parse(&h, r) && host_accepted(g, &h);
}

bool wr_guard_origin(const struct wr_guard *g, const char *origin, const char *host)
{
    struct galois_rd r;
    struct host o;
    struct host h;
    if (origin == NULL) {
        return true;  // not sent by a browser for a same-origin GET, nor by non-browser clients
    }
    if (!wr_guard_host(g, host)) {
        return false;
    }
    galois_rd_init(&r, host, strlen(host));
    (void)host_parse(&h, r);
    galois_rd_init(&r, origin, strlen(origin));
    // the page that sent it was served by this server under the name the request uses
    return galois_rd_lit(&r, "http://") && host_parse(&o, r) && host_accepted(g, &o) &&
           host_same(&o, &h);
}

bool wr_guard_json_type(const char *content_type)
{
    struct galois_rd r;
    struct galois_rd type;
    if (content_type == NULL) {
        return false;
    }
    galois_rd_init(&r, content_type, strlen(content_type));
    if (!galois_rd_until_any(&r, &type, "; \t", 64) || !lower_eq(type, "application/json")) {
        return false;
    }
    while (galois_rd_lit(&r, " ") || galois_rd_lit(&r, "\t")) {
    }
    return r.len == 0 || galois_rd_lit(&r, ";");  // parameters (charset=utf-8) are fine
}

void wr_guard_names(const struct wr_guard *g, char *out, size_t max)
{
    char ip[GALOIS_ICE_MAX_ADDR_TEXT];
    unsigned port = g->bound.port;
    if (g->wildcard) {
        snprintf(out, max, "any IP address of this machine or localhost, port %u", port);
    } else if (galois_ice_addr_text(ip, sizeof(ip), &g->bound) != GALOIS_ERR_OK) {
        snprintf(out, max, "?");
    } else {
        bool v6 = g->bound.family == GALOIS_ICE_IPV6;
        if (is_loopback(&g->bound)) {
            snprintf(out, max, "%s%s%s:%u or localhost:%u", v6 ? "[" : "", ip, v6 ? "]" : "", port,
                     port);
        } else {
            snprintf(out, max, "%s%s%s:%u", v6 ? "[" : "", ip, v6 ? "]" : "", port);
        }
    }
}
