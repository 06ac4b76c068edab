// The headers `galois audit` reads from a SIP OPTIONS response (Allow, Supported, User-Agent or
// Server). The text comes from the server: it is read only through rd.h. Split from
// audit_sip.c so that the fuzz target fuzz/audit_options.c can run it alone.
#include <stdio.h>
#include <string.h>

#include "audit.h"
#include "rd.h"

enum {
    MAX_HEADER_NAME = 64,
};

static bool name_is(const struct galois_rd *name, const char *want)
{
    size_t n = strlen(want);
    if (name->len != n) {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        uint8_t a = name->p[i];
        uint8_t b = (uint8_t)want[i];
        a = (uint8_t)(a >= 'A' && a <= 'Z' ? a + ('a' - 'A') : a);
        b = (uint8_t)(b >= 'A' && b <= 'Z' ? b + ('a' - 'A') : b);
        if (a != b) {
            return false;
        }
    }
    return true;
}

// append_value adds `value` to the list in `dst` (room `max`), ", " between values, with
// control bytes replaced; what does not fit is cut.
static void append_value(char *dst, size_t max, const struct galois_rd *value)
{
    size_t len = strnlen(dst, max);
    if (value->len == 0 || len + 1 >= max) {
        return;
    }
    if (len > 0) {
        len += (size_t)snprintf(dst + len, max - len, ", ");
        len = len < max ? len : max - 1;
    }
    for (size_t i = 0; i < value->len && len + 1 < max; i++) {
        uint8_t ch = value->p[i];
        dst[len++] = (char)(ch < 0x20 || ch == 0x7f ? '?' : ch);
    }
    dst[len] = '\0';
}

static void trim(struct galois_rd *v)
{
    uint8_t ch = 0;
    while (galois_rd_peek_u8(v, 0, &ch) && (ch == ' ' || ch == '\t')) {
        (void)galois_rd_skip(v, 1);
    }
    while (v->len > 0 &&
           (v->p[v->len - 1] == ' ' || v->p[v->len - 1] == '\t' || v->p[v->len - 1] == '\r')) {
        v->len--;
    }
}

// header_line files one "Name: value" line under the field it belongs to.
static void header_line(struct galois_rd line, char *server, size_t max_server,
                        struct audit_sip *out)
{
    struct galois_rd name;
    if (!galois_rd_until(&line, &name, ':', MAX_HEADER_NAME) || !galois_rd_lit(&line, ":")) {
        return;
    }
    trim(&name);
    trim(&line);
    if (name_is(&name, "Allow")) {
        append_value(out->allow, sizeof(out->allow), &line);
    } else if (name_is(&name, "Supported") || name_is(&name, "k")) {
        append_value(out->supported, sizeof(out->supported), &line);
    } else if (name_is(&name, "User-Agent")) {
        append_value(out->user_agent, sizeof(out->user_agent), &line);
    } else if (name_is(&name, "Server")) {
        append_value(server, max_server, &line);
    }
}

void audit_sip_parse_options(struct audit_sip *out, const char *text, size_t len)
{
    char server[AUDIT_MAX_TEXT] = "";
    struct galois_rd r;
    struct galois_rd line;
    galois_rd_init(&r, text, len);
    bool first = true;
    while (r.len > 0 && !galois_rd_lit(&r, "\n") && !galois_rd_lit(&r, "\r\n")) {
        if (!galois_rd_until(&r, &line, '\n', r.len)) {
            break;
        }
        (void)galois_rd_lit(&r, "\n");
        if (!first) {
            header_line(line, server, sizeof(server), out);
        }
        first = false;  // the status line
    }
    if (out->user_agent[0] == '\0') {
        snprintf(out->user_agent, sizeof(out->user_agent), "%s", server);
    }
}
