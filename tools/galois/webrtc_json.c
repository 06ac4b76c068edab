// `galois webrtc`: the JSON of the HTTP bodies. Bodies come from whoever can reach the port,
// so every byte is read through galois_rd (rd.h); nothing is assumed NUL-terminated. The
// grammar is RFC 8259's, checked in full (strings must be valid UTF-8, nesting is bounded),
// because a /result body is copied verbatim into our own JSON report.
#include <string.h>

#include "webrtc.h"

static void skip_ws(struct galois_rd *r)
{
    uint8_t c;
    while (galois_rd_peek_u8(r, 0, &c) && (c == ' ' || c == '\t' || c == '\n' || c == '\r')) {
        (void)galois_rd_skip(r, 1);
    }
}

static int hex_val(uint8_t c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

static bool hex4(struct galois_rd *r, uint32_t *out)
{
    uint32_t v = 0;
    for (int i = 0; i < 4; i++) {
        uint8_t c;
        int h;
        if (!galois_rd_u8(r, &c) || (h = hex_val(c)) < 0) {
            return false;
        }
        v = v << 4 | (uint32_t)h;
    }
    *out = v;
    return true;
}

// utf8_char takes one UTF-8 encoded character whose first byte `c` was read already
// (RFC 3629 §4: no overlongs, no surrogates, nothing above U+10FFFF).
static bool utf8_char(struct galois_rd *r, uint8_t c)
{
    size_t more;
    uint8_t lo = 0x80;
    uint8_t hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
        more = 1;
    } else if (c >= 0xE0 && c <= 0xEF) {
        more = 2;
        lo = c == 0xE0 ? 0xA0 : 0x80;
        hi = c == 0xED ? 0x9F : 0xBF;
    } else if (c >= 0xF0 && c <= 0xF4) {
        more = 3;
        lo = c == 0xF0 ? 0x90 : 0x80;
        hi = c == 0xF4 ? 0x8F : 0xBF;
    } else {
        return false;
    }
    for (size_t i = 0; i < more; i++) {
        uint8_t t;
        if (!galois_rd_u8(r, &t) || t < lo || t > hi) {
            return false;
        }
        lo = 0x80;
        hi = 0xBF;
    }
    return true;
}

// put writes `n` bytes to the optional output, keeping room for a NUL.
struct sink {
    char *p;
    size_t max;
    size_t len;
    bool full;
};

static void put(struct sink *s, const void *b, size_t n)
{
    if (s == NULL) {
        return;
    }
    if (s->full || n >= s->max - s->len) {
        s->full = true;
        return;
    }
    memcpy(s->p + s->len, b, n);
    s->len += n;
    s->p[s->len] = '\0';
}

static void put_code_point(struct sink *s, uint32_t cp)
{
    uint8_t b[4];
    size_t n;
    if (cp < 0x80) {
        b[0] = (uint8_t)cp;
        n = 1;
    } else if (cp < 0x800) {
        b[0] = (uint8_t)(0xC0 | cp >> 6);
        b[1] = (uint8_t)(0x80 | (cp & 0x3F));
        n = 2;
    } else if (cp < 0x10000) {
        b[0] = (uint8_t)(0xE0 | cp >> 12);
        b[1] = (uint8_t)(0x80 | (cp >> 6 & 0x3F));
        b[2] = (uint8_t)(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        b[0] = (uint8_t)(0xF0 | cp >> 18);
        b[1] = (uint8_t)(0x80 | (cp >> 12 & 0x3F));
        b[2] = (uint8_t)(0x80 | (cp >> 6 & 0x3F));
        b[3] = (uint8_t)(0x80 | (cp & 0x3F));
        n = 4;
    }
    put(s, b, n);
}

// escape reads the part of an escape after the backslash. \u0000 is valid JSON but refused
// when decoding (`s` set): the decoded text is used as a C string. A lone surrogate is refused
// (it has no UTF-8 form).
static bool escape(struct galois_rd *r, struct sink *s)
{
    static const char from[] = "\"\\/bfnrt";
    static const char to[] = "\"\\/\b\f\n\r\t";
    uint8_t c;
    if (!galois_rd_u8(r, &c)) {
        return false;
    }
    if (c != 'u') {
        const char *hit = c == 0 ? NULL : strchr(from, c);
        if (hit == NULL) {
            return false;
        }
        put(s, &to[hit - from], 1);
        return true;
    }
    uint32_t cp;
    if (!hex4(r, &cp) || (cp == 0 && s != NULL) || (cp >= 0xDC00 && cp <= 0xDFFF)) {
        return false;
    }
    if (cp >= 0xD800 && cp <= 0xDBFF) {
        uint32_t low;
        if (!galois_rd_lit(r, "\\u") || !hex4(r, &low) || low < 0xDC00 || low > 0xDFFF) {
            return false;
        }
        cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
    }
    put_code_point(s, cp);
    return true;
}

// string reads one JSON string, opening quote included, decoding it into `s` (may be NULL).
static bool string(struct galois_rd *r, struct sink *s)
{
    if (!galois_rd_lit(r, "\"")) {
        return false;
    }
    for (;;) {
        struct galois_rd start = *r;
        uint8_t c;
        if (!galois_rd_u8(r, &c)) {
            return false;
        }
        if (c == '"') {
            return true;
        }
        if (c == '\\') {
            if (!escape(r, s)) {
                return false;
            }
        } else if (c < 0x20) {
            return false;
        } else if (c < 0x80) {
            put(s, &c, 1);
        } else {
            if (!utf8_char(r, c)) {
                return false;
            }
            put(s, start.p, galois_rd_offset(&start, r));
        }
    }
}

static bool digits(struct galois_rd *r)
{
    uint8_t c;
    size_t n = 0;
    while (galois_rd_peek_u8(r, 0, &c) && c >= '0' && c <= '9') {
        (void)galois_rd_skip(r, 1);
        n++;
    }
    return n > 0;
}

// number reads -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
static bool number(struct galois_rd *r)
{
    uint8_t c;
    (void)galois_rd_lit(r, "-");
    if (galois_rd_lit(r, "0")) {
        // a leading zero stands alone
    } else if (!galois_rd_peek_u8(r, 0, &c) || c < '1' || c > '9' || !digits(r)) {
        return false;
    }
    if (galois_rd_lit(r, ".") && !digits(r)) {
        return false;
    }
    if (galois_rd_lit(r, "e") || galois_rd_lit(r, "E")) {
        if (!galois_rd_lit(r, "+")) {
            (void)galois_rd_lit(r, "-");
        }
        if (!digits(r)) {
            return false;
        }
    }
    return true;
}

static bool value(struct galois_rd *r, unsigned depth);

// container reads the rest of an object or array after its opening bracket.
static bool container(struct galois_rd *r, unsigned depth, bool object)
{
    const char *close = object ? "}" : "]";
    skip_ws(r);
    if (galois_rd_lit(r, close)) {
        return true;
    }
    for (;;) {
        skip_ws(r);
        if (object) {
            if (!string(r, NULL)) {
                return false;
            }
            skip_ws(r);
            if (!galois_rd_lit(r, ":")) {
                return false;
            }
        }
        if (!value(r, depth + 1)) {
            return false;
        }
        skip_ws(r);
        if (galois_rd_lit(r, close)) {
            return true;
        }
        if (!galois_rd_lit(r, ",")) {
            return false;
        }
    }
}

// value reads one value with the whitespace before it.
static bool value(struct galois_rd *r, unsigned depth)
{
    uint8_t c;
    skip_ws(r);
    if (depth > WR_JSON_MAX_DEPTH || !galois_rd_peek_u8(r, 0, &c)) {
        return false;
    }
    switch (c) {
        case '{':
        case '[':
            (void)galois_rd_skip(r, 1);
            return container(r, depth, c == '{');
        case '"':
            return string(r, NULL);
        case 't':
            return galois_rd_lit(r, "true");
        case 'f':
            return galois_rd_lit(r, "false");
        case 'n':
            return galois_rd_lit(r, "null");
        default:
            return number(r);
    }
}

bool wr_json_valid(const uint8_t *p, size_t len)
{
    struct galois_rd r;
    galois_rd_init(&r, p, len);
    if (!value(&r, 0)) {
        return false;
    }
    skip_ws(&r);
    return r.len == 0;
}

bool wr_json_member(struct galois_rd *out, const uint8_t *p, size_t len, const char *key)
{
    struct galois_rd r;
    galois_rd_init(&r, p, len);
    skip_ws(&r);
    if (!galois_rd_lit(&r, "{")) {
        return false;
    }
    skip_ws(&r);
    if (galois_rd_lit(&r, "}")) {
        return false;
    }
    for (;;) {
        char name[64];
        struct sink s = {.p = name, .max = sizeof(name)};
        name[0] = '\0';
        skip_ws(&r);
        if (!string(&r, &s)) {
            return false;
        }
        skip_ws(&r);
        if (!galois_rd_lit(&r, ":")) {
            return false;
        }
        skip_ws(&r);
        struct galois_rd start = r;
        if (!value(&r, 1)) {
            return false;
        }
        if (!s.full && strcmp(name, key) == 0) {
            return galois_rd_take(&start, out, galois_rd_offset(&start, &r));
        }
        skip_ws(&r);
        if (!galois_rd_lit(&r, ",")) {
            return false;
        }
    }
}

bool wr_json_string(char *out, size_t max, size_t *out_len, struct galois_rd raw)
{
    if (max == 0) {
        return false;
    }
    out[0] = '\0';
    struct sink s = {.p = out, .max = max};
    if (!string(&raw, &s) || raw.len != 0 || s.full) {
        out[0] = '\0';
        return false;
    }
    *out_len = s.len;
    return true;
}

bool wr_json_is_true(struct galois_rd raw)
{
    return galois_rd_lit(&raw, "true") && raw.len == 0;
}

bool wr_offer_body(char *sdp, size_t max, size_t *sdp_len, const uint8_t *body, size_t len,
                   char *why, size_t max_why)
{
    struct galois_rd v;
    char type[16];
    size_t type_len = 0;
    if (len == 0) {
        snprintf(why, max_why, "empty body: send {\"type\":\"offer\",\"sdp\":\"...\"}");
        return false;
    }
    if (!wr_json_valid(body, len)) {
        snprintf(why, max_why, "the body is not valid JSON");
        return false;
    }
    if (!wr_json_member(&v, body, len, "type")) {
        snprintf(why, max_why, "the body is not a JSON object with \"type\"");
        return false;
    }
    if (!wr_json_string(type, sizeof(type), &type_len, v) || strcmp(type, "offer") != 0) {
        snprintf(why, max_why, "\"type\" is not \"offer\" (galois webrtc only answers)");
        return false;
    }
    if (!wr_json_member(&v, body, len, "sdp")) {
        snprintf(why, max_why, "the body has no \"sdp\"");
        return false;
    }
    if (!wr_json_string(sdp, max, sdp_len, v)) {
        snprintf(why, max_why, "\"sdp\" is not a string of at most %zu bytes without NUL", max - 1);
        return false;
    }
    if (*sdp_len == 0) {
        snprintf(why, max_why, "\"sdp\" is empty");
        return false;
    }
    return true;
}

bool wr_json_escape(char *out, size_t max, size_t *out_len, const char *s, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    if (max == 0) {
        return false;
    }
    out[0] = '\0';
    struct sink k = {.p = out, .max = max};
    put(&k, "\"", 1);
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\') {
            char e[2] = {'\\', (char)c};
            put(&k, e, 2);
        } else if (c == '\n') {
            put(&k, "\\n", 2);
        } else if (c == '\r') {
            put(&k, "\\r", 2);
        } else if (c < 0x20 || c == 0x7F) {
            char e[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
            put(&k, e, 6);
        } else {
            put(&k, &s[i], 1);
        }
    }
    put(&k, "\"", 1);
    if (k.full) {
        out[0] = '\0';
        return false;
    }
    *out_len = k.len;
    return true;
}

bool wr_text_escape(char *out, size_t max, const char *s, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    if (max == 0) {
        return false;
    }
    out[0] = '\0';
    struct sink k = {.p = out, .max = max};
    struct galois_rd r;
    galois_rd_init(&r, s, len);
    while (!k.full && r.len > 0) {
        struct galois_rd start = r;
        uint8_t c = 0;
        (void)galois_rd_u8(&r, &c);
        bool whole = c >= 0x80 && utf8_char(&r, c);
        size_t n = start.len - r.len;
        bool c1 = whole && n == 2 && c == 0xC2 && start.p[1] < 0xA0;  // U+0080..U+009F
        if (c == '\\') {
            put(&k, "\\\\", 2);
        } else if (c >= 0x20 && c < 0x7F) {
            put(&k, &c, 1);
        } else if (whole && !c1) {
            put(&k, start.p, n);
        } else {
            // one byte escaped; the bytes after it are looked at again
            r = start;
            (void)galois_rd_skip(&r, 1);
            char e[4] = {'\\', 'x', hex[c >> 4], hex[c & 15]};
            put(&k, e, sizeof(e));
        }
    }
    return !k.full;
}

void wr_json_fput_value(FILE *f, const char *json)
{
    const unsigned char *p = (const unsigned char *)json;
    for (size_t i = 0; p[i] != '\0'; i++) {
        if (p[i] == 0x7F) {
            fprintf(f, "\\u007f");
        } else if (p[i] == 0xC2 && p[i + 1] >= 0x80 && p[i + 1] <= 0x9F) {
            fprintf(f, "\\u00%02x", (unsigned)p[i + 1]);
            i++;
        } else {
            fputc(p[i], f);
        }
    }
}
