// A media stream: set-up, the send path, statistics. The receive path is in receive.c, RTCP in
// rtcp.c.
#include <stdio.h>
#include <string.h>

#include "internal.h"

enum { RTP_HEADER_LEN = 12 };

static void say(char *why, size_t max_why, const char *what)
{
    if (why != NULL && max_why > 0) {
        snprintf(why, max_why, "media: %s", what);
    }
}

// open_srtp creates the engine session of one direction from a keyset.
static galois_err open_srtp(struct galois_srtp **out, const struct galois_sdes_keyset *ks,
                            enum galois_srtp_direction dir, uint32_t ssrc, char *why,
                            size_t max_why)
{
    struct galois_srtp_policy pol;
    galois_err err = galois_sdes_keyset_policy(&pol, ks, dir);
    if (err != GALOIS_ERR_OK) {
        say(why, max_why, dir == GALOIS_SRTP_SEND ? "tx keyset: no suite" : "rx keyset: no suite");
        return err;
    }
    pol.accept_any_ssrc = dir == GALOIS_SRTP_RECEIVE;  // the peer's SSRC is learnt from packets
    err = galois_srtp_new(out, &pol);
    if (err == GALOIS_ERR_OK && dir == GALOIS_SRTP_SEND) {
        err = galois_srtp_add_stream(*out, ssrc);
    }
    if (err != GALOIS_ERR_OK && why != NULL && max_why > 0) {
        snprintf(why, max_why, "media: %s keyset: the SRTP engine refused it: %s",
                 dir == GALOIS_SRTP_SEND ? "tx" : "rx", galois_err_str(err));
    }
    return err;
}

static galois_err pick_random(struct galois_media_stream *s, uint32_t ssrc)
{
    uint8_t r[10];
    GALOIS_TRY(galois_random_bytes(r, sizeof(r)));
    while (ssrc == 0) {
        ssrc = galois_get_u32(r);
        if (ssrc == 0) {
            GALOIS_TRY(galois_random_bytes(r, 4));
        }
    }
    s->ssrc = ssrc;
    // RFC 3550 §5.1: random first sequence and timestamp. Below 2^15, so a receiver that
    // guesses ROC 0 is never one wrap off (RFC 3711 §3.3.1).
    s->seq = (uint16_t)(((r[4] << 8) | r[5]) & 0x7fff);
    s->ts = galois_get_u32(r + 6);
    return GALOIS_ERR_OK;
}

galois_err galois_media_stream_new(struct galois_media_stream **out,
                                   const struct galois_media_stream_config *cfg, char *why,
                                   size_t max_why)
{
    *out = NULL;
    const char *cname = cfg->cname == NULL ? "galois" : cfg->cname;
    size_t cname_len = strnlen(cname, GALOIS_MEDIA_MAX_CNAME_LEN + 1);
    if (cfg->codec != GALOIS_MEDIA_PCMU && cfg->codec != GALOIS_MEDIA_PCMA) {
        say(why, max_why, "codec: not PCMU (0) or PCMA (8)");
        return GALOIS_ERR_INVALID;
    }
    if ((cfg->tx == NULL) != (cfg->rx == NULL)) {
        say(why, max_why, "keys: tx and rx keysets must both be set (SRTP) or both NULL (RTP)");
        return GALOIS_ERR_INVALID;
    }
    if (cname_len == 0 || cname_len > GALOIS_MEDIA_MAX_CNAME_LEN) {
        say(why, max_why, "cname: empty or longer than 64 bytes");
        return GALOIS_ERR_INVALID;
    }
    struct galois_media_stream *s = calloc(1, sizeof(*s));
    if (s == NULL) {
        return GALOIS_ERR_NOMEM;
    }
    galois_err err = pick_random(s, cfg->ssrc);
    if (err != GALOIS_ERR_OK) {
        say(why, max_why, "random SSRC: the RNG failed");
        goto out;
    }
    s->codec = cfg->codec;
    memcpy(s->cname, cname, cname_len);
    s->cname_len = cname_len;
    s->st.ssrc_local = s->ssrc;
    s->st.tx_codec = cfg->codec;
    s->st.rx_codec = cfg->codec;
    s->st.rtcp_mux = cfg->rtcp_mux;
    s->st.srtp = cfg->tx != NULL;
    s->st.rtt_ms = -1.0;
    if (cfg->tx != NULL) {
        err = open_srtp(&s->tx, cfg->tx, GALOIS_SRTP_SEND, s->ssrc, why, max_why);
        if (err == GALOIS_ERR_OK) {
            err = open_srtp(&s->rx, cfg->rx, GALOIS_SRTP_RECEIVE, 0, why, max_why);
        }
        if (err != GALOIS_ERR_OK) {
            goto out;
        }
        s->tx_keys = *cfg->tx;
        s->rx_keys = *cfg->rx;
    }
    *out = s;
    s = NULL;
out:
    galois_media_stream_free(s);
    return err;
}

void galois_media_stream_free(struct galois_media_stream *s)
{
    if (s == NULL) {
        return;
    }
    galois_srtp_free(s->tx);
    galois_srtp_free(s->rx);
    galois_srtp_free(s->rx_prev);
    galois_secure_zero(s, sizeof(*s));
    free(s);
}

// carry_roc gives stream `ssrc` of `to` the rollover counter it reached in `from`, so a new key
// goes on from the same packet index (RFC 3711 §3.3.1; libsrtp's srtp_update does the same).
static galois_err carry_roc(struct galois_srtp *to, const struct galois_srtp *from, uint32_t ssrc)
{
    uint32_t roc = 0;
    if (galois_srtp_get_roc(from, &roc, ssrc) != GALOIS_ERR_OK) {
        return GALOIS_ERR_OK;  // the old session never saw this stream: nothing to carry
    }
    return galois_srtp_set_roc(to, ssrc, roc);
}

galois_err galois_media_stream_rekey(struct galois_media_stream *s,
                                     const struct galois_sdes_keyset *tx,
                                     const struct galois_sdes_keyset *rx, char *why, size_t max_why)
{
    if (s->tx == NULL || tx == NULL || rx == NULL) {
        say(why, max_why, "re-key: only an SRTP stream takes new SRTP keys");
        return GALOIS_ERR_STATE;
    }
    struct galois_srtp *new_tx = NULL;
    struct galois_srtp *new_rx = NULL;
    galois_err err = GALOIS_ERR_OK;
    if (!galois_sdes_keyset_equal(tx, &s->tx_keys)) {
        err = open_srtp(&new_tx, tx, GALOIS_SRTP_SEND, s->ssrc, why, max_why);
        if (err == GALOIS_ERR_OK) {
            err = carry_roc(new_tx, s->tx, s->ssrc);
        }
    }
    if (err == GALOIS_ERR_OK && !galois_sdes_keyset_equal(rx, &s->rx_keys)) {
        err = open_srtp(&new_rx, rx, GALOIS_SRTP_RECEIVE, 0, why, max_why);
        if (err == GALOIS_ERR_OK && s->src.active) {
            err = carry_roc(new_rx, s->rx, s->src.ssrc);
        }
    }
    if (err != GALOIS_ERR_OK) {
        galois_srtp_free(new_tx);
        galois_srtp_free(new_rx);
        return err;  // the stream keeps its keys
    }
    if (new_tx != NULL) {
        galois_srtp_free(s->tx);  // wipes the old key
        s->tx = new_tx;
        s->tx_keys = *tx;
    }
    if (new_rx != NULL) {
        galois_srtp_free(s->rx_prev);
        s->rx_prev = s->rx;
        s->rx = new_rx;
        s->rx_keys = *rx;
    }
    s->st.rekeys += (new_tx != NULL || new_rx != NULL) ? 1 : 0;
    return GALOIS_ERR_OK;
}

galois_err galois_media_stream_send(struct galois_media_stream *s, const int16_t *pcm, uint8_t *out,
                                    size_t *out_len, size_t max_out)
{
    enum { LEN = RTP_HEADER_LEN + GALOIS_MEDIA_FRAME };
    *out_len = 0;
    if (max_out < LEN) {
        return GALOIS_ERR_BUFFER;
    }
    bool marker = s->st.packets_sent == 0;  // RFC 3551 §4.1: first packet of a talkspurt
    out[0] = 0x80;                          // V = 2, no padding, extension or CSRC
    out[1] = (uint8_t)((marker ? 0x80 : 0) | (unsigned)s->codec);
    galois_put_u16(out + 2, s->seq);
    galois_put_u32(out + 4, s->ts);
    galois_put_u32(out + 8, s->ssrc);
    for (size_t i = 0; i < GALOIS_MEDIA_FRAME; i++) {
        out[RTP_HEADER_LEN + i] = s->codec == GALOIS_MEDIA_PCMA ? galois_g711_alaw_encode(pcm[i])
                                                                : galois_g711_ulaw_encode(pcm[i]);
    }
    size_t len = LEN;
    if (s->tx != NULL) {
        galois_err err = galois_srtp_protect(s->tx, out, &len, max_out, out, LEN);
        if (err != GALOIS_ERR_OK) {
            return err;
        }
    }
    *out_len = len;
    s->seq++;
    s->ts += GALOIS_MEDIA_FRAME;
    s->st.packets_sent++;
    s->st.octets_sent += GALOIS_MEDIA_FRAME;
    return GALOIS_ERR_OK;
}

galois_err galois_media_stream_rtcp(struct galois_media_stream *s, bool bye, uint64_t now_us,
                                    uint8_t *out, size_t *out_len, size_t max_out)
{
    uint8_t plain[MEDIA_RTCP_MAX];
    *out_len = 0;
    size_t len = media_rtcp_build(s, plain, sizeof(plain), bye, now_us);
    galois_err err = GALOIS_ERR_OK;
    if (len == 0) {
        return GALOIS_ERR_BUFFER;
    }
    if (s->tx != NULL) {
        err = galois_srtp_protect_rtcp(s->tx, out, out_len, max_out, plain, len);
    } else if (len > max_out) {
        err = GALOIS_ERR_BUFFER;
    } else {
        memcpy(out, plain, len);
        *out_len = len;
    }
    if (err == GALOIS_ERR_OK) {
        s->st.rtcp_sent++;
    }
    return err;
}

void galois_media_stream_stats(const struct galois_media_stream *s, struct galois_media_stats *out)
{
    *out = s->st;
    const struct media_source *src = &s->src;
    if (src->active) {
        uint64_t ext_max = (uint64_t)src->cycles + src->max_seq;
        out->expected = ext_max + 1 - src->base_seq;
        out->lost = (int64_t)out->expected - (int64_t)src->received;
        out->jitter_ms = src->jitter * 1000.0 / GALOIS_MEDIA_RATE;
        out->ssrc_remote = src->ssrc;
    }
}
