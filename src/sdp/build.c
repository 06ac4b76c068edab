// The builders of a galois_sdp: each checks its input as the parser would and copies it.
#include <string.h>

#include "internal.h"

static galois_err dup(struct galois_sdp *sdp, const char **out, const char *s,
                      bool (*pred)(uint8_t), bool nonempty)
{
    if (!sdp_all(s, pred, nonempty) || strlen(s) > GALOIS_SDP_MAX_LINE_LEN) {
        return GALOIS_ERR_INVALID;
    }
    *out = sdp_strndup(sdp, s, strlen(s));
    return *out == NULL ? GALOIS_ERR_NOMEM : GALOIS_ERR_OK;
}

static galois_err dup_conn(struct galois_sdp *sdp, struct galois_sdp_conn *out,
                           const struct galois_sdp_conn *in)
{
    struct galois_sdp_conn c = {0};
    GALOIS_TRY(dup(sdp, &c.nettype, in->nettype, sdp_is_token_char, true));
    GALOIS_TRY(dup(sdp, &c.addrtype, in->addrtype, sdp_is_token_char, true));
    GALOIS_TRY(dup(sdp, &c.address, in->address, sdp_is_nonws, true));
    *out = c;
    return GALOIS_ERR_OK;
}

galois_err galois_sdp_set_origin(struct galois_sdp *sdp, const char *user, const char *sess_id,
                                 const char *sess_version, const struct galois_sdp_conn *addr)
{
    const char *u = NULL;
    const char *id = NULL;
    const char *ver = NULL;
    GALOIS_TRY(dup(sdp, &u, user, sdp_is_nonws, true));
    GALOIS_TRY(dup(sdp, &id, sess_id, sdp_is_digit, true));
    GALOIS_TRY(dup(sdp, &ver, sess_version, sdp_is_digit, true));
    GALOIS_TRY(dup_conn(sdp, &sdp->origin, addr));
    sdp->origin_user = u;
    sdp->origin_sess_id = id;
    sdp->origin_sess_version = ver;
    return GALOIS_ERR_OK;
}

galois_err galois_sdp_set_session_name(struct galois_sdp *sdp, const char *name)
{
    return dup(sdp, &sdp->session_name, name, sdp_is_text, false);
}

galois_err galois_sdp_set_conn(struct galois_sdp *sdp, const struct galois_sdp_conn *conn)
{
    struct galois_sdp_conn *c = sdp_arena_alloc(sdp, sizeof(*c));
    if (c == NULL) {
        return GALOIS_ERR_NOMEM;
    }
    GALOIS_TRY(dup_conn(sdp, c, conn));
    sdp->conn = c;
    return GALOIS_ERR_OK;
}

galois_err galois_sdp_add_time(struct galois_sdp *sdp, const char *start, const char *stop)
{
    struct galois_sdp_time t = {0};
    GALOIS_TRY(dup(sdp, &t.start, start, sdp_is_digit, true));
    GALOIS_TRY(dup(sdp, &t.stop, stop, sdp_is_digit, true));
    struct galois_sdp_time *times =
        sdp_grow(sdp, sdp->times, sdp->num_times, sizeof(*times), GALOIS_SDP_MAX_LIST);
    if (times == NULL) {
        return sdp->num_times >= GALOIS_SDP_MAX_LIST ? GALOIS_ERR_LIMIT : GALOIS_ERR_NOMEM;
    }
    times[sdp->num_times++] = t;
    sdp->times = times;
    return GALOIS_ERR_OK;
}

static galois_err add_attr(struct galois_sdp *sdp, struct galois_sdp_attr **attrs, size_t *num,
                           const char *name, const char *value)
{
    struct galois_sdp_attr a = {0};
    GALOIS_TRY(dup(sdp, &a.name, name, sdp_is_token_char, true));
    if (value != NULL) {
        GALOIS_TRY(dup(sdp, &a.value, value, sdp_is_text, false));
    }
    if (!sdp_check_attr(a.name, a.value)) {
        return GALOIS_ERR_INVALID;
    }
    struct galois_sdp_attr *grown =
        sdp_grow(sdp, *attrs, *num, sizeof(**attrs), GALOIS_SDP_MAX_ATTRS);
    if (grown == NULL) {
        return *num >= GALOIS_SDP_MAX_ATTRS ? GALOIS_ERR_LIMIT : GALOIS_ERR_NOMEM;
    }
    grown[(*num)++] = a;
    *attrs = grown;
    return GALOIS_ERR_OK;
}

galois_err galois_sdp_add_attr(struct galois_sdp *sdp, const char *name, const char *value)
{
    return add_attr(sdp, &sdp->attrs, &sdp->num_attrs, name, value);
}

static galois_err add_fmts(struct galois_sdp *sdp, struct galois_sdp_media *m, const char *fmts)
{
    struct galois_cur c;
    struct galois_cur f;
    galois_cur_init(&c, (const uint8_t *)fmts, fmts == NULL ? 0 : strlen(fmts));
    do {
        if (!galois_cur_while(&c, &f, sdp_is_token_char, GALOIS_SDP_MAX_LINE_LEN)) {
            return GALOIS_ERR_INVALID;
        }
        GALOIS_TRY(sdp_push_str(sdp, &m->fmts, &m->num_fmts, (const char *)galois_cur_data(&f),
                                galois_cur_len(&f)));
    } while (galois_cur_lit(&c, " "));
    return galois_cur_len(&c) == 0 ? GALOIS_ERR_OK : GALOIS_ERR_INVALID;
}

static galois_err check_proto(const char *proto)
{
    struct galois_cur c;
    galois_cur_init(&c, (const uint8_t *)proto, proto == NULL ? 0 : strlen(proto));
    return sdp_is_proto(&c) ? GALOIS_ERR_OK : GALOIS_ERR_INVALID;
}

galois_err galois_sdp_add_media(struct galois_sdp *sdp, size_t *out_index, const char *type,
                                uint16_t port, const char *proto, const char *fmts)
{
    struct galois_sdp_media m = {0};
    m.port = port;
    GALOIS_TRY(check_proto(proto));
    GALOIS_TRY(dup(sdp, &m.type, type, sdp_is_token_char, true));
    GALOIS_TRY(dup(sdp, &m.proto, proto, sdp_is_text, true));
    GALOIS_TRY(add_fmts(sdp, &m, fmts));
    struct galois_sdp_media *media =
        sdp_grow(sdp, sdp->media, sdp->num_media, sizeof(*media), GALOIS_SDP_MAX_MEDIA);
    if (media == NULL) {
        return sdp->num_media >= GALOIS_SDP_MAX_MEDIA ? GALOIS_ERR_LIMIT : GALOIS_ERR_NOMEM;
    }
    if (out_index != NULL) {
        *out_index = sdp->num_media;
    }
    media[sdp->num_media++] = m;
    sdp->media = media;
    return GALOIS_ERR_OK;
}

galois_err galois_sdp_media_set_port(struct galois_sdp *sdp, size_t index, uint16_t port)
{
    if (index >= sdp->num_media) {
        return GALOIS_ERR_INVALID;
    }
    sdp->media[index].port = port;
    return GALOIS_ERR_OK;
}

galois_err galois_sdp_media_set_proto(struct galois_sdp *sdp, size_t index, const char *proto)
{
    if (index >= sdp->num_media) {
        return GALOIS_ERR_INVALID;
    }
    GALOIS_TRY(check_proto(proto));
    return dup(sdp, &sdp->media[index].proto, proto, sdp_is_text, true);
}

galois_err galois_sdp_media_add_conn(struct galois_sdp *sdp, size_t index,
                                     const struct galois_sdp_conn *conn)
{
    if (index >= sdp->num_media) {
        return GALOIS_ERR_INVALID;
    }
    struct galois_sdp_media *m = &sdp->media[index];
    struct galois_sdp_conn c;
    GALOIS_TRY(dup_conn(sdp, &c, conn));
    struct galois_sdp_conn *conns =
        sdp_grow(sdp, m->conns, m->num_conns, sizeof(*conns), GALOIS_SDP_MAX_LIST);
    if (conns == NULL) {
        return m->num_conns >= GALOIS_SDP_MAX_LIST ? GALOIS_ERR_LIMIT : GALOIS_ERR_NOMEM;
    }
    conns[m->num_conns++] = c;
    m->conns = conns;
    return GALOIS_ERR_OK;
}

galois_err galois_sdp_media_add_attr(struct galois_sdp *sdp, size_t index, const char *name,
                                     const char *value)
{
    if (index >= sdp->num_media) {
        return GALOIS_ERR_INVALID;
    }
    return add_attr(sdp, &sdp->media[index].attrs, &sdp->media[index].num_attrs, name, value);
}

galois_err galois_sdp_media_set_attr(struct galois_sdp *sdp, size_t index, const char *name,
                                     size_t nth, const char *value)
{
    if (index >= sdp->num_media) {
        return GALOIS_ERR_INVALID;
    }
    struct galois_sdp_media *m = &sdp->media[index];
    for (size_t i = 0; i < m->num_attrs; i++) {
        if (strcmp(m->attrs[i].name, name) == 0 && nth-- == 0) {
            const char *v = NULL;
            if (value != NULL) {
                GALOIS_TRY(dup(sdp, &v, value, sdp_is_text, false));
            }
            if (!sdp_check_attr(name, v)) {
                return GALOIS_ERR_INVALID;
            }
            m->attrs[i].value = v;
            return GALOIS_ERR_OK;
        }
    }
    return GALOIS_ERR_NOT_FOUND;
}

void galois_sdp_media_remove_attrs(struct galois_sdp *sdp, size_t index, const char *name)
{
    if (index >= sdp->num_media) {
        return;
    }
    struct galois_sdp_media *m = &sdp->media[index];
    size_t kept = 0;
    for (size_t i = 0; i < m->num_attrs; i++) {
        if (strcmp(m->attrs[i].name, name) != 0) {
            m->attrs[kept++] = m->attrs[i];
        }
    }
    m->num_attrs = kept;
}
