// The session's private layout, shared by session.c, rtp.c and rtcp.c.
#ifndef GALOIS_SRC_SRTP_SESSION_H
#define GALOIS_SRC_SRTP_SESSION_H

#include <string.h>

#include "../crypto/internal.h"
#include "internal.h"

// keyset: the session keys for SRTP or SRTCP under one master key, in reused contexts.
struct keyset {
    struct galois_aes_ctr *ctr;     // AES-CM suites; NULL otherwise
    struct galois_aes_gcm *gcm;     // AEAD suites; NULL otherwise
    struct galois_hmac_sha1 *hmac;  // AES-CM and NULL suites; NULL for AEAD
    uint8_t salt[GALOIS_SRTP_MAX_SALT_LEN];  // session salt (secret)
    size_t key_index;                        // the master key these keys come from
    uint64_t r;                              // index DIV kdr they were derived for
    bool ready;                              // derived at least once
};

// master: one master key and what it has been used for.
struct master {
    uint8_t key[GALOIS_SRTP_MAX_KEY_LEN];  // secret
    uint8_t salt[GALOIS_SRTP_MAX_SALT_LEN];
    uint8_t mki[GALOIS_SRTP_MAX_MKI_LEN];
    uint64_t limit[2];  // hard limit, [0] SRTP and [1] SRTCP
    uint64_t used[2];   // packets protected or accepted
    bool soft_sent[2];  // the soft-limit event was raised
    struct keyset keys[2];  // with kdr 0, shared by every stream
};

// stream: the per-SSRC state. Slots live in one array allocated with the session.
struct stream {
    uint32_t ssrc;
    bool in_use;
    // SRTP: `last` is the highest index protected or authenticated (ROC || SEQ).
    uint64_t last;
    bool started;   // `last` is meaningful
    uint32_t roc;   // ROC given by set_roc before the first packet
    struct galois_replay replay[2];  // [0] SRTP, [1] SRTCP
    uint32_t rtcp_next;              // sender: the next SRTCP index
    bool rtcp_exhausted;             // sender: 2^31 SRTCP indexes used
    bool index_exhausted;            // SRTP index 2^48 - 1 used
    struct galois_srtp_stats stats[2];
    struct keyset own[2];  // kdr != 0: this stream's keys, derived as its index moves
};

struct galois_srtp {
    enum galois_srtp_suite suite;
    const struct galois_srtp_suite_info *info;
    struct galois_srtp_policy policy;  // keys pointer cleared; see masters
    struct master masters[GALOIS_SRTP_MAX_KEYS];
    size_t num_keys;
    size_t send_key;
    uint64_t kdr_mask;  // kdr - 1, or 0 when kdr is 0
    struct stream *streams;  // max_streams slots
    size_t num_streams;
    uint32_t *table;   // open addressing: slot index + 1, 0 = empty
    size_t table_mask;
    uint32_t hash_key;  // random, so SSRCs chosen by a peer cannot aim at one chain
    uint64_t *window_words;  // all streams' replay bitmaps
    struct galois_srtp_stats stats[2];  // session-wide: [0] SRTP, [1] SRTCP
};

enum { RTP = 0, RTCP = 1 };

// find_stream returns the stream serving `ssrc`, or NULL.
struct stream *galois_srtp_find(const struct galois_srtp *s, uint32_t ssrc);
// galois_srtp_admit returns the stream for `ssrc`, creating it if the policy admits the SSRC;
// NULL with `*err` set (NOT_FOUND or LIMIT) otherwise.
struct stream *galois_srtp_admit(struct galois_srtp *s, uint32_t ssrc, galois_err *err);
// galois_srtp_forget removes the stream for `ssrc`, if any.
void galois_srtp_forget(struct galois_srtp *s, uint32_t ssrc);
// galois_srtp_keys returns the keyset for master `key_index`, `which` (RTP/RTCP) and packet
// index `index`, deriving it for this stream when kdr != 0; NULL with `*err` on failure.
struct keyset *galois_srtp_keys(struct galois_srtp *s, struct stream *st, size_t key_index,
                                int which, uint64_t index, galois_err *err);
// galois_srtp_count_use counts one packet against master `key_index` and raises limit events.
// It returns GALOIS_ERR_LIMIT, counting nothing, when the key is used up.
GALOIS_MUST_CHECK galois_err galois_srtp_check_use(struct galois_srtp *s, size_t key_index,
                                                   int which, uint32_t ssrc);
void galois_srtp_commit_use(struct galois_srtp *s, size_t key_index, int which, uint32_t ssrc);
// galois_srtp_lookup_mki finds the master key whose MKI is the `mki_len` bytes at `mki`.
bool galois_srtp_lookup_mki(const struct galois_srtp *s, const uint8_t *mki, size_t *out_index);
// galois_srtp_event raises an event through the policy's callback, if any.
void galois_srtp_event(const struct galois_srtp *s, enum galois_srtp_event_type type,
                       uint32_t ssrc, size_t key_index, bool rtcp);
// galois_srtp_check_buffers refuses partially overlapping buffers.
GALOIS_MUST_CHECK galois_err galois_srtp_check_buffers(const uint8_t *out, size_t max_out_len,
                                                       const uint8_t *in, size_t in_len);
// galois_srtp_fail counts a failure `err` in the session and (if known) stream counters and
// wipes the output.
galois_err galois_srtp_fail(struct galois_srtp *s, struct stream *st, int which, galois_err err,
                            uint8_t *out, size_t max_out_len, size_t in_len);
// galois_srtp_ok counts a success.
void galois_srtp_ok(struct galois_srtp *s, struct stream *st, int which);

// gcm_iv forms the RFC 7714 §8.1 IV: (0x0000 || SSRC || ROC || SEQ) XOR salt.
static inline void gcm_iv(uint8_t iv[GALOIS_GCM_IV_LEN], const uint8_t *salt, uint32_t ssrc,
                          uint64_t index)
{
    uint8_t block[GALOIS_GCM_IV_LEN] = {0};
    galois_put_u32(block + 2, ssrc);
    galois_put_u32(block + 6, (uint32_t)(index >> 16));
    galois_put_u16(block + 10, (uint16_t)index);
    for (size_t i = 0; i < GALOIS_GCM_IV_LEN; i++) {
        iv[i] = block[i] ^ salt[i];
    }
}

// cm_iv forms the RFC 3711 §4.1.1 counter: (salt * 2^16) XOR (SSRC * 2^64) XOR (index * 2^16).
static inline void cm_iv(uint8_t iv[GALOIS_AES_BLOCK], const uint8_t *salt, uint32_t ssrc,
                         uint64_t index)
{
    memcpy(iv, salt, 14);
    iv[14] = 0;
    iv[15] = 0;
    uint8_t s[4];
    galois_put_u32(s, ssrc);
    for (size_t i = 0; i < 4; i++) {
        iv[4 + i] ^= s[i];
    }
    for (size_t i = 0; i < 6; i++) {
        iv[13 - i] ^= (uint8_t)(index >> (8 * i));
    }
}

#endif  // GALOIS_SRC_SRTP_SESSION_H
