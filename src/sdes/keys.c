// key-params (RFC 4568 §9.2): "inline:" key||salt ["|" lifetime] ["|" MKI ":" length],
// several separated by ";". Keys are read and written here only, and wiped after use.
#include <string.h>

#include "internal.h"

enum {
    MAX_B64_LEN = 4 * ((GALOIS_SDES_MAX_KEY_SALT_LEN + 2) / 3),
    MAX_MKI_LEN = GALOIS_SRTP_MAX_MKI_LEN,
    MAX_LIFETIME_LOG2 = 48,  // RFC 3711 §9.2: 2^48 SRTP packets per master key
};

bool sdes_is_wsp(uint8_t ch)
{
    return ch == ' ' || ch == '\t';
}

bool sdes_is_vchar(uint8_t ch)
{
    return ch >= 0x21 && ch <= 0x7e;
}

static bool is_digit(uint8_t ch)
{
    return ch >= '0' && ch <= '9';
}

// dec reads 1..max_digits digits as a number no greater than `max`.
static bool dec(struct galois_cur *c, uint64_t *out, size_t max_digits, uint64_t max)
{
    struct galois_cur digits;
    struct galois_cur save = *c;
    if (!galois_cur_while(c, &digits, is_digit, max_digits) ||
        !galois_cur_u64_dec(&digits, out, max)) {
        *c = save;
        return false;
    }
    return true;
}

// decode_key decodes base64 key||salt, with or without its '=' padding (FreeSWITCH and
// rtpengine leave it out), into exactly `want` bytes.
static bool decode_key(struct galois_sdes_key *k, const struct galois_cur *b64, size_t want)
{
    char text[MAX_B64_LEN + 4];
    size_t n = galois_cur_len(b64);
    size_t len = 0;
    bool ok = false;
    if (n <= MAX_B64_LEN && n % 4 != 1) {
        memcpy(text, galois_cur_data(b64), n);
        while (n % 4 != 0) {
            text[n++] = '=';
        }
        ok = galois_base64_decode(k->key_salt, &len, sizeof(k->key_salt), text, n) ==
                 GALOIS_ERR_OK &&
             len == want;
    }
    galois_secure_zero(text, sizeof(text));
    k->key_salt_len = ok ? len : 0;
    if (!ok) {
        galois_secure_zero(k->key_salt, sizeof(k->key_salt));
    }
    return ok;
}

static bool parse_lifetime(struct galois_cur *c, struct galois_sdes_key *k)
{
    uint64_t v = 0;
    if (galois_cur_lit(c, "2^")) {
        if (!dec(c, &v, 2, MAX_LIFETIME_LOG2)) {
            return false;
        }
        k->lifetime = (uint64_t)1 << v;
        k->lifetime_pow2 = true;
        return true;
    }
    if (!dec(c, &v, 15, (uint64_t)1 << MAX_LIFETIME_LOG2) || v == 0) {
        return false;
    }
    k->lifetime = v;
    return true;
}

static bool parse_mki(struct galois_cur *c, struct galois_sdes_key *k)
{
    uint64_t value = 0;
    uint64_t len = 0;
    if (!dec(c, &value, 20, UINT64_MAX) || !galois_cur_lit(c, ":") ||
        !dec(c, &len, 3, MAX_MKI_LEN) || len == 0) {
        return false;
    }
    if (len < 8 && (value >> (8 * len)) != 0) {
        return false;  // the value does not fit in the MKI field
    }
    k->mki = value;
    k->mki_len = (size_t)len;
    return true;
}

// parse_key_param reads one key-param. A field after "|" is the MKI when it holds a ':',
// else the lifetime, which must come first.
static bool parse_key_param(struct galois_cur *c, struct galois_sdes_key *k, size_t want)
{
    struct galois_cur b64;
    if (!galois_cur_lit_nocase(c, "inline:")) {
        return false;
    }
    struct galois_cur at = *c;
    if (!galois_cur_until_any(c, &b64, "|; \t", MAX_B64_LEN + 1) || !decode_key(k, &b64, want)) {
        *c = at;  // report the key, not what follows it
        return false;
    }
    for (int field = 0; field < 2 && galois_cur_lit(c, "|"); field++) {
        struct galois_cur peek = *c;
        struct galois_cur tok;
        at = *c;
        if (!galois_cur_until_any(&peek, &tok, "|; \t", 64)) {
            return false;
        }
        bool is_mki = memchr(galois_cur_data(&tok), ':', galois_cur_len(&tok)) != NULL;
        if (is_mki ? !parse_mki(c, k) : (field > 0 || !parse_lifetime(c, k))) {
            *c = at;
            return false;
        }
        if (is_mki) {
            break;
        }
    }
    return true;
}

// mki_fits checks key `n` against the keys before it (RFC 4568 §6.1): one MKI length for
// all, an MKI on every key when there are several, no value twice.
static bool mki_fits(const struct galois_sdes_key *keys, size_t n)
{
    if (n == 0) {
        return true;
    }
    if (keys[n].mki_len != keys[0].mki_len || keys[n].mki_len == 0) {
        return false;
    }
    for (size_t j = 0; j < n; j++) {
        if (keys[j].mki == keys[n].mki) {
            return false;
        }
    }
    return true;
}

static bool mkis_valid(const struct galois_sdes_key *keys, size_t num)
{
    for (size_t i = 0; i < num; i++) {
        if (!mki_fits(keys, i)) {
            return false;
        }
    }
    return true;
}

galois_err sdes_parse_key_params(struct galois_cur *c, struct galois_sdes_key *keys,
                                 size_t *num_keys, size_t key_salt_len)
{
    size_t n = 0;
    do {
        struct galois_cur at = *c;
        if (n == GALOIS_SDES_MAX_KEYS) {
            return GALOIS_ERR_LIMIT;
        }
        if (!parse_key_param(c, &keys[n], key_salt_len)) {
            return GALOIS_ERR_PARSE;
        }
        if (!mki_fits(keys, n)) {
            *c = at;
            return GALOIS_ERR_PARSE;
        }
        n++;
    } while (galois_cur_lit(c, ";"));
    *num_keys = n;
    return GALOIS_ERR_OK;
}

static unsigned log2_of(uint64_t v)
{
    unsigned n = 0;
    while (v > 1) {
        v >>= 1;
        n++;
    }
    return n;
}

bool sdes_keys_valid(const struct galois_sdes_key *keys, size_t num_keys, size_t key_salt_len)
{
    if (num_keys == 0 || num_keys > GALOIS_SDES_MAX_KEYS || !mkis_valid(keys, num_keys)) {
        return false;
    }
    for (size_t i = 0; i < num_keys; i++) {
        const struct galois_sdes_key *k = &keys[i];
        bool pow2 = k->lifetime != 0 && (k->lifetime & (k->lifetime - 1)) == 0;
        if (k->key_salt_len != key_salt_len || k->mki_len > MAX_MKI_LEN ||
            k->lifetime > ((uint64_t)1 << MAX_LIFETIME_LOG2) || (k->lifetime_pow2 && !pow2) ||
            (k->mki_len > 0 && k->mki_len < 8 && (k->mki >> (8 * k->mki_len)) != 0)) {
            return false;
        }
    }
    return true;
}

static void write_key_param(struct galois_buf *b, const struct galois_sdes_key *k)
{
    char b64[MAX_B64_LEN + 1];
    size_t n = 0;
    galois_buf_puts(b, "inline:");
    if (galois_base64_encode(b64, &n, sizeof(b64), k->key_salt, k->key_salt_len) != GALOIS_ERR_OK) {
        b->failed = true;
    }
    galois_buf_put(b, b64, n);
    galois_secure_zero(b64, sizeof(b64));
    if (k->lifetime != 0) {
        galois_buf_putc(b, '|');
        if (k->lifetime_pow2) {
            galois_buf_puts(b, "2^");
            galois_buf_put_dec(b, log2_of(k->lifetime));
        } else {
            galois_buf_put_dec(b, k->lifetime);
        }
    }
    if (k->mki_len != 0) {
        galois_buf_putc(b, '|');
        galois_buf_put_dec(b, k->mki);
        galois_buf_putc(b, ':');
        galois_buf_put_dec(b, k->mki_len);
    }
}

void sdes_write_key_params(struct galois_buf *b, const struct galois_sdes_key *keys,
                           size_t num_keys)
{
    for (size_t i = 0; i < num_keys; i++) {
        if (i > 0) {
            galois_buf_putc(b, ';');
        }
        write_key_param(b, &keys[i]);
    }
}
