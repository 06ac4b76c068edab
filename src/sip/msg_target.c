// Where a UA sends: sip:/sips: target URIs (through libosip2's URI parser) and the --via /
// --listen "transport:host:port" texts; and the random tokens it names things with.
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "../common/internal.h"
#include "msg.h"

galois_err galois_sip_token(char *out, size_t max_out, const char *prefix, size_t random_bytes)
{
    static const char hex[] = "0123456789abcdef";
    uint8_t rnd[64];
    if (out == NULL || prefix == NULL || random_bytes == 0 || random_bytes > sizeof(rnd)) {
        return GALOIS_ERR_INVALID;
    }
    size_t plen = strlen(prefix);
    if (max_out < 1 || plen > max_out - 1 || 2 * random_bytes > max_out - 1 - plen) {
        return GALOIS_ERR_BUFFER;
    }
    GALOIS_TRY(galois_random_bytes(rnd, random_bytes));
    memmove(out, prefix, plen);
    for (size_t i = 0; i < random_bytes; i++) {
        out[plen + 2 * i] = hex[rnd[i] >> 4];
        out[plen + 2 * i + 1] = hex[rnd[i] & 15];
    }
    out[plen + 2 * random_bytes] = '\0';
    return GALOIS_ERR_OK;
}

// copy_field copies the NUL-terminated `s` into `dst` (room `max`).
static bool copy_field(char *dst, size_t max, const char *s)
{
    size_t n = strlen(s);
    if (n >= max) {
        return false;
    }
    memcpy(dst, s, n + 1);
    return true;
}

static bool port_text(struct galois_cur c, uint16_t *out)
{
    uint64_t v = 0;
    if (!galois_cur_u64_dec(&c, &v, 65535) || galois_cur_len(&c) != 0 || v == 0) {
        return false;
    }
    *out = (uint16_t)v;
    return true;
}

static bool is_host_char(uint8_t ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
           ch == '-' || ch == '.' || ch == '_';
}

static bool is_ipv6_char(uint8_t ch)
{
    return (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F') || (ch >= '0' && ch <= '9') ||
           ch == ':' || ch == '.';
}

// set_host copies a host view (IPv6 already without brackets) into the target.
static galois_err set_host(struct galois_sip_target *out, const struct galois_cur *host,
                           bool (*pred)(uint8_t), char *why, size_t max_why)
{
    struct galois_cur c = *host;
    size_t n = galois_cur_len(host);
    if (n == 0 || galois_cur_skip_while(&c, pred) != n) {
        galois_sip_msg_why(why, max_why, "host: empty or holds a character a host cannot have");
        return GALOIS_ERR_PARSE;
    }
    if (n >= sizeof(out->host)) {
        galois_sip_msg_why(why, max_why, "host: longer than %zu bytes", sizeof(out->host) - 1);
        return GALOIS_ERR_LIMIT;
    }
    c = *host;
    GALOIS_CHECK(galois_cur_copy(&c, (uint8_t *)out->host, n));
    out->host[n] = '\0';
    return GALOIS_ERR_OK;
}

// count_colons counts the ':' in the view.
static size_t count_colons(struct galois_cur c)
{
    size_t n = 0;
    struct galois_cur tok;
    for (;;) {
        (void)galois_cur_until(&c, &tok, ':', SIZE_MAX);  // fails on an empty token: fine
        if (!galois_cur_lit(&c, ":")) {
            return n;
        }
        n++;
    }
}

// transport_name maps ;transport= values and the hostport prefixes.
static bool transport_name(const struct galois_cur *name, int *out)
{
    static const struct {
        const char *name;
        int transport;
    } names[] = {
        {"udp", GALOIS_SIP_TRANSPORT_UDP},
        {"tcp", GALOIS_SIP_TRANSPORT_TCP},
        {"tls", GALOIS_SIP_TRANSPORT_TLS},
    };
    for (size_t i = 0; i < GALOIS_ARRAY_LEN(names); i++) {
        if (galois_cur_eq_nocase(name, names[i].name)) {
            *out = names[i].transport;
            return true;
        }
    }
    return false;
}

galois_err galois_sip_hostport_parse(struct galois_sip_target *out, const char *text, char *why,
                                     size_t max_why)
{
    memset(out, 0, sizeof(*out));
    galois_sip_msg_why(why, max_why, "%s", "");
    struct galois_cur c;
    galois_cur_init(&c, (const uint8_t *)text, text != NULL ? strlen(text) : 0);
    struct galois_cur probe = c;
    struct galois_cur word;
    if (galois_cur_until(&probe, &word, ':', 3) && galois_cur_lit(&probe, ":") &&
        transport_name(&word, &out->transport)) {
        c = probe;
    }
    struct galois_cur host;
    bool (*pred)(uint8_t) = is_host_char;
    if (galois_cur_lit(&c, "[")) {
        if (!galois_cur_until(&c, &host, ']', GALOIS_SIP_MAX_MSG) || !galois_cur_lit(&c, "]")) {
            galois_sip_msg_why(why, max_why, "host: '[' without ']'");
            return GALOIS_ERR_PARSE;
        }
        pred = is_ipv6_char;
    } else {
        size_t colons = count_colons(c);
        if (colons > 1) {  // a bare IPv6 address: it takes no port
            pred = is_ipv6_char;
            GALOIS_CHECK(galois_cur_take(&c, &host, galois_cur_len(&c)));
        } else if (!galois_cur_until(&c, &host, ':', GALOIS_SIP_MAX_MSG)) {
            galois_cur_init(&host, galois_cur_data(&c), 0);
        }
    }
    GALOIS_TRY(set_host(out, &host, pred, why, max_why));
    out->port = out->transport == GALOIS_SIP_TRANSPORT_TLS ? 5061 : 5060;
    if (galois_cur_lit(&c, ":")) {
        if (!port_text(c, &out->port)) {
            galois_sip_msg_why(why, max_why, "port: not a number in 1..65535");
            return GALOIS_ERR_PARSE;
        }
    } else if (galois_cur_len(&c) != 0) {
        galois_sip_msg_why(why, max_why, "host: unexpected text after the host");
        return GALOIS_ERR_PARSE;
    }
    return GALOIS_ERR_OK;
}

// target_fields copies what the parsed URI `u` says into `out`.
static galois_err target_fields(struct galois_sip_target *out, const osip_uri_t *u, char *why,
                                size_t max_why)
{
    if (u->scheme == NULL ||
        (strcasecmp(u->scheme, "sip") != 0 && strcasecmp(u->scheme, "sips") != 0)) {
        galois_sip_msg_why(why, max_why, "uri: scheme '%.20s' is not sip or sips",
                           u->scheme != NULL ? u->scheme : "");
        return GALOIS_ERR_UNSUPPORTED;
    }
    out->sips = strcasecmp(u->scheme, "sips") == 0;
    if (u->host == NULL || u->host[0] == '\0') {
        galois_sip_msg_why(why, max_why, "uri: no host");
        return GALOIS_ERR_PARSE;
    }
    struct galois_cur host;
    galois_cur_init(&host, (const uint8_t *)u->host, strlen(u->host));
    bool v6 = strchr(u->host, ':') != NULL;
    if (v6 && galois_cur_lit(&host, "[")) {  // libosip2 may keep the brackets
        struct galois_cur inner;
        if (!galois_cur_take(&host, &inner, galois_cur_len(&host) - 1) ||
            !galois_cur_eq(&host, "]")) {
            galois_sip_msg_why(why, max_why, "uri: '[' without ']'");
            return GALOIS_ERR_PARSE;
        }
        host = inner;
    }
    GALOIS_TRY(set_host(out, &host, v6 ? is_ipv6_char : is_host_char, why, max_why));
    if (u->username != NULL && !copy_field(out->user, sizeof(out->user), u->username)) {
        galois_sip_msg_why(why, max_why, "uri: user longer than %zu bytes", sizeof(out->user) - 1);
        return GALOIS_ERR_LIMIT;
    }
    if (u->port != NULL && u->port[0] != '\0') {
        struct galois_cur p;
        galois_cur_init(&p, (const uint8_t *)u->port, strlen(u->port));
        if (!port_text(p, &out->port)) {
            galois_sip_msg_why(why, max_why, "uri: port '%.10s' is not in 1..65535", u->port);
            return GALOIS_ERR_PARSE;
        }
    }
    return GALOIS_ERR_OK;
}

// target_transport applies ;transport= (RFC 3261 §19.1.1) and the scheme.
static galois_err target_transport(struct galois_sip_target *out, const osip_uri_t *u, char *why,
                                   size_t max_why)
{
    out->transport = out->sips ? GALOIS_SIP_TRANSPORT_TLS : GALOIS_SIP_TRANSPORT_UDP;
    int n = osip_list_size(&u->url_params);
    for (int i = 0; i < n; i++) {
        const osip_uri_param_t *p = osip_list_get(&u->url_params, i);
        if (p == NULL || p->gname == NULL || strcasecmp(p->gname, "transport") != 0) {
            continue;
        }
        struct galois_cur v;
        int t = 0;
        galois_cur_init(&v, (const uint8_t *)p->gvalue, p->gvalue != NULL ? strlen(p->gvalue) : 0);
        if (!transport_name(&v, &t)) {
            galois_sip_msg_why(why, max_why, "uri: transport '%.20s' is not udp, tcp or tls",
                               p->gvalue != NULL ? p->gvalue : "");
            return GALOIS_ERR_UNSUPPORTED;
        }
        if (out->sips && t == GALOIS_SIP_TRANSPORT_UDP) {
            galois_sip_msg_why(why, max_why, "uri: sips needs TLS, not transport=udp");
            return GALOIS_ERR_UNSUPPORTED;
        }
        // sips:...;transport=tcp is TLS over TCP (RFC 5630 §3.2); sip:...;transport=tls is TLS.
        out->transport = out->sips ? GALOIS_SIP_TRANSPORT_TLS : t;
    }
    return GALOIS_ERR_OK;
}

galois_err galois_sip_target_parse(struct galois_sip_target *out, const char *uri, char *why,
                                   size_t max_why)
{
    memset(out, 0, sizeof(*out));
    galois_sip_msg_why(why, max_why, "%s", "");
    if (uri == NULL || strlen(uri) > GALOIS_SIP_MAX_MSG) {
        galois_sip_msg_why(why, max_why, "uri: missing or too long");
        return GALOIS_ERR_PARSE;
    }
    osip_uri_t *u = NULL;
    galois_err err = GALOIS_ERR_NOMEM;
    if (osip_uri_init(&u) != 0) {
        goto out;
    }
    if (osip_uri_parse(u, uri) != 0) {
        galois_sip_msg_why(why, max_why, "uri: libosip2 refused '%.60s'", uri);
        err = GALOIS_ERR_PARSE;
        goto out;
    }
    err = target_fields(out, u, why, max_why);
    if (err == GALOIS_ERR_OK) {
        err = target_transport(out, u, why, max_why);
    }
out:
    if (err != GALOIS_ERR_OK) {
        memset(out, 0, sizeof(*out));
    }
    if (u != NULL) {
        osip_uri_free(u);
    }
    return err;
}
