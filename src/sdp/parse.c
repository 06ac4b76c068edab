// The SDP parser (RFC 8866 §5, §9): one line at a time through the cursor, into the arena.
#include <string.h>

#include "internal.h"

struct parser {
    struct galois_sdp *sdp;
    struct galois_cur all;       // the whole input, for offsets
    struct galois_cur start;     // the line being parsed, from its type letter
    struct galois_cur line;      // the value of the line being parsed (after "x=")
    struct galois_sdp_media *m;  // the current m= section, NULL at session level
    size_t err_off;
    galois_err err;
    bool seen[26];  // session-level single lines seen (indexed by type letter)
    bool m_seen[26];
};

// fail records where and why parsing stopped (the first failure wins) and returns false.
static bool fail(struct parser *ps, const struct galois_cur *at, galois_err err)
{
    if (ps->err == GALOIS_ERR_OK) {
        ps->err = err;
        ps->err_off = galois_cur_offset(&ps->all, at);
    }
    return false;
}

static bool nomem(struct parser *ps)
{
    return fail(ps, &ps->line, GALOIS_ERR_NOMEM);
}

static bool sp(struct galois_cur *c)
{
    return galois_cur_lit(c, " ");
}

// sep reads the one space between two fields.
static bool sep(struct parser *ps, struct galois_cur *c)
{
    return sp(c) || fail(ps, c, GALOIS_ERR_PARSE);
}

// token reads one field of a space-separated line into an arena string.
static bool token(struct parser *ps, struct galois_cur *c, const char **out, bool (*pred)(uint8_t))
{
    struct galois_cur t;
    if (!galois_cur_while(c, &t, pred, GALOIS_SDP_MAX_LINE_LEN)) {
        return fail(ps, c, GALOIS_ERR_PARSE);
    }
    *out = sdp_cur_dup(ps->sdp, &t);
    return *out != NULL || nomem(ps);
}

static bool end(struct parser *ps, const struct galois_cur *c)
{
    return galois_cur_len(c) == 0 || fail(ps, c, GALOIS_ERR_PARSE);
}

static bool text(struct parser *ps, const char **out, bool nonempty)
{
    struct galois_cur c = ps->line;
    if (nonempty && galois_cur_len(&c) == 0) {
        return fail(ps, &c, GALOIS_ERR_PARSE);
    }
    *out = sdp_cur_dup(ps->sdp, &c);
    return *out != NULL || nomem(ps);
}

static bool conn_fields(struct parser *ps, struct galois_cur *c, struct galois_sdp_conn *out)
{
    return token(ps, c, &out->nettype, sdp_is_token_char) && sep(ps, c) &&
           token(ps, c, &out->addrtype, sdp_is_token_char) && sep(ps, c) &&
           token(ps, c, &out->address, sdp_is_nonws);
}

static bool parse_origin(struct parser *ps)
{
    struct galois_sdp *sdp = ps->sdp;
    struct galois_cur c = ps->line;
    return token(ps, &c, &sdp->origin_user, sdp_is_nonws) && sep(ps, &c) &&
           token(ps, &c, &sdp->origin_sess_id, sdp_is_digit) && sep(ps, &c) &&
           token(ps, &c, &sdp->origin_sess_version, sdp_is_digit) && sep(ps, &c) &&
           conn_fields(ps, &c, &sdp->origin) && end(ps, &c);
}

static bool parse_conn(struct parser *ps, struct galois_sdp_conn *out)
{
    struct galois_cur c = ps->line;
    return conn_fields(ps, &c, out) && end(ps, &c);
}

static bool parse_bandwidth(struct parser *ps, const char ***list, size_t *num)
{
    struct galois_cur c = ps->line;
    struct galois_cur t;
    uint64_t bw = 0;
    if (!galois_cur_while(&c, &t, sdp_is_token_char, 64) || !galois_cur_lit(&c, ":") ||
        !galois_cur_u64_dec(&c, &bw, UINT64_MAX)) {
        return fail(ps, &c, GALOIS_ERR_PARSE);
    }
    if (!end(ps, &c)) {
        return false;
    }
    galois_err err = sdp_push_str(ps->sdp, list, num, (const char *)galois_cur_data(&ps->line),
                                  galois_cur_len(&ps->line));
    return err == GALOIS_ERR_OK || fail(ps, &ps->line, err);
}

static bool parse_time(struct parser *ps)
{
    struct galois_sdp *sdp = ps->sdp;
    struct galois_sdp_time *times =
        sdp_grow(sdp, sdp->times, sdp->num_times, sizeof(*times), GALOIS_SDP_MAX_LIST);
    if (times == NULL) {
        return fail(ps, &ps->line,
                    sdp->num_times >= GALOIS_SDP_MAX_LIST ? GALOIS_ERR_LIMIT : GALOIS_ERR_NOMEM);
    }
    sdp->times = times;
    struct galois_sdp_time *t = &times[sdp->num_times++];
    struct galois_cur c = ps->line;
    return token(ps, &c, &t->start, sdp_is_digit) && sep(ps, &c) &&
           token(ps, &c, &t->stop, sdp_is_digit) && end(ps, &c);
}

static bool parse_repeat(struct parser *ps)
{
    struct galois_sdp *sdp = ps->sdp;
    if (sdp->num_times == 0 || galois_cur_len(&ps->line) == 0) {
        return fail(ps, &ps->line, GALOIS_ERR_PARSE);
    }
    struct galois_sdp_time *t = &sdp->times[sdp->num_times - 1];
    galois_err err =
        sdp_push_str(sdp, &t->repeats, &t->num_repeats, (const char *)galois_cur_data(&ps->line),
                     galois_cur_len(&ps->line));
    return err == GALOIS_ERR_OK || fail(ps, &ps->line, err);
}

static bool parse_port(struct parser *ps, struct galois_cur *c, struct galois_sdp_media *m)
{
    uint64_t port = 0;
    uint64_t n = 0;
    if (!galois_cur_u64_dec(c, &port, UINT16_MAX)) {
        return fail(ps, c, GALOIS_ERR_PARSE);
    }
    m->port = (uint16_t)port;
    struct galois_cur at = *c;
    if (galois_cur_lit(c, "/") && (!galois_cur_u64_dec(c, &n, 65536) || n == 0)) {
        galois_cur_skip(&at, 1);
        return fail(ps, &at, GALOIS_ERR_PARSE);
    }
    m->num_ports = (unsigned)n;
    return true;
}

static bool parse_media(struct parser *ps)
{
    struct galois_sdp *sdp = ps->sdp;
    struct galois_sdp_media *media =
        sdp_grow(sdp, sdp->media, sdp->num_media, sizeof(*media), GALOIS_SDP_MAX_MEDIA);
    if (media == NULL) {
        return fail(ps, &ps->line,
                    sdp->num_media >= GALOIS_SDP_MAX_MEDIA ? GALOIS_ERR_LIMIT : GALOIS_ERR_NOMEM);
    }
    sdp->media = media;
    struct galois_sdp_media *m = &media[sdp->num_media++];
    ps->m = m;
    memset(ps->m_seen, 0, sizeof(ps->m_seen));
    struct galois_cur c = ps->line;
    struct galois_cur proto;
    if (!token(ps, &c, &m->type, sdp_is_token_char) || !sep(ps, &c) || !parse_port(ps, &c, m) ||
        !sep(ps, &c)) {
        return false;
    }
    struct galois_cur at = c;
    if (!galois_cur_until(&c, &proto, ' ', GALOIS_SDP_MAX_LINE_LEN) || !sdp_is_proto(&proto)) {
        return fail(ps, &at, GALOIS_ERR_PARSE);
    }
    m->proto = sdp_cur_dup(sdp, &proto);
    if (m->proto == NULL) {
        return nomem(ps);
    }
    while (sp(&c)) {
        struct galois_cur f;
        if (!galois_cur_while(&c, &f, sdp_is_token_char, GALOIS_SDP_MAX_LINE_LEN)) {
            return fail(ps, &c, GALOIS_ERR_PARSE);
        }
        galois_err err = sdp_push_str(sdp, &m->fmts, &m->num_fmts,
                                      (const char *)galois_cur_data(&f), galois_cur_len(&f));
        if (err != GALOIS_ERR_OK) {
            return fail(ps, &f, err);
        }
    }
    return m->num_fmts > 0 ? end(ps, &c) : fail(ps, &c, GALOIS_ERR_PARSE);
}

static bool parse_attr(struct parser *ps, struct galois_sdp_attr **attrs, size_t *num)
{
    struct galois_cur c = ps->line;
    struct galois_cur name;
    if (!galois_cur_while(&c, &name, sdp_is_token_char, GALOIS_SDP_MAX_LINE_LEN)) {
        return fail(ps, &c, GALOIS_ERR_PARSE);
    }
    struct galois_sdp_attr a = {sdp_cur_dup(ps->sdp, &name), NULL, 0};
    if (galois_cur_lit(&c, ":")) {
        a.value = sdp_cur_dup(ps->sdp, &c);
        a.value_off = galois_cur_offset(&ps->all, &c);
        if (a.value == NULL) {
            return nomem(ps);
        }
    } else if (!end(ps, &c)) {
        return false;
    }
    if (a.name == NULL) {
        return nomem(ps);
    }
    if (!sdp_check_attr(a.name, a.value)) {
        return fail(ps, &c, GALOIS_ERR_PARSE);
    }
    struct galois_sdp_attr *grown =
        sdp_grow(ps->sdp, *attrs, *num, sizeof(**attrs), GALOIS_SDP_MAX_ATTRS);
    if (grown == NULL) {
        return fail(ps, &ps->line,
                    *num >= GALOIS_SDP_MAX_ATTRS ? GALOIS_ERR_LIMIT : GALOIS_ERR_NOMEM);
    }
    grown[*num] = a;
    *attrs = grown;
    (*num)++;
    return true;
}

// once refuses a second line of a type allowed once per section.
static bool once(struct parser *ps, bool *seen, uint8_t type)
{
    if (seen[type - 'a']) {
        return fail(ps, &ps->start, GALOIS_ERR_PARSE);
    }
    seen[type - 'a'] = true;
    return true;
}

static bool list_text(struct parser *ps, const char ***list, size_t *num)
{
    if (galois_cur_len(&ps->line) == 0) {
        return fail(ps, &ps->line, GALOIS_ERR_PARSE);
    }
    galois_err err = sdp_push_str(ps->sdp, list, num, (const char *)galois_cur_data(&ps->line),
                                  galois_cur_len(&ps->line));
    return err == GALOIS_ERR_OK || fail(ps, &ps->line, err);
}

static bool media_line(struct parser *ps, uint8_t type)
{
    struct galois_sdp_media *m = ps->m;
    struct galois_sdp_conn *conns;
    switch (type) {
        case 'i':
            return once(ps, ps->m_seen, type) && text(ps, &m->info, false);
        case 'c':
            conns = sdp_grow(ps->sdp, m->conns, m->num_conns, sizeof(*conns), GALOIS_SDP_MAX_LIST);
            if (conns == NULL) {
                return fail(ps, &ps->line, GALOIS_ERR_LIMIT);
            }
            m->conns = conns;
            return parse_conn(ps, &conns[m->num_conns++]);
        case 'b':
            return parse_bandwidth(ps, &m->bandwidths, &m->num_bandwidths);
        case 'k':
            return once(ps, ps->m_seen, type) && text(ps, &m->key, true);
        case 'a':
            return parse_attr(ps, &m->attrs, &m->num_attrs);
        default:
            return fail(ps, &ps->start, GALOIS_ERR_PARSE);
    }
}

static bool session_line(struct parser *ps, uint8_t type)
{
    struct galois_sdp *sdp = ps->sdp;
    switch (type) {
        case 'i':
            return once(ps, ps->seen, type) && text(ps, &sdp->info, false);
        case 'u':
            return once(ps, ps->seen, type) && text(ps, &sdp->uri, true);
        case 'e':
            return list_text(ps, &sdp->emails, &sdp->num_emails);
        case 'p':
            return list_text(ps, &sdp->phones, &sdp->num_phones);
        case 'c':
            sdp->conn = sdp_arena_alloc(sdp, sizeof(*sdp->conn));
            return once(ps, ps->seen, type) && (sdp->conn != NULL || nomem(ps)) &&
                   parse_conn(ps, sdp->conn);
        case 'b':
            return parse_bandwidth(ps, &sdp->bandwidths, &sdp->num_bandwidths);
        case 't':
            return parse_time(ps);
        case 'r':
            return parse_repeat(ps);
        case 'z':
            return once(ps, ps->seen, type) && text(ps, &sdp->zone, true);
        case 'k':
            return once(ps, ps->seen, type) && text(ps, &sdp->key, true);
        case 'a':
            return parse_attr(ps, &sdp->attrs, &sdp->num_attrs);
        default:
            return fail(ps, &ps->start, GALOIS_ERR_PARSE);
    }
}

// next_line takes the next line; a line with a NUL or a lone CR in it is malformed.
static bool next_line(struct parser *ps, struct galois_cur *c, struct galois_cur *line)
{
    if (!galois_cur_line(c, line, GALOIS_SDP_MAX_LINE_LEN)) {
        return galois_cur_len(c) > 0 && fail(ps, c, GALOIS_ERR_LIMIT);
    }
    struct galois_cur rest = *line;
    galois_cur_skip_while(&rest, sdp_is_text);
    return galois_cur_len(&rest) == 0 || fail(ps, &rest, GALOIS_ERR_PARSE);
}

// header parses the three lines every description starts with: v=0, o= and s=.
static bool header(struct parser *ps, struct galois_cur *c)
{
    struct galois_cur line;
    static const char *const starts[] = {"v=", "o=", "s="};
    for (size_t i = 0; i < GALOIS_ARRAY_LEN(starts); i++) {
        if (!next_line(ps, c, &line)) {
            return fail(ps, c, GALOIS_ERR_PARSE);
        }
        if (!galois_cur_lit(&line, starts[i])) {
            return fail(ps, &line, GALOIS_ERR_PARSE);
        }
        ps->line = line;
        bool ok = i == 0   ? galois_cur_eq(&line, "0") || fail(ps, &line, GALOIS_ERR_PARSE)
                  : i == 1 ? parse_origin(ps)
                           : text(ps, &ps->sdp->session_name, false);
        if (!ok) {
            return false;
        }
    }
    return true;
}

static bool is_crlf(uint8_t ch)
{
    return ch == '\r' || ch == '\n';
}

// body parses every line after s=. Empty lines are refused, except at the very end.
static bool body(struct parser *ps, struct galois_cur *c)
{
    struct galois_cur line;
    while (next_line(ps, c, &line)) {
        uint8_t type = 0;
        if (galois_cur_len(&line) == 0) {
            struct galois_cur rest = *c;
            galois_cur_skip_while(&rest, is_crlf);
            if (galois_cur_len(&rest) != 0) {
                return fail(ps, &line, GALOIS_ERR_PARSE);
            }
            break;
        }
        ps->start = line;
        if (!galois_cur_u8(&line, &type) || type < 'a' || type > 'z' ||
            !galois_cur_lit(&line, "=")) {
            return fail(ps, &ps->start, GALOIS_ERR_PARSE);
        }
        ps->line = line;
        if (type == 'm') {
            if (!parse_media(ps)) {
                return false;
            }
        } else if (!(ps->m != NULL ? media_line(ps, type) : session_line(ps, type))) {
            return false;
        }
    }
    if (ps->err != GALOIS_ERR_OK) {
        return false;
    }
    return ps->sdp->num_times > 0 || fail(ps, c, GALOIS_ERR_PARSE);
}

galois_err galois_sdp_parse(struct galois_sdp **out, size_t *out_err_off, const char *in,
                            size_t in_len)
{
    struct parser ps = {0};
    *out = NULL;
    if (out_err_off != NULL) {
        *out_err_off = 0;
    }
    if (in_len > GALOIS_SDP_MAX_LEN) {
        if (out_err_off != NULL) {
            *out_err_off = GALOIS_SDP_MAX_LEN;
        }
        return GALOIS_ERR_LIMIT;
    }
    galois_err err = galois_sdp_new(&ps.sdp);
    if (err != GALOIS_ERR_OK) {
        return err;
    }
    galois_cur_init(&ps.all, (const uint8_t *)in, in_len);
    struct galois_cur c = ps.all;
    if (header(&ps, &c) && body(&ps, &c)) {
        *out = ps.sdp;
        return GALOIS_ERR_OK;
    }
    if (out_err_off != NULL) {
        *out_err_off = ps.err_off;
    }
    galois_sdp_free(ps.sdp);
    return ps.err == GALOIS_ERR_OK ? GALOIS_ERR_PARSE : ps.err;
}

void galois_sdp_line_col(size_t *out_line, size_t *out_col, const char *in, size_t in_len,
                         size_t off)
{
    size_t line = 1;
    size_t col = 1;
    for (size_t i = 0; i < off && i < in_len; i++) {
        if (in[i] == '\n') {
            line++;
            col = 1;
        } else {
            col++;
        }
    }
    *out_line = line;
    *out_col = col;
}
