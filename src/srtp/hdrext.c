// RTP header layout, and header protection: cryptex (RFC 9335) and encrypted header extension
// elements (RFC 6904).
#include <string.h>

#include "session.h"

enum {
    RTP_FIXED = 12,
    PROFILE_ONE_BYTE = 0xbede,     // RFC 8285 §4.2
    PROFILE_TWO_BYTE = 0x1000,     // RFC 8285 §4.3: 0x100 in the top 12 bits, appbits below
    PROFILE_CRYPTEX_ONE = 0xc0de,  // RFC 9335 §5.1
    PROFILE_CRYPTEX_TWO = 0xc2de,
    KEYSTREAM_CHUNK = 256,
};

galois_err galois_rtp_layout(struct rtp_layout *out, const uint8_t *p, size_t len)
{
    struct galois_cur c;
    galois_cur_init(&c, p, len);
    uint8_t vpxcc = 0;
    uint8_t m_pt = 0;
    uint32_t ts = 0;
    memset(out, 0, sizeof(*out));
    if (!galois_cur_u8(&c, &vpxcc) || (vpxcc >> 6) != 2 || !galois_cur_u8(&c, &m_pt) ||
        !galois_cur_u16(&c, &out->seq) || !galois_cur_u32(&c, &ts) ||
        !galois_cur_u32(&c, &out->ssrc) || !galois_cur_skip(&c, 4u * (vpxcc & 0x0fu))) {
        return GALOIS_ERR_PARSE;
    }
    out->csrc_len = 4u * (vpxcc & 0x0fu);
    if ((vpxcc & 0x10u) != 0) {
        uint16_t words = 0;
        out->has_ext = true;
        out->ext_off = len - galois_cur_len(&c);
        if (!galois_cur_u16(&c, &out->profile) || !galois_cur_u16(&c, &words) ||
            !galois_cur_skip(&c, 4u * (size_t)words)) {
            return GALOIS_ERR_PARSE;
        }
        out->ext_body_len = 4u * (size_t)words;
    }
    out->header_len = len - galois_cur_len(&c);
    return GALOIS_ERR_OK;
}

bool galois_rtp_is_cryptex(const struct rtp_layout *l)
{
    return l->has_ext && (l->profile == PROFILE_CRYPTEX_ONE || l->profile == PROFILE_CRYPTEX_TWO);
}

void galois_cryptex_swap(uint8_t *pkt, size_t csrc_len, bool to_front)
{
    uint8_t ext_header[4];
    if (to_front) {
        memcpy(ext_header, pkt + RTP_FIXED + csrc_len, 4);
        memmove(pkt + RTP_FIXED + 4, pkt + RTP_FIXED, csrc_len);
        memcpy(pkt + RTP_FIXED, ext_header, 4);
    } else {
        memcpy(ext_header, pkt + RTP_FIXED, 4);
        memmove(pkt + RTP_FIXED, pkt + RTP_FIXED + 4, csrc_len);
        memcpy(pkt + RTP_FIXED + csrc_len, ext_header, 4);
    }
}

galois_err galois_cryptex_prepare(uint8_t *pkt, size_t *len, size_t room, struct rtp_layout *l)
{
    if (!l->has_ext) {
        if (l->csrc_len == 0) {
            return GALOIS_ERR_OK;  // nothing to protect: the packet goes out as plain SRTP
        }
        // RFC 9335 §5.2: CSRCs without an extension get an empty one, so the receiver sees
        // the cryptex profile and knows to decrypt them.
        if (room < 4 || *len > room - 4) {
            return GALOIS_ERR_BUFFER;
        }
        size_t at = RTP_FIXED + l->csrc_len;
        memmove(pkt + at + 4, pkt + at, *len - at);
        galois_put_u16(pkt + at, PROFILE_CRYPTEX_ONE);
        galois_put_u16(pkt + at + 2, 0);
        pkt[0] |= 0x10;
        *len += 4;
        l->has_ext = true;
        l->ext_off = at;
        l->ext_body_len = 0;
        l->header_len = at + 4;
        l->profile = PROFILE_CRYPTEX_ONE;
        return GALOIS_ERR_OK;
    }
    if (l->profile == PROFILE_ONE_BYTE) {
        l->profile = PROFILE_CRYPTEX_ONE;
    } else if (l->profile == PROFILE_TWO_BYTE) {
        l->profile = PROFILE_CRYPTEX_TWO;
    } else {
        // Another profile, or two-byte with appbits: RFC 9335 defines no cryptex form of it.
        return GALOIS_ERR_UNSUPPORTED;
    }
    galois_put_u16(pkt + l->ext_off, l->profile);
    return GALOIS_ERR_OK;
}

void galois_cryptex_restore(uint8_t *pkt, const struct rtp_layout *l)
{
    uint16_t plain = l->profile == PROFILE_CRYPTEX_ONE ? PROFILE_ONE_BYTE : PROFILE_TWO_BYTE;
    galois_put_u16(pkt + l->ext_off, plain);
}

// element_at finds, at offset `*off` of the extension body `body`, the next element's data
// range [`*start`, `*start` + `*data_len`) and its ID, skipping padding. It returns false at
// the end of the elements, and sets `*bad` for an element that runs past the body.
static bool element_at(struct galois_cur *body, bool one_byte, uint8_t *id, size_t *start,
                       size_t *data_len, size_t body_len, bool *bad)
{
    for (;;) {
        uint8_t b = 0;
        if (!galois_cur_u8(body, &b)) {
            return false;
        }
        if (b == 0) {
            continue;  // padding
        }
        size_t len = 0;
        if (one_byte) {
            if ((b >> 4) == 15) {
                return false;  // RFC 8285 §4.2: ID 15 ends the elements
            }
            *id = (uint8_t)(b >> 4);
            len = (size_t)(b & 0x0f) + 1;
        } else {
            uint8_t l = 0;
            if (!galois_cur_u8(body, &l)) {
                *bad = true;
                return false;
            }
            *id = b;
            len = l;
        }
        *start = body_len - galois_cur_len(body);
        if (!galois_cur_skip(body, len)) {
            *bad = true;
            return false;
        }
        *data_len = len;
        return true;
    }
}

galois_err galois_hdrext_xor(const struct galois_srtp *s, const struct keyset *ks, uint8_t *pkt,
                             const struct rtp_layout *l, uint64_t index)
{
    bool one_byte = l->profile == PROFILE_ONE_BYTE;
    bool two_byte = (l->profile & 0xfff0u) == PROFILE_TWO_BYTE;  // any appbits (RFC 8285 §4.3)
    if (!l->has_ext || (!one_byte && !two_byte)) {
        return GALOIS_ERR_OK;  // no elements RFC 6904 knows how to find
    }
    uint8_t *body = pkt + l->ext_off + 4;
    uint8_t iv[GALOIS_AES_BLOCK];
    cm_iv(iv, ks->hdr_salt, l->ssrc, index);
    uint8_t keystream[KEYSTREAM_CHUNK];
    galois_err err = GALOIS_ERR_OK;
    // The keystream runs over the whole extension body; only the data bytes of the chosen
    // elements take it (RFC 6904 §4.1). It is made a chunk at a time.
    for (size_t chunk = 0; chunk < l->ext_body_len && err == GALOIS_ERR_OK;
         chunk += KEYSTREAM_CHUNK) {
        size_t n =
            l->ext_body_len - chunk < KEYSTREAM_CHUNK ? l->ext_body_len - chunk : KEYSTREAM_CHUNK;
        uint8_t chunk_iv[GALOIS_AES_BLOCK];
        memcpy(chunk_iv, iv, sizeof(iv));
        galois_put_u16(chunk_iv + 14, (uint16_t)(chunk / GALOIS_AES_BLOCK));  // low bits are 0
        if ((err = galois_aes_ctr_keystream(ks->hdr_ctr, keystream, n, chunk_iv)) !=
            GALOIS_ERR_OK) {
            break;
        }
        struct galois_cur c;
        galois_cur_init(&c, body, l->ext_body_len);
        uint8_t id = 0;
        size_t start = 0;
        size_t len = 0;
        bool bad = false;
        while (element_at(&c, one_byte, &id, &start, &len, l->ext_body_len, &bad)) {
            if ((s->policy.encrypt_ext_ids[id / 8] & (1u << (id % 8))) == 0) {
                continue;
            }
            for (size_t i = start; i < start + len; i++) {
                if (i >= chunk && i < chunk + n) {
                    body[i] ^= keystream[i - chunk];
                }
            }
        }
        if (bad) {
            err = GALOIS_ERR_PARSE;
        }
    }
    galois_secure_zero(keystream,
                       l->ext_body_len < sizeof(keystream) ? l->ext_body_len : sizeof(keystream));
    return err;
}
