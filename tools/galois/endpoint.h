// A calling or answering endpoint: a SIP agent, its media sockets and one media stream per
// call, run by one poll() loop that can drive several endpoints at once (galois demo runs a
// caller and an answerer in one process).
#ifndef GALOIS_TOOLS_ENDPOINT_H
#define GALOIS_TOOLS_ENDPOINT_H

#include <galois/galois.h>
#include <stdio.h>

enum {
    EP_MAX_PATH = 512,
    EP_MAX_ERROR = 1024,
    EP_MAX_CALL_REPORTS = 16,
    EP_MAX_ACTIONS = 16,
};

enum ep_role { EP_CALL, EP_ANSWER };

enum ep_source { EP_SILENCE = 0, EP_TONE, EP_PLAY, EP_ECHO };

// ep_action is a re-INVITE the endpoint sends during a call (--hold-at, --resume-at,
// --rekey-at), `at_s` seconds after the call was established.
enum ep_action_kind { EP_HOLD = 0, EP_RESUME, EP_REKEY };
struct ep_action {
    enum ep_action_kind kind;
    double at_s;
};

// ep_options is what the command line (or a config file) asked for.
struct ep_options {
    enum ep_role role;
    const char *name;  // label of the report: "call", "answer", "alice" ...
    struct galois_sip_config sip;
    char target[GALOIS_SIP_MAX_URI];  // call: the URI to call
    char media_addr[GALOIS_SIP_MAX_ADDR];
    bool rtcp_mux;
    enum galois_media_codec codec;
    enum ep_source source;
    double tone_hz;
    char play[EP_MAX_PATH];
    char record[EP_MAX_PATH];
    double duration_s;  // call: how long the call lasts; answer: at most (0: until BYE)
    unsigned calls;     // answer: exit after this many calls
    double timeout_s;   // give up when nothing is established by then (0: 30 s)
    bool json;
    bool quiet;  // no progress lines
    struct ep_action actions[EP_MAX_ACTIONS];
    size_t num_actions;
};

void ep_options_default(struct ep_options *o, enum ep_role role);

// ep_option sets one option by its long name (without "--"): the names of `galois call
// --help`. `value` is NULL for a flag. Returns false with `why` set for an unknown name or a
// bad value; `*used_value` says whether `value` was consumed.
bool ep_option(struct ep_options *o, const char *name, const char *value, bool *used_value,
               char *why, size_t max_why);

// ep_config_file reads "name = value" lines (# comments) from `path` with ep_option.
bool ep_config_file(struct ep_options *o, const char *path, char *why, size_t max_why);

// ep_call_report is what one call gave.
struct ep_call_report {
    bool established;
    bool ok;  // established and ended normally
    int status;
    char reason[GALOIS_SIP_MAX_REASON];
    char error[EP_MAX_ERROR];
    char peer[GALOIS_SIP_MAX_URI];
    bool have_tls;
    struct galois_tls_info tls;
    char suite[GALOIS_SDES_MAX_SUITE_LEN + 1];
    bool srtp;
    bool rtcp_mux;
    int payload_type;
    struct galois_media_stats stats;
    bool have_tone;
    double tone_hz;
    double tone_purity;
    double seconds;
    unsigned reinvites;          // re-INVITEs the peer sent in this call
    unsigned reinvites_refused;  // ... of which we refused (488, 500)
    unsigned holds;              // accepted re-INVITEs that held the call (sendonly, inactive)
    unsigned resumes;            // ... that took it off hold (sendrecv again)
    unsigned rekeys;             // ... that changed a key (the stream was re-keyed)
    // re-INVITEs we sent (endpoint_modify.c): each INVITE (a 491's retry is another), and
    // the outcomes: 200, refused (any other final status), 491; and the holds, resumes and
    // re-keys answered 200.
    unsigned sent;
    unsigned sent_ok;
    unsigned sent_refused;
    unsigned sent_glare;
    unsigned sent_holds;
    unsigned sent_resumes;
    unsigned sent_rekeys;
};

struct endpoint;

// ep_new creates an endpoint (agent, listener, registration started). false with `why`.
bool ep_new(struct endpoint **out, const struct ep_options *o, char *why, size_t max_why);
void ep_free(struct endpoint *ep);

// ep_run drives `n` endpoints until each is done; returns false only for a loop failure.
bool ep_run(struct endpoint **eps, size_t n);

// ep_report prints the endpoint's reports to `f` (human text, or JSON with --json) and
// returns its exit status: 0 when every call asked for was established and ended normally.
int ep_report(const struct endpoint *ep, FILE *f);

// ep_last_report returns the report of the endpoint's last call, or NULL.
const struct ep_call_report *ep_last_report(const struct endpoint *ep);

// ep_listen_port returns the port the endpoint's listener is bound to (0: none).
uint16_t ep_listen_port(const struct endpoint *ep);

#endif  // GALOIS_TOOLS_ENDPOINT_H
