// SRTCP: protect and unprotect RTCP compound packets (RFC 3711 §3.4, RFC 7714 §9, §17).
#include <string.h>

#include "session.h"

enum { RTCP_HEADER = 8 };
#define E_FLAG 0x80000000u
#define INDEX_MAX 0x7fffffffu

// rtcp_header reads the first RTCP header (RFC 3550 §6.4): version 2 and the sender's SSRC.
static galois_err rtcp_header(const uint8_t *p, size_t len, uint32_t *out_ssrc)
{
    struct galois_cur c;
    galois_cur_init(&c, p, len);
    uint8_t vprc = 0;
    uint8_t pt = 0;
    uint16_t words = 0;
    if (!galois_cur_u8(&c, &vprc) || (vprc >> 6) != 2 || !galois_cur_u8(&c, &pt) ||
        !galois_cur_u16(&c, &words) || !galois_cur_u32(&c, out_ssrc)) {
        return GALOIS_ERR_PARSE;
    }
    return GALOIS_ERR_OK;
}

// rtcp_gcm_iv forms the RFC 7714 §9.1 IV: (0x0000 || SSRC || 0x0000 || 0 || index) XOR salt.
static void rtcp_gcm_iv(uint8_t iv[GALOIS_GCM_IV_LEN], const uint8_t *salt, uint32_t ssrc,
                        uint32_t index)
{
    galois_put_u32(iv, galois_get_u32(salt) ^ (ssrc >> 16));  // as gcm_iv: three words
    galois_put_u32(iv + 4, galois_get_u32(salt + 4) ^ (ssrc << 16));
    galois_put_u32(iv + 8, galois_get_u32(salt + 8) ^ index);
}

static bool encrypts(const struct galois_srtp *s)
{
    return !s->info->null_cipher && !s->policy.unencrypted_srtcp;
}

galois_err galois_srtp_protect_rtcp(struct galois_srtp *srtp, uint8_t *out, size_t *out_len,
                                    size_t max_out_len, const uint8_t *in, size_t in_len)
{
    if (srtp->policy.direction != GALOIS_SRTP_SEND) {
        return GALOIS_ERR_STATE;
    }
    GALOIS_TRY(galois_srtp_check_buffers(out, max_out_len, in, in_len));
    uint32_t ssrc = 0;
    galois_err err = rtcp_header(in, in_len, &ssrc);
    if (err != GALOIS_ERR_OK) {
        return galois_srtp_fail(srtp, NULL, RTCP, err, NULL, 0, 0);
    }
    struct stream *st = galois_srtp_admit(srtp, ssrc, &err);
    if (st == NULL) {
        return galois_srtp_refuse(srtp, RTCP, err, NULL, 0, 0);
    }
    const struct galois_srtp_suite_info *info = srtp->info;
    size_t overhead = srtp->overhead[RTCP];
    if (in_len > max_out_len || overhead > max_out_len - in_len) {
        return galois_srtp_fail(srtp, st, RTCP, GALOIS_ERR_BUFFER, NULL, 0, 0);
    }
    if (st->rtcp_exhausted) {
        galois_srtp_event(srtp, GALOIS_SRTP_EVENT_INDEX_LIMIT, ssrc, srtp->send_key, true);
        return galois_srtp_fail(srtp, st, RTCP, GALOIS_ERR_LIMIT, NULL, 0, 0);
    }
    size_t key = srtp->send_key;
    uint32_t index = st->rtcp_next;
    if ((err = galois_srtp_check_use(srtp, key, RTCP, ssrc)) != GALOIS_ERR_OK) {
        return galois_srtp_fail(srtp, st, RTCP, err, NULL, 0, 0);
    }
    const struct keyset *ks = galois_srtp_keys(srtp, st, key, RTCP, index, &err);
    if (ks == NULL) {
        return galois_srtp_fail(srtp, st, RTCP, err, NULL, 0, 0);
    }
    if (out != in) {
        memcpy(out, in, in_len);
    }
    bool e = encrypts(srtp);
    uint8_t eidx[4];
    galois_put_u32(eidx, (e ? E_FLAG : 0) | index);
    const uint8_t *mki = srtp->masters[key].mki;
    size_t mki_len = srtp->policy.mki_len;
    if (info->aead) {
        // header | ciphertext | tag | E||index | MKI; AAD is the header (or, with E = 0, the
        // whole packet) followed by E||index.
        uint8_t iv[GALOIS_GCM_IV_LEN];
        rtcp_gcm_iv(iv, ks->salt, ssrc, index);
        size_t aad_len = e ? RTCP_HEADER : in_len;
        // With E = 1 the AAD is 12 bytes: one piece is cheaper for OpenSSL than two.
        uint8_t short_aad[RTCP_HEADER + 4];
        memcpy(short_aad, out, RTCP_HEADER);
        memcpy(short_aad + RTCP_HEADER, eidx, sizeof(eidx));
        struct galois_aad aad = e ? (struct galois_aad){short_aad, sizeof(short_aad), NULL, 0}
                                  : (struct galois_aad){out, aad_len, eidx, sizeof(eidx)};
        uint8_t *tag = out + in_len;
        err = galois_aes_gcm_seal(ks->gcm, out + aad_len, tag, iv, &aad, out + aad_len,
                                  in_len - aad_len);
        memcpy(tag + info->rtcp_tag_len, eidx, sizeof(eidx));
        if (mki_len > 0) {
            memcpy(tag + info->rtcp_tag_len + sizeof(eidx), mki, mki_len);
        }
    } else {
        // header | encrypted | E||index | MKI | tag; the tag covers all before the MKI.
        if (e) {
            uint8_t iv[GALOIS_AES_BLOCK];
            cm_iv(iv, ks->salt, ssrc, index);
            err = galois_aes_ctr_xor(ks->ctr, out + RTCP_HEADER, out + RTCP_HEADER,
                                     in_len - RTCP_HEADER, iv);
        }
        memcpy(out + in_len, eidx, sizeof(eidx));
        memcpy(out + in_len + sizeof(eidx), mki, mki_len);
        uint8_t mac[GALOIS_SHA1_LEN];
        if (err == GALOIS_ERR_OK) {
            err = galois_hmac_sha1(ks->hmac, mac, out, in_len + sizeof(eidx), NULL, 0);
        }
        memcpy(out + in_len + sizeof(eidx) + mki_len, mac, info->rtcp_tag_len);
    }
    if (err != GALOIS_ERR_OK) {
        galois_secure_zero(out, in_len + overhead);
        return galois_srtp_fail(srtp, st, RTCP, err, NULL, 0, 0);
    }
    if (index == INDEX_MAX) {
        st->rtcp_exhausted = true;  // never wrap: the next packet is refused (RFC 3711 §9.2)
    } else {
        st->rtcp_next = index + 1;
    }
    galois_srtp_keys_adopt(srtp, st, RTCP, ks);
    galois_srtp_commit_use(srtp, key, RTCP, ssrc);
    galois_srtp_ok(srtp, st, RTCP);
    *out_len = in_len + overhead;
    return GALOIS_ERR_OK;
}

// open_rtcp authenticates and decrypts; `len` is the header and encrypted part, `eidx` the
// E||index word as received.
static galois_err open_rtcp(struct galois_srtp *s, const struct keyset *ks, uint8_t *out,
                            const uint8_t *in, size_t len, const uint8_t *eidx, const uint8_t *tag,
                            uint32_t ssrc)
{
    const struct galois_srtp_suite_info *info = s->info;
    uint32_t word = galois_get_u32(eidx);
    bool e = (word & E_FLAG) != 0;
    uint32_t index = word & INDEX_MAX;
    if (info->aead) {
        uint8_t iv[GALOIS_GCM_IV_LEN];
        rtcp_gcm_iv(iv, ks->salt, ssrc, index);
        size_t aad_len = e ? RTCP_HEADER : len;
        uint8_t short_aad[RTCP_HEADER + 4];
        memcpy(short_aad, in, RTCP_HEADER);
        memcpy(short_aad + RTCP_HEADER, eidx, 4);
        struct galois_aad aad = e ? (struct galois_aad){short_aad, sizeof(short_aad), NULL, 0}
                                  : (struct galois_aad){in, aad_len, eidx, 4};
        GALOIS_TRY(galois_aes_gcm_open(ks->gcm, out + aad_len, iv, &aad, in + aad_len,
                                       len - aad_len, tag));
        if (out != in) {
            memcpy(out, in, aad_len);
        }
        return GALOIS_ERR_OK;
    }
    uint8_t mac[GALOIS_SHA1_LEN];
    GALOIS_TRY(galois_hmac_sha1(ks->hmac, mac, in, len, eidx, 4));
    if (!galois_ct_equal(mac, tag, info->rtcp_tag_len)) {
        return GALOIS_ERR_AUTH;
    }
    if (out != in) {
        memcpy(out, in, len);
    }
    if (!e || s->info->null_cipher) {
        return GALOIS_ERR_OK;  // the NULL cipher "encrypts" nothing, E = 1 or not (as libsrtp)
    }
    uint8_t iv[GALOIS_AES_BLOCK];
    cm_iv(iv, ks->salt, ssrc, index);
    return galois_aes_ctr_xor(ks->ctr, out + RTCP_HEADER, out + RTCP_HEADER, len - RTCP_HEADER, iv);
}

galois_err galois_srtp_unprotect_rtcp(struct galois_srtp *srtp, uint8_t *out, size_t *out_len,
                                      size_t max_out_len, const uint8_t *in, size_t in_len)
{
    if (srtp->policy.direction != GALOIS_SRTP_RECEIVE) {
        return GALOIS_ERR_STATE;
    }
    GALOIS_TRY(galois_srtp_check_buffers(out, max_out_len, in, in_len));
    const struct galois_srtp_suite_info *info = srtp->info;
    size_t mki_len = srtp->policy.mki_len;
    struct galois_cur pkt;
    struct galois_cur mki;
    struct galois_cur tag;
    struct galois_cur eidx;
    galois_cur_init(&pkt, in, in_len);
    bool trailer_ok = info->aead ? galois_cur_take_tail(&pkt, &mki, mki_len) &&
                                       galois_cur_take_tail(&pkt, &eidx, 4) &&
                                       galois_cur_take_tail(&pkt, &tag, info->rtcp_tag_len)
                                 : galois_cur_take_tail(&pkt, &tag, info->rtcp_tag_len) &&
                                       galois_cur_take_tail(&pkt, &mki, mki_len) &&
                                       galois_cur_take_tail(&pkt, &eidx, 4);
    uint32_t ssrc = 0;
    galois_err err = trailer_ok ? rtcp_header(galois_cur_data(&pkt), galois_cur_len(&pkt), &ssrc)
                                : GALOIS_ERR_PARSE;
    if (err != GALOIS_ERR_OK) {
        return galois_srtp_fail(srtp, NULL, RTCP, err, out, max_out_len, in_len);
    }
    size_t len = galois_cur_len(&pkt);
    struct stream *st = galois_srtp_find(srtp, ssrc);
    bool is_new = st == NULL;
    if (is_new && (st = galois_srtp_insert(srtp, ssrc, false, &err)) == NULL) {
        return galois_srtp_refuse(srtp, RTCP, err, out, max_out_len, in_len);
    }
    uint32_t word = galois_get_u32(galois_cur_data(&eidx));
    uint32_t index = word & INDEX_MAX;
    size_t key = 0;
    if (len > max_out_len) {
        err = GALOIS_ERR_BUFFER;
    } else if (mki_len > 0 && !galois_srtp_lookup_mki(srtp, galois_cur_data(&mki), &key)) {
        err = GALOIS_ERR_NOT_FOUND;
    } else if (galois_replay_check(&st->replay[RTCP], index) != GALOIS_REPLAY_FRESH) {
        err = GALOIS_ERR_REPLAY;
    } else {
        err = galois_srtp_check_use(srtp, key, RTCP, ssrc);
    }
    const struct keyset *ks = NULL;
    if (err == GALOIS_ERR_OK) {
        ks = galois_srtp_keys(srtp, st, key, RTCP, index, &err);
    }
    if (err == GALOIS_ERR_OK) {
        err =
            open_rtcp(srtp, ks, out, in, len, galois_cur_data(&eidx), galois_cur_data(&tag), ssrc);
    }
    if (err == GALOIS_ERR_OK && (word & E_FLAG) == 0 && encrypts(srtp)) {
        // Authentic, but sent unencrypted when the session did not agree to that. Checked
        // after the tag, so a forged E bit counts as a forgery, not as a refusal.
        err = GALOIS_ERR_POLICY;
    }
    if (err != GALOIS_ERR_OK) {
        return galois_srtp_drop(srtp, st, is_new, RTCP, err, out, max_out_len, in_len);
    }
    galois_replay_commit(&st->replay[RTCP], index);
    galois_srtp_keys_adopt(srtp, st, RTCP, ks);
    galois_srtp_commit_use(srtp, key, RTCP, ssrc);
    galois_srtp_ok(srtp, st, RTCP);
    *out_len = len;
    return GALOIS_ERR_OK;
}
