// The endpoint behind `galois call`, `galois answer` and `galois demo`: the poll() loop, the SIP
// events, and media on UDP sockets. Its options are in endpoint_options.c, its reports in
// endpoint_report.c, its state in endpoint_state.h.
#include "endpoint.h"

#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <netdb.h>
#include <poll.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "endpoint_state.h"

enum {
    MAX_POLL = 96,
    FRAME_US = 20000,
    RTCP_INTERVAL_US = 5000000,
    STOP_GRACE_MS = 3000,
    DEFAULT_TIMEOUT_S = 30,
};

// IGNORE drops a result on purpose: the outcome arrives later as an event, or the step is
// best effort (a recording that cannot be written does not end the call).
#define IGNORE(expr)                  \
    do {                              \
        galois_err ignored_ = (expr); \
        (void)ignored_;               \
    } while (0)

static uint64_t now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static uint64_t wall_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

// --- sockets ---

static int udp_bind(const char *addr, uint16_t *port)
{
    struct addrinfo hints = {
        .ai_family = AF_UNSPEC, .ai_socktype = SOCK_DGRAM, .ai_flags = AI_NUMERICHOST | AI_PASSIVE};
    struct addrinfo *res = NULL;
    if (getaddrinfo(addr, "0", &hints, &res) != 0 || res == NULL) {
        return -1;
    }
    int fd = socket(res->ai_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd >= 0 && bind(fd, res->ai_addr, res->ai_addrlen) != 0) {
        close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    if (fd < 0) {
        return -1;
    }
    struct sockaddr_storage ss;
    socklen_t len = sizeof(ss);
    if (getsockname(fd, (struct sockaddr *)&ss, &len) != 0) {
        close(fd);
        return -1;
    }
    *port = ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
                                           : ((struct sockaddr_in *)&ss)->sin_port);
    return fd;
}

static bool remote_addr(struct sockaddr_storage *out, socklen_t *out_len, const char *addr,
                        uint16_t port)
{
    char p[8];
    snprintf(p, sizeof(p), "%u", (unsigned)port);
    struct addrinfo hints = {.ai_family = AF_UNSPEC,
                             .ai_socktype = SOCK_DGRAM,
                             .ai_flags = AI_NUMERICHOST | AI_NUMERICSERV};
    struct addrinfo *res = NULL;
    if (getaddrinfo(addr, p, &hints, &res) != 0 || res == NULL) {
        return false;
    }
    memcpy(out, res->ai_addr, res->ai_addrlen);
    *out_len = res->ai_addrlen;
    freeaddrinfo(res);
    return true;
}

static void close_media(struct endpoint *ep)
{
    if (ep->rtp_fd >= 0) {
        close(ep->rtp_fd);
    }
    if (ep->rtcp_fd >= 0) {
        close(ep->rtcp_fd);
    }
    ep->rtp_fd = -1;
    ep->rtcp_fd = -1;
}

static bool open_media(struct endpoint *ep, char *why, size_t max_why)
{
    close_media(ep);
    ep->rtp_fd = udp_bind(ep->o.media_addr, &ep->rtp_port);
    ep->rtcp_fd = udp_bind(ep->o.media_addr, &ep->rtcp_port);
    if (ep->rtp_fd < 0 || ep->rtcp_fd < 0) {
        snprintf(why, max_why, "cannot open UDP media sockets on %s: %s", ep->o.media_addr,
                 strerror(errno));
        close_media(ep);
        return false;
    }
    return true;
}

static void media_local(const struct endpoint *ep, struct galois_sip_media_local *ml)
{
    memset(ml, 0, sizeof(*ml));
    snprintf(ml->address, sizeof(ml->address), "%s", ep->o.media_addr);
    ml->rtp_port = ep->rtp_port;
    ml->rtcp_port = ep->rtcp_port;
    ml->rtcp_mux = ep->o.rtcp_mux;
}

// --- reports and events ---

void ep_progress(const struct endpoint *ep, const char *fmt, ...)
{
    if (!ep->o.quiet && !ep->o.json) {
        va_list ap;
        va_start(ap, fmt);
        fprintf(stderr, "[%s] ", ep->o.name);
        vfprintf(stderr, fmt, ap);
        fputc('\n', stderr);
        va_end(ap);
    }
}

struct ep_call_report *ep_current_report(struct endpoint *ep)
{
    if (ep->num_reports == 0) {
        return NULL;
    }
    return &ep->reports[ep->num_reports - 1];
}

static struct ep_call_report *new_report(struct endpoint *ep)
{
    if (ep->num_reports == EP_MAX_CALL_REPORTS) {
        memmove(&ep->reports[0], &ep->reports[1],
                sizeof(ep->reports[0]) * (EP_MAX_CALL_REPORTS - 1));
        ep->num_reports--;
    }
    struct ep_call_report *r = &ep->reports[ep->num_reports++];
    memset(r, 0, sizeof(*r));
    r->payload_type = -1;
    return r;
}

static void stop_media(struct endpoint *ep)
{
    struct ep_call_report *r = ep_current_report(ep);
    if (ep->ms != NULL) {
        uint8_t pkt[GALOIS_MEDIA_MAX_PACKET];
        size_t len = 0;
        if (galois_media_stream_rtcp(ep->ms, true, wall_us(), pkt, &len, sizeof(pkt)) ==
            GALOIS_ERR_OK) {
            int fd = ep->media.rtcp_mux ? ep->rtp_fd : ep->rtcp_fd;
            (void)sendto(fd, pkt, len, 0, (struct sockaddr *)&ep->remote_rtcp, ep->remote_rtcp_len);
        }
        if (r != NULL) {
            galois_media_stream_stats(ep->ms, &r->stats);
            r->seconds = (double)(now_us() - ep->media_start_us) / 1e6;
        }
        galois_media_stream_free(ep->ms);
        ep->ms = NULL;
    }
    if (ep->detector != NULL && r != NULL) {
        double hz = 0;
        double purity = 0;
        if (galois_tone_detector_result(ep->detector, &hz, &purity) == GALOIS_ERR_OK) {
            r->have_tone = true;
            r->tone_hz = hz;
            r->tone_purity = purity;
        }
    }
    galois_tone_detector_free(ep->detector);
    ep->detector = NULL;
    if (ep->wav_out != NULL && galois_wav_writer_close(ep->wav_out) != GALOIS_ERR_OK && r != NULL) {
        snprintf(r->error, sizeof(r->error), "could not complete %s", ep->o.record);
    }
    ep->wav_out = NULL;
    galois_wav_reader_close(ep->wav_in);
    ep->wav_in = NULL;
    galois_sip_media_cleanup(&ep->media);
}

static void fail_call(struct endpoint *ep, const char *what)
{
    struct ep_call_report *r = ep_current_report(ep);
    if (r != NULL && r->error[0] == '\0') {
        snprintf(r->error, sizeof(r->error), "%s", what);
    }
}

static bool start_media(struct endpoint *ep, char *why, size_t max_why)
{
    struct ep_call_report *r = ep_current_report(ep);
    if (galois_sip_call_media(ep->call, &ep->media) != GALOIS_ERR_OK) {
        snprintf(why, max_why, "no negotiated media");
        return false;
    }
    bool srtp = ep->media.state == GALOIS_SDES_SRTP;
    r->srtp = srtp;
    snprintf(r->suite, sizeof(r->suite), "%s", ep->media.suite);
    r->rtcp_mux = ep->media.rtcp_mux;
    r->payload_type = ep->media.payload_type;
    if (!remote_addr(&ep->remote_rtp, &ep->remote_rtp_len, ep->media.remote_address,
                     ep->media.remote_rtp_port) ||
        !remote_addr(&ep->remote_rtcp, &ep->remote_rtcp_len, ep->media.remote_address,
                     ep->media.remote_rtcp_port)) {
        snprintf(why, max_why, "bad media address %s", ep->media.remote_address);
        return false;
    }
    char cname[GALOIS_MEDIA_MAX_CNAME_LEN + 1];
    snprintf(cname, sizeof(cname), "%.40s@galois", ep->o.sip.user);
    struct galois_media_stream_config mc = {
        .codec = ep->media.payload_type == 8   ? GALOIS_MEDIA_PCMA
                 : ep->media.payload_type == 0 ? GALOIS_MEDIA_PCMU
                                               : ep->o.codec,
        .tx = srtp ? &ep->media.send : NULL,
        .rx = srtp ? &ep->media.receive : NULL,
        .rtcp_mux = ep->media.rtcp_mux,
        .cname = cname,
    };
    if (galois_media_stream_new(&ep->ms, &mc, why, max_why) != GALOIS_ERR_OK) {
        return false;
    }
    if (galois_tone_detector_new(&ep->detector, 8000) != GALOIS_ERR_OK) {
        snprintf(why, max_why, "out of memory");
        return false;
    }
    if (ep->o.source == EP_PLAY &&
        galois_wav_reader_open(&ep->wav_in, ep->o.play, true, why, max_why) != GALOIS_ERR_OK) {
        return false;
    }
    if (ep->o.record[0] != '\0' &&
        galois_wav_writer_open(&ep->wav_out, ep->o.record, why, max_why) != GALOIS_ERR_OK) {
        return false;
    }
    galois_tone_init(&ep->tone, ep->o.tone_hz, 0.5, 8000);
    memset(&ep->echo, 0, sizeof(ep->echo));
    uint64_t now = now_us();
    ep->media_start_us = now;
    ep->next_frame_us = now;
    ep->next_rtcp_us = now + RTCP_INTERVAL_US;
    ep->media_end_us = ep->o.duration_s > 0 ? now + (uint64_t)(ep->o.duration_s * 1e6) : 0;
    ep->phase = PH_MEDIA;
    ep_modify_start(ep);
    return true;
}

// sending tells whether our direction lets us send RTP (not on hold by the peer).
static bool sending(const struct endpoint *ep)
{
    return ep->media.direction == GALOIS_SDP_SENDRECV || ep->media.direction == GALOIS_SDP_SENDONLY;
}

void ep_restart_tone(struct endpoint *ep)
{
    galois_tone_detector_free(ep->detector);
    ep->detector = NULL;
    IGNORE(galois_tone_detector_new(&ep->detector, 8000));
}

// ep_update_media applies an accepted re-INVITE to the running media: new keys (once per
// re-INVITE, through galois_media_stream_rekey), a new remote address, and the direction
// that media_send obeys. Audio after a resume or a re-key is judged afresh (the detector
// restarts), so the report's tone is what was heard after the last change. The peer's
// re-INVITEs (not `ours`) are counted in the report.
bool ep_update_media(struct endpoint *ep, unsigned changes, bool ours, char *why, size_t max_why)
{
    struct ep_call_report *r = ep_current_report(ep);
    struct galois_sip_media m;
    if (galois_sip_call_media(ep->call, &m) != GALOIS_ERR_OK) {
        snprintf(why, max_why, "re-INVITE: no negotiated media");
        return false;
    }
    bool was_sending = sending(ep);
    bool ok = true;
    bool rekeyed = false;
    if ((changes & GALOIS_SIP_CHANGED_SECURITY) != 0) {
        snprintf(why, max_why, "re-INVITE switched between SRTP and plain RTP: not supported");
        ok = false;
    } else if (ep->ms != NULL && m.state == GALOIS_SDES_SRTP &&
               (changes & (GALOIS_SIP_CHANGED_RECEIVE_KEY | GALOIS_SIP_CHANGED_SEND_KEY)) != 0) {
        ok = galois_media_stream_rekey(ep->ms, &m.send, &m.receive, why, max_why) == GALOIS_ERR_OK;
        rekeyed = ok;
        r->rekeys += ok && !ours ? 1u : 0u;
        snprintf(r->suite, sizeof(r->suite), "%s", m.suite);
    }
    if (ok && (changes & GALOIS_SIP_CHANGED_REMOTE) != 0 &&
        (!remote_addr(&ep->remote_rtp, &ep->remote_rtp_len, m.remote_address, m.remote_rtp_port) ||
         !remote_addr(&ep->remote_rtcp, &ep->remote_rtcp_len, m.remote_address,
                      m.remote_rtcp_port))) {
        snprintf(why, max_why, "re-INVITE: bad media address %s", m.remote_address);
        ok = false;
    }
    if (ok) {
        galois_sip_media_cleanup(&ep->media);
        ep->media = m;
        if (was_sending && !sending(ep)) {
            r->holds += ours ? 0u : 1u;
        } else if (!was_sending && sending(ep)) {
            r->resumes += ours ? 0u : 1u;
            rekeyed = true;  // (a resume: judged afresh as well)
        }
        if (rekeyed) {
            ep_restart_tone(ep);
        }
    }
    galois_sip_media_cleanup(&m);
    return ok;
}

static void call_over(struct endpoint *ep)
{
    stop_media(ep);
    ep->calls_done++;
    galois_sip_call_release(ep->call);
    ep->call = NULL;
    if (ep->o.role == EP_ANSWER && ep->calls_done < ep->o.calls) {
        ep->phase = PH_READY;
        return;
    }
    ep->phase = PH_STOPPING;
    ep->stop_deadline_us = now_us() + STOP_GRACE_MS * 1000u;
    if (ep->registered) {
        IGNORE(galois_sip_ua_unregister(ep->ua));
    }
}

static void on_event(void *arg, const struct galois_sip_event *ev)
{
    struct endpoint *ep = arg;
    char why[EP_MAX_ERROR];
    struct ep_call_report *r = ep_current_report(ep);
    switch (ev->kind) {
        case GALOIS_SIP_EV_REGISTERED:
            if (!ep->registered) {
                ep_progress(ep, "registered: %s", ev->reason);
            }
            ep->registered = true;
            if (ep->phase == PH_REGISTERING) {
                ep->phase = PH_READY;
            }
            break;
        case GALOIS_SIP_EV_REGISTER_FAILED:
            if (ep->phase == PH_REGISTERING) {
                snprintf(ep->fatal, sizeof(ep->fatal), "registration failed: %s", ev->reason);
                ep->phase = PH_STOPPING;
                ep->stop_deadline_us = now_us();
            }
            break;
        case GALOIS_SIP_EV_UNREGISTERED:
            ep->registered = false;
            break;
        case GALOIS_SIP_EV_INCOMING:
            r = new_report(ep);
            snprintf(r->peer, sizeof(r->peer), "%s", galois_sip_call_peer(ev->call));
            r->have_tls = galois_sip_call_tls_info(ev->call, &r->tls) == GALOIS_ERR_OK;
            ep_progress(ep, "incoming call from %s", r->peer);
            if (ep->call != NULL || ep->phase != PH_READY) {
                IGNORE(galois_sip_call_reject(ev->call, 486));
                break;
            }
            ep->call = ev->call;
            if (!open_media(ep, why, sizeof(why))) {
                fail_call(ep, why);
                IGNORE(galois_sip_call_reject(ev->call, 500));
                break;
            }
            struct galois_sip_media_local ml;
            media_local(ep, &ml);
            if (galois_sip_call_answer(ev->call, &ml) != GALOIS_ERR_OK) {
                fail_call(ep, "could not answer");
                IGNORE(galois_sip_call_reject(ev->call, 500));
            }
            break;
        case GALOIS_SIP_EV_PROGRESS:
            ep_progress(ep, "progress: %s (%d)", ev->reason, ev->status);
            break;
        case GALOIS_SIP_EV_ESTABLISHED:
            if (ev->call != ep->call || r == NULL) {
                break;
            }
            r->established = true;
            r->status = ev->status;
            snprintf(r->reason, sizeof(r->reason), "%s", ev->reason);
            r->have_tls = galois_sip_call_tls_info(ev->call, &r->tls) == GALOIS_ERR_OK;
            if (!start_media(ep, why, sizeof(why))) {
                fail_call(ep, why);
                IGNORE(galois_sip_call_hangup(ev->call));
                ep->phase = PH_HANGING_UP;
                break;
            }
            ep_progress(ep, "established: SRTP %s", r->srtp ? r->suite : "off (plain RTP)");
            break;
        case GALOIS_SIP_EV_ENDED:
            if (ev->call != ep->call) {
                // a call refused before the program saw it (488 and the like)
                if (ep->o.role == EP_ANSWER) {
                    r = new_report(ep);
                    snprintf(r->peer, sizeof(r->peer), "%s", galois_sip_call_peer(ev->call));
                    r->status = ev->status;
                    snprintf(r->error, sizeof(r->error), "%s", ev->reason);
                    ep_progress(ep, "call refused: %s", ev->reason);
                    galois_sip_call_release(ev->call);
                    ep->calls_done++;
                    if (ep->calls_done >= ep->o.calls) {
                        ep->phase = PH_STOPPING;
                        ep->stop_deadline_us = now_us() + STOP_GRACE_MS * 1000u;
                        if (ep->registered) {
                            IGNORE(galois_sip_ua_unregister(ep->ua));
                        }
                    }
                }
                break;
            }
            if (r != NULL) {
                if (!r->established) {
                    r->status = ev->status;
                    snprintf(r->reason, sizeof(r->reason), "%s", ev->reason);
                    fail_call(ep, ev->reason);
                } else {
                    snprintf(r->reason, sizeof(r->reason), "%s", ev->reason);
                    r->ok = r->error[0] == '\0' && (ev->status == 200 || ev->status == 0);
                    if (ev->status != 200) {
                        fail_call(ep, ev->reason);
                        r->ok = false;
                    }
                }
            }
            ep_progress(ep, "call ended: %s (%d)", ev->reason, ev->status);
            call_over(ep);
            break;
        case GALOIS_SIP_EV_UPDATED:
            if (ev->call != ep->call || r == NULL) {
                break;
            }
            if (ev->local_offer) {
                if (!ep_modify_outcome(ep, ev, why, sizeof(why))) {
                    fail_call(ep, why);
                    IGNORE(galois_sip_call_hangup(ev->call));
                    ep->phase = PH_HANGING_UP;
                }
                break;
            }
            r->reinvites++;
            ep_progress(ep, "%s", ev->reason);
            if (ev->status != 200) {
                r->reinvites_refused++;
            } else if (!ep_update_media(ep, ev->changes, false, why, sizeof(why))) {
                fail_call(ep, why);
                IGNORE(galois_sip_call_hangup(ev->call));
                ep->phase = PH_HANGING_UP;
            }
            break;
        case GALOIS_SIP_EV_OPTIONS_RESPONSE:
            break;
    }
}

bool ep_new(struct endpoint **out, const struct ep_options *o, char *why, size_t max_why)
{
    *out = NULL;
    struct endpoint *ep = calloc(1, sizeof(*ep));
    if (ep == NULL) {
        snprintf(why, max_why, "out of memory");
        return false;
    }
    ep->o = *o;
    ep->rtp_fd = -1;
    ep->rtcp_fd = -1;
    ep->o.sip.on_event = on_event;
    ep->o.sip.event_arg = ep;
    if (o->role == EP_CALL && o->target[0] == '\0') {
        snprintf(why, max_why, "call: no URI to call (galois call sips:bob@HOST)");
        ep_free(ep);
        return false;
    }
    if (o->role == EP_ANSWER && o->sip.listen[0] == '\0') {
        snprintf(why, max_why, "answer: --listen is needed (e.g. --listen tls:127.0.0.1:5061)");
        ep_free(ep);
        return false;
    }
    if (o->source == EP_PLAY) {
        struct galois_wav_reader *r = NULL;
        if (galois_wav_reader_open(&r, o->play, true, why, max_why) != GALOIS_ERR_OK) {
            ep_free(ep);
            return false;
        }
        galois_wav_reader_close(r);
    }
    if (galois_sip_ua_new(&ep->ua, &ep->o.sip, why, max_why) != GALOIS_ERR_OK) {
        ep_free(ep);
        return false;
    }
    uint64_t timeout = (uint64_t)((o->timeout_s > 0 ? o->timeout_s : DEFAULT_TIMEOUT_S) * 1e6);
    ep->deadline_us = now_us() + timeout;
    ep->phase = PH_READY;
    if (o->sip.register_uri[0] != '\0') {
        ep->phase = PH_REGISTERING;
        if (galois_sip_ua_register(ep->ua) != GALOIS_ERR_OK && ep->phase == PH_REGISTERING) {
            snprintf(why, max_why, "%s", ep->fatal[0] != '\0' ? ep->fatal : "cannot register");
            ep_free(ep);
            return false;
        }
    }
    *out = ep;
    return true;
}

void ep_free(struct endpoint *ep)
{
    if (ep == NULL) {
        return;
    }
    stop_media(ep);
    close_media(ep);
    galois_sip_ua_free(ep->ua);
    galois_secure_zero(ep, sizeof(*ep));
    free(ep);
}

const struct ep_call_report *ep_last_report(const struct endpoint *ep)
{
    return ep->num_reports > 0 ? &ep->reports[ep->num_reports - 1] : NULL;
}

uint16_t ep_listen_port(const struct endpoint *ep)
{
    return galois_sip_ua_listen_port(ep->ua);
}

// --- media ---

static void next_frame(struct endpoint *ep, int16_t *pcm)
{
    switch (ep->o.source) {
        case EP_TONE:
            galois_tone_fill(&ep->tone, pcm, GALOIS_MEDIA_FRAME);
            return;
        case EP_PLAY: {
            size_t got = 0;
            if (galois_wav_reader_read(ep->wav_in, pcm, GALOIS_MEDIA_FRAME, &got) !=
                GALOIS_ERR_OK) {
                got = 0;
            }
            memset(pcm + got, 0, (GALOIS_MEDIA_FRAME - got) * sizeof(*pcm));
            return;
        }
        case EP_ECHO:
            (void)audio_ring_pop(&ep->echo, pcm);
            return;
        default:
            memset(pcm, 0, GALOIS_MEDIA_FRAME * sizeof(*pcm));
            return;
    }
}

static void media_send(struct endpoint *ep, uint64_t now)
{
    while (ep->ms != NULL && now >= ep->next_frame_us) {
        int16_t pcm[GALOIS_MEDIA_FRAME];
        uint8_t pkt[GALOIS_MEDIA_MAX_PACKET];
        size_t len = 0;
        next_frame(ep, pcm);
        if (sending(ep) &&
            galois_media_stream_send(ep->ms, pcm, pkt, &len, sizeof(pkt)) == GALOIS_ERR_OK) {
            (void)sendto(ep->rtp_fd, pkt, len, 0, (struct sockaddr *)&ep->remote_rtp,
                         ep->remote_rtp_len);
        }
        ep->next_frame_us += FRAME_US;
        if (now > ep->next_frame_us + 10 * FRAME_US) {
            ep->next_frame_us = now;  // the loop stalled: do not send a burst
        }
    }
    if (ep->ms != NULL && now >= ep->next_rtcp_us) {
        uint8_t pkt[GALOIS_MEDIA_MAX_PACKET];
        size_t len = 0;
        if (galois_media_stream_rtcp(ep->ms, false, wall_us(), pkt, &len, sizeof(pkt)) ==
            GALOIS_ERR_OK) {
            int fd = ep->media.rtcp_mux ? ep->rtp_fd : ep->rtcp_fd;
            (void)sendto(fd, pkt, len, 0, (struct sockaddr *)&ep->remote_rtcp, ep->remote_rtcp_len);
        }
        ep->next_rtcp_us = now + RTCP_INTERVAL_US;
    }
}

static void media_receive(struct endpoint *ep, int fd)
{
    for (;;) {
        uint8_t pkt[GALOIS_MEDIA_MAX_PACKET];
        ssize_t n = recv(fd, pkt, sizeof(pkt), 0);
        if (n <= 0) {
            return;
        }
        if (ep->ms == NULL) {
            continue;  // not established (yet or any more): dropped
        }
        int16_t pcm[GALOIS_MEDIA_MAX_GAP + GALOIS_MEDIA_FRAME * 8];
        size_t samples = 0;
        // the stream's clock is the wall clock for RTP, RTCP and our SRs alike: the round trip
        // is the arrival time minus the LSR our SR carried (RFC 3550 §6.4.1)
        galois_err err = galois_media_stream_receive(ep->ms, pkt, (size_t)n, wall_us(), pcm,
                                                     sizeof(pcm) / sizeof(pcm[0]), &samples);
        if (err != GALOIS_ERR_OK || samples == 0) {
            continue;  // counted by the stream
        }
        galois_tone_detector_feed(ep->detector, pcm, samples);
        if (ep->wav_out != NULL) {
            IGNORE(galois_wav_writer_write(ep->wav_out, pcm, samples));
        }
        if (ep->o.source == EP_ECHO) {
            audio_ring_push(&ep->echo, pcm, samples);
        }
    }
}

// ep_step advances one endpoint's phases on time.
static void ep_step(struct endpoint *ep, uint64_t now)
{
    char why[EP_MAX_ERROR];
    switch (ep->phase) {
        case PH_REGISTERING:
            if (now >= ep->deadline_us) {
                snprintf(ep->fatal, sizeof(ep->fatal), "registration timed out");
                ep->phase = PH_STOPPING;
                ep->stop_deadline_us = now;
            }
            break;
        case PH_READY:
            if (ep->o.role == EP_CALL) {
                if (!open_media(ep, why, sizeof(why))) {
                    snprintf(ep->fatal, sizeof(ep->fatal), "%s", why);
                    ep->phase = PH_STOPPING;
                    ep->stop_deadline_us = now;
                    break;
                }
                struct ep_call_report *r = new_report(ep);
                snprintf(r->peer, sizeof(r->peer), "%s", ep->o.target);
                struct galois_sip_media_local ml;
                media_local(ep, &ml);
                ep->phase = PH_CALLING;
                if (galois_sip_call_new(ep->ua, &ep->call, ep->o.target, &ml, why, sizeof(why)) !=
                    GALOIS_ERR_OK) {
                    snprintf(r->error, sizeof(r->error), "%s", why);
                    ep->calls_done++;
                    ep->phase = PH_STOPPING;
                    ep->stop_deadline_us = now;
                }
            } else if (ep->call == NULL && now >= ep->deadline_us && ep->calls_done == 0 &&
                       ep->o.timeout_s > 0) {
                snprintf(ep->fatal, sizeof(ep->fatal), "no call within %.0f s", ep->o.timeout_s);
                ep->phase = PH_STOPPING;
                ep->stop_deadline_us = now + STOP_GRACE_MS * 1000u;
                if (ep->registered) {
                    IGNORE(galois_sip_ua_unregister(ep->ua));
                }
            }
            break;
        case PH_CALLING:
            if (now >= ep->deadline_us && ep->call != NULL) {
                fail_call(ep, "no answer in time");
                IGNORE(galois_sip_call_hangup(ep->call));
                ep->deadline_us = now + STOP_GRACE_MS * 1000u;
            }
            break;
        case PH_MEDIA:
            ep_modify_step(ep, now);
            media_send(ep, now);
            if (ep->media_end_us != 0 && now >= ep->media_end_us) {
                stop_media(ep);
                ep->phase = PH_HANGING_UP;
                ep->deadline_us = now + STOP_GRACE_MS * 1000u;
                if (galois_sip_call_hangup(ep->call) != GALOIS_ERR_OK) {
                    fail_call(ep, "could not hang up");
                }
            }
            break;
        case PH_HANGING_UP:
            if (now >= ep->deadline_us && ep->call != NULL) {
                fail_call(ep, "the hang-up was not answered in time");
                call_over(ep);
            }
            break;
        case PH_STOPPING:
            if (!galois_sip_ua_busy(ep->ua) || now >= ep->stop_deadline_us) {
                ep->phase = PH_DONE;
            }
            break;
        case PH_DONE:
            break;
    }
}

bool ep_run(struct endpoint **eps, size_t n)
{
    for (;;) {
        bool all_done = true;
        uint64_t now = now_us();
        for (size_t i = 0; i < n; i++) {
            ep_step(eps[i], now);
            all_done = all_done && eps[i]->phase == PH_DONE;
        }
        if (all_done) {
            return true;
        }
        struct pollfd fds[MAX_POLL];
        size_t nfds = 0;
        size_t ua_first[8];
        size_t ua_count[8];
        int timeout = 100;
        for (size_t i = 0; i < n && i < 8; i++) {
            struct endpoint *ep = eps[i];
            ua_first[i] = nfds;
            ua_count[i] = galois_sip_ua_pollfds(ep->ua, fds + nfds, MAX_POLL - nfds - 2);
            nfds += ua_count[i];
            int t = galois_sip_ua_timeout(ep->ua);
            if (t >= 0 && t < timeout) {
                timeout = t;
            }
            if (ep->rtp_fd >= 0) {
                fds[nfds++] = (struct pollfd){.fd = ep->rtp_fd, .events = POLLIN};
                fds[nfds++] = (struct pollfd){.fd = ep->rtcp_fd, .events = POLLIN};
            }
            if (ep->phase == PH_MEDIA) {
                int64_t wait = ((int64_t)ep->next_frame_us - (int64_t)now) / 1000;
                if (wait < timeout) {
                    timeout = wait < 0 ? 0 : (int)wait;
                }
            }
        }
        if (poll(fds, nfds, timeout) < 0 && errno != EINTR) {
            return false;
        }
        size_t k = 0;
        for (size_t i = 0; i < n && i < 8; i++) {
            struct endpoint *ep = eps[i];
            galois_sip_ua_process(ep->ua, fds + ua_first[i], ua_count[i]);
            k = ua_first[i] + ua_count[i];
            if (k < nfds && ep->rtp_fd >= 0 && fds[k].fd == ep->rtp_fd) {
                if (fds[k].revents & POLLIN) {
                    media_receive(ep, ep->rtp_fd);
                }
                if (fds[k + 1].revents & POLLIN) {
                    media_receive(ep, ep->rtcp_fd);
                }
            }
        }
    }
}
