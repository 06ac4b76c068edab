// SRTP: protect and unprotect RTP packets (RFC 3711 §3-4, RFC 7714 §8-9).
#include <string.h>

#include "session.h"

enum { RTP_MIN_HEADER = 12, INDEX_LIMIT_LOG2 = 48 };

// next_index is the index of `seq` for stream `st`: estimated from the highest index seen, or,
// for a stream's first packet, ROC (0 unless set) || SEQ.
static uint64_t next_index(const struct stream *st, uint16_t seq)
{
    if (!st->started) {
        return ((uint64_t)st->roc << 16) | seq;
    }
    return galois_srtp_estimate_index(st->last, seq);
}

static void commit(struct galois_srtp *s, struct stream *st, const struct keyset *ks, size_t key,
                   uint64_t index)
{
    galois_srtp_keys_adopt(s, st, RTP, ks);
    galois_replay_commit(&st->replay[RTP], index);
    if (!st->started || index > st->last) {
        st->last = index;  // ROC and s_l move only with an authenticated (or sent) packet
    }
    st->started = true;
    galois_srtp_commit_use(s, key, RTP, st->ssrc);
    galois_srtp_ok(s, st, RTP);
}

enum { CRYPTEX_ENC_START = 16 };  // fixed header + the extension header moved in front

// seal protects the `len`-byte packet `pkt` in place and writes MKI and tag after it. `l` is
// its layout; `cryptex` says the packet is in cryptex form (RFC 9335 §5.3: CSRCs, extension
// body and payload are encrypted as one run, the extension header is authenticated only).
static galois_err seal(struct galois_srtp *s, const struct keyset *ks, uint8_t *pkt,
                       const struct rtp_layout *l, size_t len, uint64_t index, size_t mki_key,
                       bool cryptex)
{
    const struct galois_srtp_suite_info *info = s->info;
    size_t mki_len = s->policy.mki_len;
    uint8_t *trailer = pkt + len;
    if (s->encrypt_ext) {
        GALOIS_TRY(galois_hdrext_xor(s, ks, pkt, l, index));  // RFC 6904 §4: before the tag
    }
    size_t enc_start = cryptex ? CRYPTEX_ENC_START : l->header_len;
    if (cryptex) {
        galois_cryptex_swap(pkt, l->csrc_len, true);
    }
    galois_err err = GALOIS_ERR_OK;
    if (info->aead) {
        uint8_t iv[GALOIS_GCM_IV_LEN];
        gcm_iv(iv, ks->salt, l->ssrc, index);
        // RFC 7714 §8.2 / §12: unencrypted SRTP authenticates the whole packet as AAD.
        size_t aad_len = s->policy.unencrypted_srtp ? len : enc_start;
        struct galois_aad aad = {pkt, aad_len, NULL, 0};
        err = galois_aes_gcm_seal(ks->gcm, pkt + aad_len, trailer, iv, &aad, pkt + aad_len,
                                  len - aad_len);
        if (mki_len > 0) {
            memcpy(trailer + info->rtp_tag_len, s->masters[mki_key].mki, mki_len);
        }
    } else if (!info->null_cipher && !s->policy.unencrypted_srtp) {
        uint8_t iv[GALOIS_AES_BLOCK];
        cm_iv(iv, ks->salt, l->ssrc, index);
        err = galois_aes_ctr_xor(ks->ctr, pkt + enc_start, pkt + enc_start, len - enc_start, iv);
    }
    if (cryptex) {
        galois_cryptex_swap(pkt, l->csrc_len, false);
    }
    if (err != GALOIS_ERR_OK || info->aead) {
        return err;
    }
    memcpy(trailer, s->masters[mki_key].mki, mki_len);
    if (!s->policy.unauthenticated_srtp) {
        uint8_t roc[4];
        uint8_t mac[GALOIS_SHA1_LEN];
        galois_put_u32(roc, (uint32_t)(index >> 16));
        GALOIS_TRY(galois_hmac_sha1(ks->hmac, mac, pkt, len, roc, sizeof(roc)));
        memcpy(trailer + mki_len, mac, info->rtp_tag_len);
    }
    return GALOIS_ERR_OK;
}

galois_err galois_srtp_protect(struct galois_srtp *srtp, uint8_t *out, size_t *out_len,
                               size_t max_out_len, const uint8_t *in, size_t in_len)
{
    if (srtp->policy.direction != GALOIS_SRTP_SEND) {
        return GALOIS_ERR_STATE;
    }
    GALOIS_TRY(galois_srtp_check_buffers(out, max_out_len, in, in_len));
    struct rtp_layout l;
    galois_err err = galois_rtp_layout(&l, in, in_len);
    if (err != GALOIS_ERR_OK) {
        return galois_srtp_fail(srtp, NULL, RTP, err, NULL, 0, 0);
    }
    struct stream *st = galois_srtp_admit(srtp, l.ssrc, &err);
    if (st == NULL) {
        return galois_srtp_refuse(srtp, RTP, err, NULL, 0, 0);
    }
    size_t overhead = srtp->overhead[RTP];
    if (in_len > max_out_len || overhead > max_out_len - in_len) {
        return galois_srtp_fail(srtp, st, RTP, GALOIS_ERR_BUFFER, NULL, 0, 0);
    }
    uint64_t index = next_index(st, l.seq);
    if (index >= (1ull << INDEX_LIMIT_LOG2)) {
        galois_srtp_event(srtp, GALOIS_SRTP_EVENT_INDEX_LIMIT, l.ssrc, srtp->send_key, false);
        return galois_srtp_fail(srtp, st, RTP, GALOIS_ERR_LIMIT, NULL, 0, 0);
    }
    enum galois_replay_verdict verdict = galois_replay_check(&st->replay[RTP], index);
    if (verdict == GALOIS_REPLAY_TOO_OLD ||
        (verdict == GALOIS_REPLAY_SEEN && !srtp->policy.allow_repeat_tx)) {
        return galois_srtp_fail(srtp, st, RTP, GALOIS_ERR_REPLAY, NULL, 0, 0);
    }
    size_t key = srtp->send_key;
    if ((err = galois_srtp_check_use(srtp, key, RTP, l.ssrc)) != GALOIS_ERR_OK) {
        return galois_srtp_fail(srtp, st, RTP, err, NULL, 0, 0);
    }
    const struct keyset *ks = galois_srtp_keys(srtp, st, key, RTP, index, &err);
    if (ks == NULL) {
        return galois_srtp_fail(srtp, st, RTP, err, NULL, 0, 0);
    }
    if (out != in) {
        memcpy(out, in, in_len);
    }
    size_t len = in_len;
    bool cryptex = srtp->policy.cryptex != GALOIS_SRTP_CRYPTEX_OFF && (l.has_ext || l.csrc_len > 0);
    if (cryptex) {
        err = galois_cryptex_prepare(out, &len, max_out_len - srtp->rtp_trailer_len, &l);
    }
    if (err == GALOIS_ERR_OK) {
        err = seal(srtp, ks, out, &l, len, index, key, cryptex);
    }
    if (err != GALOIS_ERR_OK) {
        galois_secure_zero(out, max_out_len < in_len + overhead ? max_out_len : in_len + overhead);
        return galois_srtp_fail(srtp, st, RTP, err, NULL, 0, 0);
    }
    commit(srtp, st, ks, key, index);
    *out_len = len + srtp->rtp_trailer_len;
    return GALOIS_ERR_OK;
}

// verify_hmac checks the HMAC-SHA1 tag of the `len`-byte packet `in` (RFC 3711 §4.2: over the
// packet and the ROC) in constant time; a session without SRTP authentication has none.
static galois_err verify_hmac(const struct galois_srtp *s, const struct keyset *ks,
                              const uint8_t *in, size_t len, const uint8_t *tag, uint64_t index)
{
    if (s->policy.unauthenticated_srtp) {
        return GALOIS_ERR_OK;
    }
    uint8_t roc[4];
    uint8_t mac[GALOIS_SHA1_LEN];
    galois_put_u32(roc, (uint32_t)(index >> 16));
    GALOIS_TRY(galois_hmac_sha1(ks->hmac, mac, in, len, roc, sizeof(roc)));
    return galois_ct_equal(mac, tag, s->info->rtp_tag_len) ? GALOIS_ERR_OK : GALOIS_ERR_AUTH;
}

// open_cryptex authenticates and decrypts a cryptex packet (RFC 9335 §5.4) into `out`: the
// packet is copied there first, so the swap that makes the encrypted parts contiguous happens
// in the caller's output, never in `in`.
static galois_err open_cryptex(struct galois_srtp *s, const struct keyset *ks, uint8_t *out,
                               const uint8_t *in, const struct rtp_layout *l, size_t len,
                               const uint8_t *tag, uint64_t index)
{
    const struct galois_srtp_suite_info *info = s->info;
    galois_err err = GALOIS_ERR_OK;
    if (!info->aead) {
        GALOIS_TRY(verify_hmac(s, ks, in, len, tag, index));
    }
    uint8_t tag_copy[GALOIS_SRTP_MAX_TAG_LEN];
    memcpy(tag_copy, tag, info->rtp_tag_len);  // `tag` may lie in `out` past `len`: keep it
    if (out != in) {
        memcpy(out, in, len);
    }
    galois_cryptex_swap(out, l->csrc_len, true);
    if (info->aead) {
        uint8_t iv[GALOIS_GCM_IV_LEN];
        gcm_iv(iv, ks->salt, l->ssrc, index);
        struct galois_aad aad = {out, CRYPTEX_ENC_START, NULL, 0};
        err = galois_aes_gcm_open(ks->gcm, out + CRYPTEX_ENC_START, iv, &aad,
                                  out + CRYPTEX_ENC_START, len - CRYPTEX_ENC_START, tag_copy);
    } else {
        uint8_t iv[GALOIS_AES_BLOCK];
        cm_iv(iv, ks->salt, l->ssrc, index);
        err = galois_aes_ctr_xor(ks->ctr, out + CRYPTEX_ENC_START, out + CRYPTEX_ENC_START,
                                 len - CRYPTEX_ENC_START, iv);
    }
    galois_cryptex_swap(out, l->csrc_len, false);
    if (err == GALOIS_ERR_OK) {
        galois_cryptex_restore(out, l);
    }
    return err;
}

// open_packet checks the tag of the `len`-byte protected packet `in` (MKI and tag removed:
// they are at `tag`) and writes the plaintext packet to `out`.
static galois_err open_packet(struct galois_srtp *s, const struct keyset *ks, uint8_t *out,
                              const uint8_t *in, const struct rtp_layout *l, size_t len,
                              const uint8_t *tag, uint64_t index)
{
    const struct galois_srtp_suite_info *info = s->info;
    size_t header_len = l->header_len;
    if (galois_rtp_is_cryptex(l)) {
        return open_cryptex(s, ks, out, in, l, len, tag, index);
    }
    if (info->aead) {
        uint8_t iv[GALOIS_GCM_IV_LEN];
        gcm_iv(iv, ks->salt, l->ssrc, index);
        size_t aad_len = s->policy.unencrypted_srtp ? len : header_len;
        struct galois_aad aad = {in, aad_len, NULL, 0};
        GALOIS_TRY(galois_aes_gcm_open(ks->gcm, out + aad_len, iv, &aad, in + aad_len,
                                       len - aad_len, tag));
        if (out != in) {
            memcpy(out, in, aad_len);  // after the tag check: the header is AAD, read from `in`
        }
        return GALOIS_ERR_OK;
    }
    GALOIS_TRY(verify_hmac(s, ks, in, len, tag, index));
    if (out != in) {
        memcpy(out, in, header_len);
    }
    if (info->null_cipher || s->policy.unencrypted_srtp) {
        if (out != in) {
            memcpy(out + header_len, in + header_len, len - header_len);
        }
        return GALOIS_ERR_OK;
    }
    uint8_t iv[GALOIS_AES_BLOCK];
    cm_iv(iv, ks->salt, l->ssrc, index);
    return galois_aes_ctr_xor(ks->ctr, out + header_len, in + header_len, len - header_len, iv);
}

galois_err galois_srtp_unprotect(struct galois_srtp *srtp, uint8_t *out, size_t *out_len,
                                 size_t max_out_len, const uint8_t *in, size_t in_len)
{
    if (srtp->policy.direction != GALOIS_SRTP_RECEIVE) {
        return GALOIS_ERR_STATE;
    }
    GALOIS_TRY(galois_srtp_check_buffers(out, max_out_len, in, in_len));
    const struct galois_srtp_suite_info *info = srtp->info;
    size_t mki_len = srtp->policy.mki_len;
    size_t tag_len = srtp->policy.unauthenticated_srtp ? 0 : info->rtp_tag_len;
    // The trailer: MKI then tag (RFC 3711 §3.1); for AEAD the tag ends the ciphertext and the
    // MKI follows it.
    struct galois_cur pkt;
    struct galois_cur mki;
    struct galois_cur tag;
    galois_cur_init(&pkt, in, in_len);
    bool trailer_ok = info->aead ? galois_cur_take_tail(&pkt, &mki, mki_len) &&
                                       galois_cur_take_tail(&pkt, &tag, tag_len)
                                 : galois_cur_take_tail(&pkt, &tag, tag_len) &&
                                       galois_cur_take_tail(&pkt, &mki, mki_len);
    struct rtp_layout l;
    galois_err err = trailer_ok ? galois_rtp_layout(&l, galois_cur_data(&pkt), galois_cur_len(&pkt))
                                : GALOIS_ERR_PARSE;
    if (err != GALOIS_ERR_OK) {
        return galois_srtp_fail(srtp, NULL, RTP, err, out, max_out_len, in_len);
    }
    size_t len = galois_cur_len(&pkt);
    // A stream the session does not have yet is made for this packet and dropped again if the
    // packet fails: a forged packet leaves no state behind.
    uint32_t ssrc = l.ssrc;
    struct stream *st = galois_srtp_find(srtp, ssrc);
    bool is_new = st == NULL;
    if (is_new && (st = galois_srtp_insert(srtp, ssrc, false, &err)) == NULL) {
        return galois_srtp_refuse(srtp, RTP, err, out, max_out_len, in_len);
    }
    size_t key = 0;
    uint64_t index = next_index(st, l.seq);
    bool cryptex = galois_rtp_is_cryptex(&l);
    if (len > max_out_len) {
        err = GALOIS_ERR_BUFFER;
    } else if (cryptex ? srtp->policy.cryptex == GALOIS_SRTP_CRYPTEX_OFF
                       : srtp->policy.cryptex == GALOIS_SRTP_CRYPTEX_REQUIRED &&
                             (l.has_ext || l.csrc_len > 0)) {
        err = GALOIS_ERR_POLICY;  // cryptex where not agreed, or plain headers where required
    } else if (mki_len > 0 && !galois_srtp_lookup_mki(srtp, galois_cur_data(&mki), &key)) {
        err = GALOIS_ERR_NOT_FOUND;
    } else if (index >= (1ull << INDEX_LIMIT_LOG2)) {
        galois_srtp_event(srtp, GALOIS_SRTP_EVENT_INDEX_LIMIT, ssrc, key, false);
        err = GALOIS_ERR_LIMIT;
    } else if (galois_replay_check(&st->replay[RTP], index) != GALOIS_REPLAY_FRESH) {
        err = GALOIS_ERR_REPLAY;
    } else {
        err = galois_srtp_check_use(srtp, key, RTP, ssrc);
    }
    const struct keyset *ks = NULL;
    if (err == GALOIS_ERR_OK) {
        ks = galois_srtp_keys(srtp, st, key, RTP, index, &err);
    }
    if (err == GALOIS_ERR_OK) {
        err = open_packet(srtp, ks, out, in, &l, len, galois_cur_data(&tag), index);
    }
    if (err == GALOIS_ERR_OK && srtp->encrypt_ext) {
        err = galois_hdrext_xor(srtp, ks, out, &l, index);  // after authentication
    }
    if (err != GALOIS_ERR_OK) {
        return galois_srtp_drop(srtp, st, is_new, RTP, err, out, max_out_len, in_len);
    }
    commit(srtp, st, ks, key, index);
    *out_len = len;
    return GALOIS_ERR_OK;
}
