// The endpoint behind `galois call`, `galois answer` and `galois demo`: options, the poll()
// loop, media on UDP sockets, and the reports.
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

enum {
    MAX_POLL = 96,
    FRAME_US = 20000,
    RTCP_INTERVAL_US = 5000000,
    ECHO_FRAMES = 50,  // echo buffer: one second
    STOP_GRACE_MS = 3000,
    DEFAULT_TIMEOUT_S = 30,
    DEFAULT_TONE_CALL = 440,
};

// IGNORE drops a result on purpose: the outcome arrives later as an event, or the step is
// best effort (a recording that cannot be written does not end the call).
#define IGNORE(expr)                  \
    do {                              \
        galois_err ignored_ = (expr); \
        (void)ignored_;               \
    } while (0)

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
    int16_t echo[ECHO_FRAMES][GALOIS_MEDIA_FRAME];
    size_t echo_read;
    size_t echo_write;
    size_t echo_fill;
    size_t echo_partial;
    struct ep_call_report reports[EP_MAX_CALL_REPORTS];
    size_t num_reports;
    unsigned calls_done;
    bool registered;
    char fatal[EP_MAX_ERROR];  // an error that ends the endpoint before any call
};

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

void ep_options_default(struct ep_options *o, enum ep_role role)
{
    memset(o, 0, sizeof(*o));
    o->role = role;
    o->name = role == EP_CALL ? "call" : "answer";
    galois_sip_config_default(&o->sip);
    snprintf(o->sip.user, sizeof(o->sip.user), "%s", role == EP_CALL ? "caller" : "answerer");
    snprintf(o->media_addr, sizeof(o->media_addr), "127.0.0.1");
    o->codec = GALOIS_MEDIA_PCMU;
    o->source = role == EP_CALL ? EP_TONE : EP_ECHO;
    o->tone_hz = DEFAULT_TONE_CALL;
    o->duration_s = role == EP_CALL ? 3 : 0;
    o->calls = 1;
}

static bool copy_opt(char *dst, size_t max, const char *value, const char *name, char *why,
                     size_t max_why)
{
    if (value == NULL) {
        snprintf(why, max_why, "--%s needs a value", name);
        return false;
    }
    if (strlen(value) >= max) {
        snprintf(why, max_why, "--%s: value too long (at most %zu bytes)", name, max - 1);
        return false;
    }
    memcpy(dst, value, strlen(value) + 1);
    return true;
}

static bool number_opt(double *out, const char *value, const char *name, double lo, double hi,
                       char *why, size_t max_why)
{
    char *end = NULL;
    double v = value != NULL ? strtod(value, &end) : 0;
    if (value == NULL || end == value || *end != '\0' || !(v >= lo && v <= hi)) {
        snprintf(why, max_why, "--%s: '%s' is not a number in %g..%g", name,
                 value != NULL ? value : "", lo, hi);
        return false;
    }
    *out = v;
    return true;
}

static bool srtp_opt(struct galois_sdes_policy *p, const char *value, const char *name, char *why,
                     size_t max_why)
{
    size_t off = 0;
    if (value == NULL) {
        snprintf(why, max_why, "--%s needs a policy (mandatory:AEAD_AES_256_GCM:...)", name);
        return false;
    }
    if (galois_sdes_policy_parse(p, &off, value, strlen(value)) != GALOIS_ERR_OK) {
        snprintf(why, max_why, "--%s: bad SRTP policy at byte %zu of '%s'", name, off, value);
        return false;
    }
    return true;
}

static bool flag(const char *value, bool *out)
{
    if (value == NULL || strcmp(value, "yes") == 0 || strcmp(value, "true") == 0 ||
        strcmp(value, "1") == 0) {
        *out = true;
        return true;
    }
    if (strcmp(value, "no") == 0 || strcmp(value, "false") == 0 || strcmp(value, "0") == 0) {
        *out = false;
        return true;
    }
    return false;
}

bool ep_option(struct ep_options *o, const char *name, const char *value, bool *used_value,
               char *why, size_t max_why)
{
    *used_value = value != NULL;
    struct galois_sip_config *s = &o->sip;
    if (strncmp(name, "tls-", 4) == 0) {
        if (value == NULL) {
            snprintf(why, max_why, "--%s needs a value", name);
            return false;
        }
        return galois_tls_policy_set(&s->tls, name + 4, value, why, max_why) == GALOIS_ERR_OK;
    }
    if (strcmp(name, "via") == 0) {
        return copy_opt(s->via, sizeof(s->via), value, name, why, max_why);
    }
    if (strcmp(name, "listen") == 0) {
        return copy_opt(s->listen, sizeof(s->listen), value, name, why, max_why);
    }
    if (strcmp(name, "register") == 0) {
        return copy_opt(s->register_uri, sizeof(s->register_uri), value, name, why, max_why);
    }
    if (strcmp(name, "user") == 0) {
        return copy_opt(s->user, sizeof(s->user), value, name, why, max_why);
    }
    if (strcmp(name, "auth-user") == 0) {
        return copy_opt(s->auth_user, sizeof(s->auth_user), value, name, why, max_why);
    }
    if (strcmp(name, "password") == 0) {
        return copy_opt(s->password, sizeof(s->password), value, name, why, max_why);
    }
    if (strcmp(name, "domain") == 0) {
        return copy_opt(s->domain, sizeof(s->domain), value, name, why, max_why);
    }
    if (strcmp(name, "media-addr") == 0) {
        return copy_opt(o->media_addr, sizeof(o->media_addr), value, name, why, max_why);
    }
    if (strcmp(name, "srtp") == 0) {
        return srtp_opt(o->role == EP_CALL ? &s->srtp_out : &s->srtp_in, value, name, why, max_why);
    }
    if (strcmp(name, "srtp-out") == 0) {
        return srtp_opt(&s->srtp_out, value, name, why, max_why);
    }
    if (strcmp(name, "srtp-in") == 0) {
        return srtp_opt(&s->srtp_in, value, name, why, max_why);
    }
    if (strcmp(name, "play") == 0) {
        o->source = EP_PLAY;
        return copy_opt(o->play, sizeof(o->play), value, name, why, max_why);
    }
    if (strcmp(name, "record") == 0) {
        return copy_opt(o->record, sizeof(o->record), value, name, why, max_why);
    }
    if (strcmp(name, "tone") == 0) {
        o->source = EP_TONE;
        return number_opt(&o->tone_hz, value, name, 50, 3950, why, max_why);
    }
    if (strcmp(name, "duration") == 0) {
        return number_opt(&o->duration_s, value, name, 0, 86400, why, max_why);
    }
    if (strcmp(name, "timeout") == 0) {
        return number_opt(&o->timeout_s, value, name, 1, 86400, why, max_why);
    }
    if (strcmp(name, "calls") == 0) {
        double v = 0;
        if (!number_opt(&v, value, name, 1, 1000000, why, max_why)) {
            return false;
        }
        o->calls = (unsigned)v;
        return true;
    }
    if (strcmp(name, "expires") == 0) {
        double v = 0;
        if (!number_opt(&v, value, name, 60, 86400, why, max_why)) {
            return false;
        }
        s->register_expires = (unsigned)v;
        return true;
    }
    if (strcmp(name, "codec") == 0) {
        if (value != NULL && strcmp(value, "pcmu") == 0) {
            o->codec = GALOIS_MEDIA_PCMU;
        } else if (value != NULL && strcmp(value, "pcma") == 0) {
            o->codec = GALOIS_MEDIA_PCMA;
        } else {
            snprintf(why, max_why, "--codec: pcmu or pcma");
            return false;
        }
        return true;
    }
    // flags: "--echo" alone, or "echo = yes" in a config file
    bool on = true;
    bool is_flag = value == NULL || flag(value, &on);
    if (strcmp(name, "echo") == 0 || strcmp(name, "json") == 0 || strcmp(name, "rtcp-mux") == 0 ||
        strcmp(name, "quiet") == 0 || strcmp(name, "allow-sdes-without-tls") == 0) {
        if (!is_flag) {
            snprintf(why, max_why, "--%s takes no value (or yes/no in a config file)", name);
            return false;
        }
        *used_value = false;
        if (strcmp(name, "echo") == 0) {
            o->source = on ? EP_ECHO : EP_SILENCE;
        } else if (strcmp(name, "json") == 0) {
            o->json = on;
        } else if (strcmp(name, "rtcp-mux") == 0) {
            o->rtcp_mux = on;
        } else if (strcmp(name, "quiet") == 0) {
            o->quiet = on;
        } else {
            s->allow_sdes_without_tls = on;
        }
        return true;
    }
    snprintf(why, max_why, "unknown option --%s", name);
    return false;
}

bool ep_config_file(struct ep_options *o, const char *path, char *why, size_t max_why)
{
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        snprintf(why, max_why, "config %s: %s", path, strerror(errno));
        return false;
    }
    char line[1024];
    unsigned lineno = 0;
    bool ok = true;
    while (ok && fgets(line, sizeof(line), f) != NULL) {
        lineno++;
        char *p = line;
        while (*p == ' ' || *p == '\t') {
            p++;
        }
        char *end = p + strlen(p);
        while (end > p && (end[-1] == '\n' || end[-1] == '\r' || end[-1] == ' ')) {
            *--end = '\0';
        }
        if (*p == '\0' || *p == '#') {
            continue;
        }
        char *eq = strchr(p, '=');
        char *value = NULL;
        if (eq != NULL) {
            *eq = '\0';
            value = eq + 1;
            while (*value == ' ' || *value == '\t') {
                value++;
            }
        }
        char *ne = p + strlen(p);
        while (ne > p && (ne[-1] == ' ' || ne[-1] == '\t')) {
            *--ne = '\0';
        }
        bool used = false;
        char inner[EP_MAX_ERROR];
        if (!ep_option(o, p, value, &used, inner, sizeof(inner))) {
            snprintf(why, max_why, "config %s:%u: %s", path, lineno, inner);
            ok = false;
        }
    }
    galois_secure_zero(line, sizeof(line));
    fclose(f);
    return ok;
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

static void progress(const struct endpoint *ep, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void progress(const struct endpoint *ep, const char *fmt, ...)
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

static struct ep_call_report *current_report(struct endpoint *ep)
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
    struct ep_call_report *r = current_report(ep);
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
    struct ep_call_report *r = current_report(ep);
    if (r != NULL && r->error[0] == '\0') {
        snprintf(r->error, sizeof(r->error), "%s", what);
    }
}

static bool start_media(struct endpoint *ep, char *why, size_t max_why)
{
    struct ep_call_report *r = current_report(ep);
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
    ep->echo_read = ep->echo_write = ep->echo_fill = ep->echo_partial = 0;
    uint64_t now = now_us();
    ep->media_start_us = now;
    ep->next_frame_us = now;
    ep->next_rtcp_us = now + RTCP_INTERVAL_US;
    ep->media_end_us = ep->o.duration_s > 0 ? now + (uint64_t)(ep->o.duration_s * 1e6) : 0;
    ep->phase = PH_MEDIA;
    return true;
}

// sending tells whether our direction lets us send RTP (not on hold by the peer).
static bool sending(const struct endpoint *ep)
{
    return ep->media.direction == GALOIS_SDP_SENDRECV || ep->media.direction == GALOIS_SDP_SENDONLY;
}

// update_media applies an accepted re-INVITE to the running media: new keys (once per
// re-INVITE, through galois_media_stream_rekey), a new remote address, and the direction
// that media_send obeys. Audio after a resume is judged afresh (the detector restarts).
static bool update_media(struct endpoint *ep, unsigned changes, char *why, size_t max_why)
{
    struct ep_call_report *r = current_report(ep);
    struct galois_sip_media m;
    if (galois_sip_call_media(ep->call, &m) != GALOIS_ERR_OK) {
        snprintf(why, max_why, "re-INVITE: no negotiated media");
        return false;
    }
    bool was_sending = sending(ep);
    bool ok = true;
    if ((changes & GALOIS_SIP_CHANGED_SECURITY) != 0) {
        snprintf(why, max_why, "re-INVITE switched between SRTP and plain RTP: not supported");
        ok = false;
    } else if (ep->ms != NULL && m.state == GALOIS_SDES_SRTP &&
               (changes & (GALOIS_SIP_CHANGED_RECEIVE_KEY | GALOIS_SIP_CHANGED_SEND_KEY)) != 0) {
        ok = galois_media_stream_rekey(ep->ms, &m.send, &m.receive, why, max_why) == GALOIS_ERR_OK;
        r->rekeys += ok ? 1u : 0u;
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
            r->holds++;
        } else if (!was_sending && sending(ep)) {
            r->resumes++;
            galois_tone_detector_free(ep->detector);
            ep->detector = NULL;
            IGNORE(galois_tone_detector_new(&ep->detector, 8000));
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
    struct ep_call_report *r = current_report(ep);
    switch (ev->kind) {
        case GALOIS_SIP_EV_REGISTERED:
            if (!ep->registered) {
                progress(ep, "registered: %s", ev->reason);
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
            progress(ep, "incoming call from %s", r->peer);
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
            progress(ep, "progress: %s (%d)", ev->reason, ev->status);
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
            progress(ep, "established: SRTP %s", r->srtp ? r->suite : "off (plain RTP)");
            break;
        case GALOIS_SIP_EV_ENDED:
            if (ev->call != ep->call) {
                // a call refused before the program saw it (488 and the like)
                if (ep->o.role == EP_ANSWER) {
                    r = new_report(ep);
                    snprintf(r->peer, sizeof(r->peer), "%s", galois_sip_call_peer(ev->call));
                    r->status = ev->status;
                    snprintf(r->error, sizeof(r->error), "%s", ev->reason);
                    progress(ep, "call refused: %s", ev->reason);
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
            progress(ep, "call ended: %s (%d)", ev->reason, ev->status);
            call_over(ep);
            break;
        case GALOIS_SIP_EV_UPDATED:
            if (ev->call != ep->call || r == NULL) {
                break;
            }
            r->reinvites++;
            progress(ep, "%s", ev->reason);
            if (ev->status != 200) {
                r->reinvites_refused++;
            } else if (!update_media(ep, ev->changes, why, sizeof(why))) {
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
            if (ep->echo_fill > 0) {
                memcpy(pcm, ep->echo[ep->echo_read], sizeof(ep->echo[0]));
                ep->echo_read = (ep->echo_read + 1) % ECHO_FRAMES;
                ep->echo_fill--;
                return;
            }
            memset(pcm, 0, GALOIS_MEDIA_FRAME * sizeof(*pcm));
            return;
        default:
            memset(pcm, 0, GALOIS_MEDIA_FRAME * sizeof(*pcm));
            return;
    }
}

static void echo_push(struct endpoint *ep, const int16_t *pcm, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        ep->echo[ep->echo_write][ep->echo_partial++] = pcm[i];
        if (ep->echo_partial == GALOIS_MEDIA_FRAME) {
            ep->echo_partial = 0;
            ep->echo_write = (ep->echo_write + 1) % ECHO_FRAMES;
            if (ep->echo_fill == ECHO_FRAMES) {
                ep->echo_read = (ep->echo_read + 1) % ECHO_FRAMES;  // drop the oldest
            } else {
                ep->echo_fill++;
            }
        }
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
        galois_err err = galois_media_stream_receive(ep->ms, pkt, (size_t)n, now_us(), pcm,
                                                     sizeof(pcm) / sizeof(pcm[0]), &samples);
        if (err != GALOIS_ERR_OK || samples == 0) {
            continue;  // counted by the stream
        }
        galois_tone_detector_feed(ep->detector, pcm, samples);
        if (ep->wav_out != NULL) {
            IGNORE(galois_wav_writer_write(ep->wav_out, pcm, samples));
        }
        if (ep->o.source == EP_ECHO) {
            echo_push(ep, pcm, samples);
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

// --- reports ---

static void json_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s != '\0'; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '"' || ch == '\\') {
            fprintf(f, "\\%c", ch);
        } else if (ch < 0x20) {
            fprintf(f, "\\u%04x", ch);
        } else {
            fputc(ch, f);
        }
    }
    fputc('"', f);
}

static void report_json(const struct endpoint *ep, const struct ep_call_report *r, FILE *f,
                        bool with_calls)
{
    fprintf(f, "{\"role\":");
    json_string(f, ep->o.role == EP_CALL ? "call" : "answer");
    fprintf(f, ",\"result\":\"%s\",\"error\":", r->ok ? "ok" : "error");
    json_string(f, r->error);
    fprintf(f, ",\"peer\":");
    json_string(f, r->peer);
    fprintf(f, ",\"sip\":{\"status\":%d,\"reason\":", r->status);
    json_string(f, r->reason);
    fprintf(f, ",\"established\":%s}", r->established ? "true" : "false");
    if (r->have_tls) {
        char tls[2048];
        if (galois_tls_info_json(tls, sizeof(tls), &r->tls) == GALOIS_ERR_OK) {
            fprintf(f, ",\"tls\":%s", tls);
        }
    } else {
        fprintf(f, ",\"tls\":null");
    }
    fprintf(f, ",\"srtp\":{\"suite\":");
    json_string(f, r->srtp ? r->suite : "");
    fprintf(f, ",\"enabled\":%s,\"rtcp_mux\":%s}", r->srtp ? "true" : "false",
            r->rtcp_mux ? "true" : "false");
    char stats[2048];
    if (r->established &&
        galois_media_stats_json(stats, sizeof(stats), &r->stats) == GALOIS_ERR_OK &&
        stats[0] == '{') {
        fprintf(f, ",\"media\":{\"tone_hz\":%.1f,\"tone_purity\":%.3f,\"seconds\":%.2f,%s",
                r->have_tone ? r->tone_hz : 0.0, r->have_tone ? r->tone_purity : 0.0, r->seconds,
                stats + 1);
    } else {
        fprintf(f, ",\"media\":null");
    }
    fprintf(f,
            ",\"reinvites\":{\"received\":%u,\"refused\":%u,\"holds\":%u,\"resumes\":%u,"
            "\"rekeys\":%u}",
            r->reinvites, r->reinvites_refused, r->holds, r->resumes, r->rekeys);
    if (with_calls) {
        fprintf(f, ",\"calls\":[");
        for (size_t i = 0; i < ep->num_reports; i++) {
            fprintf(f, "%s", i > 0 ? "," : "");
            report_json(ep, &ep->reports[i], f, false);
        }
        fprintf(f, "]");
    }
    fprintf(f, "}");
}

static void report_text(const struct endpoint *ep, const struct ep_call_report *r, FILE *f)
{
    fprintf(f, "%s %s: %s\n", ep->o.name, ep->o.role == EP_CALL ? "call to" : "call from", r->peer);
    if (r->have_tls) {
        char tls[1024];
        if (galois_tls_info_text(tls, sizeof(tls), &r->tls) == GALOIS_ERR_OK) {
            fprintf(f, "  TLS    %s\n", tls);
        }
    } else {
        fprintf(f, "  TLS    none\n");
    }
    fprintf(f, "  SIP    %s %d %s\n", r->established ? "established," : "not established,",
            r->status, r->reason);
    if (r->established) {
        fprintf(f, "  SRTP   %s%s\n", r->srtp ? r->suite : "OFF: plain RTP",
                r->rtcp_mux ? " (rtcp-mux)" : "");
        const struct galois_media_stats *s = &r->stats;
        fprintf(f,
                "  media  %s, %.1f s: sent %llu packets, received %llu (lost %lld, auth failures "
                "%llu, replays %llu, malformed %llu), jitter %.2f ms\n",
                r->payload_type == 8 ? "PCMA" : "PCMU", r->seconds,
                (unsigned long long)s->packets_sent, (unsigned long long)s->packets_received,
                (long long)s->lost, (unsigned long long)s->auth_failures,
                (unsigned long long)s->replays, (unsigned long long)s->malformed, s->jitter_ms);
        if (r->reinvites > 0) {
            fprintf(f,
                    "  re-INVITE %u received, %u refused; %u hold(s), %u resume(s), %u re-key(s)\n",
                    r->reinvites, r->reinvites_refused, r->holds, r->resumes, r->rekeys);
        }
        if (r->have_tone && r->tone_purity > 0.2) {
            fprintf(f, "  audio  heard a %.1f Hz tone (purity %.2f)\n", r->tone_hz, r->tone_purity);
        } else {
            fprintf(f, "  audio  no clear tone heard\n");
        }
    }
    fprintf(f, "  result %s%s%s\n", r->ok ? "ok" : "FAILED", r->error[0] != '\0' ? ": " : "",
            r->error);
}

int ep_report(const struct endpoint *ep, FILE *f)
{
    bool ok = ep->fatal[0] == '\0' && ep->num_reports > 0;
    unsigned ok_calls = 0;
    for (size_t i = 0; i < ep->num_reports; i++) {
        ok_calls += ep->reports[i].ok ? 1u : 0u;
    }
    unsigned wanted = ep->o.role == EP_CALL ? 1 : ep->o.calls;
    ok = ok && ok_calls >= wanted;
    if (ep->o.json) {
        if (ep->num_reports == 0) {
            fprintf(f, "{\"role\":\"%s\",\"result\":\"error\",\"error\":",
                    ep->o.role == EP_CALL ? "call" : "answer");
            json_string(f, ep->fatal[0] != '\0' ? ep->fatal : "no call");
            fprintf(f, "}\n");
        } else {
            // the last call's report, with every call's report in "calls"
            report_json(ep, &ep->reports[ep->num_reports - 1], f, true);
            fprintf(f, "\n");
        }
    } else {
        for (size_t i = 0; i < ep->num_reports; i++) {
            report_text(ep, &ep->reports[i], f);
        }
        if (ep->fatal[0] != '\0') {
            fprintf(f, "%s: %s\n", ep->o.name, ep->fatal);
        }
    }
    if (!ok) {
        const char *why = ep->fatal;
        for (size_t i = 0; why[0] == '\0' && i < ep->num_reports; i++) {
            why = ep->reports[i].error;
        }
        fprintf(stderr, "galois %s: %s\n", ep->o.role == EP_CALL ? "call" : "answer",
                why[0] != '\0' ? why : "the call did not complete");
    }
    return ok ? 0 : 1;
}
