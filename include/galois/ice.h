// galois ICE: the STUN codec (RFC 8489) and an ICE-lite agent (RFC 8445 §2.5, with consent
// freshness after RFC 7675), without I/O of their own. The caller owns the UDP socket: it
// hands every datagram whose first byte says STUN (galois_demux_classify in galois/dtls.h) to
// galois_ice_lite_input together with the address it came from, and sends back whatever the
// agent writes. The agent answers connectivity checks of a full ICE peer (Chromium, aiortc),
// reports the address the peer nominated, and says when consent has run out.
//
// docs/ICE.md records every choice made here (which errors are answered and which dropped,
// what is counted, how consent is judged).
#ifndef GALOIS_ICE_H
#define GALOIS_ICE_H

#include <galois/common.h>

#ifdef __cplusplus
extern "C" {
#endif

enum {
    GALOIS_STUN_HEADER_LEN = 20,
    GALOIS_STUN_MAGIC_COOKIE = 0x2112A442,
    GALOIS_STUN_TXID_LEN = 12,
    GALOIS_STUN_MAX_LEN = 1500,             // bytes of a message galois_stun_parse takes
    GALOIS_STUN_MAX_UNKNOWN = 8,            // unknown comprehension-required types remembered
    GALOIS_STUN_MAX_USERNAME_LEN = 512,     // RFC 8489 §14.3: "MUST be less than 513 bytes"
    GALOIS_STUN_MAX_REASON_LEN = 763,       // RFC 8489 §14.8
    GALOIS_STUN_SHA1_LEN = 20,              // MESSAGE-INTEGRITY value
    GALOIS_STUN_SHA256_LEN = 32,            // MESSAGE-INTEGRITY-SHA256 value, in full
    GALOIS_STUN_SHA256_MIN_LEN = 16,        // RFC 8489 §14.6: truncated to no less than this
    GALOIS_ICE_MIN_UFRAG_LEN = 4,           // RFC 8445 §5.3 (24 bits of randomness at least)
    GALOIS_ICE_MIN_PWD_LEN = 22,            // RFC 8445 §5.3 (128 bits of randomness at least)
    GALOIS_ICE_MAX_CRED_LEN = 256,          // RFC 8839 §5.4: ice-ufrag and ice-pwd are 4..256
    GALOIS_ICE_UFRAG_LEN = 8,               // what galois generates: 48 bits
    GALOIS_ICE_PWD_LEN = 24,                // what galois generates: 144 bits
    GALOIS_ICE_CONSENT_TIMEOUT_MS = 30000,  // RFC 7675 §5.1
    GALOIS_ICE_MAX_CANDIDATE_LEN = 128,     // an a=candidate value galois writes, with its NUL
    GALOIS_ICE_MAX_ADDR_TEXT = 46,          // INET6_ADDRSTRLEN
};

// STUN methods and attribute types galois knows (RFC 8489 §18.2, §18.3; RFC 8445 §16.1).
enum {
    GALOIS_STUN_BINDING = 0x001,

    GALOIS_STUN_ATTR_MAPPED_ADDRESS = 0x0001,
    GALOIS_STUN_ATTR_USERNAME = 0x0006,
    GALOIS_STUN_ATTR_MESSAGE_INTEGRITY = 0x0008,
    GALOIS_STUN_ATTR_ERROR_CODE = 0x0009,
    GALOIS_STUN_ATTR_UNKNOWN_ATTRIBUTES = 0x000A,
    GALOIS_STUN_ATTR_REALM = 0x0014,
    GALOIS_STUN_ATTR_NONCE = 0x0015,
    GALOIS_STUN_ATTR_MESSAGE_INTEGRITY_SHA256 = 0x001C,
    GALOIS_STUN_ATTR_XOR_MAPPED_ADDRESS = 0x0020,
    GALOIS_STUN_ATTR_PRIORITY = 0x0024,
    GALOIS_STUN_ATTR_USE_CANDIDATE = 0x0025,
    GALOIS_STUN_ATTR_SOFTWARE = 0x8022,
    GALOIS_STUN_ATTR_FINGERPRINT = 0x8028,
    GALOIS_STUN_ATTR_ICE_CONTROLLED = 0x8029,
    GALOIS_STUN_ATTR_ICE_CONTROLLING = 0x802A,
};

// galois_stun_class is the class of a STUN message (RFC 8489 §5).
enum galois_stun_class {
    GALOIS_STUN_REQUEST = 0,
    GALOIS_STUN_INDICATION = 1,
    GALOIS_STUN_SUCCESS = 2,
    GALOIS_STUN_ERROR = 3,
};

// GALOIS_STUN_WHYS lists why galois_stun_parse refuses a message, with a text each.
#define GALOIS_STUN_WHYS(X)                                                             \
    X(NONE, "accepted")                                                                 \
    X(TRUNCATED, "shorter than the STUN header or than its length field says")          \
    X(OVERSIZED, "longer than GALOIS_STUN_MAX_LEN")                                     \
    X(NOT_STUN, "the two top bits of the message type are not zero")                    \
    X(BAD_LENGTH, "the datagram holds more bytes than the length field says")           \
    X(BAD_COOKIE, "no magic cookie (RFC 3489 message)")                                 \
    X(ATTR_OVERRUN, "an attribute runs past the end of the message")                    \
    X(BAD_PADDING, "the last attribute lacks its padding (length not a multiple of 4)") \
    X(BAD_ATTR, "a known attribute has a malformed value")                              \
    X(FINGERPRINT_NOT_LAST, "an attribute follows FINGERPRINT")                         \
    X(FINGERPRINT_MISMATCH, "FINGERPRINT does not match the message")

#define GALOIS_STUN_WHY_ENUM_(name, text) GALOIS_STUN_WHY_##name,
// galois_stun_why says why galois_stun_parse refused a message.
enum galois_stun_why { GALOIS_STUN_WHYS(GALOIS_STUN_WHY_ENUM_) GALOIS_STUN_WHY_COUNT_ };
#undef GALOIS_STUN_WHY_ENUM_

// galois_stun_why_str returns a static text for `why`; never NULL.
GALOIS_API const char *galois_stun_why_str(enum galois_stun_why why);

// galois_ice_family is an address family, numbered as STUN numbers them (RFC 8489 §14.1).
enum galois_ice_family {
    GALOIS_ICE_NO_FAMILY = 0,
    GALOIS_ICE_IPV4 = 1,
    GALOIS_ICE_IPV6 = 2,
};

// galois_ice_addr is a transport address: an IPv4 address in ip[0..3] or an IPv6 address in
// ip[0..15], in network order, and a port. Plain data; compare with galois_ice_addr_equal.
struct galois_ice_addr {
    enum galois_ice_family family;
    uint8_t ip[16];
    uint16_t port;
};

// galois_ice_addr_from_text reads the address `text` (dotted IPv4 or IPv6 text, NUL-terminated)
// with `port` into `*out`. GALOIS_ERR_PARSE (then `*out` is zeroed) for anything else.
GALOIS_API GALOIS_MUST_CHECK galois_err galois_ice_addr_from_text(struct galois_ice_addr *out,
                                                                  const char *text, uint16_t port);

// galois_ice_addr_text writes the address of `addr` (no port) as text and a NUL into `out`
// (room `max`; GALOIS_ICE_MAX_ADDR_TEXT always suffices). GALOIS_ERR_BUFFER when short,
// GALOIS_ERR_INVALID for a family that is neither IPv4 nor IPv6 (then `out` holds "").
GALOIS_API GALOIS_MUST_CHECK galois_err galois_ice_addr_text(char *out, size_t max,
                                                             const struct galois_ice_addr *addr);

// galois_ice_addr_equal tells whether `a` and `b` are the same family, address and port
// (bytes of ip past the family's length are not compared).
GALOIS_API bool galois_ice_addr_equal(const struct galois_ice_addr *a,
                                      const struct galois_ice_addr *b);

// ---------------------------------------------------------------------------------------------
// STUN codec.

// galois_stun_msg is a parsed STUN message. Byte views (username, realm, nonce, software,
// reason) point into the input given to galois_stun_parse, which must outlive the view; they
// are not NUL-terminated. Of an attribute that occurs more than once only the first is taken
// (RFC 8489 §14). Attributes after MESSAGE-INTEGRITY other than MESSAGE-INTEGRITY-SHA256 and
// FINGERPRINT, and after MESSAGE-INTEGRITY-SHA256 all but FINGERPRINT, are skipped unread, as
// RFC 8489 §9 asks (no integrity attribute covers them).
struct galois_stun_msg {
    uint16_t method;  // 12 bits; GALOIS_STUN_BINDING
    enum galois_stun_class cls;
    uint8_t txid[GALOIS_STUN_TXID_LEN];
    size_t len;  // bytes of the whole message, header included

    const uint8_t *username;  // USERNAME; NULL when absent
    size_t username_len;
    const uint8_t *realm;  // REALM; NULL when absent
    size_t realm_len;
    const uint8_t *nonce;  // NONCE; NULL when absent
    size_t nonce_len;
    const uint8_t *software;  // SOFTWARE; NULL when absent
    size_t software_len;

    bool has_xor_mapped;
    struct galois_ice_addr xor_mapped;  // XOR-MAPPED-ADDRESS, already un-XORed

    bool has_priority;
    uint32_t priority;     // PRIORITY
    bool use_candidate;    // USE-CANDIDATE present
    bool has_controlling;  // ICE-CONTROLLING present (its tie-breaker in tie_breaker)
    bool has_controlled;   // ICE-CONTROLLED present (its tie-breaker in tie_breaker)
    uint64_t tie_breaker;

    bool has_error;
    uint16_t error_code;    // ERROR-CODE: class * 100 + number, 300..699
    const uint8_t *reason;  // its reason phrase (UTF-8), `reason_len` bytes
    size_t reason_len;

    bool has_integrity;         // MESSAGE-INTEGRITY present
    size_t integrity_off;       // where its attribute header starts in the message
    bool has_integrity_sha256;  // MESSAGE-INTEGRITY-SHA256 present (16..32 bytes, 4n)
    size_t integrity_sha256_off;
    bool has_fingerprint;  // FINGERPRINT present (galois_stun_parse has checked it)

    // Comprehension-required attribute types (below 0x8000) galois does not know, in the
    // order met: the first GALOIS_STUN_MAX_UNKNOWN of `num_unknown`.
    uint16_t unknown[GALOIS_STUN_MAX_UNKNOWN];
    size_t num_unknown;

    enum galois_stun_why why;  // why the parse failed; GALOIS_STUN_WHY_NONE on success
};

// galois_stun_parse parses the STUN message that fills the `in_len` bytes at `in` (one UDP
// datagram) into `*out`. It checks the header (two zero bits, the magic cookie, a length that
// accounts for every byte and is a multiple of 4), walks every attribute with its padding,
// checks the values of the attributes it knows, and checks FINGERPRINT when it is there
// (CRC-32 xor 0x5354554e, and nothing after it). Padding bytes are not checked (RFC 8489 §14:
// receivers ignore them). It checks neither MESSAGE-INTEGRITY nor MESSAGE-INTEGRITY-SHA256:
// that takes a key (galois_stun_check_integrity below).
// Returns GALOIS_ERR_OK; GALOIS_ERR_PARSE or GALOIS_ERR_LIMIT (oversized) with `out->why`
// saying why. Unknown comprehension-required attributes are not a parse error: they are
// listed in `out->unknown` for the caller to answer with 420.
GALOIS_API GALOIS_MUST_CHECK galois_err galois_stun_parse(struct galois_stun_msg *out,
                                                          const uint8_t *in, size_t in_len);

// galois_stun_key is a short-term credential key (RFC 8489 §9.1.1: the password itself, or
// for long-term credentials the MD5 or SHA-256 key of §9.2.2 / §18.5.1) with its HMAC-SHA1
// and HMAC-SHA256 states, made once and used for every message. Opaque.
struct galois_stun_key;

// galois_stun_key_new makes a key from the `key_len` bytes at `key`. GALOIS_ERR_INVALID for an
// empty key, GALOIS_ERR_NOMEM or GALOIS_ERR_CRYPTO; `*out` is NULL on failure.
GALOIS_API GALOIS_MUST_CHECK galois_err galois_stun_key_new(struct galois_stun_key **out,
                                                            const uint8_t *key, size_t key_len);

// galois_stun_key_free wipes and frees `key`. NULL is a no-op.
GALOIS_API void galois_stun_key_free(struct galois_stun_key *key);

// galois_stun_check_integrity checks the message integrity of `msg`, parsed from the `in_len`
// bytes at `in`, under `key`, choosing the attribute as RFC 8489 §9.1.3 does: when
// MESSAGE-INTEGRITY-SHA256 is present, only it is checked (HMAC-SHA256, compared over the
// attribute's 16..32 bytes, §14.6), and MESSAGE-INTEGRITY beside it is ignored, so a bad
// SHA-256 value is GALOIS_ERR_AUTH even when MESSAGE-INTEGRITY is right (no downgrade);
// otherwise MESSAGE-INTEGRITY (HMAC-SHA1, §14.5). Either HMAC runs over the message up to the
// attribute, with the header length counting up to the attribute's end (so
// MESSAGE-INTEGRITY-SHA256 covers a MESSAGE-INTEGRITY before it), compared in constant time.
// Whether the STUN usage allows a truncated MESSAGE-INTEGRITY-SHA256 is the caller's call
// (`msg->has_integrity_sha256` says which attribute counted; the ICE-lite agent wants 32 bytes).
// Returns GALOIS_ERR_OK, GALOIS_ERR_AUTH on mismatch, GALOIS_ERR_NOT_FOUND when the message
// has neither attribute, GALOIS_ERR_INVALID when `in` is not what `msg` was parsed from,
// GALOIS_ERR_CRYPTO.
GALOIS_API GALOIS_MUST_CHECK galois_err
galois_stun_check_integrity(struct galois_stun_key *key, const struct galois_stun_msg *msg,
                            const uint8_t *in, size_t in_len);

// galois_stun_request says what galois_stun_write_request puts in a Binding request.
struct galois_stun_request {
    uint8_t txid[GALOIS_STUN_TXID_LEN];  // the caller's random transaction ID
    const char *username;                // "theirufrag:ourufrag", NUL-terminated; NULL: none
    uint32_t priority;                   // PRIORITY; 0 leaves it out
    bool use_candidate;
    bool controlling;  // ICE-CONTROLLING (else ICE-CONTROLLED) carrying `tie_breaker`
    bool has_role;     // false leaves both role attributes out
    uint64_t tie_breaker;
};

// galois_stun_write_request writes a Binding request for `req` into `out` (room `max`) and
// sets `*out_len`: USERNAME, PRIORITY, USE-CANDIDATE, the role attribute, then
// MESSAGE-INTEGRITY under `key` (NULL: none) and FINGERPRINT. GALOIS_ERR_BUFFER when short
// (then `*out_len` is 0), GALOIS_ERR_INVALID for a username over the limit.
GALOIS_API GALOIS_MUST_CHECK galois_err
galois_stun_write_request(uint8_t *out, size_t *out_len, size_t max,
                          const struct galois_stun_request *req, struct galois_stun_key *key);

// galois_stun_write_success writes the Binding success response to transaction `txid`:
// XOR-MAPPED-ADDRESS `mapped`, MESSAGE-INTEGRITY under `key` (NULL: none) and FINGERPRINT.
// GALOIS_ERR_BUFFER when short, GALOIS_ERR_INVALID for a bad `mapped`.
GALOIS_API GALOIS_MUST_CHECK galois_err galois_stun_write_success(
    uint8_t *out, size_t *out_len, size_t max, const uint8_t txid[GALOIS_STUN_TXID_LEN],
    const struct galois_ice_addr *mapped, struct galois_stun_key *key);

// galois_stun_write_error writes the Binding error response to transaction `txid`: ERROR-CODE
// `code` (300..699) with the standard reason phrase of RFC 8489 §14.8 (or "Error"), then
// UNKNOWN-ATTRIBUTES listing the `num_unknown` types at `unknown` when there are any,
// MESSAGE-INTEGRITY under `key` (NULL for a response to a request that failed
// authentication) and FINGERPRINT. GALOIS_ERR_BUFFER when short, GALOIS_ERR_INVALID for a bad
// code or more than GALOIS_STUN_MAX_UNKNOWN types.
GALOIS_API GALOIS_MUST_CHECK galois_err galois_stun_write_error(
    uint8_t *out, size_t *out_len, size_t max, const uint8_t txid[GALOIS_STUN_TXID_LEN],
    uint16_t code, const uint16_t *unknown, size_t num_unknown, struct galois_stun_key *key);

// ---------------------------------------------------------------------------------------------
// ICE credentials and SDP (RFC 8839).

// galois_ice_cred_valid tells whether the `len` bytes at `text` are 4..256 (`is_pwd` false:
// ice-ufrag) or 22..256 (`is_pwd` true: ice-pwd) ice-chars (ALPHA / DIGIT / "+" / "/").
GALOIS_API bool galois_ice_cred_valid(const char *text, size_t len, bool is_pwd);

// galois_ice_cred_generate writes `len` random ice-chars and a NUL into `out` (room `max`,
// which must exceed `len`), from the OpenSSL CSPRNG: 6 bits of randomness a character.
// GALOIS_ERR_INVALID for a `len` of 0 or over GALOIS_ICE_MAX_CRED_LEN, GALOIS_ERR_BUFFER,
// GALOIS_ERR_CRYPTO.
GALOIS_API GALOIS_MUST_CHECK galois_err galois_ice_cred_generate(char *out, size_t max, size_t len);

// galois_ice_priority is the candidate priority of RFC 8445 §5.1.2.1: 2^24 * type_pref +
// 2^8 * local_pref + (256 - component). A host candidate has type_pref 126; `component` 1..256.
GALOIS_API uint32_t galois_ice_priority(uint8_t type_pref, uint16_t local_pref, unsigned component);

// galois_ice_host_candidate writes the value of an a=candidate attribute for a UDP host
// candidate of component 1 ("<foundation> 1 udp <priority> <address> <port> typ host", RFC
// 8839 §5.1) and a NUL into `out` (room `max`; GALOIS_ICE_MAX_CANDIDATE_LEN suffices), and
// sets `*out_len` to the text length. GALOIS_ERR_INVALID for a bad address or a foundation
// that is not 1..32 ice-chars, GALOIS_ERR_BUFFER when short (then `out` holds "").
GALOIS_API GALOIS_MUST_CHECK galois_err
galois_ice_host_candidate(char *out, size_t *out_len, size_t max, const char *foundation,
                          const struct galois_ice_addr *addr, uint32_t priority);

// ---------------------------------------------------------------------------------------------
// ICE-lite agent.

// galois_ice_lite_config configures an agent. Strings are NUL-terminated and copied.
struct galois_ice_lite_config {
    const char *local_ufrag;   // NULL: generate GALOIS_ICE_UFRAG_LEN characters
    const char *local_pwd;     // NULL: generate GALOIS_ICE_PWD_LEN characters
    const char *remote_ufrag;  // from the peer's SDP; NULL: set later (see set_remote)
    const char *remote_pwd;    // from the peer's SDP; NULL: set later
    // silent_refusals drops requests that fail authentication (400, 401) instead of
    // answering them. Default false: answer as RFC 8489 §9.1.3 says. See docs/ICE.md.
    bool silent_refusals;
    uint32_t consent_timeout_ms;  // 0: GALOIS_ICE_CONSENT_TIMEOUT_MS
};

// galois_ice_lite_counters counts what the agent did with each datagram given to it.
struct galois_ice_lite_counters {
    uint64_t received;     // every call of galois_ice_lite_input
    uint64_t answered;     // Binding success responses written
    uint64_t indications;  // Binding indications (keepalives), taken without an answer
    uint64_t malformed[GALOIS_STUN_WHY_COUNT_];  // dropped by galois_stun_parse, by reason
    uint64_t no_fingerprint;    // dropped: a request without FINGERPRINT (RFC 8445 §7)
    uint64_t not_binding;       // dropped: a method other than Binding
    uint64_t responses;         // dropped: a response (a lite agent sends no requests)
    uint64_t bad_request;       // 400: no USERNAME, or neither integrity attribute
    uint64_t bad_username;      // 401: USERNAME not "localufrag:remoteufrag"
    uint64_t bad_integrity;     // 401: the integrity attribute that counts does not match
    uint64_t unknown_attrs;     // 420: unknown comprehension-required attributes
    uint64_t role_conflicts;    // 487: the peer says it is controlled too
    uint64_t refusals_silent;   // of the 400 and 401 above, dropped under silent_refusals
    uint64_t no_room;           // an answer did not fit the output buffer
    uint64_t bad_source;        // from_addr was not an IPv4 or IPv6 address
    uint64_t nominations;       // valid requests with USE-CANDIDATE
    uint64_t selected_changes;  // nominations that moved the selected address
};

// galois_ice_lite_state is where the agent stands at a given time.
enum galois_ice_lite_state {
    GALOIS_ICE_LITE_NEW = 0,    // no valid check yet
    GALOIS_ICE_LITE_CHECKING,   // valid checks, nothing nominated
    GALOIS_ICE_LITE_CONNECTED,  // an address is selected and consent is fresh
    GALOIS_ICE_LITE_EXPIRED,    // consent expired: stop sending media (RFC 7675 §5.1)
};

// galois_ice_lite_state_name returns "new", "checking", "connected", "expired" or "?".
GALOIS_API const char *galois_ice_lite_state_name(enum galois_ice_lite_state state);

// galois_ice_lite is one ICE-lite agent for one component of one media stream. Opaque; not
// thread-safe (one thread at a time).
struct galois_ice_lite;

// galois_ice_lite_new makes an agent from `config` (NULL: all defaults). It keeps one
// galois_stun_key (HMAC-SHA1 and HMAC-SHA256 states) for the local password for its whole life.
// GALOIS_ERR_INVALID for a credential that galois_ice_cred_valid refuses, GALOIS_ERR_NOMEM,
// GALOIS_ERR_CRYPTO; `*out` is NULL on failure.
GALOIS_API GALOIS_MUST_CHECK galois_err
galois_ice_lite_new(struct galois_ice_lite **out, const struct galois_ice_lite_config *config);

// galois_ice_lite_free wipes the passwords and frees `agent`. NULL is a no-op.
GALOIS_API void galois_ice_lite_free(struct galois_ice_lite *agent);

// galois_ice_lite_set_remote sets the peer's ufrag and password (from its SDP). Until it is
// set, only the local half of USERNAME is checked. GALOIS_ERR_INVALID for bad credentials.
GALOIS_API GALOIS_MUST_CHECK galois_err galois_ice_lite_set_remote(struct galois_ice_lite *agent,
                                                                   const char *ufrag,
                                                                   const char *pwd);

// galois_ice_lite_local_ufrag and galois_ice_lite_local_pwd return the agent's own
// credentials, NUL-terminated, for the SDP; valid while the agent lives.
GALOIS_API const char *galois_ice_lite_local_ufrag(const struct galois_ice_lite *agent);
GALOIS_API const char *galois_ice_lite_local_pwd(const struct galois_ice_lite *agent);

// galois_ice_lite_input takes one datagram, the `in_len` bytes at `in` that came from
// `from` at `now_ms` (any monotonic millisecond clock), and writes the answer to send back to
// `from`, if any, into `out` (room `max`), setting `*out_len` (0: send nothing).
//
// A valid Binding request (USERNAME "localufrag:remoteufrag", MESSAGE-INTEGRITY or a full
// 32-byte MESSAGE-INTEGRITY-SHA256 under the local password, FINGERPRINT) is answered with a
// success response carrying `from` in XOR-MAPPED-ADDRESS, the same integrity attribute (only
// MESSAGE-INTEGRITY-SHA256 when the request had both: RFC 8489 §9.1.3) and FINGERPRINT,
// refreshes consent, and, with USE-CANDIDATE, selects `from`. Returns GALOIS_ERR_OK for that and
// for a Binding indication. Otherwise it returns why the datagram was refused, and counts it:
// GALOIS_ERR_PARSE (malformed, no FINGERPRINT, not Binding, a response: dropped; 400 missing
// credentials), GALOIS_ERR_LIMIT (oversized: dropped), GALOIS_ERR_AUTH (401),
// GALOIS_ERR_UNSUPPORTED (420), GALOIS_ERR_STATE (487 role conflict), GALOIS_ERR_BUFFER (the answer
// does not fit; nothing written), GALOIS_ERR_INVALID (a bad `from`). Which refusals carry an error
// response is in docs/ICE.md; `*out_len` says whether there is one to send.
GALOIS_API GALOIS_MUST_CHECK galois_err galois_ice_lite_input(struct galois_ice_lite *agent,
                                                              const uint8_t *in, size_t in_len,
                                                              const struct galois_ice_addr *from,
                                                              uint64_t now_ms, uint8_t *out,
                                                              size_t max, size_t *out_len);

// galois_ice_lite_selected copies the nominated remote address into `*out`. Returns
// GALOIS_ERR_NOT_FOUND (and zeroes `*out`) while nothing is nominated.
GALOIS_API GALOIS_MUST_CHECK galois_err
galois_ice_lite_selected(const struct galois_ice_lite *agent, struct galois_ice_addr *out);

// galois_ice_lite_state returns the agent's state at `now_ms`: CONNECTED while a valid request
// has come from the selected address within the consent timeout, EXPIRED after that.
GALOIS_API enum galois_ice_lite_state galois_ice_lite_state(const struct galois_ice_lite *agent,
                                                            uint64_t now_ms);

// galois_ice_lite_consent_expired tells whether an address was selected and no valid request
// has come from it for the consent timeout (30 s by default) up to `now_ms`.
GALOIS_API bool galois_ice_lite_consent_expired(const struct galois_ice_lite *agent,
                                                uint64_t now_ms);

// galois_ice_lite_get_counters copies the agent's counters into `*out`.
GALOIS_API void galois_ice_lite_get_counters(const struct galois_ice_lite *agent,
                                             struct galois_ice_lite_counters *out);

// galois_ice_lite_sdp writes the ICE lines of our SDP, each ending in CRLF, and a NUL into
// `out` (room `max`), setting `*out_len` to the text length: "a=ice-lite" (a session-level
// attribute: RFC 8839 §5.3) when `session_level`, else "a=ice-ufrag", "a=ice-pwd" and one
// "a=candidate" host line per address of `addrs` (`num_addrs` of them; foundations "1", "2"
// ...; local preference 65535 for the first, one less for each next one). GALOIS_ERR_BUFFER
// when short (then `out` holds ""), GALOIS_ERR_INVALID for a bad address or over 256 of them.
// Users of the galois_sdp model add the same through galois_sdp_add_attr and
// galois_sdp_media_add_attr with galois_ice_host_candidate (docs/ICE.md).
GALOIS_API GALOIS_MUST_CHECK galois_err galois_ice_lite_sdp(char *out, size_t *out_len, size_t max,
                                                            const struct galois_ice_lite *agent,
                                                            bool session_level,
                                                            const struct galois_ice_addr *addrs,
                                                            size_t num_addrs);

#ifdef __cplusplus
}
#endif

#endif  // GALOIS_ICE_H
