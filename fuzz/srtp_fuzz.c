// The sessions and keys of the SRTP fuzz targets; see srtp_fuzz.h.
#include "srtp_fuzz.h"

#include <stdlib.h>
#include <string.h>

#include "common/internal.h"

static const uint8_t key_cm128[16] = {0xe1, 0xf9, 0x7a, 0x0d, 0x3e, 0x01, 0x8b, 0xe0,
                                      0xd6, 0x4f, 0xa3, 0x2c, 0x06, 0xde, 0x41, 0x39};
static const uint8_t salt_cm128[14] = {0x0e, 0xc6, 0x75, 0xad, 0x49, 0x8a, 0xfe,
                                       0xeb, 0xb6, 0x96, 0x0b, 0x3a, 0xab, 0xe6};
static const uint8_t key_cm192[24] = {0x73, 0xed, 0xc6, 0x6c, 0x4f, 0xa1, 0x57, 0x76,
                                      0xfb, 0x57, 0xf9, 0x50, 0x5c, 0x17, 0x13, 0x65,
                                      0x50, 0xff, 0xda, 0x71, 0xf3, 0xe8, 0xe5, 0xf1};
static const uint8_t salt_cm192[14] = {0xc8, 0x52, 0x2f, 0x3a, 0xcd, 0x4c, 0xe8,
                                       0x6d, 0x5a, 0xdd, 0x78, 0xed, 0xbb, 0x11};
static const uint8_t key_cm256[32] = {
    0xf0, 0xf0, 0x49, 0x14, 0xb5, 0x13, 0xf2, 0x76, 0x3a, 0x1b, 0x1f, 0xa1, 0x30, 0xf1, 0x0e, 0x29,
    0x98, 0xf6, 0xf6, 0xe4, 0x3e, 0x43, 0x09, 0xd1, 0xe6, 0x22, 0xa0, 0xe3, 0x32, 0xb9, 0xf1, 0xb6};
static const uint8_t salt_cm256[14] = {0x3b, 0x04, 0x80, 0x3d, 0xe5, 0x1e, 0xe7,
                                       0xc9, 0x64, 0x23, 0xab, 0x5b, 0x78, 0xd2};
static const uint8_t salt_gcm[12] = {0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5,
                                     0xa6, 0xa7, 0xa8, 0xa9, 0xaa, 0xab};
static const uint8_t mki0[FUZZ_MKI_LEN] = {0xe1, 0xf9, 0x7a, 0x0d};
static const uint8_t mki1[FUZZ_MKI_LEN] = {0x00, 0x00, 0x00, 0x01};

uint8_t fuzz_selector(enum galois_srtp_suite suite, bool mki)
{
    GALOIS_CHECK(suite > GALOIS_SRTP_SUITE_NONE && suite < GALOIS_SRTP_SUITE_COUNT_);
    return (uint8_t)((unsigned)(suite - 1) | (mki ? FUZZ_MKI_FLAG : 0u));
}

enum galois_srtp_suite fuzz_suite(uint8_t selector)
{
    return (enum galois_srtp_suite)(1 + (selector & 0x0f) % FUZZ_NUM_SUITES);
}

unsigned fuzz_hdr(uint8_t selector)
{
    return (selector >> FUZZ_HDR_SHIFT) & 3u;
}

void fuzz_policy(struct galois_srtp_policy *policy,
                 struct galois_srtp_master_key keys[FUZZ_NUM_KEYS_MKI], uint8_t selector,
                 enum galois_srtp_direction direction)
{
    enum galois_srtp_suite suite = fuzz_suite(selector);
    const struct galois_srtp_suite_info *info = galois_srtp_suite_get_info(suite);
    GALOIS_CHECK(info != NULL);
    memset(keys, 0, FUZZ_NUM_KEYS_MKI * sizeof(keys[0]));
    if (info->aead) {
        for (size_t i = 0; i < info->key_len; i++) {
            keys[0].key[i] = (uint8_t)i;
        }
        memcpy(keys[0].salt, salt_gcm, sizeof(salt_gcm));
    } else if (info->key_len == 24) {
        memcpy(keys[0].key, key_cm192, sizeof(key_cm192));
        memcpy(keys[0].salt, salt_cm192, sizeof(salt_cm192));
    } else if (info->key_len == 32) {
        memcpy(keys[0].key, key_cm256, sizeof(key_cm256));
        memcpy(keys[0].salt, salt_cm256, sizeof(salt_cm256));
    } else {
        GALOIS_CHECK(info->key_len == 16);
        memcpy(keys[0].key, key_cm128, sizeof(key_cm128));
        memcpy(keys[0].salt, salt_cm128, sizeof(salt_cm128));
    }
    bool mki = (selector & FUZZ_MKI_FLAG) != 0;
    if (mki) {
        memcpy(keys[0].mki, mki0, sizeof(mki0));
        keys[1] = keys[0];
        for (size_t i = 0; i < sizeof(keys[1].key); i++) {
            keys[1].key[i] = (uint8_t)~keys[1].key[i];
        }
        memcpy(keys[1].mki, mki1, sizeof(mki1));
    }
    *policy = (struct galois_srtp_policy){
        .suite = suite,
        .direction = direction,
        .keys = keys,
        .num_keys = mki ? FUZZ_NUM_KEYS_MKI : 1,
        .mki_len = mki ? FUZZ_MKI_LEN : 0,
        .accept_any_ssrc = true,
        .allow_null_cipher = true,
        .backend = (selector & FUZZ_OPENSSL_FLAG) != 0 ? GALOIS_SRTP_BACKEND_OPENSSL
                                                       : GALOIS_SRTP_BACKEND_DEFAULT,
    };
    // Cryptex needs encryption; with a NULL suite the mode is left off.
    unsigned hdr = info->null_cipher ? FUZZ_HDR_NONE : fuzz_hdr(selector);
    if (hdr == FUZZ_HDR_CRYPTEX) {
        policy->cryptex = GALOIS_SRTP_CRYPTEX_ON;
    } else if (hdr == FUZZ_HDR_CRYPTEX_REQUIRED) {
        policy->cryptex = GALOIS_SRTP_CRYPTEX_REQUIRED;
    } else if (hdr == FUZZ_HDR_RFC6904) {
        static const unsigned ids[] = {1, 3, 4};
        for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
            GALOIS_CHECK(galois_srtp_policy_encrypt_ext(policy, ids[i]) == GALOIS_ERR_OK);
        }
    }
}

struct galois_srtp *fuzz_session(uint8_t selector, enum galois_srtp_direction direction)
{
    static struct galois_srtp *sessions[FUZZ_NUM_SUITES][FUZZ_NUM_HDR][2][2][2];
    enum galois_srtp_suite suite = fuzz_suite(selector);
    size_t mki = (selector & FUZZ_MKI_FLAG) != 0;
    size_t openssl = (selector & FUZZ_OPENSSL_FLAG) != 0;
    size_t dir = direction == GALOIS_SRTP_SEND;
    struct galois_srtp **s = &sessions[suite - 1][fuzz_hdr(selector)][mki][openssl][dir];
    if (*s == NULL) {
        struct galois_srtp_policy policy;
        struct galois_srtp_master_key keys[FUZZ_NUM_KEYS_MKI];
        fuzz_policy(&policy, keys, selector, direction);
        GALOIS_CHECK(galois_srtp_new(s, &policy) == GALOIS_ERR_OK);
    }
    return *s;
}

void fuzz_forget(struct galois_srtp *srtp, uint32_t ssrc)
{
    galois_err err = galois_srtp_remove_stream(srtp, ssrc);
    GALOIS_CHECK(err == GALOIS_ERR_OK || err == GALOIS_ERR_NOT_FOUND);
}

void fuzz_key_usage(const struct galois_srtp *srtp, uint64_t *out, bool rtcp, size_t num_keys)
{
    for (size_t i = 0; i < num_keys; i++) {
        uint64_t rtp_count = 0;
        uint64_t rtcp_count = 0;
        GALOIS_CHECK(galois_srtp_key_usage(srtp, &rtp_count, &rtcp_count, i) == GALOIS_ERR_OK);
        out[i] = rtcp ? rtcp_count : rtp_count;
    }
}

size_t fuzz_used_key(const uint64_t *before, const uint64_t *after, size_t num_keys)
{
    size_t used = num_keys;
    for (size_t i = 0; i < num_keys; i++) {
        if (after[i] != before[i]) {
            GALOIS_CHECK(used == num_keys && after[i] == before[i] + 1);
            used = i;
        }
    }
    GALOIS_CHECK(used < num_keys);
    return used;
}

bool fuzz_all_zero(const uint8_t *p, size_t len)
{
    uint8_t acc = 0;
    for (size_t i = 0; i < len; i++) {
        acc |= p[i];
    }
    return acc == 0;
}

uint8_t *fuzz_alloc(size_t n)
{
    uint8_t *p = malloc(n > 0 ? n : 1);
    GALOIS_CHECK(p != NULL);
    return p;
}

uint8_t *fuzz_flip_bit(const uint8_t *in, size_t in_len)
{
    uint8_t *p = fuzz_alloc(in_len);
    memcpy(p, in, in_len);
    size_t h = 0;
    for (size_t i = 0; i < in_len; i++) {
        h = h * 31 + in[i];
    }
    size_t bit = h % (in_len * 8);
    p[bit / 8] ^= (uint8_t)(1u << (bit % 8));
    return p;
}

// other_backend_agrees unprotects `in` again on the session of the other backend, if its
// backend differs from `rx`'s, and checks that it gives verdict `err` and the plaintext `plain`.
static void other_backend_agrees(const struct fuzz_unprotect_target *t, uint8_t selector,
                                 const struct galois_srtp *rx, galois_err err, const uint8_t *plain,
                                 size_t plain_len, size_t max_out, const uint8_t *in, size_t in_len)
{
    uint8_t other_selector = (uint8_t)(selector ^ FUZZ_OPENSSL_FLAG);
    struct galois_srtp *other = fuzz_session(other_selector, GALOIS_SRTP_RECEIVE);
    if (galois_srtp_backend_used(other) == galois_srtp_backend_used(rx)) {
        return;
    }
    uint8_t *out = fuzz_alloc(max_out);
    size_t out_len = 0;
    GALOIS_CHECK(t->unprotect(other, out, &out_len, max_out, in, in_len) == err);
    GALOIS_CHECK(err != GALOIS_ERR_OK ||
                 (out_len == plain_len && memcmp(out, plain, out_len) == 0));
    fuzz_forget(other, in_len >= t->ssrc_offset + 4 ? galois_get_u32(in + t->ssrc_offset) : 0);
    free(out);
}

void fuzz_unprotect(const struct fuzz_unprotect_target *t, const uint8_t *data, size_t size)
{
    if (size < 1) {
        return;
    }
    uint8_t selector = data[0];
    const uint8_t *in = data + 1;
    size_t in_len = size - 1;
    struct galois_srtp *rx = fuzz_session(selector, GALOIS_SRTP_RECEIVE);
    size_t num_keys = (selector & FUZZ_MKI_FLAG) != 0 ? FUZZ_NUM_KEYS_MKI : 1;
    size_t trailer = t->trailer_len(rx, selector);
    uint32_t ssrc = in_len >= t->ssrc_offset + 4 ? galois_get_u32(in + t->ssrc_offset) : 0;

    // A separate output exactly as long as the plaintext of an accepted packet would be.
    size_t max_out = in_len >= trailer ? in_len - trailer : in_len;
    uint8_t *out = fuzz_alloc(max_out);
    memset(out, 0xa5, max_out);
    size_t out_len = 0;
    uint64_t used_before[FUZZ_NUM_KEYS_MKI];
    uint64_t used_after[FUZZ_NUM_KEYS_MKI];
    struct galois_srtp_stats before;
    struct galois_srtp_stats after;
    fuzz_key_usage(rx, used_before, t->rtcp, num_keys);
    GALOIS_CHECK(galois_srtp_get_stats(rx, &before, t->rtcp, false, 0) == GALOIS_ERR_OK);
    galois_err err = t->unprotect(rx, out, &out_len, max_out, in, in_len);
    fuzz_key_usage(rx, used_after, t->rtcp, num_keys);
    GALOIS_CHECK(galois_srtp_get_stats(rx, &after, t->rtcp, false, 0) == GALOIS_ERR_OK);
    GALOIS_CHECK(after.packets == before.packets + 1);
    GALOIS_CHECK((after.ok == before.ok + 1) == (err == GALOIS_ERR_OK));
    if (err == GALOIS_ERR_OK) {
        size_t key = fuzz_used_key(used_before, used_after, num_keys);
        t->check_accepted(rx, selector, key, ssrc, out, out_len, in, in_len);
    } else {
        GALOIS_CHECK(memcmp(used_before, used_after, num_keys * sizeof(used_before[0])) == 0);
        GALOIS_CHECK(fuzz_all_zero(out, max_out));
    }
    fuzz_forget(rx, ssrc);
    other_backend_agrees(t, selector, rx, err, out, out_len, max_out, in, in_len);

    // In place, in a buffer as long as the input: the same verdict and the same plaintext.
    uint8_t *buf = fuzz_alloc(in_len);
    memcpy(buf, in, in_len);
    size_t buf_len = 0;
    galois_err err_in_place = t->unprotect(rx, buf, &buf_len, in_len, buf, in_len);
    GALOIS_CHECK(err_in_place == err);
    if (err == GALOIS_ERR_OK) {
        GALOIS_CHECK(buf_len == out_len && memcmp(buf, out, out_len) == 0);
    } else {
        GALOIS_CHECK(fuzz_all_zero(buf, in_len));
    }
    fuzz_forget(rx, ssrc);

    free(buf);
    free(out);
}
