// `galois bench`: the galois implementation, through the public API only. The impl's state, when
// set, points at the enum galois_srtp_backend its sessions ask for ("galois-openssl");
// otherwise they take the default backend ("galois").
#include <galois/galois.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_impl.h"

static void *open_galois(const struct bench_impl *impl, enum galois_srtp_suite suite,
                         enum bench_hdr hdr, const struct bench_master *key, bool send, char *why,
                         size_t why_len)
{
    const enum galois_srtp_backend *backend = impl->state;
    struct galois_srtp_master_key mk = {.lifetime = 0};
    memcpy(mk.key, key->key, sizeof(mk.key));
    memcpy(mk.salt, key->salt, sizeof(mk.salt));
    struct galois_srtp_policy pol = {
        .suite = suite,
        .direction = send ? GALOIS_SRTP_SEND : GALOIS_SRTP_RECEIVE,
        .keys = &mk,
        .num_keys = 1,
        .allow_null_cipher = true,
        .cryptex = hdr == BENCH_HDR_CRYPTEX ? GALOIS_SRTP_CRYPTEX_ON : GALOIS_SRTP_CRYPTEX_OFF,
        .backend = backend != NULL ? *backend : GALOIS_SRTP_BACKEND_DEFAULT,
    };
    galois_err err = GALOIS_ERR_OK;
    for (size_t i = 0; hdr == BENCH_HDR_RFC6904 && i < BENCH_RFC6904_IDS && err == GALOIS_ERR_OK;
         i++) {
        err = galois_srtp_policy_encrypt_ext(&pol, bench_rfc6904_ids[i]);
    }
    struct galois_srtp *s = NULL;
    if (err == GALOIS_ERR_OK) {
        err = galois_srtp_new(&s, &pol);
    }
    if (err == GALOIS_ERR_OK) {
        err = galois_srtp_add_stream(s, BENCH_SSRC);
    }
    if (err == GALOIS_ERR_OK && send) {
        err = galois_srtp_set_rtcp_index(s, BENCH_SSRC, 1);
    }
    galois_secure_zero(&mk, sizeof(mk));
    if (err != GALOIS_ERR_OK) {
        snprintf(why, why_len, "galois_srtp_new: %s", galois_err_str(err));
        galois_srtp_free(s);
        return NULL;
    }
    return s;
}

static int protect_galois(void *ep, uint8_t *pkt, size_t *len, bool rtcp)
{
    galois_err err = rtcp ? galois_srtp_protect_rtcp(ep, pkt, len, BENCH_SLOT, pkt, *len)
                          : galois_srtp_protect(ep, pkt, len, BENCH_SLOT, pkt, *len);
    return err == GALOIS_ERR_OK ? 0 : -(int)err;
}

static int unprotect_galois(void *ep, uint8_t *pkt, size_t *len, bool rtcp)
{
    galois_err err = rtcp ? galois_srtp_unprotect_rtcp(ep, pkt, len, BENCH_SLOT, pkt, *len)
                          : galois_srtp_unprotect(ep, pkt, len, BENCH_SLOT, pkt, *len);
    return err == GALOIS_ERR_OK ? 0 : -(int)err;
}

static void close_galois(void *ep)
{
    galois_srtp_free(ep);
}

const struct bench_ops bench_galois_ops = {
    .supports = NULL,  // every header variant
    .open = open_galois,
    .protect = protect_galois,
    .unprotect = unprotect_galois,
    .close = close_galois,
};

enum galois_srtp_backend bench_galois_openssl = GALOIS_SRTP_BACKEND_OPENSSL;
