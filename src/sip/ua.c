// The SIP user agent: configuration, the poll() turn, and the dispatch of every message that
// passed galois_sip_msg_parse to its transaction, dialog or handler (RFC 3261 §8.2, §17.1.3,
// §17.2.3).
#include "ua.h"

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

uint64_t sip_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

void sip_event(struct galois_sip_ua *ua, enum galois_sip_event_kind kind,
               struct galois_sip_call *call, int status, const char *reason, bool local_end,
               const char *text)
{
    if (ua->cfg.on_event == NULL) {
        return;
    }
    struct galois_sip_event ev = {
        .kind = kind,
        .call = call,
        .status = status,
        .reason = reason != NULL ? reason : "",
        .local_end = local_end,
        .text = text,
    };
    ua->cfg.on_event(ua->cfg.event_arg, &ev);
}

void sip_event_updated(struct galois_sip_ua *ua, struct galois_sip_call *call, int status,
                       const char *reason, unsigned changes, bool ours, bool retrying)
{
    if (ua->cfg.on_event == NULL) {
        return;
    }
    struct galois_sip_event ev = {
        .kind = GALOIS_SIP_EV_UPDATED,
        .call = call,
        .status = status,
        .reason = reason != NULL ? reason : "",
        .changes = changes,
        .local_offer = ours,
        .retrying = retrying,
    };
    ua->cfg.on_event(ua->cfg.event_arg, &ev);
}

void galois_sip_config_default(struct galois_sip_config *out)
{
    memset(out, 0, sizeof(*out));
    galois_tls_policy_default(&out->tls);
    galois_sdes_policy_default(&out->srtp_out, GALOIS_SDES_MANDATORY);
    galois_sdes_policy_default(&out->srtp_in, GALOIS_SDES_MANDATORY);
}

static galois_err check_config(struct galois_sip_ua *ua, char *why, size_t max_why)
{
    const struct galois_sip_config *cfg = &ua->cfg;
    if (cfg->via[0] != '\0') {
        if (galois_sip_hostport_parse(&ua->via, cfg->via, why, max_why) != GALOIS_ERR_OK) {
            return GALOIS_ERR_INVALID;
        }
        ua->have_via = true;
    }
    if (cfg->listen[0] != '\0') {
        if (galois_sip_hostport_parse(&ua->listen, cfg->listen, why, max_why) != GALOIS_ERR_OK) {
            return GALOIS_ERR_INVALID;
        }
        ua->have_listen = true;
    }
    if (cfg->register_uri[0] != '\0') {
        struct galois_sip_target t;
        if (galois_sip_target_parse(&t, cfg->register_uri, why, max_why) != GALOIS_ERR_OK) {
            return GALOIS_ERR_INVALID;
        }
        if (t.user[0] == '\0') {
            snprintf(why, max_why, "register: %s names no user", cfg->register_uri);
            return GALOIS_ERR_INVALID;
        }
    }
    for (const char *p = cfg->user; *p != '\0'; p++) {
        if (*p <= ' ' || *p == '@' || *p == ':' || *p == '<' || *p == '>' || *p == '"') {
            snprintf(why, max_why, "user: '%s' is not a plain SIP user name", cfg->user);
            return GALOIS_ERR_INVALID;
        }
    }
    return GALOIS_ERR_OK;
}

galois_err galois_sip_ua_new(struct galois_sip_ua **out, const struct galois_sip_config *config,
                             char *why, size_t max_why)
{
    *out = NULL;
    struct galois_sip_ua *ua = calloc(1, sizeof(*ua));
    if (ua == NULL) {
        return GALOIS_ERR_NOMEM;
    }
    ua->cfg = *config;
    ua->udp_fd = -1;
    for (size_t i = 0; i < SIP_MAX_CONNS; i++) {
        ua->conns[i].fd = -1;
    }
    galois_err err = GALOIS_ERR_NOMEM;
    ua->scratch = malloc(SIP_MAX_TEXT);
    if (ua->scratch == NULL) {
        goto out;
    }
    err = check_config(ua, why, max_why);
    if (err != GALOIS_ERR_OK) {
        goto out;
    }
    // The client side of TLS is needed by an agent that places calls or registers. One that
    // only answers on its listener may have no CA (it never verifies a server): it keeps the
    // reason, and an outgoing TLS connection it would need later fails with it.
    err = galois_tls_ctx_new(&ua->tls_client, &ua->cfg.tls, GALOIS_TLS_CLIENT, why, max_why);
    if (err != GALOIS_ERR_OK) {
        bool answer_only = ua->have_listen && !ua->have_via && ua->cfg.register_uri[0] == '\0';
        if (!answer_only) {
            goto out;
        }
        sip_copy(ua->tls_client_error, sizeof(ua->tls_client_error), why);
        if (max_why > 0) {
            why[0] = '\0';
        }
    }
    if (ua->have_listen && ua->listen.transport == GALOIS_SIP_TRANSPORT_TLS) {
        err = galois_tls_ctx_new(&ua->tls_server, &ua->cfg.tls, GALOIS_TLS_SERVER, why, max_why);
        if (err != GALOIS_ERR_OK) {
            goto out;
        }
    }
    if (ua->have_listen) {
        err = sip_transport_open_listener(ua, why, max_why);
        if (err != GALOIS_ERR_OK) {
            goto out;
        }
    }
    *out = ua;
    ua = NULL;
out:
    galois_sip_ua_free(ua);
    return err;
}

void galois_sip_ua_free(struct galois_sip_ua *ua)
{
    if (ua == NULL) {
        return;
    }
    sip_calls_free(ua);
    for (size_t i = 0; i < SIP_MAX_TXNS; i++) {
        free(ua->txns[i].sent);
        if (ua->txns[i].request != NULL) {
            osip_message_free(ua->txns[i].request);
        }
    }
    sip_transport_close_all(ua);
    galois_tls_ctx_free(ua->tls_client);
    galois_tls_ctx_free(ua->tls_server);
    if (ua->scratch != NULL) {
        galois_secure_zero(ua->scratch, SIP_MAX_TEXT);
    }
    free(ua->scratch);
    galois_secure_zero(ua, sizeof(*ua));
    free(ua);
}

uint16_t galois_sip_ua_listen_port(const struct galois_sip_ua *ua)
{
    return ua->have_listen ? ua->listen_port : 0;
}

bool galois_sip_ua_busy(const struct galois_sip_ua *ua)
{
    if (ua->reg_active || sip_txn_busy(ua)) {
        return true;
    }
    for (size_t i = 0; i < GALOIS_SIP_MAX_CALLS; i++) {
        const struct galois_sip_call *c = ua->calls[i];
        if (c != NULL && c->state != CALL_ENDED) {
            return true;
        }
    }
    return false;
}

size_t galois_sip_ua_pollfds(struct galois_sip_ua *ua, struct pollfd *fds, size_t max_fds)
{
    return sip_transport_pollfds(ua, fds, max_fds);
}

static uint64_t run_timers(struct galois_sip_ua *ua)
{
    uint64_t now = sip_now_ms();
    uint64_t next = UINT64_MAX;
    sip_transport_timers(ua, now, &next);
    sip_txn_timers(ua, now, &next);
    sip_call_timers(ua, now, &next);
    sip_register_timers(ua, now, &next);
    return next;
}

int galois_sip_ua_timeout(const struct galois_sip_ua *ua)
{
    // The earliest armed timer, read without running anything.
    uint64_t next = UINT64_MAX;
    for (size_t i = 0; i < SIP_MAX_TXNS; i++) {
        const struct sip_txn *t = &ua->txns[i];
        const uint64_t timers[] = {t->t_linger, t->t_timeout, t->t_retransmit};
        for (size_t k = 0; t->kind != TXN_NONE && k < 3; k++) {
            if (timers[k] != 0 && timers[k] < next) {
                next = timers[k];
            }
        }
    }
    for (size_t i = 0; i < SIP_MAX_CONNS; i++) {
        const struct sip_conn *c = &ua->conns[i];
        if (c->used && c->deadline_ms != 0 && c->deadline_ms < next) {
            next = c->deadline_ms;
        }
        if (c->used && c->keepalive_ms != 0 && c->keepalive_ms < next) {
            next = c->keepalive_ms;
        }
    }
    for (size_t i = 0; i < GALOIS_SIP_MAX_CALLS; i++) {
        const struct galois_sip_call *c = ua->calls[i];
        if (c != NULL && c->state == CALL_UP) {
            sip_reinvite_next(c, &next);
            sip_modify_next(c, &next);
        }
        if (c != NULL && c->state == CALL_IN_ANSWERED) {
            if (c->t_ack_wait != 0 && c->t_ack_wait < next) {
                next = c->t_ack_wait;
            }
            if (c->t_ack_deadline != 0 && c->t_ack_deadline < next) {
                next = c->t_ack_deadline;
            }
        }
    }
    if (ua->t_reg_refresh != 0 && ua->t_reg_refresh < next) {
        next = ua->t_reg_refresh;
    }
    if (next == UINT64_MAX) {
        return -1;
    }
    uint64_t now = sip_now_ms();
    if (next <= now) {
        return 0;
    }
    uint64_t ms = next - now;
    return ms > 60000 ? 60000 : (int)ms;
}

void galois_sip_ua_process(struct galois_sip_ua *ua, const struct pollfd *fds, size_t num_fds)
{
    sip_transport_process(ua, fds, num_fds);
    (void)run_timers(ua);
}

static void respond_simple(struct galois_sip_ua *ua, struct sip_txn *t, osip_message_t *req,
                           int status, const char *extra)
{
    char *text = malloc(SIP_MAX_TEXT);
    size_t len = 0;
    char tag[SIP_TOKEN_LEN];
    if (text != NULL && galois_sip_token(tag, sizeof(tag), "", 8) == GALOIS_ERR_OK &&
        sip_response_text(text, SIP_MAX_TEXT, &len, ua, req, status, NULL, tag, extra, NULL) ==
            GALOIS_ERR_OK) {
        sip_txn_respond(ua, t, status, text, len);
    }
    free(text);
}

static void receive_request(struct galois_sip_ua *ua, osip_message_t *req, struct sip_conn *conn,
                            const struct sip_dest *from)
{
    const char *branch = galois_sip_msg_branch(req);
    if (branch == NULL) {
        return;
    }
    if (MSG_IS_ACK(req)) {
        struct sip_txn *t = sip_txn_find_server(ua, branch, "INVITE");
        if (t != NULL && t->state == TS_COMPLETED) {
            sip_txn_server_again(ua, t, true);  // the ACK of our failure response
            return;
        }
        sip_call_ack(ua, req);  // the ACK of a 2xx is the dialog's
        return;
    }
    struct sip_txn *t = sip_txn_find_server(ua, branch, req->sip_method);
    if (t != NULL) {
        sip_txn_server_again(ua, t, false);  // a retransmission
        return;
    }
    t = sip_txn_server(ua, req, conn, from);
    if (t == NULL) {
        return;  // no room: the peer retransmits or times out
    }
    if (MSG_IS_INVITE(req) || MSG_IS_BYE(req)) {
        sip_call_request(ua, t->request, t, conn, from);
    } else if (MSG_IS_CANCEL(req)) {
        sip_call_cancel(ua, t->request, t);
    } else if (MSG_IS_OPTIONS(req)) {
        respond_simple(ua, t, t->request, 200,
                       "Allow: INVITE, ACK, BYE, CANCEL, OPTIONS\r\nAccept: application/sdp\r\n");
    } else {
        respond_simple(ua, t, t->request, 405, "Allow: INVITE, ACK, BYE, CANCEL, OPTIONS\r\n");
    }
}

static void receive_response(struct galois_sip_ua *ua, osip_message_t *resp)
{
    const char *branch = galois_sip_msg_branch(resp);
    uint32_t cseq = 0;
    const char *method = NULL;
    if (branch == NULL || !galois_sip_msg_cseq(resp, &cseq, &method)) {
        return;
    }
    struct sip_txn *t = sip_txn_find_client(ua, branch, method);
    if (t != NULL) {
        sip_txn_client_response(ua, t, resp);
        return;
    }
    int status = osip_message_get_status_code(resp);
    if (strcmp(method, "INVITE") == 0 && status >= 200 && status < 300) {
        sip_call_2xx_again(ua, resp);
    }
}

void sip_receive(struct galois_sip_ua *ua, osip_message_t *m, struct sip_conn *conn,
                 const struct sip_dest *from)
{
    if (MSG_IS_REQUEST(m)) {
        receive_request(ua, m, conn, from);
    } else {
        receive_response(ua, m);
    }
}

static void on_options_response(struct galois_sip_ua *ua, void *owner, osip_message_t *resp,
                                int status, const char *reason)
{
    (void)owner;
    if (resp != NULL && status < 200) {
        return;
    }
    char *text = NULL;
    size_t len = 0;
    if (resp != NULL) {
        (void)osip_message_to_str(resp, &text, &len);
    }
    sip_event(ua, GALOIS_SIP_EV_OPTIONS_RESPONSE, NULL, status, reason, false, text);
    osip_free(text);
}

galois_err galois_sip_ua_options(struct galois_sip_ua *ua, const char *uri, char *why,
                                 size_t max_why)
{
    struct galois_sip_target target;
    galois_err err = galois_sip_target_parse(&target, uri, why, max_why);
    if (err != GALOIS_ERR_OK) {
        return GALOIS_ERR_INVALID;
    }
    struct sip_dest dest;
    err = sip_dest_resolve(&dest, ua->have_via ? &ua->via : &target, why, max_why);
    if (err != GALOIS_ERR_OK) {
        return err;
    }
    struct sip_conn *conn = NULL;
    err = sip_conn_get(ua, &dest, &conn, why, max_why);
    if (err != GALOIS_ERR_OK) {
        return err;
    }
    char host[GALOIS_SIP_MAX_ADDR];
    uint16_t port = 0;
    sip_local_hostport(ua, &dest, conn, host, sizeof(host), &port);
    char branch[SIP_TOKEN_LEN];
    char tag[SIP_TOKEN_LEN];
    char call_id[SIP_TOKEN_LEN];
    if (galois_sip_token(branch, sizeof(branch), "z9hG4bK", 10) != GALOIS_ERR_OK ||
        galois_sip_token(tag, sizeof(tag), "", 8) != GALOIS_ERR_OK ||
        galois_sip_token(call_id, sizeof(call_id), "", 16) != GALOIS_ERR_OK) {
        return GALOIS_ERR_CRYPTO;
    }
    bool v6 = strchr(host, ':') != NULL;
    const char *scheme = target.sips ? "sips" : "sip";
    ua->options_cseq++;
    int n = snprintf(
        ua->scratch, SIP_MAX_TEXT,
        "OPTIONS %s SIP/2.0\r\nVia: SIP/2.0/%s %s%s%s:%u;branch=%s;rport\r\n"
        "Max-Forwards: 70\r\nFrom: <%s:%s@%s>;tag=%s\r\nTo: <%s>\r\nCall-ID: %s\r\n"
        "CSeq: %u OPTIONS\r\nAccept: application/sdp\r\nUser-Agent: %s\r\n"
        "Content-Length: 0\r\n\r\n",
        uri, sip_transport_name(dest.transport), v6 ? "[" : "", host, v6 ? "]" : "", (unsigned)port,
        branch, scheme, ua->cfg.user[0] != '\0' ? ua->cfg.user : "anonymous",
        ua->cfg.domain[0] != '\0' ? ua->cfg.domain : target.host, tag, uri, call_id,
        ua->options_cseq, ua->cfg.user_agent[0] != '\0' ? ua->cfg.user_agent : "galois");
    if (n <= 0 || (size_t)n >= SIP_MAX_TEXT) {
        snprintf(why, max_why, "OPTIONS too long");
        return GALOIS_ERR_LIMIT;
    }
    if (sip_txn_client(ua, TXN_NICT, branch, "OPTIONS", ua->options_cseq, &dest, ua->scratch,
                       (size_t)n, on_options_response, NULL, why, max_why) == NULL) {
        return GALOIS_ERR_IO;
    }
    return GALOIS_ERR_OK;
}
