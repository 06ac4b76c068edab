// galois SRTP/SRTCP engine (RFC 3711, RFC 6188, RFC 7714).
//
// A `struct galois_srtp` is one direction of one media session: a sender protects, a receiver
// unprotects. It holds up to GALOIS_SRTP_MAX_KEYS master keys (selected by MKI on receive,
// chosen by the caller on send) and any number of streams up to a cap, looked up by SSRC in
// O(1). Nothing is allocated, re-keyed or created per packet (with a key derivation rate of
// 0); there is no init call, and the only global state is the once-per-process verdicts on the
// optional libgcrypt and Nettle backends (galois_srtp_backend_status). A session is used by one
// thread at a time.
#ifndef GALOIS_SRTP_H
#define GALOIS_SRTP_H

#include <galois/common.h>

#ifdef __cplusplus
extern "C" {
#endif

// galois_srtp_suite names a crypto suite; SRTP and SRTCP of one session share it.
enum galois_srtp_suite {
    GALOIS_SRTP_SUITE_NONE = 0,
    GALOIS_SRTP_AES_CM_128_HMAC_SHA1_80,  // RFC 4568
    GALOIS_SRTP_AES_CM_128_HMAC_SHA1_32,  // RFC 4568 (SRTCP keeps an 80-bit tag)
    GALOIS_SRTP_AES_192_CM_HMAC_SHA1_80,  // RFC 6188
    GALOIS_SRTP_AES_192_CM_HMAC_SHA1_32,  // RFC 6188
    GALOIS_SRTP_AES_256_CM_HMAC_SHA1_80,  // RFC 6188
    GALOIS_SRTP_AES_256_CM_HMAC_SHA1_32,  // RFC 6188
    GALOIS_SRTP_AEAD_AES_128_GCM,         // RFC 7714, 16-byte tag
    GALOIS_SRTP_AEAD_AES_256_GCM,         // RFC 7714, 16-byte tag
    GALOIS_SRTP_AEAD_AES_128_GCM_8,       // legacy 8-byte tag
    GALOIS_SRTP_AEAD_AES_256_GCM_8,       // legacy 8-byte tag
    GALOIS_SRTP_NULL_HMAC_SHA1_80,        // no encryption; debugging only
    GALOIS_SRTP_NULL_HMAC_SHA1_32,        // no encryption; debugging only
    GALOIS_SRTP_SUITE_COUNT_
};

// galois_srtp_suite_info describes a suite: its standard name and its sizes in bytes.
struct galois_srtp_suite_info {
    const char *name;     // standard name, e.g. "AEAD_AES_256_GCM"
    size_t key_len;       // master key: 16, 24 or 32
    size_t salt_len;      // master salt: 14 (AES-CM, NULL) or 12 (AEAD)
    size_t rtp_tag_len;   // SRTP authentication tag
    size_t rtcp_tag_len;  // SRTCP authentication tag
    bool aead;            // AES-GCM
    bool null_cipher;     // no encryption
};

// galois_srtp_suite_get_info returns the description of `suite`, or NULL for an unknown value.
GALOIS_API const struct galois_srtp_suite_info *galois_srtp_suite_get_info(
    enum galois_srtp_suite suite);

// galois_srtp_suite_from_name returns the suite whose standard name is exactly the `name_len`
// bytes at `name` (no NUL needed), or GALOIS_SRTP_SUITE_NONE. Aliases are the SDES layer's job.
GALOIS_API enum galois_srtp_suite galois_srtp_suite_from_name(const char *name, size_t name_len);

enum {
    GALOIS_SRTP_MAX_KEYS = 16,       // master keys per session
    GALOIS_SRTP_MAX_KEY_LEN = 32,    // master key bytes
    GALOIS_SRTP_MAX_SALT_LEN = 14,   // master salt bytes
    GALOIS_SRTP_MAX_MKI_LEN = 128,   // RFC 4568 allows 1..128
    GALOIS_SRTP_MAX_TAG_LEN = 16,    // GCM
    GALOIS_SRTP_MIN_WINDOW = 64,     // replay window bounds, in packets
    GALOIS_SRTP_MAX_WINDOW = 32768,  //
    GALOIS_SRTP_DEFAULT_WINDOW = 128,
    GALOIS_SRTP_DEFAULT_MAX_STREAMS = 64,
    GALOIS_SRTP_MAX_KDR_LOG2 = 24,  // key derivation rate 2^1 .. 2^24
    // The most a protect call adds to a packet: SRTCP index, MKI and tag.
    GALOIS_SRTP_MAX_OVERHEAD = 4 + GALOIS_SRTP_MAX_MKI_LEN + GALOIS_SRTP_MAX_TAG_LEN,
};

// galois_srtp_master_key is one master key, its salt, its MKI and its lifetime.
struct galois_srtp_master_key {
    uint8_t key[GALOIS_SRTP_MAX_KEY_LEN];    // first suite key_len bytes used
    uint8_t salt[GALOIS_SRTP_MAX_SALT_LEN];  // first suite salt_len bytes used
    uint8_t mki[GALOIS_SRTP_MAX_MKI_LEN];    // first policy mki_len bytes used
    // lifetime is the number of SRTP packets this master key may protect or accept (SDES
    // "|2^31|" lifetime); SRTCP packets are counted apart with the same limit. 0 means the
    // RFC 3711 maximum: 2^48 for SRTP and 2^31 for SRTCP. Larger values are clamped to those.
    uint64_t lifetime;
};

enum galois_srtp_direction {
    GALOIS_SRTP_SEND = 1,     // protect and protect_rtcp only
    GALOIS_SRTP_RECEIVE = 2,  // unprotect and unprotect_rtcp only
};

enum galois_srtp_event_type {
    // A master key has GALOIS_SRTP soft-limit margin packets left: re-key now (RFC 3711 §9.2).
    // The margin is min(2^16, lifetime / 8).
    GALOIS_SRTP_EVENT_KEY_SOFT_LIMIT = 1,
    // A master key is used up: packets under it are refused with GALOIS_ERR_LIMIT.
    GALOIS_SRTP_EVENT_KEY_HARD_LIMIT,
    // A stream's packet index (SRTP 2^48, SRTCP 2^31) is used up: refused with GALOIS_ERR_LIMIT.
    GALOIS_SRTP_EVENT_INDEX_LIMIT,
    // A new SSRC was refused because the session holds max_streams streams.
    GALOIS_SRTP_EVENT_STREAM_LIMIT,
};

// galois_srtp_event is what the policy's event callback receives. It carries no key material.
struct galois_srtp_event {
    enum galois_srtp_event_type type;
    uint32_t ssrc;
    size_t key_index;  // the master key concerned (key events)
    bool rtcp;         // the event concerns SRTCP
};

// galois_srtp_cryptex selects RFC 9335 protection of the CSRC list and header extensions.
enum galois_srtp_cryptex {
    GALOIS_SRTP_CRYPTEX_OFF = 0,  // packets are sent and accepted without cryptex
    // Packets with CSRCs or a one-/two-byte header extension are sent cryptex-protected (an
    // empty extension is added to a packet with CSRCs and none); both kinds are accepted.
    GALOIS_SRTP_CRYPTEX_ON,
    // As ON, and a received packet with CSRCs or a header extension that is not
    // cryptex-protected is refused (GALOIS_ERR_POLICY).
    GALOIS_SRTP_CRYPTEX_REQUIRED,
};

// galois_srtp_backend selects the crypto library that does a session's per-packet work (key
// derivation at set-up is always OpenSSL's). galois_srtp_backend_status tells what each means in
// this process; galois_srtp_backend_used what a session got.
enum galois_srtp_backend {
    // libgcrypt for the AES-GCM suites and Nettle for the HMAC-SHA1 of the AES-CM and NULL suites,
    // each when galois was built with it and it passed its checks in this process
    // (galois_srtp_backend_status), and Nettle only where its SHA-1 runs on SHA-NI (x86-64);
    // OpenSSL for everything else. Falls back to OpenSSL silently; the reason is in
    // galois_srtp_backend_status.
    GALOIS_SRTP_BACKEND_DEFAULT = 0,
    GALOIS_SRTP_BACKEND_OPENSSL,  // OpenSSL EVP for every suite
    // libgcrypt, or GALOIS_ERR_UNSUPPORTED from galois_srtp_new: when galois was built without
    // it, when it failed its checks in this process, and for suites it has no path for (all but
    // the AES-GCM suites).
    GALOIS_SRTP_BACKEND_LIBGCRYPT,
    // Nettle for HMAC-SHA1, with the AES-CM keystream on OpenSSL, or GALOIS_ERR_UNSUPPORTED
    // from galois_srtp_new: when galois was built without it, when it failed its checks in this
    // process, and for the AES-GCM suites.
    GALOIS_SRTP_BACKEND_NETTLE,
};

// galois_srtp_policy configures a session. galois_srtp_new copies everything it needs; the
// policy and the keys it points to may be wiped and freed when galois_srtp_new returns.
struct galois_srtp_policy {
    enum galois_srtp_suite suite;
    enum galois_srtp_direction direction;
    enum galois_srtp_backend backend;           // 0 = GALOIS_SRTP_BACKEND_DEFAULT
    const struct galois_srtp_master_key *keys;  // 1 .. GALOIS_SRTP_MAX_KEYS keys
    size_t num_keys;
    // mki_len is 0 when packets carry no MKI; otherwise 1..GALOIS_SRTP_MAX_MKI_LEN and every
    // key's MKI must differ. With several keys and no MKI, only keys[0] is used.
    size_t mki_len;
    // kdr_log2 is 0 for a key derivation rate of 0 (keys derived once), or n in 1..24 for a rate
    // of 2^n packets: session keys are derived again each time index DIV 2^n changes.
    unsigned kdr_log2;
    size_t rtp_window;   // SRTP replay window in packets: 64..32768, 0 = default (128)
    size_t rtcp_window;  // SRTCP replay window, same bounds
    // allow_repeat_tx lets a sender protect an index it has protected before (a retransmission
    // of the same packet). Off by default: a repeated index would reuse keystream.
    bool allow_repeat_tx;
    // accept_any_ssrc admits a stream for every SSRC seen (libsrtp's ssrc_any_inbound/outbound);
    // otherwise only SSRCs added with galois_srtp_add_stream are served.
    bool accept_any_ssrc;
    size_t max_streams;  // cap on streams; 0 = default (64)
    // RFC 4568 session parameters. Each weakens protection and is refused by the SDES policy
    // unless named; the engine applies what it is given.
    bool unencrypted_srtp;      // SRTP payloads not encrypted (still authenticated)
    bool unencrypted_srtcp;     // SRTCP sent with E = 0
    bool unauthenticated_srtp;  // SRTP carries no tag (AES-CM suites only; else POLICY)
    bool allow_null_cipher;     // the NULL suites are refused unless this is set
    // Header protection: cryptex (RFC 9335) or encrypted header extension elements (RFC 6904),
    // never both on one session (RFC 9335 §6: GALOIS_ERR_POLICY).
    enum galois_srtp_cryptex cryptex;
    // encrypt_ext_ids is a bitmap of the header extension element IDs whose data RFC 6904
    // encrypts: bit (id % 8) of byte (id / 8), IDs 1..14 (one-byte) and 1..255 (two-byte).
    // Use galois_srtp_policy_encrypt_ext to set one. All zero: RFC 6904 off.
    uint8_t encrypt_ext_ids[32];
    // on_event, when set, is called from inside protect/unprotect when a limit is reached.
    void (*on_event)(void *arg, const struct galois_srtp_event *event);
    void *event_arg;
};

// galois_srtp_stats counts packets handed to a session or one of its streams.
struct galois_srtp_stats {
    uint64_t packets;     // calls to protect/unprotect
    uint64_t ok;          // protected, or authenticated and unprotected
    uint64_t auth_fail;   // tag mismatch (GALOIS_ERR_AUTH)
    uint64_t replay;      // replayed or too old (GALOIS_ERR_REPLAY)
    uint64_t parse_fail;  // malformed or truncated (GALOIS_ERR_PARSE)
    uint64_t mki_fail;    // unknown MKI (GALOIS_ERR_NOT_FOUND)
    uint64_t refused;     // unknown SSRC, stream cap, key or index limit, buffer too small
};

// galois_srtp_policy_encrypt_ext adds extension element `id` (1..255) to the RFC 6904 set.
// GALOIS_ERR_INVALID for id 0.
GALOIS_API GALOIS_MUST_CHECK galois_err
galois_srtp_policy_encrypt_ext(struct galois_srtp_policy *policy, unsigned id);

struct galois_srtp;

// galois_srtp_new checks `policy` and creates a session in `*out`. It returns
// GALOIS_ERR_INVALID naming nothing secret for a bad policy (unknown suite or backend, zero or
// too many keys, duplicate MKI, window out of bounds, kdr out of range), GALOIS_ERR_POLICY for a
// NULL suite without allow_null_cipher or unauthenticated_srtp with an AEAD suite,
// GALOIS_ERR_UNSUPPORTED for a backend that cannot serve the suite (see
// galois_srtp_backend), GALOIS_ERR_NOMEM or GALOIS_ERR_CRYPTO. On failure `*out` is NULL.
GALOIS_API GALOIS_MUST_CHECK galois_err galois_srtp_new(struct galois_srtp **out,
                                                        const struct galois_srtp_policy *policy);

// galois_srtp_backend_status tells whether `backend` can serve sessions in this process and
// writes one line saying what it is or why it cannot, NUL-terminated, to `why` (`why_len`
// bytes; `why` may be NULL with 0). For GALOIS_SRTP_BACKEND_DEFAULT the line says which library
// serves which suites and, for libgcrypt or Nettle not used, why. Returns GALOIS_ERR_OK,
// GALOIS_ERR_UNSUPPORTED (LIBGCRYPT or NETTLE not built or failing its known-answer tests;
// LIBGCRYPT too old or in FIPS mode) or GALOIS_ERR_INVALID for an unknown value.
//
// libgcrypt is checked the first time a session or this function needs it, once per process and
// thread-safe: galois initialises libgcrypt only if the application has not (so initialise it
// first, before other threads start, if you want your own settings), then runs AES-GCM
// known-answer tests. Nettle is checked the same way (it needs no initialisation) with the
// HMAC-SHA1 known-answer tests of RFC 2202. The verdicts are kept for the life of the process:
// they are galois's only process-wide state. The text names library versions, never keys.
GALOIS_API GALOIS_MUST_CHECK galois_err galois_srtp_backend_status(enum galois_srtp_backend backend,
                                                                   char *why, size_t why_len);

// galois_srtp_backend_used returns the library doing `srtp`'s per-packet work:
// GALOIS_SRTP_BACKEND_OPENSSL, GALOIS_SRTP_BACKEND_LIBGCRYPT or GALOIS_SRTP_BACKEND_NETTLE
// (HMAC-SHA1 on Nettle, AES-CM on OpenSSL), never DEFAULT.
GALOIS_API enum galois_srtp_backend galois_srtp_backend_used(const struct galois_srtp *srtp);

// galois_srtp_free wipes every key and frees `srtp`. NULL is a no-op.
GALOIS_API void galois_srtp_free(struct galois_srtp *srtp);

// galois_srtp_protect protects the RTP packet `in` (`in_len` bytes) into `out`, which has room
// for `max_out_len` bytes, and sets `*out_len`. `out` may equal `in` (in place); no other
// overlap is allowed. A sender session only. Returns GALOIS_ERR_BUFFER if `out` is too small
// (nothing written), GALOIS_ERR_PARSE for a packet that is not RTP v2, GALOIS_ERR_NOT_FOUND
// for an SSRC the session does not serve, GALOIS_ERR_REPLAY for an index protected before
// (unless allow_repeat_tx), GALOIS_ERR_LIMIT at a key or index limit.
GALOIS_API GALOIS_MUST_CHECK galois_err galois_srtp_protect(struct galois_srtp *srtp, uint8_t *out,
                                                            size_t *out_len, size_t max_out_len,
                                                            const uint8_t *in, size_t in_len);

// galois_srtp_unprotect checks and decrypts the SRTP packet `in` into `out` (same buffer rules
// as protect). A receiver session only. On any failure the first `max_out_len` bytes of `out`
// hold no plaintext (wiped), no stream state except failure counters moves, and the result
// is GALOIS_ERR_AUTH, GALOIS_ERR_REPLAY, GALOIS_ERR_PARSE, GALOIS_ERR_NOT_FOUND (unknown SSRC
// or MKI), GALOIS_ERR_LIMIT, GALOIS_ERR_BUFFER, or GALOIS_ERR_POLICY (an authentic packet the
// session did not agree to: cryptex where it is off, plain headers where it is required,
// SRTCP with E = 0 without unencrypted_srtcp).
GALOIS_API GALOIS_MUST_CHECK galois_err galois_srtp_unprotect(struct galois_srtp *srtp,
                                                              uint8_t *out, size_t *out_len,
                                                              size_t max_out_len, const uint8_t *in,
                                                              size_t in_len);

// galois_srtp_protect_rtcp is galois_srtp_protect for an RTCP compound packet (SRTCP).
GALOIS_API GALOIS_MUST_CHECK galois_err galois_srtp_protect_rtcp(struct galois_srtp *srtp,
                                                                 uint8_t *out, size_t *out_len,
                                                                 size_t max_out_len,
                                                                 const uint8_t *in, size_t in_len);

// galois_srtp_unprotect_rtcp is galois_srtp_unprotect for an SRTCP packet.
GALOIS_API GALOIS_MUST_CHECK galois_err galois_srtp_unprotect_rtcp(struct galois_srtp *srtp,
                                                                   uint8_t *out, size_t *out_len,
                                                                   size_t max_out_len,
                                                                   const uint8_t *in,
                                                                   size_t in_len);

// galois_srtp_overhead returns how many bytes protect adds to an RTP packet (`rtcp` false) or
// an RTCP packet (`rtcp` true) in this session.
GALOIS_API size_t galois_srtp_overhead(const struct galois_srtp *srtp, bool rtcp);

// galois_srtp_add_stream makes the session serve `ssrc`. GALOIS_ERR_LIMIT at the stream cap;
// adding an SSRC already served is not an error.
GALOIS_API GALOIS_MUST_CHECK galois_err galois_srtp_add_stream(struct galois_srtp *srtp,
                                                               uint32_t ssrc);

// galois_srtp_remove_stream forgets `ssrc` and its state. GALOIS_ERR_NOT_FOUND if not served.
GALOIS_API GALOIS_MUST_CHECK galois_err galois_srtp_remove_stream(struct galois_srtp *srtp,
                                                                  uint32_t ssrc);

// galois_srtp_get_roc sets `*out_roc` to the rollover counter of stream `ssrc`.
GALOIS_API GALOIS_MUST_CHECK galois_err galois_srtp_get_roc(const struct galois_srtp *srtp,
                                                            uint32_t *out_roc, uint32_t ssrc);

// galois_srtp_set_roc sets the rollover counter of stream `ssrc`, creating the stream if it is
// admitted. For a receiver this is how a late joiner learns the ROC (RFC 3711 §3.3.1): the
// next packet's index is taken as ROC * 2^16 + SEQ; for a sender, it is the ROC its first packet
// is sent with. Refused with GALOIS_ERR_STATE once the stream has protected or authenticated a
// packet: a sender that moved its ROC could go back to indexes it has used (keystream reuse).
GALOIS_API GALOIS_MUST_CHECK galois_err galois_srtp_set_roc(struct galois_srtp *srtp, uint32_t ssrc,
                                                            uint32_t roc);

// galois_srtp_set_rtcp_index sets the next SRTCP index a sender uses for stream `ssrc`
// (0 .. 2^31-1), for a sender that resumes a stream. A sender session only. The index only
// moves forward: one below the next index is refused with GALOIS_ERR_STATE (it would reuse
// keystream), as is any after the last index (2^31-1) was used.
GALOIS_API GALOIS_MUST_CHECK galois_err galois_srtp_set_rtcp_index(struct galois_srtp *srtp,
                                                                   uint32_t ssrc, uint32_t index);

// galois_srtp_set_send_key selects the master key (index into the policy's keys) that a sender
// uses from the next packet on. GALOIS_ERR_INVALID for an index out of range, or for any key
// but the first when packets carry no MKI (a receiver could not tell which key was used).
GALOIS_API GALOIS_MUST_CHECK galois_err galois_srtp_set_send_key(struct galois_srtp *srtp,
                                                                 size_t key_index);

// galois_srtp_get_stats copies the counters of the whole session (`ssrc_only` false) or of
// stream `ssrc` (`ssrc_only` true; GALOIS_ERR_NOT_FOUND if it is not served). `rtcp` selects
// the SRTCP counters instead of the SRTP ones.
GALOIS_API GALOIS_MUST_CHECK galois_err galois_srtp_get_stats(const struct galois_srtp *srtp,
                                                              struct galois_srtp_stats *out,
                                                              bool rtcp, bool ssrc_only,
                                                              uint32_t ssrc);

// galois_srtp_key_usage sets `*out_rtp` and `*out_rtcp` to the number of packets protected or
// accepted under master key `key_index` so far.
GALOIS_API GALOIS_MUST_CHECK galois_err galois_srtp_key_usage(const struct galois_srtp *srtp,
                                                              uint64_t *out_rtp, uint64_t *out_rtcp,
                                                              size_t key_index);

#ifdef __cplusplus
}
#endif

#endif  // GALOIS_SRTP_H
