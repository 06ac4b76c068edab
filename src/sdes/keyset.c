// From SDES keys to the engine: fresh keys, key sets, the engine policy, and the SDP lines
// that carry them (a=crypto, RFC 6904 extmaps).
#include <string.h>

#include "internal.h"

galois_err sdes_fresh_key(struct galois_sdes_key *k, enum galois_srtp_suite suite,
                          const struct galois_sdes_policy *p, uint64_t mki)
{
    memset(k, 0, sizeof(*k));
    k->key_salt_len = sdes_key_salt_len(suite);
    if (k->key_salt_len == 0) {
        return GALOIS_ERR_INVALID;
    }
    if (galois_random_bytes(k->key_salt, k->key_salt_len) != GALOIS_ERR_OK) {
        galois_secure_zero(k, sizeof(*k));
        return GALOIS_ERR_CRYPTO;
    }
    k->lifetime = p->lifetime;
    k->lifetime_pow2 = p->lifetime_pow2;
    k->mki_len = p->mki_len;
    k->mki = p->mki_len == 0 ? 0 : mki;
    return GALOIS_ERR_OK;
}

static void put_mki(uint8_t *out, size_t len, uint64_t v)
{
    for (size_t i = 0; i < len; i++) {
        size_t shift = 8 * (len - 1 - i);
        out[i] = (uint8_t)(shift < 64 ? (v >> shift) & 0xff : 0);
    }
}

void sdes_fill_keyset(struct galois_sdes_keyset *ks, enum galois_srtp_suite suite,
                      const struct galois_sdes_key *keys, size_t num_keys)
{
    const struct galois_srtp_suite_info *info = galois_srtp_suite_get_info(suite);
    ks->suite = suite;
    ks->num_keys = 0;
    ks->mki_len = num_keys > 0 ? keys[0].mki_len : 0;
    for (size_t i = 0; info != NULL && i < num_keys && i < GALOIS_SDES_MAX_KEYS; i++) {
        struct galois_srtp_master_key *mk = &ks->keys[i];
        memcpy(mk->key, keys[i].key_salt, info->key_len);
        memcpy(mk->salt, keys[i].key_salt + info->key_len, info->salt_len);
        put_mki(mk->mki, keys[i].mki_len, keys[i].mki);
        mk->lifetime = keys[i].lifetime;
        ks->num_keys++;
    }
}

void sdes_apply_params(struct galois_sdes_media_result *r, const struct galois_sdes_crypto *c)
{
    struct galois_sdes_keyset *sets[] = {&r->send, &r->receive};
    for (size_t i = 0; i < GALOIS_ARRAY_LEN(sets); i++) {
        sets[i]->kdr_log2 = c->has_kdr ? c->kdr : 0;
        sets[i]->unencrypted_srtp = c->unencrypted_srtp;
        sets[i]->unencrypted_srtcp = c->unencrypted_srtcp;
        sets[i]->unauthenticated_srtp = c->unauthenticated_srtp;
    }
    // WSH hints at the window the receiver of the line's sender needs (RFC 4568 §6.3.6).
    size_t w = c->wsh;
    r->receive.window = w == 0                       ? 0
                        : w > GALOIS_SRTP_MAX_WINDOW ? GALOIS_SRTP_MAX_WINDOW
                        : w < GALOIS_SRTP_MIN_WINDOW ? GALOIS_SRTP_MIN_WINDOW
                                                     : w;
}

void sdes_set_header_protection(struct galois_sdes_media_result *r, bool cryptex,
                                const struct galois_sdes_policy *p, const uint8_t ids[32])
{
    struct galois_sdes_keyset *sets[] = {&r->send, &r->receive};
    for (size_t i = 0; i < GALOIS_ARRAY_LEN(sets); i++) {
        sets[i]->cryptex = !cryptex ? GALOIS_SRTP_CRYPTEX_OFF
                           : p->cryptex == GALOIS_SDES_FEATURE_REQUIRE
                               ? GALOIS_SRTP_CRYPTEX_REQUIRED
                               : GALOIS_SRTP_CRYPTEX_ON;
        memcpy(sets[i]->encrypt_ext_ids, ids, sizeof(sets[i]->encrypt_ext_ids));
    }
}

static bool key_equal(const struct galois_srtp_master_key *a,
                      const struct galois_srtp_master_key *b)
{
    return memcmp(a->key, b->key, sizeof(a->key)) == 0 &&
           memcmp(a->salt, b->salt, sizeof(a->salt)) == 0 &&
           memcmp(a->mki, b->mki, sizeof(a->mki)) == 0 && a->lifetime == b->lifetime;
}

bool galois_sdes_keyset_equal(const struct galois_sdes_keyset *a,
                              const struct galois_sdes_keyset *b)
{
    if (a->suite != b->suite || a->num_keys != b->num_keys || a->mki_len != b->mki_len ||
        a->kdr_log2 != b->kdr_log2 || a->window != b->window ||
        a->unencrypted_srtp != b->unencrypted_srtp ||
        a->unencrypted_srtcp != b->unencrypted_srtcp ||
        a->unauthenticated_srtp != b->unauthenticated_srtp || a->cryptex != b->cryptex ||
        memcmp(a->encrypt_ext_ids, b->encrypt_ext_ids, sizeof(a->encrypt_ext_ids)) != 0) {
        return false;
    }
    for (size_t i = 0; i < a->num_keys && i < GALOIS_SDES_MAX_KEYS; i++) {
        if (!key_equal(&a->keys[i], &b->keys[i])) {
            return false;
        }
    }
    return true;
}

galois_err galois_sdes_keyset_policy(struct galois_srtp_policy *out,
                                     const struct galois_sdes_keyset *ks,
                                     enum galois_srtp_direction direction)
{
    const struct galois_srtp_suite_info *info = galois_srtp_suite_get_info(ks->suite);
    memset(out, 0, sizeof(*out));
    if (info == NULL || ks->num_keys == 0) {
        return GALOIS_ERR_INVALID;
    }
    out->suite = ks->suite;
    out->direction = direction;
    out->keys = ks->keys;
    out->num_keys = ks->num_keys;
    out->mki_len = ks->mki_len;
    out->kdr_log2 = ks->kdr_log2;
    out->rtp_window = direction == GALOIS_SRTP_RECEIVE ? ks->window : 0;
    out->unencrypted_srtp = ks->unencrypted_srtp;
    out->unencrypted_srtcp = ks->unencrypted_srtcp;
    out->unauthenticated_srtp = ks->unauthenticated_srtp;
    out->allow_null_cipher = info->null_cipher;
    out->cryptex = ks->cryptex;
    memcpy(out->encrypt_ext_ids, ks->encrypt_ext_ids, sizeof(out->encrypt_ext_ids));
    return GALOIS_ERR_OK;
}

struct galois_sdes_result *sdes_result_new(void)
{
    return calloc(1, sizeof(struct galois_sdes_result));
}

void galois_sdes_result_free(struct galois_sdes_result *r)
{
    if (r != NULL) {
        galois_secure_zero(r, sizeof(*r));
        free(r);
    }
}

galois_err sdes_add_crypto(struct galois_sdp *sdp, size_t index, const struct galois_sdes_crypto *c)
{
    char text[GALOIS_SDES_MAX_LEN];
    size_t len = 0;
    galois_err err = galois_sdes_write(text, &len, sizeof(text), c);
    if (err == GALOIS_ERR_OK) {
        err = galois_sdp_media_add_attr(sdp, index, "crypto", text);
    }
    galois_secure_zero(text, sizeof(text));
    return err;
}

static bool has_id(const uint8_t ids[32], unsigned id)
{
    return id < 256 && (ids[id / 8] & (1u << (id % 8))) != 0;
}

size_t sdes_encrypted_ids(uint8_t ids[32], const struct galois_sdp *sdp, size_t index)
{
    const struct galois_sdp_media *m = &sdp->media[index];
    size_t n = 0;
    memset(ids, 0, 32);
    for (size_t i = 0; i < m->num_attrs; i++) {
        struct galois_sdp_extmap ext;
        if (strcmp(m->attrs[i].name, "extmap") == 0 &&
            galois_sdp_extmap_parse(&ext, m->attrs[i].value) == GALOIS_ERR_OK && ext.encrypt &&
            ext.id < 256 && !has_id(ids, ext.id)) {
            ids[ext.id / 8] = (uint8_t)(ids[ext.id / 8] | (1u << (ext.id % 8)));
            n++;
        }
    }
    return n;
}

galois_err sdes_set_hdrext(struct galois_sdp *sdp, size_t index, const uint8_t ids[32])
{
    const struct galois_sdp_media *m = &sdp->media[index];
    size_t nth = 0;
    for (size_t i = 0; i < m->num_attrs; i++) {
        struct galois_sdp_extmap ext;
        char text[GALOIS_SDP_MAX_LINE_LEN];
        if (strcmp(m->attrs[i].name, "extmap") != 0) {
            continue;
        }
        GALOIS_TRY(galois_sdp_extmap_parse(&ext, m->attrs[i].value));
        ext.encrypt = has_id(ids, ext.id);
        GALOIS_TRY(galois_sdp_extmap_write(text, sizeof(text), &ext));
        GALOIS_TRY(galois_sdp_media_set_attr(sdp, index, "extmap", nth++, text));
    }
    return GALOIS_ERR_OK;
}
