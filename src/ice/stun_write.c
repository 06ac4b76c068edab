// The STUN message writer (RFC 8489 §5, §14), the key object behind MESSAGE-INTEGRITY and
// MESSAGE-INTEGRITY-SHA256, and the CRC-32 behind FINGERPRINT. Messages are built in caller
// memory through galois_buf; nothing here allocates per message.
#include <string.h>

#include "internal.h"

// The CRC-32 of ITU-T V.42 (reflected polynomial 0xedb88320), four bits at a time: a 16-entry
// table keeps it small, and STUN messages are short.
static const uint32_t crc_nibble[16] = {
    0x00000000u, 0x1db71064u, 0x3b6e20c8u, 0x26d930acu, 0x76dc4190u, 0x6b6b51f4u,
    0x4db26158u, 0x5005713cu, 0xedb88320u, 0xf00f9344u, 0xd6d6a3e8u, 0xcb61b38cu,
    0x9b64c2b0u, 0x86d3d2d4u, 0xa00ae278u, 0xbdbdf21cu,
};

uint32_t galois_stun_crc32(const uint8_t *p, size_t len)
{
    uint32_t crc = 0xffffffffu;
    for (size_t i = 0; i < len; i++) {
        crc ^= p[i];
        crc = (crc >> 4) ^ crc_nibble[crc & 0x0fu];
        crc = (crc >> 4) ^ crc_nibble[crc & 0x0fu];
    }
    return crc ^ 0xffffffffu;
}

uint16_t galois_stun_type(uint16_t method, enum galois_stun_class cls)
{
    unsigned c = (unsigned)cls & 3u;
    return (uint16_t)((method & 0x000Fu) | ((method & 0x0070u) << 1) | ((method & 0x0F80u) << 2) |
                      ((c & 1u) << 4) | ((c & 2u) << 7));
}

galois_err galois_stun_key_new(struct galois_stun_key **out, const uint8_t *key, size_t key_len)
{
    *out = NULL;
    if (key == NULL || key_len == 0) {
        return GALOIS_ERR_INVALID;
    }
    struct galois_stun_key *k = calloc(1, sizeof(*k));
    if (k == NULL) {
        return GALOIS_ERR_NOMEM;
    }
    // Both states are made here, once per key: a message never costs a key schedule.
    galois_err err = galois_hmac_sha1_new(&k->hmac, GALOIS_CRYPTO_OPENSSL, key, key_len);
    if (err == GALOIS_ERR_OK) {
        err = galois_hmac_sha256_new(&k->hmac256, key, key_len);
    }
    if (err != GALOIS_ERR_OK) {
        galois_stun_key_free(k);
        return err;
    }
    *out = k;
    return GALOIS_ERR_OK;
}

void galois_stun_key_free(struct galois_stun_key *key)
{
    if (key == NULL) {
        return;
    }
    galois_hmac_sha1_free(key->hmac);
    galois_hmac_sha256_free(key->hmac256);
    free(key);
}

galois_err galois_stun_mac(struct galois_stun_key *key, uint8_t out[GALOIS_STUN_SHA1_LEN],
                           const uint8_t hdr[GALOIS_STUN_HEADER_LEN], const uint8_t *body,
                           size_t body_len)
{
    return galois_hmac_sha1(key->hmac, out, hdr, GALOIS_STUN_HEADER_LEN, body, body_len);
}

galois_err galois_stun_mac_sha256(struct galois_stun_key *key, uint8_t out[GALOIS_STUN_SHA256_LEN],
                                  const uint8_t hdr[GALOIS_STUN_HEADER_LEN], const uint8_t *body,
                                  size_t body_len)
{
    return galois_hmac_sha256(key->hmac256, out, hdr, GALOIS_STUN_HEADER_LEN, body, body_len);
}

void galois_stun_xor_addr(struct galois_ice_addr *addr, const uint8_t txid[GALOIS_STUN_TXID_LEN])
{
    uint8_t mask[16];
    galois_put_u32(mask, GALOIS_STUN_MAGIC_COOKIE);
    memcpy(mask + 4, txid, GALOIS_STUN_TXID_LEN);
    addr->port ^= (uint16_t)(GALOIS_STUN_MAGIC_COOKIE >> 16);
    size_t n = addr->family == GALOIS_ICE_IPV6 ? 16 : 4;
    for (size_t i = 0; i < n; i++) {
        addr->ip[i] ^= mask[i];
    }
}

void galois_stun_w_begin(struct galois_buf *b, uint16_t type,
                         const uint8_t txid[GALOIS_STUN_TXID_LEN])
{
    uint8_t hdr[8];
    galois_put_u16(hdr, type);
    galois_put_u16(hdr + 2, 0);
    galois_put_u32(hdr + 4, GALOIS_STUN_MAGIC_COOKIE);
    galois_buf_put(b, hdr, sizeof(hdr));
    galois_buf_put(b, txid, GALOIS_STUN_TXID_LEN);
}

void galois_stun_w_attr(struct galois_buf *b, uint16_t type, const void *value, size_t len)
{
    static const uint8_t zeros[3];
    uint8_t hdr[4];
    if (len > 0xffffu) {
        b->failed = true;
        return;
    }
    galois_put_u16(hdr, type);
    galois_put_u16(hdr + 2, (uint16_t)len);
    galois_buf_put(b, hdr, sizeof(hdr));
    galois_buf_put(b, value, len);
    galois_buf_put(b, zeros, (4u - len % 4u) % 4u);
}

void galois_stun_w_xor_addr(struct galois_buf *b, uint16_t type, const struct galois_ice_addr *addr,
                            const uint8_t txid[GALOIS_STUN_TXID_LEN])
{
    struct galois_ice_addr x = *addr;
    uint8_t v[20];
    size_t ip_len = addr->family == GALOIS_ICE_IPV6 ? 16 : 4;
    galois_stun_xor_addr(&x, txid);
    v[0] = 0;
    v[1] = (uint8_t)addr->family;
    galois_put_u16(v + 2, x.port);
    memcpy(v + 4, x.ip, ip_len);
    galois_stun_w_attr(b, type, v, 4 + ip_len);
}

// set_length writes the header's length field: the bytes written so far past the header plus
// `extra` still to come.
static void set_length(struct galois_buf *b, size_t extra)
{
    galois_put_u16(b->p + 2, (uint16_t)(b->len - GALOIS_STUN_HEADER_LEN + extra));
}

// sign appends the integrity attribute `alg` names: its HMAC runs over the message so far with
// the length field already counting the attribute (RFC 8489 §14.5, §14.6). SHA-256 is written
// in full: 32 bytes, no truncation.
static galois_err sign(struct galois_buf *b, struct galois_stun_key *key,
                       enum galois_stun_mac_alg alg)
{
    uint8_t mac[GALOIS_STUN_SHA256_LEN];
    uint8_t hdr[GALOIS_STUN_HEADER_LEN];
    galois_err err = GALOIS_ERR_OK;
    const uint8_t *body = b->p + GALOIS_STUN_HEADER_LEN;
    size_t body_len = b->len - GALOIS_STUN_HEADER_LEN;
    if (alg == GALOIS_STUN_MAC_SHA256) {
        set_length(b, STUN_INTEGRITY_SHA256_ATTR_LEN);
        memcpy(hdr, b->p, sizeof(hdr));
        err = galois_stun_mac_sha256(key, mac, hdr, body, body_len);
        if (err == GALOIS_ERR_OK) {
            galois_stun_w_attr(b, GALOIS_STUN_ATTR_MESSAGE_INTEGRITY_SHA256, mac,
                               GALOIS_STUN_SHA256_LEN);
        }
    } else {
        set_length(b, STUN_INTEGRITY_ATTR_LEN);
        memcpy(hdr, b->p, sizeof(hdr));
        err = galois_stun_mac(key, mac, hdr, body, body_len);
        if (err == GALOIS_ERR_OK) {
            galois_stun_w_attr(b, GALOIS_STUN_ATTR_MESSAGE_INTEGRITY, mac, GALOIS_STUN_SHA1_LEN);
        }
    }
    return err;
}

galois_err galois_stun_w_finish(struct galois_buf *b, struct galois_stun_key *key)
{
    return galois_stun_w_finish_alg(b, key, GALOIS_STUN_MAC_SHA1);
}

galois_err galois_stun_w_finish_alg(struct galois_buf *b, struct galois_stun_key *key,
                                    enum galois_stun_mac_alg alg)
{
    // The largest message we write stays far below the 16-bit length; the check keeps the
    // casts in set_length honest.
    size_t mi_len =
        alg == GALOIS_STUN_MAC_SHA256 ? STUN_INTEGRITY_SHA256_ATTR_LEN : STUN_INTEGRITY_ATTR_LEN;
    size_t tail = (key != NULL ? mi_len : 0) + STUN_FINGERPRINT_ATTR_LEN;
    if (b->failed || b->len < GALOIS_STUN_HEADER_LEN || b->cap - b->len < tail ||
        b->len > GALOIS_STUN_MAX_LEN) {
        return GALOIS_ERR_BUFFER;
    }
    if (key != NULL) {
        galois_err err = sign(b, key, alg);
        if (err != GALOIS_ERR_OK) {
            return err;
        }
    }
    set_length(b, STUN_FINGERPRINT_ATTR_LEN);
    uint8_t fp[4];
    galois_put_u32(fp, galois_stun_crc32(b->p, b->len) ^ STUN_FINGERPRINT_XOR);
    galois_stun_w_attr(b, GALOIS_STUN_ATTR_FINGERPRINT, fp, sizeof(fp));
    return b->failed ? GALOIS_ERR_BUFFER : GALOIS_ERR_OK;
}

static bool addr_ok(const struct galois_ice_addr *a)
{
    return a != NULL && (a->family == GALOIS_ICE_IPV4 || a->family == GALOIS_ICE_IPV6);
}

static galois_err done(galois_err err, struct galois_buf *b, size_t *out_len)
{
    *out_len = err == GALOIS_ERR_OK ? b->len : 0;
    return err;
}

galois_err galois_stun_write_request(uint8_t *out, size_t *out_len, size_t max,
                                     const struct galois_stun_request *req,
                                     struct galois_stun_key *key)
{
    struct galois_buf b;
    *out_len = 0;
    size_t ulen = req->username == NULL ? 0 : strlen(req->username);
    if (ulen > GALOIS_STUN_MAX_USERNAME_LEN) {
        return GALOIS_ERR_INVALID;
    }
    galois_buf_init(&b, out, max);
    galois_stun_w_begin(&b, galois_stun_type(GALOIS_STUN_BINDING, GALOIS_STUN_REQUEST), req->txid);
    if (req->username != NULL) {
        galois_stun_w_attr(&b, GALOIS_STUN_ATTR_USERNAME, req->username, ulen);
    }
    if (req->priority != 0) {
        uint8_t p[4];
        galois_put_u32(p, req->priority);
        galois_stun_w_attr(&b, GALOIS_STUN_ATTR_PRIORITY, p, sizeof(p));
    }
    if (req->use_candidate) {
        galois_stun_w_attr(&b, GALOIS_STUN_ATTR_USE_CANDIDATE, NULL, 0);
    }
    if (req->has_role) {
        uint8_t tb[8];
        galois_put_u32(tb, (uint32_t)(req->tie_breaker >> 32));
        galois_put_u32(tb + 4, (uint32_t)req->tie_breaker);
        galois_stun_w_attr(
            &b,
            req->controlling ? GALOIS_STUN_ATTR_ICE_CONTROLLING : GALOIS_STUN_ATTR_ICE_CONTROLLED,
            tb, sizeof(tb));
    }
    return done(galois_stun_w_finish(&b, key), &b, out_len);
}

galois_err galois_stun_write_success(uint8_t *out, size_t *out_len, size_t max,
                                     const uint8_t txid[GALOIS_STUN_TXID_LEN],
                                     const struct galois_ice_addr *mapped,
                                     struct galois_stun_key *key)
{
    return galois_stun_write_success_alg(out, out_len, max, txid, mapped, key,
                                         GALOIS_STUN_MAC_SHA1);
}

galois_err galois_stun_write_success_alg(uint8_t *out, size_t *out_len, size_t max,
                                         const uint8_t txid[GALOIS_STUN_TXID_LEN],
                                         const struct galois_ice_addr *mapped,
                                         struct galois_stun_key *key, enum galois_stun_mac_alg alg)
{
    struct galois_buf b;
    *out_len = 0;
    if (!addr_ok(mapped)) {
        return GALOIS_ERR_INVALID;
    }
    galois_buf_init(&b, out, max);
    galois_stun_w_begin(&b, galois_stun_type(GALOIS_STUN_BINDING, GALOIS_STUN_SUCCESS), txid);
    galois_stun_w_xor_addr(&b, GALOIS_STUN_ATTR_XOR_MAPPED_ADDRESS, mapped, txid);
    return done(galois_stun_w_finish_alg(&b, key, alg), &b, out_len);
}

// reason_phrase returns the reason phrase RFC 8489 §14.8 (and RFC 8445 §16.1 for 487) gives.
static const char *reason_phrase(uint16_t code)
{
    switch (code) {
        case 300:
            return "Try Alternate";
        case 400:
            return "Bad Request";
        case 401:
            return "Unauthenticated";
        case 420:
            return "Unknown Attribute";
        case 438:
            return "Stale Nonce";
        case 487:
            return "Role Conflict";
        case 500:
            return "Server Error";
        default:
            return "Error";
    }
}

galois_err galois_stun_write_error(uint8_t *out, size_t *out_len, size_t max,
                                   const uint8_t txid[GALOIS_STUN_TXID_LEN], uint16_t code,
                                   const uint16_t *unknown, size_t num_unknown,
                                   struct galois_stun_key *key)
{
    return galois_stun_write_error_alg(out, out_len, max, txid, code, unknown, num_unknown, key,
                                       GALOIS_STUN_MAC_SHA1);
}

galois_err galois_stun_write_error_alg(uint8_t *out, size_t *out_len, size_t max,
                                       const uint8_t txid[GALOIS_STUN_TXID_LEN], uint16_t code,
                                       const uint16_t *unknown, size_t num_unknown,
                                       struct galois_stun_key *key, enum galois_stun_mac_alg alg)
{
    struct galois_buf b;
    *out_len = 0;
    if (code < 300 || code > 699 || num_unknown > GALOIS_STUN_MAX_UNKNOWN ||
        (num_unknown > 0 && unknown == NULL)) {
        return GALOIS_ERR_INVALID;
    }
    const char *reason = reason_phrase(code);
    size_t reason_len = strlen(reason);
    uint8_t v[4 + 32];
    galois_put_u16(v, 0);
    v[2] = (uint8_t)(code / 100);
    v[3] = (uint8_t)(code % 100);
    memcpy(v + 4, reason, reason_len);
    galois_buf_init(&b, out, max);
    galois_stun_w_begin(&b, galois_stun_type(GALOIS_STUN_BINDING, GALOIS_STUN_ERROR), txid);
    galois_stun_w_attr(&b, GALOIS_STUN_ATTR_ERROR_CODE, v, 4 + reason_len);
    if (num_unknown > 0) {
        uint8_t list[2 * GALOIS_STUN_MAX_UNKNOWN];
        for (size_t i = 0; i < num_unknown; i++) {
            galois_put_u16(list + 2 * i, unknown[i]);
        }
        galois_stun_w_attr(&b, GALOIS_STUN_ATTR_UNKNOWN_ATTRIBUTES, list, 2 * num_unknown);
    }
    return done(galois_stun_w_finish_alg(&b, key, alg), &b, out_len);
}
