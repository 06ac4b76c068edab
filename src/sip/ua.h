// The SIP user agent's internals: connections (transport.c), transactions (txn.c), calls and
// dialogs (call.c), registration (register.c), and the agent that ties them (ua.c).
#ifndef GALOIS_SIP_UA_H
#define GALOIS_SIP_UA_H

#include <galois/sip.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "msg.h"

enum {
    SIP_MAX_CONNS = 32,
    SIP_MAX_TXNS = 64,
    SIP_MAX_ROUTES = 8,
    SIP_T1_MS = 500,  // RFC 3261 §17.1.1.1
    SIP_T2_MS = 4000,
    SIP_T4_MS = 5000,
    SIP_TXN_TIMEOUT_MS = 64 * SIP_T1_MS,  // timers B, F, H
    SIP_CONNECT_TIMEOUT_MS = 10000,
    SIP_MAX_TEXT = GALOIS_SIP_MAX_MSG,
    SIP_MAX_BODY = 8192,
    SIP_TOKEN_LEN = 48,
    SIP_SDP_MAX = 8192,    // bytes of an SDP body we write
    SIP_SESS_ID_LEN = 32,  // bytes of our o= session id
};

#define SIP_ALLOW_HEADER "Allow: INVITE, ACK, BYE, CANCEL, OPTIONS\r\n"

// sip_dest is where a message goes: a transport and a socket address, and the host name the
// TLS layer checks the certificate against.
struct sip_dest {
    int transport;  // GALOIS_SIP_TRANSPORT_*
    struct sockaddr_storage addr;
    socklen_t addr_len;
    char host[256];
    uint16_t port;
};

// sip_conn is one socket: a listener, the UDP socket, or a TCP/TLS connection.
struct sip_conn {
    bool used;
    int fd;
    int transport;
    bool listener;
    bool connecting;   // TCP connect() in progress
    bool handshaking;  // TLS handshake in progress
    bool dead;         // failed or closed: released at the end of the turn
    struct galois_tls_conn *tls;
    struct sip_dest peer;
    char local_host[GALOIS_SIP_MAX_ADDR];
    uint16_t local_port;
    uint8_t *rbuf;  // GALOIS_SIP_MAX_MSG bytes
    size_t rlen;
    uint8_t *wbuf;
    size_t wlen;
    size_t wcap;
    uint64_t deadline_ms;   // connect/handshake deadline; 0 when none
    uint64_t keepalive_ms;  // next CRLF ping
    char error[GALOIS_SIP_MAX_REASON];
    bool have_tls_info;
    struct galois_tls_info tls_info;
};

enum sip_txn_kind {
    TXN_NONE = 0,
    TXN_ICT,   // INVITE client
    TXN_NICT,  // non-INVITE client
    TXN_IST,   // INVITE server
    TXN_NIST,  // non-INVITE server
};

// Transaction states of RFC 3261 §17 and RFC 6026 (Accepted), one enum for the four machines;
// TS_ILLEGAL = 0 so that an unlisted transition cannot move a transaction.
enum sip_txn_state {
    TS_ILLEGAL = 0,
    TS_CALLING,     // ICT
    TS_TRYING,      // NICT, NIST
    TS_PROCEEDING,  // all
    TS_COMPLETED,   // all
    TS_ACCEPTED,    // ICT, IST (RFC 6026)
    TS_CONFIRMED,   // IST
    TS_TERMINATED,
    TS_COUNT,
};

enum sip_txn_event {
    TE_NONE = 0,
    TE_1XX,         // client: provisional received; server: provisional sent
    TE_2XX,         // client: 2xx received; server: 2xx sent
    TE_FAIL,        // client: 300-699 received; server: 300-699 sent
    TE_REQUEST,     // server: the request again (a retransmission)
    TE_ACK,         // IST: ACK for a non-2xx final
    TE_RETRANSMIT,  // timers A, E, G
    TE_TIMEOUT,     // timers B, F, H
    TE_LINGER,      // timers D, I, J, K, L, M: the end of the absorbing wait
    TE_TRANSPORT,   // the transport failed
    TE_COUNT,
};

struct sip_call_impl;
struct sip_ua_impl;

typedef void (*sip_response_fn)(struct galois_sip_ua *ua, void *owner, osip_message_t *resp,
                                int status, const char *reason);

// sip_txn is one transaction. A client transaction keeps what it sent for retransmission and
// reports responses to its owner; a server transaction keeps its last response.
struct sip_txn {
    enum sip_txn_kind kind;
    enum sip_txn_state state;
    char branch[SIP_TOKEN_LEN];
    char method[16];
    uint32_t cseq;
    struct sip_dest dest;   // client: where the request goes; server: where responses go
    struct sip_conn *conn;  // connection-oriented: the connection used
    char *sent;             // client: the request; server: the last response
    size_t sent_len;
    uint64_t t_retransmit;  // 0 when not armed
    unsigned interval_ms;
    uint64_t t_timeout;
    uint64_t t_linger;
    sip_response_fn on_response;  // client transactions
    void *owner;
    osip_message_t *request;  // server transactions: the request
};

enum sip_call_state {
    CALL_IDLE = 0,
    CALL_OUT_CALLING,  // INVITE sent, no final response yet
    CALL_IN_OFFERED,   // INVITE received, waiting for the program to answer
    CALL_IN_ANSWERED,  // 200 sent, waiting for ACK
    CALL_UP,
    CALL_ENDING,  // BYE or CANCEL sent
    CALL_ENDED,
};

// sip_reinvite is the state of the last re-INVITE we accepted (reinvite.c): its 2xx is sent
// again on UDP until the ACK (RFC 3261 §13.3.1.4, §14.2), and no other re-INVITE is taken
// before that ACK (500 with Retry-After).
struct sip_reinvite {
    bool awaiting_ack;
    uint32_t cseq;  // of the re-INVITE; its ACK carries the same number
    struct sip_dest dest;
    char *ok_text;  // our 2xx (with our SDP: wiped on free)
    size_t ok_len;
    uint64_t t_wait;  // next retransmission on UDP; 0 when none
    unsigned interval_ms;
    uint64_t t_deadline;  // 64·T1 after the 2xx: no ACK by then ends the call with BYE
    // An offerless re-INVITE: our offer in the 2xx, on a copy of the call's SDES session; the
    // answer comes in the ACK (RFC 3264 §8). NULL for a re-INVITE that had an offer.
    struct galois_sdes_session *sdes;
    struct galois_sdp *offer;
};

// sip_modify is our own re-INVITE (modify.c): pending from galois_sip_call_modify to its
// outcome (through a 491's wait and a digest retry), and the ACK of the last 2xx, sent again
// for each retransmission of that 2xx.
struct sip_modify {
    bool pending;
    struct galois_sip_modify want;
    struct sip_txn *txn;               // the INVITE client transaction; NULL while waiting
    uint32_t cseq;                     // of the INVITE in flight
    struct galois_sdes_session *sdes;  // a copy of the call's session, with our re-offer
    struct galois_sdp *offer;
    char *offer_text;  // SIP_SDP_MAX bytes with our key: wiped on free
    uint64_t version;  // o= version of the offer
    unsigned auth_tries;
    bool retried;      // a 491 was tried again (once only)
    uint64_t t_retry;  // when to try again after a 491; 0 when not waiting
    char *ack_text;
    size_t ack_len;
    uint32_t ack_cseq;
    struct sip_dest ack_dest;
};

// galois_sip_call is a call and its dialog.
struct galois_sip_call {
    struct galois_sip_ua *ua;
    enum sip_call_state state;
    bool outgoing;
    bool cancel_pending;  // hang-up before any provisional: CANCEL when one arrives
    bool got_provisional;
    char call_id[SIP_TOKEN_LEN + 64];
    char local_tag[SIP_TOKEN_LEN];
    char remote_tag[SIP_TOKEN_LEN * 2];
    char local_uri[GALOIS_SIP_MAX_URI];               // From (ours) of our requests
    char remote_uri[GALOIS_SIP_MAX_URI];              // To of our requests
    char remote_target[GALOIS_SIP_MAX_URI];           // the peer's Contact
    char routes[SIP_MAX_ROUTES][GALOIS_SIP_MAX_URI];  // route set, in the order to use
    size_t num_routes;
    uint32_t local_cseq;
    uint32_t remote_cseq;
    bool secure;                // sips: the call demands TLS on every hop we control
    struct sip_dest first_hop;  // where the INVITE went
    struct sip_txn *invite_txn;
    char invite_branch[SIP_TOKEN_LEN];
    char *invite_text;  // our INVITE, for CANCEL and authentication retries
    unsigned auth_tries;
    struct galois_sip_media_local media_local;
    struct galois_sdes_session *sdes;
    struct galois_sdp *offer;   // incoming: the peer's offer; outgoing: ours
    struct galois_sdp *answer;  // incoming: our answer, negotiated when the INVITE came
    struct galois_sdes_result *result;
    char *offer_text;        // outgoing: our SDP, sent again with an authenticated INVITE
    struct sip_txn *in_txn;  // incoming: the INVITE server transaction
    char *ack_text;          // outgoing: the ACK of the 2xx, sent again for a retransmitted 2xx
    size_t ack_len;
    struct sip_conn *out_conn;  // outgoing: the connection of the INVITE
    bool have_media;
    struct galois_sip_media media;
    bool have_tls_info;
    struct galois_tls_info tls_info;
    int end_status;
    char end_reason[GALOIS_SIP_MAX_REASON];
    uint64_t t_ack_wait;  // incoming: 2xx retransmission / ACK timeout
    unsigned ack_interval_ms;
    uint64_t t_ack_deadline;
    char *ok_text;  // incoming: our 200 OK, retransmitted on UDP until the ACK
    size_t ok_len;
    struct sip_conn *in_conn;  // incoming: the connection the INVITE came on
    struct sip_dest in_dest;
    char sdp_sess_id[SIP_SESS_ID_LEN];  // o= session id of our SDP
    uint64_t sdp_version;               // o= version of our last SDP (RFC 3264 §8)
    struct sip_reinvite re;
    struct sip_modify mod;
};

struct galois_sip_ua {
    struct galois_sip_config cfg;
    struct galois_tls_ctx *tls_client;  // NULL when the policy cannot be a client (see ua.c)
    char tls_client_error[GALOIS_SIP_MAX_REASON];
    struct galois_tls_ctx *tls_server;
    struct sip_conn conns[SIP_MAX_CONNS];
    struct sip_txn txns[SIP_MAX_TXNS];
    struct galois_sip_call *calls[GALOIS_SIP_MAX_CALLS];
    int udp_fd;  // our UDP socket (listener or ephemeral); -1 until needed
    bool have_via;
    struct galois_sip_target via;
    bool have_listen;
    struct galois_sip_target listen;
    uint16_t listen_port;  // the bound port (when the configuration said 0)
    // registration
    bool reg_active;  // a REGISTER is in flight
    bool registered;
    bool unregistering;
    char reg_call_id[SIP_TOKEN_LEN + 64];
    char reg_tag[SIP_TOKEN_LEN];
    uint32_t reg_cseq;
    unsigned reg_auth_tries;
    uint64_t t_reg_refresh;
    struct galois_sip_target reg_target;
    uint32_t options_cseq;
    char *scratch;  // SIP_MAX_TEXT bytes for building messages
};

uint64_t sip_now_ms(void);

// sip_copy copies the NUL-terminated `src` into `dst` (room `max`, > 0), cutting it short when
// it does not fit: for texts shown to people, never for protocol fields.
static inline void sip_copy(char *dst, size_t max, const char *src)
{
    size_t n = strlen(src);
    if (n >= max) {
        n = max - 1;
    }
    memcpy(dst, src, n);
    dst[n] = '\0';
}
void sip_event(struct galois_sip_ua *ua, enum galois_sip_event_kind kind,
               struct galois_sip_call *call, int status, const char *reason, bool local_end,
               const char *text);
// sip_event_updated reports GALOIS_SIP_EV_UPDATED with `changes`; `ours` for the outcome of a
// re-INVITE we sent, `retrying` when that outcome is a 491 and the re-INVITE goes again.
void sip_event_updated(struct galois_sip_ua *ua, struct galois_sip_call *call, int status,
                       const char *reason, unsigned changes, bool ours, bool retrying);

// transport.c
galois_err sip_dest_resolve(struct sip_dest *out, const struct galois_sip_target *t, char *why,
                            size_t max_why);
galois_err sip_dest_from_uri(struct sip_dest *out, const char *uri, char *why, size_t max_why);
// sip_send sends `len` bytes to `dest`, over `*conn` when it is set and alive (responses go
// back on the connection of the request), else over the UDP socket or a connection to `dest`
// (reused or opened). `*conn` gets the connection used (NULL for UDP).
// sip_conn_get finds or opens the connection to `dest` (NULL for UDP), so a message can name
// the connection's local address before it is sent.
galois_err sip_conn_get(struct galois_sip_ua *ua, const struct sip_dest *dest,
                        struct sip_conn **out, char *why, size_t max_why);
galois_err sip_send(struct galois_sip_ua *ua, const struct sip_dest *dest, struct sip_conn **conn,
                    const char *msg, size_t len, char *why, size_t max_why);
galois_err sip_transport_open_listener(struct galois_sip_ua *ua, char *why, size_t max_why);
// sip_local_hostport writes the sent-by (Via) and Contact host:port for messages to `dest`.
void sip_local_hostport(struct galois_sip_ua *ua, const struct sip_dest *dest,
                        const struct sip_conn *conn, char *host, size_t max_host, uint16_t *port);
size_t sip_transport_pollfds(struct galois_sip_ua *ua, struct pollfd *fds, size_t max_fds);
void sip_transport_process(struct galois_sip_ua *ua, const struct pollfd *fds, size_t num_fds);
void sip_transport_timers(struct galois_sip_ua *ua, uint64_t now, uint64_t *next);
void sip_transport_close_all(struct galois_sip_ua *ua);
const char *sip_transport_name(int transport);
// the agent's entry for a parsed message (ua.c)
void sip_receive(struct galois_sip_ua *ua, osip_message_t *m, struct sip_conn *conn,
                 const struct sip_dest *from);

// txn.c
struct sip_txn *sip_txn_client(struct galois_sip_ua *ua, enum sip_txn_kind kind, const char *branch,
                               const char *method, uint32_t cseq, const struct sip_dest *dest,
                               const char *text, size_t len, sip_response_fn fn, void *owner,
                               char *why, size_t max_why);
struct sip_txn *sip_txn_server(struct galois_sip_ua *ua, osip_message_t *req, struct sip_conn *conn,
                               const struct sip_dest *from);
struct sip_txn *sip_txn_find_client(struct galois_sip_ua *ua, const char *branch,
                                    const char *method);
struct sip_txn *sip_txn_find_server(struct galois_sip_ua *ua, const char *branch,
                                    const char *method);
void sip_txn_client_response(struct galois_sip_ua *ua, struct sip_txn *t, osip_message_t *resp);
// sip_txn_respond sends a response built by sip_response_text on server transaction `t`.
void sip_txn_respond(struct galois_sip_ua *ua, struct sip_txn *t, int status, const char *text,
                     size_t len);
void sip_txn_server_again(struct galois_sip_ua *ua, struct sip_txn *t, bool ack);
void sip_txn_timers(struct galois_sip_ua *ua, uint64_t now, uint64_t *next);
void sip_txn_conn_failed(struct galois_sip_ua *ua, struct sip_conn *conn, const char *why);
void sip_txn_forget_owner(struct galois_sip_ua *ua, void *owner);
bool sip_txn_busy(const struct galois_sip_ua *ua);

// build.c: message text
// sip_response_text writes a response to `req` into `out`: Via, From, To (with `to_tag` when
// the request's To has none), Call-ID, CSeq, and for 18x/2xx to INVITE the Record-Route;
// `extra` (header lines, each ending in CRLF) and `body` (application/sdp) follow.
galois_err sip_response_text(char *out, size_t max_out, size_t *out_len,
                             const struct galois_sip_ua *ua, const osip_message_t *req, int status,
                             const char *reason, const char *to_tag, const char *extra,
                             const char *body);
const char *sip_reason_phrase(int status);
void sip_contact(struct galois_sip_ua *ua, const struct sip_dest *dest, const struct sip_conn *conn,
                 bool secure, char *out, size_t max_out);

// offer.c: the SDP side of calls
// sip_offer is a peer's offer negotiated under a call's SDES session, not applied yet.
struct sip_offer {
    struct galois_sdp *offer;
    struct galois_sdp *answer;         // the skeleton with the security part; our media comes later
    struct galois_sdes_session *sdes;  // the session after this exchange
    struct galois_sdes_result *result;
    struct galois_sip_media media;  // what the call runs if the answer is sent
    size_t audio;                   // index of the audio m= section
};
bool sip_sdes_needs_tls(const struct galois_sdes_policy *p);
// sip_transport_refusal writes why SDP (`body`, or NULL for SDP of ours only) cannot travel in
// a request from `from` under `policy` (docs/SIP.md, "SDES keys only inside TLS"), or returns
// false when it can.
bool sip_transport_refusal(struct galois_sip_ua *ua, const struct galois_sdes_policy *policy,
                           bool secure, const struct sip_dest *from, const char *body, char *why,
                           size_t max_why);
// sip_first_audio returns the index of the first audio m= section with a port, or -1.
int sip_first_audio(const struct galois_sdp *sdp);
// sip_media_result fills `*m` from the SDES result `r` of m= section `index` and the peer's
// SDP; false with `why` when the section was refused or has no PCMU/PCMA.
bool sip_media_result(struct galois_sip_media *m, const struct galois_sdes_media_result *r,
                      const struct galois_sdp *peer_sdp, size_t index, bool mux_ours, char *why,
                      size_t max_why);
// sip_offer_negotiate takes the SDP offer of INVITE `req` (from `from`): the rules of SDES
// keys and transports first (docs/SIP.md), then the SDES answer under `policy`, on a new
// session (`base` NULL: a new call) or on a copy of `base` (a re-INVITE: the call's session,
// left untouched). On failure `*out` holds nothing and `why` has the Warning text of the 488.
galois_err sip_offer_negotiate(struct sip_offer *out, struct galois_sip_ua *ua,
                               const struct galois_sdes_policy *policy,
                               const struct galois_sdes_session *base, bool secure, bool mux_ours,
                               const osip_message_t *req, const struct sip_dest *from, char *why,
                               size_t max_why);
void sip_offer_cleanup(struct sip_offer *o);
// sip_answer is the peer's answer to an offer of ours, accepted by the SDES layer.
struct sip_answer {
    struct galois_sdp *answer;
    struct galois_sdes_result *result;
    struct galois_sip_media media;  // what the call runs with it
};
// sip_answer_read takes the SDP answer in `msg` (a 2xx, or the ACK of our 2xx: `carrier` names
// it in `why`) through galois_sdes_answer_received on `sdes` (the session that made the
// offer). False with `why` when there is none or it cannot be run; `*out` then holds nothing.
bool sip_answer_read(struct sip_answer *out, struct galois_sdes_session *sdes,
                     const osip_message_t *msg, const char *carrier, bool mux_ours, char *why,
                     size_t max_why);
void sip_answer_cleanup(struct sip_answer *a);
// sip_answer_sdp puts our media `ml` into `answer` (c=, o= with `sess_id` and `version`, the
// port of section `audio`, rtcp-mux only when `ml` wants it, a=rtcp) and writes it to `*out`
// (SIP_SDP_MAX bytes of heap: wipe and free), `*out_len` bytes.
galois_err sip_answer_sdp(char **out, size_t *out_len, struct galois_sdp *answer, size_t audio,
                          const struct galois_sip_media_local *ml, const char *sess_id,
                          uint64_t version);

// sip_offer_sdp writes the description of our offer (the first INVITE's and our re-INVITEs'):
// o= with `sess_id` and `version`, our address, one audio section with PCMU and PCMA (the
// payload type `first_pt` first), ptime, a=rtcp and rtcp-mux as `ml` asks, and direction
// `dir`. The SDES layer adds the security part (galois_sdes_offer, galois_sdes_reoffer).
galois_err sip_offer_sdp(struct galois_sdp **out, const struct galois_sip_media_local *ml,
                         const char *sess_id, uint64_t version, int first_pt,
                         enum galois_sdp_direction dir);
// sip_offer_text writes `sdp` into `*out` (SIP_SDP_MAX bytes of heap, NUL-terminated: wipe and
// free).
galois_err sip_offer_text(char **out, const struct galois_sdp *sdp);

// call.c
// sip_dialog_request builds in-dialog request `method` of `c` with CSeq `cseq` into the
// scratch buffer (`*out_len` bytes) and sets `*dest` to where it goes: the first route, else
// the remote target. `extra` (header lines ending in CRLF) and `sdp` (application/sdp) may be
// NULL. `branch` gets the new Via branch.
galois_err sip_dialog_request(struct galois_sip_call *c, const char *method, uint32_t cseq,
                              char *branch, size_t max_branch, struct sip_dest *dest,
                              const char *extra, const char *sdp, size_t *out_len, char *why,
                              size_t max_why);
// sip_respond answers `req` on server transaction `t` (sip_response_text's arguments).
void sip_respond(struct galois_sip_ua *ua, struct sip_txn *t, const osip_message_t *req, int status,
                 const char *reason, const char *to_tag, const char *extra, const char *body);
// sip_warning_text writes " (Warning: ...)" from the Warning of `resp`, or "".
void sip_warning_text(const osip_message_t *resp, char *out, size_t max_out);
// sip_refuse_488 answers 488 with `Warning: 305 galois "why"`.
void sip_refuse_488(struct galois_sip_ua *ua, struct sip_txn *t, const osip_message_t *req,
                    const char *tag, const char *why);
void sip_call_end(struct galois_sip_call *c, int status, const char *reason, bool local);
galois_err sip_send_bye(struct galois_sip_call *c, char *why, size_t max_why);
void sip_call_request(struct galois_sip_ua *ua, osip_message_t *req, struct sip_txn *t,
                      struct sip_conn *conn, const struct sip_dest *from);
void sip_call_ack(struct galois_sip_ua *ua, osip_message_t *ack);
void sip_call_cancel(struct galois_sip_ua *ua, osip_message_t *req, struct sip_txn *t);
void sip_call_timers(struct galois_sip_ua *ua, uint64_t now, uint64_t *next);
void sip_call_2xx_again(struct galois_sip_ua *ua, osip_message_t *resp);
void sip_calls_free(struct galois_sip_ua *ua);

// reinvite.c: in-dialog INVITEs (RFC 3261 §14)
// sip_reinvite answers re-INVITE `req` (server transaction `t`, from `from`) in dialog `c`.
void sip_reinvite(struct galois_sip_ua *ua, struct galois_sip_call *c, osip_message_t *req,
                  struct sip_txn *t, const struct sip_dest *from);
// sip_reinvite_ack takes the ACK of our 2xx to a re-INVITE; false when it is not that ACK.
bool sip_reinvite_ack(struct galois_sip_call *c, const osip_message_t *ack);
// sip_reinvite_timers runs the 2xx retransmissions and the ACK deadline of `c`, and lowers
// `*next` to its next timer; sip_reinvite_next only lowers `*next`.
void sip_reinvite_timers(struct galois_sip_call *c, uint64_t now, uint64_t *next);
void sip_reinvite_next(const struct galois_sip_call *c, uint64_t *next);
void sip_reinvite_free(struct sip_reinvite *re);
// sip_media_changes returns the GALOIS_SIP_CHANGED_* bits between `was` and `now`;
// sip_describe writes the event's line for media `m` after changes `ch`.
unsigned sip_media_changes(const struct galois_sip_media *was, const struct galois_sip_media *now);
void sip_describe(char *out, size_t max, const struct galois_sip_media *m, unsigned ch);
// sip_take_target refreshes the remote target from the Contact of `m` (RFC 3261 §12.2).
void sip_take_target(struct galois_sip_call *c, const osip_message_t *m);

// modify.c: re-INVITEs we send (galois_sip_call_modify)
void sip_modify_free(struct sip_modify *m);
// sip_modify_2xx_again ACKs a retransmitted 2xx to our last re-INVITE; false when `resp` is
// not one.
bool sip_modify_2xx_again(struct galois_sip_call *c, const osip_message_t *resp);
// sip_modify_timers sends the retry after a 491 when due and lowers `*next` to its time;
// sip_modify_next only lowers `*next`.
void sip_modify_timers(struct galois_sip_call *c, uint64_t now, uint64_t *next);
void sip_modify_next(const struct galois_sip_call *c, uint64_t *next);

// register.c
void sip_register_timers(struct galois_sip_ua *ua, uint64_t now, uint64_t *next);

// sip_auth_header writes the header line ("Authorization: Digest ...\r\n", or
// Proxy-Authorization for a 407) answering the best challenge in `resp` for `method` and
// `uri`. false when there is no usable challenge or no password (the reason in `why`).
bool sip_auth_header(struct galois_sip_ua *ua, char *out, size_t max_out,
                     const osip_message_t *resp, const char *method, const char *uri, char *why,
                     size_t max_why);

#endif  // GALOIS_SIP_UA_H
