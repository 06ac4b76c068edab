// galois DTLS-SRTP (RFC 5764, RFC 5763, RFC 7714 §14): the DTLS handshake that keys SRTP for
// WebRTC peers, without I/O of its own. The caller owns the UDP socket: it hands every DTLS
// datagram it receives to galois_dtls_input, sends what galois_dtls_output gives it, and calls
// galois_dtls_on_timeout when galois_dtls_timeout_ms says the retransmission timer ran out.
// When galois_dtls_state is GALOIS_DTLS_CONNECTED, galois_dtls_keys turns the handshake into
// two galois_srtp_policy values, one per direction.
//
// Identity is the certificate's fingerprint from the peer's SDP (RFC 8122 `a=fingerprint`),
// compared in constant time; certificate chains are not used (RFC 5763 §5: WebRTC
// certificates are self-signed). A handshake that ends without an SRTP profile is a failure.
// Also here: the RFC 7983 first-byte demultiplexer for the one socket that carries STUN, DTLS
// and SRTP, and the a=setup role rules. docs/DTLS.md records every choice made here.
#ifndef GALOIS_DTLS_H
#define GALOIS_DTLS_H

#include <galois/common.h>
#include <galois/srtp.h>

#ifdef __cplusplus
extern "C" {
#endif

enum {
    GALOIS_DTLS_MAX_PROFILES_LEN = 256,  // bytes of a profile list
    GALOIS_DTLS_MAX_HASH_LEN = 64,       // bytes of a fingerprint (SHA-512)
    // text of an a=fingerprint value: "sha-512 " and 64 hex pairs with colons, and a NUL
    GALOIS_DTLS_MAX_FINGERPRINT_TEXT = 8 + 3 * GALOIS_DTLS_MAX_HASH_LEN,
    GALOIS_DTLS_MAX_REMOTE_FINGERPRINTS = 8,  // a=fingerprint lines taken from one SDP
    GALOIS_DTLS_MAX_WHY_LEN = 512,            // room that every `why` or error text fits in
    GALOIS_DTLS_DEFAULT_MTU = 1200,           // bytes of UDP payload per datagram
    GALOIS_DTLS_MIN_MTU = 512,
    GALOIS_DTLS_MAX_MTU = 9000,
    GALOIS_DTLS_MAX_DATAGRAM = 16384 + 2048,  // the largest datagram galois_dtls_input takes
    GALOIS_DTLS_DEFAULT_TIMEOUT_MS = 1000,    // first retransmission (RFC 6347 §4.2.4.1)
    GALOIS_DTLS_MAX_TIMEOUT_MS = 60000,       // the timer doubles up to this
};

// ---------------------------------------------------------------------------------------------
// RFC 7983 demultiplexing.

// galois_demux says which protocol a datagram on a WebRTC 5-tuple belongs to.
enum galois_demux {
    GALOIS_DEMUX_UNKNOWN = 0,   // none: drop it
    GALOIS_DEMUX_STUN,          // first byte 0..3
    GALOIS_DEMUX_ZRTP,          // 16..19
    GALOIS_DEMUX_DTLS,          // 20..63
    GALOIS_DEMUX_TURN_CHANNEL,  // 64..79
    GALOIS_DEMUX_RTP,           // 128..191: RTP or RTCP (RFC 5761 §4 tells them apart)
};

// galois_demux_classify returns the protocol of a datagram whose first byte is `first_byte`
// by the ranges of RFC 7983 §7 (with the TURN channel range of RFC 7983 §5.1.2). An empty
// datagram is the caller's to drop.
GALOIS_API enum galois_demux galois_demux_classify(uint8_t first_byte);

// galois_demux_name returns "stun", "zrtp", "dtls", "turn-channel", "rtp" or "unknown".
GALOIS_API const char *galois_demux_name(enum galois_demux d);

// ---------------------------------------------------------------------------------------------
// Roles: a=setup (RFC 4145 §4, RFC 5763 §5).

enum galois_dtls_role {
    GALOIS_DTLS_CLIENT = 0,  // sends the ClientHello (a=setup:active)
    GALOIS_DTLS_SERVER,      // waits for it (a=setup:passive)
};

enum galois_dtls_setup {
    GALOIS_DTLS_SETUP_NONE = 0,  // no a=setup attribute
    GALOIS_DTLS_SETUP_ACTPASS,
    GALOIS_DTLS_SETUP_ACTIVE,
    GALOIS_DTLS_SETUP_PASSIVE,
    GALOIS_DTLS_SETUP_HOLDCONN,
};

// galois_dtls_setup_parse reads the value of an a=setup attribute (`len` bytes at `text`, no
// NUL needed; case-insensitive) into `*out`. GALOIS_ERR_PARSE for anything else.
GALOIS_API GALOIS_MUST_CHECK galois_err galois_dtls_setup_parse(enum galois_dtls_setup *out,
                                                                const char *text, size_t len);

// galois_dtls_setup_name returns "actpass", "active", "passive", "holdconn", or "" for NONE.
GALOIS_API const char *galois_dtls_setup_name(enum galois_dtls_setup s);

// galois_dtls_answer_role is the answerer's rule: from the offer's a=setup `offer` it sets our
// answer's a=setup `*out_setup` and our DTLS role `*out_role`. For an actpass offer we choose
// `prefer`, which is GALOIS_DTLS_SETUP_ACTIVE (RFC 5763 §5 recommends it: the handshake starts
// with the answer) or GALOIS_DTLS_SETUP_PASSIVE (we are the DTLS server and pick the SRTP
// profile: see docs/DTLS.md); NONE means ACTIVE. An active offer makes us passive, a passive
// one active, and a missing a=setup is taken as active (RFC 4145 §4). GALOIS_ERR_POLICY for
// holdconn (no connection wanted) and GALOIS_ERR_INVALID for a `prefer` of another value.
GALOIS_API GALOIS_MUST_CHECK galois_err galois_dtls_answer_role(enum galois_dtls_setup *out_setup,
                                                                enum galois_dtls_role *out_role,
                                                                enum galois_dtls_setup offer,
                                                                enum galois_dtls_setup prefer);

// galois_dtls_offer_role is the offerer's rule (we offered a=setup:actpass): from the answer's
// a=setup it sets our role. active makes us the server, passive the client, and a missing
// attribute is taken as passive (RFC 4145 §4), making us the client. GALOIS_ERR_POLICY for
// actpass or holdconn in an answer (RFC 5763 §5 forbids both).
GALOIS_API GALOIS_MUST_CHECK galois_err galois_dtls_offer_role(enum galois_dtls_role *out_role,
                                                               enum galois_dtls_setup answer);

// ---------------------------------------------------------------------------------------------
// Fingerprints (RFC 8122 §5).

enum galois_dtls_hash {
    GALOIS_DTLS_HASH_NONE = 0,
    GALOIS_DTLS_HASH_SHA1,  // parsed and compared, but never enough alone (see galois_dtls_new)
    GALOIS_DTLS_HASH_SHA224,
    GALOIS_DTLS_HASH_SHA256,
    GALOIS_DTLS_HASH_SHA384,
    GALOIS_DTLS_HASH_SHA512,
};

// galois_dtls_fingerprint is a certificate's hash as an a=fingerprint attribute carries it.
struct galois_dtls_fingerprint {
    enum galois_dtls_hash hash;
    uint8_t value[GALOIS_DTLS_MAX_HASH_LEN];  // first `len` bytes used
    size_t len;                               // the hash's output size
};

// galois_dtls_fingerprint_parse reads an a=fingerprint value, "sha-256 AB:CD:...", from the
// `len` bytes at `text` (no NUL needed) into `*out`. The hash name is case-insensitive, the hex
// digits may be either case, and the number of bytes must be the hash's. Returns GALOIS_ERR_OK,
// GALOIS_ERR_UNSUPPORTED for a hash other than sha-1/224/256/384/512 (md5 and md2 included),
// or GALOIS_ERR_PARSE (then `*out` is zeroed).
GALOIS_API GALOIS_MUST_CHECK galois_err
galois_dtls_fingerprint_parse(struct galois_dtls_fingerprint *out, const char *text, size_t len);

// galois_dtls_fingerprint_text writes `fp` as an a=fingerprint value ("sha-256 AB:CD:...",
// upper-case hex as RFC 8122 §5 writes it) and a NUL into `out` (room `max`;
// GALOIS_DTLS_MAX_FINGERPRINT_TEXT always suffices). GALOIS_ERR_BUFFER when short (then "").
GALOIS_API GALOIS_MUST_CHECK galois_err
galois_dtls_fingerprint_text(char *out, size_t max, const struct galois_dtls_fingerprint *fp);

// galois_dtls_hash_name returns "sha-256" and the like, or "?" for NONE and unknown values.
GALOIS_API const char *galois_dtls_hash_name(enum galois_dtls_hash h);

// ---------------------------------------------------------------------------------------------
// Our certificate.

// galois_dtls_cert is a certificate and its private key. Opaque; connections made with it take
// their own references, so it may be freed while they live.
struct galois_dtls_cert;

// galois_dtls_cert_generate makes a fresh self-signed certificate: an ECDSA P-256 key, a random
// 128-bit serial, subject and issuer CN=galois, valid from one day back for `days` days (1..365;
// WebRTC peers ignore validity, a short one limits what a stolen key is good for). Returns
// GALOIS_ERR_OK, GALOIS_ERR_INVALID (days) or GALOIS_ERR_CRYPTO; `*out` is NULL on failure.
GALOIS_API GALOIS_MUST_CHECK galois_err galois_dtls_cert_generate(struct galois_dtls_cert **out,
                                                                  int days);

// galois_dtls_cert_from_pem loads a certificate and its private key from the NUL-terminated PEM
// texts `cert_pem` and `key_pem` (unencrypted). GALOIS_ERR_INVALID when either does not parse or
// the key is not the certificate's, with `why` (room `max_why`, may be 0) saying which.
GALOIS_API GALOIS_MUST_CHECK galois_err galois_dtls_cert_from_pem(struct galois_dtls_cert **out,
                                                                  const char *cert_pem,
                                                                  const char *key_pem, char *why,
                                                                  size_t max_why);

// galois_dtls_cert_free frees `c` and wipes its key. NULL is a no-op.
GALOIS_API void galois_dtls_cert_free(struct galois_dtls_cert *c);

// galois_dtls_cert_fingerprint computes the fingerprint of `c` with `hash` into `*out`.
// GALOIS_ERR_INVALID for an unknown hash, GALOIS_ERR_CRYPTO when OpenSSL fails.
GALOIS_API GALOIS_MUST_CHECK galois_err
galois_dtls_cert_fingerprint(struct galois_dtls_fingerprint *out, const struct galois_dtls_cert *c,
                             enum galois_dtls_hash hash);

// ---------------------------------------------------------------------------------------------
// Policy.

// galois_dtls_policy is what a connection is made from. Fill it with galois_dtls_policy_default,
// then change fields directly or by name with galois_dtls_policy_set.
struct galois_dtls_policy {
    // profiles: the SRTP protection profiles we accept, OpenSSL's names joined by ':', most
    // wanted first (a server picks by this order): SRTP_AEAD_AES_256_GCM, SRTP_AEAD_AES_128_GCM,
    // SRTP_AES128_CM_SHA1_80, SRTP_AES128_CM_SHA1_32 (the last one only when named).
    char profiles[GALOIS_DTLS_MAX_PROFILES_LEN + 1];
    size_t mtu;                   // datagram size: GALOIS_DTLS_MIN_MTU..GALOIS_DTLS_MAX_MTU
    unsigned initial_timeout_ms;  // first retransmission timeout: 10..GALOIS_DTLS_MAX_TIMEOUT_MS
};

// galois_dtls_policy_default fills `p`: profiles
// "SRTP_AEAD_AES_256_GCM:SRTP_AEAD_AES_128_GCM:SRTP_AES128_CM_SHA1_80", MTU 1200, a first
// retransmission after 1 s.
GALOIS_API void galois_dtls_policy_default(struct galois_dtls_policy *p);

// galois_dtls_policy_set sets the option `name` of `p` from the text `value`: "profiles",
// "mtu", "timeout" (milliseconds). GALOIS_ERR_INVALID for an unknown name, a bad value or a
// profile name that galois does not know, with `why` (room `max_why`, may be 0) naming what was
// wrong; `p` is then unchanged.
GALOIS_API GALOIS_MUST_CHECK galois_err galois_dtls_policy_set(struct galois_dtls_policy *p,
                                                               const char *name, const char *value,
                                                               char *why, size_t max_why);

// galois_dtls_profile_suite returns the SRTP suite of a protection profile name of OpenSSL's
// (SRTP_AEAD_AES_256_GCM ...), or GALOIS_SRTP_SUITE_NONE for an unknown one.
GALOIS_API enum galois_srtp_suite galois_dtls_profile_suite(const char *name);

// ---------------------------------------------------------------------------------------------
// Connections.

// galois_dtls is one DTLS-SRTP association. Opaque. Used by one thread at a time.
struct galois_dtls;

enum galois_dtls_state {
    GALOIS_DTLS_HANDSHAKING = 0,
    GALOIS_DTLS_CONNECTED,  // handshake done, fingerprint checked, SRTP profile agreed
    GALOIS_DTLS_FAILED,     // for good; galois_dtls_error says why
    GALOIS_DTLS_CLOSED,     // the peer sent close_notify after connecting
};

// galois_dtls_new makes a connection in `role` under `p`, presenting `cert`, that accepts a peer
// whose certificate matches the `num_remote` fingerprints at `remote` (1..
// GALOIS_DTLS_MAX_REMOTE_FINGERPRINTS, copied): at least one must be sha-256 or stronger, and
// every one given must match. A client's first flight (the ClientHello) is ready in
// galois_dtls_output when this returns. Returns GALOIS_ERR_OK, GALOIS_ERR_INVALID (a bad
// argument, an unknown profile, an MTU or timeout out of bounds), GALOIS_ERR_POLICY (only sha-1
// fingerprints, an empty profile list) or GALOIS_ERR_NOMEM / GALOIS_ERR_CRYPTO, with `why` (room
// `max_why`, may be 0) saying what was wrong; `*out` is NULL on failure. The OpenSSL error queue
// is left as it was.
GALOIS_API GALOIS_MUST_CHECK galois_err galois_dtls_new(
    struct galois_dtls **out, enum galois_dtls_role role, const struct galois_dtls_policy *p,
    const struct galois_dtls_cert *cert, const struct galois_dtls_fingerprint *remote,
    size_t num_remote, char *why, size_t max_why);

// galois_dtls_close ends a connected `d` politely: a close_notify alert waits in
// galois_dtls_output, and the state becomes GALOIS_DTLS_CLOSED. In any other state it does
// nothing. galois_dtls_keys still works after it (the keys stay the session's).
GALOIS_API void galois_dtls_close(struct galois_dtls *d);

// galois_dtls_free frees `d`, wiping its secrets; it sends nothing. NULL is a no-op.
GALOIS_API void galois_dtls_free(struct galois_dtls *d);

// galois_dtls_input hands one received datagram (`in_len` bytes at `in`, borrowed for the call)
// to the connection and runs the handshake as far as it goes; the answers wait in
// galois_dtls_output. A datagram that is not a well-formed sequence of DTLS records (RFC 7983
// first byte 20..63, RFC 6347 §4.1 record headers that add up to the datagram) is counted and
// dropped: GALOIS_ERR_PARSE, the connection unchanged. Records that do not authenticate are
// dropped by DTLS itself (RFC 6347 §4.1.2.7) and return GALOIS_ERR_OK. GALOIS_ERR_LIMIT for a
// datagram over GALOIS_DTLS_MAX_DATAGRAM, GALOIS_ERR_STATE once failed or closed, and when
// this datagram made the handshake fail (galois_dtls_error says why; an alert for the peer may
// wait in galois_dtls_output): GALOIS_ERR_AUTH (certificate or fingerprint), GALOIS_ERR_POLICY
// (SRTP profiles), GALOIS_ERR_IO (the peer's fatal alert) or GALOIS_ERR_CRYPTO (anything else
// OpenSSL refused).
GALOIS_API GALOIS_MUST_CHECK galois_err galois_dtls_input(struct galois_dtls *d, const uint8_t *in,
                                                          size_t in_len);

// galois_dtls_output takes the next datagram to send into `out` (room `max_out_len`) and sets
// `*out_len`; 0 when nothing waits. A datagram never exceeds the policy's MTU. GALOIS_ERR_BUFFER
// when it does not fit in `out`: it stays queued. Call it until it gives 0 after every
// galois_dtls_new, galois_dtls_input and galois_dtls_on_timeout.
GALOIS_API GALOIS_MUST_CHECK galois_err galois_dtls_output(struct galois_dtls *d, uint8_t *out,
                                                           size_t *out_len, size_t max_out_len);

// galois_dtls_timeout_ms returns how many milliseconds may pass before galois_dtls_on_timeout
// must be called (0: now), or -1 when no retransmission timer runs.
GALOIS_API int64_t galois_dtls_timeout_ms(const struct galois_dtls *d);

// galois_dtls_on_timeout retransmits the last flight if the timer ran out (otherwise it does
// nothing), doubling the timer. After 12 timeouts in a row the handshake fails (RFC 6347
// §4.2.4.1 leaves the count to us; it is OpenSSL's): GALOIS_ERR_IO.
GALOIS_API GALOIS_MUST_CHECK galois_err galois_dtls_on_timeout(struct galois_dtls *d);

// galois_dtls_state returns where the connection stands.
GALOIS_API enum galois_dtls_state galois_dtls_state(const struct galois_dtls *d);

// galois_dtls_state_name returns "handshaking", "connected", "failed" or "closed".
GALOIS_API const char *galois_dtls_state_name(enum galois_dtls_state s);

// galois_dtls_error returns why the connection failed, as one line ("peer certificate does not
// match the SDP fingerprint: sha-256 got 12:AB:..., want 9F:00:...", "no common SRTP profile:
// peer offers SRTP_AES128_CM_SHA1_32, policy allows ...", "peer sent fatal alert: ..."), or ""
// while nothing failed. Valid until the next call on `d`.
GALOIS_API const char *galois_dtls_error(const struct galois_dtls *d);

// galois_dtls_stats counts what a connection saw.
struct galois_dtls_stats {
    uint64_t datagrams_in;   // handed to galois_dtls_input
    uint64_t datagrams_out;  // taken from galois_dtls_output
    uint64_t dropped;        // not DTLS, malformed or too big (GALOIS_ERR_PARSE, _LIMIT)
    uint64_t retransmits;    // flights sent again on a timeout
};

GALOIS_API void galois_dtls_get_stats(const struct galois_dtls *d, struct galois_dtls_stats *out);

// galois_dtls_keys is the SRTP keying material of one association, per direction.
struct galois_dtls_keys {
    enum galois_srtp_suite suite;
    struct galois_srtp_master_key send;  // ours: a client's are the client_write ones
    struct galois_srtp_master_key recv;  // the peer's
};

// galois_dtls_keys exports the keying material of a connected (or, after galois_dtls_close,
// closed) `d` (RFC 5764 §4.2: the exporter
// "EXTRACTOR-dtls_srtp", no context, 2 * (key + salt) bytes, split as client key, server key,
// client salt, server salt) into `*keys`, and fills `send` and `recv` (each may be NULL) as
// galois_srtp_policy values for our sending and receiving sessions: the suite, the direction,
// one key borrowed from `*keys` (no MKI), accept_any_ssrc on (WebRTC learns SSRCs from
// packets), every other field at its default. Wipe `*keys` with galois_secure_zero once the
// sessions are made. The exported buffer is wiped before returning. GALOIS_ERR_STATE before
// the handshake finished or after a failure, GALOIS_ERR_CRYPTO when the export fails.
GALOIS_API GALOIS_MUST_CHECK galois_err galois_dtls_keys(struct galois_dtls *d,
                                                         struct galois_dtls_keys *keys,
                                                         struct galois_srtp_policy *send,
                                                         struct galois_srtp_policy *recv);

// galois_dtls_info is what a connection negotiated. Strings are NUL-terminated, cut to fit.
struct galois_dtls_info {
    enum galois_dtls_role role;
    char version[16];              // "DTLSv1.2"
    char cipher[64];               // OpenSSL's name: "ECDHE-ECDSA-AES128-GCM-SHA256"
    char cipher_iana[64];          // "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"
    char group[32];                // "x25519", "prime256v1"; "" if none
    char srtp_profile[32];         // "SRTP_AEAD_AES_256_GCM"
    enum galois_srtp_suite suite;  // the galois suite of srtp_profile
    char peer_fingerprint[GALOIS_DTLS_MAX_FINGERPRINT_TEXT];  // sha-256 of the peer's certificate
};

// galois_dtls_get_info fills `out` for a connected or closed `d`; GALOIS_ERR_STATE otherwise.
GALOIS_API GALOIS_MUST_CHECK galois_err galois_dtls_get_info(const struct galois_dtls *d,
                                                             struct galois_dtls_info *out);

// galois_dtls_info_text writes `i` as one human line, without a newline, and a NUL into `out`
// (room `max`; 512 bytes suffice). GALOIS_ERR_BUFFER when short (then "").
GALOIS_API GALOIS_MUST_CHECK galois_err galois_dtls_info_text(char *out, size_t max,
                                                              const struct galois_dtls_info *i);

#ifdef __cplusplus
}
#endif

#endif  // GALOIS_DTLS_H
