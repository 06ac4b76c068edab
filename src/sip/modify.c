// re-INVITEs we send (RFC 3261 §14.1): hold, resume and re-key of an established call. The
// offer is written by the first INVITE's code (offer.c) with the SDES layer's re-offer
// (galois_sdes_reoffer) on a copy of the call's SDES session, so nothing of the call changes
// until a 2xx brings an answer that the SDES layer accepts (galois_sdes_answer_received, as
// for the first INVITE). A non-2xx final response leaves the session as it was, as if no
// re-INVITE had been sent; 491 is tried again once after a random wait; 401/407 are answered
// with credentials. docs/SIP.md, "re-INVITE".
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ua.h"

enum {
    MAX_AUTH_TRIES = 2,
    // RFC 3261 §14.1: after a 491 the owner of the Call-ID (who sent the first INVITE) waits
    // 2.1 to 4 s, the other side 0 to 2 s, in units of 10 ms.
    GLARE_OWNER_MIN_MS = 2100,
    GLARE_OWNER_MAX_MS = 4000,
    GLARE_OTHER_MAX_MS = 2000,
};

static const char *kind(const struct galois_sip_modify *w)
{
    if (w->new_key) {
        return "re-key";
    }
    switch (w->direction) {
        case GALOIS_SDP_SENDONLY:
            return "hold";
        case GALOIS_SDP_INACTIVE:
            return "hold (inactive)";
        case GALOIS_SDP_RECVONLY:
            return "recvonly";
        case GALOIS_SDP_SENDRECV:
        default:
            return "resume";
    }
}

// drop_offer forgets the offer of the pending re-INVITE (the SDES copy holds keys).
static void drop_offer(struct sip_modify *m)
{
    galois_sdes_session_free(m->sdes);
    m->sdes = NULL;
    galois_sdp_free(m->offer);
    m->offer = NULL;
    if (m->offer_text != NULL) {
        galois_secure_zero(m->offer_text, SIP_SDP_MAX);
    }
    free(m->offer_text);
    m->offer_text = NULL;
}

// done ends the pending re-INVITE; the ACK of its 2xx (if any) is kept.
static void done(struct sip_modify *m)
{
    drop_offer(m);
    m->pending = false;
    m->txn = NULL;
    m->auth_tries = 0;
    m->retried = false;
    m->t_retry = 0;
}

void sip_modify_free(struct sip_modify *m)
{
    done(m);
    free(m->ack_text);
    memset(m, 0, sizeof(*m));
}

// prepare writes our re-offer on a copy of the call's SDES session, one o= version up.
static galois_err prepare(struct galois_sip_call *c)
{
    struct sip_modify *m = &c->mod;
    drop_offer(m);
    m->version = c->sdp_version + 1;
    galois_err err = sip_offer_sdp(&m->offer, &c->media_local, c->sdp_sess_id, m->version,
                                   c->media.payload_type, m->want.direction);
    if (err == GALOIS_ERR_OK) {
        err = galois_sdes_session_copy(&m->sdes, c->sdes);
    }
    if (err == GALOIS_ERR_OK) {
        err = galois_sdes_reoffer(m->sdes, m->offer, m->want.new_key);
    }
    if (err == GALOIS_ERR_OK) {
        err = sip_offer_text(&m->offer_text, m->offer);
    }
    if (err != GALOIS_ERR_OK) {
        drop_offer(m);
    }
    return err;
}

static void on_response(struct galois_sip_ua *ua, void *owner, osip_message_t *resp, int status,
                        const char *reason);

// send_modify sends the re-INVITE with the prepared offer and `auth` (a credentials line, or
// NULL); each sending has its own CSeq and branch.
static galois_err send_modify(struct galois_sip_call *c, const char *auth, char *why,
                              size_t max_why)
{
    struct galois_sip_ua *ua = c->ua;
    struct sip_modify *m = &c->mod;
    struct sip_dest dest;
    char branch[SIP_TOKEN_LEN];
    size_t len = 0;
    uint32_t cseq = c->local_cseq + 1;
    galois_err err = sip_dialog_request(c, "INVITE", cseq, branch, sizeof(branch), &dest, auth,
                                        m->offer_text, &len, why, max_why);
    if (err == GALOIS_ERR_OK && dest.transport != GALOIS_SIP_TRANSPORT_TLS &&
        sip_sdes_needs_tls(c->outgoing ? &ua->cfg.srtp_out : &ua->cfg.srtp_in) &&
        !ua->cfg.allow_sdes_without_tls) {
        snprintf(why, max_why, "the SRTP keys (SDES) would travel in clear over %s to %s",
                 sip_transport_name(dest.transport), dest.host);
        err = GALOIS_ERR_POLICY;
    }
    if (err != GALOIS_ERR_OK) {
        galois_secure_zero(ua->scratch, SIP_MAX_TEXT);
        return err;
    }
    c->local_cseq = cseq;
    struct sip_txn *t = sip_txn_client(ua, TXN_ICT, branch, "INVITE", cseq, &dest, ua->scratch, len,
                                       on_response, c, why, max_why);
    galois_secure_zero(ua->scratch, len);
    if (t == NULL) {
        return GALOIS_ERR_IO;
    }
    m->txn = t;
    m->cseq = cseq;
    return GALOIS_ERR_OK;
}

galois_err galois_sip_call_modify(struct galois_sip_call *call, const struct galois_sip_modify *m)
{
    // RFC 3261 §14.1: no new INVITE while one is in progress in either direction (ours, or
    // the peer's until its 2xx is ACKed).
    if (call->state != CALL_UP || !call->have_media || call->mod.pending || call->re.awaiting_ack) {
        return GALOIS_ERR_STATE;
    }
    if ((unsigned)m->direction > GALOIS_SDP_INACTIVE) {
        return GALOIS_ERR_INVALID;
    }
    call->mod.want = *m;
    call->mod.pending = true;
    char why[GALOIS_SIP_MAX_REASON];
    galois_err err = prepare(call);
    if (err == GALOIS_ERR_OK) {
        err = send_modify(call, NULL, why, sizeof(why));
    }
    if (err != GALOIS_ERR_OK) {
        done(&call->mod);
    }
    return err;
}

// report gives the program the outcome of our re-INVITE.
static void report(struct galois_sip_call *c, int status, const char *what, unsigned changes,
                   bool retrying)
{
    char text[GALOIS_SIP_MAX_REASON + 64];
    galois_sip_msg_why(text, sizeof(text), "our re-INVITE (%s) answered %d: %s", kind(&c->mod.want),
                       status, what);
    sip_event_updated(c->ua, c, status, text, changes, true, retrying);
}

// end_dialog ends the call after a re-INVITE outcome that leaves no usable session.
static void end_dialog(struct galois_sip_call *c, int status, const char *why)
{
    char bye_why[GALOIS_SIP_MAX_REASON];
    c->end_status = status;
    sip_copy(c->end_reason, sizeof(c->end_reason), why);
    (void)sip_send_bye(c, bye_why, sizeof(bye_why));
    sip_call_end(c, status, why, true);
}

// failed reports a final failure: the session stays as it was (RFC 3261 §14.1), but a 481 or
// 408 means the dialog is gone and ends the call.
static void failed(struct galois_sip_call *c, int status, const char *what)
{
    report(c, status, what, 0, false);
    done(&c->mod);
    if (status == 481 || status == 408) {
        char why[GALOIS_SIP_MAX_REASON + 32];
        galois_sip_msg_why(why, sizeof(why), "re-INVITE answered %d: the dialog is gone", status);
        end_dialog(c, status, why);
    }
}

// send_ack ACKs the 2xx of re-INVITE `cseq` and keeps the ACK for its retransmissions.
static void send_ack(struct galois_sip_call *c, uint32_t cseq)
{
    struct sip_modify *m = &c->mod;
    char why[GALOIS_SIP_MAX_REASON];
    if (m->ack_text == NULL || m->ack_cseq != cseq) {
        char branch[SIP_TOKEN_LEN];
        size_t len = 0;
        if (sip_dialog_request(c, "ACK", cseq, branch, sizeof(branch), &m->ack_dest, NULL, NULL,
                               &len, why, sizeof(why)) != GALOIS_ERR_OK) {
            return;
        }
        char *text = malloc(len);
        if (text == NULL) {
            return;
        }
        memcpy(text, c->ua->scratch, len);
        free(m->ack_text);
        m->ack_text = text;
        m->ack_len = len;
        m->ack_cseq = cseq;
    }
    struct sip_conn *conn = NULL;
    (void)sip_send(c->ua, &m->ack_dest, &conn, m->ack_text, m->ack_len, why, sizeof(why));
}

bool sip_modify_2xx_again(struct galois_sip_call *c, const osip_message_t *resp)
{
    uint32_t cseq = 0;
    const char *method = NULL;
    if (c->mod.ack_text == NULL || !galois_sip_msg_cseq(resp, &cseq, &method) ||
        cseq != c->mod.ack_cseq) {
        return false;
    }
    send_ack(c, cseq);
    return true;
}

// take_answer applies the answer in 2xx `resp`: the SDES layer checks it against our
// re-offer, and the call takes the copy's session, the new media and the refreshed target.
static void take_answer(struct galois_sip_call *c, const osip_message_t *resp)
{
    struct sip_modify *m = &c->mod;
    char why[GALOIS_SIP_MAX_REASON] = "";
    struct sip_answer a;
    if (!sip_answer_read(&a, m->sdes, resp, "2xx", c->media_local.rtcp_mux, why, sizeof(why))) {
        // The peer believes in a session we cannot run: end it, as for the first INVITE.
        done(m);
        char text[GALOIS_SIP_MAX_REASON + 32];
        galois_sip_msg_why(text, sizeof(text), "our re-INVITE's answer: %s", why);
        end_dialog(c, 200, text);
        return;
    }
    unsigned ch = sip_media_changes(&c->media, &a.media);
    galois_sdes_session_free(c->sdes);
    c->sdes = m->sdes;
    m->sdes = NULL;
    galois_sdes_result_free(c->result);
    c->result = a.result;
    galois_sdp_free(c->offer);
    c->offer = m->offer;  // ours: the last offer of this call
    m->offer = NULL;
    galois_sdp_free(c->answer);
    c->answer = a.answer;
    galois_sip_media_cleanup(&c->media);
    c->media = a.media;
    galois_sip_media_cleanup(&a.media);
    c->sdp_version = m->version;
    sip_take_target(c, resp);  // a 2xx to a re-INVITE refreshes it (RFC 3261 §12.2.1.2)
    char text[GALOIS_SIP_MAX_REASON];
    sip_describe(text, sizeof(text), &c->media, ch);
    report(c, 200, text, ch, false);
    done(m);
}

// glare schedules the one retry after a 491 (RFC 3261 §14.1).
static void glare(struct galois_sip_call *c)
{
    struct sip_modify *m = &c->mod;
    uint8_t r[2] = {0, 0};
    if (galois_random_bytes(r, sizeof(r)) != GALOIS_ERR_OK) {
        r[0] = (uint8_t)sip_now_ms();  // any wait in the range will do
    }
    unsigned units = ((unsigned)r[0] << 8 | r[1]);
    unsigned wait_ms = c->outgoing
                           ? GLARE_OWNER_MIN_MS +
                                 10 * (units % ((GLARE_OWNER_MAX_MS - GLARE_OWNER_MIN_MS) / 10 + 1))
                           : 10 * (units % (GLARE_OTHER_MAX_MS / 10 + 1));
    m->retried = true;
    m->txn = NULL;
    m->t_retry = sip_now_ms() + wait_ms;
    drop_offer(m);  // the retry offers from the session as it is then
    char what[96];
    snprintf(what, sizeof(what), "glare (491 Request Pending): trying again in %u ms", wait_ms);
    report(c, 491, what, 0, true);
}

static void on_response(struct galois_sip_ua *ua, void *owner, osip_message_t *resp, int status,
                        const char *reason)
{
    struct galois_sip_call *c = owner;
    struct sip_modify *m = &c->mod;
    uint32_t cseq = 0;
    const char *method = NULL;
    char why[GALOIS_SIP_MAX_REASON];
    if (resp != NULL && (!galois_sip_msg_cseq(resp, &cseq, &method) || status < 200)) {
        return;
    }
    if (resp != NULL && status < 300 && m->ack_text != NULL && cseq == m->ack_cseq) {
        send_ack(c, cseq);  // a retransmitted 2xx (RFC 3261 §13.2.2.4)
        return;
    }
    if (!m->pending || (resp != NULL && cseq != m->cseq)) {
        if (resp != NULL && status < 300) {
            send_ack(c, cseq);  // a 2xx must be ACKed even when the call moved on
        }
        return;
    }
    if (resp == NULL && m->txn == NULL) {
        return;  // an earlier transaction (a 491's, a 401's) ended: nothing is in flight
    }
    if (resp == NULL) {  // no final response in time, or the connection failed
        failed(c, 408, reason != NULL ? reason : "no response");
        return;
    }
    if (status < 300) {
        send_ack(c, cseq);
        if (c->state != CALL_UP) {
            done(m);  // a BYE crossed it: the call is ending anyway
            return;
        }
        take_answer(c, resp);
        return;
    }
    m->txn = NULL;
    if ((status == 401 || status == 407) && m->auth_tries < MAX_AUTH_TRIES) {
        m->auth_tries++;
        char auth[2400];
        bool sent = sip_auth_header(ua, auth, sizeof(auth), resp, "INVITE", c->remote_target, why,
                                    sizeof(why)) &&
                    send_modify(c, auth, why, sizeof(why)) == GALOIS_ERR_OK;
        galois_secure_zero(auth, sizeof(auth));
        if (!sent) {
            failed(c, status, why);
        }
        return;
    }
    if (status == 491 && !m->retried && c->state == CALL_UP) {
        glare(c);
        return;
    }
    char warn[GALOIS_SIP_MAX_REASON];
    sip_warning_text(resp, warn, sizeof(warn));
    galois_sip_msg_why(why, sizeof(why), "%s%s; the session stays as it was", reason, warn);
    failed(c, status, why);
}

void sip_modify_next(const struct galois_sip_call *c, uint64_t *next)
{
    if (c->mod.pending && c->mod.t_retry != 0 && c->mod.t_retry < *next) {
        *next = c->mod.t_retry;
    }
}

void sip_modify_timers(struct galois_sip_call *c, uint64_t now, uint64_t *next)
{
    struct sip_modify *m = &c->mod;
    if (!m->pending || m->t_retry == 0) {
        return;
    }
    if (now < m->t_retry) {
        sip_modify_next(c, next);
        return;
    }
    m->t_retry = 0;
    char why[GALOIS_SIP_MAX_REASON] = "cannot build the offer";
    if (c->re.awaiting_ack) {
        failed(c, 491, "the peer's own re-INVITE is still in progress: not tried again");
        return;
    }
    if (prepare(c) != GALOIS_ERR_OK || send_modify(c, NULL, why, sizeof(why)) != GALOIS_ERR_OK) {
        failed(c, 491, why);
    }
}
