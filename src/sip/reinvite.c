// In-dialog INVITEs (RFC 3261 §14). A re-INVITE with an SDP offer is negotiated again on the
// path of a new INVITE (offer.c) with the call's SDES session and policy, on a copy of that
// session: a refused re-offer is answered 488 with a Warning and leaves the session exactly as
// it was (§14.2). An accepted one is answered 200 with our SDP (our key kept unless the suite
// changed, the o= version one up: RFC 3264 §8), sent again on UDP until the ACK, and reported
// to the program as GALOIS_SIP_EV_UPDATED with what changed. An offerless re-INVITE is answered
// 200 with our offer for the session as it is (RFC 3261 §14.2, RFC 3264 §8), written on a copy
// of the call's SDES session; the answer comes in the ACK, and only an acceptable one replaces
// the session (without one the old session goes on). docs/SIP.md, "re-INVITE".
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ua.h"

enum { RETRY_AFTER_MAX_S = 10 };  // RFC 3261 §14.2: "between 0 and 10 seconds"

unsigned sip_media_changes(const struct galois_sip_media *was, const struct galois_sip_media *now)
{
    unsigned ch = 0;
    if (was->state != now->state) {
        ch |= GALOIS_SIP_CHANGED_SECURITY | GALOIS_SIP_CHANGED_RECEIVE_KEY |
              GALOIS_SIP_CHANGED_SEND_KEY;
    } else if (now->state == GALOIS_SDES_SRTP) {
        ch |= !galois_sdes_keyset_equal(&was->receive, &now->receive)
                  ? GALOIS_SIP_CHANGED_RECEIVE_KEY
                  : 0;
        ch |= !galois_sdes_keyset_equal(&was->send, &now->send) ? GALOIS_SIP_CHANGED_SEND_KEY : 0;
    }
    if (strcmp(was->remote_address, now->remote_address) != 0 ||
        was->remote_rtp_port != now->remote_rtp_port ||
        was->remote_rtcp_port != now->remote_rtcp_port || was->rtcp_mux != now->rtcp_mux) {
        ch |= GALOIS_SIP_CHANGED_REMOTE;
    }
    ch |= was->direction != now->direction ? GALOIS_SIP_CHANGED_DIRECTION : 0;
    ch |= was->payload_type != now->payload_type ? GALOIS_SIP_CHANGED_CODEC : 0;
    return ch;
}

// peer_direction names the peer's side of our direction `ours`, and whether it holds the call.
static const char *peer_direction(enum galois_sdp_direction ours)
{
    switch (ours) {
        case GALOIS_SDP_RECVONLY:
            return "peer sendonly (hold)";
        case GALOIS_SDP_INACTIVE:
            return "peer inactive (hold)";
        case GALOIS_SDP_SENDONLY:
            return "peer recvonly";
        case GALOIS_SDP_SENDRECV:
        default:
            return "peer sendrecv (resumed)";
    }
}

// sip_describe writes the one line the event carries: what changed, or that nothing did.
void sip_describe(char *out, size_t max, const struct galois_sip_media *m, unsigned ch)
{
    const char *srtp = m->state == GALOIS_SDES_SRTP ? m->suite : "plain RTP";
    char dir[48] = "";
    char sec[96] = "";
    char rx[96] = "";
    char tx[96] = "";
    char remote[GALOIS_SIP_MAX_ADDR + 32] = "";
    char codec[32] = "";
    if ((ch & GALOIS_SIP_CHANGED_DIRECTION) != 0) {
        snprintf(dir, sizeof(dir), " %s;", peer_direction(m->direction));
    }
    if ((ch & GALOIS_SIP_CHANGED_SECURITY) != 0) {
        snprintf(sec, sizeof(sec), " now %s;", srtp);
    }
    if ((ch & GALOIS_SIP_CHANGED_RECEIVE_KEY) != 0) {
        snprintf(rx, sizeof(rx), " re-keyed receive side (%s);", srtp);
    }
    if ((ch & GALOIS_SIP_CHANGED_SEND_KEY) != 0) {
        snprintf(tx, sizeof(tx), " new send key (%s);", srtp);
    }
    if ((ch & GALOIS_SIP_CHANGED_REMOTE) != 0) {
        snprintf(remote, sizeof(remote), " remote media %s:%u;", m->remote_address,
                 (unsigned)m->remote_rtp_port);
    }
    if ((ch & GALOIS_SIP_CHANGED_CODEC) != 0) {
        snprintf(codec, sizeof(codec), " payload type %d;", m->payload_type);
    }
    snprintf(out, max, "%s%s%s%s%s%s%s",
             ch == 0 ? "session refreshed: nothing changed" : "session modified:", dir, sec, rx, tx,
             remote, codec);
    size_t n = strlen(out);
    if (n > 0 && out[n - 1] == ';') {
        out[n - 1] = '\0';
    }
}

static void refused(struct galois_sip_ua *ua, struct galois_sip_call *c, int status,
                    const char *why)
{
    char text[GALOIS_SIP_MAX_REASON + 64];
    galois_sip_msg_why(text, sizeof(text), "re-INVITE refused with %d: %s", status, why);
    sip_event_updated(ua, c, status, text, 0, false, false);
}

// sip_take_target: a re-INVITE's Contact (RFC 3261 §12.2.2), or a 2xx's to ours (§12.2.1.2).
void sip_take_target(struct galois_sip_call *c, const osip_message_t *m)
{
    osip_contact_t *ct = osip_list_get(&m->contacts, 0);
    char *s = NULL;
    if (ct != NULL && ct->url != NULL && osip_uri_to_str(ct->url, &s) == 0) {
        snprintf(c->remote_target, sizeof(c->remote_target), "%s", s);
    }
    osip_free(s);
}

// send_ok answers 200 with `sdp` and keeps the response for retransmission until the ACK.
static galois_err send_ok(struct galois_sip_ua *ua, struct galois_sip_call *c,
                          const osip_message_t *req, struct sip_txn *t, uint32_t cseq,
                          const char *sdp)
{
    char contact[GALOIS_SIP_MAX_URI + 64];
    sip_contact(ua, &t->dest, t->conn, c->secure, contact, sizeof(contact));
    char extra[GALOIS_SIP_MAX_URI + 160];
    snprintf(extra, sizeof(extra), "Contact: %s\r\n" SIP_ALLOW_HEADER, contact);
    char *text = malloc(SIP_MAX_TEXT);
    size_t len = 0;
    if (text == NULL || sip_response_text(text, SIP_MAX_TEXT, &len, ua, req, 200, NULL, NULL, extra,
                                          sdp) != GALOIS_ERR_OK) {
        free(text);
        return GALOIS_ERR_BUFFER;
    }
    sip_txn_respond(ua, t, 200, text, len);
    sip_reinvite_free(&c->re);
    uint64_t now = sip_now_ms();
    c->re = (struct sip_reinvite){
        .awaiting_ack = true,
        .cseq = cseq,
        .dest = t->dest,
        .ok_text = text,
        .ok_len = len,
        .t_deadline = now + SIP_TXN_TIMEOUT_MS,
    };
    if (t->dest.transport == GALOIS_SIP_TRANSPORT_UDP) {
        c->re.interval_ms = SIP_T1_MS;
        c->re.t_wait = now + SIP_T1_MS;
    }
    return GALOIS_ERR_OK;
}

// take_offer answers the negotiated offer `o` and makes it the call's session.
static void take_offer(struct galois_sip_ua *ua, struct galois_sip_call *c, osip_message_t *req,
                       struct sip_txn *t, uint32_t cseq, struct sip_offer *o)
{
    char *sdp = NULL;
    size_t sdp_len = 0;
    galois_err err = sip_answer_sdp(&sdp, &sdp_len, o->answer, o->audio, &c->media_local,
                                    c->sdp_sess_id, c->sdp_version + 1);
    if (err == GALOIS_ERR_OK) {
        err = send_ok(ua, c, req, t, cseq, sdp);
    }
    if (sdp != NULL) {
        galois_secure_zero(sdp, SIP_SDP_MAX);
        free(sdp);
    }
    if (err != GALOIS_ERR_OK) {
        sip_respond(ua, t, req, 500, NULL, NULL, NULL, NULL);
        refused(ua, c, 500, galois_err_str(err));
        return;
    }
    unsigned ch = sip_media_changes(&c->media, &o->media);
    c->sdp_version++;
    galois_sdp_free(c->offer);
    galois_sdp_free(c->answer);
    galois_sdes_session_free(c->sdes);
    galois_sdes_result_free(c->result);
    c->offer = o->offer;
    c->answer = o->answer;
    c->sdes = o->sdes;
    c->result = o->result;
    galois_sip_media_cleanup(&c->media);
    c->media = o->media;
    c->have_media = true;
    galois_sip_media_cleanup(&o->media);
    memset(o, 0, sizeof(*o));  // all of it is the call's now
    sip_take_target(c, req);
    char text[GALOIS_SIP_MAX_REASON];
    sip_describe(text, sizeof(text), &c->media, ch);
    sip_event_updated(ua, c, 200, text, ch, false, false);
}

// offer_ok answers an offerless re-INVITE with our offer for the call's current session: the
// first INVITE's description (sip_offer_sdp) with the o= version one up and our direction, and
// the SDES re-offer (the suite and tag in use, our current key) on a copy of the call's session.
static void offer_ok(struct galois_sip_ua *ua, struct galois_sip_call *c, osip_message_t *req,
                     struct sip_txn *t, uint32_t cseq)
{
    uint64_t version = c->sdp_version + 1;
    struct galois_sdp *offer = NULL;
    struct galois_sdes_session *sdes = NULL;
    char *text = NULL;
    galois_err err = sip_offer_sdp(&offer, &c->media_local, c->sdp_sess_id, version,
                                   c->media.payload_type, c->media.direction);
    if (err == GALOIS_ERR_OK) {
        err = galois_sdes_session_copy(&sdes, c->sdes);
    }
    if (err == GALOIS_ERR_OK) {
        err = galois_sdes_reoffer(sdes, offer, false);
    }
    if (err == GALOIS_ERR_OK) {
        err = sip_offer_text(&text, offer);
    }
    if (err == GALOIS_ERR_OK) {
        err = send_ok(ua, c, req, t, cseq, text);
    }
    if (text != NULL) {
        galois_secure_zero(text, SIP_SDP_MAX);
        free(text);
    }
    if (err != GALOIS_ERR_OK) {
        galois_sdes_session_free(sdes);
        galois_sdp_free(offer);
        sip_respond(ua, t, req, 500, NULL, NULL, NULL, NULL);
        refused(ua, c, 500, galois_err_str(err));
        return;
    }
    c->re.sdes = sdes;
    c->re.offer = offer;
    // The peer has seen this version: the next SDP of ours goes one above it, whatever the
    // ACK brings (the same version with other content would read as no change).
    c->sdp_version = version;
    sip_take_target(c, req);  // RFC 3261 §12.2.2: the 2xx accepts the target refresh
}

// ack_answer takes the answer to our offer in the 2xx of an offerless re-INVITE from its ACK
// (RFC 3264 §8). Without an acceptable one the session cannot change (RFC 3261 §14.2), and
// the old one can go on, so the call keeps it; the event says why. It takes `sdes` and `offer`
// (the copy our offer was made on, and that offer).
static void ack_answer(struct galois_sip_call *c, const osip_message_t *ack,
                       struct galois_sdes_session *sdes, struct galois_sdp *offer)
{
    char why[GALOIS_SIP_MAX_REASON] = "";
    struct sip_answer a;
    if (!sip_answer_read(&a, sdes, ack, "ACK", c->media_local.rtcp_mux, why, sizeof(why))) {
        galois_sdes_session_free(sdes);
        galois_sdp_free(offer);
        char text[GALOIS_SIP_MAX_REASON + 96];
        galois_sip_msg_why(text, sizeof(text),
                           "offerless re-INVITE answered with our offer: %s; the session stays "
                           "as it was",
                           why);
        sip_event_updated(c->ua, c, 488, text, 0, false, false);
        return;
    }
    unsigned ch = sip_media_changes(&c->media, &a.media);
    galois_sdes_session_free(c->sdes);
    c->sdes = sdes;
    galois_sdes_result_free(c->result);
    c->result = a.result;
    galois_sdp_free(c->offer);
    c->offer = offer;  // ours: the last offer of this call
    galois_sdp_free(c->answer);
    c->answer = a.answer;
    galois_sip_media_cleanup(&c->media);
    c->media = a.media;
    galois_sip_media_cleanup(&a.media);
    char text[GALOIS_SIP_MAX_REASON];
    sip_describe(text, sizeof(text), &c->media, ch);
    sip_event_updated(c->ua, c, 200, text, ch, false, false);
}

void sip_reinvite(struct galois_sip_ua *ua, struct galois_sip_call *c, osip_message_t *req,
                  struct sip_txn *t, const struct sip_dest *from)
{
    uint32_t cseq = 0;
    const char *method = NULL;
    (void)galois_sip_msg_cseq(req, &cseq, &method);
    if (c->state == CALL_ENDING || c->state == CALL_ENDED) {
        sip_respond(ua, t, req, 481, NULL, NULL, NULL, NULL);
        return;
    }
    if (cseq < c->remote_cseq) {  // RFC 3261 §12.2.2: out of order
        sip_respond(ua, t, req, 500, "CSeq Out of Order", NULL, NULL, NULL);
        return;
    }
    c->remote_cseq = cseq;
    if (c->state == CALL_IN_ANSWERED || c->re.awaiting_ack) {
        // The ACK of our last 2xx has not come (RFC 3261 §14.2).
        char extra[48];
        snprintf(extra, sizeof(extra), "Retry-After: %u\r\n",
                 (unsigned)(sip_now_ms() % (RETRY_AFTER_MAX_S + 1)));
        sip_respond(ua, t, req, 500, NULL, NULL, extra, NULL);
        refused(ua, c, 500, "the ACK of the previous INVITE's 2xx has not come");
        return;
    }
    if (c->state != CALL_UP || (c->mod.pending && c->mod.txn != NULL)) {
        sip_respond(ua, t, req, 491, NULL, NULL, NULL, NULL);  // our INVITE is still pending
        refused(ua, c, 491, "our INVITE is still pending");
        return;
    }
    char why[GALOIS_SIP_MAX_REASON] = "";
    size_t sdp_len = 0;
    const struct galois_sdes_policy *policy = c->outgoing ? &ua->cfg.srtp_out : &ua->cfg.srtp_in;
    if (galois_sip_msg_sdp(req, &sdp_len) == NULL) {
        // Our offer goes in the 2xx: the same rules for our keys as in any SDP of ours.
        if (sip_transport_refusal(ua, policy, c->secure, from, NULL, why, sizeof(why))) {
            sip_refuse_488(ua, t, req, NULL, why);
            refused(ua, c, 488, why);
            return;
        }
        offer_ok(ua, c, req, t, cseq);
        return;
    }
    struct sip_offer o;
    if (sip_offer_negotiate(&o, ua, policy, c->sdes, c->secure, c->media_local.rtcp_mux, req, from,
                            why, sizeof(why)) != GALOIS_ERR_OK) {
        sip_refuse_488(ua, t, req, NULL, why);
        refused(ua, c, 488, why);
        return;
    }
    take_offer(ua, c, req, t, cseq, &o);
    sip_offer_cleanup(&o);
}

bool sip_reinvite_ack(struct galois_sip_call *c, const osip_message_t *ack)
{
    uint32_t cseq = 0;
    const char *method = NULL;
    if (!c->re.awaiting_ack || !galois_sip_msg_cseq(ack, &cseq, &method) || cseq != c->re.cseq) {
        return false;
    }
    // The re-INVITE is over before the program hears of it (it may send its own from the event).
    struct galois_sdes_session *sdes = c->re.sdes;
    struct galois_sdp *offer = c->re.offer;
    c->re.sdes = NULL;
    c->re.offer = NULL;
    sip_reinvite_free(&c->re);
    if (sdes != NULL) {
        ack_answer(c, ack, sdes, offer);
    }
    return true;
}

void sip_reinvite_next(const struct galois_sip_call *c, uint64_t *next)
{
    if (!c->re.awaiting_ack) {
        return;
    }
    if (c->re.t_wait != 0 && c->re.t_wait < *next) {
        *next = c->re.t_wait;
    }
    if (c->re.t_deadline != 0 && c->re.t_deadline < *next) {
        *next = c->re.t_deadline;
    }
}

void sip_reinvite_timers(struct galois_sip_call *c, uint64_t now, uint64_t *next)
{
    struct sip_reinvite *re = &c->re;
    char why[GALOIS_SIP_MAX_REASON];
    if (!re->awaiting_ack) {
        return;
    }
    if (now >= re->t_deadline) {  // RFC 3261 §13.3.1.4: end the session with BYE
        sip_reinvite_free(re);
        c->end_status = 408;
        (void)sip_send_bye(c, why, sizeof(why));
        sip_call_end(c, 408, "no ACK for our 200 OK to the re-INVITE", true);
        return;
    }
    if (re->t_wait != 0 && now >= re->t_wait && re->ok_text != NULL) {
        struct sip_conn *conn = NULL;
        (void)sip_send(c->ua, &re->dest, &conn, re->ok_text, re->ok_len, why, sizeof(why));
        re->interval_ms = re->interval_ms * 2 < SIP_T2_MS ? re->interval_ms * 2 : SIP_T2_MS;
        re->t_wait = now + re->interval_ms;
    }
    sip_reinvite_next(c, next);
}

void sip_reinvite_free(struct sip_reinvite *re)
{
    if (re->ok_text != NULL) {
        galois_secure_zero(re->ok_text, re->ok_len);
    }
    free(re->ok_text);
    galois_sdes_session_free(re->sdes);
    galois_sdp_free(re->offer);
    memset(re, 0, sizeof(*re));
}
