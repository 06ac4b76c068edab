// SIP transactions (RFC 3261 §17, with the Accepted state of RFC 6026). The four machines are
// tables of transitions; what a transaction does in a state is one do_<state> function. An
// event a table does not list for the current state is ignored (the table gives TS_ILLEGAL).
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ua.h"

typedef enum sip_txn_state txn_table[TS_COUNT][TE_COUNT];

static const txn_table invite_client = {
    [TS_CALLING] = {[TE_1XX] = TS_PROCEEDING,
                    [TE_2XX] = TS_ACCEPTED,
                    [TE_FAIL] = TS_COMPLETED,
                    [TE_RETRANSMIT] = TS_CALLING,
                    [TE_TIMEOUT] = TS_TERMINATED,
                    [TE_TRANSPORT] = TS_TERMINATED},
    [TS_PROCEEDING] = {[TE_1XX] = TS_PROCEEDING,
                       [TE_2XX] = TS_ACCEPTED,
                       [TE_FAIL] = TS_COMPLETED,
                       [TE_TIMEOUT] = TS_TERMINATED,
                       [TE_TRANSPORT] = TS_TERMINATED},
    [TS_COMPLETED] =
        {[TE_FAIL] = TS_COMPLETED, [TE_LINGER] = TS_TERMINATED, [TE_TRANSPORT] = TS_TERMINATED},
    [TS_ACCEPTED] = {[TE_2XX] = TS_ACCEPTED, [TE_LINGER] = TS_TERMINATED},
};

static const txn_table non_invite_client = {
    [TS_TRYING] = {[TE_1XX] = TS_PROCEEDING,
                   [TE_2XX] = TS_COMPLETED,
                   [TE_FAIL] = TS_COMPLETED,
                   [TE_RETRANSMIT] = TS_TRYING,
                   [TE_TIMEOUT] = TS_TERMINATED,
                   [TE_TRANSPORT] = TS_TERMINATED},
    [TS_PROCEEDING] = {[TE_1XX] = TS_PROCEEDING,
                       [TE_2XX] = TS_COMPLETED,
                       [TE_FAIL] = TS_COMPLETED,
                       [TE_RETRANSMIT] = TS_PROCEEDING,
                       [TE_TIMEOUT] = TS_TERMINATED,
                       [TE_TRANSPORT] = TS_TERMINATED},
    [TS_COMPLETED] = {[TE_LINGER] = TS_TERMINATED},
};

static const txn_table invite_server = {
    [TS_PROCEEDING] = {[TE_REQUEST] = TS_PROCEEDING,
                       [TE_1XX] = TS_PROCEEDING,
                       [TE_2XX] = TS_ACCEPTED,
                       [TE_FAIL] = TS_COMPLETED,
                       [TE_TRANSPORT] = TS_TERMINATED},
    [TS_COMPLETED] = {[TE_REQUEST] = TS_COMPLETED,
                      [TE_ACK] = TS_CONFIRMED,
                      [TE_RETRANSMIT] = TS_COMPLETED,
                      [TE_TIMEOUT] = TS_TERMINATED,
                      [TE_TRANSPORT] = TS_TERMINATED},
    [TS_CONFIRMED] = {[TE_ACK] = TS_CONFIRMED, [TE_LINGER] = TS_TERMINATED},
    [TS_ACCEPTED] =
        {[TE_REQUEST] = TS_ACCEPTED, [TE_2XX] = TS_ACCEPTED, [TE_LINGER] = TS_TERMINATED},
};

static const txn_table non_invite_server = {
    [TS_TRYING] = {[TE_REQUEST] = TS_TRYING,
                   [TE_1XX] = TS_PROCEEDING,
                   [TE_2XX] = TS_COMPLETED,
                   [TE_FAIL] = TS_COMPLETED,
                   [TE_TRANSPORT] = TS_TERMINATED},
    [TS_PROCEEDING] = {[TE_REQUEST] = TS_PROCEEDING,
                       [TE_1XX] = TS_PROCEEDING,
                       [TE_2XX] = TS_COMPLETED,
                       [TE_FAIL] = TS_COMPLETED,
                       [TE_TRANSPORT] = TS_TERMINATED},
    [TS_COMPLETED] = {[TE_REQUEST] = TS_COMPLETED, [TE_LINGER] = TS_TERMINATED},
};

static const txn_table *const tables[] = {
    [TXN_ICT] = &invite_client,
    [TXN_NICT] = &non_invite_client,
    [TXN_IST] = &invite_server,
    [TXN_NIST] = &non_invite_server,
};

// What an event carries to the do_<state> functions.
struct txn_input {
    enum sip_txn_event ev;
    osip_message_t *resp;  // client: the response
    int status;
    const char *reason;
};

static bool reliable(const struct sip_txn *t)
{
    return t->dest.transport != GALOIS_SIP_TRANSPORT_UDP;
}

static void resend(struct galois_sip_ua *ua, struct sip_txn *t)
{
    if (t->sent == NULL) {
        return;
    }
    char why[GALOIS_SIP_MAX_REASON];
    (void)sip_send(ua, &t->dest, &t->conn, t->sent, t->sent_len, why, sizeof(why));
}

static void report(struct galois_sip_ua *ua, struct sip_txn *t, const struct txn_input *in)
{
    if (t->on_response != NULL) {
        t->on_response(ua, t->owner, in->resp, in->status, in->reason);
    }
}

// ack_non_2xx sends the ACK of an INVITE client transaction for a 300-699 response
// (RFC 3261 §17.1.1.3): the INVITE's Request-URI, top Via, From, Call-ID and Route, the
// response's To, CSeq with the same number.
static void ack_non_2xx(struct galois_sip_ua *ua, struct sip_txn *t, osip_message_t *resp)
{
    osip_message_t *inv = t->request;
    if (inv == NULL || resp == NULL) {
        return;
    }
    char *ruri = NULL;
    char *via = NULL;
    char *from = NULL;
    char *to = NULL;
    osip_via_t *v = osip_list_get(&inv->vias, 0);
    if (osip_uri_to_str(inv->req_uri, &ruri) != 0 || v == NULL || osip_via_to_str(v, &via) != 0 ||
        osip_from_to_str(inv->from, &from) != 0 || osip_to_to_str(resp->to, &to) != 0) {
        goto out;
    }
    char routes[2048] = "";
    size_t off = 0;
    for (int i = 0; i < osip_list_size(&inv->routes); i++) {
        char *r = NULL;
        if (osip_route_to_str(osip_list_get(&inv->routes, i), &r) == 0 && off < sizeof(routes)) {
            int n = snprintf(routes + off, sizeof(routes) - off, "Route: %s\r\n", r);
            off += n > 0 ? (size_t)n : 0;
        }
        osip_free(r);
    }
    char *text = ua->scratch;
    int n = snprintf(text, SIP_MAX_TEXT,
                     "ACK %s SIP/2.0\r\nVia: %s\r\nMax-Forwards: 70\r\nFrom: %s\r\nTo: %s\r\n"
                     "Call-ID: %s\r\nCSeq: %u ACK\r\n%sContent-Length: 0\r\n\r\n",
                     ruri, via, from, to, osip_call_id_get_number(inv->call_id), t->cseq, routes);
    if (n > 0 && (size_t)n < SIP_MAX_TEXT) {
        char why[GALOIS_SIP_MAX_REASON];
        (void)sip_send(ua, &t->dest, &t->conn, text, (size_t)n, why, sizeof(why));
    }
out:
    osip_free(ruri);
    osip_free(via);
    osip_free(from);
    osip_free(to);
}

static void do_calling(struct galois_sip_ua *ua, struct sip_txn *t, const struct txn_input *in)
{
    if (in->ev == TE_RETRANSMIT) {  // timer A (UDP only)
        resend(ua, t);
        t->interval_ms *= 2;
        t->t_retransmit = sip_now_ms() + t->interval_ms;
    }
}

static void do_trying(struct galois_sip_ua *ua, struct sip_txn *t, const struct txn_input *in)
{
    if (in->ev == TE_RETRANSMIT) {  // timer E
        resend(ua, t);
        t->interval_ms = t->interval_ms * 2 < SIP_T2_MS ? t->interval_ms * 2 : SIP_T2_MS;
        t->t_retransmit = sip_now_ms() + t->interval_ms;
    } else if (in->ev == TE_REQUEST) {
        resend(ua, t);  // a server resends its last response, if any
    }
}

static void do_proceeding(struct galois_sip_ua *ua, struct sip_txn *t, const struct txn_input *in)
{
    switch (t->kind) {
        case TXN_ICT:
            t->t_retransmit = 0;
            t->t_timeout = 0;  // timer B runs only while Calling
            if (in->ev == TE_1XX) {
                report(ua, t, in);
            }
            break;
        case TXN_NICT:
            if (in->ev == TE_1XX) {
                t->interval_ms = SIP_T2_MS;
                report(ua, t, in);
            } else if (in->ev == TE_RETRANSMIT) {
                resend(ua, t);
                t->t_retransmit = sip_now_ms() + SIP_T2_MS;
            }
            break;
        default:
            if (in->ev == TE_REQUEST) {
                resend(ua, t);
            }
            break;
    }
}

static void do_completed(struct galois_sip_ua *ua, struct sip_txn *t, const struct txn_input *in)
{
    uint64_t now = sip_now_ms();
    switch (t->kind) {
        case TXN_ICT:
            ack_non_2xx(ua, t, in->resp);
            if (t->t_linger == 0) {  // the first final response goes up; retransmissions do not
                t->t_retransmit = 0;
                t->t_timeout = 0;
                t->t_linger = now + (reliable(t) ? 0 : 32000);  // timer D
                report(ua, t, in);
            }
            break;
        case TXN_NICT:
            t->t_retransmit = 0;
            t->t_timeout = 0;
            t->t_linger = now + (reliable(t) ? 0 : SIP_T4_MS);  // timer K
            report(ua, t, in);
            break;
        case TXN_IST:
            if (in->ev == TE_FAIL) {
                t->t_timeout = now + SIP_TXN_TIMEOUT_MS;  // timer H
                if (!reliable(t)) {
                    t->interval_ms = SIP_T1_MS;
                    t->t_retransmit = now + t->interval_ms;  // timer G
                }
            } else if (in->ev == TE_RETRANSMIT) {
                resend(ua, t);
                t->interval_ms = t->interval_ms * 2 < SIP_T2_MS ? t->interval_ms * 2 : SIP_T2_MS;
                t->t_retransmit = now + t->interval_ms;
            } else if (in->ev == TE_REQUEST) {
                resend(ua, t);
            }
            break;
        default:  // NIST
            if (in->ev == TE_REQUEST) {
                resend(ua, t);
            } else {
                t->t_linger = now + (reliable(t) ? 0 : SIP_TXN_TIMEOUT_MS);  // timer J
            }
            break;
    }
}

static void do_accepted(struct galois_sip_ua *ua, struct sip_txn *t, const struct txn_input *in)
{
    uint64_t now = sip_now_ms();
    t->t_retransmit = 0;
    t->t_timeout = 0;
    if (t->t_linger == 0) {
        t->t_linger = now + SIP_TXN_TIMEOUT_MS;  // timers M and L
    }
    if (t->kind == TXN_ICT && in->ev == TE_2XX) {
        report(ua, t, in);  // every 2xx: the call layer ACKs each (RFC 6026 §8.4)
    }
}

static void do_confirmed(struct galois_sip_ua *ua, struct sip_txn *t, const struct txn_input *in)
{
    (void)ua;
    (void)in;
    t->t_retransmit = 0;
    t->t_timeout = 0;
    if (t->t_linger == 0) {
        t->t_linger = sip_now_ms() + (reliable(t) ? 0 : SIP_T4_MS);  // timer I
    }
}

static void txn_free(struct sip_txn *t)
{
    free(t->sent);
    if (t->request != NULL) {
        osip_message_free(t->request);
    }
    memset(t, 0, sizeof(*t));
}

static void do_terminated(struct galois_sip_ua *ua, struct sip_txn *t, const struct txn_input *in)
{
    bool client = t->kind == TXN_ICT || t->kind == TXN_NICT;
    if (client && (in->ev == TE_TIMEOUT || in->ev == TE_TRANSPORT)) {
        report(ua, t, in);
    }
    txn_free(t);
}

static void (*const actions[TS_COUNT])(struct galois_sip_ua *, struct sip_txn *,
                                       const struct txn_input *) = {
    [TS_CALLING] = do_calling,       [TS_TRYING] = do_trying,     [TS_PROCEEDING] = do_proceeding,
    [TS_COMPLETED] = do_completed,   [TS_ACCEPTED] = do_accepted, [TS_CONFIRMED] = do_confirmed,
    [TS_TERMINATED] = do_terminated,
};

static void step(struct galois_sip_ua *ua, struct sip_txn *t, const struct txn_input *in)
{
    enum sip_txn_state next = (*tables[t->kind])[t->state][in->ev];
    if (next == TS_ILLEGAL) {
        return;
    }
    t->state = next;
    actions[next](ua, t, in);
}

static struct sip_txn *txn_alloc(struct galois_sip_ua *ua)
{
    for (size_t i = 0; i < SIP_MAX_TXNS; i++) {
        if (ua->txns[i].kind == TXN_NONE) {
            return &ua->txns[i];
        }
    }
    return NULL;
}

struct sip_txn *sip_txn_client(struct galois_sip_ua *ua, enum sip_txn_kind kind, const char *branch,
                               const char *method, uint32_t cseq, const struct sip_dest *dest,
                               const char *text, size_t len, sip_response_fn fn, void *owner,
                               char *why, size_t max_why)
{
    struct sip_txn *t = txn_alloc(ua);
    if (t == NULL) {
        snprintf(why, max_why, "too many transactions");
        return NULL;
    }
    memset(t, 0, sizeof(*t));
    t->sent = malloc(len);
    if (t->sent == NULL) {
        snprintf(why, max_why, "out of memory");
        return NULL;
    }
    memcpy(t->sent, text, len);
    t->sent_len = len;
    // The request as parsed, for the ACK of a failure and for CANCEL.
    char parse_why[GALOIS_SIP_MAX_REASON];
    if (galois_sip_msg_parse(&t->request, (const uint8_t *)text, len, parse_why,
                             sizeof(parse_why)) != GALOIS_ERR_OK) {
        snprintf(why, max_why, "internal: our %s does not parse: %s", method, parse_why);
        txn_free(t);
        return NULL;
    }
    t->kind = kind;
    t->state = kind == TXN_ICT ? TS_CALLING : TS_TRYING;
    snprintf(t->branch, sizeof(t->branch), "%s", branch);
    snprintf(t->method, sizeof(t->method), "%s", method);
    t->cseq = cseq;
    t->dest = *dest;
    t->on_response = fn;
    t->owner = owner;
    uint64_t now = sip_now_ms();
    t->t_timeout = now + SIP_TXN_TIMEOUT_MS;  // timers B and F
    if (!reliable(t)) {
        t->interval_ms = SIP_T1_MS;
        t->t_retransmit = now + SIP_T1_MS;  // timers A and E
    }
    galois_err err = sip_send(ua, &t->dest, &t->conn, text, len, why, max_why);
    if (err != GALOIS_ERR_OK) {
        txn_free(t);
        return NULL;
    }
    return t;
}

struct sip_txn *sip_txn_server(struct galois_sip_ua *ua, osip_message_t *req, struct sip_conn *conn,
                               const struct sip_dest *from)
{
    struct sip_txn *t = txn_alloc(ua);
    if (t == NULL) {
        return NULL;
    }
    memset(t, 0, sizeof(*t));
    if (osip_message_clone(req, &t->request) != 0) {
        return NULL;
    }
    bool invite = MSG_IS_INVITE(req);
    t->kind = invite ? TXN_IST : TXN_NIST;
    t->state = invite ? TS_PROCEEDING : TS_TRYING;
    const char *branch = galois_sip_msg_branch(req);
    snprintf(t->branch, sizeof(t->branch), "%s", branch != NULL ? branch : "");
    snprintf(t->method, sizeof(t->method), "%s", req->sip_method);
    const char *method = NULL;
    (void)galois_sip_msg_cseq(req, &t->cseq, &method);
    t->dest = *from;
    t->conn = conn;
    return t;
}

struct sip_txn *sip_txn_find_client(struct galois_sip_ua *ua, const char *branch,
                                    const char *method)
{
    for (size_t i = 0; i < SIP_MAX_TXNS; i++) {
        struct sip_txn *t = &ua->txns[i];
        if ((t->kind == TXN_ICT || t->kind == TXN_NICT) && strcmp(t->branch, branch) == 0 &&
            strcmp(t->method, method) == 0) {
            return t;
        }
    }
    return NULL;
}

struct sip_txn *sip_txn_find_server(struct galois_sip_ua *ua, const char *branch,
                                    const char *method)
{
    for (size_t i = 0; i < SIP_MAX_TXNS; i++) {
        struct sip_txn *t = &ua->txns[i];
        if ((t->kind == TXN_IST || t->kind == TXN_NIST) && strcmp(t->branch, branch) == 0 &&
            strcmp(t->method, method) == 0) {
            return t;
        }
    }
    return NULL;
}

void sip_txn_client_response(struct galois_sip_ua *ua, struct sip_txn *t, osip_message_t *resp)
{
    int status = osip_message_get_status_code(resp);
    const char *phrase = osip_message_get_reason_phrase(resp);
    struct txn_input in = {
        .ev = status < 200   ? TE_1XX
              : status < 300 ? TE_2XX
                             : TE_FAIL,
        .resp = resp,
        .status = status,
        .reason = phrase != NULL ? phrase : "",
    };
    step(ua, t, &in);
}

void sip_txn_respond(struct galois_sip_ua *ua, struct sip_txn *t, int status, const char *text,
                     size_t len)
{
    char *copy = malloc(len);
    if (copy == NULL) {
        return;
    }
    memcpy(copy, text, len);
    free(t->sent);
    t->sent = copy;
    t->sent_len = len;
    char why[GALOIS_SIP_MAX_REASON];
    (void)sip_send(ua, &t->dest, &t->conn, text, len, why, sizeof(why));
    struct txn_input in = {.ev = status < 200   ? TE_1XX
                                 : status < 300 ? TE_2XX
                                                : TE_FAIL,
                           .status = status};
    step(ua, t, &in);
}

void sip_txn_server_again(struct galois_sip_ua *ua, struct sip_txn *t, bool ack)
{
    struct txn_input in = {.ev = ack ? TE_ACK : TE_REQUEST};
    step(ua, t, &in);
}

void sip_txn_timers(struct galois_sip_ua *ua, uint64_t now, uint64_t *next)
{
    for (size_t i = 0; i < SIP_MAX_TXNS; i++) {
        struct sip_txn *t = &ua->txns[i];
        if (t->kind == TXN_NONE) {
            continue;
        }
        struct txn_input in = {.ev = TE_NONE};
        if (t->t_linger != 0 && now >= t->t_linger) {
            in.ev = TE_LINGER;
        } else if (t->t_timeout != 0 && now >= t->t_timeout) {
            in.ev = TE_TIMEOUT;
            in.status = 408;
            in.reason = "Request Timeout (no response)";
            t->t_timeout = 0;
        } else if (t->t_retransmit != 0 && now >= t->t_retransmit) {
            in.ev = TE_RETRANSMIT;
            t->t_retransmit = 0;
        }
        if (in.ev != TE_NONE) {
            step(ua, t, &in);
            if (t->kind == TXN_NONE) {
                continue;
            }
        }
        const uint64_t timers[] = {t->t_linger, t->t_timeout, t->t_retransmit};
        for (size_t k = 0; k < sizeof(timers) / sizeof(timers[0]); k++) {
            if (timers[k] != 0 && timers[k] < *next) {
                *next = timers[k];
            }
        }
    }
}

void sip_txn_conn_failed(struct galois_sip_ua *ua, struct sip_conn *conn, const char *why)
{
    for (size_t i = 0; i < SIP_MAX_TXNS; i++) {
        struct sip_txn *t = &ua->txns[i];
        if (t->kind != TXN_NONE && t->conn == conn) {
            struct txn_input in = {.ev = TE_TRANSPORT, .status = 503, .reason = why};
            step(ua, t, &in);
        }
    }
}

void sip_txn_forget_owner(struct galois_sip_ua *ua, void *owner)
{
    for (size_t i = 0; i < SIP_MAX_TXNS; i++) {
        if (ua->txns[i].owner == owner) {
            ua->txns[i].on_response = NULL;
            ua->txns[i].owner = NULL;
        }
    }
}

bool sip_txn_busy(const struct galois_sip_ua *ua)
{
    for (size_t i = 0; i < SIP_MAX_TXNS; i++) {
        const struct sip_txn *t = &ua->txns[i];
        // a transaction only waiting out its absorbing timer is not work in progress
        if (t->kind != TXN_NONE && t->state != TS_COMPLETED && t->state != TS_CONFIRMED &&
            t->state != TS_ACCEPTED) {
            return true;
        }
    }
    return false;
}
