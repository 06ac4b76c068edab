// Sessions: policy checks, master keys, session keys, the stream table, limits and counters.
#include "session.h"

#include <string.h>

// Labels of RFC 3711 §4.3.1: SRTP encryption, authentication, salt; SRTCP the same + 3.
enum { LABEL_KEY = 0x00, LABEL_AUTH = 0x01, LABEL_SALT = 0x02, LABEL_RTCP = 0x03 };
// RFC 6904 §5.1: the header encryption key and salt.
enum { LABEL_HDR_KEY = 0x06, LABEL_HDR_SALT = 0x07 };

static bool any_ext_id(const struct galois_srtp_policy *p)
{
    for (size_t i = 0; i < sizeof(p->encrypt_ext_ids); i++) {
        if (p->encrypt_ext_ids[i] != 0) {
            return true;
        }
    }
    return false;
}

galois_err galois_srtp_policy_encrypt_ext(struct galois_srtp_policy *policy, unsigned id)
{
    if (id == 0 || id > 255) {
        return GALOIS_ERR_INVALID;
    }
    policy->encrypt_ext_ids[id / 8] |= (uint8_t)(1u << (id % 8));
    return GALOIS_ERR_OK;
}
enum { AUTH_KEY_LEN = 20 };  // n_a = 160 bits for HMAC-SHA1

static galois_err check_policy(const struct galois_srtp_policy *p,
                               const struct galois_srtp_suite_info *info)
{
    if (info == NULL || p->keys == NULL || p->num_keys == 0 || p->num_keys > GALOIS_SRTP_MAX_KEYS ||
        p->mki_len > GALOIS_SRTP_MAX_MKI_LEN || p->kdr_log2 > GALOIS_SRTP_MAX_KDR_LOG2 ||
        (p->direction != GALOIS_SRTP_SEND && p->direction != GALOIS_SRTP_RECEIVE)) {
        return GALOIS_ERR_INVALID;
    }
    const size_t windows[2] = {p->rtp_window, p->rtcp_window};
    for (size_t i = 0; i < 2; i++) {
        if (windows[i] != 0 &&
            (windows[i] < GALOIS_SRTP_MIN_WINDOW || windows[i] > GALOIS_SRTP_MAX_WINDOW)) {
            return GALOIS_ERR_INVALID;
        }
    }
    if (p->max_streams > (1u << 20)) {
        return GALOIS_ERR_INVALID;
    }
    for (size_t i = 0; p->mki_len > 0 && i < p->num_keys; i++) {
        for (size_t j = i + 1; j < p->num_keys; j++) {
            if (memcmp(p->keys[i].mki, p->keys[j].mki, p->mki_len) == 0) {
                return GALOIS_ERR_INVALID;  // two keys with one MKI: the receiver cannot choose
            }
        }
    }
    if (info->null_cipher && !p->allow_null_cipher) {
        return GALOIS_ERR_POLICY;
    }
    if ((info->aead || info->null_cipher) && p->unauthenticated_srtp) {
        // AEAD cannot drop its tag (RFC 7714 §12); NULL without a tag would protect nothing.
        return GALOIS_ERR_POLICY;
    }
    if ((unsigned)p->cryptex > GALOIS_SRTP_CRYPTEX_REQUIRED || (p->encrypt_ext_ids[0] & 1u) != 0) {
        return GALOIS_ERR_INVALID;  // no such cryptex mode; extension ID 0 does not exist
    }
    if (p->cryptex != GALOIS_SRTP_CRYPTEX_OFF &&
        (any_ext_id(p) || info->null_cipher || p->unencrypted_srtp)) {
        // RFC 9335 §6: cryptex replaces RFC 6904, never both; and it means encryption.
        return GALOIS_ERR_POLICY;
    }
    return GALOIS_ERR_OK;
}

static void keyset_cleanup(struct keyset *ks)
{
    galois_aes_ctr_free(ks->hdr_ctr);
    galois_aes_ctr_free(ks->ctr);
    galois_aes_gcm_free(ks->gcm);
    galois_hmac_sha1_free(ks->hmac);
    galois_secure_zero(ks, sizeof(*ks));
}

// keyset_set makes `ks` hold the given session keys, in new contexts on the session's backend.
static galois_err keyset_set(struct keyset *ks, const struct galois_srtp *s, int which,
                             const uint8_t *key, const uint8_t *salt, const uint8_t *auth)
{
    const struct galois_srtp_suite_info *info = s->info;
    galois_aes_ctr_free(ks->ctr);
    galois_aes_gcm_free(ks->gcm);
    galois_hmac_sha1_free(ks->hmac);
    galois_aes_ctr_free(ks->hdr_ctr);
    ks->hdr_ctr = NULL;
    ks->ctr = NULL;
    ks->gcm = NULL;
    ks->hmac = NULL;
    ks->ready = false;
    if (info->aead) {
        size_t tag_len = which == RTP ? info->rtp_tag_len : info->rtcp_tag_len;
        GALOIS_TRY(galois_aes_gcm_new(&ks->gcm, s->backend, key, info->key_len, tag_len));
    } else {
        if (!info->null_cipher) {
            GALOIS_TRY(galois_aes_ctr_new(&ks->ctr, key, info->key_len));
        }
        GALOIS_TRY(galois_hmac_sha1_new(&ks->hmac, s->backend, auth, AUTH_KEY_LEN));
    }
    memcpy(ks->salt, salt, info->salt_len);
    ks->ready = true;
    return GALOIS_ERR_OK;
}

// derive makes the session keys of `m` for `which` at r = index DIV kdr.
static galois_err derive(struct keyset *ks, const struct galois_srtp *s, const struct master *m,
                         size_t key_index, int which, uint64_t r)
{
    const struct galois_srtp_suite_info *info = s->info;
    uint8_t key[GALOIS_SRTP_MAX_KEY_LEN];
    uint8_t salt[GALOIS_SRTP_MAX_SALT_LEN];
    uint8_t auth[AUTH_KEY_LEN];
    uint8_t base = which == RTP ? 0 : LABEL_RTCP;
    galois_err err = galois_srtp_kdf(key, info->key_len, m->key, info->key_len, m->salt,
                                     info->salt_len, (uint8_t)(base + LABEL_KEY), r);
    if (err == GALOIS_ERR_OK) {
        err = galois_srtp_kdf(salt, info->salt_len, m->key, info->key_len, m->salt, info->salt_len,
                              (uint8_t)(base + LABEL_SALT), r);
    }
    if (err == GALOIS_ERR_OK && !info->aead) {
        err = galois_srtp_kdf(auth, AUTH_KEY_LEN, m->key, info->key_len, m->salt, info->salt_len,
                              (uint8_t)(base + LABEL_AUTH), r);
    }
    if (err == GALOIS_ERR_OK) {
        err = keyset_set(ks, s, which, key, salt, auth);
        ks->key_index = key_index;
        ks->r = r;
    }
    if (err == GALOIS_ERR_OK && which == RTP && s->encrypt_ext) {
        // RFC 6904 §5.1; with an AEAD suite the header cipher is AES-CM all the same (RFC 7714
        // §8.3), and its salt is derived at the AEAD salt length and used with two zero bytes
        // appended, as libsrtp does (no RFC prints a vector for this combination).
        uint8_t hdr_salt[GALOIS_SRTP_MAX_SALT_LEN] = {0};
        err = galois_srtp_kdf(key, info->key_len, m->key, info->key_len, m->salt, info->salt_len,
                              LABEL_HDR_KEY, r);
        if (err == GALOIS_ERR_OK) {
            err = galois_srtp_kdf(hdr_salt, info->salt_len, m->key, info->key_len, m->salt,
                                  info->salt_len, LABEL_HDR_SALT, r);
        }
        if (err == GALOIS_ERR_OK) {
            err = galois_aes_ctr_new(&ks->hdr_ctr, key, info->key_len);
            memcpy(ks->hdr_salt, hdr_salt, sizeof(hdr_salt));
        }
        galois_secure_zero(hdr_salt, sizeof(hdr_salt));
    }
    if (err != GALOIS_ERR_OK) {
        ks->ready = false;  // half-made keys are never used: the next packet derives again
    }
    galois_secure_zero(key, sizeof(key));
    galois_secure_zero(salt, sizeof(salt));
    galois_secure_zero(auth, sizeof(auth));
    return err;
}

galois_err galois_srtp_new(struct galois_srtp **out, const struct galois_srtp_policy *policy)
{
    *out = NULL;
    const struct galois_srtp_suite_info *info = galois_srtp_suite_get_info(policy->suite);
    enum galois_crypto_backend backend = GALOIS_CRYPTO_OPENSSL;
    GALOIS_TRY(check_policy(policy, info));
    GALOIS_TRY(galois_srtp_choose_backend(&backend, policy->backend, info));
    struct galois_srtp *s = calloc(1, sizeof(*s));
    if (s == NULL) {
        return GALOIS_ERR_NOMEM;
    }
    galois_err err = GALOIS_ERR_OK;
    s->suite = policy->suite;
    s->info = info;
    s->backend = backend;
    s->policy = *policy;
    s->policy.keys = NULL;
    s->policy.num_keys = 0;
    if (s->policy.rtp_window == 0) {
        s->policy.rtp_window = GALOIS_SRTP_DEFAULT_WINDOW;
    }
    if (s->policy.rtcp_window == 0) {
        s->policy.rtcp_window = GALOIS_SRTP_DEFAULT_WINDOW;
    }
    // Windows are kept in whole 64-bit words.
    s->policy.rtp_window = (s->policy.rtp_window + 63) / 64 * 64;
    s->policy.rtcp_window = (s->policy.rtcp_window + 63) / 64 * 64;
    if (s->policy.max_streams == 0) {
        s->policy.max_streams = GALOIS_SRTP_DEFAULT_MAX_STREAMS;
    }
    s->num_keys = policy->num_keys;
    s->rtp_trailer_len = policy->mki_len + (policy->unauthenticated_srtp ? 0 : info->rtp_tag_len);
    s->overhead[RTP] = s->rtp_trailer_len;
    s->overhead[RTCP] = 4 + policy->mki_len + info->rtcp_tag_len;
    if (policy->cryptex != GALOIS_SRTP_CRYPTEX_OFF) {
        s->overhead[RTP] += 4;  // an empty extension may be added (RFC 9335 §5.2)
    }
    s->encrypt_ext = any_ext_id(policy);
    s->kdr_mask = policy->kdr_log2 == 0 ? 0 : (1ull << policy->kdr_log2) - 1;

    size_t table_size = 4;
    while (table_size < 2 * s->policy.max_streams) {
        table_size *= 2;
    }
    size_t words =
        galois_replay_words(s->policy.rtp_window) + galois_replay_words(s->policy.rtcp_window);
    s->table_mask = table_size - 1;
    s->table = calloc(table_size, sizeof(*s->table));
    s->streams = calloc(s->policy.max_streams, sizeof(*s->streams));
    s->window_words = calloc(s->policy.max_streams * words, sizeof(uint64_t));
    if (s->table == NULL || s->streams == NULL || s->window_words == NULL) {
        err = GALOIS_ERR_NOMEM;
        goto out;
    }
    uint8_t rnd[4];
    if ((err = galois_random_bytes(rnd, sizeof(rnd))) != GALOIS_ERR_OK) {
        goto out;
    }
    s->hash_key = galois_get_u32(rnd);

    for (size_t k = 0; k < s->num_keys; k++) {
        struct master *m = &s->masters[k];
        const struct galois_srtp_master_key *mk = &policy->keys[k];
        memcpy(m->key, mk->key, info->key_len);
        memcpy(m->salt, mk->salt, info->salt_len);
        memcpy(m->mki, mk->mki, policy->mki_len);
        uint64_t max[2] = {1ull << 48, 1ull << 31};
        for (int w = RTP; w <= RTCP; w++) {
            m->limit[w] = mk->lifetime == 0 || mk->lifetime > max[w] ? max[w] : mk->lifetime;
            // The soft limit leaves min(2^16, limit / 8) packets to re-key in.
            uint64_t margin = m->limit[w] / 8 < (1u << 16) ? m->limit[w] / 8 : (1u << 16);
            m->soft_at[w] = m->limit[w] - margin;
            if (s->kdr_mask == 0 && (err = derive(&m->keys[w], s, m, k, w, 0)) != GALOIS_ERR_OK) {
                goto out;
            }
        }
    }
    *out = s;
    s = NULL;
out:
    galois_srtp_free(s);
    return err;
}

void galois_srtp_free(struct galois_srtp *srtp)
{
    if (srtp == NULL) {
        return;
    }
    for (size_t k = 0; k < GALOIS_SRTP_MAX_KEYS; k++) {
        keyset_cleanup(&srtp->masters[k].keys[RTP]);
        keyset_cleanup(&srtp->masters[k].keys[RTCP]);
    }
    keyset_cleanup(&srtp->scratch[RTP]);
    keyset_cleanup(&srtp->scratch[RTCP]);
    galois_secure_zero(srtp->masters, sizeof(srtp->masters));
    for (size_t i = 0; srtp->streams != NULL && i < srtp->policy.max_streams; i++) {
        keyset_cleanup(&srtp->streams[i].own[RTP]);
        keyset_cleanup(&srtp->streams[i].own[RTCP]);
    }
    free(srtp->streams);
    free(srtp->table);
    free(srtp->window_words);
    galois_secure_zero(srtp, sizeof(*srtp));
    free(srtp);
}

struct keyset *galois_srtp_keys_kdr(struct galois_srtp *s, struct stream *st, size_t key_index,
                                    int which, uint64_t index, galois_err *err)
{
    uint64_t r = index >> s->policy.kdr_log2;
    struct keyset *own = &st->own[which];
    if (own->ready && own->key_index == key_index && own->r == r) {
        return own;
    }
    struct keyset *ks = &s->scratch[which];
    if (!ks->ready || ks->key_index != key_index || ks->r != r) {
        *err = derive(ks, s, &s->masters[key_index], key_index, which, r);
        if (*err != GALOIS_ERR_OK) {
            return NULL;
        }
    }
    return ks;
}

void galois_srtp_keys_swap(struct galois_srtp *s, struct stream *st, int which)
{
    struct keyset tmp = st->own[which];  // swap: both keep their contexts for reuse
    st->own[which] = s->scratch[which];
    s->scratch[which] = tmp;
}

galois_err galois_srtp_limit_hit(struct galois_srtp *s, size_t key_index, int which, uint32_t ssrc)
{
    galois_srtp_event(s, GALOIS_SRTP_EVENT_KEY_HARD_LIMIT, ssrc, key_index, which == RTCP);
    return GALOIS_ERR_LIMIT;
}

void galois_srtp_soft_limit(struct galois_srtp *s, size_t key_index, int which, uint32_t ssrc)
{
    s->masters[key_index].soft_sent[which] = true;
    galois_srtp_event(s, GALOIS_SRTP_EVENT_KEY_SOFT_LIMIT, ssrc, key_index, which == RTCP);
}

bool galois_srtp_lookup_mki(const struct galois_srtp *s, const uint8_t *mki, size_t *out_index)
{
    for (size_t k = 0; k < s->num_keys; k++) {
        if (memcmp(s->masters[k].mki, mki, s->policy.mki_len) == 0) {  // MKIs are public
            *out_index = k;
            return true;
        }
    }
    return false;
}

void galois_srtp_event(const struct galois_srtp *s, enum galois_srtp_event_type type, uint32_t ssrc,
                       size_t key_index, bool rtcp)
{
    if (s->policy.on_event != NULL) {
        struct galois_srtp_event ev = {type, ssrc, key_index, rtcp};
        s->policy.on_event(s->policy.event_arg, &ev);
    }
}

static void count(struct galois_srtp_stats *st, galois_err err)
{
    st->packets++;
    switch (err) {
        case GALOIS_ERR_OK:
            st->ok++;
            break;
        case GALOIS_ERR_AUTH:
            st->auth_fail++;
            break;
        case GALOIS_ERR_REPLAY:
            st->replay++;
            break;
        case GALOIS_ERR_PARSE:
            st->parse_fail++;
            break;
        case GALOIS_ERR_NOT_FOUND:
            st->mki_fail++;
            break;
        default:
            st->refused++;
            break;
    }
}

galois_err galois_srtp_drop(struct galois_srtp *s, struct stream *st, bool is_new, int which,
                            galois_err err, uint8_t *out, size_t max_out_len, size_t in_len)
{
    galois_srtp_fail(s, is_new ? NULL : st, which, err, out, max_out_len, in_len);
    if (is_new) {
        galois_srtp_forget(s, st->ssrc);
    }
    return err;
}

galois_err galois_srtp_refuse(struct galois_srtp *s, int which, galois_err err, uint8_t *out,
                              size_t max_out_len, size_t in_len)
{
    s->stats[which].packets++;
    s->stats[which].refused++;
    if (out != NULL && s->policy.direction == GALOIS_SRTP_RECEIVE) {
        galois_secure_zero(out, max_out_len < in_len ? max_out_len : in_len);
    }
    return err;
}

galois_err galois_srtp_fail(struct galois_srtp *s, struct stream *st, int which, galois_err err,
                            uint8_t *out, size_t max_out_len, size_t in_len)
{
    count(&s->stats[which], err);
    if (st != NULL) {
        count(&st->stats[which], err);
    }
    if (out != NULL && s->policy.direction == GALOIS_SRTP_RECEIVE) {
        galois_secure_zero(out, max_out_len < in_len ? max_out_len : in_len);
    }
    return err;
}

size_t galois_srtp_overhead(const struct galois_srtp *srtp, bool rtcp)
{
    return srtp->overhead[rtcp ? RTCP : RTP];
}

galois_err galois_srtp_set_send_key(struct galois_srtp *srtp, size_t key_index)
{
    if (key_index >= srtp->num_keys || (key_index > 0 && srtp->policy.mki_len == 0)) {
        return GALOIS_ERR_INVALID;  // without an MKI a receiver can only use keys[0]
    }
    srtp->send_key = key_index;
    return GALOIS_ERR_OK;
}

galois_err galois_srtp_get_stats(const struct galois_srtp *srtp, struct galois_srtp_stats *out,
                                 bool rtcp, bool ssrc_only, uint32_t ssrc)
{
    int which = rtcp ? RTCP : RTP;
    if (!ssrc_only) {
        *out = srtp->stats[which];
        return GALOIS_ERR_OK;
    }
    const struct stream *st = galois_srtp_find(srtp, ssrc);
    if (st == NULL) {
        return GALOIS_ERR_NOT_FOUND;
    }
    *out = st->stats[which];
    return GALOIS_ERR_OK;
}

galois_err galois_srtp_key_usage(const struct galois_srtp *srtp, uint64_t *out_rtp,
                                 uint64_t *out_rtcp, size_t key_index)
{
    if (key_index >= srtp->num_keys) {
        return GALOIS_ERR_INVALID;
    }
    *out_rtp = srtp->masters[key_index].used[RTP];
    *out_rtcp = srtp->masters[key_index].used[RTCP];
    return GALOIS_ERR_OK;
}

galois_err galois_srtp_set_session_keys(struct galois_srtp *srtp, size_t key_index, bool rtcp,
                                        const uint8_t *key, size_t key_len, const uint8_t *salt,
                                        size_t salt_len, const uint8_t *auth_key,
                                        size_t auth_key_len)
{
    const struct galois_srtp_suite_info *info = srtp->info;
    if (key_index >= srtp->num_keys || srtp->kdr_mask != 0 || srtp->encrypt_ext ||
        key_len != info->key_len || salt_len != info->salt_len ||
        (!info->aead && (auth_key == NULL || auth_key_len != AUTH_KEY_LEN))) {
        return GALOIS_ERR_INVALID;
    }
    int which = rtcp ? RTCP : RTP;
    struct keyset *ks = &srtp->masters[key_index].keys[which];
    GALOIS_TRY(keyset_set(ks, srtp, which, key, salt, auth_key));
    ks->key_index = key_index;
    return GALOIS_ERR_OK;
}
