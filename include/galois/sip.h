// galois SIP: a small user agent for secure calls (RFC 3261) over TLS, TCP or UDP, with SDES
// keys in the SDP (RFC 4568) negotiated under the per-direction policy of the SDES layer.
//
// The agent is single-threaded and event driven. It owns its sockets; the program owns the
// loop: each turn it asks galois_sip_ua_pollfds for the descriptors to watch and
// galois_sip_ua_timeout for the next timer, calls poll() with its own descriptors added (the
// media sockets), and hands the results to galois_sip_ua_process. What happens is reported
// through the event callback of the configuration, from inside galois_sip_ua_process (and
// from the call functions below). The agent never starts media itself: on
// GALOIS_SIP_EV_ESTABLISHED the program reads the negotiated media (galois_sip_call_media)
// and runs it on its own sockets (see galois/media.h). docs/SIP.md tells the decisions.
#ifndef GALOIS_SIP_H
#define GALOIS_SIP_H

#include <galois/common.h>
#include <galois/sdes.h>
#include <galois/tls.h>

#ifdef __cplusplus
extern "C" {
#endif

struct pollfd;

enum {
    GALOIS_SIP_MAX_URI = 256,     // bytes of a URI or host:port the configuration names
    GALOIS_SIP_MAX_REASON = 512,  // bytes of an event's reason text
    GALOIS_SIP_MAX_CALLS = 16,    // calls one agent holds at once
    GALOIS_SIP_MAX_ADDR = 64,     // bytes of a numeric address
};

struct galois_sip_ua;
struct galois_sip_call;

enum galois_sip_event_kind {
    GALOIS_SIP_EV_REGISTERED = 1,    // a REGISTER (or its refresh) got 2xx; status = 200
    GALOIS_SIP_EV_REGISTER_FAILED,   // registration failed: status, reason
    GALOIS_SIP_EV_UNREGISTERED,      // the binding was removed (galois_sip_ua_unregister)
    GALOIS_SIP_EV_INCOMING,          // a new call with an acceptable offer: answer or reject it
    GALOIS_SIP_EV_PROGRESS,          // a provisional response to a call we placed: status
    GALOIS_SIP_EV_ESTABLISHED,       // the call is up: galois_sip_call_media has the media
    GALOIS_SIP_EV_ENDED,             // the call is over: status (final, or 0), reason
    GALOIS_SIP_EV_OPTIONS_RESPONSE,  // the final response to galois_sip_ua_options: status
    // GALOIS_SIP_EV_UPDATED: a re-INVITE in an established call, the peer's or (with
    // `local_offer`) ours. status 200: it was accepted and galois_sip_call_media has the new
    // media (keys, remote address, our direction); `changes` says what changed
    // (GALOIS_SIP_CHANGED_*, 0 for a session refresh that changed nothing). Otherwise (488,
    // 500, and for ours any 300-699 or 408 for no answer) it was refused, `reason` says why,
    // and the session stays exactly as it was. For ours, a 491 that will be tried again is
    // reported too (its reason says when), and the retry's outcome follows. A peer's offerless
    // re-INVITE is answered with our offer in the 200 and reported when its ACK comes, without
    // `local_offer` (the re-INVITE was the peer's): 200 when the ACK's answer was taken, 488
    // when the ACK had no answer or one we cannot take (`reason` says which; the call goes on
    // with its old session). docs/SIP.md, "re-INVITE".
    GALOIS_SIP_EV_UPDATED,
};

// What a re-INVITE changed (galois_sip_event.changes).
enum {
    GALOIS_SIP_CHANGED_RECEIVE_KEY = 1u << 0,  // the peer's key, suite or session parameters
    GALOIS_SIP_CHANGED_SEND_KEY = 1u << 1,     // our key (the suite changed)
    GALOIS_SIP_CHANGED_SECURITY = 1u << 2,     // SRTP <-> plain RTP (optional policy)
    GALOIS_SIP_CHANGED_REMOTE = 1u << 3,       // the peer's media address or ports
    GALOIS_SIP_CHANGED_DIRECTION = 1u << 4,    // the direction (hold, resume)
    GALOIS_SIP_CHANGED_CODEC = 1u << 5,        // the payload type we send
};

// galois_sip_event is valid only during the callback. For GALOIS_SIP_EV_ENDED, `call` stays
// valid until the program calls galois_sip_call_release (so it can read the statistics of
// the signalling and the TLS data first); `local_end` tells who ended it.
struct galois_sip_event {
    enum galois_sip_event_kind kind;
    struct galois_sip_call *call;  // NULL for registration and OPTIONS events
    int status;                    // SIP status, 0 when the call ended without one
    const char *reason;            // human text: the reason phrase, or what went wrong
    bool local_end;                // ENDED: we hung up, cancelled or refused
    const char *text;              // OPTIONS_RESPONSE: the whole response, else NULL
    unsigned changes;              // UPDATED: GALOIS_SIP_CHANGED_* bits; else 0
    bool local_offer;              // UPDATED: our re-INVITE's outcome (galois_sip_call_modify);
                                   // false for the peer's, also an offerless one we offered in
    bool retrying;                 // UPDATED, local_offer: 491 (glare) and the re-INVITE will be
                                   // sent again; the outcome of that one follows
};

typedef void (*galois_sip_event_fn)(void *arg, const struct galois_sip_event *ev);

// galois_sip_config configures an agent. Text fields are NUL-terminated; "" means unset.
struct galois_sip_config {
    char user[64];          // our user part, e.g. "alice"
    char domain[128];       // our domain (From), e.g. "127.0.0.1"; "" takes the next hop's host
    char display_name[64];  // optional
    char auth_user[64];     // digest user name; "" means `user`
    char password[128];     // digest password (wiped by galois_sip_ua_free)
    char via[GALOIS_SIP_MAX_URI];     // next hop for every out-of-dialog request:
                                      // "tls:HOST:PORT", "tcp:...", "udp:..."; "" = from the URI
    char listen[GALOIS_SIP_MAX_URI];  // where to accept requests: "tls:127.0.0.1:5061"; ""
                                      // = none (a Contact on the outgoing connection instead)
    char register_uri[GALOIS_SIP_MAX_URI];  // the address of record to register; "" = none
    unsigned register_expires;              // seconds asked for; 0 means 600
    struct galois_tls_policy tls;           // for TLS in both roles (server needs cert+key)
    struct galois_sdes_policy srtp_out;     // calls we place
    struct galois_sdes_policy srtp_in;      // calls we answer
    // SDES keys travel only inside TLS (DESIGN, RFC 4568 §8.3): an offer or answer with keys
    // is never sent over UDP or TCP, and keys received that way are refused, unless this says
    // so by name (pjsua's srtp_secure_signaling=0).
    bool allow_sdes_without_tls;
    unsigned keepalive_s;  // CRLF keep-alive period on connections; 0 means 30
    char user_agent[64];   // "" means "galois/VERSION"
    galois_sip_event_fn on_event;
    void *event_arg;
};

// galois_sip_config_default fills `*out`: default TLS policy, mandatory SRTP with galois's
// default suites in both directions, no registration, no listener.
GALOIS_API void galois_sip_config_default(struct galois_sip_config *out);

// galois_sip_ua_new checks `config` (copied) and creates an agent: it makes the TLS contexts
// and opens the listener. GALOIS_ERR_INVALID (or the TLS layer's error) with `why` naming the
// setting for a configuration that cannot work, GALOIS_ERR_IO when the listener cannot bind.
GALOIS_API GALOIS_MUST_CHECK galois_err galois_sip_ua_new(struct galois_sip_ua **out,
                                                          const struct galois_sip_config *config,
                                                          char *why, size_t max_why);

// galois_sip_ua_free closes everything at once (no BYE, no un-REGISTER: see
// galois_sip_ua_shutdown) and wipes the password and every key. NULL is a no-op.
GALOIS_API void galois_sip_ua_free(struct galois_sip_ua *ua);

// galois_sip_ua_listen_port returns the port the listener is bound to (useful when the
// configuration said port 0), or 0 without a listener.
GALOIS_API uint16_t galois_sip_ua_listen_port(const struct galois_sip_ua *ua);

// galois_sip_ua_register sends the REGISTER of the configuration (and refreshes it before it
// expires). GALOIS_ERR_STATE without a register_uri.
GALOIS_API GALOIS_MUST_CHECK galois_err galois_sip_ua_register(struct galois_sip_ua *ua);

// galois_sip_ua_unregister removes the binding (REGISTER with Expires: 0).
GALOIS_API GALOIS_MUST_CHECK galois_err galois_sip_ua_unregister(struct galois_sip_ua *ua);

// galois_sip_ua_options sends OPTIONS to `uri`; the result comes as
// GALOIS_SIP_EV_OPTIONS_RESPONSE.
GALOIS_API GALOIS_MUST_CHECK galois_err galois_sip_ua_options(struct galois_sip_ua *ua,
                                                              const char *uri, char *why,
                                                              size_t max_why);

// galois_sip_ua_busy tells whether a call, a transaction or a registration is still in
// progress, so a program knows when it may stop after hanging up and unregistering.
GALOIS_API bool galois_sip_ua_busy(const struct galois_sip_ua *ua);

// galois_sip_ua_pollfds writes the descriptors to watch into `fds` (room `max_fds`) and
// returns how many; galois_sip_ua_timeout returns the milliseconds until the next timer, or
// -1 for none. galois_sip_ua_process handles what poll() reported in `fds` (the same entries,
// with revents) and every timer that is due.
GALOIS_API size_t galois_sip_ua_pollfds(struct galois_sip_ua *ua, struct pollfd *fds,
                                        size_t max_fds);
GALOIS_API int galois_sip_ua_timeout(const struct galois_sip_ua *ua);
GALOIS_API void galois_sip_ua_process(struct galois_sip_ua *ua, const struct pollfd *fds,
                                      size_t num_fds);

// galois_sip_media_local is our side of the media: where we receive RTP and what we offer.
struct galois_sip_media_local {
    char address[GALOIS_SIP_MAX_ADDR];  // numeric, e.g. "127.0.0.1"
    uint16_t rtp_port;
    uint16_t rtcp_port;  // 0 means rtp_port + 1
    bool rtcp_mux;       // offer (or accept) RTP and RTCP on one port (RFC 5761)
};

// galois_sip_media is the negotiated media of an established call.
struct galois_sip_media {
    enum galois_sdes_state state;               // GALOIS_SDES_SRTP or GALOIS_SDES_PLAIN
    char suite[GALOIS_SDES_MAX_SUITE_LEN + 1];  // "" for plain RTP
    struct galois_sdes_keyset send;             // secret: wipe with galois_sip_media_cleanup
    struct galois_sdes_keyset receive;          // secret
    char remote_address[GALOIS_SIP_MAX_ADDR];
    uint16_t remote_rtp_port;
    uint16_t remote_rtcp_port;
    bool rtcp_mux;
    int payload_type;  // 0 (PCMU) or 8 (PCMA)
    // direction is ours, as our last SDP says it: GALOIS_SDP_SENDRECV, GALOIS_SDP_RECVONLY
    // (the peer holds the call with a=sendonly: send nothing, keep receiving),
    // GALOIS_SDP_SENDONLY or GALOIS_SDP_INACTIVE (send nothing, expect nothing).
    enum galois_sdp_direction direction;
};

// galois_sip_media_cleanup wipes the keys of `m`.
GALOIS_API void galois_sip_media_cleanup(struct galois_sip_media *m);

// galois_sip_call_new places a call to `uri` ("sips:bob@example.com") offering `media` under
// the outbound SRTP policy. GALOIS_ERR_POLICY when the policy would put keys on a transport
// that is not TLS, GALOIS_ERR_INVALID for a bad URI (`why` says which), GALOIS_ERR_LIMIT.
GALOIS_API GALOIS_MUST_CHECK galois_err
galois_sip_call_new(struct galois_sip_ua *ua, struct galois_sip_call **out, const char *uri,
                    const struct galois_sip_media_local *media, char *why, size_t max_why);

// galois_sip_call_answer accepts an incoming call with 200 OK and our media.
GALOIS_API GALOIS_MUST_CHECK galois_err
galois_sip_call_answer(struct galois_sip_call *call, const struct galois_sip_media_local *media);

// galois_sip_call_reject refuses an incoming call with `status` (400..699).
GALOIS_API GALOIS_MUST_CHECK galois_err galois_sip_call_reject(struct galois_sip_call *call,
                                                               int status);

// galois_sip_call_hangup ends a call: BYE when it is up, CANCEL while it rings.
GALOIS_API GALOIS_MUST_CHECK galois_err galois_sip_call_hangup(struct galois_sip_call *call);

// galois_sip_modify is the change galois_sip_call_modify offers.
struct galois_sip_modify {
    // direction is ours, as our offer states it: GALOIS_SDP_SENDONLY holds the call (we go on
    // sending, the peer stops), GALOIS_SDP_SENDRECV resumes it; RECVONLY and INACTIVE as
    // RFC 3264 §8.4 says.
    enum galois_sdp_direction direction;
    bool new_key;  // offer a fresh key for our direction, same suite (RFC 4568 §7.1.4)
};

// galois_sip_call_modify sends a re-INVITE in an established call: an offer written as the
// first one is (same session id, o= version + 1) with `m`'s direction and, for the suite in
// use, our key or (`new_key`) a fresh one. Nothing changes until the answer: the outcome
// comes as GALOIS_SIP_EV_UPDATED with `local_offer`; on 200 galois_sip_call_media has the new
// keys, so the program sends under our new key only from then on (the peer accepts the old
// one until then). GALOIS_ERR_STATE when the call is not up or an INVITE is in progress in
// either direction (RFC 3261 §14.1), GALOIS_ERR_INVALID for a bad direction,
// GALOIS_ERR_POLICY when the keys would leave TLS, GALOIS_ERR_IO if it cannot be sent.
GALOIS_API GALOIS_MUST_CHECK galois_err galois_sip_call_modify(struct galois_sip_call *call,
                                                               const struct galois_sip_modify *m);

// galois_sip_call_media copies the negotiated media into `*out` (wipe it with
// galois_sip_media_cleanup). GALOIS_ERR_STATE before GALOIS_SIP_EV_ESTABLISHED.
GALOIS_API GALOIS_MUST_CHECK galois_err galois_sip_call_media(const struct galois_sip_call *call,
                                                              struct galois_sip_media *out);

// galois_sip_call_tls_info copies what TLS negotiated on the connection that carried the
// call's INVITE. GALOIS_ERR_NOT_FOUND when the call did not go over TLS.
GALOIS_API GALOIS_MUST_CHECK galois_err galois_sip_call_tls_info(const struct galois_sip_call *call,
                                                                 struct galois_tls_info *out);

// galois_sip_call_peer returns the peer's URI (From of an incoming call, To of ours).
GALOIS_API const char *galois_sip_call_peer(const struct galois_sip_call *call);

// galois_sip_call_release frees an ENDED call. NULL is a no-op.
GALOIS_API void galois_sip_call_release(struct galois_sip_call *call);

#ifdef __cplusplus
}
#endif

#endif  // GALOIS_SIP_H
