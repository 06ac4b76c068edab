// Helpers the SDES negotiation tests share: SDP from text, answers under a policy string,
// and an end-to-end check that two key sets protect and unprotect each other's packets.
#ifndef GALOIS_TESTS_UNIT_SDES_SDES_UTIL_H
#define GALOIS_TESTS_UNIT_SDES_SDES_UTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
// cmocka.h needs the headers above.
#include <cmocka.h>

#include "sdes/internal.h"

// Keys of each length, base64 (the bytes 0, 1, 2 ...).
#define K30 "d0RmdmcmVCspeEc3QGZiNWpVLFJhQX1cfHAwJSoj"
#define K28 "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGw=="
#define K38 "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCU="
#define K44 "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKis="
#define K46 "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLQ=="

enum { UTIL_TEXT_MAX = GALOIS_SDP_MAX_LEN };

static inline struct galois_sdp *util_parse_sdp(const char *text)
{
    struct galois_sdp *sdp = NULL;
    size_t off = 0;
    galois_err err = galois_sdp_parse(&sdp, &off, text, strlen(text));
    if (err != GALOIS_ERR_OK) {
        print_error("SDP refused (%s) at offset %zu: %.40s\n", galois_err_name(err), off,
                    text + (off < strlen(text) ? off : 0));
    }
    assert_int_equal(err, GALOIS_ERR_OK);
    return sdp;
}

static inline struct galois_sdes_policy util_policy(const char *text)
{
    struct galois_sdes_policy p;
    assert_int_equal(galois_sdes_policy_parse(&p, NULL, text, strlen(text)), GALOIS_ERR_OK);
    return p;
}

// util_write returns the text of `sdp` (heap; free it with util_free_text).
static inline char *util_write(const struct galois_sdp *sdp)
{
    char *text = malloc(UTIL_TEXT_MAX);
    size_t len = 0;
    assert_non_null(text);
    assert_int_equal(galois_sdp_write(text, &len, UTIL_TEXT_MAX, sdp), GALOIS_ERR_OK);
    return text;
}

static inline void util_free_text(char *text)
{
    if (text != NULL) {
        galois_secure_zero(text, UTIL_TEXT_MAX);
    }
    free(text);
}

// util_answer is one answerer's run: the skeleton, the session, the result.
struct util_answer {
    struct galois_sdes_session *s;
    struct galois_sdp *offer;
    struct galois_sdp *answer;
    struct galois_sdes_result *result;
    char reason[4 * GALOIS_SDES_MAX_REASON_LEN];
    size_t err_off;
    char *text;  // the answer's text, when the negotiation succeeded
};

static inline galois_err util_answer_run(struct util_answer *a, const char *policy,
                                         const char *offer_text)
{
    struct galois_sdes_policy p = util_policy(policy);
    struct galois_sdp_answer_options o = {.address = "192.0.2.99", .first_port = 30000};
    memset(a, 0, sizeof(*a));
    a->offer = util_parse_sdp(offer_text);
    assert_int_equal(galois_sdp_answer_new(&a->answer, a->offer, &o), GALOIS_ERR_OK);
    assert_int_equal(galois_sdes_session_new(&a->s, &p), GALOIS_ERR_OK);
    galois_err err = galois_sdes_answer(a->s, a->answer, &a->result, &a->err_off, a->reason,
                                        sizeof(a->reason), a->offer, false);
    if (err == GALOIS_ERR_OK) {
        a->text = util_write(a->answer);
    } else {
        assert_null(a->result);
    }
    return err;
}

static inline void util_answer_free(struct util_answer *a)
{
    util_free_text(a->text);
    galois_sdes_result_free(a->result);
    galois_sdes_session_free(a->s);
    galois_sdp_free(a->offer);
    galois_sdp_free(a->answer);
    memset(a, 0, sizeof(*a));
}

// util_keyset_of sets `ks` to the keys of the a=crypto line `value` (the peer's side).
static inline void util_keyset_of(struct galois_sdes_keyset *ks, const char *value)
{
    struct galois_sdes_crypto c;
    assert_int_equal(galois_sdes_parse(&c, NULL, value, strlen(value)), GALOIS_ERR_OK);
    memset(ks, 0, sizeof(*ks));
    sdes_fill_keyset(ks, c.suite, c.keys, c.num_keys);
    ks->unencrypted_srtp = c.unencrypted_srtp;
    ks->unencrypted_srtcp = c.unencrypted_srtcp;
    ks->kdr_log2 = c.has_kdr ? c.kdr : 0;
    galois_sdes_crypto_cleanup(&c);
}

// util_check_pair protects an RTP and an RTCP packet with `send` and unprotects them with
// `receive`: the two key sets belong to the two ends of one direction.
static inline void util_check_pair(const struct galois_sdes_keyset *send,
                                   const struct galois_sdes_keyset *receive)
{
    struct galois_srtp_policy ps;
    struct galois_srtp_policy pr;
    struct galois_srtp *tx = NULL;
    struct galois_srtp *rx = NULL;
    uint8_t rtp[12 + 160] = {0x80, 0x00, 0x12, 0x34, 0, 0, 0, 160, 0xca, 0xfe, 0xba, 0xbe};
    uint8_t rtcp[28] = {0x80, 200, 0x00, 0x06, 0xca, 0xfe, 0xba, 0xbe};
    uint8_t wire[512];
    uint8_t back[512];
    size_t len = 0;
    size_t back_len = 0;
    for (size_t i = 12; i < sizeof(rtp); i++) {
        rtp[i] = (uint8_t)i;
    }
    assert_int_equal(galois_sdes_keyset_policy(&ps, send, GALOIS_SRTP_SEND), GALOIS_ERR_OK);
    assert_int_equal(galois_sdes_keyset_policy(&pr, receive, GALOIS_SRTP_RECEIVE), GALOIS_ERR_OK);
    ps.accept_any_ssrc = true;
    pr.accept_any_ssrc = true;
    assert_int_equal(galois_srtp_new(&tx, &ps), GALOIS_ERR_OK);
    assert_int_equal(galois_srtp_new(&rx, &pr), GALOIS_ERR_OK);
    assert_int_equal(galois_srtp_protect(tx, wire, &len, sizeof(wire), rtp, sizeof(rtp)),
                     GALOIS_ERR_OK);
    assert_int_equal(galois_srtp_unprotect(rx, back, &back_len, sizeof(back), wire, len),
                     GALOIS_ERR_OK);
    assert_int_equal(back_len, sizeof(rtp));
    assert_memory_equal(back, rtp, sizeof(rtp));
    assert_int_equal(galois_srtp_protect_rtcp(tx, wire, &len, sizeof(wire), rtcp, sizeof(rtcp)),
                     GALOIS_ERR_OK);
    assert_int_equal(galois_srtp_unprotect_rtcp(rx, back, &back_len, sizeof(back), wire, len),
                     GALOIS_ERR_OK);
    assert_memory_equal(back, rtcp, sizeof(rtcp));
    galois_srtp_free(tx);
    galois_srtp_free(rx);
}

// util_attr_value returns the value of the `nth` a=crypto of m= section `index`.
static inline const char *util_crypto(const struct galois_sdp *sdp, size_t index, size_t nth)
{
    assert_true(index < sdp->num_media);
    return galois_sdp_attr_get(sdp->media[index].attrs, sdp->media[index].num_attrs, "crypto", nth);
}

static inline size_t util_count_attr(const struct galois_sdp *sdp, size_t index, const char *name)
{
    size_t n = 0;
    while (galois_sdp_attr_get(sdp->media[index].attrs, sdp->media[index].num_attrs, name, n) !=
           NULL) {
        n++;
    }
    return n;
}

#endif  // GALOIS_TESTS_UNIT_SDES_SDES_UTIL_H
