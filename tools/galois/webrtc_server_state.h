// `galois webrtc`: the server's state, shared by its HTTP side (webrtc_server.c) and its loop
// (webrtc_run.c).
#ifndef GALOIS_TOOLS_WEBRTC_SERVER_STATE_H
#define GALOIS_TOOLS_WEBRTC_SERVER_STATE_H

#include <microhttpd.h>

#include "webrtc.h"

struct wr_server {
    struct wr_options *o;
    const struct galois_dtls_cert *cert;
    struct MHD_Daemon *mhd;
    uint16_t port;
    struct wr_guard guard;  // the Host and Origin names we answer to
    char *page;             // served at /
    size_t page_len;
    struct wr_session *sessions[WR_MAX_SESSIONS];  // the ones that count toward --sessions
    unsigned slots[WR_MAX_SESSIONS];               // sessions[i] binds --udp port + slots[i]
    size_t num_sessions;
    unsigned next_id;
    unsigned abandoned;  // sessions ended without an ICE check, freed, not counted
    char last_abandoned[WR_MAX_ERROR];
    unsigned refused_offers;    // POST /offer answered with anything but 200
    unsigned refused_requests;  // every request answered 4xx or 5xx, any route
    char last_refusal[WR_MAX_ERROR];
};

#endif  // GALOIS_TOOLS_WEBRTC_SERVER_STATE_H
