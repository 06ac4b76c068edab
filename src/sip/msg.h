// Internal to the SIP layer: framing, checking and writing SIP messages (RFC 3261) on top of
// libosip2's parser, the helpers the user agent reads parsed messages with, target URIs and
// host:port texts, random tokens, and Digest authentication (RFC 2617, RFC 7616, RFC 8760).
// libosip2 parses; this layer frames, validates and extracts. docs/SIP-MESSAGES.md says what
// each check refuses and why.
#ifndef GALOIS_SRC_SIP_MSG_H
#define GALOIS_SRC_SIP_MSG_H

#include <galois/common.h>
#include <osipparser2/osip_parser.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum { GALOIS_SIP_MAX_MSG = 65536 };  // bytes of one SIP message, headers + body

// Stream framing for TCP/TLS (RFC 3261 §18.3): messages are delimited by Content-Length, which
// is mandatory on streams. Keep-alives of RFC 5626 §3.5.1: a double CRLF "ping" and a single
// CRLF "pong".
enum galois_sip_frame {
    GALOIS_SIP_FRAME_MORE = 0,  // need more bytes
    GALOIS_SIP_FRAME_MESSAGE,   // *out_len bytes at buf are one whole message
    GALOIS_SIP_FRAME_PING,      // *out_len bytes (CRLFCRLF) are a ping: answer with CRLF
    GALOIS_SIP_FRAME_PONG,      // *out_len bytes (CRLF) are a pong (or stray CRLF): drop them
    GALOIS_SIP_FRAME_ERROR,     // unrecoverable: no/bad Content-Length, over the limit (why says)
};

// galois_sip_frame looks at the `len` received bytes at `buf` (the start of the stream's unread
// bytes) and says what the first of them are. For MESSAGE, PING and PONG, *out_len is how many
// bytes to consume; for MORE and ERROR it is 0. ERROR means the stream cannot be resynchronised
// and must be closed; `why` (room `max_why`, may be NULL with 0) says what was wrong, naming the
// header. A lone CRLF is reported as PONG as soon as the byte after it is not CR, or when it is
// all there is (a ping split after its first CRLF then reads as two pongs: RFC 5626 pings come
// whole in practice, and a CRLF must not stall the stream). Reads only `buf`; allocates nothing.
enum galois_sip_frame galois_sip_frame(const uint8_t *buf, size_t len, size_t *out_len, char *why,
                                       size_t max_why);

// galois_sip_msg_init runs libosip2's parser_init once per process (pthread_once) and turns
// libosip2's traces off (Debian builds them in, printing to stdout; an application that wants
// them may install its own osip_trace_initialize_func afterwards). galois_sip_msg_parse calls it;
// call it yourself before building messages with libosip2's setters. False if parser_init failed.
bool galois_sip_msg_init(void);

// galois_sip_msg_parse parses one message (a datagram, or what galois_sip_frame cut out) with
// libosip2 and checks what RFC 3261 §8.1.1/§8.2 and the UA need before anything acts on it:
// a start line; exactly one To, From (with a tag), Call-ID and CSeq (number <= 2^31-1, method
// equal to the request method); a To tag on responses other than 100; at least one Via, the top
// one with a branch (without the RFC 3261 magic cookie "z9hG4bK" it is accepted, and `why`
// carries a note); Max-Forwards on requests (0..255); Content-Length equal to the body length
// when present (a longer body is cut to it as §18.3 says for datagrams; a shorter one is an
// error); a Content-Type when there is a body; status codes 100..699; no NUL byte in the
// headers. On failure GALOIS_ERR_PARSE (GALOIS_ERR_LIMIT over GALOIS_SIP_MAX_MSG, GALOIS_ERR_NOMEM)
// and `why` names the header or field ("CSeq: method INVITE does not match request method
// BYE"); *out is NULL. On success *out is an osip_message_t the caller frees with
// osip_message_free, and `why` is empty or holds a note. `buf` is only borrowed.
GALOIS_MUST_CHECK galois_err galois_sip_msg_parse(osip_message_t **out, const uint8_t *buf,
                                                  size_t len, char *why, size_t max_why);

// galois_sip_msg_write serialises `m` (osip_message_to_str) into `out` (room `max_out`), setting
// Content-Length to the body length, and sets *out_len to the bytes written (no NUL is added).
// GALOIS_ERR_BUFFER when `max_out` is short (nothing useful is in `out` then), GALOIS_ERR_LIMIT
// over GALOIS_SIP_MAX_MSG, GALOIS_ERR_INVALID when libosip2 cannot serialise `m` (a mandatory
// part missing). `m` is updated in place (its Content-Length header).
GALOIS_MUST_CHECK galois_err galois_sip_msg_write(uint8_t *out, size_t *out_len, size_t max_out,
                                                  osip_message_t *m);

// The helpers below read a message galois_sip_msg_parse accepted; each returned string is owned
// by `m` and lives as long as it does.
// galois_sip_msg_branch returns the top Via's branch parameter; NULL if none.
const char *galois_sip_msg_branch(const osip_message_t *m);
// galois_sip_msg_branch_is_rfc3261 tells whether the top Via's branch starts with "z9hG4bK".
bool galois_sip_msg_branch_is_rfc3261(const osip_message_t *m);

// galois_sip_via is what the top Via says: its sent-by, transport and the parameters a UA and a
// server look at (RFC 3261 §18.2.1, RFC 3581). Pointers are owned by the message; NULL when absent.
struct galois_sip_via {
    const char *transport;  // "UDP", "TCP", "TLS" ... as written
    const char *host;       // sent-by host, IPv6 without brackets as libosip2 gives it
    uint16_t port;          // 0 when absent
    const char *branch;
    const char *received;
    bool has_rport;  // ;rport present, with or without a value
    uint16_t rport;  // its value, 0 when empty
};
// galois_sip_msg_via fills `out` from the top Via; false when there is no Via or its port or
// rport is not a number in 1..65535.
bool galois_sip_msg_via(const osip_message_t *m, struct galois_sip_via *out);

// galois_sip_msg_from_tag and galois_sip_msg_to_tag return the From/To tag; NULL if none.
const char *galois_sip_msg_from_tag(const osip_message_t *m);
const char *galois_sip_msg_to_tag(const osip_message_t *m);
// galois_sip_msg_cseq sets the CSeq number and method; false if absent or malformed.
bool galois_sip_msg_cseq(const osip_message_t *m, uint32_t *out_num, const char **out_method);
// galois_sip_msg_sdp returns the body (SDP) and sets *out_len when the Content-Type is
// application/sdp (case ignored) and there is a body; NULL (and *out_len 0) otherwise.
const char *galois_sip_msg_sdp(const osip_message_t *m, size_t *out_len);

// galois_sip_token writes `prefix` followed by 2 * `random_bytes` lowercase hex digits from
// OpenSSL's RAND_bytes, NUL-terminated, to `out`: a branch is ("z9hG4bK", 10), a tag ("", 8), a
// Call-ID ("", 16). GALOIS_ERR_INVALID for 0 or more than 64 random bytes, GALOIS_ERR_BUFFER when
// `max_out` is short, GALOIS_ERR_CRYPTO when the RNG fails.
GALOIS_MUST_CHECK galois_err galois_sip_token(char *out, size_t max_out, const char *prefix,
                                              size_t random_bytes);

// Target URI parsing: a sip:/sips: URI (libosip2's osip_uri_parse) -> what a UA must dial.
struct galois_sip_target {
    bool sips;       // sips: scheme (TLS on every hop)
    char user[128];  // "" when absent
    char host[256];  // name or IP literal without brackets
    uint16_t port;   // 0 when absent
    int transport;   // GALOIS_SIP_TRANSPORT_*: from ;transport= or the scheme; UDP default for sip:
};
enum { GALOIS_SIP_TRANSPORT_UDP = 0, GALOIS_SIP_TRANSPORT_TCP, GALOIS_SIP_TRANSPORT_TLS };

// galois_sip_target_parse parses the NUL-terminated `uri`. A sips: URI is always TLS (its
// ;transport=tcp means TLS over TCP, RFC 5630 §3.2; ;transport=udp is refused); sip: takes
// ;transport=udp|tcp|tls (case ignored) and defaults to UDP. GALOIS_ERR_PARSE for a malformed
// URI or port, GALOIS_ERR_UNSUPPORTED for another scheme or transport, GALOIS_ERR_LIMIT for a
// user or host too long for the struct; `why` says which.
GALOIS_MUST_CHECK galois_err galois_sip_target_parse(struct galois_sip_target *out, const char *uri,
                                                     char *why, size_t max_why);
// galois_sip_hostport_parse parses the --via/--listen syntax "[tls:|tcp:|udp:]HOST[:PORT]",
// HOST a name, an IPv4 address or a bracketed IPv6 address ("[::1]:5061"; a bare IPv6 address
// takes no port). Without a prefix the transport is UDP; without a port it is 5061 for TLS and
// 5060 otherwise. `sips` and `user` stay empty. Errors as for galois_sip_target_parse.
GALOIS_MUST_CHECK galois_err galois_sip_hostport_parse(struct galois_sip_target *out,
                                                       const char *text, char *why, size_t max_why);

// Digest authentication (RFC 2617, RFC 7616, RFC 8760 for SHA-256 in SIP), on OpenSSL EVP.
enum galois_sip_digest_alg {
    GALOIS_SIP_DIGEST_MD5 = 0,
    GALOIS_SIP_DIGEST_MD5_SESS,
    GALOIS_SIP_DIGEST_SHA256,
    GALOIS_SIP_DIGEST_SHA256_SESS,
};
struct galois_sip_challenge {
    enum galois_sip_digest_alg alg;
    char realm[256], nonce[256], opaque[256];
    bool has_opaque, qop_auth /* qop list contains "auth" */, stale;
};

// galois_sip_challenge_parse parses one WWW-Authenticate / Proxy-Authenticate header VALUE
// ("Digest realm=..., nonce=...", `len` bytes, no NUL needed) with the cursor: quoted strings
// with escapes, token values, unknown parameters skipped, names and algorithm case-insensitive.
// A realm and a nonce are required. GALOIS_ERR_UNSUPPORTED (why says) for another scheme, an
// unknown algorithm, or a qop list without "auth" (auth-int is not done); GALOIS_ERR_PARSE for
// malformed text, a parameter twice, or a value with CR, LF or NUL; GALOIS_ERR_LIMIT for a value
// over 255 bytes. *out is zeroed first.
GALOIS_MUST_CHECK galois_err galois_sip_challenge_parse(struct galois_sip_challenge *out,
                                                        const char *value, size_t len, char *why,
                                                        size_t max_why);

// galois_sip_challenge_choose returns the index of the challenge to answer among `num_chs`
// parsed ones (RFC 8760 §2.4: prefer SHA-256 over MD5, and the plain algorithm over its -sess
// variant; the first of equals), or -1 when there is none with a nonce.
int galois_sip_challenge_choose(const struct galois_sip_challenge *chs, size_t num_chs);

// galois_sip_digest_response computes the Authorization / Proxy-Authorization header VALUE for
// `ch` into `out` (room `max_out`, NUL-terminated; no header name):
//   Digest username="..", realm="..", nonce="..", uri="..", response="..", algorithm=..,
//   [cnonce="..", nc=00000001, qop=auth], [opaque=".."]
// `nc` is the nonce count (>= 1) and `cnonce` the client nonce; when the challenge needs one
// (qop=auth or a -sess algorithm) and `cnonce` is NULL, a random one is made. Quoted values are
// written with `"` and `\` escaped. GALOIS_ERR_INVALID for a NULL argument, nc 0, or a user,
// password, realm, nonce, method, uri or cnonce holding CR or LF; GALOIS_ERR_BUFFER when short
// (then `out` is wiped); GALOIS_ERR_CRYPTO when the hash fails. HA1 and every buffer derived
// from the password are wiped.
GALOIS_MUST_CHECK galois_err galois_sip_digest_response(char *out, size_t max_out,
                                                        const struct galois_sip_challenge *ch,
                                                        const char *user, const char *password,
                                                        const char *method, const char *digest_uri,
                                                        uint32_t nc, const char *cnonce);

// --- Shared by frame.c and msg.c, not for the UA. ---

// galois_sip_msg_head is what galois_sip_msg_head_scan found in a message's header section.
struct galois_sip_msg_head {
    size_t head_len;        // bytes up to and including the empty line after the headers
    bool has_length;        // a Content-Length (or "l") header was there
    size_t content_length;  // its value
    unsigned num_to, num_from, num_call_id, num_cseq, num_max_forwards, num_content_type;
};

// galois_sip_msg_head_scan reads the start line and header lines of the message at `buf` (lines end
// in CRLF or LF, folded lines are continuations) up to the empty line. It returns MESSAGE when
// the header section is complete (filling `out`), MORE when the empty line has not come yet
// within GALOIS_SIP_MAX_MSG bytes, and ERROR (why says) for a NUL byte, an unreadable header
// line, or a Content-Length that is not a number, is over GALOIS_SIP_MAX_MSG, or is given twice
// with different values.
enum galois_sip_frame galois_sip_msg_head_scan(struct galois_sip_msg_head *out, const uint8_t *buf,
                                               size_t len, char *why, size_t max_why);

// galois_sip_msg_is_token tells whether `ch` is a token character (RFC 3261 §25.1).
bool galois_sip_msg_is_token(uint8_t ch);

// galois_sip_msg_why writes a formatted message to `why` (room `max_why`; nothing when NULL or 0).
void galois_sip_msg_why(char *why, size_t max_why, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif  // GALOIS_SRC_SIP_MSG_H
