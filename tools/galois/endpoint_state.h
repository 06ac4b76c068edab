// The state of one endpoint (endpoint.c), shared with its reports (endpoint_report.c).
#ifndef GALOIS_TOOLS_ENDPOINT_STATE_H
#define GALOIS_TOOLS_ENDPOINT_STATE_H

#include <sys/socket.h>

#include "audio_ring.h"
#include "endpoint.h"

enum ep_phase {
    PH_REGISTERING = 0,  // waiting for the registration (when asked)
    PH_READY,            // call: place the call; answer: wait for one
    PH_CALLING,          // call placed, not established yet
    PH_MEDIA,            // established: media runs
    PH_HANGING_UP,       // hangup sent, waiting for the end
    PH_STOPPING,         // unregistering and letting transactions finish
    PH_DONE,
};

struct endpoint {
    struct ep_options o;
    struct galois_sip_ua *ua;
    enum ep_phase phase;
    struct galois_sip_call *call;
    int rtp_fd;
    int rtcp_fd;
    uint16_t rtp_port;
    uint16_t rtcp_port;
    struct galois_media_stream *ms;
    struct galois_sip_media media;
    struct sockaddr_storage remote_rtp;
    socklen_t remote_rtp_len;
    struct sockaddr_storage remote_rtcp;
    socklen_t remote_rtcp_len;
    uint64_t media_start_us;
    uint64_t next_frame_us;
    uint64_t next_rtcp_us;
    uint64_t media_end_us;  // 0: until the peer hangs up
    uint64_t deadline_us;   // give up waiting (registration, answer)
    uint64_t stop_deadline_us;
    struct galois_tone tone;
    struct galois_wav_reader *wav_in;
    struct galois_wav_writer *wav_out;
    struct galois_tone_detector *detector;
    struct audio_ring echo;
    bool action_done[EP_MAX_ACTIONS];  // this call's re-INVITEs sent (endpoint_modify.c)
    bool modify_pending;               // ours is out; its outcome is awaited
    enum ep_action_kind modify_kind;
    bool holding;  // our last accepted offer was sendonly: we hold the peer
    struct ep_call_report reports[EP_MAX_CALL_REPORTS];
    size_t num_reports;
    unsigned calls_done;
    bool registered;
    char fatal[EP_MAX_ERROR];  // an error that ends the endpoint before any call
};

// Shared by endpoint.c and endpoint_modify.c.
void ep_progress(const struct endpoint *ep, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
struct ep_call_report *ep_current_report(struct endpoint *ep);
// ep_update_media applies an accepted re-INVITE (either side's) to the running media.
bool ep_update_media(struct endpoint *ep, unsigned changes, bool ours, char *why, size_t max_why);
// ep_restart_tone starts the tone detector afresh: the report judges audio after this point.
void ep_restart_tone(struct endpoint *ep);
// ep_modify_start readies this call's re-INVITEs; ep_modify_step sends those that are due;
// ep_modify_outcome takes the outcome of ours (GALOIS_SIP_EV_UPDATED with local_offer) and
// returns false with `why` when the call cannot go on.
void ep_modify_start(struct endpoint *ep);
void ep_modify_step(struct endpoint *ep, uint64_t now_us);
bool ep_modify_outcome(struct endpoint *ep, const struct galois_sip_event *ev, char *why,
                       size_t max_why);

#endif  // GALOIS_TOOLS_ENDPOINT_STATE_H
