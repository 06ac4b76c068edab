// Which crypto backends this process can use. OpenSSL always can. libgcrypt's verdict is made
// the first time anything asks for it, once per process (pthread_once): libgcrypt is
// initialised if the application has not done it, FIPS mode is refused, and the AES-GCM
// known-answer tests below must pass. The verdict and its reason are kept for the life of the
// process; they are the one piece of process-wide state in galois.
#include <openssl/crypto.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "../common/internal.h"
#include "internal.h"
#include "libgcrypt.h"

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

static pthread_once_t gcry_once = PTHREAD_ONCE_INIT;
static const struct galois_gcm_kat *gcry_kats = default_kats;
static size_t gcry_num_kats = GALOIS_ARRAY_LEN(default_kats);
static unsigned gcry_kat_runs;
static bool gcry_ready;
static char gcry_why[256];

enum { KAT_MAX = 64 };

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
    if (galois_gcry_gcm_new(&g, key.b, key.len) != GALOIS_ERR_OK) {
        return false;
    }
    struct galois_aad a = {aad.b, aad.len, NULL, 0};
    uint8_t out[KAT_MAX];
    uint8_t t[16];
    bool ok = false;
    *what = "seal";
    if (galois_gcry_gcm_seal(g, out, t, tag.len, iv.b, &a, pt.b, pt.len) != GALOIS_ERR_OK ||
        !galois_ct_equal(out, ct.b, ct.len) || !galois_ct_equal(t, tag.b, tag.len)) {
        goto out;
    }
    *what = "open";
    if (galois_gcry_gcm_open(g, out, iv.b, &a, ct.b, ct.len, tag.b, tag.len) != GALOIS_ERR_OK ||
        !galois_ct_equal(out, pt.b, pt.len)) {
        goto out;
    }
    *what = "open with a changed tag";
    tag.b[tag.len - 1] ^= 1;
    memset(out, 0xa5, sizeof(out));
    if (galois_gcry_gcm_open(g, out, iv.b, &a, ct.b, ct.len, tag.b, tag.len) != GALOIS_ERR_AUTH ||
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
