// The STUN message parser (RFC 8489 §5, §14) and the MESSAGE-INTEGRITY and
// MESSAGE-INTEGRITY-SHA256 checks. Every byte is read through the common cursor; the message is
// refused as a whole at the first fault, with `why` naming it, so the agent can count what it
// dropped.
#include <string.h>

#include "internal.h"

#define WHY_TEXT_(name, text) text,
static const char *const why_text[] = {GALOIS_STUN_WHYS(WHY_TEXT_)};
#undef WHY_TEXT_

const char *galois_stun_why_str(enum galois_stun_why why)
{
    if ((unsigned)why >= GALOIS_ARRAY_LEN(why_text)) {
        return "unknown reason";
    }
    return why_text[why];
}

static galois_err refuse(struct galois_stun_msg *m, enum galois_stun_why why)
{
    memset(m, 0, sizeof(*m));
    m->why = why;
    return why == GALOIS_STUN_WHY_OVERSIZED ? GALOIS_ERR_LIMIT : GALOIS_ERR_PARSE;
}

static bool u64(struct galois_cur *c, uint64_t *out)
{
    uint32_t hi = 0;
    uint32_t lo = 0;
    if (!galois_cur_u32(c, &hi) || !galois_cur_u32(c, &lo)) {
        return false;
    }
    *out = ((uint64_t)hi << 32) | lo;
    return true;
}

// xor_address reads an (XOR-)MAPPED-ADDRESS value (RFC 8489 §14.2): a reserved byte, the
// family, the port and 4 or 16 bytes of address, and nothing more.
static bool xor_address(struct galois_cur v, const uint8_t *txid, struct galois_ice_addr *out)
{
    uint8_t reserved = 0;
    uint8_t family = 0;
    uint16_t port = 0;
    if (!galois_cur_u8(&v, &reserved) || !galois_cur_u8(&v, &family) ||
        !galois_cur_u16(&v, &port)) {
        return false;
    }
    size_t ip_len = family == GALOIS_ICE_IPV4 ? 4 : family == GALOIS_ICE_IPV6 ? 16 : 0;
    memset(out, 0, sizeof(*out));
    if (ip_len == 0 || galois_cur_len(&v) != ip_len || !galois_cur_copy(&v, out->ip, ip_len)) {
        return false;
    }
    out->family = family == GALOIS_ICE_IPV4 ? GALOIS_ICE_IPV4 : GALOIS_ICE_IPV6;
    out->port = port;
    galois_stun_xor_addr(out, txid);
    return true;
}

// error_code reads an ERROR-CODE value (RFC 8489 §14.8): 21 reserved bits, the class (3..6)
// in 3 bits, the number (0..99) in 8, then the reason phrase.
static bool error_code(struct galois_cur v, struct galois_stun_msg *m)
{
    uint16_t reserved = 0;
    uint8_t cls = 0;
    uint8_t number = 0;
    if (!galois_cur_u16(&v, &reserved) || !galois_cur_u8(&v, &cls) || !galois_cur_u8(&v, &number)) {
        return false;
    }
    cls &= 7u;
    if (cls < 3 || cls > 6 || number > 99 || galois_cur_len(&v) > GALOIS_STUN_MAX_REASON_LEN) {
        return false;
    }
    m->has_error = true;
    m->error_code = (uint16_t)(cls * 100u + number);
    m->reason = galois_cur_data(&v);
    m->reason_len = galois_cur_len(&v);
    return true;
}

static void view(struct galois_cur v, const uint8_t **p, size_t *len)
{
    if (*p == NULL) {  // the first occurrence counts (RFC 8489 §14)
        *p = galois_cur_data(&v);
        *len = galois_cur_len(&v);
    }
}

// attribute takes one attribute of type `type` with value `v` into `m`; false if a known
// attribute is malformed. `after_integrity` is set once MESSAGE-INTEGRITY was seen: then only
// MESSAGE-INTEGRITY-SHA256 (and FINGERPRINT, handled by the caller) are read.
static bool attribute(struct galois_stun_msg *m, uint16_t type, struct galois_cur v, size_t off,
                      bool after_integrity)
{
    size_t len = galois_cur_len(&v);
    if (after_integrity &&
        (type != GALOIS_STUN_ATTR_MESSAGE_INTEGRITY_SHA256 || m->has_integrity_sha256)) {
        return true;  // RFC 8489 §14.5: ignored
    }
    switch (type) {
        case GALOIS_STUN_ATTR_USERNAME:
            if (len > GALOIS_STUN_MAX_USERNAME_LEN) {
                return false;
            }
            view(v, &m->username, &m->username_len);
            return true;
        case GALOIS_STUN_ATTR_REALM:
            view(v, &m->realm, &m->realm_len);
            return true;
        case GALOIS_STUN_ATTR_NONCE:
            view(v, &m->nonce, &m->nonce_len);
            return true;
        case GALOIS_STUN_ATTR_SOFTWARE:
            view(v, &m->software, &m->software_len);
            return true;
        case GALOIS_STUN_ATTR_MESSAGE_INTEGRITY:
            if (len != GALOIS_STUN_SHA1_LEN) {
                return false;
            }
            m->has_integrity = true;
            m->integrity_off = off;
            return true;
        case GALOIS_STUN_ATTR_MESSAGE_INTEGRITY_SHA256:
            // RFC 8489 §14.6: 16 to 32 bytes, a multiple of 4.
            if (len < 16 || len > 32 || len % 4 != 0) {
                return false;
            }
            if (!m->has_integrity_sha256) {
                m->has_integrity_sha256 = true;
                m->integrity_sha256_off = off;
            }
            return true;
        case GALOIS_STUN_ATTR_XOR_MAPPED_ADDRESS:
            if (m->has_xor_mapped) {
                return true;
            }
            m->has_xor_mapped = xor_address(v, m->txid, &m->xor_mapped);
            return m->has_xor_mapped;
        case GALOIS_STUN_ATTR_MAPPED_ADDRESS: {
            struct galois_ice_addr unused;
            return xor_address(v, m->txid, &unused);  // understood, checked, not kept
        }
        case GALOIS_STUN_ATTR_ERROR_CODE:
            return m->has_error || error_code(v, m);
        case GALOIS_STUN_ATTR_UNKNOWN_ATTRIBUTES:
            return len % 2 == 0;
        case GALOIS_STUN_ATTR_PRIORITY:
            if (m->has_priority) {
                return len == 4;
            }
            m->has_priority = galois_cur_u32(&v, &m->priority) && galois_cur_len(&v) == 0;
            return m->has_priority;
        case GALOIS_STUN_ATTR_USE_CANDIDATE:
            m->use_candidate = true;
            return len == 0;
        case GALOIS_STUN_ATTR_ICE_CONTROLLED:
        case GALOIS_STUN_ATTR_ICE_CONTROLLING: {
            uint64_t tb = 0;
            if (!u64(&v, &tb) || galois_cur_len(&v) != 0) {
                return false;
            }
            if (!m->has_controlled && !m->has_controlling) {
                m->tie_breaker = tb;
            }
            m->has_controlled |= type == GALOIS_STUN_ATTR_ICE_CONTROLLED;
            m->has_controlling |= type == GALOIS_STUN_ATTR_ICE_CONTROLLING;
            return true;
        }
        default:
            if (type < 0x8000) {  // comprehension-required and not known here
                if (m->num_unknown < GALOIS_STUN_MAX_UNKNOWN) {
                    m->unknown[m->num_unknown] = type;
                }
                m->num_unknown++;
            }
            return true;  // comprehension-optional: ignored
    }
}

// fingerprint checks the FINGERPRINT value `v` against the CRC of the `off` bytes before it.
static bool fingerprint(const uint8_t *in, size_t in_len, size_t off, struct galois_cur v)
{
    struct galois_cur whole;
    struct galois_cur covered;
    uint32_t got = 0;
    galois_cur_init(&whole, in, in_len);
    if (!galois_cur_u32(&v, &got) || galois_cur_len(&v) != 0 ||
        !galois_cur_take(&whole, &covered, off)) {
        return false;
    }
    uint32_t want = galois_stun_crc32(galois_cur_data(&covered), galois_cur_len(&covered)) ^
                    STUN_FINGERPRINT_XOR;
    return got == want;
}

galois_err galois_stun_parse(struct galois_stun_msg *out, const uint8_t *in, size_t in_len)
{
    struct galois_cur c;
    galois_cur_init(&c, in, in_len);
    uint16_t type = 0;
    uint16_t length = 0;
    uint32_t cookie = 0;
    memset(out, 0, sizeof(*out));
    if (in_len > GALOIS_STUN_MAX_LEN) {
        return refuse(out, GALOIS_STUN_WHY_OVERSIZED);
    }
    if (!galois_cur_u16(&c, &type) || !galois_cur_u16(&c, &length) ||
        !galois_cur_u32(&c, &cookie) || !galois_cur_copy(&c, out->txid, GALOIS_STUN_TXID_LEN)) {
        return refuse(out, GALOIS_STUN_WHY_TRUNCATED);
    }
    if ((type & 0xC000u) != 0) {
        return refuse(out, GALOIS_STUN_WHY_NOT_STUN);
    }
    if (cookie != GALOIS_STUN_MAGIC_COOKIE) {
        return refuse(out, GALOIS_STUN_WHY_BAD_COOKIE);
    }
    if (length > galois_cur_len(&c)) {
        return refuse(out, GALOIS_STUN_WHY_TRUNCATED);
    }
    if (length != galois_cur_len(&c)) {
        return refuse(out, GALOIS_STUN_WHY_BAD_LENGTH);
    }
    // A length that is not a multiple of 4 is caught by the walk below: the last attribute's
    // header or padding does not fit (every attribute takes a multiple of 4 bytes).
    out->cls = (enum galois_stun_class)(((type >> 4) & 1u) | ((type >> 7) & 2u));
    out->method = (uint16_t)((type & 0x000Fu) | ((type >> 1) & 0x0070u) | ((type >> 2) & 0x0F80u));
    out->len = in_len;

    bool after_integrity = false;
    while (galois_cur_len(&c) > 0) {
        size_t off = in_len - galois_cur_len(&c);
        uint16_t atype = 0;
        uint16_t alen = 0;
        struct galois_cur value;
        if (!galois_cur_u16(&c, &atype) || !galois_cur_u16(&c, &alen)) {
            return refuse(out, GALOIS_STUN_WHY_ATTR_OVERRUN);  // 1..3 bytes left
        }
        if (!galois_cur_take(&c, &value, alen)) {
            return refuse(out, GALOIS_STUN_WHY_ATTR_OVERRUN);
        }
        if (!galois_cur_skip(&c, (4u - alen % 4u) % 4u)) {
            return refuse(out, GALOIS_STUN_WHY_BAD_PADDING);
        }
        if (atype == GALOIS_STUN_ATTR_FINGERPRINT) {
            if (galois_cur_len(&c) != 0) {
                return refuse(out, GALOIS_STUN_WHY_FINGERPRINT_NOT_LAST);
            }
            if (alen != 4) {
                return refuse(out, GALOIS_STUN_WHY_BAD_ATTR);
            }
            if (!fingerprint(in, in_len, off, value)) {
                return refuse(out, GALOIS_STUN_WHY_FINGERPRINT_MISMATCH);
            }
            out->has_fingerprint = true;
            break;
        }
        if (!attribute(out, atype, value, off, after_integrity)) {
            return refuse(out, GALOIS_STUN_WHY_BAD_ATTR);
        }
        // RFC 8489 §14.5, §14.6: past either integrity attribute only FINGERPRINT counts.
        after_integrity = out->has_integrity || out->has_integrity_sha256;
    }
    if (length % 4 != 0) {
        return refuse(out, GALOIS_STUN_WHY_BAD_LENGTH);  // unreachable: see above
    }
    return GALOIS_ERR_OK;
}

// covered splits the message at `in` into what an integrity attribute at `off` covers: the
// header, copied into `hdr` with its length set to end at the attribute (RFC 8489 §14.5,
// §14.6), and the attributes before it in `body`; `value` gets the attribute's value, which
// must be of type `type` and `min_len`..`max_len` bytes. False if the bytes do not hold that.
static bool covered(const uint8_t *in, size_t in_len, size_t off, uint16_t type, size_t min_len,
                    size_t max_len, uint8_t hdr[GALOIS_STUN_HEADER_LEN], struct galois_cur *body,
                    struct galois_cur *value)
{
    struct galois_cur c;
    uint16_t atype = 0;
    uint16_t alen = 0;
    galois_cur_init(&c, in, in_len);
    if (off < GALOIS_STUN_HEADER_LEN || !galois_cur_copy(&c, hdr, GALOIS_STUN_HEADER_LEN) ||
        !galois_cur_take(&c, body, off - GALOIS_STUN_HEADER_LEN) || !galois_cur_u16(&c, &atype) ||
        !galois_cur_u16(&c, &alen) || atype != type || alen < min_len || alen > max_len ||
        !galois_cur_take(&c, value, alen)) {
        return false;
    }
    galois_put_u16(hdr + 2, (uint16_t)(off + STUN_ATTR_HEADER_LEN + alen - GALOIS_STUN_HEADER_LEN));
    return true;
}

// check_sha1 checks MESSAGE-INTEGRITY (RFC 8489 §14.5).
static galois_err check_sha1(struct galois_stun_key *key, const struct galois_stun_msg *msg,
                             const uint8_t *in, size_t in_len)
{
    uint8_t hdr[GALOIS_STUN_HEADER_LEN];
    struct galois_cur body;
    struct galois_cur mi;
    if (!covered(in, in_len, msg->integrity_off, GALOIS_STUN_ATTR_MESSAGE_INTEGRITY,
                 GALOIS_STUN_SHA1_LEN, GALOIS_STUN_SHA1_LEN, hdr, &body, &mi)) {
        return GALOIS_ERR_INVALID;
    }
    uint8_t mac[GALOIS_STUN_SHA1_LEN];
    galois_err err = galois_stun_mac(key, mac, hdr, galois_cur_data(&body), galois_cur_len(&body));
    if (err == GALOIS_ERR_OK && !galois_ct_equal(mac, galois_cur_data(&mi), GALOIS_STUN_SHA1_LEN)) {
        err = GALOIS_ERR_AUTH;
    }
    galois_secure_zero(mac, sizeof(mac));
    return err;
}

// check_sha256 checks MESSAGE-INTEGRITY-SHA256 (RFC 8489 §14.6): the HMAC-SHA256 truncated to
// the attribute's length, which the parser has held to 16..32 and a multiple of 4. Below
// `min_len` it fails as a mismatch would.
static galois_err check_sha256(struct galois_stun_key *key, const struct galois_stun_msg *msg,
                               const uint8_t *in, size_t in_len, size_t min_len)
{
    uint8_t hdr[GALOIS_STUN_HEADER_LEN];
    struct galois_cur body;
    struct galois_cur mi;
    if (!covered(in, in_len, msg->integrity_sha256_off, GALOIS_STUN_ATTR_MESSAGE_INTEGRITY_SHA256,
                 GALOIS_STUN_SHA256_MIN_LEN, GALOIS_STUN_SHA256_LEN, hdr, &body, &mi) ||
        galois_cur_len(&mi) % 4 != 0) {
        return GALOIS_ERR_INVALID;
    }
    if (galois_cur_len(&mi) < min_len) {
        return GALOIS_ERR_AUTH;
    }
    uint8_t mac[GALOIS_STUN_SHA256_LEN];
    galois_err err =
        galois_stun_mac_sha256(key, mac, hdr, galois_cur_data(&body), galois_cur_len(&body));
    if (err == GALOIS_ERR_OK && !galois_ct_equal(mac, galois_cur_data(&mi), galois_cur_len(&mi))) {
        err = GALOIS_ERR_AUTH;
    }
    galois_secure_zero(mac, sizeof(mac));
    return err;
}

galois_err galois_stun_verify(struct galois_stun_key *key, const struct galois_stun_msg *msg,
                              const uint8_t *in, size_t in_len, size_t min_sha256_len)
{
    if (!msg->has_integrity && !msg->has_integrity_sha256) {
        return GALOIS_ERR_NOT_FOUND;
    }
    if (key == NULL || in_len != msg->len) {
        return GALOIS_ERR_INVALID;
    }
    // RFC 8489 §9.1.3: MESSAGE-INTEGRITY-SHA256 when it is there, and then only it. A wrong
    // SHA-256 value is AUTH even beside a right MESSAGE-INTEGRITY: no second try with SHA-1.
    // (A message whose SHA-256 attribute was cut off is a MESSAGE-INTEGRITY message; see
    // docs/ICE.md.)
    if (msg->has_integrity_sha256) {
        return check_sha256(key, msg, in, in_len, min_sha256_len);
    }
    return check_sha1(key, msg, in, in_len);
}

galois_err galois_stun_check_integrity(struct galois_stun_key *key,
                                       const struct galois_stun_msg *msg, const uint8_t *in,
                                       size_t in_len)
{
    return galois_stun_verify(key, msg, in, in_len, GALOIS_STUN_SHA256_MIN_LEN);
}
