// galois SDP: the session description model (RFC 8866) that the SDES and SIP layers read and
// write, with an offer/answer skeleton (RFC 3264).
//
// A `struct galois_sdp` owns every string it points to: they live in an arena inside it, which
// galois_sdp_free wipes (an SDP can carry keys in a=crypto lines) and frees. Read the fields
// directly; change them only through the functions below, which copy what they are given.
// The parser is strict about the syntax of every line it interprets, tolerant about the order
// of lines within a section (the writer puts them in RFC 8866 §5 order), and accepts LF as well
// as CRLF line ends (the writer writes CRLF).
#ifndef GALOIS_SDP_H
#define GALOIS_SDP_H

#include <galois/common.h>

#ifdef __cplusplus
extern "C" {
#endif

enum {
    GALOIS_SDP_MAX_LEN = 65536,       // bytes of one session description
    GALOIS_SDP_MAX_LINE_LEN = 4096,   // bytes of one line
    GALOIS_SDP_MAX_MEDIA = 32,        // m= sections
    GALOIS_SDP_MAX_ATTRS = 256,       // a= lines per section
    GALOIS_SDP_MAX_LIST = 64,         // b=, c=, t=, r=, e=, p= lines and formats per list
    GALOIS_SDP_MAX_EXTMAP_ID = 4351,  // RFC 8285 §6 (4096-4351: offers only)
};

// galois_sdp_attr is one a= line: `value` is NULL for a property attribute ("a=rtcp-mux").
// `value_off` is where the value starts in the text the description was parsed from (0 for
// an attribute a builder added), so a later layer can point at a byte of it in a message.
struct galois_sdp_attr {
    const char *name;
    const char *value;
    size_t value_off;
};

// galois_sdp_conn is one c= line (RFC 8866 §5.7).
struct galois_sdp_conn {
    const char *nettype;   // "IN"
    const char *addrtype;  // "IP4", "IP6"
    const char *address;   // "192.0.2.1", "224.2.1.1/127" ...
};

// galois_sdp_time is one t= line and the r= lines after it.
struct galois_sdp_time {
    const char *start;  // decimal NTP seconds, "0" for unbounded
    const char *stop;
    const char **repeats;  // values of the r= lines
    size_t num_repeats;
};

// galois_sdp_media is one m= section.
struct galois_sdp_media {
    const char *type;    // "audio", "video", "application" ...
    uint16_t port;       // 0: the stream is rejected or disabled
    unsigned num_ports;  // the "/<number of ports>" suffix; 0 when absent
    const char *proto;   // "RTP/AVP", "RTP/SAVP", "UDP/TLS/RTP/SAVPF" ...
    const char **fmts;   // payload type numbers or format names, at least one
    size_t num_fmts;
    const char *info;  // i=, NULL when absent
    struct galois_sdp_conn *conns;
    size_t num_conns;
    const char **bandwidths;  // b= values ("AS:64")
    size_t num_bandwidths;
    const char *key;  // k= (obsolete, kept for round trips), NULL when absent
    struct galois_sdp_attr *attrs;
    size_t num_attrs;
};

struct galois_sdp_arena;

// galois_sdp is one session description. Required fields are NULL only in an SDP being built.
struct galois_sdp {
    // o= (RFC 8866 §5.2); the numbers are kept as the decimal text they were written as.
    const char *origin_user;
    const char *origin_sess_id;
    const char *origin_sess_version;
    struct galois_sdp_conn origin;  // nettype, addrtype and unicast address of o=
    const char *session_name;       // s=
    const char *info;               // i=, NULL when absent
    const char *uri;                // u=, NULL when absent
    const char **emails;            // e=
    size_t num_emails;
    const char **phones;  // p=
    size_t num_phones;
    struct galois_sdp_conn *conn;  // session-level c=, NULL when absent
    const char **bandwidths;       // b=
    size_t num_bandwidths;
    struct galois_sdp_time *times;  // t= (at least one in a parsed SDP)
    size_t num_times;
    const char *zone;  // z=, NULL when absent
    const char *key;   // k=, NULL when absent
    struct galois_sdp_attr *attrs;
    size_t num_attrs;
    struct galois_sdp_media *media;
    size_t num_media;
    struct galois_sdp_arena *arena;  // owned storage; not for callers
};

// galois_sdp_new creates an empty session description in `*out` (v=0, nothing else) for the
// builder functions below. GALOIS_ERR_NOMEM on failure.
GALOIS_API GALOIS_MUST_CHECK galois_err galois_sdp_new(struct galois_sdp **out);

// galois_sdp_free wipes every string of `sdp` and frees it. NULL is a no-op.
GALOIS_API void galois_sdp_free(struct galois_sdp *sdp);

// galois_sdp_parse parses the `in_len` bytes at `in` (no NUL needed) into a new `*out`. It
// returns GALOIS_ERR_PARSE for malformed input, with `*out_err_off` (may be NULL) set to the
// byte offset where parsing failed (galois_sdp_line_col turns it into a line and column),
// GALOIS_ERR_LIMIT for input over one of the limits above, or GALOIS_ERR_NOMEM. Interpreted
// attributes are checked: rtpmap, fmtp, extmap, cryptex, rtcp-mux and the four direction
// attributes; others are kept as they are. On failure `*out` is NULL.
GALOIS_API GALOIS_MUST_CHECK galois_err galois_sdp_parse(struct galois_sdp **out,
                                                         size_t *out_err_off, const char *in,
                                                         size_t in_len);

// galois_sdp_line_col converts a byte offset in `in` into a 1-based line and column.
GALOIS_API void galois_sdp_line_col(size_t *out_line, size_t *out_col, const char *in,
                                    size_t in_len, size_t off);

// galois_sdp_write writes `sdp` as text with CRLF line ends and a NUL into `out` (room for
// `max_out_len` bytes) and sets `*out_len` to the text length. GALOIS_ERR_BUFFER if the room
// is short, with `*out_len` set to the room needed (text and NUL); GALOIS_ERR_INVALID if a
// required field is missing.
GALOIS_API GALOIS_MUST_CHECK galois_err galois_sdp_write(char *out, size_t *out_len,
                                                         size_t max_out_len,
                                                         const struct galois_sdp *sdp);

// The builders copy every string they are given. They return GALOIS_ERR_INVALID for a value
// the parser would refuse (a CR, LF or NUL, an empty token, a token with a space where none
// is allowed), GALOIS_ERR_LIMIT at a limit, GALOIS_ERR_NOMEM.

// galois_sdp_set_origin sets o=.
GALOIS_API GALOIS_MUST_CHECK galois_err galois_sdp_set_origin(struct galois_sdp *sdp,
                                                              const char *user, const char *sess_id,
                                                              const char *sess_version,
                                                              const struct galois_sdp_conn *addr);

// galois_sdp_set_session_name sets s=.
GALOIS_API GALOIS_MUST_CHECK galois_err galois_sdp_set_session_name(struct galois_sdp *sdp,
                                                                    const char *name);

// galois_sdp_set_conn sets the session-level c= line.
GALOIS_API GALOIS_MUST_CHECK galois_err galois_sdp_set_conn(struct galois_sdp *sdp,
                                                            const struct galois_sdp_conn *conn);

// galois_sdp_add_time adds a t= line.
GALOIS_API GALOIS_MUST_CHECK galois_err galois_sdp_add_time(struct galois_sdp *sdp,
                                                            const char *start, const char *stop);

// galois_sdp_add_attr adds a session-level a= line; `value` NULL for a property attribute.
GALOIS_API GALOIS_MUST_CHECK galois_err galois_sdp_add_attr(struct galois_sdp *sdp,
                                                            const char *name, const char *value);

// galois_sdp_add_media adds an m= section and sets `*out_index` (may be NULL) to its index.
// `fmts` is the format list as written on the m= line ("0 8 101").
GALOIS_API GALOIS_MUST_CHECK galois_err galois_sdp_add_media(struct galois_sdp *sdp,
                                                             size_t *out_index, const char *type,
                                                             uint16_t port, const char *proto,
                                                             const char *fmts);

// galois_sdp_media_set_port sets the port of m= section `index`.
GALOIS_API GALOIS_MUST_CHECK galois_err galois_sdp_media_set_port(struct galois_sdp *sdp,
                                                                  size_t index, uint16_t port);

// galois_sdp_media_set_proto sets the transport protocol of m= section `index`.
GALOIS_API GALOIS_MUST_CHECK galois_err galois_sdp_media_set_proto(struct galois_sdp *sdp,
                                                                   size_t index, const char *proto);

// galois_sdp_media_add_conn adds a c= line to m= section `index`.
GALOIS_API GALOIS_MUST_CHECK galois_err
galois_sdp_media_add_conn(struct galois_sdp *sdp, size_t index, const struct galois_sdp_conn *conn);

// galois_sdp_media_add_attr adds an a= line to m= section `index`.
GALOIS_API GALOIS_MUST_CHECK galois_err galois_sdp_media_add_attr(struct galois_sdp *sdp,
                                                                  size_t index, const char *name,
                                                                  const char *value);

// galois_sdp_media_set_attr replaces the value of the `nth` a= line named `name` (0-based,
// counting only lines of that name) in m= section `index`. GALOIS_ERR_NOT_FOUND if absent.
GALOIS_API GALOIS_MUST_CHECK galois_err galois_sdp_media_set_attr(struct galois_sdp *sdp,
                                                                  size_t index, const char *name,
                                                                  size_t nth, const char *value);

// galois_sdp_media_remove_attrs removes every a= line named `name` from m= section `index`.
GALOIS_API void galois_sdp_media_remove_attrs(struct galois_sdp *sdp, size_t index,
                                              const char *name);

// galois_sdp_attr_get returns the value of the `nth` attribute named `name` (0-based, among
// those of that name) in `attrs`, "" for a property attribute, or NULL when there is none.
GALOIS_API const char *galois_sdp_attr_get(const struct galois_sdp_attr *attrs, size_t num_attrs,
                                           const char *name, size_t nth);

// galois_sdp_direction is the media direction attribute (RFC 8866 §6.7).
enum galois_sdp_direction {
    GALOIS_SDP_SENDRECV = 0,  // the default when no direction attribute is present
    GALOIS_SDP_SENDONLY,
    GALOIS_SDP_RECVONLY,
    GALOIS_SDP_INACTIVE,
};

// galois_sdp_media_direction returns the direction of m= section `index`: its own direction
// attribute, else the session-level one, else sendrecv.
GALOIS_API enum galois_sdp_direction galois_sdp_media_direction(const struct galois_sdp *sdp,
                                                                size_t index);

// galois_sdp_direction_name returns "sendrecv", "sendonly", "recvonly" or "inactive".
GALOIS_API const char *galois_sdp_direction_name(enum galois_sdp_direction dir);

// galois_sdp_direction_answer returns the direction an answer takes to an offered `dir`
// (RFC 3264 §6.1): sendonly for recvonly, recvonly for sendonly, the same otherwise.
GALOIS_API enum galois_sdp_direction galois_sdp_direction_answer(enum galois_sdp_direction dir);

// galois_sdp_media_has_flag tells whether m= section `index` carries the property attribute
// `name` ("rtcp-mux"), or, when `session_too`, the session level does.
GALOIS_API bool galois_sdp_media_has_flag(const struct galois_sdp *sdp, size_t index,
                                          const char *name, bool session_too);

// galois_sdp_rtpmap is a parsed a=rtpmap value (RFC 8866 §6.6). Views point into the value.
struct galois_sdp_rtpmap {
    unsigned payload_type;  // 0..127
    const char *encoding;   // not NUL-terminated: `encoding_len` bytes
    size_t encoding_len;
    uint32_t clock_rate;
    unsigned channels;  // 0 when absent
};

// galois_sdp_rtpmap_parse parses an a=rtpmap value. GALOIS_ERR_PARSE if malformed.
GALOIS_API GALOIS_MUST_CHECK galois_err galois_sdp_rtpmap_parse(struct galois_sdp_rtpmap *out,
                                                                const char *value);

// galois_sdp_fmtp is a parsed a=fmtp value: the format and its parameter text.
struct galois_sdp_fmtp {
    const char *format;  // `format_len` bytes
    size_t format_len;
    const char *params;  // `params_len` bytes
    size_t params_len;
};

// galois_sdp_fmtp_parse parses an a=fmtp value. GALOIS_ERR_PARSE if malformed.
GALOIS_API GALOIS_MUST_CHECK galois_err galois_sdp_fmtp_parse(struct galois_sdp_fmtp *out,
                                                              const char *value);

// The URI of RFC 6904 §4: an extmap whose URI is this one asks for the encryption of the
// extension named by the URI after it.
#define GALOIS_SDP_HDREXT_ENCRYPT_URI "urn:ietf:params:rtp-hdrext:encrypt"

// galois_sdp_extmap is a parsed a=extmap value (RFC 8285 §7, RFC 6904 §4).
struct galois_sdp_extmap {
    unsigned id;                          // 1..GALOIS_SDP_MAX_EXTMAP_ID
    bool has_direction;                   // "/<direction>" after the ID
    enum galois_sdp_direction direction;  // valid when has_direction
    bool encrypt;                         // RFC 6904 form: "urn:ietf:params:rtp-hdrext:encrypt URI"
    const char *uri;                      // the extension's URI, `uri_len` bytes
    size_t uri_len;
    const char *attributes;  // extension attributes after the URI, `attributes_len` bytes
    size_t attributes_len;
};

// galois_sdp_extmap_parse parses an a=extmap value. GALOIS_ERR_PARSE if malformed.
GALOIS_API GALOIS_MUST_CHECK galois_err galois_sdp_extmap_parse(struct galois_sdp_extmap *out,
                                                                const char *value);

// galois_sdp_extmap_write writes `ext` as an a=extmap value (NUL-terminated) into `out`.
// GALOIS_ERR_BUFFER if `max_out_len` is short.
GALOIS_API GALOIS_MUST_CHECK galois_err
galois_sdp_extmap_write(char *out, size_t max_out_len, const struct galois_sdp_extmap *ext);

// galois_sdp_has_cryptex tells whether a=cryptex (RFC 9335 §5) applies to m= section `index`:
// present at its level or at the session level.
GALOIS_API bool galois_sdp_has_cryptex(const struct galois_sdp *sdp, size_t index);

// galois_sdp_answer_options says how galois_sdp_answer_new fills in what is ours.
struct galois_sdp_answer_options {
    const char *address;       // our unicast address (c= and o=), e.g. "192.0.2.7"
    const char *addrtype;      // "IP4" or "IP6"; NULL means "IP4"
    uint16_t first_port;       // port of the first accepted m= section; the next get +2, +4 ...
    const char *sess_id;       // o= session id; NULL means "1"
    const char *sess_version;  // o= version; NULL means "1"
};

// galois_sdp_answer_new builds in `*out` the skeleton of an answer to `offer` (RFC 3264 §6):
// one m= section per offered one, in order, with the same type, protocol and formats and
// their rtpmap/fmtp lines, rtcp-mux if offered, the offered extmaps with their direction
// reversed, the direction reversed (sendonly <-> recvonly), and port 0 for a section offered
// with port 0. Security attributes (a=crypto, a=cryptex, a=fingerprint ...) are left out: the
// SDES layer adds its own. GALOIS_ERR_INVALID for bad options, GALOIS_ERR_NOMEM.
GALOIS_API GALOIS_MUST_CHECK galois_err
galois_sdp_answer_new(struct galois_sdp **out, const struct galois_sdp *offer,
                      const struct galois_sdp_answer_options *options);

#ifdef __cplusplus
}
#endif

#endif  // GALOIS_SDP_H
