// RTCP (RFC 3550 §6): the compound packet a stream sends (SR or RR, SDES CNAME, BYE) and the
// parser of what the peer sends.
#include <string.h>

#include "internal.h"

enum {
    PT_SR = 200,
    PT_RR = 201,
    PT_SDES = 202,
    PT_BYE = 203,
    SDES_CNAME = 1,
    BLOCK_LEN = 24,
};

static const uint64_t NTP_UNIX_OFFSET = 2208988800u;  // seconds from 1900 to 1970

static void ntp_time(uint64_t now_us, uint32_t *sec, uint32_t *frac)
{
    *sec = (uint32_t)(now_us / 1000000u + NTP_UNIX_OFFSET);
    *frac = (uint32_t)(((now_us % 1000000u) << 32) / 1000000u);
}

uint32_t media_ntp_mid(uint64_t now_us)
{
    uint32_t sec = 0;
    uint32_t frac = 0;
    ntp_time(now_us, &sec, &frac);
    return (sec << 16) | (frac >> 16);
}

// put_block writes the report block on the source we receive (RFC 3550 §6.4.1, A.3).
static void put_block(struct galois_media_stream *s, uint8_t *p, uint64_t now_us)
{
    struct media_source *src = &s->src;
    uint64_t ext_max = (uint64_t)src->cycles + src->max_seq;
    uint64_t expected = ext_max + 1 - src->base_seq;
    int64_t lost = (int64_t)expected - (int64_t)src->received;
    uint64_t expected_interval = expected - src->expected_prior;
    uint64_t received_interval = src->received - src->received_prior;
    src->expected_prior = expected;
    src->received_prior = src->received;
    uint32_t fraction = 0;
    if (expected_interval > received_interval) {
        fraction = (uint32_t)(((expected_interval - received_interval) << 8) / expected_interval);
    }
    lost = lost > 0x7fffff ? 0x7fffff : lost < -0x800000 ? -0x800000 : lost;
    uint32_t dlsr = 0;
    if (s->have_lsr && now_us >= s->lsr_at_us) {
        dlsr = (uint32_t)(((now_us - s->lsr_at_us) << 16) / 1000000u);
    }
    galois_put_u32(p, src->ssrc);
    galois_put_u32(p + 4, (fraction << 24) | ((uint32_t)lost & 0xffffffu));
    galois_put_u32(p + 8, (uint32_t)ext_max);
    galois_put_u32(p + 12, (uint32_t)(src->jitter + 0.5));
    galois_put_u32(p + 16, s->have_lsr ? s->lsr : 0);
    galois_put_u32(p + 20, dlsr);
}

size_t media_rtcp_build(struct galois_media_stream *s, uint8_t *out, size_t max_out, bool bye,
                        uint64_t now_us)
{
    if (max_out < MEDIA_RTCP_MAX) {
        return 0;
    }
    memset(out, 0, MEDIA_RTCP_MAX);
    unsigned rc = s->src.active ? 1 : 0;
    bool sr = s->st.packets_sent > 0;
    size_t head = sr ? 28 : 8;
    size_t n = head + rc * BLOCK_LEN;
    out[0] = (uint8_t)(0x80 | rc);
    out[1] = sr ? PT_SR : PT_RR;
    galois_put_u16(out + 2, (uint16_t)(n / 4 - 1));
    galois_put_u32(out + 4, s->ssrc);
    if (sr) {
        uint32_t sec = 0;
        uint32_t frac = 0;
        ntp_time(now_us, &sec, &frac);
        galois_put_u32(out + 8, sec);
        galois_put_u32(out + 12, frac);
        galois_put_u32(out + 16, s->ts);  // the timestamp the next frame carries
        galois_put_u32(out + 20, (uint32_t)s->st.packets_sent);
        galois_put_u32(out + 24, (uint32_t)s->st.octets_sent);
    }
    if (rc > 0) {
        put_block(s, out + head, now_us);
    }
    // SDES: one chunk, CNAME then the end item, padded to 32 bits (§6.5).
    uint8_t *sdes = out + n;
    size_t chunk = 4 + 2 + s->cname_len + 1;
    chunk = (chunk + 3) & ~(size_t)3;
    sdes[0] = 0x81;
    sdes[1] = PT_SDES;
    galois_put_u16(sdes + 2, (uint16_t)(chunk / 4));
    galois_put_u32(sdes + 4, s->ssrc);
    sdes[8] = SDES_CNAME;
    sdes[9] = (uint8_t)s->cname_len;
    memcpy(sdes + 10, s->cname, s->cname_len);
    n += 4 + chunk;
    if (bye) {
        out[n] = 0x81;
        out[n + 1] = PT_BYE;
        galois_put_u16(out + n + 2, 1);
        galois_put_u32(out + n + 4, s->ssrc);
        n += 8;
    }
    return n;
}

// read_blocks reads `count` report blocks, keeping the one on `local_ssrc`.
static bool read_blocks(struct media_rtcp_report *out, struct galois_cur *c, unsigned count,
                        uint32_t local_ssrc)
{
    for (unsigned i = 0; i < count; i++) {
        uint32_t ssrc = 0;
        uint32_t lost = 0;
        uint32_t ext_max = 0;
        uint32_t jitter = 0;
        uint32_t lsr = 0;
        uint32_t dlsr = 0;
        if (!galois_cur_u32(c, &ssrc) || !galois_cur_u32(c, &lost) ||
            !galois_cur_u32(c, &ext_max) || !galois_cur_u32(c, &jitter) ||
            !galois_cur_u32(c, &lsr) || !galois_cur_u32(c, &dlsr)) {
            return false;
        }
        if (ssrc == local_ssrc) {
            uint32_t cum = lost & 0xffffffu;
            out->have_block = true;
            out->fraction_lost = (uint8_t)(lost >> 24);
            out->cumulative_lost = (int32_t)(cum ^ 0x800000u) - 0x800000;  // sign-extend 24 bits
            out->jitter = jitter;
            out->lsr = lsr;
            out->dlsr = dlsr;
        }
    }
    return true;
}

static bool read_one(struct media_rtcp_report *out, struct galois_cur *body, uint8_t pt,
                     unsigned count, uint32_t local_ssrc)
{
    uint32_t ssrc = 0;
    uint32_t sec = 0;
    uint32_t frac = 0;
    switch (pt) {
        case PT_SR:
            if (!galois_cur_u32(body, &ssrc) || !galois_cur_u32(body, &sec) ||
                !galois_cur_u32(body, &frac) || !galois_cur_skip(body, 12)) {
                return false;
            }
            out->have_sr = true;
            out->sr_ntp_mid = (sec << 16) | (frac >> 16);
            return read_blocks(out, body, count, local_ssrc);
        case PT_RR:
            return galois_cur_u32(body, &ssrc) && read_blocks(out, body, count, local_ssrc);
        case PT_BYE:
            out->bye = true;
            return true;
        default:  // SDES, APP, feedback: nothing we use
            return true;
    }
}

bool media_rtcp_parse(struct media_rtcp_report *out, const uint8_t *in, size_t len,
                      uint32_t local_ssrc)
{
    struct galois_cur c;
    memset(out, 0, sizeof(*out));
    galois_cur_init(&c, in, len);
    if (len == 0) {
        return false;
    }
    while (galois_cur_len(&c) > 0) {
        uint8_t b0 = 0;
        uint8_t pt = 0;
        uint16_t words = 0;
        struct galois_cur body;
        if (!galois_cur_u8(&c, &b0) || (b0 >> 6) != 2 || !galois_cur_u8(&c, &pt) ||
            !galois_cur_u16(&c, &words) || !galois_cur_take(&c, &body, 4u * words)) {
            return false;
        }
        // RFC 3550 A.2 wants an SR or RR first; RFC 5506 §3.4.2 lets a reduced-size packet
        // start with any type, and peers send them without asking (libre's APP keepalive).
        // SRTCP has authenticated the packet already, so only the framing is checked here:
        // an RTCP packet type (RFC 5761 §4: 192..223), padding only on the last packet.
        if (pt < 192 || pt > 223 || ((b0 & 0x20) && galois_cur_len(&c) != 0)) {
            return false;
        }
        if (b0 & 0x20) {
            uint8_t pad = 0;
            struct galois_cur padding;
            if (!galois_cur_peek_u8(&body, galois_cur_len(&body) - 1, &pad) || pad == 0 ||
                !galois_cur_take_tail(&body, &padding, pad)) {
                return false;
            }
        }
        if (!read_one(out, &body, pt, b0 & 0x1fu, local_ssrc)) {
            return false;
        }
    }
    return true;
}
