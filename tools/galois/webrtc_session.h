// `galois webrtc`: what a session holds, shared by the files that make up a session
// (webrtc_session.c runs it, webrtc_report.c reports it). Nothing else includes this.
#ifndef GALOIS_TOOLS_WEBRTC_SESSION_H
#define GALOIS_TOOLS_WEBRTC_SESSION_H

#include "webrtc.h"

enum {
    ECHO_FRAMES = 25,  // half a second of echo buffer
};

enum phase {
    PH_ICE = 0,      // waiting for the first ICE check
    PH_HANDSHAKE,    // checks answered, DTLS running
    PH_MEDIA,        // keyed: media for --duration
    PH_RESULT_WAIT,  // media over, waiting for the page's /result
    PH_DONE,
};

struct wr_session {
    unsigned id;
    const struct wr_options *o;
    enum phase phase;
    int fd;
    struct galois_ice_addr local;
    struct galois_ice_lite *ice;
    struct galois_dtls *dtls;
    enum galois_dtls_role role;
    uint32_t ssrc;

    struct wr_seen seen;  // sources of authentic checks
    bool have_remote;
    bool nominated;
    struct galois_ice_addr remote;

    struct galois_media_stream *ms;
    struct galois_media_stats stats;  // the final figures once media ended
    struct galois_dtls_info info;
    bool have_info;
    uint64_t created_us;
    uint64_t connected_us;
    uint64_t media_end_us;
    uint64_t next_frame_us;
    uint64_t next_rtcp_us;
    uint64_t result_deadline_us;
    uint64_t connect_deadline_us;  // the DTLS handshake must be done by then
    bool abandoned;                // the deadline passed before any authentic ICE check

    struct galois_tone tone;
    struct galois_wav_reader *wav;
    int16_t echo[ECHO_FRAMES][GALOIS_MEDIA_FRAME];
    size_t echo_read;
    size_t echo_write;
    size_t echo_fill;
    size_t echo_partial;

    uint64_t early_media;  // SRTP before the keys: dropped
    uint64_t unchecked;    // DTLS/SRTP from an address without an ICE check: dropped
    uint64_t unknown;      // neither STUN, DTLS nor RTP: dropped

    bool wants_result;
    char token[WR_TOKEN_LEN + 1];  // hex; the page's /result must carry it
    char *browser;                 // the page's /result JSON, NUL-terminated; NULL: none
    bool ok;
    char error[WR_MAX_ERROR];
};

#endif  // GALOIS_TOOLS_WEBRTC_SESSION_H
