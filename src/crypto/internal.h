// The crypto seam: the only place galois reaches libcrypto (and libgcrypt, for AES-GCM, and
// Nettle, for HMAC-SHA1) for
// ciphers, MACs and randomness. Each object owns one reused context, created with its key in
// _new and freed in _free; the per-packet calls only reset the IV and never allocate. Keys are
// wiped on free.
#ifndef GALOIS_SRC_CRYPTO_INTERNAL_H
#define GALOIS_SRC_CRYPTO_INTERNAL_H

#include <galois/common.h>

enum {
    GALOIS_AES_BLOCK = 16,
    GALOIS_GCM_IV_LEN = 12,
    GALOIS_SHA1_LEN = 20,
    GALOIS_SHA256_LEN = 32,
};

// galois_crypto_backend names the library that does an object's per-packet work. OpenSSL does
// everything; libgcrypt, where galois was built with it, does AES-GCM; Nettle, where galois was
// built with it, does HMAC-SHA1 (AES-CM beside it stays on OpenSSL). Which one a DEFAULT session
// gets is decided in src/srtp/backend.c (for HMAC-SHA1 also on galois_crypto_sha_ni).
enum galois_crypto_backend {
    GALOIS_CRYPTO_OPENSSL = 0,
    GALOIS_CRYPTO_LIBGCRYPT,
    GALOIS_CRYPTO_NETTLE,
};

// galois_crypto_backend_ready tells whether `backend` can make objects in this process, and
// writes what it is ("OpenSSL 3.0.19 ...", "libgcrypt 1.10.1, known-answer tests passed") or
// why it cannot serve, NUL-terminated, to `why` (`why_len` bytes; `why` may be NULL with 0).
// The first call for LIBGCRYPT initialises libgcrypt if the application has not, checks for
// FIPS mode and runs the AES-GCM known-answer tests; the first call for NETTLE runs the HMAC-SHA1
// known-answer tests. Each runs once per process however many threads ask (pthread_once), and
// its verdict stands for the life of the process. Those verdicts are the one piece of
// process-wide state in galois.
bool galois_crypto_backend_ready(enum galois_crypto_backend backend, char *why, size_t why_len);

// galois_gcm_kat is one AES-GCM known-answer test, in hex: the self-test of a backend.
struct galois_gcm_kat {
    const char *name;
    const char *key, *iv, *aad, *plaintext, *ciphertext, *tag;
};

// galois_crypto_backend_set_kats replaces the known-answer tests the first
// galois_crypto_backend_ready(LIBGCRYPT) runs, so a test program can see a failing one disable
// the backend. Only before that first call, and only from tests; `kats` must outlive the
// process's use of galois. galois_crypto_backend_kat_runs counts how often they have run.
void galois_crypto_backend_set_kats(const struct galois_gcm_kat *kats, size_t num_kats);
unsigned galois_crypto_backend_kat_runs(void);

// galois_hmac_kat is one HMAC-SHA1 known-answer test, in hex (the key and data as RFC 2202
// gives them; `data` is split after `split` bytes to exercise the two-piece call).
struct galois_hmac_kat {
    const char *name;
    const char *key, *data, *mac;
    size_t split;
};

// galois_crypto_backend_set_hmac_kats and galois_crypto_backend_hmac_kat_runs are the same for
// the HMAC-SHA1 tests the first galois_crypto_backend_ready(NETTLE) runs.
void galois_crypto_backend_set_hmac_kats(const struct galois_hmac_kat *kats, size_t num_kats);
unsigned galois_crypto_backend_hmac_kat_runs(void);

// galois_crypto_sha_ni tells whether Nettle's SHA-1 runs on SHA-NI in this process, the
// condition for the DEFAULT backend to use Nettle for HMAC-SHA1 (cpu.c says why: without it
// Nettle is slower than OpenSSL). True on x86-64 when CPUID leaf 7 reports the SHA extensions
// (EBX bit 29) and NETTLE_FAT_OVERRIDE, if set, lists sha_ni; false on other CPUs. Writes the
// reason ("this CPU has SHA-NI", "this CPU has no SHA-NI", ...), NUL-terminated, to `why`
// (`why_len` bytes; `why` may be NULL with 0). The CPU is asked once per process
// (pthread_once); it does not touch Nettle.
bool galois_crypto_sha_ni(char *why, size_t why_len);

// galois_crypto_sha_ni_from is the rule galois_crypto_sha_ni applies on x86-64, given the CPU's
// answer and NETTLE_FAT_OVERRIDE's value (NULL when unset): `cpu_has_sha` and, with an override,
// "sha_ni" as one of its comma-separated items. Pure; for tests.
bool galois_crypto_sha_ni_from(bool cpu_has_sha, const char *nettle_override, char *why,
                               size_t why_len);

// galois_crypto_set_sha_ni makes galois_crypto_sha_ni answer `answer` (0: absent, 1: present)
// instead of asking the CPU, or ask it again (-1), so a test can see both selections in one
// process. Only from tests, while no other thread uses galois.
void galois_crypto_set_sha_ni(int answer);

// galois_aes_ctr: AES-128/192/256 in counter mode (RFC 3711 §4.1.1) under a fixed key.
struct galois_aes_ctr;
GALOIS_MUST_CHECK galois_err galois_aes_ctr_new(struct galois_aes_ctr **out, const uint8_t *key,
                                                size_t key_len);
void galois_aes_ctr_free(struct galois_aes_ctr *ctr);
// galois_aes_ctr_xor XORs `len` bytes of keystream, starting at counter block `iv`, into `in`
// and writes `out` (which may equal `in`).
GALOIS_MUST_CHECK galois_err galois_aes_ctr_xor(struct galois_aes_ctr *ctr, uint8_t *out,
                                                const uint8_t *in, size_t len,
                                                const uint8_t iv[GALOIS_AES_BLOCK]);

// galois_aes_gcm: AES-GCM with a 12-byte IV and a tag of 8..16 bytes under a fixed key, on
// `backend`. GALOIS_ERR_UNSUPPORTED when that backend is not ready (galois_crypto_backend_ready).
struct galois_aes_gcm;
GALOIS_MUST_CHECK galois_err galois_aes_gcm_new(struct galois_aes_gcm **out,
                                                enum galois_crypto_backend backend,
                                                const uint8_t *key, size_t key_len, size_t tag_len);
void galois_aes_gcm_free(struct galois_aes_gcm *gcm);
// galois_aad is associated data in up to two pieces (SRTCP's AAD ends with the E||index word,
// which does not follow the header in the packet). `b` may be NULL with `b_len` 0.
struct galois_aad {
    const uint8_t *a;
    size_t a_len;
    const uint8_t *b;
    size_t b_len;
};

// galois_aes_gcm_seal encrypts `len` bytes `in` to `out` (may equal `in`) authenticating `aad`
// too, and writes the tag to `tag`.
GALOIS_MUST_CHECK galois_err galois_aes_gcm_seal(struct galois_aes_gcm *gcm, uint8_t *out,
                                                 uint8_t *tag, const uint8_t iv[GALOIS_GCM_IV_LEN],
                                                 const struct galois_aad *aad, const uint8_t *in,
                                                 size_t len);
// galois_aes_gcm_open decrypts and checks `tag` in constant time; GALOIS_ERR_AUTH on mismatch,
// in which case `out` is wiped.
GALOIS_MUST_CHECK galois_err galois_aes_gcm_open(struct galois_aes_gcm *gcm, uint8_t *out,
                                                 const uint8_t iv[GALOIS_GCM_IV_LEN],
                                                 const struct galois_aad *aad, const uint8_t *in,
                                                 size_t len, const uint8_t *tag);

// galois_hmac_sha1: HMAC-SHA1 under a fixed key, computed over the concatenation of two
// pieces (an SRTP packet and its ROC) without copying them together, on `backend` (OPENSSL or
// NETTLE). GALOIS_ERR_UNSUPPORTED when that backend is not ready (galois_crypto_backend_ready),
// GALOIS_ERR_INVALID for LIBGCRYPT.
struct galois_hmac_sha1;
GALOIS_MUST_CHECK galois_err galois_hmac_sha1_new(struct galois_hmac_sha1 **out,
                                                  enum galois_crypto_backend backend,
                                                  const uint8_t *key, size_t key_len);
void galois_hmac_sha1_free(struct galois_hmac_sha1 *h);
GALOIS_MUST_CHECK galois_err galois_hmac_sha1(struct galois_hmac_sha1 *h,
                                              uint8_t out[GALOIS_SHA1_LEN], const uint8_t *a,
                                              size_t a_len, const uint8_t *b, size_t b_len);

// galois_hmac_sha256: HMAC-SHA256 under a fixed key (OpenSSL only), over the concatenation of
// two pieces, like galois_hmac_sha1: for STUN's MESSAGE-INTEGRITY-SHA256. The key's states are
// made once, in _new. GALOIS_ERR_INVALID for an empty key; `*out` is NULL on failure.
struct galois_hmac_sha256;
GALOIS_MUST_CHECK galois_err galois_hmac_sha256_new(struct galois_hmac_sha256 **out,
                                                    const uint8_t *key, size_t key_len);
void galois_hmac_sha256_free(struct galois_hmac_sha256 *h);
GALOIS_MUST_CHECK galois_err galois_hmac_sha256(struct galois_hmac_sha256 *h,
                                                uint8_t out[GALOIS_SHA256_LEN], const uint8_t *a,
                                                size_t a_len, const uint8_t *b, size_t b_len);

// galois_ct_equal compares `len` bytes in constant time.
bool galois_ct_equal(const uint8_t *a, const uint8_t *b, size_t len);

// galois_aes_ctr_keystream writes `len` bytes of keystream from counter block `iv` to `out` and
// leaves no other copy of it behind (for keystream that is secret as such).
GALOIS_MUST_CHECK galois_err galois_aes_ctr_keystream(struct galois_aes_ctr *ctr, uint8_t *out,
                                                      size_t len,
                                                      const uint8_t iv[GALOIS_AES_BLOCK]);

// galois_aes_keystream writes `len` bytes of AES-CTR keystream from counter block `iv` with a
// one-shot context: for key derivation only, never per packet.
GALOIS_MUST_CHECK galois_err galois_aes_keystream(uint8_t *out, size_t len, const uint8_t *key,
                                                  size_t key_len,
                                                  const uint8_t iv[GALOIS_AES_BLOCK]);

#endif  // GALOIS_SRC_CRYPTO_INTERNAL_H
