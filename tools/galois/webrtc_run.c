// `galois webrtc`: the one loop that drives the HTTP server and every session. libmicrohttpd
// runs in external-select mode: we ask it for its descriptors and its timeout, add the
// sessions' UDP sockets, select(), and let it run. Everything happens on one thread, so the
// request handlers may create and touch sessions without a lock (docs/WEBRTC.md, "One thread").
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>

#include "webrtc_server_state.h"

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
    stop_signal = sig;
}

static bool all_done(const struct wr_server *srv)
{
    if (srv->num_sessions < srv->o->sessions) {
        return false;
    }
    for (size_t i = 0; i < srv->num_sessions; i++) {
        if (!wr_session_done(srv->sessions[i])) {
            return false;
        }
    }
    return true;
}

// reap frees the sessions abandoned at their connect deadline (no ICE check came): they give
// their place back, so offers nobody follows up cannot use up --sessions.
static void reap(struct wr_server *srv)
{
    size_t kept = 0;
    for (size_t i = 0; i < srv->num_sessions; i++) {
        struct wr_session *s = srv->sessions[i];
        if (!wr_session_abandoned(s)) {
            srv->slots[kept] = srv->slots[i];
            srv->sessions[kept++] = s;
            continue;
        }
        srv->abandoned++;
        snprintf(srv->last_abandoned, sizeof(srv->last_abandoned), "%s", wr_session_error(s));
        fprintf(stderr, "galois webrtc: session %u abandoned (not counted): %s\n", wr_session_id(s),
                wr_session_error(s));
        wr_session_free(s);
    }
    srv->num_sessions = kept;
}

static void abort_all(struct wr_server *srv, const char *why)
{
    uint64_t now = wr_now_us();
    for (size_t i = 0; i < srv->num_sessions; i++) {
        wr_session_abort(srv->sessions[i], why, now);
    }
}

// one_round waits for the next event (or `until_us`) and handles what is ready. false when
// select() itself failed.
static bool one_round(struct wr_server *srv, uint64_t now, uint64_t until_us)
{
    fd_set rs;
    fd_set ws;
    fd_set es;
    FD_ZERO(&rs);
    FD_ZERO(&ws);
    FD_ZERO(&es);
    MHD_socket max_fd = 0;
    if (MHD_get_fdset2(srv->mhd, &rs, &ws, &es, &max_fd, FD_SETSIZE) != MHD_YES) {
        return false;
    }
    for (size_t i = 0; i < srv->num_sessions; i++) {
        int fd = wr_session_fd(srv->sessions[i]);
        if (fd >= 0) {
            FD_SET(fd, &rs);
            max_fd = fd > max_fd ? fd : max_fd;
        }
    }
    uint64_t wait_us = until_us > now ? until_us - now : 0;
    MHD_UNSIGNED_LONG_LONG mhd_ms = 0;
    if (MHD_get_timeout(srv->mhd, &mhd_ms) == MHD_YES && mhd_ms * 1000u < wait_us) {
        wait_us = mhd_ms * 1000u;
    }
    struct timeval tv = {.tv_sec = (time_t)(wait_us / 1000000u),
                         .tv_usec = (suseconds_t)(wait_us % 1000000u)};
    int n = select(max_fd + 1, &rs, &ws, &es, &tv);
    if (n < 0) {
        FD_ZERO(&rs);
        FD_ZERO(&ws);
        FD_ZERO(&es);
        if (errno != EINTR) {
            return false;
        }
    }
    (void)MHD_run_from_select(srv->mhd, &rs, &ws, &es);
    uint64_t t = wr_now_us();
    for (size_t i = 0; i < srv->num_sessions; i++) {
        int fd = wr_session_fd(srv->sessions[i]);
        if (fd >= 0 && FD_ISSET(fd, &rs)) {
            wr_session_readable(srv->sessions[i], t);
        }
    }
    return true;
}

static int report(const struct wr_server *srv)
{
    const struct wr_options *o = srv->o;
    FILE *text = o->json ? stderr : stdout;
    unsigned good = 0;
    for (size_t i = 0; i < srv->num_sessions; i++) {
        wr_session_report_text(srv->sessions[i], text);
        good += wr_session_ok(srv->sessions[i]) ? 1u : 0u;
    }
    if (o->json) {
        printf("{\"sessions\":[");
        for (size_t i = 0; i < srv->num_sessions; i++) {
            printf(i == 0 ? "" : ",");
            wr_session_report_json(srv->sessions[i], stdout);
        }
        printf("],\"wanted\":%u,\"refused_offers\":%u,\"refused_requests\":%u,\"abandoned\":%u}\n",
               o->sessions, srv->refused_offers, srv->refused_requests, srv->abandoned);
    }
    fflush(stdout);
    if (good == o->sessions && srv->num_sessions == o->sessions) {
        fprintf(stderr, "galois webrtc: %u of %u sessions ok\n", good, o->sessions);
        return 0;
    }
    if (srv->num_sessions < o->sessions) {
        fprintf(stderr, "galois webrtc: only %zu of %u sessions were offered%s%s\n",
                srv->num_sessions, o->sessions, srv->refused_offers > 0 ? "; last refusal: " : "",
                srv->last_refusal);
    }
    if (srv->abandoned > 0) {
        fprintf(stderr, "galois webrtc: %u session%s abandoned without an ICE check (last: %s)\n",
                srv->abandoned, srv->abandoned == 1 ? "" : "s", srv->last_abandoned);
    }
    for (size_t i = 0; i < srv->num_sessions; i++) {
        if (!wr_session_ok(srv->sessions[i])) {
            fprintf(stderr, "galois webrtc: session %u failed: %s\n",
                    wr_session_id(srv->sessions[i]), wr_session_error(srv->sessions[i]));
        }
    }
    return 1;
}

int wr_server_run(struct wr_server *srv)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    (void)sigaction(SIGINT, &sa, NULL);
    (void)sigaction(SIGTERM, &sa, NULL);
    sa.sa_handler = SIG_IGN;
    (void)sigaction(SIGPIPE, &sa, NULL);

    uint64_t deadline = wr_now_us() + (uint64_t)(srv->o->timeout_s * 1e6);
    for (;;) {
        uint64_t now = wr_now_us();
        if (stop_signal != 0) {
            abort_all(srv, "interrupted");
            fprintf(stderr, "galois webrtc: interrupted by signal %d\n", (int)stop_signal);
            break;
        }
        if (now >= deadline) {
            char why[64];
            snprintf(why, sizeof(why), "timed out after %.0f s", srv->o->timeout_s);
            abort_all(srv, why);
            break;
        }
        uint64_t next = deadline;
        for (size_t i = 0; i < srv->num_sessions; i++) {
            uint64_t t = wr_session_step(srv->sessions[i], now);
            next = t < next ? t : next;
        }
        reap(srv);
        if (all_done(srv)) {
            break;
        }
        if (!one_round(srv, now, next)) {
            fprintf(stderr, "galois webrtc: select failed: %s\n", strerror(errno));
            abort_all(srv, "the event loop failed");
            break;
        }
    }
    return report(srv);
}
