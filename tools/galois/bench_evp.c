// `galois bench`: the OpenSSL EVP floor. It does the cipher and MAC work of SRTP/SRTCP with
// reused contexts and nothing else: session keys derived once, only the IV reset per packet,
// the ROC followed by the simplest rule that works for in-order packets, no replay window, no
// stream lookup, no key-usage counting. Its packets are byte-identical to galois's and
// libsrtp's (bench.c checks that before timing), so it does the same work, and the time
// an SRTP implementation spends above it is the cost of everything else it does.
//
// OpenSSL appears here although the tool otherwise sees only include/galois/: measuring the
// raw EVP calls is the point of this file. The ways of calling EVP that are compared (the
// fastest is the floor; docs/BENCH.md has the measurements) are the variants below, and
// `galois bench --evp-variants` measures them again.
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_impl.h"

enum {
    SHA1_LEN = 20,
    SHA1_BLOCK = 64,
    AES_BLOCK = 16,
    ECB_MAX_LEN = 512,  // CTR_BY_SIZE: the ECB path up to this many bytes (galois's split)
};

// HMAC-SHA1 strategies on OpenSSL 3.0.
enum hmac_variant {
    // EVP_MAC_init(ctx, NULL, 0, NULL) re-initialises a keyed HMAC context per message. Inside,
    // HMAC_Init_ex and HMAC_Final each call EVP_MD_CTX_copy_ex, which on 3.0 frees and
    // re-allocates the SHA-1 context (provider dupctx) every time.
    HMAC_EVP_MAC,
    // EVP_MD_CTX_copy_ex from two precomputed digest contexts (key XOR ipad / opad absorbed):
    // the same two copies without the EVP_MAC layer.
    HMAC_MD_COPY,
    // EVP_DigestInit_ex2(ctx, NULL, NULL) re-initialises the same digest context with no
    // allocation; the 64-byte ipad and opad blocks are hashed again each time (two more SHA-1
    // compressions, which SHA-NI makes cheap).
    HMAC_REHASH,
    HMAC_VARIANTS_
};

enum ctr_variant {
    CTR_IV_RESET,    // EVP_EncryptInit_ex(ctx, NULL, NULL, NULL, iv) then EVP_EncryptUpdate
    CTR_ECB_BLOCKS,  // counter blocks built here, one AES-ECB EVP_EncryptUpdate, XOR
    CTR_BY_SIZE,     // ECB up to ECB_MAX_LEN bytes, IV reset above (what galois does)
    CTR_VARIANTS_
};

// AES-GCM: two choices, as bits. The tag goes through EVP_CIPHER_CTX_ctrl
// (EVP_CTRL_AEAD_GET_TAG / SET_TAG), or with GCM_TAG_PARAMS straight through
// EVP_CIPHER_CTX_get_params / set_params. The IV is set with EVP_EncryptInit_ex(ctx, NULL,
// NULL, NULL, iv), or with GCM_IV_FIXED as the whole "fixed" IV of OpenSSL's TLS interface
// (OSSL_CIPHER_PARAM_AEAD_TLS1_IV_FIXED with length -1, which EVP_CTRL_AEAD_SET_IV_FIXED
// documents as "restore the whole IV"), which skips the init path's parameter round trips.
enum gcm_variant { GCM_CTRL = 0, GCM_TAG_PARAMS = 1, GCM_IV_FIXED = 2, GCM_VARIANTS_ = 4 };

// The floor's choices, from the measurements in docs/BENCH.md: the fastest HMAC and AES-CM
// ways, and GCM through the documented IV reset (EVP_EncryptInit_ex with only an IV) with the
// tag through the parameter interface. GCM_IV_FIXED is faster still but borrows a TLS-only
// parameter, so it is measured as a variant and left out of the floor.
static const enum hmac_variant floor_hmac = HMAC_MD_COPY;
static const enum ctr_variant floor_ctr = CTR_ECB_BLOCKS;
static const enum gcm_variant floor_gcm = GCM_TAG_PARAMS;

struct hmac {
    enum hmac_variant variant;
    EVP_MAC_CTX *mac;   // HMAC_EVP_MAC
    EVP_MD_CTX *inner;  // HMAC_MD_COPY: after key ^ ipad
    EVP_MD_CTX *outer;  // HMAC_MD_COPY: after key ^ opad
    EVP_MD_CTX *work;   // HMAC_MD_COPY, HMAC_REHASH
    uint8_t ipad[SHA1_BLOCK];
    uint8_t opad[SHA1_BLOCK];
};

static bool hmac_init(struct hmac *h, enum hmac_variant v, const uint8_t *key, size_t key_len)
{
    memset(h, 0, sizeof(*h));
    h->variant = v;
    for (size_t i = 0; i < SHA1_BLOCK; i++) {
        uint8_t k = i < key_len ? key[i] : 0;  // SRTP auth keys are 20 bytes: no pre-hash
        h->ipad[i] = k ^ 0x36;
        h->opad[i] = k ^ 0x5c;
    }
    if (v == HMAC_EVP_MAC) {
        EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
        char digest[] = "SHA1";
        OSSL_PARAM params[] = {
            OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
            OSSL_PARAM_construct_end(),
        };
        h->mac = mac == NULL ? NULL : EVP_MAC_CTX_new(mac);
        EVP_MAC_free(mac);
        return h->mac != NULL && EVP_MAC_init(h->mac, key, key_len, params) == 1;
    }
    EVP_MD *md = EVP_MD_fetch(NULL, "SHA1", NULL);
    h->work = EVP_MD_CTX_new();
    bool ok = md != NULL && h->work != NULL && EVP_DigestInit_ex2(h->work, md, NULL) == 1;
    if (ok && v == HMAC_MD_COPY) {
        h->inner = EVP_MD_CTX_new();
        h->outer = EVP_MD_CTX_new();
        ok = h->inner != NULL && h->outer != NULL && EVP_DigestInit_ex2(h->inner, md, NULL) == 1 &&
             EVP_DigestUpdate(h->inner, h->ipad, SHA1_BLOCK) == 1 &&
             EVP_DigestInit_ex2(h->outer, md, NULL) == 1 &&
             EVP_DigestUpdate(h->outer, h->opad, SHA1_BLOCK) == 1;
    }
    EVP_MD_free(md);
    return ok;
}

static void hmac_cleanup(struct hmac *h)
{
    EVP_MAC_CTX_free(h->mac);
    EVP_MD_CTX_free(h->inner);
    EVP_MD_CTX_free(h->outer);
    EVP_MD_CTX_free(h->work);
    OPENSSL_cleanse(h, sizeof(*h));
}

// hmac_sha1 computes HMAC-SHA1 over a || b into out.
static bool hmac_sha1(struct hmac *h, uint8_t out[SHA1_LEN], const uint8_t *a, size_t a_len,
                      const uint8_t *b, size_t b_len)
{
    size_t n = 0;
    unsigned int m = 0;
    uint8_t inner[SHA1_LEN];
    switch (h->variant) {
        case HMAC_EVP_MAC:
            return EVP_MAC_init(h->mac, NULL, 0, NULL) == 1 &&
                   EVP_MAC_update(h->mac, a, a_len) == 1 &&
                   (b_len == 0 || EVP_MAC_update(h->mac, b, b_len) == 1) &&
                   EVP_MAC_final(h->mac, out, &n, SHA1_LEN) == 1;
        case HMAC_MD_COPY:
            return EVP_MD_CTX_copy_ex(h->work, h->inner) == 1 &&
                   EVP_DigestUpdate(h->work, a, a_len) == 1 &&
                   (b_len == 0 || EVP_DigestUpdate(h->work, b, b_len) == 1) &&
                   EVP_DigestFinal_ex(h->work, inner, &m) == 1 &&
                   EVP_MD_CTX_copy_ex(h->work, h->outer) == 1 &&
                   EVP_DigestUpdate(h->work, inner, SHA1_LEN) == 1 &&
                   EVP_DigestFinal_ex(h->work, out, &m) == 1;
        case HMAC_REHASH:
            return EVP_DigestInit_ex2(h->work, NULL, NULL) == 1 &&
                   EVP_DigestUpdate(h->work, h->ipad, SHA1_BLOCK) == 1 &&
                   EVP_DigestUpdate(h->work, a, a_len) == 1 &&
                   (b_len == 0 || EVP_DigestUpdate(h->work, b, b_len) == 1) &&
                   EVP_DigestFinal_ex(h->work, inner, &m) == 1 &&
                   EVP_DigestInit_ex2(h->work, NULL, NULL) == 1 &&
                   EVP_DigestUpdate(h->work, h->opad, SHA1_BLOCK) == 1 &&
                   EVP_DigestUpdate(h->work, inner, SHA1_LEN) == 1 &&
                   EVP_DigestFinal_ex(h->work, out, &m) == 1;
        default:
            return false;
    }
}

static const char *aes_name(const char *mode, size_t key_len)
{
    static const char *names[3][3] = {
        {"AES-128-CTR", "AES-192-CTR", "AES-256-CTR"},
        {"AES-128-ECB", "AES-192-ECB", "AES-256-ECB"},
        {"AES-128-GCM", "AES-192-GCM", "AES-256-GCM"},
    };
    size_t m = strcmp(mode, "CTR") == 0 ? 0 : strcmp(mode, "ECB") == 0 ? 1 : 2;
    size_t k = key_len == 16 ? 0 : key_len == 24 ? 1 : 2;
    return names[m][k];
}

// cipher_new makes a context for AES in `mode` keyed with `key`. Padding is switched off for
// ECB only: on a context whose IV is reset per packet, OpenSSL 3.0 re-applies a padding
// setting on every init (one more parameter round trip), and CTR and GCM have no padding.
static EVP_CIPHER_CTX *cipher_new(const char *mode, const uint8_t *key, size_t key_len, bool enc)
{
    EVP_CIPHER *c = EVP_CIPHER_fetch(NULL, aes_name(mode, key_len), NULL);
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    if (c == NULL || ctx == NULL || EVP_CipherInit_ex2(ctx, c, key, NULL, enc ? 1 : 0, NULL) != 1 ||
        (strcmp(mode, "ECB") == 0 && EVP_CIPHER_CTX_set_padding(ctx, 0) != 1)) {
        EVP_CIPHER_CTX_free(ctx);
        ctx = NULL;
    }
    EVP_CIPHER_free(c);
    return ctx;
}

// ctr: AES counter mode as SRTP uses it, in one of the ctr_variant ways.
struct ctr {
    enum ctr_variant variant;
    EVP_CIPHER_CTX *ctr;
    EVP_CIPHER_CTX *ecb;
};

static bool ctr_init(struct ctr *c, enum ctr_variant v, const uint8_t *key, size_t key_len)
{
    c->variant = v;
    c->ctr = cipher_new("CTR", key, key_len, true);
    c->ecb = cipher_new("ECB", key, key_len, true);
    return c->ctr != NULL && c->ecb != NULL;
}

static void ctr_cleanup(struct ctr *c)
{
    EVP_CIPHER_CTX_free(c->ctr);
    EVP_CIPHER_CTX_free(c->ecb);
}

// ctr_xor XORs the keystream starting at counter block `iv` into `len` bytes at `p`.
static bool ctr_xor(struct ctr *c, uint8_t *p, size_t len, const uint8_t iv[AES_BLOCK])
{
    int n = 0;
    if (c->variant == CTR_IV_RESET || (c->variant == CTR_BY_SIZE && len > ECB_MAX_LEN)) {
        return EVP_EncryptInit_ex(c->ctr, NULL, NULL, NULL, iv) == 1 &&
               EVP_EncryptUpdate(c->ctr, p, &n, p, (int)len) == 1;
    }
    // Counter blocks for the whole packet, encrypted in one call (AES-NI pipelines ECB), then
    // XORed in. SRTP packets stay far below 2^16 blocks, so only the low 16 bits count.
    uint8_t blocks[BENCH_SLOT + AES_BLOCK];
    size_t nblocks = (len + AES_BLOCK - 1) / AES_BLOCK;
    if (nblocks * AES_BLOCK > sizeof(blocks)) {
        return false;
    }
    uint32_t low = (uint32_t)iv[14] << 8 | iv[15];
    for (size_t i = 0; i < nblocks; i++) {
        memcpy(blocks + i * AES_BLOCK, iv, 14);
        blocks[i * AES_BLOCK + 14] = (uint8_t)((low + i) >> 8);
        blocks[i * AES_BLOCK + 15] = (uint8_t)(low + i);
    }
    if (EVP_EncryptUpdate(c->ecb, blocks, &n, blocks, (int)(nblocks * AES_BLOCK)) != 1) {
        return false;
    }
    for (size_t i = 0; i < len; i++) {
        p[i] ^= blocks[i];
    }
    return true;
}

// gcm_set_iv starts a message: a new IV on the reused context.
static bool gcm_set_iv(EVP_CIPHER_CTX *ctx, enum gcm_variant v, const uint8_t *iv, bool enc)
{
    if ((v & GCM_IV_FIXED) != 0) {
        OSSL_PARAM params[] = {
            // the provider only reads the IV; OSSL_PARAM has no const flavour
            OSSL_PARAM_construct_octet_string(OSSL_CIPHER_PARAM_AEAD_TLS1_IV_FIXED,
                                              (void *)(uintptr_t)iv, (size_t)-1),
            OSSL_PARAM_construct_end(),
        };
        return EVP_CIPHER_CTX_set_params(ctx, params) == 1;
    }
    return enc ? EVP_EncryptInit_ex(ctx, NULL, NULL, NULL, iv) == 1
               : EVP_DecryptInit_ex(ctx, NULL, NULL, NULL, iv) == 1;
}

static bool gcm_tag(EVP_CIPHER_CTX *ctx, enum gcm_variant v, uint8_t *tag, size_t tag_len, bool set)
{
    if ((v & GCM_TAG_PARAMS) == 0) {
        return EVP_CIPHER_CTX_ctrl(ctx, set ? EVP_CTRL_AEAD_SET_TAG : EVP_CTRL_AEAD_GET_TAG,
                                   (int)tag_len, tag) == 1;
    }
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_octet_string(OSSL_CIPHER_PARAM_AEAD_TAG, tag, tag_len),
        OSSL_PARAM_construct_end(),
    };
    return set ? EVP_CIPHER_CTX_set_params(ctx, params) == 1
               : EVP_CIPHER_CTX_get_params(ctx, params) == 1;
}

// gcm_seal encrypts `len` bytes at `p` in place and writes the tag.
static bool gcm_seal(EVP_CIPHER_CTX *ctx, enum gcm_variant v, uint8_t *p, size_t len,
                     const uint8_t *iv, const uint8_t *aad, size_t aad_len, uint8_t *tag,
                     size_t tag_len)
{
    int n = 0;
    return gcm_set_iv(ctx, v, iv, true) &&
           EVP_EncryptUpdate(ctx, NULL, &n, aad, (int)aad_len) == 1 &&
           (len == 0 || EVP_EncryptUpdate(ctx, p, &n, p, (int)len) == 1) &&
           EVP_EncryptFinal_ex(ctx, p + len, &n) == 1 && gcm_tag(ctx, v, tag, tag_len, false);
}

// gcm_open checks `tag` and decrypts `len` bytes at `p` in place.
static bool gcm_open(EVP_CIPHER_CTX *ctx, enum gcm_variant v, uint8_t *p, size_t len,
                     const uint8_t *iv, const uint8_t *aad, size_t aad_len, uint8_t *tag,
                     size_t tag_len)
{
    int n = 0;
    return gcm_set_iv(ctx, v, iv, false) && gcm_tag(ctx, v, tag, tag_len, true) &&
           EVP_DecryptUpdate(ctx, NULL, &n, aad, (int)aad_len) == 1 &&
           (len == 0 || EVP_DecryptUpdate(ctx, p, &n, p, (int)len) == 1) &&
           EVP_DecryptFinal_ex(ctx, p + len, &n) == 1;
}

// keyset: the session keys of SRTP or SRTCP in their reused contexts.
struct keyset {
    struct ctr ctr;       // AES-CM suites
    EVP_CIPHER_CTX *gcm;  // AEAD suites
    struct hmac hmac;     // AES-CM and NULL suites
    uint8_t salt[14];     // session salt (12 bytes used by AEAD)
};

struct evp_ep {
    const struct galois_srtp_suite_info *info;
    bool send;
    struct keyset ks[2];  // [0] SRTP, [1] SRTCP
    uint32_t roc;
    uint16_t last_seq;
    bool started;
    uint32_t rtcp_index;  // sender: the next SRTCP index
};

// kdf derives `out_len` bytes for `label` with the AES-CM PRF of RFC 3711 §4.3.1 (RFC 6188
// for AES-192/256; a 12-byte AEAD salt is padded with two zero bytes, RFC 7714 §11), kdr 0.
static bool kdf(uint8_t *out, size_t out_len, const struct galois_srtp_suite_info *info,
                const struct bench_master *m, uint8_t label)
{
    uint8_t iv[AES_BLOCK] = {0};
    memcpy(iv, m->salt, info->salt_len);
    iv[7] ^= label;
    uint8_t zero[64] = {0};
    struct ctr c;
    bool ok = out_len <= sizeof(zero) && ctr_init(&c, CTR_IV_RESET, m->key, info->key_len);
    if (ok) {
        memcpy(out, zero, out_len);
        ok = ctr_xor(&c, out, out_len, iv);
    }
    ctr_cleanup(&c);
    return ok;
}

static bool keyset_init(struct keyset *ks, const struct galois_srtp_suite_info *info,
                        const struct bench_master *m, bool send, bool rtcp, enum hmac_variant hv,
                        enum ctr_variant cv)
{
    uint8_t key[32], auth[SHA1_LEN];
    uint8_t base = rtcp ? 3 : 0;
    bool ok = kdf(key, info->key_len, info, m, base) &&
              kdf(ks->salt, info->salt_len, info, m, (uint8_t)(base + 2));
    if (ok && info->aead) {
        ks->gcm = cipher_new("GCM", key, info->key_len, send);
        ok = ks->gcm != NULL;
    } else if (ok) {
        ok = kdf(auth, SHA1_LEN, info, m, (uint8_t)(base + 1)) &&
             hmac_init(&ks->hmac, hv, auth, SHA1_LEN) && ctr_init(&ks->ctr, cv, key, info->key_len);
    }
    OPENSSL_cleanse(key, sizeof(key));
    OPENSSL_cleanse(auth, sizeof(auth));
    return ok;
}

static void keyset_cleanup(struct keyset *ks)
{
    ctr_cleanup(&ks->ctr);
    EVP_CIPHER_CTX_free(ks->gcm);
    hmac_cleanup(&ks->hmac);
    OPENSSL_cleanse(ks->salt, sizeof(ks->salt));
}

static void close_evp(void *p)
{
    struct evp_ep *ep = p;
    if (ep == NULL) {
        return;
    }
    keyset_cleanup(&ep->ks[0]);
    keyset_cleanup(&ep->ks[1]);
    free(ep);
}

static void *open_variant(enum galois_srtp_suite suite, const struct bench_master *key, bool send,
                          enum hmac_variant hv, enum ctr_variant cv)
{
    struct evp_ep *ep = calloc(1, sizeof(*ep));
    if (ep == NULL) {
        return NULL;
    }
    ep->info = galois_srtp_suite_get_info(suite);
    ep->send = send;
    ep->rtcp_index = 1;
    if (ep->info == NULL || !keyset_init(&ep->ks[0], ep->info, key, send, false, hv, cv) ||
        !keyset_init(&ep->ks[1], ep->info, key, send, true, hv, cv)) {
        close_evp(ep);
        return NULL;
    }
    return ep;
}

// supports_evp: the floor finds the end of any RTP header (CSRCs, extension) and encrypts from
// there, so it runs the +ext rows; it has no header protection.
static bool supports_evp(const struct bench_impl *impl, enum bench_hdr hdr, char *why,
                         size_t why_len)
{
    (void)impl;
    if (hdr == BENCH_HDR_PLAIN || hdr == BENCH_HDR_EXT) {
        return true;
    }
    snprintf(why, why_len, "the floor has no header protection (cryptex, RFC 6904)");
    return false;
}

static void *open_evp(const struct bench_impl *impl, enum galois_srtp_suite suite,
                      enum bench_hdr hdr, const struct bench_master *key, bool send, char *why,
                      size_t why_len)
{
    if (!supports_evp(impl, hdr, why, why_len)) {
        return NULL;
    }
    void *ep = open_variant(suite, key, send, floor_hmac, floor_ctr);
    if (ep == NULL) {
        snprintf(why, why_len, "EVP set-up failed");
    }
    return ep;
}

static void cm_iv(uint8_t iv[AES_BLOCK], const uint8_t *salt, uint32_t ssrc, uint64_t index)
{
    memcpy(iv, salt, 14);
    iv[14] = 0;
    iv[15] = 0;
    for (size_t i = 0; i < 4; i++) {
        iv[4 + i] ^= (uint8_t)(ssrc >> (24 - 8 * i));
    }
    for (size_t i = 0; i < 6; i++) {
        iv[8 + i] ^= (uint8_t)(index >> (40 - 8 * i));
    }
}

// gcm_iv: RFC 7714 §8.1 (SRTP: ROC || SEQ) and §9.1 (SRTCP: 0x0000 || index) share a shape.
static void gcm_iv(uint8_t iv[12], const uint8_t *salt, uint32_t ssrc, uint32_t hi, uint16_t lo)
{
    uint8_t b[12] = {0};
    bench_put32(b + 2, ssrc);
    bench_put32(b + 6, hi);
    bench_put16(b + 10, lo);
    for (size_t i = 0; i < 12; i++) {
        iv[i] = b[i] ^ salt[i];
    }
}

// rtp_header_len returns the length of the RTP header (RFC 3550 §5.1, §5.3.1), or 0.
static size_t rtp_header_len(const uint8_t *p, size_t len)
{
    size_t n = 12 + 4 * (size_t)(p[0] & 0x0f);
    if ((p[0] & 0x10) != 0) {
        if (n + 4 > len) {
            return 0;
        }
        n += 4 + 4 * (size_t)bench_get16(p + n + 2);
    }
    return n <= len ? n : 0;
}

static int protect_rtp(struct evp_ep *ep, uint8_t *p, size_t *len)
{
    struct keyset *ks = &ep->ks[0];
    const struct galois_srtp_suite_info *info = ep->info;
    size_t hlen = rtp_header_len(p, *len);
    uint16_t seq = (uint16_t)bench_get16(p + 2);
    uint32_t ssrc = bench_get32(p + 8);
    if (hlen == 0) {
        return -1;
    }
    if (ep->started && seq < ep->last_seq) {
        ep->roc++;
    }
    ep->started = true;
    ep->last_seq = seq;
    uint8_t iv[AES_BLOCK], mac[SHA1_LEN], roc[4];
    if (info->aead) {
        gcm_iv(iv, ks->salt, ssrc, ep->roc, seq);
        if (!gcm_seal(ks->gcm, floor_gcm, p + hlen, *len - hlen, iv, p, hlen, p + *len,
                      info->rtp_tag_len)) {
            return -1;
        }
    } else {
        if (!info->null_cipher) {
            cm_iv(iv, ks->salt, ssrc, (uint64_t)ep->roc << 16 | seq);
            if (!ctr_xor(&ks->ctr, p + hlen, *len - hlen, iv)) {
                return -1;
            }
        }
        bench_put32(roc, ep->roc);
        if (!hmac_sha1(&ks->hmac, mac, p, *len, roc, 4)) {
            return -1;
        }
        memcpy(p + *len, mac, info->rtp_tag_len);
    }
    *len += info->rtp_tag_len;
    return 0;
}

static int unprotect_rtp(struct evp_ep *ep, uint8_t *p, size_t *len)
{
    struct keyset *ks = &ep->ks[0];
    const struct galois_srtp_suite_info *info = ep->info;
    size_t tag_len = info->rtp_tag_len;
    size_t hlen = *len >= tag_len ? rtp_header_len(p, *len - tag_len) : 0;
    if (hlen == 0) {
        return -1;
    }
    uint16_t seq = (uint16_t)bench_get16(p + 2);
    uint32_t ssrc = bench_get32(p + 8);
    uint32_t roc = ep->roc + (ep->started && seq < ep->last_seq ? 1 : 0);
    size_t body = *len - tag_len;
    uint8_t iv[AES_BLOCK], mac[SHA1_LEN], r[4];
    if (info->aead) {
        gcm_iv(iv, ks->salt, ssrc, roc, seq);
        if (!gcm_open(ks->gcm, floor_gcm, p + hlen, body - hlen, iv, p, hlen, p + body, tag_len)) {
            return -1;
        }
    } else {
        bench_put32(r, roc);
        if (!hmac_sha1(&ks->hmac, mac, p, body, r, 4) ||
            CRYPTO_memcmp(mac, p + body, tag_len) != 0) {
            return -1;
        }
        if (!info->null_cipher) {
            cm_iv(iv, ks->salt, ssrc, (uint64_t)roc << 16 | seq);
            if (!ctr_xor(&ks->ctr, p + hlen, body - hlen, iv)) {
                return -1;
            }
        }
    }
    ep->roc = roc;
    ep->last_seq = seq;
    ep->started = true;
    *len = body;
    return 0;
}

static int protect_rtcp(struct evp_ep *ep, uint8_t *p, size_t *len)
{
    struct keyset *ks = &ep->ks[1];
    const struct galois_srtp_suite_info *info = ep->info;
    if (*len < BENCH_RTCP_HEADER) {
        return -1;
    }
    uint32_t ssrc = bench_get32(p + 4);
    uint32_t index = ep->rtcp_index++;
    uint32_t e_index = (info->null_cipher ? 0 : 0x80000000u) | index;
    size_t body = *len - BENCH_RTCP_HEADER;
    uint8_t iv[AES_BLOCK], mac[SHA1_LEN], aad[12];
    if (info->aead) {
        memcpy(aad, p, 8);
        bench_put32(aad + 8, e_index);
        gcm_iv(iv, ks->salt, ssrc, index >> 16, (uint16_t)index);
        if (!gcm_seal(ks->gcm, floor_gcm, p + 8, body, iv, aad, sizeof(aad), p + *len,
                      info->rtcp_tag_len)) {
            return -1;
        }
        bench_put32(p + *len + info->rtcp_tag_len, e_index);
    } else {
        if (!info->null_cipher) {
            cm_iv(iv, ks->salt, ssrc, index);
            if (!ctr_xor(&ks->ctr, p + 8, body, iv)) {
                return -1;
            }
        }
        bench_put32(p + *len, e_index);
        if (!hmac_sha1(&ks->hmac, mac, p, *len + 4, NULL, 0)) {
            return -1;
        }
        memcpy(p + *len + 4, mac, info->rtcp_tag_len);
    }
    *len += 4 + info->rtcp_tag_len;
    return 0;
}

static int unprotect_rtcp(struct evp_ep *ep, uint8_t *p, size_t *len)
{
    struct keyset *ks = &ep->ks[1];
    const struct galois_srtp_suite_info *info = ep->info;
    size_t tag_len = info->rtcp_tag_len;
    if (*len < BENCH_RTCP_HEADER + 4 + tag_len) {
        return -1;
    }
    uint32_t ssrc = bench_get32(p + 4);
    uint8_t iv[AES_BLOCK], mac[SHA1_LEN], aad[12];
    size_t body;
    if (info->aead) {
        uint32_t e_index = bench_get32(p + *len - 4);
        uint32_t index = e_index & 0x7fffffffu;
        body = *len - 4 - tag_len - BENCH_RTCP_HEADER;
        memcpy(aad, p, 8);
        bench_put32(aad + 8, e_index);
        gcm_iv(iv, ks->salt, ssrc, index >> 16, (uint16_t)index);
        if (!gcm_open(ks->gcm, floor_gcm, p + 8, body, iv, aad, sizeof(aad), p + 8 + body,
                      tag_len)) {
            return -1;
        }
    } else {
        size_t signed_len = *len - tag_len;
        if (!hmac_sha1(&ks->hmac, mac, p, signed_len, NULL, 0) ||
            CRYPTO_memcmp(mac, p + signed_len, tag_len) != 0) {
            return -1;
        }
        uint32_t e_index = bench_get32(p + signed_len - 4);
        body = signed_len - 4 - BENCH_RTCP_HEADER;
        if ((e_index & 0x80000000u) != 0) {
            cm_iv(iv, ks->salt, ssrc, e_index & 0x7fffffffu);
            if (!ctr_xor(&ks->ctr, p + 8, body, iv)) {
                return -1;
            }
        }
    }
    *len = BENCH_RTCP_HEADER + body;
    return 0;
}

static int protect_evp(void *ep, uint8_t *pkt, size_t *len, bool rtcp)
{
    return rtcp ? protect_rtcp(ep, pkt, len) : protect_rtp(ep, pkt, len);
}

static int unprotect_evp(void *ep, uint8_t *pkt, size_t *len, bool rtcp)
{
    return rtcp ? unprotect_rtcp(ep, pkt, len) : unprotect_rtp(ep, pkt, len);
}

const struct bench_ops bench_evp_ops = {
    .supports = supports_evp,
    .open = open_evp,
    .protect = protect_evp,
    .unprotect = unprotect_evp,
    .close = close_evp,
};

// What follows measures the variants against each other (galois bench --evp-variants).

static const char *const hmac_names[HMAC_VARIANTS_] = {"evp-mac-reinit", "md-ctx-copy",
                                                       "rehash-pads"};
static const char *const ctr_names[CTR_VARIANTS_] = {"ctr-iv-reset", "ecb-counter-blocks",
                                                     "by-size"};
static const char *const gcm_names[GCM_VARIANTS_] = {"init-iv+tag-ctrl", "init-iv+tag-params",
                                                     "fixed-iv+tag-ctrl", "fixed-iv+tag-params"};

struct variant_job {
    char what[48];  // "hmac-sha1", "aes-128-ctr" ...
    char variant[64];
    size_t bytes;
    struct hmac hmac;  // each job owns what it uses
    bool has_hmac;
    struct ctr ctr;
    bool has_ctr;
    EVP_CIPHER_CTX *gcm;
    enum gcm_variant gv;
    bool open;  // gcm: open (after copying a sealed packet in), otherwise seal
    void *ep;   // whole floor endpoint: protect an RTP packet
    uint8_t sealed[BENCH_SLOT];
    double *v;  // ns/op of each run
    bool failed;
};

enum { MAX_JOBS = 96 };

// One operation of a job; returns false on an OpenSSL failure.
static bool variant_once(struct variant_job *j, uint8_t *buf, uint16_t seq)
{
    static const uint8_t iv[AES_BLOCK] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
    uint8_t out[SHA1_LEN], tag[16], roc[4] = {0};
    if (j->has_hmac) {
        return hmac_sha1(&j->hmac, out, buf, j->bytes, roc, sizeof(roc));
    }
    if (j->has_ctr) {
        return ctr_xor(&j->ctr, buf, j->bytes, iv);
    }
    if (j->ep != NULL) {
        size_t len = BENCH_RTP_HEADER + j->bytes;
        bench_put16(buf + 2, seq);
        return protect_rtp(j->ep, buf, &len) == 0;
    }
    if (j->open) {
        memcpy(buf, j->sealed, 12 + j->bytes + 16);
        return gcm_open(j->gcm, j->gv, buf + 12, j->bytes, iv, buf, 12, buf + 12 + j->bytes, 16);
    }
    return gcm_seal(j->gcm, j->gv, buf + 12, j->bytes, iv, buf, 12, tag, sizeof(tag));
}

// variant_measure times `packets` operations of job `j` for run `r`.
static void variant_measure(struct variant_job *j, uint8_t *buf, unsigned r, unsigned packets)
{
    uint16_t seq = BENCH_FIRST_SEQ;
    bool ok = true;
    for (unsigned i = 0; i < 64 && ok; i++) {
        ok = variant_once(j, buf, seq++);  // warm-up
    }
    bench_cg_collect(true);
    uint64_t t0 = bench_now_ns();
    for (unsigned i = 0; i < packets && ok; i++) {
        ok = variant_once(j, buf, seq++);
    }
    uint64_t t1 = bench_now_ns();
    bench_cg_collect(false);
    char name[160];
    snprintf(name, sizeof(name), "variant:%.47s:%.63s:%zu", j->what, j->variant, j->bytes);
    bench_cg_dump(name);
    j->failed |= !ok;
    j->v[r] = (double)(t1 - t0) / packets;
}

static struct variant_job *add_job(struct variant_job *jobs, size_t *n, unsigned runs,
                                   const char *what, const char *variant, size_t bytes)
{
    if (*n == MAX_JOBS) {
        return NULL;
    }
    struct variant_job *j = &jobs[(*n)++];
    memset(j, 0, sizeof(*j));
    snprintf(j->what, sizeof(j->what), "%.47s", what);
    snprintf(j->variant, sizeof(j->variant), "%.63s", variant);
    j->bytes = bytes;
    j->v = calloc(runs, sizeof(double));
    j->failed = j->v == NULL;
    return j;
}

static size_t make_jobs(struct variant_job *jobs, unsigned runs, const struct bench_master *m,
                        const uint8_t *buf)
{
    static const size_t sizes[] = {160, 1200};
    size_t n = 0;
    for (size_t s = 0; s < 2; s++) {
        // an SRTP packet's authenticated bytes: header and payload, then the 4-byte ROC
        for (int v = 0; v < HMAC_VARIANTS_; v++) {
            struct variant_job *j =
                add_job(jobs, &n, runs, "hmac-sha1 (12+n)+4", hmac_names[v], 12 + sizes[s]);
            if (j != NULL) {
                j->has_hmac = true;
                j->failed |= !hmac_init(&j->hmac, (enum hmac_variant)v, m->key, SHA1_LEN);
            }
        }
        for (size_t k = 16; k <= 32; k += 16) {
            for (int v = 0; v < CTR_VARIANTS_; v++) {
                struct variant_job *j =
                    add_job(jobs, &n, runs, k == 16 ? "aes-128-ctr" : "aes-256-ctr", ctr_names[v],
                            sizes[s]);
                if (j != NULL) {
                    j->has_ctr = true;
                    j->failed |= !ctr_init(&j->ctr, (enum ctr_variant)v, m->key, k);
                }
            }
        }
        for (int open = 0; open < 2; open++) {
            for (int v = 0; v < GCM_VARIANTS_; v++) {
                static const uint8_t iv[AES_BLOCK] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
                struct variant_job *j = add_job(
                    jobs, &n, runs, open ? "aes-128-gcm open (+copy in)" : "aes-128-gcm seal",
                    gcm_names[v], sizes[s]);
                if (j == NULL) {
                    continue;
                }
                j->gv = (enum gcm_variant)v;
                j->open = open != 0;
                j->gcm = cipher_new("GCM", m->key, 16, open == 0);
                EVP_CIPHER_CTX *enc = cipher_new("GCM", m->key, 16, true);
                memcpy(j->sealed, buf, 12 + sizes[s]);
                j->failed |= j->gcm == NULL || enc == NULL ||
                             !gcm_seal(enc, GCM_CTRL, j->sealed + 12, sizes[s], iv, j->sealed, 12,
                                       j->sealed + 12 + sizes[s], 16);
                EVP_CIPHER_CTX_free(enc);
            }
        }
        for (int hv = 0; hv < HMAC_VARIANTS_; hv++) {
            for (int cv = 0; cv < CTR_VARIANTS_; cv++) {
                char name[64];
                snprintf(name, sizeof(name), "%s+%s", hmac_names[hv], ctr_names[cv]);
                struct variant_job *j =
                    add_job(jobs, &n, runs, "floor AES_CM_128_80 protect", name, sizes[s]);
                if (j != NULL) {
                    j->ep = open_variant(GALOIS_SRTP_AES_CM_128_HMAC_SHA1_80, m, true,
                                         (enum hmac_variant)hv, (enum ctr_variant)cv);
                    j->failed |= j->ep == NULL;
                }
            }
        }
    }
    return n;
}

static void free_job(struct variant_job *j)
{
    if (j->has_hmac) {
        hmac_cleanup(&j->hmac);
    }
    if (j->has_ctr) {
        ctr_cleanup(&j->ctr);
    }
    EVP_CIPHER_CTX_free(j->gcm);
    close_evp(j->ep);
    free(j->v);
}

int bench_evp_variants(unsigned runs, unsigned packets, bool json)
{
    static uint8_t buf[BENCH_SLOT];
    static struct variant_job jobs[MAX_JOBS];
    struct bench_master m;
    for (size_t i = 0; i < sizeof(m.key); i++) {
        m.key[i] = (uint8_t)(i * 7 + 1);
    }
    memcpy(m.salt, m.key, sizeof(m.salt));
    for (size_t i = 0; i < sizeof(buf); i++) {
        buf[i] = (uint8_t)i;
    }
    buf[0] = 0x80;
    bench_put32(buf + 8, BENCH_SSRC);
    size_t n = make_jobs(jobs, runs, &m, buf);
    // Runs are interleaved, so that a noisy neighbour hits every variant alike.
    for (unsigned r = 0; r < runs; r++) {
        for (size_t i = 0; i < n; i++) {
            if (!jobs[i].failed) {
                variant_measure(&jobs[i], buf, r, packets);
            }
        }
    }
    if (!json) {
        printf("%-28s %-38s %5s %9s %9s\n", "operation", "variant", "bytes", "median", "min");
    }
    int failed = 0;
    for (size_t i = 0; i < n; i++) {
        struct variant_job *j = &jobs[i];
        double med = j->failed ? -1 : bench_median(j->v, runs);  // sorts j->v
        double min = j->failed ? -1 : j->v[0];
        failed += j->failed;
        if (json) {
            printf(
                "{\"variant\":\"%s/%s\",\"bytes\":%zu,\"ns_per_op\":%.1f,\"min_ns\":%.1f,"
                "\"runs\":%u}\n",
                j->what, j->variant, j->bytes, med, min, runs);
        } else {
            printf("%-28s %-38s %5zu %9.1f %9.1f\n", j->what, j->variant, j->bytes, med, min);
        }
        free_job(j);
    }
    return failed == 0 ? 0 : 1;
}
