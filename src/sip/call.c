// Calls and their dialogs (RFC 3261 §12-15): placing a call (INVITE, authentication, ACK,
// CANCEL), answering one, BYE both ways, and the SDP offer/answer through the SDES layer,
// whose per-direction policy decides the suite. An offer that the policy refuses is answered
// with 488 and a Warning naming the reason (RFC 3261 §20.43, code 305).
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ua.h"

enum {
    MAX_AUTH_TRIES = 2,
};

static const char *ua_name(const struct galois_sip_ua *ua)
{
    return ua->cfg.user_agent[0] != '\0' ? ua->cfg.user_agent : "galois";
}

void galois_sip_media_cleanup(struct galois_sip_media *m)
{
    if (m != NULL) {
        galois_secure_zero(m, sizeof(*m));
    }
}

void sip_call_end(struct galois_sip_call *c, int status, const char *reason, bool local)
{
    if (c->state == CALL_ENDED) {
        return;
    }
    c->state = CALL_ENDED;
    c->end_status = status;
    sip_copy(c->end_reason, sizeof(c->end_reason), reason != NULL ? reason : "");
    c->t_ack_wait = 0;
    c->t_ack_deadline = 0;
    sip_event(c->ua, GALOIS_SIP_EV_ENDED, c, status, c->end_reason, local, NULL);
}

static struct galois_sip_call *call_alloc(struct galois_sip_ua *ua)
{
    for (size_t i = 0; i < GALOIS_SIP_MAX_CALLS; i++) {
        if (ua->calls[i] == NULL) {
            struct galois_sip_call *c = calloc(1, sizeof(*c));
            if (c != NULL) {
                c->ua = ua;
                ua->calls[i] = c;
            }
            return c;
        }
    }
    return NULL;
}

static void call_free(struct galois_sip_call *c)
{
    if (c == NULL) {
        return;
    }
    sip_reinvite_free(&c->re);
    sip_modify_free(&c->mod);
    struct galois_sip_ua *ua = c->ua;
    for (size_t i = 0; i < GALOIS_SIP_MAX_CALLS; i++) {
        if (ua->calls[i] == c) {
            ua->calls[i] = NULL;
        }
    }
    sip_txn_forget_owner(ua, c);
    galois_sdes_session_free(c->sdes);
    galois_sdp_free(c->offer);
    galois_sdp_free(c->answer);
    galois_sdes_result_free(c->result);
    if (c->offer_text != NULL) {
        galois_secure_zero(c->offer_text, strlen(c->offer_text));
    }
    free(c->offer_text);
    free(c->invite_text);
    free(c->ack_text);
    if (c->ok_text != NULL) {
        galois_secure_zero(c->ok_text, c->ok_len);
    }
    free(c->ok_text);
    galois_secure_zero(c, sizeof(*c));
    free(c);
}

void galois_sip_call_release(struct galois_sip_call *call)
{
    call_free(call);
}

void sip_calls_free(struct galois_sip_ua *ua)
{
    for (size_t i = 0; i < GALOIS_SIP_MAX_CALLS; i++) {
        call_free(ua->calls[i]);
    }
}

const char *galois_sip_call_peer(const struct galois_sip_call *call)
{
    return call->remote_uri;
}

galois_err galois_sip_call_media(const struct galois_sip_call *call, struct galois_sip_media *out)
{
    if (!call->have_media) {
        return GALOIS_ERR_STATE;
    }
    *out = call->media;
    return GALOIS_ERR_OK;
}

galois_err galois_sip_call_tls_info(const struct galois_sip_call *call, struct galois_tls_info *out)
{
    if (!call->have_tls_info) {
        return GALOIS_ERR_NOT_FOUND;
    }
    *out = call->tls_info;
    return GALOIS_ERR_OK;
}

static void keep_tls_info(struct galois_sip_call *c, const struct sip_conn *conn)
{
    if (conn != NULL && conn->have_tls_info) {
        c->tls_info = conn->tls_info;
        c->have_tls_info = true;
    }
}

// build_offer makes our SDP offer for an outgoing call into c->offer_text (offer.c writes the
// description, the SDES layer its keys).
static galois_err build_offer(struct galois_sip_call *c, char *why, size_t max_why)
{
    char sess_id[32];
    snprintf(sess_id, sizeof(sess_id), "%u", (unsigned)(sip_now_ms() & 0x7fffffff));
    galois_err err = sip_offer_sdp(&c->offer, &c->media_local, sess_id, 1, 0, GALOIS_SDP_SENDRECV);
    if (err == GALOIS_ERR_OK) {
        err = galois_sdes_session_new(&c->sdes, &c->ua->cfg.srtp_out);
    }
    if (err == GALOIS_ERR_OK) {
        err = galois_sdes_offer(c->sdes, c->offer, false);
    }
    if (err == GALOIS_ERR_OK) {
        err = sip_offer_text(&c->offer_text, c->offer);
    }
    if (err != GALOIS_ERR_OK) {
        snprintf(why, max_why, "cannot build the SDP offer: %s", galois_err_str(err));
        return err;
    }
    snprintf(c->sdp_sess_id, sizeof(c->sdp_sess_id), "%s", sess_id);
    c->sdp_version = 1;
    return GALOIS_ERR_OK;
}

static galois_err new_token(char *out, size_t max, const char *prefix, size_t bytes)
{
    return galois_sip_token(out, max, prefix, bytes);
}

static void on_invite_response(struct galois_sip_ua *ua, void *owner, osip_message_t *resp,
                               int status, const char *reason);

// send_invite sends (or sends again, authenticated) the INVITE of outgoing call `c`.
static galois_err send_invite(struct galois_sip_call *c, const char *auth, char *why,
                              size_t max_why)
{
    struct galois_sip_ua *ua = c->ua;
    struct sip_conn *conn = NULL;
    galois_err err = sip_conn_get(ua, &c->first_hop, &conn, why, max_why);
    if (err != GALOIS_ERR_OK) {
        return err;
    }
    char host[GALOIS_SIP_MAX_ADDR];
    uint16_t port = 0;
    sip_local_hostport(ua, &c->first_hop, conn, host, sizeof(host), &port);
    char contact[GALOIS_SIP_MAX_URI + 64];
    sip_contact(ua, &c->first_hop, conn, c->secure, contact, sizeof(contact));
    err = new_token(c->invite_branch, sizeof(c->invite_branch), "z9hG4bK", 10);
    if (err != GALOIS_ERR_OK) {
        return err;
    }
    c->local_cseq++;
    bool v6 = strchr(host, ':') != NULL;
    char *text = ua->scratch;
    int n = snprintf(
        text, SIP_MAX_TEXT,
        "INVITE %s SIP/2.0\r\nVia: SIP/2.0/%s %s%s%s:%u;branch=%s;rport\r\nMax-Forwards: 70\r\n"
        "From: <%s>;tag=%s\r\nTo: <%s>\r\nCall-ID: %s\r\nCSeq: %u INVITE\r\nContact: "
        "%s\r\n" SIP_ALLOW_HEADER
        "User-Agent: %s\r\n%sContent-Type: application/sdp\r\n"
        "Content-Length: %zu\r\n\r\n%s",
        c->remote_uri, sip_transport_name(c->first_hop.transport), v6 ? "[" : "", host,
        v6 ? "]" : "", (unsigned)port, c->invite_branch, c->local_uri, c->local_tag, c->remote_uri,
        c->call_id, c->local_cseq, contact, ua_name(ua), auth != NULL ? auth : "",
        strlen(c->offer_text), c->offer_text);
    if (n <= 0 || (size_t)n >= SIP_MAX_TEXT) {
        snprintf(why, max_why, "INVITE too long");
        return GALOIS_ERR_LIMIT;
    }
    struct sip_txn *t =
        sip_txn_client(ua, TXN_ICT, c->invite_branch, "INVITE", c->local_cseq, &c->first_hop, text,
                       (size_t)n, on_invite_response, c, why, max_why);
    galois_secure_zero(text, (size_t)n);
    if (t == NULL) {
        return GALOIS_ERR_IO;
    }
    c->invite_txn = t;
    c->out_conn = t->conn;
    return GALOIS_ERR_OK;
}

galois_err galois_sip_call_new(struct galois_sip_ua *ua, struct galois_sip_call **out,
                               const char *uri, const struct galois_sip_media_local *media,
                               char *why, size_t max_why)
{
    *out = NULL;
    struct galois_sip_target target;
    galois_err err = galois_sip_target_parse(&target, uri, why, max_why);
    if (err != GALOIS_ERR_OK) {
        return GALOIS_ERR_INVALID;
    }
    struct sip_dest hop;
    err = sip_dest_resolve(&hop, ua->have_via ? &ua->via : &target, why, max_why);
    if (err != GALOIS_ERR_OK) {
        return err;
    }
    if (target.sips && hop.transport != GALOIS_SIP_TRANSPORT_TLS) {
        snprintf(why, max_why, "%s is a sips: URI, but the next hop is %s: sips needs TLS", uri,
                 sip_transport_name(hop.transport));
        return GALOIS_ERR_POLICY;
    }
    if (sip_sdes_needs_tls(&ua->cfg.srtp_out) && hop.transport != GALOIS_SIP_TRANSPORT_TLS &&
        !ua->cfg.allow_sdes_without_tls) {
        snprintf(why, max_why,
                 "the SRTP keys (SDES) would travel in clear over %s to %s: use TLS, or allow "
                 "it explicitly",
                 sip_transport_name(hop.transport), hop.host);
        return GALOIS_ERR_POLICY;
    }
    struct galois_sip_call *c = call_alloc(ua);
    if (c == NULL) {
        snprintf(why, max_why, "too many calls");
        return GALOIS_ERR_LIMIT;
    }
    c->outgoing = true;
    c->secure = target.sips;
    c->first_hop = hop;
    c->media_local = *media;
    snprintf(c->remote_uri, sizeof(c->remote_uri), "%s", uri);
    const char *domain = ua->cfg.domain[0] != '\0' ? ua->cfg.domain : target.host;
    snprintf(c->local_uri, sizeof(c->local_uri), "%s:%.63s@%.127s", c->secure ? "sips" : "sip",
             ua->cfg.user[0] != '\0' ? ua->cfg.user : "anonymous", domain);
    err = new_token(c->call_id, sizeof(c->call_id), "", 16);
    if (err == GALOIS_ERR_OK) {
        err = new_token(c->local_tag, sizeof(c->local_tag), "", 8);
    }
    if (err == GALOIS_ERR_OK) {
        err = build_offer(c, why, max_why);
    }
    if (err == GALOIS_ERR_OK) {
        err = send_invite(c, NULL, why, max_why);
    }
    if (err != GALOIS_ERR_OK) {
        call_free(c);
        return err;
    }
    c->state = CALL_OUT_CALLING;
    *out = c;
    return GALOIS_ERR_OK;
}

galois_err sip_dialog_request(struct galois_sip_call *c, const char *method, uint32_t cseq,
                              char *branch, size_t max_branch, struct sip_dest *dest,
                              const char *extra, const char *sdp, size_t *out_len, char *why,
                              size_t max_why)
{
    struct galois_sip_ua *ua = c->ua;
    const char *next = c->num_routes > 0 ? c->routes[0] : c->remote_target;
    // a Route value is "<uri>;params": the URI is inside the brackets
    char uri[GALOIS_SIP_MAX_URI];
    const char *lt = strchr(next, '<');
    const char *gt = lt != NULL ? strchr(lt, '>') : NULL;
    if (lt != NULL && gt != NULL) {
        snprintf(uri, sizeof(uri), "%.*s", (int)(gt - lt - 1), lt + 1);
    } else {
        snprintf(uri, sizeof(uri), "%s", next);
    }
    galois_err err = sip_dest_from_uri(dest, uri, why, max_why);
    if (err != GALOIS_ERR_OK) {
        return err;
    }
    struct sip_conn *conn = NULL;
    err = sip_conn_get(ua, dest, &conn, why, max_why);
    if (err != GALOIS_ERR_OK) {
        return err;
    }
    char host[GALOIS_SIP_MAX_ADDR];
    uint16_t port = 0;
    sip_local_hostport(ua, dest, conn, host, sizeof(host), &port);
    err = new_token(branch, max_branch, "z9hG4bK", 10);
    if (err != GALOIS_ERR_OK) {
        return err;
    }
    char routes[SIP_MAX_ROUTES * (GALOIS_SIP_MAX_URI + 16)] = "";
    size_t off = 0;
    for (size_t i = 0; i < c->num_routes; i++) {
        int n = snprintf(routes + off, sizeof(routes) - off, "Route: %s\r\n", c->routes[i]);
        off += n > 0 ? (size_t)n : 0;
    }
    char contact[GALOIS_SIP_MAX_URI + 128] = "";
    if (strcmp(method, "INVITE") == 0) {  // a re-INVITE names our Contact (RFC 3261 §14.1)
        char target[GALOIS_SIP_MAX_URI + 64];
        sip_contact(ua, dest, conn, c->secure, target, sizeof(target));
        snprintf(contact, sizeof(contact), "Contact: %s\r\n" SIP_ALLOW_HEADER, target);
    }
    bool v6 = strchr(host, ':') != NULL;
    int n = snprintf(ua->scratch, SIP_MAX_TEXT,
                     "%s %s SIP/2.0\r\nVia: SIP/2.0/%s %s%s%s:%u;branch=%s;rport\r\n"
                     "Max-Forwards: 70\r\nFrom: <%s>;tag=%s\r\nTo: <%s>%s%s\r\nCall-ID: %s\r\n"
                     "CSeq: %u %s\r\n%s%s%sUser-Agent: %s\r\n%sContent-Length: %zu\r\n\r\n%s",
                     method, c->remote_target, sip_transport_name(dest->transport), v6 ? "[" : "",
                     host, v6 ? "]" : "", (unsigned)port, branch, c->local_uri, c->local_tag,
                     c->remote_uri, c->remote_tag[0] != '\0' ? ";tag=" : "", c->remote_tag,
                     c->call_id, cseq, method, routes, contact, extra != NULL ? extra : "",
                     ua_name(ua), sdp != NULL ? "Content-Type: application/sdp\r\n" : "",
                     sdp != NULL ? strlen(sdp) : 0, sdp != NULL ? sdp : "");
    if (n <= 0 || (size_t)n >= SIP_MAX_TEXT) {
        snprintf(why, max_why, "%s too long", method);
        return GALOIS_ERR_LIMIT;
    }
    *out_len = (size_t)n;
    return GALOIS_ERR_OK;
}

static void on_bye_response(struct galois_sip_ua *ua, void *owner, osip_message_t *resp, int status,
                            const char *reason)
{
    (void)ua;
    (void)resp;
    struct galois_sip_call *c = owner;
    if (status < 200) {
        return;
    }
    char text[GALOIS_SIP_MAX_REASON];
    snprintf(text, sizeof(text), "hung up (BYE answered %d %s)", status, reason);
    sip_call_end(c, c->end_status != 0 ? c->end_status : 200, text, true);
}

galois_err sip_send_bye(struct galois_sip_call *c, char *why, size_t max_why)
{
    struct sip_dest dest;
    char branch[SIP_TOKEN_LEN];
    size_t len = 0;
    c->local_cseq++;
    galois_err err = sip_dialog_request(c, "BYE", c->local_cseq, branch, sizeof(branch), &dest,
                                        NULL, NULL, &len, why, max_why);
    if (err != GALOIS_ERR_OK) {
        return err;
    }
    struct sip_txn *t = sip_txn_client(c->ua, TXN_NICT, branch, "BYE", c->local_cseq, &dest,
                                       c->ua->scratch, len, on_bye_response, c, why, max_why);
    if (t == NULL) {
        return GALOIS_ERR_IO;
    }
    c->state = CALL_ENDING;
    return GALOIS_ERR_OK;
}

static void send_ack(struct galois_sip_call *c)
{
    if (c->ack_text == NULL) {
        struct sip_dest dest;
        char branch[SIP_TOKEN_LEN];
        size_t len = 0;
        char why[GALOIS_SIP_MAX_REASON];
        uint32_t cseq = c->invite_txn != NULL ? c->invite_txn->cseq : c->local_cseq;
        if (sip_dialog_request(c, "ACK", cseq, branch, sizeof(branch), &dest, NULL, NULL, &len, why,
                               sizeof(why)) != GALOIS_ERR_OK) {
            return;
        }
        c->ack_text = malloc(len);
        if (c->ack_text == NULL) {
            return;
        }
        memcpy(c->ack_text, c->ua->scratch, len);
        c->ack_len = len;
        c->in_dest = dest;
    }
    char why[GALOIS_SIP_MAX_REASON];
    struct sip_conn *conn = NULL;
    (void)sip_send(c->ua, &c->in_dest, &conn, c->ack_text, c->ack_len, why, sizeof(why));
}

// take_dialog records the dialog a 2xx (or 18x) to our INVITE set up: the remote tag, the
// remote target (Contact) and the route set (Record-Route, reversed: RFC 3261 §12.1.2).
static void take_dialog(struct galois_sip_call *c, const osip_message_t *resp)
{
    const char *tag = galois_sip_msg_to_tag(resp);
    snprintf(c->remote_tag, sizeof(c->remote_tag), "%s", tag != NULL ? tag : "");
    osip_contact_t *ct = osip_list_get(&resp->contacts, 0);
    char *s = NULL;
    if (ct != NULL && ct->url != NULL && osip_uri_to_str(ct->url, &s) == 0) {
        snprintf(c->remote_target, sizeof(c->remote_target), "%s", s);
    }
    osip_free(s);
    int n = osip_list_size(&resp->record_routes);
    c->num_routes = 0;
    for (int i = n - 1; i >= 0 && c->num_routes < SIP_MAX_ROUTES; i--) {
        char *r = NULL;
        if (osip_record_route_to_str(osip_list_get(&resp->record_routes, i), &r) == 0) {
            snprintf(c->routes[c->num_routes++], GALOIS_SIP_MAX_URI, "%s", r);
        }
        osip_free(r);
    }
}

void sip_warning_text(const osip_message_t *resp, char *out, size_t max_out)
{
    out[0] = '\0';
    osip_header_t *h = NULL;
    if (osip_message_header_get_byname(resp, "warning", 0, &h) >= 0 && h != NULL &&
        h->hvalue != NULL) {
        snprintf(out, max_out, " (Warning: %s)", h->hvalue);
    }
}

static void invite_2xx(struct galois_sip_call *c, osip_message_t *resp)
{
    if (c->state != CALL_OUT_CALLING) {
        send_ack(c);  // a retransmitted 2xx: ACK it again (RFC 3261 §13.2.2.4)
        return;
    }
    take_dialog(c, resp);
    keep_tls_info(c, c->invite_txn != NULL ? c->invite_txn->conn : NULL);
    send_ack(c);
    char why[GALOIS_SIP_MAX_REASON] = "";
    size_t sdp_len = 0;
    const char *body = galois_sip_msg_sdp(resp, &sdp_len);
    struct galois_sdp *answer = NULL;
    size_t err_off = 0;
    bool ok = false;
    if (body == NULL) {
        snprintf(why, sizeof(why), "the 200 OK carries no SDP answer");
    } else if (galois_sdp_parse(&answer, &err_off, body, sdp_len) != GALOIS_ERR_OK) {
        snprintf(why, sizeof(why), "the SDP answer is malformed at byte %zu", err_off);
    } else if (!c->secure && c->invite_txn != NULL && c->invite_txn->conn == NULL &&
               sip_sdes_needs_tls(&c->ua->cfg.srtp_out) && !c->ua->cfg.allow_sdes_without_tls) {
        snprintf(why, sizeof(why), "SDES keys came over a transport without TLS");
    } else {
        char reason[GALOIS_SDES_MAX_REASON_LEN] = "";
        galois_err err = galois_sdes_answer_received(c->sdes, &c->result, &err_off, reason,
                                                     sizeof(reason), answer);
        int idx = sip_first_audio(answer);
        if (err != GALOIS_ERR_OK) {
            galois_sip_msg_why(why, sizeof(why), "SDP answer refused: %s%s%s", galois_err_str(err),
                               reason[0] != '\0' ? ": " : "", reason);
        } else if (idx < 0) {
            snprintf(why, sizeof(why), "the answer accepts no audio stream");
        } else {
            ok = sip_media_result(&c->media, &c->result->media[idx], answer, (size_t)idx,
                                  c->media_local.rtcp_mux, why, sizeof(why));
            c->have_media = ok;
        }
    }
    galois_sdp_free(answer);
    if (!ok) {
        char bye_why[GALOIS_SIP_MAX_REASON];
        c->end_status = 200;
        snprintf(c->end_reason, sizeof(c->end_reason), "%s", why);
        if (sip_send_bye(c, bye_why, sizeof(bye_why)) != GALOIS_ERR_OK) {
            sip_call_end(c, 200, why, true);
        } else {
            sip_call_end(c, 200, why, true);
        }
        return;
    }
    c->state = CALL_UP;
    sip_event(c->ua, GALOIS_SIP_EV_ESTABLISHED, c, 200, "OK", false, NULL);
    if (c->cancel_pending) {
        char bye_why[GALOIS_SIP_MAX_REASON];
        (void)sip_send_bye(c, bye_why, sizeof(bye_why));
    }
}

static galois_err send_cancel(struct galois_sip_call *c, char *why, size_t max_why)
{
    struct sip_txn *inv = c->invite_txn;
    if (inv == NULL || inv->request == NULL) {
        snprintf(why, max_why, "no INVITE to cancel");
        return GALOIS_ERR_STATE;
    }
    osip_message_t *r = inv->request;
    char *ruri = NULL;
    char *via = NULL;
    char *from = NULL;
    char *to = NULL;
    galois_err err = GALOIS_ERR_INVALID;
    osip_via_t *v = osip_list_get(&r->vias, 0);
    if (osip_uri_to_str(r->req_uri, &ruri) == 0 && v != NULL && osip_via_to_str(v, &via) == 0 &&
        osip_from_to_str(r->from, &from) == 0 && osip_to_to_str(r->to, &to) == 0) {
        int n =
            snprintf(c->ua->scratch, SIP_MAX_TEXT,
                     "CANCEL %s SIP/2.0\r\nVia: %s\r\nMax-Forwards: 70\r\nFrom: %s\r\nTo: %s\r\n"
                     "Call-ID: %s\r\nCSeq: %u CANCEL\r\nUser-Agent: %s\r\n"
                     "Content-Length: 0\r\n\r\n",
                     ruri, via, from, to, c->call_id, inv->cseq, ua_name(c->ua));
        if (n > 0 && (size_t)n < SIP_MAX_TEXT &&
            sip_txn_client(c->ua, TXN_NICT, c->invite_branch, "CANCEL", inv->cseq, &inv->dest,
                           c->ua->scratch, (size_t)n, NULL, NULL, why, max_why) != NULL) {
            err = GALOIS_ERR_OK;
        }
    }
    osip_free(ruri);
    osip_free(via);
    osip_free(from);
    osip_free(to);
    return err;
}

static void on_invite_response(struct galois_sip_ua *ua, void *owner, osip_message_t *resp,
                               int status, const char *reason)
{
    struct galois_sip_call *c = owner;
    char why[GALOIS_SIP_MAX_REASON];
    if (resp == NULL) {  // timeout or transport failure
        c->invite_txn = NULL;
        snprintf(why, sizeof(why), "%s", reason != NULL ? reason : "no response");
        sip_call_end(c, status, why, false);
        return;
    }
    if (status < 200) {
        c->got_provisional = true;
        if (c->cancel_pending && c->state == CALL_OUT_CALLING) {
            (void)send_cancel(c, why, sizeof(why));
        }
        sip_event(ua, GALOIS_SIP_EV_PROGRESS, c, status, reason, false, NULL);
        return;
    }
    if (status < 300) {
        invite_2xx(c, resp);
        return;
    }
    c->invite_txn = NULL;
    if ((status == 401 || status == 407) && c->state == CALL_OUT_CALLING && !c->cancel_pending &&
        c->auth_tries < MAX_AUTH_TRIES) {
        c->auth_tries++;
        char auth[2400];
        if (sip_auth_header(ua, auth, sizeof(auth), resp, "INVITE", c->remote_uri, why,
                            sizeof(why)) &&
            send_invite(c, auth, why, sizeof(why)) == GALOIS_ERR_OK) {
            galois_secure_zero(auth, sizeof(auth));
            return;
        }
        galois_secure_zero(auth, sizeof(auth));
        sip_call_end(c, status, why, false);
        return;
    }
    char warn[GALOIS_SIP_MAX_REASON];
    sip_warning_text(resp, warn, sizeof(warn));
    galois_sip_msg_why(why, sizeof(why), "%d %s%s", status, reason, warn);
    sip_call_end(c, status, why, c->cancel_pending);
}

galois_err galois_sip_call_hangup(struct galois_sip_call *call)
{
    char why[GALOIS_SIP_MAX_REASON];
    switch (call->state) {
        case CALL_OUT_CALLING:
            call->cancel_pending = true;
            if (call->got_provisional) {
                return send_cancel(call, why, sizeof(why));
            }
            return GALOIS_ERR_OK;  // CANCEL waits for a provisional response (RFC 3261 §9.1)
        case CALL_IN_OFFERED:
            return galois_sip_call_reject(call, 603);
        case CALL_IN_ANSWERED:
        case CALL_UP:
            if (sip_send_bye(call, why, sizeof(why)) != GALOIS_ERR_OK) {
                sip_call_end(call, 0, why, true);
                return GALOIS_ERR_IO;
            }
            return GALOIS_ERR_OK;
        default:
            return GALOIS_ERR_STATE;
    }
}

// --- incoming calls ---

void sip_respond(struct galois_sip_ua *ua, struct sip_txn *t, const osip_message_t *req, int status,
                 const char *reason, const char *to_tag, const char *extra, const char *body)
{
    char *text = malloc(SIP_MAX_TEXT);
    size_t len = 0;
    if (text != NULL && sip_response_text(text, SIP_MAX_TEXT, &len, ua, req, status, reason, to_tag,
                                          extra, body) == GALOIS_ERR_OK) {
        sip_txn_respond(ua, t, status, text, len);
        galois_secure_zero(text, len);
    }
    free(text);
}

static struct galois_sip_call *find_dialog(struct galois_sip_ua *ua, const osip_message_t *m)
{
    const char *call_id = osip_call_id_get_number(m->call_id);
    const char *to_tag = galois_sip_msg_to_tag(m);
    const char *from_tag = galois_sip_msg_from_tag(m);
    for (size_t i = 0; i < GALOIS_SIP_MAX_CALLS; i++) {
        struct galois_sip_call *c = ua->calls[i];
        if (c != NULL && call_id != NULL && strcmp(c->call_id, call_id) == 0 && to_tag != NULL &&
            strcmp(c->local_tag, to_tag) == 0 && from_tag != NULL &&
            strcmp(c->remote_tag, from_tag) == 0) {
            return c;
        }
    }
    return NULL;
}

void sip_refuse_488(struct galois_sip_ua *ua, struct sip_txn *t, const osip_message_t *req,
                    const char *tag, const char *why)
{
    char warning[GALOIS_SIP_MAX_REASON + 64];
    char clean[GALOIS_SIP_MAX_REASON];
    size_t j = 0;
    for (size_t i = 0; why[i] != '\0' && j + 1 < sizeof(clean); i++) {
        clean[j++] =
            (why[i] == '"' || why[i] == '\\' || why[i] == '\r' || why[i] == '\n') ? '\'' : why[i];
    }
    clean[j] = '\0';
    snprintf(warning, sizeof(warning), "Warning: 305 galois \"%s\"\r\n", clean);
    sip_respond(ua, t, req, 488, NULL, tag, warning, NULL);
}

static void incoming_invite(struct galois_sip_ua *ua, osip_message_t *req, struct sip_txn *t,
                            struct sip_conn *conn, const struct sip_dest *from)
{
    char tag[SIP_TOKEN_LEN];
    if (new_token(tag, sizeof(tag), "", 8) != GALOIS_ERR_OK) {
        return;
    }
    sip_respond(ua, t, req, 100, NULL, NULL, NULL, NULL);
    struct galois_sip_call *c = call_alloc(ua);
    if (c == NULL) {
        sip_respond(ua, t, req, 486, NULL, tag, NULL, NULL);
        return;
    }
    c->in_txn = t;
    c->in_conn = conn;
    c->in_dest = *from;
    snprintf(c->local_tag, sizeof(c->local_tag), "%s", tag);
    snprintf(c->call_id, sizeof(c->call_id), "%s", osip_call_id_get_number(req->call_id));
    const char *from_tag = galois_sip_msg_from_tag(req);
    snprintf(c->remote_tag, sizeof(c->remote_tag), "%s", from_tag);
    char *s = NULL;
    if (osip_uri_to_str(req->from->url, &s) == 0) {
        snprintf(c->remote_uri, sizeof(c->remote_uri), "%s", s);
    }
    osip_free(s);
    s = NULL;
    if (osip_uri_to_str(req->to->url, &s) == 0) {
        snprintf(c->local_uri, sizeof(c->local_uri), "%s", s);
    }
    osip_free(s);
    s = NULL;
    osip_contact_t *ct = osip_list_get(&req->contacts, 0);
    if (ct != NULL && ct->url != NULL && osip_uri_to_str(ct->url, &s) == 0) {
        snprintf(c->remote_target, sizeof(c->remote_target), "%s", s);
    }
    osip_free(s);
    c->num_routes = 0;
    for (int i = 0; i < osip_list_size(&req->record_routes) && c->num_routes < SIP_MAX_ROUTES;
         i++) {
        char *r = NULL;
        if (osip_record_route_to_str(osip_list_get(&req->record_routes, i), &r) == 0) {
            snprintf(c->routes[c->num_routes++], GALOIS_SIP_MAX_URI, "%s", r);
        }
        osip_free(r);
    }
    uint32_t cseq = 0;
    const char *method = NULL;
    (void)galois_sip_msg_cseq(req, &cseq, &method);
    c->remote_cseq = cseq;
    c->secure = req->req_uri != NULL && req->req_uri->scheme != NULL &&
                osip_strcasecmp(req->req_uri->scheme, "sips") == 0;
    keep_tls_info(c, conn);
    c->state = CALL_IN_OFFERED;

    char why[GALOIS_SIP_MAX_REASON] = "";
    struct sip_offer o;
    galois_err err = sip_offer_negotiate(&o, ua, &ua->cfg.srtp_in, NULL, c->secure, false, req,
                                         from, why, sizeof(why));
    if (err == GALOIS_ERR_OK) {
        c->offer = o.offer;
        c->answer = o.answer;
        c->sdes = o.sdes;
        c->result = o.result;
        c->media = o.media;
        c->have_media = true;
        galois_sip_media_cleanup(&o.media);
    }
    if (err != GALOIS_ERR_OK) {
        sip_refuse_488(ua, t, req, c->local_tag, why);
        c->in_txn = NULL;
        char text[GALOIS_SIP_MAX_REASON + 32];
        snprintf(text, sizeof(text), "refused with 488: %s", why);
        sip_call_end(c, 488, text, true);
        return;
    }
    sip_event(ua, GALOIS_SIP_EV_INCOMING, c, 0, c->remote_uri, false, NULL);
}

galois_err galois_sip_call_answer(struct galois_sip_call *c,
                                  const struct galois_sip_media_local *media)
{
    struct galois_sip_ua *ua = c->ua;
    if (c->state != CALL_IN_OFFERED || c->in_txn == NULL) {
        return GALOIS_ERR_STATE;
    }
    c->media_local = *media;
    int idx = sip_first_audio(c->offer);
    snprintf(c->sdp_sess_id, sizeof(c->sdp_sess_id), "%s", c->answer->origin_sess_id);
    c->sdp_version = 1;
    char *sdp = NULL;
    size_t sdp_len = 0;
    galois_err err = sip_answer_sdp(&sdp, &sdp_len, c->answer, (size_t)idx, media, c->sdp_sess_id,
                                    c->sdp_version);
    if (err != GALOIS_ERR_OK) {
        return err;
    }
    // The media as answered: rtcp-mux only when both sides want it.
    c->media.rtcp_mux =
        media->rtcp_mux && galois_sdp_media_has_flag(c->offer, (size_t)idx, "rtcp-mux", false);
    if (c->media.rtcp_mux) {
        c->media.remote_rtcp_port = c->media.remote_rtp_port;
    }
    char contact[GALOIS_SIP_MAX_URI + 64];
    sip_contact(ua, &c->in_dest, c->in_conn, c->secure, contact, sizeof(contact));
    char extra[GALOIS_SIP_MAX_URI + 160];
    snprintf(extra, sizeof(extra), "Contact: %s\r\n" SIP_ALLOW_HEADER, contact);
    char *text = malloc(SIP_MAX_TEXT);
    size_t len = 0;
    if (text == NULL || sip_response_text(text, SIP_MAX_TEXT, &len, ua, c->in_txn->request, 200,
                                          NULL, c->local_tag, extra, sdp) != GALOIS_ERR_OK) {
        galois_secure_zero(sdp, SIP_SDP_MAX);
        free(sdp);
        free(text);
        return GALOIS_ERR_BUFFER;
    }
    galois_secure_zero(sdp, SIP_SDP_MAX);
    free(sdp);
    sip_txn_respond(ua, c->in_txn, 200, text, len);
    c->ok_text = text;
    c->ok_len = len;
    c->state = CALL_IN_ANSWERED;
    uint64_t now = sip_now_ms();
    c->t_ack_deadline = now + SIP_TXN_TIMEOUT_MS;  // timer H's length for the ACK
    if (c->in_dest.transport == GALOIS_SIP_TRANSPORT_UDP) {
        c->ack_interval_ms = SIP_T1_MS;
        c->t_ack_wait = now + SIP_T1_MS;
    }
    sip_event(ua, GALOIS_SIP_EV_ESTABLISHED, c, 200, "OK", false, NULL);
    return GALOIS_ERR_OK;
}

galois_err galois_sip_call_reject(struct galois_sip_call *c, int status)
{
    if (c->state != CALL_IN_OFFERED || c->in_txn == NULL || status < 400 || status > 699) {
        return GALOIS_ERR_STATE;
    }
    sip_respond(c->ua, c->in_txn, c->in_txn->request, status, NULL, c->local_tag, NULL, NULL);
    c->in_txn = NULL;
    sip_call_end(c, status, sip_reason_phrase(status), true);
    return GALOIS_ERR_OK;
}

void sip_call_request(struct galois_sip_ua *ua, osip_message_t *req, struct sip_txn *t,
                      struct sip_conn *conn, const struct sip_dest *from)
{
    if (MSG_IS_INVITE(req)) {
        if (galois_sip_msg_to_tag(req) == NULL) {
            incoming_invite(ua, req, t, conn, from);
            return;
        }
        struct galois_sip_call *c = find_dialog(ua, req);
        if (c == NULL) {
            sip_respond(ua, t, req, 481, NULL, NULL, NULL, NULL);
        } else {
            sip_reinvite(ua, c, req, t, from);
        }
        return;
    }
    if (MSG_IS_BYE(req)) {
        struct galois_sip_call *c = find_dialog(ua, req);
        if (c == NULL) {
            sip_respond(ua, t, req, 481, NULL, NULL, NULL, NULL);
            return;
        }
        sip_respond(ua, t, req, 200, NULL, NULL, NULL, NULL);
        sip_call_end(c, 200, "the peer hung up (BYE)", false);
    }
}

void sip_call_cancel(struct galois_sip_ua *ua, osip_message_t *req, struct sip_txn *t)
{
    const char *branch = galois_sip_msg_branch(req);
    struct sip_txn *inv = branch != NULL ? sip_txn_find_server(ua, branch, "INVITE") : NULL;
    if (inv == NULL) {
        sip_respond(ua, t, req, 481, NULL, NULL, NULL, NULL);
        return;
    }
    sip_respond(ua, t, req, 200, NULL, NULL, NULL, NULL);
    for (size_t i = 0; i < GALOIS_SIP_MAX_CALLS; i++) {
        struct galois_sip_call *c = ua->calls[i];
        if (c != NULL && c->in_txn == inv && c->state == CALL_IN_OFFERED) {
            sip_respond(ua, inv, inv->request, 487, NULL, c->local_tag, NULL, NULL);
            c->in_txn = NULL;
            sip_call_end(c, 487, "cancelled by the caller", false);
        }
    }
}

void sip_call_ack(struct galois_sip_ua *ua, osip_message_t *ack)
{
    struct galois_sip_call *c = find_dialog(ua, ack);
    if (c != NULL && sip_reinvite_ack(c, ack)) {
        return;
    }
    if (c != NULL && c->state == CALL_IN_ANSWERED) {
        c->state = CALL_UP;
        c->t_ack_wait = 0;
        c->t_ack_deadline = 0;
    }
}

void sip_call_2xx_again(struct galois_sip_ua *ua, osip_message_t *resp)
{
    // A 2xx to an INVITE whose transaction is gone: ACK it if it belongs to a call of ours.
    const char *call_id = osip_call_id_get_number(resp->call_id);
    for (size_t i = 0; i < GALOIS_SIP_MAX_CALLS; i++) {
        struct galois_sip_call *c = ua->calls[i];
        if (c == NULL || call_id == NULL || strcmp(c->call_id, call_id) != 0 ||
            sip_modify_2xx_again(c, resp)) {
            continue;  // not this call's, or the 2xx of our re-INVITE, ACKed again
        }
        if (c->outgoing && c->ack_text != NULL) {
            send_ack(c);
        }
    }
}

void sip_call_timers(struct galois_sip_ua *ua, uint64_t now, uint64_t *next)
{
    for (size_t i = 0; i < GALOIS_SIP_MAX_CALLS; i++) {
        struct galois_sip_call *c = ua->calls[i];
        if (c != NULL && c->state == CALL_UP) {
            sip_reinvite_timers(c, now, next);
        }
        if (c != NULL && c->state == CALL_UP) {  // (the line above may have ended it)
            sip_modify_timers(c, now, next);
        }
        if (c == NULL || c->state != CALL_IN_ANSWERED) {
            continue;
        }
        if (c->t_ack_deadline != 0 && now >= c->t_ack_deadline) {
            char why[GALOIS_SIP_MAX_REASON];
            c->end_status = 408;
            (void)sip_send_bye(c, why, sizeof(why));
            sip_call_end(c, 408, "no ACK for our 200 OK", true);
            continue;
        }
        if (c->t_ack_wait != 0 && now >= c->t_ack_wait && c->ok_text != NULL) {
            char why[GALOIS_SIP_MAX_REASON];
            struct sip_conn *conn = NULL;
            (void)sip_send(ua, &c->in_dest, &conn, c->ok_text, c->ok_len, why, sizeof(why));
            c->ack_interval_ms =
                c->ack_interval_ms * 2 < SIP_T2_MS ? c->ack_interval_ms * 2 : SIP_T2_MS;
            c->t_ack_wait = now + c->ack_interval_ms;
        }
        if (c->t_ack_wait != 0 && c->t_ack_wait < *next) {
            *next = c->t_ack_wait;
        }
        if (c->t_ack_deadline != 0 && c->t_ack_deadline < *next) {
            *next = c->t_ack_deadline;
        }
    }
}
