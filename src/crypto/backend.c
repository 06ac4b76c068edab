// Which crypto backends this process can use. OpenSSL always can. libgcrypt's verdict is made
// the first time anything asks for it, once per process (pthread_once): libgcrypt is
// initialised if the application has not done it, FIPS mode is refused, and the AES-GCM
// known-answer tests below must pass. Nettle's is made the same way, on the HMAC-SHA1
// known-answer tests of RFC 2202. The verdicts and their reasons are kept for the life of the
// process; they are the one piece of process-wide state in galois.
#include <openssl/crypto.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "../common/internal.h"
#include "internal.h"
#include "libgcrypt.h"
#include "nettle.h"

// RFC 7714 §16.1.1 and §16.2.1 (AES-128 and AES-256: a 12-byte AAD, 38 bytes of plaintext,
// so a partial last block) and libsrtp's AES-128 GCM test case 0a (an 8-byte tag, a 20-byte
// AAD, 60 bytes). tests/vectors/ holds them with the rest of their RFC and libsrtp context.
static const struct galois_gcm_kat default_kats[] = {
    {
        .name = "RFC 7714 16.1.1",
        .key = "000102030405060708090a0b0c0d0e0f",
        .iv = "51753c6580c2726f20718414",
        .aad = "8040f17b8041f8d35501a0b2",
        .plaintext = "47616c6c696120657374206f6d6e69732064697669736120696e207061727465732074726573",
        .ciphertext =
            "f24de3a3fb34de6cacba861c9d7e4bcabe633bd50d294e6f42a5f47a51c7d19b36de3adf8833",
        .tag = "899d7f27beb16a9152cf765ee4390cce",
    },
    {
        .name = "RFC 7714 16.2.1",
        .key = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
        .iv = "51753c6580c2726f20718414",
        .aad = "8040f17b8041f8d35501a0b2",
        .plaintext = "47616c6c696120657374206f6d6e69732064697669736120696e207061727465732074726573",
        .ciphertext =
            "32b1de78a822fe12ef9f78fa332e33aab18012389a58e2f3b50b2a0276ffae0f1ba63799b87b",
        .tag = "7aa3db36dfffd6b0f9bb7878d7a76c13",
    },
    {
        .name = "libsrtp srtp_aes_gcm_128_test_case_0a",
        .key = "feffe9928665731c6d6a8f9467308308",
        .iv = "cafebabefacedbaddecaf888",
        .aad = "feedfacedeadbeeffeedfacedeadbeefabaddad2",
        .plaintext =
            "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809"
            "532fcf0e2449a6b525b16aedf5aa0de657ba637b39",
        .ciphertext = "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e21d514b25466"
                      "931c7d8f6a5aac84aa051ba30b396a0aac973d58e091",
        .tag = "5bc94fbc3221a5db",
    },
};

// RFC 2202 §3, the seven HMAC-SHA1 cases: keys shorter than, equal to (20 octets, SRTP's) and
// longer than the 64-octet block (hashed first), data of one and two blocks; each split once
// into the two pieces galois_hmac_sha1 takes. Case 5's 96-bit truncation is checked in full.
static const struct galois_hmac_kat default_hmac_kats[] = {
    {"RFC 2202 case 1", "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "4869205468657265",
     "b617318655057264e28bc0b6fb378c8ef146be00", 0},
    {"RFC 2202 case 2", "4a656665", "7768617420646f2079612077616e7420666f72206e6f7468696e673f",
     "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79", 12},
    {"RFC 2202 case 3", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
     "dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd"
     "dddddddd",
     "125d7342b9ac11cd91a39af48aa17b4f63f175d3", 46},
    {"RFC 2202 case 4", "0102030405060708090a0b0c0d0e0f10111213141516171819",
     "cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd"
     "cdcdcdcd",
     "4c9007f4026250c6bc8414f9bf50c86c2d7235da", 50},
    {"RFC 2202 case 5", "0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c",
     "546573742057697468205472756e636174696f6e", "4c1a03424b55e07fe7f27be1d58bb9324a9a5a04", 3},
    {"RFC 2202 case 6",
     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
     "54657374205573696e67204c6172676572205468616e20426c6f636b2d53697a65204b6579202d2048617368204b"
     "6579204669727374",
     "aa4ae5e15272d00e95705637ce8a3b55ed402112", 32},
    {"RFC 2202 case 7",
     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
     "54657374205573696e67204c6172676572205468616e20426c6f636b2d53697a65204b657920616e64204c6172676"
     "5"
     "72205468616e204f6e6520426c6f636b2d53697a652044617461",
     "e8e99d0f45237d786d6bbaa7965c7808bbff1a91", 64},
};

static pthread_once_t gcry_once = PTHREAD_ONCE_INIT;
static const struct galois_gcm_kat *gcry_kats = default_kats;
static size_t gcry_num_kats = GALOIS_ARRAY_LEN(default_kats);
static unsigned gcry_kat_runs;
static bool gcry_ready;
static char gcry_why[256];

static pthread_once_t nettle_once = PTHREAD_ONCE_INIT;
static const struct galois_hmac_kat *nettle_kats = default_hmac_kats;
static size_t nettle_num_kats = GALOIS_ARRAY_LEN(default_hmac_kats);
static unsigned nettle_kat_runs;
static bool nettle_ready;
static char nettle_why[256];

enum { KAT_MAX = 128 };

struct kat_bytes {
    uint8_t b[KAT_MAX];
    size_t len;
};

static bool decode(struct kat_bytes *out, const char *hex)
{
    return galois_hex_decode(out->b, &out->len, sizeof(out->b), hex, strlen(hex)) == GALOIS_ERR_OK;
}

static bool all_zero(const uint8_t *p, size_t len)
{
    uint8_t acc = 0;
    for (size_t i = 0; i < len; i++) {
        acc |= p[i];
    }
    return acc == 0;
}

// run_kat checks one vector on libgcrypt: seal gives the ciphertext and tag, open gives the
// plaintext back, and open with one tag bit changed is GALOIS_ERR_AUTH with the output wiped.
// On failure `*what` names the step.
static bool run_kat(const struct galois_gcm_kat *k, const char **what)
{
    struct kat_bytes key, iv, aad, pt, ct, tag;
    *what = "malformed vector";
    if (!decode(&key, k->key) || !decode(&iv, k->iv) || !decode(&aad, k->aad) ||
        !decode(&pt, k->plaintext) || !decode(&ct, k->ciphertext) || !decode(&tag, k->tag) ||
        iv.len != GALOIS_GCM_IV_LEN || pt.len != ct.len || tag.len < 8 || tag.len > 16) {
        return false;
    }
    struct galois_gcry_gcm *g = NULL;
    *what = "cannot make a cipher handle";
    if (galois_gcry_gcm_new(&g, key.b, key.len, tag.len) != GALOIS_ERR_OK) {
        return false;
    }
    struct galois_aad a = {aad.b, aad.len, NULL, 0};
    uint8_t out[KAT_MAX];
    uint8_t t[16];
    bool ok = false;
    *what = "seal";
    if (galois_gcry_gcm_seal(g, out, t, iv.b, &a, pt.b, pt.len) != GALOIS_ERR_OK ||
        !galois_ct_equal(out, ct.b, ct.len) || !galois_ct_equal(t, tag.b, tag.len)) {
        goto out;
    }
    *what = "open";
    if (galois_gcry_gcm_open(g, out, iv.b, &a, ct.b, ct.len, tag.b) != GALOIS_ERR_OK ||
        !galois_ct_equal(out, pt.b, pt.len)) {
        goto out;
    }
    *what = "open with a changed tag";
    tag.b[tag.len - 1] ^= 1;
    memset(out, 0xa5, sizeof(out));
    if (galois_gcry_gcm_open(g, out, iv.b, &a, ct.b, ct.len, tag.b) != GALOIS_ERR_AUTH ||
        !all_zero(out, ct.len)) {
        goto out;
    }
    ok = true;
out:
    galois_gcry_gcm_free(g);
    return ok;
}

static void gcry_check(void)
{
    char version[128];
    gcry_kat_runs++;
    if (!galois_gcry_init(version, sizeof(version))) {
        snprintf(gcry_why, sizeof(gcry_why), "%s", version);
        return;
    }
    for (size_t i = 0; i < gcry_num_kats; i++) {
        const char *what = "";
        if (!run_kat(&gcry_kats[i], &what)) {
            snprintf(gcry_why, sizeof(gcry_why), "%s failed the known-answer test %s (%s)", version,
                     gcry_kats[i].name, what);
            return;
        }
    }
    snprintf(gcry_why, sizeof(gcry_why), "%s, AES-GCM known-answer tests passed", version);
    gcry_ready = true;
}

// run_hmac_kat checks one vector on Nettle, twice on one context (the second from the state
// the first digest restored), the data in the vector's two pieces.
static bool run_hmac_kat(const struct galois_hmac_kat *k, const char **what)
{
    struct kat_bytes key, data, mac;
    *what = "malformed vector";
    if (!decode(&key, k->key) || !decode(&data, k->data) || !decode(&mac, k->mac) ||
        mac.len != GALOIS_SHA1_LEN || k->split > data.len) {
        return false;
    }
    struct galois_nettle_hmac *h = NULL;
    *what = "cannot make a context";
    if (galois_nettle_hmac_new(&h, key.b, key.len) != GALOIS_ERR_OK) {
        return false;
    }
    bool ok = true;
    *what = "wrong MAC";
    for (int rep = 0; rep < 2 && ok; rep++) {
        uint8_t out[GALOIS_SHA1_LEN];
        galois_nettle_hmac_sha1(h, out, data.b, k->split, data.b + k->split, data.len - k->split);
        ok = galois_ct_equal(out, mac.b, sizeof(out));
    }
    galois_nettle_hmac_free(h);
    return ok;
}

static void nettle_check(void)
{
    char version[64];
    nettle_kat_runs++;
    if (!galois_nettle_version(version, sizeof(version))) {
        snprintf(nettle_why, sizeof(nettle_why), "%s", version);
        return;
    }
    for (size_t i = 0; i < nettle_num_kats; i++) {
        const char *what = "";
        if (!run_hmac_kat(&nettle_kats[i], &what)) {
            snprintf(nettle_why, sizeof(nettle_why), "%s failed the known-answer test %s (%s)",
                     version, nettle_kats[i].name, what);
            return;
        }
    }
    snprintf(nettle_why, sizeof(nettle_why), "%s, HMAC-SHA1 known-answer tests passed", version);
    nettle_ready = true;
}

bool galois_crypto_backend_ready(enum galois_crypto_backend backend, char *why, size_t why_len)
{
    const char *text = "no such backend";
    bool ready = false;
    if (backend == GALOIS_CRYPTO_OPENSSL) {
        text = OpenSSL_version(OPENSSL_VERSION);
        ready = true;
    } else if (backend == GALOIS_CRYPTO_LIBGCRYPT) {
        GALOIS_CHECK(pthread_once(&gcry_once, gcry_check) == 0);
        text = gcry_why;
        ready = gcry_ready;
    } else if (backend == GALOIS_CRYPTO_NETTLE) {
        GALOIS_CHECK(pthread_once(&nettle_once, nettle_check) == 0);
        text = nettle_why;
        ready = nettle_ready;
    }
    if (why != NULL && why_len > 0) {
        snprintf(why, why_len, "%s", text);
    }
    return ready;
}

void galois_crypto_backend_set_kats(const struct galois_gcm_kat *kats, size_t num_kats)
{
    gcry_kats = kats;
    gcry_num_kats = num_kats;
}

unsigned galois_crypto_backend_kat_runs(void)
{
    return gcry_kat_runs;
}

void galois_crypto_backend_set_hmac_kats(const struct galois_hmac_kat *kats, size_t num_kats)
{
    nettle_kats = kats;
    nettle_num_kats = num_kats;
}

unsigned galois_crypto_backend_hmac_kat_runs(void)
{
    return nettle_kat_runs;
}
