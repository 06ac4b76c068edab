// Shared helpers of the session tests: the suite table (from the RFCs), sender/receiver pairs,
// RTP/RTCP packet builders and an event recorder. Header-only: each *_test.c is a program.
#ifndef GALOIS_TESTS_UNIT_SRTP_SESSION_UTIL_H
#define GALOIS_TESTS_UNIT_SRTP_SESSION_UTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
// cmocka.h needs the headers above.
#include <cmocka.h>

#include "srtp/internal.h"
#include "test_rng.h"
#include "vector_file.h"

// suite_row: what the RFCs say about each suite (RFC 4568 §6.2, RFC 6188 §2 and §6,
// RFC 7714 §14; the _32 suites keep an 80-bit SRTCP tag, RFC 4568 §6.2.2; the GCM_8 and NULL
// suites are libsrtp's, with the NULL suites' keys derived as AES_CM_128's).
struct suite_row {
    enum galois_srtp_suite suite;
    const char *rfc_name;  // the registered name, or NULL where no RFC registers one
    size_t key_len, salt_len, rtp_tag_len, rtcp_tag_len;
    bool aead, null_cipher;
};

static const struct suite_row suite_rows[] = {
    {GALOIS_SRTP_AES_CM_128_HMAC_SHA1_80, "AES_CM_128_HMAC_SHA1_80", 16, 14, 10, 10, false, false},
    {GALOIS_SRTP_AES_CM_128_HMAC_SHA1_32, "AES_CM_128_HMAC_SHA1_32", 16, 14, 4, 10, false, false},
    {GALOIS_SRTP_AES_192_CM_HMAC_SHA1_80, "AES_192_CM_HMAC_SHA1_80", 24, 14, 10, 10, false, false},
    {GALOIS_SRTP_AES_192_CM_HMAC_SHA1_32, "AES_192_CM_HMAC_SHA1_32", 24, 14, 4, 10, false, false},
    {GALOIS_SRTP_AES_256_CM_HMAC_SHA1_80, "AES_256_CM_HMAC_SHA1_80", 32, 14, 10, 10, false, false},
    {GALOIS_SRTP_AES_256_CM_HMAC_SHA1_32, "AES_256_CM_HMAC_SHA1_32", 32, 14, 4, 10, false, false},
    {GALOIS_SRTP_AEAD_AES_128_GCM, "AEAD_AES_128_GCM", 16, 12, 16, 16, true, false},
    {GALOIS_SRTP_AEAD_AES_256_GCM, "AEAD_AES_256_GCM", 32, 12, 16, 16, true, false},
    {GALOIS_SRTP_AEAD_AES_128_GCM_8, NULL, 16, 12, 8, 8, true, false},
    {GALOIS_SRTP_AEAD_AES_256_GCM_8, NULL, 32, 12, 8, 8, true, false},
    {GALOIS_SRTP_NULL_HMAC_SHA1_80, "NULL_HMAC_SHA1_80", 16, 14, 10, 10, false, true},
    {GALOIS_SRTP_NULL_HMAC_SHA1_32, NULL, 16, 14, 4, 10, false, true},
};

#define NUM_SUITES (sizeof(suite_rows) / sizeof(suite_rows[0]))

static inline const char *suite_label(const struct suite_row *row)
{
    const struct galois_srtp_suite_info *info = galois_srtp_suite_get_info(row->suite);
    return row->rfc_name != NULL ? row->rfc_name : info != NULL ? info->name : "?";
}

// make_key fills a master key, salt and MKI with bytes that depend on `seed`.
static inline void make_key(struct galois_srtp_master_key *k, uint8_t seed)
{
    memset(k, 0, sizeof(*k));
    for (size_t i = 0; i < sizeof(k->key); i++) {
        k->key[i] = (uint8_t)(seed * 31u + i * 7u + 1u);
    }
    for (size_t i = 0; i < sizeof(k->salt); i++) {
        k->salt[i] = (uint8_t)(seed * 17u + i * 13u + 5u);
    }
    for (size_t i = 0; i < sizeof(k->mki); i++) {
        k->mki[i] = (uint8_t)(seed + i);
    }
}

// base_policy is a permissive policy for `suite` over the given keys: any SSRC, NULL suites
// allowed. Tests narrow it.
static inline struct galois_srtp_policy base_policy(enum galois_srtp_suite suite,
                                                    const struct galois_srtp_master_key *keys,
                                                    size_t num_keys)
{
    struct galois_srtp_policy p;
    memset(&p, 0, sizeof(p));
    p.suite = suite;
    p.direction = GALOIS_SRTP_SEND;
    p.keys = keys;
    p.num_keys = num_keys;
    p.accept_any_ssrc = true;
    p.allow_null_cipher = true;
    return p;
}

static inline struct galois_srtp *session_new(const struct galois_srtp_policy *policy,
                                              enum galois_srtp_direction dir)
{
    struct galois_srtp_policy p = *policy;
    p.direction = dir;
    struct galois_srtp *s = NULL;
    galois_err err = galois_srtp_new(&s, &p);
    if (err != GALOIS_ERR_OK) {
        VF_FAIL("galois_srtp_new (suite %d, direction %d): %s", (int)p.suite, (int)dir,
                galois_err_name(err));
    }
    return s;
}

// A sender and a receiver made from one policy.
struct pair {
    struct galois_srtp *tx;
    struct galois_srtp *rx;
};

static inline struct pair pair_new(const struct galois_srtp_policy *policy)
{
    struct pair p = {session_new(policy, GALOIS_SRTP_SEND),
                     session_new(policy, GALOIS_SRTP_RECEIVE)};
    return p;
}

static inline void pair_free(struct pair *p)
{
    galois_srtp_free(p->tx);
    galois_srtp_free(p->rx);
    p->tx = NULL;
    p->rx = NULL;
}

enum { RTP_HDR = 12, RTCP_HDR = 8, PKT_MAX = 2048 };

// build_rtp writes an RTP v2 packet (PT 96, no CSRC, no extension) and returns its length.
static inline size_t build_rtp(uint8_t *buf, uint16_t seq, uint32_t ts, uint32_t ssrc,
                               const uint8_t *payload, size_t payload_len)
{
    buf[0] = 0x80;
    buf[1] = 0x60;
    galois_put_u16(buf + 2, seq);
    galois_put_u32(buf + 4, ts);
    galois_put_u32(buf + 8, ssrc);
    if (payload_len > 0) {
        memcpy(buf + RTP_HDR, payload, payload_len);
    }
    return RTP_HDR + payload_len;
}

// build_rtcp writes one RTCP packet (V=2, PT 200 SR, RC 0) of 8 + 4 * `words` octets with a
// consistent length field and `rng` contents, and returns its length.
static inline size_t build_rtcp(uint8_t *buf, uint32_t ssrc, size_t words, struct test_rng *rng)
{
    size_t len = RTCP_HDR + 4 * words;
    buf[0] = 0x80;
    buf[1] = 200;
    galois_put_u16(buf + 2, (uint16_t)(len / 4 - 1));
    galois_put_u32(buf + 4, ssrc);
    test_rng_fill(rng, buf + RTCP_HDR, 4 * words);
    return len;
}

// build_rtp_rng is build_rtp with `payload_len` random payload octets.
static inline size_t build_rtp_rng(uint8_t *buf, uint16_t seq, uint32_t ssrc, size_t payload_len,
                                   struct test_rng *rng)
{
    size_t len = build_rtp(buf, seq, (uint32_t)seq * 160u, ssrc, NULL, 0);
    test_rng_fill(rng, buf + RTP_HDR, payload_len);
    return len + payload_len;
}

// expect_err fails with both names unless `got` is `want`.
#define expect_err(got, want, ...)                                                           \
    do {                                                                                     \
        galois_err got_ = (got);                                                             \
        galois_err want_ = (want);                                                           \
        if (got_ != want_) {                                                                 \
            print_error(__VA_ARGS__);                                                        \
            VF_FAIL(": got %s, expected %s", galois_err_name(got_), galois_err_name(want_)); \
        }                                                                                    \
    } while (0)

// protect_into protects `in` into `out` (which may be `in`), `max_out_len` octets of room,
// and returns the length.
static inline size_t protect_into(struct galois_srtp *tx, bool rtcp, uint8_t *out,
                                  size_t max_out_len, const uint8_t *in, size_t in_len,
                                  const char *what)
{
    size_t out_len = 0;
    galois_err err = rtcp ? galois_srtp_protect_rtcp(tx, out, &out_len, max_out_len, in, in_len)
                          : galois_srtp_protect(tx, out, &out_len, max_out_len, in, in_len);
    expect_err(err, GALOIS_ERR_OK, "%s: protect%s", what, rtcp ? "_rtcp" : "");
    return out_len;
}

// protect_ok is protect_into an `out` of PKT_MAX octets.
static inline size_t protect_ok(struct galois_srtp *tx, bool rtcp, uint8_t *out, const uint8_t *in,
                                size_t in_len, const char *what)
{
    return protect_into(tx, rtcp, out, PKT_MAX, in, in_len, what);
}

static inline galois_err unprotect(struct galois_srtp *rx, bool rtcp, uint8_t *out, size_t *out_len,
                                   size_t max_out_len, const uint8_t *in, size_t in_len)
{
    return rtcp ? galois_srtp_unprotect_rtcp(rx, out, out_len, max_out_len, in, in_len)
                : galois_srtp_unprotect(rx, out, out_len, max_out_len, in, in_len);
}

// unprotect_expect unprotects `in` (separately) and checks it gives back `plain`.
static inline void unprotect_expect(struct galois_srtp *rx, bool rtcp, const uint8_t *in,
                                    size_t in_len, const uint8_t *plain, size_t plain_len,
                                    const char *what)
{
    uint8_t out[PKT_MAX];
    size_t out_len = 0;
    expect_err(unprotect(rx, rtcp, out, &out_len, sizeof(out), in, in_len), GALOIS_ERR_OK,
               "%s: unprotect%s", what, rtcp ? "_rtcp" : "");
    vf_expect_bytes(what, out, out_len, plain, plain_len);
}

// wiped_or_untouched checks that after a failed unprotect each of the `len` octets of `out` is
// either zero (wiped) or still `before[i]` (not written): no plaintext was left there.
static inline void wiped_or_untouched(const uint8_t *out, const uint8_t *before, size_t len,
                                      const char *what)
{
    for (size_t i = 0; i < len; i++) {
        if (out[i] != 0 && out[i] != before[i]) {
            VF_FAIL("%s: out[%zu] = %02x after a failed unprotect: neither wiped nor untouched",
                    what, i, out[i]);
        }
    }
}

static inline struct galois_srtp_stats get_stats(const struct galois_srtp *s, bool rtcp,
                                                 const uint32_t *ssrc)
{
    struct galois_srtp_stats st;
    memset(&st, 0xff, sizeof(st));
    galois_err err = galois_srtp_get_stats(s, &st, rtcp, ssrc != NULL, ssrc != NULL ? *ssrc : 0);
    if (err != GALOIS_ERR_OK) {
        VF_FAIL("galois_srtp_get_stats: %s", galois_err_name(err));
    }
    return st;
}

static inline uint32_t get_roc(const struct galois_srtp *s, uint32_t ssrc)
{
    uint32_t roc = 0xdeadbeef;
    galois_err err = galois_srtp_get_roc(s, &roc, ssrc);
    if (err != GALOIS_ERR_OK) {
        VF_FAIL("galois_srtp_get_roc(%08x): %s", ssrc, galois_err_name(err));
    }
    return roc;
}

// The SRTCP E||index word of a protected packet of `plain_len` octets (RFC 3711 §3.4: right
// after the packet for AES-CM; RFC 7714 §9: after the tag for AEAD).
static inline uint32_t srtcp_word(const uint8_t *pkt, size_t plain_len, const struct suite_row *row)
{
    return galois_get_u32(pkt + plain_len + (row->aead ? row->rtcp_tag_len : 0));
}

// An event recorder for policy.on_event.
struct events {
    struct galois_srtp_event ev[64];
    size_t n;
    size_t at[64];  // the test's packet counter when each was raised
    size_t now;
};

static inline void record_event(void *arg, const struct galois_srtp_event *event)
{
    struct events *e = arg;
    if (e->n < 64) {
        e->ev[e->n] = *event;
        e->at[e->n] = e->now;
        e->n++;
    }
}

static inline size_t count_events(const struct events *e, enum galois_srtp_event_type type)
{
    size_t n = 0;
    for (size_t i = 0; i < e->n; i++) {
        n += e->ev[i].type == type;
    }
    return n;
}

#endif  // GALOIS_TESTS_UNIT_SRTP_SESSION_UTIL_H
