// Certificate fingerprints as a=fingerprint carries them (RFC 8122 §5), and the check of the
// peer's certificate against the ones from its SDP.
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

struct hash_entry {
    const char *name;
    size_t len;
};

static const struct hash_entry hashes[] = {
    [GALOIS_DTLS_HASH_SHA1] = {"sha-1", 20},     [GALOIS_DTLS_HASH_SHA224] = {"sha-224", 28},
    [GALOIS_DTLS_HASH_SHA256] = {"sha-256", 32}, [GALOIS_DTLS_HASH_SHA384] = {"sha-384", 48},
    [GALOIS_DTLS_HASH_SHA512] = {"sha-512", 64},
};

static bool hash_known(enum galois_dtls_hash h)
{
    return h > GALOIS_DTLS_HASH_NONE && (size_t)h < GALOIS_ARRAY_LEN(hashes);
}

const char *galois_dtls_hash_name(enum galois_dtls_hash h)
{
    return hash_known(h) ? hashes[h].name : "?";
}

static const EVP_MD *hash_md(enum galois_dtls_hash h)
{
    switch (h) {
        case GALOIS_DTLS_HASH_SHA1:
            return EVP_sha1();
        case GALOIS_DTLS_HASH_SHA224:
            return EVP_sha224();
        case GALOIS_DTLS_HASH_SHA256:
            return EVP_sha256();
        case GALOIS_DTLS_HASH_SHA384:
            return EVP_sha384();
        case GALOIS_DTLS_HASH_SHA512:
            return EVP_sha512();
        case GALOIS_DTLS_HASH_NONE:
        default:
            return NULL;
    }
}

static bool is_hash_char(uint8_t ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
           ch == '-';
}

static int hex_value(uint8_t ch)
{
    if (ch >= '0' && ch <= '9') {
        return ch - '0';
    }
    if (ch >= 'A' && ch <= 'F') {
        return ch - 'A' + 10;
    }
    if (ch >= 'a' && ch <= 'f') {
        return ch - 'a' + 10;
    }
    return -1;
}

// parse_hex reads `n` bytes written as hex pairs joined by ':' and nothing after them.
static bool parse_hex(struct galois_cur *c, uint8_t *out, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        uint8_t hi = 0;
        uint8_t lo = 0;
        if ((i > 0 && !galois_cur_lit(c, ":")) || !galois_cur_u8(c, &hi) ||
            !galois_cur_u8(c, &lo) || hex_value(hi) < 0 || hex_value(lo) < 0) {
            return false;
        }
        out[i] = (uint8_t)(hex_value(hi) << 4 | hex_value(lo));
    }
    return galois_cur_len(c) == 0;
}

galois_err galois_dtls_fingerprint_parse(struct galois_dtls_fingerprint *out, const char *text,
                                         size_t len)
{
    memset(out, 0, sizeof(*out));
    struct galois_cur c;
    struct galois_cur name;
    galois_cur_init(&c, (const uint8_t *)text, len);
    if (!galois_cur_while(&c, &name, is_hash_char, 16) || !galois_cur_lit(&c, " ")) {
        return GALOIS_ERR_PARSE;
    }
    enum galois_dtls_hash h = GALOIS_DTLS_HASH_NONE;
    for (size_t i = 1; i < GALOIS_ARRAY_LEN(hashes); i++) {
        if (galois_cur_eq_nocase(&name, hashes[i].name)) {
            h = (enum galois_dtls_hash)i;
        }
    }
    if (h == GALOIS_DTLS_HASH_NONE) {
        return GALOIS_ERR_UNSUPPORTED;
    }
    if (!parse_hex(&c, out->value, hashes[h].len)) {
        memset(out, 0, sizeof(*out));
        return GALOIS_ERR_PARSE;
    }
    out->hash = h;
    out->len = hashes[h].len;
    return GALOIS_ERR_OK;
}

galois_err galois_dtls_fingerprint_text(char *out, size_t max,
                                        const struct galois_dtls_fingerprint *fp)
{
    static const char hex[] = "0123456789ABCDEF";
    if (!hash_known(fp->hash) || fp->len != hashes[fp->hash].len) {
        if (max > 0) {
            out[0] = '\0';
        }
        return GALOIS_ERR_INVALID;
    }
    struct galois_buf b;
    galois_buf_init(&b, out, max);
    galois_buf_puts(&b, hashes[fp->hash].name);
    for (size_t i = 0; i < fp->len; i++) {
        galois_buf_putc(&b, i == 0 ? ' ' : ':');
        galois_buf_putc(&b, hex[fp->value[i] >> 4]);
        galois_buf_putc(&b, hex[fp->value[i] & 15]);
    }
    if (!galois_buf_finish(&b)) {
        if (max > 0) {
            out[0] = '\0';
        }
        return GALOIS_ERR_BUFFER;
    }
    return GALOIS_ERR_OK;
}

galois_err dtls_x509_fingerprint(struct galois_dtls_fingerprint *out, const X509 *x,
                                 enum galois_dtls_hash hash)
{
    memset(out, 0, sizeof(*out));
    const EVP_MD *md = hash_md(hash);
    if (md == NULL) {
        return GALOIS_ERR_INVALID;
    }
    unsigned n = 0;
    if (X509_digest(x, md, out->value, &n) != 1 || n != hashes[hash].len) {
        memset(out, 0, sizeof(*out));
        return GALOIS_ERR_CRYPTO;
    }
    out->hash = hash;
    out->len = n;
    return GALOIS_ERR_OK;
}

bool dtls_check_peer(struct galois_dtls *d, const X509 *peer)
{
    if (peer == NULL) {
        (void)dtls_fail(d, GALOIS_ERR_AUTH, "peer sent no certificate");
        return false;
    }
    for (size_t i = 0; i < d->num_remote; i++) {
        const struct galois_dtls_fingerprint *want = &d->remote[i];
        struct galois_dtls_fingerprint got;
        if (dtls_x509_fingerprint(&got, peer, want->hash) != GALOIS_ERR_OK) {
            (void)dtls_fail(d, GALOIS_ERR_CRYPTO, "cannot hash the peer certificate with %s",
                            galois_dtls_hash_name(want->hash));
            return false;
        }
        if (got.len != want->len || CRYPTO_memcmp(got.value, want->value, got.len) != 0) {
            char got_text[GALOIS_DTLS_MAX_FINGERPRINT_TEXT];
            char want_text[GALOIS_DTLS_MAX_FINGERPRINT_TEXT];
            if (galois_dtls_fingerprint_text(got_text, sizeof(got_text), &got) != GALOIS_ERR_OK ||
                galois_dtls_fingerprint_text(want_text, sizeof(want_text), want) != GALOIS_ERR_OK) {
                got_text[0] = '\0';
                want_text[0] = '\0';
            }
            (void)dtls_fail(d, GALOIS_ERR_AUTH,
                            "peer certificate does not match the SDP fingerprint: got %s, want %s",
                            got_text, want_text);
            return false;
        }
    }
    return true;
}
