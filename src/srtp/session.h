// The session's private layout, shared by session.c, rtp.c and rtcp.c.
#ifndef GALOIS_SRC_SRTP_SESSION_H
#define GALOIS_SRC_SRTP_SESSION_H

#include <string.h>

#include "../crypto/internal.h"
#include "internal.h"

// keyset: the session keys for SRTP or SRTCP under one master key, in reused contexts.
struct keyset {
    struct galois_aes_ctr *ctr;                  // AES-CM suites; NULL otherwise
    struct galois_aes_gcm *gcm;                  // AEAD suites; NULL otherwise
    struct galois_hmac_sha1 *hmac;               // AES-CM and NULL suites; NULL for AEAD
    uint8_t salt[GALOIS_SRTP_MAX_SALT_LEN];      // session salt (secret)
    struct galois_aes_ctr *hdr_ctr;              // RFC 6904 header key (label 0x06); or NULL
    uint8_t hdr_salt[GALOIS_SRTP_MAX_SALT_LEN];  // RFC 6904 header salt (label 0x07), 14 bytes
    size_t key_index;                            // the master key these keys come from
    uint64_t r;                                  // index DIV kdr they were derived for
    bool ready;                                  // derived at least once
};

// master: one master key and what it has been used for.
struct master {
    uint8_t key[GALOIS_SRTP_MAX_KEY_LEN];  // secret
    uint8_t salt[GALOIS_SRTP_MAX_SALT_LEN];
    uint8_t mki[GALOIS_SRTP_MAX_MKI_LEN];
    uint64_t limit[2];      // hard limit, [0] SRTP and [1] SRTCP
    uint64_t soft_at[2];    // usage at which the soft-limit event is raised
    uint64_t used[2];       // packets protected or accepted
    bool soft_sent[2];      // the soft-limit event was raised
    struct keyset keys[2];  // with kdr 0, shared by every stream
};

// stream: the per-SSRC state. Slots live in one array allocated with the session.
struct stream {
    uint32_t ssrc;
    bool in_use;
    // SRTP: `last` is the highest index protected or authenticated (ROC || SEQ).
    uint64_t last;
    bool started;                    // `last` is meaningful
    uint32_t roc;                    // ROC given by set_roc before the first packet
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
    enum galois_crypto_backend backend;  // who does the per-packet work (policy.backend resolved)
    struct galois_srtp_policy policy;    // keys pointer cleared; see masters
    struct master masters[GALOIS_SRTP_MAX_KEYS];
    size_t num_keys;
    size_t send_key;
    uint64_t kdr_mask;       // kdr - 1, or 0 when kdr is 0
    size_t overhead[2];      // most bytes protect adds: [0] SRTP, [1] SRTCP
    size_t rtp_trailer_len;  // MKI and tag after an SRTP packet
    bool encrypt_ext;        // RFC 6904 is on (some ID is chosen)
    struct stream *streams;  // max_streams slots
    size_t num_streams;
    uint32_t *table;  // open addressing: slot index + 1, 0 = empty
    size_t table_mask;
    uint32_t hash_key;                  // random, so SSRCs chosen by a peer cannot aim at one chain
    uint64_t *window_words;             // all streams' replay bitmaps
    struct galois_srtp_stats stats[2];  // session-wide: [0] SRTP, [1] SRTCP
    // kdr != 0: keys derived for a packet whose index left its stream's current r are made
    // here and given to the stream only once the packet has authenticated (C7: a forged packet
    // moves no state, its stream's keys included).
    struct keyset scratch[2];
};

enum { RTP = 0, RTCP = 1 };

// galois_srtp_choose_backend resolves the policy's `asked` backend for the suite `info` in this
// process: GALOIS_ERR_INVALID for an unknown value, GALOIS_ERR_UNSUPPORTED for libgcrypt asked
// for and not able to serve the suite (backend.c).
GALOIS_MUST_CHECK galois_err galois_srtp_choose_backend(enum galois_crypto_backend *out,
                                                        enum galois_srtp_backend asked,
                                                        const struct galois_srtp_suite_info *info);

// rtp_layout: where the parts of an RTP header are (RFC 3550 §5.1, §5.3.1).
struct rtp_layout {
    size_t header_len;    // fixed header, CSRCs and extension
    size_t csrc_len;      // bytes of CSRCs
    bool has_ext;         // X bit
    uint16_t profile;     // extension "defined by profile" field
    size_t ext_off;       // offset of the 4-byte extension header
    size_t ext_body_len;  // bytes after the extension header
    uint16_t seq;
    uint32_t ssrc;
};

// galois_rtp_layout parses the RTP header at `p` (`len` bytes) through the cursor: version 2, and
// CSRCs and extension within the packet, or GALOIS_ERR_PARSE.
GALOIS_MUST_CHECK galois_err galois_rtp_layout(struct rtp_layout *out, const uint8_t *p,
                                               size_t len);
// galois_rtp_is_cryptex tells whether the extension carries a cryptex profile (RFC 9335 §5.1).
bool galois_rtp_is_cryptex(const struct rtp_layout *l);
// galois_cryptex_prepare turns the plain packet `pkt` (`*len` bytes, room for `room`) into the
// cryptex form before encryption: the extension profile becomes 0xC0DE/0xC2DE, or an empty
// 0xC0DE extension is inserted for CSRCs without one. `l` is updated.
GALOIS_MUST_CHECK galois_err galois_cryptex_prepare(uint8_t *pkt, size_t *len, size_t room,
                                                    struct rtp_layout *l);
// galois_cryptex_restore puts back the plain profile after decryption.
void galois_cryptex_restore(uint8_t *pkt, const struct rtp_layout *l);
// galois_cryptex_swap moves the 4-byte extension header in front of the CSRCs (`to_front`) so
// CSRCs, extension body and payload are one contiguous run to encrypt, or back again.
void galois_cryptex_swap(uint8_t *pkt, size_t csrc_len, bool to_front);
// galois_hdrext_xor applies the RFC 6904 header keystream to the data of the chosen extension
// elements of `pkt` (its own inverse). GALOIS_ERR_PARSE for an element past the extension.
struct keyset;
GALOIS_MUST_CHECK galois_err galois_hdrext_xor(const struct galois_srtp *s, const struct keyset *ks,
                                               uint8_t *pkt, const struct rtp_layout *l,
                                               uint64_t index);

// The per-packet helpers are inline; their rare paths (a new stream, a limit, key derivation
// with kdr != 0) are out of line in session.c.

static inline size_t galois_srtp_slot(const struct galois_srtp *s, uint32_t ssrc)
{
    // MurmurHash3's finaliser over the SSRC and a random per-session key: every SSRC bit
    // reaches the slot index, and a peer that does not know the key cannot aim a set of SSRCs
    // at one chain (a chain is bounded by max_streams in any case).
    uint32_t h = ssrc ^ s->hash_key;
    h ^= h >> 16;
    h *= 0x85ebca6bu;
    h ^= h >> 13;
    h *= 0xc2b2ae35u;
    h ^= h >> 16;
    return (size_t)h & s->table_mask;
}

// galois_srtp_find returns the stream serving `ssrc`, or NULL.
static inline struct stream *galois_srtp_find(const struct galois_srtp *s, uint32_t ssrc)
{
    for (size_t i = galois_srtp_slot(s, ssrc);; i = (i + 1) & s->table_mask) {
        uint32_t v = s->table[i];
        if (v == 0) {
            return NULL;
        }
        if (s->streams[v - 1].ssrc == ssrc) {
            return &s->streams[v - 1];
        }
    }
}

// galois_srtp_insert makes a stream for `ssrc` if the policy admits one; NULL with `*err` set
// (NOT_FOUND when the SSRC is not admitted, LIMIT at the stream cap) otherwise.
struct stream *galois_srtp_insert(struct galois_srtp *s, uint32_t ssrc, bool explicit_add,
                                  galois_err *err);

// galois_srtp_admit returns the stream for `ssrc`, creating it if the policy admits the SSRC.
static inline struct stream *galois_srtp_admit(struct galois_srtp *s, uint32_t ssrc,
                                               galois_err *err)
{
    struct stream *st = galois_srtp_find(s, ssrc);
    return st != NULL ? st : galois_srtp_insert(s, ssrc, false, err);
}

// galois_srtp_forget removes the stream for `ssrc`, if any.
void galois_srtp_forget(struct galois_srtp *s, uint32_t ssrc);

struct keyset *galois_srtp_keys_kdr(struct galois_srtp *s, struct stream *st, size_t key_index,
                                    int which, uint64_t index, galois_err *err);

// galois_srtp_keys_swap exchanges stream `st`'s own keyset with the session's scratch one.
void galois_srtp_keys_swap(struct galois_srtp *s, struct stream *st, int which);

// galois_srtp_keys_adopt gives stream `st` the keyset `used` after a packet protected or
// authenticated under it, when that keyset is the session's scratch one (kdr != 0).
static inline void galois_srtp_keys_adopt(struct galois_srtp *s, struct stream *st, int which,
                                          const struct keyset *used)
{
    if (used == &s->scratch[which]) {
        galois_srtp_keys_swap(s, st, which);
    }
}

// galois_srtp_keys returns the keyset for master `key_index`, `which` (RTP/RTCP) and packet
// index `index`, deriving it for this stream when kdr != 0; NULL with `*err` on failure.
static inline struct keyset *galois_srtp_keys(struct galois_srtp *s, struct stream *st,
                                              size_t key_index, int which, uint64_t index,
                                              galois_err *err)
{
    if (s->kdr_mask == 0) {
        return &s->masters[key_index].keys[which];
    }
    return galois_srtp_keys_kdr(s, st, key_index, which, index, err);
}

galois_err galois_srtp_limit_hit(struct galois_srtp *s, size_t key_index, int which, uint32_t ssrc);
void galois_srtp_soft_limit(struct galois_srtp *s, size_t key_index, int which, uint32_t ssrc);

// galois_srtp_check_use returns GALOIS_ERR_LIMIT (and raises the event) when master
// `key_index` is used up for `which`.
static inline galois_err galois_srtp_check_use(struct galois_srtp *s, size_t key_index, int which,
                                               uint32_t ssrc)
{
    const struct master *m = &s->masters[key_index];
    if (m->used[which] < m->limit[which]) {
        return GALOIS_ERR_OK;
    }
    return galois_srtp_limit_hit(s, key_index, which, ssrc);
}

// galois_srtp_commit_use counts one packet against master `key_index`.
static inline void galois_srtp_commit_use(struct galois_srtp *s, size_t key_index, int which,
                                          uint32_t ssrc)
{
    struct master *m = &s->masters[key_index];
    if (++m->used[which] >= m->soft_at[which] && !m->soft_sent[which]) {
        galois_srtp_soft_limit(s, key_index, which, ssrc);
    }
}

// galois_srtp_lookup_mki finds the master key whose MKI is the `mki_len` bytes at `mki`.
bool galois_srtp_lookup_mki(const struct galois_srtp *s, const uint8_t *mki, size_t *out_index);
// galois_srtp_event raises an event through the policy's callback, if any.
void galois_srtp_event(const struct galois_srtp *s, enum galois_srtp_event_type type, uint32_t ssrc,
                       size_t key_index, bool rtcp);

// galois_srtp_check_buffers refuses partially overlapping buffers.
static inline galois_err galois_srtp_check_buffers(const uint8_t *out, size_t max_out_len,
                                                   const uint8_t *in, size_t in_len)
{
    if (out == NULL || in == NULL) {
        return GALOIS_ERR_INVALID;
    }
    uintptr_t o = (uintptr_t)out;
    uintptr_t i = (uintptr_t)in;
    if (o != i && ((o < i && o + max_out_len > i) || (i < o && i + in_len > o))) {
        return GALOIS_ERR_INVALID;
    }
    return GALOIS_ERR_OK;
}

// galois_srtp_fail counts a failure `err` in the session and (if known) stream counters and,
// for a receiver, wipes the output.
galois_err galois_srtp_fail(struct galois_srtp *s, struct stream *st, int which, galois_err err,
                            uint8_t *out, size_t max_out_len, size_t in_len);

// galois_srtp_drop is galois_srtp_fail for a receiver, which also forgets a stream made for
// this packet (`is_new`): a packet that fails leaves no state behind.
galois_err galois_srtp_drop(struct galois_srtp *s, struct stream *st, bool is_new, int which,
                            galois_err err, uint8_t *out, size_t max_out_len, size_t in_len);

// galois_srtp_refuse counts a packet refused before any stream serves it (unknown SSRC,
// stream cap) and, for a receiver, wipes the output.
galois_err galois_srtp_refuse(struct galois_srtp *s, int which, galois_err err, uint8_t *out,
                              size_t max_out_len, size_t in_len);

// galois_srtp_ok counts a success.
static inline void galois_srtp_ok(struct galois_srtp *s, struct stream *st, int which)
{
    s->stats[which].packets++;
    s->stats[which].ok++;
    st->stats[which].packets++;
    st->stats[which].ok++;
}

// gcm_iv forms the RFC 7714 §8.1 IV: (0x0000 || SSRC || ROC || SEQ) XOR salt. It is built as
// three big-endian words, which the compiler turns into loads, swaps and stores: 0x0000 || the
// SSRC's top half, the SSRC's low half || ROC's top half, ROC's low half || SEQ (ROC || SEQ
// is the 48-bit index).
static inline void gcm_iv(uint8_t iv[GALOIS_GCM_IV_LEN], const uint8_t *salt, uint32_t ssrc,
                          uint64_t index)
{
    galois_put_u32(iv, galois_get_u32(salt) ^ (ssrc >> 16));
    galois_put_u32(iv + 4,
                   galois_get_u32(salt + 4) ^ (ssrc << 16) ^ ((uint32_t)(index >> 32) & 0xffffu));
    galois_put_u32(iv + 8, galois_get_u32(salt + 8) ^ (uint32_t)index);
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
