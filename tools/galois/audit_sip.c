// `galois audit`, the SIP half: OPTIONS to the target, then one INVITE per SRTP offer, each
// with exactly one a=crypto, over TLS through the galois SIP agent (include/galois/sip.h).
// The agent copies its configuration (and so its outbound SDES policy) when it is made, so
// every probe gets an agent, and a TLS connection, of its own. Every call is torn down at
// once: BYE when it was answered, CANCEL while it rings. No media is sent, and no key leaves
// this file: the answer's key is kept only as a SHA-256 digest, to spot reuse.
#include <arpa/inet.h>
#include <errno.h>
#include <galois/galois.h>
#include <netdb.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "audit.h"
#include "rd.h"

enum {
    MAX_POLL = 16,
    MEDIA_PORT = 9,  // discard (RFC 863): we offer media but never send or take any
    DEFAULT_OPTIONS_WAIT_MS = 5000,
};

#define DEFAULT_USER "audit"

// offer is one probe of the fixed list: what audit.h promises, with the outbound SDES policy
// that makes the agent send exactly that offer. `policy` is NULL for an offer the SDES layer
// cannot write: galois's offerer puts no session parameters into an a=crypto line
// (src/sdes/offer.c); a policy's allow= only accepts them from the peer.
struct offer {
    enum audit_offer_kind kind;
    const char *suite;
    const char *params;
    const char *policy;
};

static const struct offer offers[] = {
    {AUDIT_OFFER_SRTP, "AEAD_AES_256_GCM", "", "mandatory:AEAD_AES_256_GCM"},
    {AUDIT_OFFER_SRTP, "AEAD_AES_128_GCM", "", "mandatory:AEAD_AES_128_GCM"},
    {AUDIT_OFFER_SRTP, "AES_256_CM_HMAC_SHA1_80", "", "mandatory:AES_256_CM_HMAC_SHA1_80"},
    {AUDIT_OFFER_SRTP, "AES_256_CM_HMAC_SHA1_32", "", "mandatory:AES_256_CM_HMAC_SHA1_32"},
    {AUDIT_OFFER_SRTP, "AES_192_CM_HMAC_SHA1_80", "", "mandatory:AES_192_CM_HMAC_SHA1_80"},
    {AUDIT_OFFER_SRTP, "AES_192_CM_HMAC_SHA1_32", "", "mandatory:AES_192_CM_HMAC_SHA1_32"},
    {AUDIT_OFFER_SRTP, "AES_CM_128_HMAC_SHA1_80", "", "mandatory:AES_CM_128_HMAC_SHA1_80"},
    {AUDIT_OFFER_SRTP, "AES_CM_128_HMAC_SHA1_32", "", "mandatory:AES_CM_128_HMAC_SHA1_32"},
    {AUDIT_OFFER_SRTP, "AEAD_AES_256_GCM_8", "", "mandatory:AEAD_AES_256_GCM_8"},
    {AUDIT_OFFER_SRTP, "AEAD_AES_128_GCM_8", "", "mandatory:AEAD_AES_128_GCM_8"},
    {AUDIT_OFFER_SRTP, "NULL_HMAC_SHA1_80", "", "mandatory:NULL_HMAC_SHA1_80"},
    {AUDIT_OFFER_SRTP, "AES_CM_128_HMAC_SHA1_80", "UNAUTHENTICATED_SRTP",
     "mandatory:AES_CM_128_HMAC_SHA1_80,allow=UNAUTHENTICATED_SRTP,"
     "offer-params=UNAUTHENTICATED_SRTP"},
    {AUDIT_OFFER_PLAIN, "", "", "forbidden"},
};

// session is one agent and what its events said. The callback only records; the loop in
// audit_sip_run decides what to do next.
struct session {
    struct galois_sip_ua *ua;
    struct audit_sip *out;      // OPTIONS: where the headers go
    struct audit_probe *probe;  // INVITE: the probe being run
    bool options_answered;      // the OPTIONS transaction ended (response or failure)
    bool options_response;      // ... with a response from the server
    int options_status;
    char options_reason[AUDIT_MAX_TEXT];
    struct galois_sip_call *call;
    bool timed_out;    // we gave up waiting for a final response
    bool final;        // a final response (or a failure) has been recorded
    bool established;  // the call came up: it needs a BYE
    bool ended;        // GALOIS_SIP_EV_ENDED arrived
    bool local_failure;
};

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void copy_text(char *dst, size_t max, const char *src)
{
    snprintf(dst, max, "%s", src != NULL ? src : "");
}

// put_text writes a formatted message into `dst`, cut to `max` (reasons quote the agent's own
// reasons, which may be as long as the room for ours).
__attribute__((format(printf, 3, 4))) static void put_text(char *dst, size_t max, const char *fmt,
                                                           ...)
{
    va_list ap;
    va_start(ap, fmt);
    (void)vsnprintf(dst, max, fmt, ap);
    va_end(ap);
}

// --- the agent -----------------------------------------------------------------------------

// real_response tells a final response of the server from a failure the agent reports with a
// status of its own: 503 for a lost connection, 408 for its timer, 0 for a failed hang-up
// (src/sip/txn.c). A real 408 or 503 is worded "<status> <reason phrase>[ (Warning: ...)]"
// (src/sip/call.c, on_invite_response); the agent's own failures carry its explanation.
static bool real_response(int status, const char *reason)
{
    char prefix[16];
    snprintf(prefix, sizeof(prefix), "%d ", status);
    if (status == 408 || status == 503) {
        return strncmp(reason, prefix, strlen(prefix)) == 0;
    }
    return status >= 200;
}

static void on_established(struct session *s, const struct galois_sip_event *ev);

static void on_event(void *arg, const struct galois_sip_event *ev)
{
    struct session *s = arg;
    switch (ev->kind) {
        case GALOIS_SIP_EV_OPTIONS_RESPONSE:
            s->options_answered = true;
            s->options_response = ev->text != NULL;
            s->options_status = ev->status;
            copy_text(s->options_reason, sizeof(s->options_reason), ev->reason);
            if (ev->text != NULL && s->out != NULL) {
                audit_sip_parse_options(s->out, ev->text, strlen(ev->text));
            }
            break;
        case GALOIS_SIP_EV_ESTABLISHED:
            if (ev->call == s->call && !s->established) {
                on_established(s, ev);
            }
            break;
        case GALOIS_SIP_EV_ENDED:
            if (ev->call != s->call) {
                break;
            }
            s->ended = true;
            if (!s->final && !s->timed_out && s->probe != NULL) {
                s->final = true;
                s->local_failure = !real_response(ev->status, ev->reason);
                s->probe->status = s->local_failure ? 0 : ev->status;
                copy_text(s->probe->reason, sizeof(s->probe->reason), ev->reason);
            }
            break;
        case GALOIS_SIP_EV_REGISTERED:
        case GALOIS_SIP_EV_REGISTER_FAILED:
        case GALOIS_SIP_EV_UNREGISTERED:
        case GALOIS_SIP_EV_INCOMING:  // no listener: never happens
        case GALOIS_SIP_EV_PROGRESS:
            break;
        default:
            break;
    }
}

typedef bool (*done_fn)(const struct session *s);

static bool options_done(const struct session *s)
{
    return s->options_answered;
}

static bool call_final(const struct session *s)
{
    return s->final || s->ended;
}

static bool call_over(const struct session *s)
{
    return s->ended && !galois_sip_ua_busy(s->ua);
}

// pump runs the agent until `done` or `deadline_ms` (monotonic); false if poll() failed.
static bool pump(struct session *s, uint64_t deadline_ms, done_fn done)
{
    while (!done(s)) {
        uint64_t now = now_ms();
        if (now >= deadline_ms) {
            return true;
        }
        struct pollfd fds[MAX_POLL];
        size_t n = galois_sip_ua_pollfds(s->ua, fds, MAX_POLL);
        uint64_t left = deadline_ms - now;
        int wait = left > 100 ? 100 : (int)left;
        int t = galois_sip_ua_timeout(s->ua);
        if (t >= 0 && t < wait) {
            wait = t;
        }
        if (poll(fds, (nfds_t)n, wait) < 0 && errno != EINTR) {
            return false;
        }
        galois_sip_ua_process(s->ua, fds, n);
    }
    return true;
}

// --- addresses and the configuration -------------------------------------------------------

// local_address finds the address this host would use to reach the target (a UDP connect
// sends nothing), for the SDP's c= line and, without --from, our domain.
static bool local_address(char *out, size_t max, const struct audit_target *t)
{
    struct addrinfo hints = {.ai_socktype = SOCK_DGRAM, .ai_flags = AI_NUMERICSERV};
    struct addrinfo *ai = NULL;
    char port[8];
    snprintf(port, sizeof(port), "%u", (unsigned)t->port);
    if (getaddrinfo(t->host, port, &hints, &ai) != 0 || ai == NULL) {
        return false;
    }
    bool ok = false;
    int fd = socket(ai->ai_family, SOCK_DGRAM, 0);
    struct sockaddr_storage ss;
    socklen_t len = sizeof(ss);
    if (fd >= 0 && connect(fd, ai->ai_addr, ai->ai_addrlen) == 0 &&
        getsockname(fd, (struct sockaddr *)&ss, &len) == 0) {
        const void *a = ss.ss_family == AF_INET6
                            ? (const void *)&((const struct sockaddr_in6 *)&ss)->sin6_addr
                            : (const void *)&((const struct sockaddr_in *)&ss)->sin_addr;
        ok = inet_ntop(ss.ss_family, a, out, (socklen_t)max) != NULL;
    }
    if (fd >= 0) {
        close(fd);
    }
    freeaddrinfo(ai);
    return ok;
}

// host_for_uri writes `host` as a URI needs it: an IPv6 literal in brackets.
static void host_for_uri(char *out, size_t max, const char *host)
{
    bool v6 = strchr(host, ':') != NULL && host[0] != '[';
    snprintf(out, max, "%s%s%s", v6 ? "[" : "", host, v6 ? "]" : "");
}

// from_identity sets the user and domain of `cfg` from --from ("sip:user@host"), else
// "audit" and our local address. False with `why` when they do not fit.
static bool from_identity(struct galois_sip_config *cfg, const struct audit_target *t,
                          const char *local, char *why, size_t max_why)
{
    struct galois_rd r;
    struct galois_rd user = {NULL, 0};
    struct galois_rd domain = {NULL, 0};
    galois_rd_init(&r, t->from, strlen(t->from));
    if (galois_rd_lit(&r, "sips:") || galois_rd_lit(&r, "sip:")) {
        struct galois_rd probe = r;
        if (galois_rd_until(&probe, &user, '@', sizeof(cfg->user) - 1) &&
            galois_rd_lit(&probe, "@")) {
            r = probe;
        } else {
            user.len = 0;
        }
        if (!galois_rd_until_any(&r, &domain, ";>?", sizeof(cfg->domain) - 1)) {
            domain.len = 0;
        }
    }
    if (t->from[0] != '\0' && domain.len == 0) {
        snprintf(why, max_why, "--from: '%s' names no host (sip:user@host)", t->from);
        return false;
    }
    if (user.len > 0) {
        snprintf(cfg->user, sizeof(cfg->user), "%.*s", (int)user.len, (const char *)user.p);
    } else {
        copy_text(cfg->user, sizeof(cfg->user), DEFAULT_USER);
    }
    if (domain.len > 0) {
        snprintf(cfg->domain, sizeof(cfg->domain), "%.*s", (int)domain.len, (const char *)domain.p);
    } else {
        host_for_uri(cfg->domain, sizeof(cfg->domain), local);
    }
    return true;
}

// base_config is what every agent of the run shares: the identity, the next hop, the TLS
// policy (verification by the target's CA and name unless `verify` is false).
static bool base_config(struct galois_sip_config *cfg, const struct audit_target *t,
                        const char *local, bool verify, char *why, size_t max_why)
{
    char host[AUDIT_MAX_HOST + 2];
    galois_sip_config_default(cfg);
    host_for_uri(host, sizeof(host), t->host);
    int n = snprintf(cfg->via, sizeof(cfg->via), "tls:%s:%u", host, (unsigned)t->port);
    if (n < 0 || (size_t)n >= sizeof(cfg->via)) {
        snprintf(why, max_why, "the host name is too long");
        return false;
    }
    if (!from_identity(cfg, t, local, why, max_why)) {
        return false;
    }
    copy_text(cfg->user_agent, sizeof(cfg->user_agent), "galois-audit");
    copy_text(cfg->auth_user, sizeof(cfg->auth_user), t->auth_user);
    copy_text(cfg->password, sizeof(cfg->password), t->password);
    cfg->tls.verify = verify;
    if (verify && t->ca_file[0] != '\0') {
        copy_text(cfg->tls.ca_file, sizeof(cfg->tls.ca_file), t->ca_file);
    } else if (verify) {
        cfg->tls.ca_system = true;
    }
    copy_text(cfg->tls.sni, sizeof(cfg->tls.sni), t->sni);
    cfg->on_event = on_event;
    return true;
}

static void target_uri(char *out, size_t max, const struct audit_target *t)
{
    char host[AUDIT_MAX_HOST + 2];
    host_for_uri(host, sizeof(host), t->host);
    snprintf(out, max, "sips:%s%s%s:%u", t->user, t->user[0] != '\0' ? "@" : "", host,
             (unsigned)t->port);
}

static void seconds_text(char *out, size_t max, unsigned ms)
{
    if (ms % 1000u == 0) {
        snprintf(out, max, "%u s", ms / 1000u);
    } else {
        snprintf(out, max, "%.1f s", (double)ms / 1000.0);
    }
}

// --- OPTIONS -------------------------------------------------------------------------------

// run_options sends OPTIONS with one agent made from `cfg`. It returns true when a response
// came; otherwise `why` says what happened and `*timed_out` whether nothing came at all.
static bool run_options(struct audit_sip *out, struct galois_sip_config *cfg, const char *uri,
                        unsigned timeout_ms, bool *timed_out, char *why, size_t max_why)
{
    struct session s = {.out = out};
    char err[GALOIS_SIP_MAX_REASON] = "";
    *timed_out = false;
    cfg->event_arg = &s;
    if (galois_sip_ua_new(&s.ua, cfg, err, sizeof(err)) != GALOIS_ERR_OK) {
        snprintf(why, max_why, "SIP agent: %s", err);
        return false;
    }
    bool ok = false;
    if (galois_sip_ua_options(s.ua, uri, err, sizeof(err)) != GALOIS_ERR_OK) {
        snprintf(why, max_why, "OPTIONS not sent: %s", err);
        goto out;
    }
    if (!pump(&s, now_ms() + timeout_ms, options_done)) {
        snprintf(why, max_why, "poll failed: %s", strerror(errno));
    } else if (!s.options_answered) {
        char secs[32];
        seconds_text(secs, sizeof(secs), timeout_ms);
        snprintf(why, max_why, "no response to OPTIONS within %s", secs);
        *timed_out = true;
        out->options_sent = true;  // probably: at least nothing failed while sending it
    } else if (!s.options_response) {
        copy_text(why, max_why, s.options_reason);  // the connection failed: nothing went out
    } else {
        out->options_sent = true;
        out->options_status = s.options_status;
        ok = true;
    }
out:
    galois_sip_ua_free(s.ua);
    return ok;
}

// --- INVITE probes -------------------------------------------------------------------------

// key_digest sets the probe's digest to SHA-256(master key || master salt) of `ks`.
static bool key_digest(uint8_t out[32], const struct galois_sdes_keyset *ks,
                       const struct galois_srtp_suite_info *info)
{
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    unsigned len = 0;
    bool ok = md != NULL && EVP_DigestInit_ex(md, EVP_sha256(), NULL) == 1 &&
              EVP_DigestUpdate(md, ks->keys[0].key, info->key_len) == 1 &&
              EVP_DigestUpdate(md, ks->keys[0].salt, info->salt_len) == 1 &&
              EVP_DigestFinal_ex(md, out, &len) == 1 && len == 32;
    EVP_MD_CTX_free(md);
    return ok;
}

// judge_keys fills the key findings of an SRTP answer. The SDES layer has already refused a
// key whose length does not fit the suite, so a key that reaches here is well formed.
static void judge_keys(struct audit_probe *p, const struct galois_sip_media *m)
{
    enum galois_srtp_suite want = galois_sdes_suite_from_name(p->suite, strlen(p->suite));
    const struct galois_srtp_suite_info *info = galois_srtp_suite_get_info(m->receive.suite);
    if (info == NULL || m->receive.suite != want || m->receive.num_keys == 0 ||
        m->send.num_keys == 0 || !key_digest(p->key_digest, &m->receive, info)) {
        return;
    }
    p->key_well_formed = true;
    p->key_echoed =
        CRYPTO_memcmp(m->receive.keys[0].key, m->send.keys[0].key, info->key_len) == 0 &&
        CRYPTO_memcmp(m->receive.keys[0].salt, m->send.keys[0].salt, info->salt_len) == 0;
}

static void on_established(struct session *s, const struct galois_sip_event *ev)
{
    struct audit_probe *p = s->probe;
    struct galois_sip_media m;
    s->established = true;
    if (p == NULL || s->timed_out || s->final) {
        return;  // a 2xx after we gave up: the agent sends the BYE of the pending CANCEL
    }
    s->final = true;
    p->status = ev->status;
    copy_text(p->reason, sizeof(p->reason), ev->reason);
    if (galois_sip_call_media(ev->call, &m) != GALOIS_ERR_OK) {
        return;
    }
    if (m.state == GALOIS_SDES_SRTP) {
        copy_text(p->answer_suite, sizeof(p->answer_suite), m.suite);
        judge_keys(p, &m);
        p->accepted = p->kind == AUDIT_OFFER_SRTP && p->key_well_formed;
        // An answer that drops a weakening we offered took the suite, not the weakening.
        if (strcmp(p->params, "UNAUTHENTICATED_SRTP") == 0 && !m.receive.unauthenticated_srtp) {
            p->accepted = false;
            put_text(p->reason, sizeof(p->reason), "%s, without UNAUTHENTICATED_SRTP in the answer",
                     ev->reason);
        }
    } else if (m.state == GALOIS_SDES_PLAIN) {
        p->answer_plain = p->kind == AUDIT_OFFER_SRTP;
        p->accepted = p->kind == AUDIT_OFFER_PLAIN;
    }
    galois_sip_media_cleanup(&m);
}

// refused_as_malformed tells whether the agent hung up on a 2xx because the answer's a=crypto
// could not be parsed (a key of the wrong length for its suite, two lines with one tag): the
// agent words it "SDP answer refused: <galois_err_str(GALOIS_ERR_PARSE)>" (invite_2xx). The
// server did answer with SRTP, with a key that is not well formed.
static bool refused_as_malformed(const struct audit_probe *p)
{
    char want[96];
    snprintf(want, sizeof(want), "SDP answer refused: %s", galois_err_str(GALOIS_ERR_PARSE));
    return p->kind == AUDIT_OFFER_SRTP && p->status >= 200 && p->status < 300 &&
           strncmp(p->reason, want, strlen(want)) == 0;
}

// refused_as_plain tells whether the agent hung up on a 2xx because its SDP answered our SRTP
// offer with plain RTP: under a mandatory policy the SDES layer refuses such an answer, and
// its reason names the answer's profile and that it had no key (src/sdes/negotiate.c,
// sdes_refusal: "answered RTP/AVP without a=crypto").
static bool refused_as_plain(const struct audit_probe *p)
{
    return p->kind == AUDIT_OFFER_SRTP && p->status >= 200 && p->status < 300 &&
           (strstr(p->reason, "answered RTP/AVP without a=crypto") != NULL ||
            strstr(p->reason, "answered RTP/AVPF without a=crypto") != NULL);
}

// refused_as_unoffered tells whether the agent hung up on a 2xx because the answer's a=crypto
// names a tag or a suite we did not offer (src/sdes/offer.c, check_answer), which RFC 4568
// §5.1.2 forbids; for the plain offer, an answer that adds an a=crypto we never offered
// (plain_answer). Both are worded by the SDES layer.
static bool refused_as_unoffered(const struct audit_probe *p)
{
    return p->status >= 200 && p->status < 300 &&
           (strstr(p->reason, "the answer's a=crypto changes the suite of its tag") != NULL ||
            strstr(p->reason, "the answer's a=crypto tag was not offered") != NULL ||
            strstr(p->reason, "the answer carries an a=crypto that was not offered") != NULL);
}

static void key_reuse(struct audit_sip *out, struct audit_probe *p)
{
    for (size_t i = 0; p->accepted && p->key_well_formed && i < out->num_probes; i++) {
        const struct audit_probe *q = &out->probes[i];
        if (q != p && q->accepted && q->key_well_formed &&
            CRYPTO_memcmp(q->key_digest, p->key_digest, sizeof(p->key_digest)) == 0) {
            p->key_reused = true;
        }
    }
}

// hang_up sends BYE or CANCEL. Its failure needs no handling here: the agent then ends the
// call itself, and torn_down reports whether anything was left.
static void hang_up(struct galois_sip_call *call)
{
    galois_err err = galois_sip_call_hangup(call);
    (void)err;
}

// invite runs one probe with the agent of `s`: the call, the wait for a final response,
// the hang-up, and the wait for the end.
static void invite(struct session *s, const char *uri, const char *local, unsigned timeout_ms)
{
    struct audit_probe *p = s->probe;
    struct galois_sip_media_local ml = {.rtp_port = MEDIA_PORT};
    char why[GALOIS_SIP_MAX_REASON] = "";
    copy_text(ml.address, sizeof(ml.address), local);
    if (galois_sip_call_new(s->ua, &s->call, uri, &ml, why, sizeof(why)) != GALOIS_ERR_OK) {
        put_text(p->reason, sizeof(p->reason), "INVITE not sent: %s", why);
        return;
    }
    p->sent = true;
    if (!pump(s, now_ms() + timeout_ms, call_final)) {
        snprintf(p->reason, sizeof(p->reason), "poll failed: %s", strerror(errno));
    }
    if (!call_final(s)) {
        char secs[32];
        seconds_text(secs, sizeof(secs), timeout_ms);
        s->timed_out = true;
        p->status = 0;
        snprintf(p->reason, sizeof(p->reason), "no final response within %s", secs);
        hang_up(s->call);  // CANCEL, now or at the first 1xx
    } else if (s->established && !s->ended) {
        hang_up(s->call);  // BYE
    }
    (void)pump(s, now_ms() + timeout_ms, call_over);
    // A call that ended on a final failure left nothing up; one that was answered or rang
    // was torn down when the agent saw the end and has no transaction (BYE, CANCEL) left.
    p->torn_down = call_over(s);
    p->answer_plain = p->answer_plain || refused_as_plain(p);
    p->answer_unoffered = refused_as_unoffered(p);
    if (p->answer_unoffered && p->kind == AUDIT_OFFER_PLAIN) {
        // We sent no key, so whatever the answer's a=crypto says, the media can only be plain
        // RTP: the server took the plain offer.
        p->accepted = true;
    }
    if (refused_as_malformed(p)) {
        p->accepted = true;  // key_well_formed stays false
        size_t len = strlen(p->reason);
        snprintf(p->reason + len, sizeof(p->reason) - len, " (the answer's a=crypto)");
    }
}

static void probe_init(struct audit_probe *p, const struct offer *o)
{
    memset(p, 0, sizeof(*p));
    p->kind = o->kind;
    copy_text(p->suite, sizeof(p->suite), o->suite);
    copy_text(p->params, sizeof(p->params), o->params);
    if (o->kind == AUDIT_OFFER_PLAIN) {
        copy_text(p->label, sizeof(p->label), "RTP/AVP (no SRTP)");
    } else if (o->params[0] != '\0') {
        snprintf(p->label, sizeof(p->label), "%s %s", o->suite, o->params);
    } else {
        copy_text(p->label, sizeof(p->label), o->suite);
    }
}

static void run_probe(struct audit_sip *out, struct audit_probe *p, const struct offer *o,
                      struct galois_sip_config *cfg, const char *uri, const char *local,
                      unsigned timeout_ms)
{
    struct session s = {.probe = p};
    char why[GALOIS_SIP_MAX_REASON] = "";
    size_t off = 0;
    probe_init(p, o);
    if (o->policy == NULL) {
        snprintf(p->reason, sizeof(p->reason),
                 "not sent: galois's SDES offerer writes no session parameters, so it cannot "
                 "offer %s",
                 o->params);
        return;
    }
    if (galois_sdes_policy_parse(&cfg->srtp_out, &off, o->policy, strlen(o->policy)) !=
        GALOIS_ERR_OK) {
        snprintf(p->reason, sizeof(p->reason), "not sent: the SDES policy '%s' is refused",
                 o->policy);
        return;
    }
    cfg->event_arg = &s;
    if (galois_sip_ua_new(&s.ua, cfg, why, sizeof(why)) != GALOIS_ERR_OK) {
        put_text(p->reason, sizeof(p->reason), "not sent: SIP agent: %s", why);
        return;
    }
    invite(&s, uri, local, timeout_ms);
    galois_sip_ua_free(s.ua);  // closes the connection and wipes every key
    key_reuse(out, p);
}

int audit_sip_run(const struct audit_target *t, struct audit_sip *out)
{
    static struct galois_sip_config cfg;  // large (no secret in it); the tool is single-threaded
    char local[GALOIS_SIP_MAX_ADDR];
    char uri[AUDIT_MAX_HOST + AUDIT_MAX_NAME + 16];
    char why[AUDIT_MAX_TEXT] = "";
    bool timed_out = false;
    unsigned timeout_ms = t->timeout_ms != 0 ? t->timeout_ms : DEFAULT_OPTIONS_WAIT_MS;
    memset(out, 0, sizeof(*out));
    if (!local_address(local, sizeof(local), t)) {
        copy_text(local, sizeof(local), strchr(t->host, ':') != NULL ? "::1" : "127.0.0.1");
    }
    target_uri(uri, sizeof(uri), t);
    if (!base_config(&cfg, t, local, true, why, sizeof(why))) {
        copy_text(out->error, sizeof(out->error), why);
        return 2;
    }
    if (!run_options(out, &cfg, uri, timeout_ms, &timed_out, why, sizeof(why))) {
        // Verification may be what failed: the TLS probes grade the certificate, so the SIP
        // probes go on without it and say so.
        char first[AUDIT_MAX_TEXT];
        copy_text(first, sizeof(first), why);
        memset(out, 0, sizeof(*out));
        if (timed_out || !base_config(&cfg, t, local, false, why, sizeof(why)) ||
            !run_options(out, &cfg, uri, timeout_ms, &timed_out, why, sizeof(why))) {
            copy_text(out->error, sizeof(out->error), timed_out ? first : why);
            return 2;
        }
        snprintf(out->error, sizeof(out->error),
                 "with verification on, the SIP connection failed (%.300s); the SIP probes ran "
                 "without verification",
                 first);
    }
    for (size_t i = 0; i < sizeof(offers) / sizeof(offers[0]) && i < AUDIT_MAX_PROBES; i++) {
        run_probe(out, &out->probes[i], &offers[i], &cfg, uri, local, timeout_ms);
        out->num_probes = i + 1;
    }
    return 0;
}
