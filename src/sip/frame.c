// Stream framing (RFC 3261 §18.3, RFC 5626 §3.5.1 keep-alives) and the header-section scan
// that framing and galois_sip_msg_parse share: where the headers end, the Content-Length, and
// how often each header that must appear once appears.
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "../common/internal.h"
#include "msg.h"

void galois_sip_msg_why(char *why, size_t max_why, const char *fmt, ...)
{
    if (why == NULL || max_why == 0) {
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(why, max_why, fmt, ap);
    va_end(ap);
    if (n < 0) {
        why[0] = '\0';
        return;
    }
    // Messages quote peer bytes: keep them to one printable line.
    for (char *p = why; *p != '\0'; p++) {
        unsigned char ch = (unsigned char)*p;
        if (ch < 0x20 || ch == 0x7f) {
            *p = '?';
        }
    }
}

bool galois_sip_msg_is_token(uint8_t ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
           (ch != '\0' && strchr("-.!%*_+`'~", ch) != NULL);
}

static bool is_lws(uint8_t ch)
{
    return ch == ' ' || ch == '\t';
}

// The headers that must appear once, by full and compact name (RFC 3261 §7.3.3, §20).
enum counted { C_TO, C_FROM, C_CALL_ID, C_CSEQ, C_MAX_FORWARDS, C_CONTENT_TYPE, C_LENGTH, C_NONE };
static const struct {
    const char *name, *compact;
} counted_names[C_NONE] = {
    [C_TO] = {"To", "t"},
    [C_FROM] = {"From", "f"},
    [C_CALL_ID] = {"Call-ID", "i"},
    [C_CSEQ] = {"CSeq", NULL},
    [C_MAX_FORWARDS] = {"Max-Forwards", NULL},
    [C_CONTENT_TYPE] = {"Content-Type", "c"},
    [C_LENGTH] = {"Content-Length", "l"},
};

static enum counted classify(const struct galois_cur *name)
{
    for (size_t i = 0; i < C_NONE; i++) {
        if (galois_cur_eq_nocase(name, counted_names[i].name) ||
            (counted_names[i].compact != NULL &&
             galois_cur_eq_nocase(name, counted_names[i].compact))) {
            return (enum counted)i;
        }
    }
    return C_NONE;
}

// has_byte tells whether the view holds `b`.
static bool has_byte(struct galois_cur c, uint8_t b)
{
    struct galois_cur tok;
    (void)galois_cur_until(&c, &tok, b, GALOIS_SIP_MAX_MSG);  // fails when `b` comes first
    return galois_cur_len(&c) > 0;
}

// bad_bytes names what a start or header line must not hold: a NUL (libosip2 reads headers as
// C strings) or a CR not ending the line (libosip2 ends lines there and galois would not: the
// two would see different headers).
static const char *bad_bytes(struct galois_cur line)
{
    if (has_byte(line, 0)) {
        return "NUL byte";
    }
    if (has_byte(line, '\r')) {
        return "CR not followed by LF";
    }
    return NULL;
}

// next_line takes the next line (without its LF and one CR) into `line`; false when the LF has
// not arrived yet.
static bool next_line(struct galois_cur *c, struct galois_cur *line)
{
    struct galois_cur tok = {0};
    if (!galois_cur_until(c, &tok, '\n', GALOIS_SIP_MAX_MSG)) {
        galois_cur_init(&tok, galois_cur_data(c), 0);  // an empty line, or nothing left
    }
    if (!galois_cur_lit(c, "\n")) {
        return false;
    }
    uint8_t last = 0;
    if (galois_cur_peek_u8(&tok, galois_cur_len(&tok) - 1, &last) && last == '\r') {
        struct galois_cur cr;
        GALOIS_CHECK(galois_cur_take_tail(&tok, &cr, 1));
    }
    *line = tok;
    return true;
}

// read_length parses a Content-Length value: LWS, digits, LWS.
static bool read_length(struct galois_cur value, size_t *out)
{
    uint64_t v = 0;
    galois_cur_skip_while(&value, is_lws);
    if (!galois_cur_u64_dec(&value, &v, GALOIS_SIP_MAX_MSG)) {
        return false;
    }
    galois_cur_skip_while(&value, is_lws);
    *out = (size_t)v;
    return galois_cur_len(&value) == 0;
}

// header_line accounts for one header line ("Name: value").
static bool header_line(struct galois_sip_msg_head *h, struct galois_cur line, enum counted *kind,
                        char *why, size_t max_why)
{
    struct galois_cur name;
    if (!galois_cur_until_any(&line, &name, ": \t", 256) || galois_cur_len(&line) == 0) {
        galois_sip_msg_why(why, max_why, "header line without a name and ':'");
        return false;
    }
    galois_cur_skip_while(&line, is_lws);
    if (!galois_cur_lit(&line, ":")) {
        galois_sip_msg_why(why, max_why, "header line without a name and ':'");
        return false;
    }
    struct galois_cur rest = name;
    if (galois_cur_skip_while(&rest, galois_sip_msg_is_token) != galois_cur_len(&name)) {
        size_t shown = galois_cur_len(&name) < 40 ? galois_cur_len(&name) : 40;
        galois_sip_msg_why(why, max_why, "header name '%.*s' is not a token", (int)shown,
                           (const char *)galois_cur_data(&name));
        return false;
    }
    *kind = classify(&name);
    switch (*kind) {
        case C_TO:
            h->num_to++;
            break;
        case C_FROM:
            h->num_from++;
            break;
        case C_CALL_ID:
            h->num_call_id++;
            break;
        case C_CSEQ:
            h->num_cseq++;
            break;
        case C_MAX_FORWARDS:
            h->num_max_forwards++;
            break;
        case C_CONTENT_TYPE:
            h->num_content_type++;
            break;
        case C_LENGTH: {
            size_t v = 0;
            if (!read_length(line, &v)) {
                galois_sip_msg_why(why, max_why, "Content-Length: not a number of at most %d bytes",
                                   (int)GALOIS_SIP_MAX_MSG);
                return false;
            }
            if (h->has_length && v != h->content_length) {
                galois_sip_msg_why(why, max_why, "Content-Length: given twice, %zu and %zu",
                                   h->content_length, v);
                return false;
            }
            h->has_length = true;
            h->content_length = v;
            break;
        }
        case C_NONE:
        default:
            break;
    }
    return true;
}

enum galois_sip_frame galois_sip_msg_head_scan(struct galois_sip_msg_head *out, const uint8_t *buf,
                                               size_t len, char *why, size_t max_why)
{
    memset(out, 0, sizeof(*out));
    struct galois_cur all;
    galois_cur_init(&all, buf, len > GALOIS_SIP_MAX_MSG ? GALOIS_SIP_MAX_MSG : len);
    struct galois_cur c = all;
    struct galois_cur line;
    enum counted last = C_NONE;
    if (!next_line(&c, &line)) {
        goto incomplete;
    }
    const char *bad = bad_bytes(line);
    if (bad != NULL) {
        galois_sip_msg_why(why, max_why, "start line: %s", bad);
        return GALOIS_SIP_FRAME_ERROR;
    }
    for (;;) {
        if (!next_line(&c, &line)) {
            goto incomplete;
        }
        if (galois_cur_len(&line) == 0) {
            break;
        }
        bad = bad_bytes(line);
        if (bad != NULL) {
            galois_sip_msg_why(why, max_why, "headers: %s", bad);
            return GALOIS_SIP_FRAME_ERROR;
        }
        uint8_t first = 0;
        GALOIS_CHECK(galois_cur_peek_u8(&line, 0, &first));
        if (is_lws(first)) {  // a folded continuation of the header before (RFC 3261 §7.3.1)
            if (last == C_LENGTH) {
                galois_sip_msg_why(why, max_why, "Content-Length: folded over lines");
                return GALOIS_SIP_FRAME_ERROR;
            }
            continue;
        }
        if (!header_line(out, line, &last, why, max_why)) {
            return GALOIS_SIP_FRAME_ERROR;
        }
    }
    out->head_len = galois_cur_offset(&all, &c);
    return GALOIS_SIP_FRAME_MESSAGE;

incomplete:
    if (len >= GALOIS_SIP_MAX_MSG) {
        galois_sip_msg_why(why, max_why, "headers: no end within %d bytes",
                           (int)GALOIS_SIP_MAX_MSG);
        return GALOIS_SIP_FRAME_ERROR;
    }
    return GALOIS_SIP_FRAME_MORE;
}

// keepalive classifies bytes that start with CR or LF: RFC 5626 §3.5.1 ping (CRLFCRLF) and pong
// (CRLF); RFC 3261 §7.5 also lets CRLFs precede a start line, which reads as pongs here.
static enum galois_sip_frame keepalive(struct galois_cur c, size_t *out_len, char *why,
                                       size_t max_why)
{
    if (galois_cur_lit(&c, "\r\n\r\n")) {
        *out_len = 4;
        return GALOIS_SIP_FRAME_PING;
    }
    if (galois_cur_lit(&c, "\r\n")) {
        uint8_t next = 0;
        if (galois_cur_peek_u8(&c, 0, &next) && next == '\r' && galois_cur_len(&c) < 2) {
            return GALOIS_SIP_FRAME_MORE;  // CRLF CR: maybe a ping
        }
        *out_len = 2;
        return GALOIS_SIP_FRAME_PONG;
    }
    if (galois_cur_eq(&c, "\r")) {
        return GALOIS_SIP_FRAME_MORE;
    }
    galois_sip_msg_why(why, max_why, "stream: a bare CR or LF where a message should start");
    return GALOIS_SIP_FRAME_ERROR;
}

enum galois_sip_frame galois_sip_frame(const uint8_t *buf, size_t len, size_t *out_len, char *why,
                                       size_t max_why)
{
    *out_len = 0;
    galois_sip_msg_why(why, max_why, "%s", "");
    struct galois_cur c;
    galois_cur_init(&c, buf, len);
    uint8_t first = 0;
    if (!galois_cur_peek_u8(&c, 0, &first)) {
        return GALOIS_SIP_FRAME_MORE;
    }
    if (first == '\r' || first == '\n') {
        return keepalive(c, out_len, why, max_why);
    }
    struct galois_sip_msg_head h;
    enum galois_sip_frame r = galois_sip_msg_head_scan(&h, buf, len, why, max_why);
    if (r != GALOIS_SIP_FRAME_MESSAGE) {
        return r;
    }
    if (!h.has_length) {
        galois_sip_msg_why(why, max_why,
                           "Content-Length: missing (mandatory on a stream, RFC 3261 §18.3)");
        return GALOIS_SIP_FRAME_ERROR;
    }
    if (h.content_length > GALOIS_SIP_MAX_MSG - h.head_len) {
        galois_sip_msg_why(why, max_why,
                           "Content-Length: %zu body bytes after %zu header bytes is over the "
                           "%d-byte message limit",
                           h.content_length, h.head_len, (int)GALOIS_SIP_MAX_MSG);
        return GALOIS_SIP_FRAME_ERROR;
    }
    size_t total = h.head_len + h.content_length;
    if (len < total) {
        return GALOIS_SIP_FRAME_MORE;
    }
    *out_len = total;
    return GALOIS_SIP_FRAME_MESSAGE;
}
