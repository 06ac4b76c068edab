// galois SDES: SRTP keys in SDP (RFC 4568), suite names and their aliases, and the offer/answer
// negotiation under a per-direction policy (docs/SDES.md says what each choice means).
//
// Three levels, each usable alone:
//   - the a=crypto codec: galois_sdes_parse / galois_sdes_write;
//   - the policy: galois_sdes_policy_parse reads FreeSWITCH's rtp_secure_media syntax;
//   - the negotiation: a `struct galois_sdes_session` adds SRTP to an offer or answers one
//     (galois_sdes_offer, galois_sdes_answer, galois_sdes_answer_received) and returns, per m=
//     section, the two key sets the engine needs (galois_sdes_keyset_policy).
// Key material is wiped (galois_secure_zero) by every cleanup and free function.
#ifndef GALOIS_SDES_H
#define GALOIS_SDES_H

#include <galois/common.h>
#include <galois/sdp.h>
#include <galois/srtp.h>

#ifdef __cplusplus
extern "C" {
#endif

enum {
    GALOIS_SDES_MAX_SUITE_LEN = 64,               // bytes of a crypto-suite name
    GALOIS_SDES_MAX_KEYS = GALOIS_SRTP_MAX_KEYS,  // key-params in one attribute
    GALOIS_SDES_MAX_TAG = 999999999,              // tag = 1*9DIGIT
    GALOIS_SDES_MAX_TEXT_LEN = 512,               // unknown parameters kept as text
    GALOIS_SDES_MAX_LEN = 4096,                   // bytes of one a=crypto value
    GALOIS_SDES_MAX_KEY_SALT_LEN = GALOIS_SRTP_MAX_KEY_LEN + GALOIS_SRTP_MAX_SALT_LEN,
    GALOIS_SDES_MAX_CRYPTOS = 32,  // a=crypto lines read from one m= section
    GALOIS_SDES_MAX_MEDIA = 16,    // m= sections one session negotiates
    GALOIS_SDES_MAX_REASON_LEN = 1024,
};

// galois_sdes_suite_from_name returns the suite named by the `name_len` bytes at `name`: its
// standard name (RFC 4568, 6188, 7714, the legacy _8 GCM names, NULL_HMAC_SHA1_*) or an alias
// seen in the field (AES_CM_192_HMAC_SHA1_80 for AES_192_CM_HMAC_SHA1_80 ...; docs/SDES.md).
// ASCII case is ignored (ABNF literals, RFC 5234 §2.3); the whole name must match, never a
// prefix or a substring. GALOIS_SRTP_SUITE_NONE for any other name.
GALOIS_API enum galois_srtp_suite galois_sdes_suite_from_name(const char *name, size_t name_len);

// galois_sdes_suite_name returns the standard name of `suite`, or NULL.
GALOIS_API const char *galois_sdes_suite_name(enum galois_srtp_suite suite);

// galois_sdes_key is one key-param: "inline:" key||salt ["|" lifetime] ["|" MKI ":" length].
struct galois_sdes_key {
    uint8_t key_salt[GALOIS_SDES_MAX_KEY_SALT_LEN];  // secret: master key then master salt
    size_t key_salt_len;
    uint64_t lifetime;   // packets; 0 when absent
    bool lifetime_pow2;  // written as "2^N" (lifetime is then a power of two)
    uint64_t mki;        // MKI value
    size_t mki_len;      // MKI length in bytes, 1..128; 0 when absent
};

enum galois_sdes_fec_order {
    GALOIS_SDES_FEC_NONE = 0,  // no FEC_ORDER
    GALOIS_SDES_FEC_SRTP,      // FEC_ORDER=FEC_SRTP
    GALOIS_SDES_SRTP_FEC,      // FEC_ORDER=SRTP_FEC
};

// galois_sdes_crypto is one a=crypto attribute (RFC 4568 §9.1, §9.2).
struct galois_sdes_crypto {
    uint32_t tag;  // 0..GALOIS_SDES_MAX_TAG
    // suite is the engine's suite, or GALOIS_SRTP_SUITE_NONE for a suite galois does not run;
    // suite_name is then the name as written, else the standard name.
    enum galois_srtp_suite suite;
    char suite_name[GALOIS_SDES_MAX_SUITE_LEN + 1];
    // opaque is true for a suite whose key-params syntax galois does not know: `text` then
    // holds everything after the suite name, and the fields below are empty.
    bool opaque;
    struct galois_sdes_key keys[GALOIS_SDES_MAX_KEYS];
    size_t num_keys;
    // Session parameters (RFC 4568 §6.3).
    bool has_kdr;
    unsigned kdr;  // KDR=n: key derivation rate 2^n, 0..24
    bool unencrypted_srtp;
    bool unencrypted_srtcp;
    bool unauthenticated_srtp;
    enum galois_sdes_fec_order fec_order;
    struct galois_sdes_key fec_keys[GALOIS_SDES_MAX_KEYS];  // FEC_KEY=key-params
    size_t num_fec_keys;
    uint32_t wsh;  // WSH=n, window size hint, >= 64; 0 when absent
    // text holds the session parameters galois does not know, in order, separated by one
    // space (or, when opaque, the whole rest of the attribute).
    char text[GALOIS_SDES_MAX_TEXT_LEN + 1];
};

// galois_sdes_parse parses the value of an a=crypto attribute (what follows "a=crypto:") from
// the `in_len` bytes at `in` into `*out`, decoding and copying the keys; `*out` borrows
// nothing from `in`. Suite names are matched as galois_sdes_suite_from_name does and the key
// lengths are checked against the suite. It returns GALOIS_ERR_OK (also for a suite galois
// does not run: see `suite` and `opaque`), GALOIS_ERR_PARSE for malformed or trailing input
// with `*out_err_off` (may be NULL) set to the offset of the failure, or GALOIS_ERR_LIMIT for
// more keys or text than the limits above. Call galois_sdes_crypto_cleanup on `*out`, on
// success or not, to wipe the keys.
GALOIS_API GALOIS_MUST_CHECK galois_err galois_sdes_parse(struct galois_sdes_crypto *out,
                                                          size_t *out_err_off, const char *in,
                                                          size_t in_len);

// galois_sdes_write writes `in` as an a=crypto value (without "a=crypto:") and a NUL into
// `out` (room for `max_out_len` bytes) and sets `*out_len` to the text length: the standard
// suite name, keys in padded base64, session parameters in RFC 4568 §6.3 order, unknown ones
// last. Parsing what it writes gives `in` back. GALOIS_ERR_BUFFER if the room is short (the
// room is wiped), GALOIS_ERR_INVALID for a value the parser would refuse.
GALOIS_API GALOIS_MUST_CHECK galois_err galois_sdes_write(char *out, size_t *out_len,
                                                          size_t max_out_len,
                                                          const struct galois_sdes_crypto *in);

// galois_sdes_crypto_cleanup wipes `c`. NULL is a no-op.
GALOIS_API void galois_sdes_crypto_cleanup(struct galois_sdes_crypto *c);

// galois_sdes_mode is what a policy says about SRTP (docs/SDES.md, "Policy").
enum galois_sdes_mode {
    GALOIS_SDES_FORBIDDEN = 0,  // plain RTP only
    GALOIS_SDES_OPTIONAL,       // offer RTP/AVP with a=crypto (RFC 8643); accept either
    GALOIS_SDES_MANDATORY,      // RTP/SAVP(F) with a=crypto only
};

// galois_sdes_pick says whose order chooses among the suites both sides accept.
enum galois_sdes_pick {
    GALOIS_SDES_PICK_OURS = 0,  // the first suite of our list that the offer carries
    GALOIS_SDES_PICK_THEIRS,    // the first acceptable a=crypto of the offer
};

// galois_sdes_feature is the policy of an optional header protection.
enum galois_sdes_feature {
    GALOIS_SDES_FEATURE_OFF = 0,  // never offered, never accepted
    GALOIS_SDES_FEATURE_ACCEPT,   // accepted when the peer offers it; not offered
    GALOIS_SDES_FEATURE_OFFER,    // offered, and accepted
    GALOIS_SDES_FEATURE_REQUIRE,  // offered, and a media section without it is refused
};

// Session parameters a policy may accept (bits of galois_sdes_policy.allow). Each weakens
// SRTP; the default accepts none of them.
enum {
    GALOIS_SDES_ALLOW_UNENCRYPTED_SRTP = 1u << 0,
    GALOIS_SDES_ALLOW_UNENCRYPTED_SRTCP = 1u << 1,
    GALOIS_SDES_ALLOW_UNAUTHENTICATED_SRTP = 1u << 2,
};

// galois_sdes_policy is the SRTP policy of one direction (inbound: calls we answer; outbound:
// calls we place).
struct galois_sdes_policy {
    enum galois_sdes_mode mode;
    enum galois_srtp_suite suites[GALOIS_SRTP_SUITE_COUNT_];  // our preference, best first
    size_t num_suites;
    enum galois_sdes_pick pick;
    unsigned allow;                    // GALOIS_SDES_ALLOW_* bits
    unsigned offer_params;             // GALOIS_SDES_ALLOW_* bits our offers write; each must
                                       // also be in `allow` (probes, tests: docs/SDES.md)
    enum galois_sdes_feature cryptex;  // RFC 9335
    enum galois_sdes_feature hdrext;   // RFC 6904 encrypted header extensions
    uint64_t lifetime;                 // lifetime written with our keys; 0: none
    bool lifetime_pow2;                //   ... as "2^N"
    size_t mki_len;                    // MKI length written with our keys; 0: none
};

// galois_sdes_policy_default sets `*out` to the default policy for `mode` (docs/SDES.md).
GALOIS_API void galois_sdes_policy_default(struct galois_sdes_policy *out,
                                           enum galois_sdes_mode mode);

// galois_sdes_policy_parse reads a policy from the `in_len` bytes at `in`:
//   MODE[:SUITE[:SUITE...]][,OPTION...]
// MODE is mandatory, optional or forbidden (true and false are FreeSWITCH's synonyms of
// mandatory and forbidden); SUITE is a name galois_sdes_suite_from_name knows; OPTION is
// pick=ours|theirs, allow=PARAM[+PARAM...], offer-params=PARAM[+PARAM...] (each also in
// allow, which must come first), cryptex=off|accept|offer|require,
// hdrext=off|accept|offer|require, lifetime=N|2^N, mki=LEN. GALOIS_ERR_PARSE, with
// `*out_err_off` (may be NULL) at the offending byte, for anything else.
GALOIS_API GALOIS_MUST_CHECK galois_err galois_sdes_policy_parse(struct galois_sdes_policy *out,
                                                                 size_t *out_err_off,
                                                                 const char *in, size_t in_len);

// galois_sdes_policy_write writes `policy` in the syntax galois_sdes_policy_parse reads, with
// standard suite names, and a NUL. GALOIS_ERR_BUFFER if `max_out_len` is short.
GALOIS_API GALOIS_MUST_CHECK galois_err galois_sdes_policy_write(
    char *out, size_t *out_len, size_t max_out_len, const struct galois_sdes_policy *policy);

// galois_sdes_keyset is what one direction of one m= section needs from the negotiation: the
// fields of a galois_srtp_policy (see galois_sdes_keyset_policy).
struct galois_sdes_keyset {
    enum galois_srtp_suite suite;
    struct galois_srtp_master_key keys[GALOIS_SDES_MAX_KEYS];  // secret
    size_t num_keys;
    size_t mki_len;
    unsigned kdr_log2;  // 0 (no re-keying) or 1..24
    size_t window;      // replay window from the peer's WSH; 0: the engine's default
    bool unencrypted_srtp;
    bool unencrypted_srtcp;
    bool unauthenticated_srtp;
    enum galois_srtp_cryptex cryptex;
    uint8_t encrypt_ext_ids[32];  // RFC 6904 IDs both sides agreed to encrypt
};

// galois_sdes_state is the outcome of one m= section.
enum galois_sdes_state {
    GALOIS_SDES_REJECTED = 0,  // port 0: offered with port 0, or refused (see `reason`)
    GALOIS_SDES_SRTP,          // SRTP negotiated: `tag`, `send` and `receive` are valid
    GALOIS_SDES_PLAIN,         // plain RTP, allowed by the policy
    GALOIS_SDES_NOT_RTP,       // not an RTP profile (T.38, data channel ...): left alone
};

// galois_sdes_media_result is the outcome of one m= section.
struct galois_sdes_media_result {
    enum galois_sdes_state state;
    uint32_t tag;                             // the a=crypto tag both sides used
    struct galois_sdes_keyset send;           // protect with these: our key
    struct galois_sdes_keyset receive;        // unprotect with these: the peer's key
    char reason[GALOIS_SDES_MAX_REASON_LEN];  // why a section was refused; "" otherwise
};

// galois_sdes_result is the outcome of a negotiation: one entry per m= section, in order.
struct galois_sdes_result {
    size_t num_media;
    struct galois_sdes_media_result media[GALOIS_SDES_MAX_MEDIA];
};

// galois_sdes_result_free wipes every key of `r` and frees it. NULL is a no-op.
GALOIS_API void galois_sdes_result_free(struct galois_sdes_result *r);

// galois_sdes_keyset_policy fills the suite, keys, MKI length, KDR, window, session
// parameters, cryptex and RFC 6904 fields of `*out` from `ks` (the rest is zeroed) for a
// session of `direction`. `out->keys` points into `ks`, which must stay alive until
// galois_srtp_new returns. allow_null_cipher is set for a NULL suite (a policy names those
// only explicitly). GALOIS_ERR_INVALID if `ks` holds no suite.
GALOIS_API GALOIS_MUST_CHECK galois_err
galois_sdes_keyset_policy(struct galois_srtp_policy *out, const struct galois_sdes_keyset *ks,
                          enum galois_srtp_direction direction);

// galois_sdes_keyset_equal tells whether `a` and `b` would make the same engine session: same
// suite, keys, MKI length, KDR, window, session parameters, cryptex and RFC 6904 IDs. Field by
// field (padding bytes of copies need not be equal). Not constant-time: for comparing keysets
// the program holds, never for checking a secret a peer sent.
GALOIS_API bool galois_sdes_keyset_equal(const struct galois_sdes_keyset *a,
                                         const struct galois_sdes_keyset *b);

struct galois_sdes_session;

// galois_sdes_session_new creates the SDES side of one media session under `policy` (copied),
// for one offer/answer exchange and any re-offers after it. GALOIS_ERR_INVALID for a policy
// that names no suite while not forbidden, GALOIS_ERR_NOMEM.
GALOIS_API GALOIS_MUST_CHECK galois_err
galois_sdes_session_new(struct galois_sdes_session **out, const struct galois_sdes_policy *policy);

// galois_sdes_session_copy sets `*out` to a new session holding everything `s` holds (policy,
// offered and negotiated keys), so a re-offer can be negotiated on the copy and the original
// kept when it is refused. Free the copy with galois_sdes_session_free. GALOIS_ERR_NOMEM.
GALOIS_API GALOIS_MUST_CHECK galois_err
galois_sdes_session_copy(struct galois_sdes_session **out, const struct galois_sdes_session *s);

// galois_sdes_session_free wipes every key the session holds and frees it. NULL is a no-op.
GALOIS_API void galois_sdes_session_free(struct galois_sdes_session *s);

// galois_sdes_offer turns every RTP m= section of `sdp` (an offer the caller built, RTP/AVP
// or RTP/AVPF) into what the policy offers: the profile (RTP/SAVP(F) when mandatory), one
// a=crypto per allowed suite in policy order with tags 1..n and fresh keys, a=cryptex, and
// RFC 6904 extmaps. In a re-offer the keys of the previous offer are kept unless `rekey`.
// GALOIS_ERR_LIMIT over GALOIS_SDES_MAX_MEDIA, GALOIS_ERR_CRYPTO if the RNG fails.
GALOIS_API GALOIS_MUST_CHECK galois_err galois_sdes_offer(struct galois_sdes_session *s,
                                                          struct galois_sdp *sdp, bool rekey);

// galois_sdes_reoffer writes our re-offer in an established session (hold, resume, re-key):
// each section that negotiated SRTP offers only the suite in use, under the tag in use, with
// our current key, or with a fresh key (the next MKI value) when `rekey` (RFC 4568 §7.1.4: a
// new key for our direction, same suite). Other sections are offered as galois_sdes_offer
// does. Whichever side made the first offer, our key thus changes only when asked. The answer
// goes to galois_sdes_answer_received. Errors as galois_sdes_offer.
GALOIS_API GALOIS_MUST_CHECK galois_err galois_sdes_reoffer(struct galois_sdes_session *s,
                                                            struct galois_sdp *sdp, bool rekey);

// galois_sdes_answer negotiates `offer` and writes the security part of each m= section of
// `answer` (the skeleton galois_sdp_answer_new made from `offer`): profile, the chosen a=crypto
// with the offer's tag and our own fresh key (kept from the last answer in a re-offer that
// keeps the suite, whatever the tag, unless `rekey`), a=cryptex, RFC 6904 extmaps, and port 0 for a
// refused section. `*out` gets the result (free it with galois_sdes_result_free). It returns
// GALOIS_ERR_OK when at least one section was accepted (refused ones have their reason in the
// result), GALOIS_ERR_POLICY when none was (`reason`, room `max_reason_len`, names what was
// offered and what the policy wants; the SIP layer answers 488), GALOIS_ERR_PARSE for a
// malformed a=crypto or duplicate tags, with `*out_err_off` (may be NULL) set to the offset of
// the offending byte in the text `offer` was parsed from (galois_sdp_attr.value_off), and
// GALOIS_ERR_LIMIT, GALOIS_ERR_NOMEM or GALOIS_ERR_CRYPTO. `*out` is NULL on failure.
GALOIS_API GALOIS_MUST_CHECK galois_err
galois_sdes_answer(struct galois_sdes_session *s, struct galois_sdp *answer,
                   struct galois_sdes_result **out, size_t *out_err_off, char *reason,
                   size_t max_reason_len, const struct galois_sdp *offer, bool rekey);

// galois_sdes_answer_received checks the peer's `answer` to our last galois_sdes_offer and
// sets `*out` to the result: the tag must be one we offered with the same suite, and its
// session parameters must be ones the policy accepts. GALOIS_ERR_POLICY (with `reason`) when
// no section is acceptable or the answer breaks the policy; GALOIS_ERR_STATE without an offer;
// GALOIS_ERR_PARSE for a malformed a=crypto (`*out_err_off` as for galois_sdes_answer).
GALOIS_API GALOIS_MUST_CHECK galois_err galois_sdes_answer_received(
    struct galois_sdes_session *s, struct galois_sdes_result **out, size_t *out_err_off,
    char *reason, size_t max_reason_len, const struct galois_sdp *answer);

#ifdef __cplusplus
}
#endif

#endif  // GALOIS_SDES_H
