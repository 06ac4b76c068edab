// The receive path: RFC 5761 demultiplexing, unprotect, the RTP header through the cursor,
// RFC 3550 A.1 sequence tracking, A.8 jitter, silence for gaps, and G.711 decoding.
#include <string.h>

#include "internal.h"

enum {
    MAX_DROPOUT = 3000,  // RFC 3550 A.1
    MAX_MISORDER = 100,
    SEQ_MOD = 1 << 16,
    US_PER_TICK = 1000000 / GALOIS_MEDIA_RATE,  // 125 us per 8 kHz sample
};

enum seq_kind { SEQ_NEXT, SEQ_DUP, SEQ_LATE, SEQ_BAD, SEQ_RESTART };

struct rtp_header {
    uint8_t pt;
    uint16_t seq;
    uint32_t ts;
    uint32_t ssrc;
    struct galois_cur payload;
};

// count_drop counts a packet the engine refused under the error that says why.
static galois_err count_drop(struct galois_media_stream *s, galois_err err)
{
    switch (err) {
        case GALOIS_ERR_AUTH:
            s->st.auth_failures++;
            break;
        case GALOIS_ERR_REPLAY:
            s->st.replays++;
            break;
        case GALOIS_ERR_PARSE:
            s->st.malformed++;
            break;
        default:
            s->st.other_errors++;
            break;
    }
    return err;
}

// parse_rtp reads an RFC 3550 §5.1 header, skipping CSRCs and a header extension, and takes
// the padding off the payload.
static bool parse_rtp(struct rtp_header *h, const uint8_t *pkt, size_t len)
{
    struct galois_cur c;
    uint8_t b0 = 0;
    uint8_t b1 = 0;
    galois_cur_init(&c, pkt, len);
    if (!galois_cur_u8(&c, &b0) || (b0 >> 6) != 2 || !galois_cur_u8(&c, &b1) ||
        !galois_cur_u16(&c, &h->seq) || !galois_cur_u32(&c, &h->ts) ||
        !galois_cur_u32(&c, &h->ssrc) || !galois_cur_skip(&c, 4u * (b0 & 0x0fu))) {
        return false;
    }
    if (b0 & 0x10) {
        uint16_t profile = 0;
        uint16_t words = 0;
        if (!galois_cur_u16(&c, &profile) || !galois_cur_u16(&c, &words) ||
            !galois_cur_skip(&c, 4u * words)) {
            return false;
        }
    }
    if (b0 & 0x20) {
        uint8_t pad = 0;
        struct galois_cur padding;
        if (!galois_cur_peek_u8(&c, galois_cur_len(&c) - 1, &pad) || pad == 0 ||
            !galois_cur_take_tail(&c, &padding, pad)) {
            return false;
        }
    }
    h->pt = b1 & 0x7f;
    h->payload = c;
    return true;
}

static void source_init(struct media_source *src, uint32_t ssrc, uint16_t seq)
{
    *src = (struct media_source){
        .active = true,
        .ssrc = ssrc,
        .max_seq = seq,
        .base_seq = seq,
        .bad_seq = SEQ_MOD + 1,
    };
}

// track is RFC 3550 A.1 update_seq without probation: an SRTP packet that authenticated is
// proof enough that its source is real, and plain RTP is a debugging mode.
static enum seq_kind track(struct media_source *src, uint16_t seq)
{
    uint16_t udelta = (uint16_t)(seq - src->max_seq);
    if (udelta == 0) {
        return SEQ_DUP;
    }
    if (udelta < MAX_DROPOUT) {
        if (seq < src->max_seq) {
            src->cycles += SEQ_MOD;
        }
        src->max_seq = seq;
        return SEQ_NEXT;
    }
    if (udelta <= SEQ_MOD - MAX_MISORDER) {
        if (seq == src->bad_seq) {  // two in a row: the peer restarted its sequence
            source_init(src, src->ssrc, seq);
            return SEQ_RESTART;
        }
        src->bad_seq = (seq + 1u) & (SEQ_MOD - 1u);
        return SEQ_BAD;
    }
    return SEQ_LATE;
}

// jitter is RFC 3550 A.8, with arrival times in 8 kHz ticks.
static void jitter(struct media_source *src, uint32_t ts, uint64_t now_us)
{
    uint32_t arrival = (uint32_t)(now_us / US_PER_TICK);
    uint32_t transit = arrival - ts;
    if (src->have_transit) {
        int32_t d = (int32_t)(transit - src->transit);
        double ad = d < 0 ? -(double)d : (double)d;
        src->jitter += (ad - src->jitter) / 16.0;
    }
    src->transit = transit;
    src->have_transit = true;
}

// decode writes the silence for a timestamp gap then the packet's audio.
static size_t decode(struct galois_media_stream *s, const struct rtp_header *h, bool in_order,
                     int16_t *pcm, size_t max_samples)
{
    struct galois_cur c = h->payload;
    size_t n = galois_cur_len(&c);
    size_t gap = 0;
    if (in_order) {
        int32_t d = (int32_t)(h->ts - s->src.next_ts);
        gap = d > 0 ? (size_t)d : 0;
        gap = gap > GALOIS_MEDIA_MAX_GAP ? GALOIS_MEDIA_MAX_GAP : gap;
        gap = gap > max_samples - n ? max_samples - n : gap;
        s->src.next_ts = h->ts + (uint32_t)n;
    }
    for (size_t i = 0; i < gap; i++) {
        pcm[i] = 0;
    }
    for (size_t i = 0; i < n; i++) {
        uint8_t code = 0;
        GALOIS_CHECK(galois_cur_u8(&c, &code));
        pcm[gap + i] = h->pt == GALOIS_MEDIA_PCMA ? galois_g711_alaw_decode(code)
                                                  : galois_g711_ulaw_decode(code);
    }
    return gap + n;
}

// unprotect decrypts `pkt` in place under the receive session. During a re-key a packet
// that fails authentication under the new key is tried under the old one (sent before the
// peer switched); the first packet authentic under the new key retires the old one.
static galois_err unprotect(struct galois_media_stream *s, uint8_t *pkt, size_t len,
                            size_t *plain_len, bool rtcp)
{
    uint8_t copy[GALOIS_MEDIA_MAX_PACKET];
    bool fallback = s->rx_prev != NULL && len <= sizeof(copy);
    if (fallback) {
        memcpy(copy, pkt, len);  // a failed unprotect wipes the buffer
    }
    galois_err err = rtcp ? galois_srtp_unprotect_rtcp(s->rx, pkt, plain_len, len, pkt, len)
                          : galois_srtp_unprotect(s->rx, pkt, plain_len, len, pkt, len);
    if (err == GALOIS_ERR_OK && s->rx_prev != NULL) {
        galois_srtp_free(s->rx_prev);
        s->rx_prev = NULL;
    } else if (err == GALOIS_ERR_AUTH && fallback) {
        memcpy(pkt, copy, len);
        err = rtcp ? galois_srtp_unprotect_rtcp(s->rx_prev, pkt, plain_len, len, pkt, len)
                   : galois_srtp_unprotect(s->rx_prev, pkt, plain_len, len, pkt, len);
        err = err == GALOIS_ERR_OK ? GALOIS_ERR_OK : GALOIS_ERR_AUTH;
    }
    return err;
}

static galois_err receive_rtp(struct galois_media_stream *s, uint8_t *pkt, size_t len,
                              uint64_t now_us, int16_t *pcm, size_t max_samples, size_t *n_samples)
{
    size_t plain_len = len;
    if (s->rx != NULL) {
        galois_err err = unprotect(s, pkt, len, &plain_len, false);
        if (err != GALOIS_ERR_OK) {
            return count_drop(s, err);
        }
    }
    struct rtp_header h;
    if (!parse_rtp(&h, pkt, plain_len)) {
        return count_drop(s, GALOIS_ERR_PARSE);
    }
    if (galois_cur_len(&h.payload) > max_samples) {
        return count_drop(s, GALOIS_ERR_BUFFER);
    }
    enum seq_kind kind = SEQ_RESTART;
    bool first = !s->src.active;
    if (first || h.ssrc != s->src.ssrc) {
        s->st.ssrc_changes += first ? 0 : 1;
        source_init(&s->src, h.ssrc, h.seq);
    } else {
        kind = track(&s->src, h.seq);
    }
    if (kind == SEQ_BAD) {
        return count_drop(s, GALOIS_ERR_PARSE);
    }
    if (kind == SEQ_RESTART) {
        s->src.next_ts = h.ts;  // no gap before the first packet of a source
    }
    s->src.received++;
    s->st.duplicates += kind == SEQ_DUP ? 1 : 0;
    s->st.out_of_order += kind == SEQ_LATE ? 1 : 0;
    s->st.packets_received++;
    s->st.octets_received += galois_cur_len(&h.payload);
    jitter(&s->src, h.ts, now_us);
    if (h.pt != GALOIS_MEDIA_PCMU && h.pt != GALOIS_MEDIA_PCMA) {
        s->st.unknown_pt++;
        return GALOIS_ERR_UNSUPPORTED;
    }
    s->st.rx_codec = (enum galois_media_codec)h.pt;
    *n_samples = decode(s, &h, kind == SEQ_NEXT || kind == SEQ_RESTART, pcm, max_samples);
    return GALOIS_ERR_OK;
}

static galois_err receive_rtcp(struct galois_media_stream *s, uint8_t *pkt, size_t len,
                               uint64_t now_us)
{
    size_t plain_len = len;
    if (s->rx != NULL) {
        galois_err err = unprotect(s, pkt, len, &plain_len, true);
        if (err != GALOIS_ERR_OK) {
            return count_drop(s, err);
        }
    }
    struct media_rtcp_report rep;
    if (!media_rtcp_parse(&rep, pkt, plain_len, s->ssrc)) {
        return count_drop(s, GALOIS_ERR_PARSE);
    }
    s->st.rtcp_received++;
    if (rep.have_sr) {
        s->have_lsr = true;
        s->lsr = rep.sr_ntp_mid;
        s->lsr_at_us = now_us;
    }
    if (rep.have_block) {
        s->st.have_remote_report = true;
        s->st.remote_lost = rep.cumulative_lost;
        s->st.remote_jitter_ms = (double)rep.jitter * 1000.0 / GALOIS_MEDIA_RATE;
        if (rep.lsr != 0) {
            // RFC 3550 §6.4.1: RTT = A - LSR - DLSR, in 1/65536 s.
            uint32_t rtt = media_ntp_mid(now_us) - rep.lsr - rep.dlsr;
            if ((int32_t)rtt >= 0) {
                s->st.rtt_ms = (double)rtt * 1000.0 / 65536.0;
            }
        }
    }
    s->st.bye_received = s->st.bye_received || rep.bye;
    return GALOIS_ERR_OK;
}

galois_err galois_media_stream_receive(struct galois_media_stream *s, uint8_t *pkt, size_t len,
                                       uint64_t now_us, int16_t *pcm, size_t max_samples,
                                       size_t *n_samples)
{
    *n_samples = 0;
    // RFC 5761 §4 (and RFC 7983): RTP and RTCP start with version 2; RTCP packet types
    // 192..223 read as payload types 64..95 once the marker bit is masked off.
    struct galois_cur c;
    uint8_t b0 = 0;
    uint8_t b1 = 0;
    galois_cur_init(&c, pkt, len);
    if (!galois_cur_u8(&c, &b0) || (b0 >> 6) != 2 || !galois_cur_u8(&c, &b1)) {
        return count_drop(s, GALOIS_ERR_PARSE);
    }
    uint8_t pt = b1 & 0x7f;
    if (pt >= 64 && pt <= 95) {
        return receive_rtcp(s, pkt, len, now_us);
    }
    return receive_rtp(s, pkt, len, now_us, pcm, max_samples, n_samples);
}
