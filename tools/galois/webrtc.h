// `galois webrtc`: answer a browser's WebRTC offer over HTTP, then run ICE-lite, DTLS-SRTP and
// PCMU audio with it on one UDP socket per session. The pieces, one file each:
//   webrtc.c          the options and the command itself
//   webrtc_server.c   libmicrohttpd in external-select mode: GET /, POST /offer, POST /result
//   webrtc_run.c      the select() loop that drives HTTP and every session, and the run's report
//   webrtc_guard.c    the Host, Origin and Content-Type checks every request passes first
//   webrtc_offer.c    the offer's checks and the answer SDP
//   webrtc_session.c  one session: ICE-lite agent, DTLS, SRTP media (webrtc_session.h: its state)
//   webrtc_addr.c     socket addresses, the session's UDP socket, the checked-address list
//   webrtc_report.c   a session's report, JSON and text
//   webrtc_json.c     the untrusted HTTP bodies (JSON) and JSON text we write
//   webrtc_page.c     the page (HTML and JavaScript) served at /
// docs/WEBRTC.md says how to run it and why it is built this way.
#ifndef GALOIS_TOOLS_WEBRTC_H
#define GALOIS_TOOLS_WEBRTC_H

#include <galois/galois.h>
#include <stdio.h>
#include <sys/socket.h>

#include "rd.h"

enum {
    WR_MAX_PATH = 512,
    WR_MAX_ADDR = 64,
    WR_MAX_ERROR = 768,
    WR_MAX_SESSIONS = 16,
    WR_MAX_BODY = 128 * 1024,   // bytes of a POST body we take; more gets 413
    WR_MAX_ANSWER = 4096,       // bytes of the answer SDP we write
    WR_MAX_MID = 32,            // bytes of an a=mid value we copy into the answer
    WR_JSON_MAX_DEPTH = 32,     // nesting of the JSON we accept
    WR_MAX_SEEN = 4,            // remote addresses that passed an ICE check, per session
    WR_TOKEN_LEN = 32,          // hex digits of a session's /result secret (128 bits)
    WR_MAX_RESULT = 64 * 1024,  // bytes of a /result body we store; more gets 413
};

enum wr_source { WR_ECHO = 0, WR_TONE, WR_PLAY };

// wr_options is what the command line asked for.
struct wr_options {
    char http_host[WR_MAX_ADDR];
    uint16_t http_port;
    char udp_host[WR_MAX_ADDR];
    uint16_t udp_port;  // 0: an ephemeral port per session; else session i gets port + i - 1
    struct galois_dtls_policy dtls;
    enum wr_source source;
    double tone_hz;
    char play[WR_MAX_PATH];
    double duration_s;  // media time after the DTLS handshake
    unsigned sessions;  // sessions to run before exiting
    bool json;
    double timeout_s;          // the whole run
    double result_wait_s;      // how long a session waits for its page's /result after media
    double connect_timeout_s;  // from the answer until the DTLS handshake is done
    bool quiet;                // no progress lines on stderr
    char cert_path[WR_MAX_PATH];
    char key_path[WR_MAX_PATH];
};

// --- webrtc_json.c: JSON in (untrusted bodies) and out ---

// wr_json_valid tells whether the `len` bytes at `p` are exactly one JSON value (RFC 8259),
// whitespace around it allowed, strings valid UTF-8, nesting at most WR_JSON_MAX_DEPTH.
bool wr_json_valid(const uint8_t *p, size_t len);

// wr_json_member finds the first member named `key` of the JSON object that is the whole of
// `len` bytes at `p` (already checked by wr_json_valid) and sets `*out` to the raw text of its
// value. false when `p` is not an object or has no such member.
bool wr_json_member(struct galois_rd *out, const uint8_t *p, size_t len, const char *key);

// wr_json_string decodes the raw JSON string `raw` (quotes included) into `out` (room `max`,
// NUL-terminated) and sets `*out_len`. false for anything but a string, for \u0000 (the text
// goes where a NUL would cut it) and when it does not fit.
bool wr_json_string(char *out, size_t max, size_t *out_len, struct galois_rd raw);

// wr_json_is_true tells whether the raw value is the literal true.
bool wr_json_is_true(struct galois_rd raw);

// wr_offer_body takes the body of POST /offer, {"type":"offer","sdp":"..."}, and copies the
// SDP text into `sdp` (room `max`, NUL-terminated). false with a one-line reason in `why`.
bool wr_offer_body(char *sdp, size_t max, size_t *sdp_len, const uint8_t *body, size_t len,
                   char *why, size_t max_why);

// wr_json_escape writes `s` (`len` bytes) as a quoted JSON string into `out` (room `max`,
// NUL-terminated) and sets `*out_len`. false when it does not fit.
bool wr_json_escape(char *out, size_t max, size_t *out_len, const char *s, size_t len);

// wr_text_escape writes the `len` bytes at `s` (peer text: SDP values, /result strings) into
// `out` (room `max`, NUL-terminated) so that a terminal shows them and obeys none: bytes below
// 0x20, 0x7F, the C1 controls U+0080..U+009F and bytes that are not valid UTF-8 become \xNN
// (lower-case hex), a backslash becomes \\, whole UTF-8 characters and printable ASCII stay.
// false when it did not all fit (then `out` holds a prefix cut between two characters).
bool wr_text_escape(char *out, size_t max, const char *s, size_t len);

// wr_json_fput_value writes the NUL-terminated JSON text `json` (checked by wr_json_valid) to
// `f` with the same meaning, but DEL and the C1 controls U+0080..U+009F, which JSON lets a
// string carry raw and a terminal would obey, written as \u escapes.
void wr_json_fput_value(FILE *f, const char *json);

// --- webrtc_offer.c: the offer and our answer ---

// wr_offer is what we took from the browser's offer.
struct wr_offer {
    size_t audio_index;  // the m= section we answer
    size_t num_media;
    char mid[WR_MAX_MID + 1];  // "" when the offer has none
    bool bundle;               // the offer groups `mid` with a=group:BUNDLE
    bool rtcp_mux;
    char proto[32];
    enum galois_dtls_setup setup;
    enum galois_sdp_direction direction;
    struct galois_dtls_fingerprint fps[GALOIS_DTLS_MAX_REMOTE_FINGERPRINTS];
    size_t num_fps;
    char ufrag[GALOIS_ICE_MAX_CRED_LEN + 1];
    char pwd[GALOIS_ICE_MAX_CRED_LEN + 1];
};

// wr_offer_check reads the offer SDP (`len` bytes at `sdp`) into `*out`. false with a one-line
// reason in `why` (no audio, not DTLS-SRTP, no fingerprint, no ICE credentials, no PCMU ...).
bool wr_offer_check(struct wr_offer *out, const char *sdp, size_t len, char *why, size_t max_why);

// wr_answer_params is what our answer says about us.
struct wr_answer_params {
    const struct galois_ice_addr *addr;  // our UDP socket
    const char *ufrag;
    const char *pwd;
    const char *fingerprint;  // "sha-256 AB:CD:..."
    enum galois_dtls_setup setup;
    uint32_t ssrc;
};

// wr_answer_write writes the answer SDP to `offer` (and its text `sdp`) into `out` (room
// `max`). false with `why` when it does not fit or the offer cannot be read again.
bool wr_answer_write(char *out, size_t max, const struct wr_offer *offer, const char *sdp,
                     size_t sdp_len, const struct wr_answer_params *p, char *why, size_t max_why);

// --- webrtc_addr.c ---

// wr_addr_from_sa converts an IPv4 or IPv6 socket address. false for any other family.
bool wr_addr_from_sa(struct galois_ice_addr *out, const struct sockaddr_storage *ss);
// wr_sa_from_addr converts back and returns the socket address length.
socklen_t wr_sa_from_addr(struct sockaddr_storage *out, const struct galois_ice_addr *a);
// wr_addr_text writes "IP:PORT" or "[IPv6]:PORT" ("?" when it cannot).
void wr_addr_text(char *out, size_t max, const struct galois_ice_addr *a);
// wr_udp_bind binds a non-blocking UDP socket to `host` (numeric) and `port` (0: any) and sets
// `*local` to its address. Returns the socket, or -1 with the cause in `why` (getaddrinfo's
// text, the failing call and its errno text, or a descriptor over FD_SETSIZE).
int wr_udp_bind(struct galois_ice_addr *local, const char *host, uint16_t port, char *why,
                size_t max_why);

// wr_seen is the list of remote addresses that passed an authenticated ICE check, the least
// recently checked first. The nominated one (the media target) is never pushed out.
struct wr_seen {
    struct galois_ice_addr addrs[WR_MAX_SEEN];
    size_t num;
    bool has_nominee;
    size_t nominee;  // index in addrs of the nominated address, when has_nominee
};

// wr_seen_has tells whether `a` is on the list.
bool wr_seen_has(const struct wr_seen *seen, const struct galois_ice_addr *a);
// wr_seen_add records that an authentic check came from `a` (`nominated`: it is the address the
// ICE agent has selected now). `a` is always admitted, as the most recent entry; when the list
// is full, the least recently checked address that is not the nominated one leaves it.
void wr_seen_add(struct wr_seen *seen, const struct galois_ice_addr *a, bool nominated);

// --- webrtc_guard.c: which HTTP requests are taken at all ---

// wr_guard says which names the HTTP server answers to: its bound address and port, and
// localhost when that address is a loopback one; any IP literal and localhost (with the port)
// when it is bound to the unspecified address.
struct wr_guard {
    struct galois_ice_addr bound;  // the listening address and port
    bool wildcard;                 // bound to 0.0.0.0 or ::
};

// wr_guard_init sets `*g` for the numeric address `host` and the port we listen on. false when
// `host` is not a numeric address.
bool wr_guard_init(struct wr_guard *g, const char *host, uint16_t port);
// wr_guard_host tells whether the Host header value `host` (NULL: none) names this server:
// "ADDR:PORT", "[V6]:PORT" or "localhost:PORT" as wr_guard says; the port may be left out only
// when it is 80. Anything else (another name: DNS rebinding) is refused.
bool wr_guard_host(const struct wr_guard *g, const char *host);
// wr_guard_origin tells whether the Origin header value `origin` may be taken: absent (NULL),
// or "http://" and the same name as the request's accepted `host`.
bool wr_guard_origin(const struct wr_guard *g, const char *origin, const char *host);
// wr_guard_json_type tells whether the Content-Type `content_type` (NULL: none) is
// application/json, parameters allowed.
bool wr_guard_json_type(const char *content_type);
// wr_guard_names writes the Host names taken, for a refusal reason.
void wr_guard_names(const struct wr_guard *g, char *out, size_t max);

// --- webrtc_session.c ---

struct wr_session;

// wr_session_new makes session number `id` for an offer already checked: binds its socket (on
// the --udp port + `slot` when --udp gave one), makes the ICE agent and the DTLS connection, and
// writes the answer SDP into `answer` (room `max`). false with `why`; nothing is left behind.
bool wr_session_new(struct wr_session **out, unsigned id, unsigned slot, const struct wr_options *o,
                    const struct galois_dtls_cert *cert, const struct wr_offer *offer,
                    const char *sdp, size_t sdp_len, bool wants_result, char *answer, size_t max,
                    char *why, size_t max_why);
void wr_session_free(struct wr_session *s);

// wr_session_fd returns the session's socket, or -1 when it is closed.
int wr_session_fd(const struct wr_session *s);
// wr_session_readable takes every datagram waiting on the socket.
void wr_session_readable(struct wr_session *s, uint64_t now_us);
// wr_session_step runs the timers (DTLS, media, the session's end) at `now_us`, and returns
// the time of its next timer.
uint64_t wr_session_step(struct wr_session *s, uint64_t now_us);
// wr_session_done tells whether the session is over (report ready).
bool wr_session_done(const struct wr_session *s);
// wr_session_abandoned tells whether the session ended at its connect deadline without one
// authentic ICE check: nobody who knew our answer came, so it does not count as a session.
bool wr_session_abandoned(const struct wr_session *s);
// wr_session_abort ends the session now with `why` unless it has ended already.
void wr_session_abort(struct wr_session *s, const char *why, uint64_t now_us);
// wr_session_wants_result tells whether the session still takes a /result body.
bool wr_session_wants_result(const struct wr_session *s);
// wr_session_set_result stores the page's /result JSON (valid, an object, at most WR_MAX_RESULT
// bytes) into the report. false when out of memory (then nothing is stored).
bool wr_session_set_result(struct wr_session *s, const uint8_t *body, size_t len);
// wr_session_token returns the session's secret (WR_TOKEN_LEN hex digits), which the answer
// gives the page and its /result must carry.
const char *wr_session_token(const struct wr_session *s);
// wr_session_token_ok tells whether `token` (NULL: none) is the session's, in constant time.
bool wr_session_token_ok(const struct wr_session *s, const char *token);
// wr_session_id returns the session's number.
unsigned wr_session_id(const struct wr_session *s);
// wr_session_ok tells whether the session connected with a profile and media flowed both ways.
bool wr_session_ok(const struct wr_session *s);
// wr_session_error returns why it failed ("" while nothing failed).
const char *wr_session_error(const struct wr_session *s);
// wr_session_report_json writes the session's report object to `f`.
void wr_session_report_json(const struct wr_session *s, FILE *f);
// wr_session_report_text writes the human summary to `f`.
void wr_session_report_text(const struct wr_session *s, FILE *f);

// --- webrtc_server.c and webrtc_run.c ---

struct wr_server;

// wr_server_start listens on the options' HTTP address. false with `why`.
bool wr_server_start(struct wr_server **out, struct wr_options *o,
                     const struct galois_dtls_cert *cert, char *why, size_t max_why);
void wr_server_stop(struct wr_server *srv);
// wr_server_port is the port it listens on.
uint16_t wr_server_port(const struct wr_server *srv);
// wr_server_run runs until every session ended or the timeout; returns the exit status.
int wr_server_run(struct wr_server *srv);

// --- webrtc_page.c ---

// wr_page_new returns the HTML page served at / in a new buffer (free it), or NULL when out
// of memory; `*len` is its length.
char *wr_page_new(size_t *len);

// wr_progress prints a progress line on stderr unless quiet.
void wr_progress(const struct wr_options *o, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

// wr_now_us is a monotonic clock in microseconds.
uint64_t wr_now_us(void);
// wr_wall_us is microseconds since 1970: the media stream's clock, for its RTCP and what it
// receives alike (the SR carries it, and the round trip is measured on it).
uint64_t wr_wall_us(void);

#endif  // GALOIS_TOOLS_WEBRTC_H
