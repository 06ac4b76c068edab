// The attributes the SDP layer interprets: rtpmap and fmtp (RFC 8866 §6.6, §6.15), extmap
// (RFC 8285 §7, with the RFC 6904 §4 encrypted form), the direction attributes (§6.7),
// rtcp-mux (RFC 5761) and cryptex (RFC 9335 §5); and the character classes of RFC 8866 §9.
#include <string.h>

#include "internal.h"

bool sdp_is_token_char(uint8_t ch)
{
    return ch == 0x21 || (ch >= 0x23 && ch <= 0x27) || ch == 0x2a || ch == 0x2b || ch == 0x2d ||
           ch == 0x2e || (ch >= 0x30 && ch <= 0x39) || (ch >= 0x41 && ch <= 0x5a) ||
           (ch >= 0x5e && ch <= 0x7e);
}

bool sdp_is_nonws(uint8_t ch)
{
    return (ch >= 0x21 && ch <= 0x7e) || ch >= 0x80;
}

bool sdp_is_digit(uint8_t ch)
{
    return ch >= '0' && ch <= '9';
}

bool sdp_is_text(uint8_t ch)
{
    return ch != 0 && ch != '\r' && ch != '\n';
}

static bool is_encoding_char(uint8_t ch)
{
    return sdp_is_token_char(ch) && ch != '/';
}

bool sdp_all(const char *s, bool (*pred)(uint8_t), bool nonempty)
{
    if (s == NULL || (nonempty && s[0] == '\0')) {
        return false;
    }
    for (const char *p = s; *p != '\0'; p++) {
        if (!pred((uint8_t)*p)) {
            return false;
        }
    }
    return true;
}

bool sdp_is_proto(const struct galois_cur *proto)
{
    struct galois_cur c = *proto;
    struct galois_cur tok;
    do {
        if (!galois_cur_while(&c, &tok, sdp_is_token_char, GALOIS_SDP_MAX_LINE_LEN)) {
            return false;
        }
    } while (galois_cur_lit(&c, "/"));
    return galois_cur_len(&c) == 0;
}

static void init_cur(struct galois_cur *c, const char *s)
{
    galois_cur_init(c, (const uint8_t *)s, s == NULL ? 0 : strlen(s));
}

static bool dec(struct galois_cur *c, uint64_t *out, uint64_t min, uint64_t max)
{
    return galois_cur_u64_dec(c, out, max) && *out >= min;
}

galois_err galois_sdp_rtpmap_parse(struct galois_sdp_rtpmap *out, const char *value)
{
    struct galois_cur c;
    struct galois_cur enc;
    uint64_t pt = 0;
    uint64_t rate = 0;
    uint64_t channels = 0;
    init_cur(&c, value);
    if (!dec(&c, &pt, 0, 127) || !galois_cur_lit(&c, " ") ||
        !galois_cur_while(&c, &enc, is_encoding_char, 64) || !galois_cur_lit(&c, "/") ||
        !dec(&c, &rate, 1, UINT32_MAX)) {
        return GALOIS_ERR_PARSE;
    }
    if (galois_cur_lit(&c, "/") && !dec(&c, &channels, 1, 255)) {
        return GALOIS_ERR_PARSE;
    }
    if (galois_cur_len(&c) != 0) {
        return GALOIS_ERR_PARSE;
    }
    out->payload_type = (unsigned)pt;
    out->encoding = (const char *)galois_cur_data(&enc);
    out->encoding_len = galois_cur_len(&enc);
    out->clock_rate = (uint32_t)rate;
    out->channels = (unsigned)channels;
    return GALOIS_ERR_OK;
}

galois_err galois_sdp_fmtp_parse(struct galois_sdp_fmtp *out, const char *value)
{
    struct galois_cur c;
    struct galois_cur fmt;
    init_cur(&c, value);
    if (!galois_cur_while(&c, &fmt, sdp_is_token_char, 64) || !galois_cur_lit(&c, " ") ||
        galois_cur_len(&c) == 0) {
        return GALOIS_ERR_PARSE;
    }
    out->format = (const char *)galois_cur_data(&fmt);
    out->format_len = galois_cur_len(&fmt);
    out->params = (const char *)galois_cur_data(&c);
    out->params_len = galois_cur_len(&c);
    return GALOIS_ERR_OK;
}

static const char *const direction_names[] = {
    [GALOIS_SDP_SENDRECV] = "sendrecv",
    [GALOIS_SDP_SENDONLY] = "sendonly",
    [GALOIS_SDP_RECVONLY] = "recvonly",
    [GALOIS_SDP_INACTIVE] = "inactive",
};

const char *galois_sdp_direction_name(enum galois_sdp_direction dir)
{
    return (size_t)dir < GALOIS_ARRAY_LEN(direction_names) ? direction_names[dir] : "sendrecv";
}

enum galois_sdp_direction galois_sdp_direction_answer(enum galois_sdp_direction dir)
{
    switch (dir) {
        case GALOIS_SDP_SENDONLY:
            return GALOIS_SDP_RECVONLY;
        case GALOIS_SDP_RECVONLY:
            return GALOIS_SDP_SENDONLY;
        case GALOIS_SDP_SENDRECV:
        case GALOIS_SDP_INACTIVE:
        default:
            return dir;
    }
}

static bool direction_from(const struct galois_cur *c, enum galois_sdp_direction *out)
{
    for (size_t i = 0; i < GALOIS_ARRAY_LEN(direction_names); i++) {
        if (galois_cur_eq(c, direction_names[i])) {
            *out = (enum galois_sdp_direction)i;
            return true;
        }
    }
    return false;
}

static bool extmap_head(struct galois_cur *c, struct galois_sdp_extmap *out)
{
    uint64_t id = 0;
    struct galois_cur dir;
    if (!dec(c, &id, 1, GALOIS_SDP_MAX_EXTMAP_ID)) {
        return false;
    }
    out->id = (unsigned)id;
    if (galois_cur_lit(c, "/")) {
        if (!galois_cur_while(c, &dir, sdp_is_token_char, 16) ||
            !direction_from(&dir, &out->direction)) {
            return false;
        }
        out->has_direction = true;
    }
    return galois_cur_lit(c, " ");
}

galois_err galois_sdp_extmap_parse(struct galois_sdp_extmap *out, const char *value)
{
    struct galois_cur c;
    struct galois_cur uri;
    init_cur(&c, value);
    memset(out, 0, sizeof(*out));
    if (!extmap_head(&c, out) || !galois_cur_while(&c, &uri, sdp_is_nonws, 1024)) {
        return GALOIS_ERR_PARSE;
    }
    if (galois_cur_eq(&uri, GALOIS_SDP_HDREXT_ENCRYPT_URI)) {
        out->encrypt = true;
        if (!galois_cur_lit(&c, " ") || !galois_cur_while(&c, &uri, sdp_is_nonws, 1024)) {
            return GALOIS_ERR_PARSE;
        }
    }
    out->uri = (const char *)galois_cur_data(&uri);
    out->uri_len = galois_cur_len(&uri);
    if (galois_cur_len(&c) > 0) {
        if (!galois_cur_lit(&c, " ") || galois_cur_len(&c) == 0) {
            return GALOIS_ERR_PARSE;
        }
        out->attributes = (const char *)galois_cur_data(&c);
        out->attributes_len = galois_cur_len(&c);
    }
    return GALOIS_ERR_OK;
}

galois_err galois_sdp_extmap_write(char *out, size_t max_out_len,
                                   const struct galois_sdp_extmap *ext)
{
    struct galois_buf b;
    galois_buf_init(&b, out, max_out_len);
    galois_buf_put_dec(&b, ext->id);
    if (ext->has_direction) {
        galois_buf_putc(&b, '/');
        galois_buf_puts(&b, galois_sdp_direction_name(ext->direction));
    }
    galois_buf_putc(&b, ' ');
    if (ext->encrypt) {
        galois_buf_puts(&b, GALOIS_SDP_HDREXT_ENCRYPT_URI " ");
    }
    galois_buf_put(&b, ext->uri, ext->uri_len);
    if (ext->attributes_len > 0) {
        galois_buf_putc(&b, ' ');
        galois_buf_put(&b, ext->attributes, ext->attributes_len);
    }
    return galois_buf_finish(&b) ? GALOIS_ERR_OK : GALOIS_ERR_BUFFER;
}

// Attributes that are flags: a value would be malformed.
static const char *const property_attrs[] = {
    "sendrecv", "sendonly", "recvonly", "inactive", "rtcp-mux", "cryptex",
};

bool sdp_check_attr(const char *name, const char *value)
{
    for (size_t i = 0; i < GALOIS_ARRAY_LEN(property_attrs); i++) {
        if (strcmp(name, property_attrs[i]) == 0) {
            return value == NULL;
        }
    }
    struct galois_sdp_rtpmap rtpmap;
    struct galois_sdp_fmtp fmtp;
    struct galois_sdp_extmap extmap;
    if (strcmp(name, "rtpmap") == 0) {
        return galois_sdp_rtpmap_parse(&rtpmap, value) == GALOIS_ERR_OK;
    }
    if (strcmp(name, "fmtp") == 0) {
        return galois_sdp_fmtp_parse(&fmtp, value) == GALOIS_ERR_OK;
    }
    if (strcmp(name, "extmap") == 0) {
        return galois_sdp_extmap_parse(&extmap, value) == GALOIS_ERR_OK;
    }
    return true;
}

const char *galois_sdp_attr_get(const struct galois_sdp_attr *attrs, size_t num_attrs,
                                const char *name, size_t nth)
{
    for (size_t i = 0; i < num_attrs; i++) {
        if (strcmp(attrs[i].name, name) == 0 && nth-- == 0) {
            return attrs[i].value == NULL ? "" : attrs[i].value;
        }
    }
    return NULL;
}

static bool find_direction(const struct galois_sdp_attr *attrs, size_t num,
                           enum galois_sdp_direction *out)
{
    for (size_t i = 0; i < num; i++) {
        struct galois_cur c;
        init_cur(&c, attrs[i].name);
        if (attrs[i].value == NULL && direction_from(&c, out)) {
            return true;
        }
    }
    return false;
}

enum galois_sdp_direction galois_sdp_media_direction(const struct galois_sdp *sdp, size_t index)
{
    enum galois_sdp_direction dir = GALOIS_SDP_SENDRECV;
    if (index < sdp->num_media &&
        find_direction(sdp->media[index].attrs, sdp->media[index].num_attrs, &dir)) {
        return dir;
    }
    if (find_direction(sdp->attrs, sdp->num_attrs, &dir)) {
        return dir;
    }
    return GALOIS_SDP_SENDRECV;
}

bool galois_sdp_media_has_flag(const struct galois_sdp *sdp, size_t index, const char *name,
                               bool session_too)
{
    if (index < sdp->num_media &&
        galois_sdp_attr_get(sdp->media[index].attrs, sdp->media[index].num_attrs, name, 0) !=
            NULL) {
        return true;
    }
    return session_too && galois_sdp_attr_get(sdp->attrs, sdp->num_attrs, name, 0) != NULL;
}

bool galois_sdp_has_cryptex(const struct galois_sdp *sdp, size_t index)
{
    return galois_sdp_media_has_flag(sdp, index, "cryptex", true);
}
