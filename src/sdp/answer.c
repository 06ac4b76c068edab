// The skeleton of an answer (RFC 3264 §6): the offer's m= sections mirrored, with our address,
// our ports and the directions reversed. The SDES layer adds the security attributes.
#include <string.h>

#include "internal.h"

// Attributes copied from an offered m= section into the answer as they are.
static const char *const copied_attrs[] = {"rtpmap", "fmtp", "rtcp-mux", "ptime", "maxptime"};

static bool copied(const char *name)
{
    for (size_t i = 0; i < GALOIS_ARRAY_LEN(copied_attrs); i++) {
        if (strcmp(name, copied_attrs[i]) == 0) {
            return true;
        }
    }
    return false;
}

static galois_err copy_extmap(struct galois_sdp *ans, size_t index, const char *value)
{
    struct galois_sdp_extmap ext;
    char text[GALOIS_SDP_MAX_LINE_LEN];
    GALOIS_TRY(galois_sdp_extmap_parse(&ext, value));
    ext.direction = galois_sdp_direction_answer(ext.direction);
    GALOIS_TRY(galois_sdp_extmap_write(text, sizeof(text), &ext));
    return galois_sdp_media_add_attr(ans, index, "extmap", text);
}

static galois_err copy_attrs(struct galois_sdp *ans, size_t index, const struct galois_sdp *offer,
                             size_t offer_index)
{
    const struct galois_sdp_media *m = &offer->media[offer_index];
    for (size_t i = 0; i < m->num_attrs; i++) {
        if (strcmp(m->attrs[i].name, "extmap") == 0) {
            GALOIS_TRY(copy_extmap(ans, index, m->attrs[i].value));
        } else if (copied(m->attrs[i].name)) {
            GALOIS_TRY(galois_sdp_media_add_attr(ans, index, m->attrs[i].name, m->attrs[i].value));
        }
    }
    enum galois_sdp_direction dir =
        galois_sdp_direction_answer(galois_sdp_media_direction(offer, offer_index));
    return galois_sdp_media_add_attr(ans, index, galois_sdp_direction_name(dir), NULL);
}

static galois_err join_fmts(char *out, size_t max, const struct galois_sdp_media *m)
{
    struct galois_buf b;
    galois_buf_init(&b, out, max);
    for (size_t i = 0; i < m->num_fmts; i++) {
        if (i > 0) {
            galois_buf_putc(&b, ' ');
        }
        galois_buf_puts(&b, m->fmts[i]);
    }
    return galois_buf_finish(&b) ? GALOIS_ERR_OK : GALOIS_ERR_LIMIT;
}

static galois_err mirror_media(struct galois_sdp *ans, const struct galois_sdp *offer, size_t i,
                               uint16_t *next_port)
{
    const struct galois_sdp_media *m = &offer->media[i];
    char fmts[GALOIS_SDP_MAX_LINE_LEN];
    size_t index = 0;
    uint16_t port = 0;
    if (m->port != 0) {
        port = *next_port;
        *next_port = (uint16_t)(*next_port + 2);
    }
    GALOIS_TRY(join_fmts(fmts, sizeof(fmts), m));
    GALOIS_TRY(galois_sdp_add_media(ans, &index, m->type, port, m->proto, fmts));
    return port == 0 ? GALOIS_ERR_OK : copy_attrs(ans, index, offer, i);
}

static galois_err session(struct galois_sdp *ans, const struct galois_sdp *offer,
                          const struct galois_sdp_answer_options *o)
{
    struct galois_sdp_conn addr = {"IN", o->addrtype == NULL ? "IP4" : o->addrtype, o->address};
    GALOIS_TRY(galois_sdp_set_origin(ans, "-", o->sess_id == NULL ? "1" : o->sess_id,
                                     o->sess_version == NULL ? "1" : o->sess_version, &addr));
    GALOIS_TRY(galois_sdp_set_session_name(ans, "-"));
    GALOIS_TRY(galois_sdp_set_conn(ans, &addr));
    // RFC 3264 §6: the answer's t= equals the offer's.
    for (size_t i = 0; i < offer->num_times; i++) {
        GALOIS_TRY(galois_sdp_add_time(ans, offer->times[i].start, offer->times[i].stop));
    }
    return offer->num_times == 0 ? galois_sdp_add_time(ans, "0", "0") : GALOIS_ERR_OK;
}

galois_err galois_sdp_answer_new(struct galois_sdp **out, const struct galois_sdp *offer,
                                 const struct galois_sdp_answer_options *options)
{
    struct galois_sdp *ans = NULL;
    *out = NULL;
    if (options == NULL || options->address == NULL) {
        return GALOIS_ERR_INVALID;
    }
    galois_err err = galois_sdp_new(&ans);
    if (err == GALOIS_ERR_OK) {
        err = session(ans, offer, options);
    }
    uint16_t port = options->first_port;
    for (size_t i = 0; err == GALOIS_ERR_OK && i < offer->num_media; i++) {
        err = mirror_media(ans, offer, i, &port);
    }
    if (err != GALOIS_ERR_OK) {
        galois_sdp_free(ans);
        return err;
    }
    *out = ans;
    return GALOIS_ERR_OK;
}
