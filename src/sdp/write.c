// The SDP writer: RFC 8866 §5 order, CRLF line ends.
#include "internal.h"

static void line(struct galois_buf *b, char type, const char *value)
{
    galois_buf_putc(b, type);
    galois_buf_putc(b, '=');
    galois_buf_puts(b, value);
    galois_buf_put(b, "\r\n", 2);
}

static void opt_line(struct galois_buf *b, char type, const char *value)
{
    if (value != NULL) {
        line(b, type, value);
    }
}

static void list_lines(struct galois_buf *b, char type, const char *const *list, size_t num)
{
    for (size_t i = 0; i < num; i++) {
        line(b, type, list[i]);
    }
}

static void conn_line(struct galois_buf *b, const struct galois_sdp_conn *c)
{
    galois_buf_puts(b, "c=");
    galois_buf_puts(b, c->nettype);
    galois_buf_putc(b, ' ');
    galois_buf_puts(b, c->addrtype);
    galois_buf_putc(b, ' ');
    galois_buf_puts(b, c->address);
    galois_buf_put(b, "\r\n", 2);
}

static void attr_lines(struct galois_buf *b, const struct galois_sdp_attr *attrs, size_t num)
{
    for (size_t i = 0; i < num; i++) {
        galois_buf_puts(b, "a=");
        galois_buf_puts(b, attrs[i].name);
        if (attrs[i].value != NULL) {
            galois_buf_putc(b, ':');
            galois_buf_puts(b, attrs[i].value);
        }
        galois_buf_put(b, "\r\n", 2);
    }
}

static void media_section(struct galois_buf *b, const struct galois_sdp_media *m)
{
    galois_buf_puts(b, "m=");
    galois_buf_puts(b, m->type);
    galois_buf_putc(b, ' ');
    galois_buf_put_dec(b, m->port);
    if (m->num_ports > 0) {
        galois_buf_putc(b, '/');
        galois_buf_put_dec(b, m->num_ports);
    }
    galois_buf_putc(b, ' ');
    galois_buf_puts(b, m->proto);
    for (size_t i = 0; i < m->num_fmts; i++) {
        galois_buf_putc(b, ' ');
        galois_buf_puts(b, m->fmts[i]);
    }
    galois_buf_put(b, "\r\n", 2);
    opt_line(b, 'i', m->info);
    for (size_t i = 0; i < m->num_conns; i++) {
        conn_line(b, &m->conns[i]);
    }
    list_lines(b, 'b', m->bandwidths, m->num_bandwidths);
    opt_line(b, 'k', m->key);
    attr_lines(b, m->attrs, m->num_attrs);
}

static void origin_line(struct galois_buf *b, const struct galois_sdp *sdp)
{
    galois_buf_puts(b, "o=");
    galois_buf_puts(b, sdp->origin_user);
    galois_buf_putc(b, ' ');
    galois_buf_puts(b, sdp->origin_sess_id);
    galois_buf_putc(b, ' ');
    galois_buf_puts(b, sdp->origin_sess_version);
    galois_buf_putc(b, ' ');
    galois_buf_puts(b, sdp->origin.nettype);
    galois_buf_putc(b, ' ');
    galois_buf_puts(b, sdp->origin.addrtype);
    galois_buf_putc(b, ' ');
    galois_buf_puts(b, sdp->origin.address);
    galois_buf_put(b, "\r\n", 2);
}

static void time_lines(struct galois_buf *b, const struct galois_sdp_time *t)
{
    galois_buf_puts(b, "t=");
    galois_buf_puts(b, t->start);
    galois_buf_putc(b, ' ');
    galois_buf_puts(b, t->stop);
    galois_buf_put(b, "\r\n", 2);
    list_lines(b, 'r', t->repeats, t->num_repeats);
}

static bool complete(const struct galois_sdp *sdp)
{
    if (sdp->origin_user == NULL || sdp->origin_sess_id == NULL ||
        sdp->origin_sess_version == NULL || sdp->origin.nettype == NULL ||
        sdp->origin.addrtype == NULL || sdp->origin.address == NULL || sdp->session_name == NULL ||
        sdp->num_times == 0) {
        return false;
    }
    for (size_t i = 0; i < sdp->num_media; i++) {
        if (sdp->media[i].type == NULL || sdp->media[i].proto == NULL ||
            sdp->media[i].num_fmts == 0) {
            return false;
        }
    }
    return true;
}

galois_err galois_sdp_write(char *out, size_t *out_len, size_t max_out_len,
                            const struct galois_sdp *sdp)
{
    *out_len = 0;
    if (!complete(sdp)) {
        return GALOIS_ERR_INVALID;
    }
    struct galois_buf b;
    galois_buf_init(&b, out, max_out_len);
    galois_buf_puts(&b, "v=0\r\n");
    origin_line(&b, sdp);
    line(&b, 's', sdp->session_name);
    opt_line(&b, 'i', sdp->info);
    opt_line(&b, 'u', sdp->uri);
    list_lines(&b, 'e', sdp->emails, sdp->num_emails);
    list_lines(&b, 'p', sdp->phones, sdp->num_phones);
    if (sdp->conn != NULL) {
        conn_line(&b, sdp->conn);
    }
    list_lines(&b, 'b', sdp->bandwidths, sdp->num_bandwidths);
    for (size_t i = 0; i < sdp->num_times; i++) {
        time_lines(&b, &sdp->times[i]);
    }
    opt_line(&b, 'z', sdp->zone);
    opt_line(&b, 'k', sdp->key);
    attr_lines(&b, sdp->attrs, sdp->num_attrs);
    for (size_t i = 0; i < sdp->num_media; i++) {
        media_section(&b, &sdp->media[i]);
    }
    if (!galois_buf_finish(&b)) {
        // What was written may hold a=crypto keys: leave none behind in a failed output.
        galois_secure_zero(b.p, b.len);
        *out_len = b.need;
        return GALOIS_ERR_BUFFER;
    }
    *out_len = b.len;
    return GALOIS_ERR_OK;
}
