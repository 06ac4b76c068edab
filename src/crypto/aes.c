// AES-CTR on OpenSSL EVP, one reused context per object (AES-GCM is in gcm.c).
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <string.h>

#include "../common/internal.h"
#include "internal.h"

// Packets up to this size take the AES-ECB path: the counter blocks are built here and
// encrypted with one EVP call on a context that needs no per-packet IV set-up, which saves
// OpenSSL's per-call parameter handling on the short packets voice media is made of.
enum { ECB_MAX_LEN = 512 };

struct galois_aes_ctr {
    EVP_CIPHER_CTX *ctr;  // owned: AES-CTR, IV reset per packet
    EVP_CIPHER_CTX *ecb;  // owned: AES-ECB over counter blocks, for short packets
};

static const char *ctr_name(size_t key_len)
{
    switch (key_len) {
        case 16:
            return "AES-128-CTR";
        case 24:
            return "AES-192-CTR";
        case 32:
            return "AES-256-CTR";
        default:
            return NULL;
    }
}

static const char *ecb_name(size_t key_len)
{
    switch (key_len) {
        case 16:
            return "AES-128-ECB";
        case 24:
            return "AES-192-ECB";
        case 32:
            return "AES-256-ECB";
        default:
            return NULL;
    }
}

// new_cipher fetches `name` and makes a context keyed with `key` for encryption.
static EVP_CIPHER_CTX *new_cipher(const char *name, const uint8_t *key, bool padding_off)
{
    EVP_CIPHER *cipher = EVP_CIPHER_fetch(NULL, name, NULL);
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    if (cipher == NULL || ctx == NULL || EVP_EncryptInit_ex2(ctx, cipher, key, NULL, NULL) != 1 ||
        (padding_off && EVP_CIPHER_CTX_set_padding(ctx, 0) != 1)) {
        EVP_CIPHER_CTX_free(ctx);
        ctx = NULL;
    }
    EVP_CIPHER_free(cipher);  // the context keeps its own reference
    return ctx;
}

galois_err galois_aes_ctr_new(struct galois_aes_ctr **out, const uint8_t *key, size_t key_len)
{
    *out = NULL;
    if (ctr_name(key_len) == NULL) {
        return GALOIS_ERR_INVALID;
    }
    struct galois_aes_ctr *c = calloc(1, sizeof(*c));
    if (c == NULL) {
        return GALOIS_ERR_NOMEM;
    }
    ERR_set_mark();
    c->ctr = new_cipher(ctr_name(key_len), key, false);
    c->ecb = new_cipher(ecb_name(key_len), key, true);
    if (c->ctr == NULL || c->ecb == NULL) {
        ERR_pop_to_mark();
        galois_aes_ctr_free(c);
        return GALOIS_ERR_CRYPTO;
    }
    ERR_clear_last_mark();
    *out = c;
    return GALOIS_ERR_OK;
}

void galois_aes_ctr_free(struct galois_aes_ctr *ctr)
{
    if (ctr == NULL) {
        return;
    }
    EVP_CIPHER_CTX_free(ctr->ctr);  // OpenSSL cleanses the key schedule
    EVP_CIPHER_CTX_free(ctr->ecb);
    free(ctr);
}

static uint64_t load_be64(const uint8_t *p)
{
    uint64_t v;
    memcpy(&v, p, sizeof(v));
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    v = __builtin_bswap64(v);
#endif
    return v;
}

static void store_be64(uint8_t *p, uint64_t v)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    v = __builtin_bswap64(v);
#endif
    memcpy(p, &v, sizeof(v));
}

// ecb_xor builds the counter blocks iv, iv+1, ... (RFC 3711 §4.1.1: the counter is the whole
// 128-bit block incremented, as AES-CTR does) and XORs their encryption into `in`.
static galois_err ecb_xor(EVP_CIPHER_CTX *ecb, uint8_t *out, const uint8_t *in, size_t len,
                          const uint8_t iv[GALOIS_AES_BLOCK], bool secret_out)
{
    uint8_t blocks[ECB_MAX_LEN];
    size_t num_blocks = (len + GALOIS_AES_BLOCK - 1) / GALOIS_AES_BLOCK;
    uint64_t hi = load_be64(iv);
    uint64_t lo = load_be64(iv + 8);
    bool carries = lo + (num_blocks - 1) < lo;  // SRTP's counters never do; other callers may
    for (size_t b = 0; b < num_blocks; b++) {
        uint64_t l = lo + b;
        store_be64(blocks + b * GALOIS_AES_BLOCK, carries && l < lo ? hi + 1 : hi);
        store_be64(blocks + b * GALOIS_AES_BLOCK + 8, l);
    }
    int n = 0;
    size_t blocks_len = num_blocks * GALOIS_AES_BLOCK;
    if (EVP_EncryptUpdate(ecb, blocks, &n, blocks, (int)blocks_len) != 1 ||
        (size_t)n != blocks_len) {
        galois_secure_zero(blocks, blocks_len);
        return GALOIS_ERR_CRYPTO;
    }
    // Each keystream word is replaced by the output word it made, so no keystream stays on the
    // stack without a second pass; only the unused tail of the last block is wiped.
    size_t i = 0;
    for (; i + 8 <= len; i += 8) {
        uint64_t x;
        uint64_t k;
        memcpy(&x, in + i, 8);
        memcpy(&k, blocks + i, 8);
        x ^= k;
        memcpy(out + i, &x, 8);
        memcpy(blocks + i, &x, 8);
    }
    for (; i < len; i++) {
        out[i] = in[i] ^ blocks[i];
        blocks[i] = out[i];
    }
    // When the output is itself secret (a keystream asked for as such: key derivation, RFC 6904
    // header masks), the copy left in `blocks` is too: wipe all of it.
    size_t wipe_from = secret_out ? 0 : len;
    galois_secure_zero(blocks + wipe_from, blocks_len - wipe_from);
    return GALOIS_ERR_OK;
}

galois_err galois_aes_ctr_xor(struct galois_aes_ctr *ctr, uint8_t *out, const uint8_t *in,
                              size_t len, const uint8_t iv[GALOIS_AES_BLOCK])
{
    if (len == 0) {
        return GALOIS_ERR_OK;
    }
    if (len <= ECB_MAX_LEN) {
        return ecb_xor(ctr->ecb, out, in, len, iv, false);
    }
    int n = 0;
    if (len > INT32_MAX || EVP_EncryptInit_ex2(ctr->ctr, NULL, NULL, iv, NULL) != 1 ||
        EVP_EncryptUpdate(ctr->ctr, out, &n, in, (int)len) != 1 || (size_t)n != len) {
        return GALOIS_ERR_CRYPTO;
    }
    return GALOIS_ERR_OK;
}

galois_err galois_aes_ctr_keystream(struct galois_aes_ctr *ctr, uint8_t *out, size_t len,
                                    const uint8_t iv[GALOIS_AES_BLOCK])
{
    memset(out, 0, len);
    if (len > 0 && len <= ECB_MAX_LEN) {
        return ecb_xor(ctr->ecb, out, out, len, iv, true);
    }
    return galois_aes_ctr_xor(ctr, out, out, len, iv);
}

galois_err galois_aes_keystream(uint8_t *out, size_t len, const uint8_t *key, size_t key_len,
                                const uint8_t iv[GALOIS_AES_BLOCK])
{
    struct galois_aes_ctr *ctr = NULL;
    GALOIS_TRY(galois_aes_ctr_new(&ctr, key, key_len));
    galois_err err = galois_aes_ctr_keystream(ctr, out, len, iv);
    galois_aes_ctr_free(ctr);
    return err;
}

bool galois_ct_equal(const uint8_t *a, const uint8_t *b, size_t len)
{
    return CRYPTO_memcmp(a, b, len) == 0;
}
