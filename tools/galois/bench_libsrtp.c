// `galois bench`: libsrtp2 (Debian's build on NSS, or one built on OpenSSL by
// scripts/build-libsrtp-openssl.sh), loaded at run time with dlopen(RTLD_LOCAL) so that the
// tool never links it and two builds of it can sit in one process without their srtp_*
// symbols meeting.
//
// The tool must build without libsrtp2's headers, so the few types of its stable 2.x ABI
// (libsrtp2.so.1) that the calls need are restated here, field for field, from srtp2/srtp.h.
#include <dlfcn.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench_impl.h"

struct ls_crypto_policy {  // srtp_crypto_policy_t
    uint32_t cipher_type;
    int cipher_key_len;
    uint32_t auth_type;
    int auth_key_len;
    int auth_tag_len;
    int sec_serv;  // srtp_sec_serv_t
};

struct ls_master_key {  // srtp_master_key_t
    unsigned char *key;
    unsigned char *mki_id;
    unsigned int mki_size;
};

struct ls_policy {  // srtp_policy_t
    struct {
        int type;  // srtp_ssrc_type_t: 1 ssrc_specific
        unsigned int value;
    } ssrc;
    struct ls_crypto_policy rtp;
    struct ls_crypto_policy rtcp;
    unsigned char *key;
    struct ls_master_key **keys;
    unsigned long num_master_keys;
    void *deprecated_ekt;
    unsigned long window_size;
    int allow_repeat_tx;
    int *enc_xtn_hdr;
    int enc_xtn_hdr_count;
    struct ls_policy *next;
};

enum { LS_SSRC_SPECIFIC = 1 };

typedef void (*ls_setter)(struct ls_crypto_policy *p);
typedef int (*ls_packet_fn)(void *ctx, void *hdr, int *len);

struct ls_lib {
    void *handle;
    int (*init)(void);
    int (*shutdown)(void);
    int (*create)(void **session, const struct ls_policy *policy);
    int (*dealloc)(void *session);
    ls_packet_fn protect;
    ls_packet_fn unprotect;
    ls_packet_fn protect_rtcp;
    ls_packet_fn unprotect_rtcp;
    const char *(*version)(void);
};

// Each suite as libsrtp's policy setters name it; the _32 suites keep an 80-bit SRTCP tag.
struct ls_suite {
    const char *rtp;
    const char *rtcp;
    int rtp_tag_len;  // overrides the setter's tag length when non-zero
};

static const struct ls_suite ls_suites[GALOIS_SRTP_SUITE_COUNT_] = {
    [GALOIS_SRTP_AES_CM_128_HMAC_SHA1_80] = {"srtp_crypto_policy_set_rtp_default",
                                             "srtp_crypto_policy_set_rtp_default", 0},
    [GALOIS_SRTP_AES_CM_128_HMAC_SHA1_32] = {"srtp_crypto_policy_set_aes_cm_128_hmac_sha1_32",
                                             "srtp_crypto_policy_set_rtp_default", 0},
    [GALOIS_SRTP_AES_192_CM_HMAC_SHA1_80] = {"srtp_crypto_policy_set_aes_cm_192_hmac_sha1_80",
                                             "srtp_crypto_policy_set_aes_cm_192_hmac_sha1_80", 0},
    [GALOIS_SRTP_AES_192_CM_HMAC_SHA1_32] = {"srtp_crypto_policy_set_aes_cm_192_hmac_sha1_32",
                                             "srtp_crypto_policy_set_aes_cm_192_hmac_sha1_80", 0},
    [GALOIS_SRTP_AES_256_CM_HMAC_SHA1_80] = {"srtp_crypto_policy_set_aes_cm_256_hmac_sha1_80",
                                             "srtp_crypto_policy_set_aes_cm_256_hmac_sha1_80", 0},
    [GALOIS_SRTP_AES_256_CM_HMAC_SHA1_32] = {"srtp_crypto_policy_set_aes_cm_256_hmac_sha1_32",
                                             "srtp_crypto_policy_set_aes_cm_256_hmac_sha1_80", 0},
    [GALOIS_SRTP_AEAD_AES_128_GCM] = {"srtp_crypto_policy_set_aes_gcm_128_16_auth",
                                      "srtp_crypto_policy_set_aes_gcm_128_16_auth", 0},
    [GALOIS_SRTP_AEAD_AES_256_GCM] = {"srtp_crypto_policy_set_aes_gcm_256_16_auth",
                                      "srtp_crypto_policy_set_aes_gcm_256_16_auth", 0},
    [GALOIS_SRTP_AEAD_AES_128_GCM_8] = {"srtp_crypto_policy_set_aes_gcm_128_8_auth",
                                        "srtp_crypto_policy_set_aes_gcm_128_8_auth", 0},
    [GALOIS_SRTP_AEAD_AES_256_GCM_8] = {"srtp_crypto_policy_set_aes_gcm_256_8_auth",
                                        "srtp_crypto_policy_set_aes_gcm_256_8_auth", 0},
    [GALOIS_SRTP_NULL_HMAC_SHA1_80] = {"srtp_crypto_policy_set_null_cipher_hmac_sha1_80",
                                       "srtp_crypto_policy_set_null_cipher_hmac_sha1_80", 0},
    [GALOIS_SRTP_NULL_HMAC_SHA1_32] = {"srtp_crypto_policy_set_null_cipher_hmac_sha1_80",
                                       "srtp_crypto_policy_set_null_cipher_hmac_sha1_80", 4},
};

// sym looks `name` up in `handle`; dlsym returns an object pointer, which POSIX guarantees
// converts to a function pointer, so the caller copies it into one with memcpy.
static bool sym(void *handle, const char *name, void *out, size_t out_len)
{
    void *p = dlsym(handle, name);
    if (p == NULL || out_len != sizeof(p)) {
        return false;
    }
    memcpy(out, &p, sizeof(p));
    return true;
}

struct ls_ep {
    const struct ls_lib *lib;
    void *session;
    unsigned char key[GALOIS_SRTP_MAX_KEY_LEN + GALOIS_SRTP_MAX_SALT_LEN];  // key || salt
};

// supports_libsrtp: libsrtp2 has RFC 6904 (srtp_policy_t.enc_xtn_hdr); 2.5 has no cryptex. A
// build that exports srtp_set_stream_use_cryptex has it, but the bench does not drive it yet.
static bool supports_libsrtp(const struct bench_impl *impl, enum bench_hdr hdr, char *why,
                             size_t why_len)
{
    const struct ls_lib *lib = impl->state;
    if (hdr != BENCH_HDR_CRYPTEX) {
        return true;
    }
    if (dlsym(lib->handle, "srtp_set_stream_use_cryptex") != NULL) {
        snprintf(why, why_len, "%s has cryptex, which the bench does not drive yet",
                 lib->version());
    } else {
        snprintf(why, why_len, "%s has no cryptex (RFC 9335)", lib->version());
    }
    return false;
}

static void *open_libsrtp(const struct bench_impl *impl, enum galois_srtp_suite suite,
                          enum bench_hdr hdr, const struct bench_master *key, bool send, char *why,
                          size_t why_len)
{
    (void)send;  // a libsrtp session protects and unprotects alike
    const struct ls_lib *lib = impl->state;
    if (!supports_libsrtp(impl, hdr, why, why_len)) {
        return NULL;
    }
    const struct galois_srtp_suite_info *info = galois_srtp_suite_get_info(suite);
    ls_setter set_rtp = NULL, set_rtcp = NULL;
    if (info == NULL || !sym(lib->handle, ls_suites[suite].rtp, &set_rtp, sizeof(set_rtp)) ||
        !sym(lib->handle, ls_suites[suite].rtcp, &set_rtcp, sizeof(set_rtcp))) {
        snprintf(why, why_len, "suite not in this libsrtp2");
        return NULL;
    }
    struct ls_ep *ep = calloc(1, sizeof(*ep));
    if (ep == NULL) {
        snprintf(why, why_len, "out of memory");
        return NULL;
    }
    ep->lib = lib;
    memcpy(ep->key, key->key, info->key_len);
    memcpy(ep->key + info->key_len, key->salt, info->salt_len);
    struct ls_policy pol;
    memset(&pol, 0, sizeof(pol));
    set_rtp(&pol.rtp);
    set_rtcp(&pol.rtcp);
    if (ls_suites[suite].rtp_tag_len != 0) {
        pol.rtp.auth_tag_len = ls_suites[suite].rtp_tag_len;
    }
    pol.ssrc.type = LS_SSRC_SPECIFIC;
    pol.ssrc.value = BENCH_SSRC;
    pol.key = ep->key;
    pol.window_size = GALOIS_SRTP_DEFAULT_WINDOW;
    int ext_ids[BENCH_RFC6904_IDS];  // libsrtp copies the list
    for (size_t i = 0; i < BENCH_RFC6904_IDS; i++) {
        ext_ids[i] = (int)bench_rfc6904_ids[i];
    }
    if (hdr == BENCH_HDR_RFC6904) {
        pol.enc_xtn_hdr = ext_ids;
        pol.enc_xtn_hdr_count = BENCH_RFC6904_IDS;
    }
    int st = lib->create(&ep->session, &pol);
    if (st != 0) {
        snprintf(why, why_len, "srtp_create: status %d", st);
        free(ep);
        return NULL;
    }
    return ep;
}

static int protect_libsrtp(void *p, uint8_t *pkt, size_t *len, bool rtcp)
{
    struct ls_ep *ep = p;
    int n = (int)*len;
    int st =
        rtcp ? ep->lib->protect_rtcp(ep->session, pkt, &n) : ep->lib->protect(ep->session, pkt, &n);
    *len = (size_t)n;
    return st;
}

static int unprotect_libsrtp(void *p, uint8_t *pkt, size_t *len, bool rtcp)
{
    struct ls_ep *ep = p;
    int n = (int)*len;
    int st = rtcp ? ep->lib->unprotect_rtcp(ep->session, pkt, &n)
                  : ep->lib->unprotect(ep->session, pkt, &n);
    *len = (size_t)n;
    return st;
}

static void close_libsrtp(void *p)
{
    struct ls_ep *ep = p;
    if (ep == NULL) {
        return;
    }
    ep->lib->dealloc(ep->session);
    memset(ep->key, 0, sizeof(ep->key));
    free(ep);
}

static const struct bench_ops ls_ops = {
    .supports = supports_libsrtp,
    .open = open_libsrtp,
    .protect = protect_libsrtp,
    .unprotect = unprotect_libsrtp,
    .close = close_libsrtp,
};

void bench_libsrtp_load(struct bench_impl *impl, const char *name, const char *path)
{
    static char note[2][256];
    static unsigned next_note;
    char *why = note[next_note++ % 2];
    impl->name = name;
    impl->state = NULL;
    impl->note = NULL;
    struct ls_lib *lib = calloc(1, sizeof(*lib));
    if (lib == NULL) {
        impl->note = "out of memory";
        return;
    }
    lib->handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (lib->handle == NULL) {
        snprintf(why, sizeof(note[0]), "not loaded (%s)", dlerror());
        impl->note = why;
        free(lib);
        return;
    }
    bool ok =
        sym(lib->handle, "srtp_init", &lib->init, sizeof(lib->init)) &&
        sym(lib->handle, "srtp_shutdown", &lib->shutdown, sizeof(lib->shutdown)) &&
        sym(lib->handle, "srtp_create", &lib->create, sizeof(lib->create)) &&
        sym(lib->handle, "srtp_dealloc", &lib->dealloc, sizeof(lib->dealloc)) &&
        sym(lib->handle, "srtp_protect", &lib->protect, sizeof(lib->protect)) &&
        sym(lib->handle, "srtp_unprotect", &lib->unprotect, sizeof(lib->unprotect)) &&
        sym(lib->handle, "srtp_protect_rtcp", &lib->protect_rtcp, sizeof(lib->protect_rtcp)) &&
        sym(lib->handle, "srtp_unprotect_rtcp", &lib->unprotect_rtcp,
            sizeof(lib->unprotect_rtcp)) &&
        sym(lib->handle, "srtp_get_version_string", &lib->version, sizeof(lib->version));
    if (!ok || lib->init() != 0) {
        snprintf(why, sizeof(note[0]), "%s: %s", path, ok ? "srtp_init failed" : "symbol missing");
        impl->note = why;
        dlclose(lib->handle);
        free(lib);
        return;
    }
    impl->ops = &ls_ops;
    impl->state = lib;
}

void bench_libsrtp_unload(struct bench_impl *impl)
{
    struct ls_lib *lib = impl->state;
    if (lib == NULL) {
        return;
    }
    // The library stays loaded: nothing else in the process uses it, and a leak checker can
    // still name its frames at exit.
    (void)lib->shutdown();
    free(lib);
    impl->state = NULL;
}

const char *bench_libsrtp_version(const struct bench_impl *impl)
{
    const struct ls_lib *lib = impl->state;
    return lib == NULL ? "" : lib->version();
}

const char *bench_libsrtp_openssl_path(char *buf, size_t len)
{
    const char *env = getenv("GALOIS_LIBSRTP_OPENSSL");
    if (env != NULL && env[0] != '\0') {
        return env;
    }
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    if (n <= 0) {
        return "libsrtp-openssl/libsrtp2.so.1";
    }
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (slash != NULL) {
        *slash = '\0';
    }
    static const char *const rel[] = {"/libsrtp-openssl/libsrtp2.so.1",
                                      "/../build/libsrtp-openssl/libsrtp2.so.1"};
    for (size_t i = 0; i < 2; i++) {
        snprintf(buf, len, "%s%s", exe, rel[i]);
        if (access(buf, R_OK) == 0) {
            return buf;
        }
    }
    snprintf(buf, len, "%s%s", exe, rel[1]);
    return buf;
}
