// The statistics as one JSON object.
#include <stdio.h>

#include "internal.h"

static void put_u(struct galois_buf *b, const char *key, uint64_t v)
{
    galois_buf_puts(b, key);
    galois_buf_put_dec(b, v);
}

static void put_i(struct galois_buf *b, const char *key, int64_t v)
{
    galois_buf_puts(b, key);
    if (v < 0) {
        galois_buf_putc(b, '-');
    }
    galois_buf_put_dec(b, v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v);
}

static void put_f(struct galois_buf *b, const char *key, double v)
{
    char tmp[64];
    snprintf(tmp, sizeof(tmp), "%.3f", v);
    galois_buf_puts(b, key);
    galois_buf_puts(b, tmp);
}

static void put_b(struct galois_buf *b, const char *key, bool v)
{
    galois_buf_puts(b, key);
    galois_buf_puts(b, v ? "true" : "false");
}

static const char *codec_name(enum galois_media_codec c)
{
    return c == GALOIS_MEDIA_PCMA ? "\"PCMA\"" : "\"PCMU\"";
}

galois_err galois_media_stats_json(char *out, size_t max_out, const struct galois_media_stats *st)
{
    struct galois_buf b;
    galois_buf_init(&b, out, max_out);
    put_u(&b, "{\"packets_sent\":", st->packets_sent);
    put_u(&b, ",\"octets_sent\":", st->octets_sent);
    put_u(&b, ",\"packets_received\":", st->packets_received);
    put_u(&b, ",\"octets_received\":", st->octets_received);
    put_u(&b, ",\"expected\":", st->expected);
    put_i(&b, ",\"lost\":", st->lost);
    put_u(&b, ",\"auth_failures\":", st->auth_failures);
    put_u(&b, ",\"replays\":", st->replays);
    put_u(&b, ",\"malformed\":", st->malformed);
    put_u(&b, ",\"other_errors\":", st->other_errors);
    put_u(&b, ",\"unknown_pt\":", st->unknown_pt);
    put_u(&b, ",\"duplicates\":", st->duplicates);
    put_u(&b, ",\"out_of_order\":", st->out_of_order);
    put_u(&b, ",\"ssrc_changes\":", st->ssrc_changes);
    put_u(&b, ",\"rtcp_sent\":", st->rtcp_sent);
    put_u(&b, ",\"rtcp_received\":", st->rtcp_received);
    put_u(&b, ",\"rekeys\":", st->rekeys);
    put_f(&b, ",\"jitter_ms\":", st->jitter_ms);
    put_f(&b, ",\"rtt_ms\":", st->rtt_ms);
    put_i(&b, ",\"remote_lost\":", st->remote_lost);
    put_f(&b, ",\"remote_jitter_ms\":", st->remote_jitter_ms);
    put_b(&b, ",\"have_remote_report\":", st->have_remote_report);
    put_b(&b, ",\"bye_received\":", st->bye_received);
    put_u(&b, ",\"ssrc_local\":", st->ssrc_local);
    put_u(&b, ",\"ssrc_remote\":", st->ssrc_remote);
    galois_buf_puts(&b, ",\"tx_codec\":");
    galois_buf_puts(&b, codec_name(st->tx_codec));
    galois_buf_puts(&b, ",\"rx_codec\":");
    galois_buf_puts(&b, codec_name(st->rx_codec));
    put_b(&b, ",\"srtp\":", st->srtp);
    put_b(&b, ",\"rtcp_mux\":", st->rtcp_mux);
    galois_buf_putc(&b, '}');
    if (!galois_buf_finish(&b)) {
        if (out != NULL && max_out > 0) {
            out[0] = '\0';
        }
        return GALOIS_ERR_BUFFER;
    }
    return GALOIS_ERR_OK;
}
