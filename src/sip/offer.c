// The SDP side of calls: our offer's description (for a new call and for a re-INVITE of ours
// alike), a peer's offer negotiated through the SDES layer under a call's policy (for a new
// INVITE and for a re-INVITE alike), the media it gives, and our answer's text.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ua.h"

enum {
    PLACEHOLDER_PORT = 9,  // the answer's port until the program answers with its own
};

bool sip_sdes_needs_tls(const struct galois_sdes_policy *p)
{
    return p->mode != GALOIS_SDES_FORBIDDEN;
}

// media_from_sdp reads the peer's side of m= section `index` of `sdp`.
static void media_from_sdp(struct galois_sip_media *m, const struct galois_sdp *sdp, size_t index,
                           bool mux_ours)
{
    const struct galois_sdp_media *md = &sdp->media[index];
    const struct galois_sdp_conn *conn = md->num_conns > 0 ? &md->conns[0] : sdp->conn;
    if (conn != NULL) {
        snprintf(m->remote_address, sizeof(m->remote_address), "%s", conn->address);
        char *slash = strchr(m->remote_address, '/');
        if (slash != NULL) {
            *slash = '\0';
        }
    }
    m->remote_rtp_port = md->port;
    m->rtcp_mux = mux_ours && galois_sdp_media_has_flag(sdp, index, "rtcp-mux", false);
    m->remote_rtcp_port = m->rtcp_mux ? md->port : (uint16_t)(md->port + 1);
    const char *rtcp = galois_sdp_attr_get(md->attrs, md->num_attrs, "rtcp", 0);
    if (rtcp != NULL && !m->rtcp_mux) {
        unsigned long p = strtoul(rtcp, NULL, 10);
        if (p > 0 && p < 65536) {
            m->remote_rtcp_port = (uint16_t)p;
        }
    }
    m->payload_type = -1;
    for (size_t i = 0; i < md->num_fmts && m->payload_type < 0; i++) {
        if (strcmp(md->fmts[i], "0") == 0) {
            m->payload_type = 0;
        } else if (strcmp(md->fmts[i], "8") == 0) {
            m->payload_type = 8;
        }
    }
    // Ours is the reverse of the peer's. A peer on hold the RFC 2543 way (c=0.0.0.0) cannot
    // be sent to either.
    m->direction = galois_sdp_direction_answer(galois_sdp_media_direction(sdp, index));
    if (strcmp(m->remote_address, "0.0.0.0") == 0 || strcmp(m->remote_address, "::") == 0) {
        m->direction = m->direction == GALOIS_SDP_SENDRECV   ? GALOIS_SDP_RECVONLY
                       : m->direction == GALOIS_SDP_SENDONLY ? GALOIS_SDP_INACTIVE
                                                             : m->direction;
    }
}

int sip_first_audio(const struct galois_sdp *sdp)
{
    for (size_t i = 0; i < sdp->num_media; i++) {
        if (strcmp(sdp->media[i].type, "audio") == 0 && sdp->media[i].port != 0) {
            return (int)i;
        }
    }
    return -1;
}

bool sip_media_result(struct galois_sip_media *m, const struct galois_sdes_media_result *r,
                      const struct galois_sdp *peer_sdp, size_t index, bool mux_ours, char *why,
                      size_t max_why)
{
    if (r->state != GALOIS_SDES_SRTP && r->state != GALOIS_SDES_PLAIN) {
        snprintf(why, max_why, "audio refused: %s", r->reason[0] != '\0' ? r->reason : "port 0");
        return false;
    }
    memset(m, 0, sizeof(*m));
    m->state = r->state;
    if (r->state == GALOIS_SDES_SRTP) {
        m->send = r->send;
        m->receive = r->receive;
        const char *name = galois_sdes_suite_name(r->send.suite);
        snprintf(m->suite, sizeof(m->suite), "%s", name != NULL ? name : "?");
    }
    media_from_sdp(m, peer_sdp, index, mux_ours);
    if (m->payload_type < 0) {
        snprintf(why, max_why, "no common audio codec (galois sends PCMU or PCMA)");
        return false;
    }
    return true;
}

bool sip_answer_read(struct sip_answer *out, struct galois_sdes_session *sdes,
                     const osip_message_t *msg, const char *carrier, bool mux_ours, char *why,
                     size_t max_why)
{
    memset(out, 0, sizeof(*out));
    size_t sdp_len = 0;
    size_t err_off = 0;
    const char *body = galois_sip_msg_sdp(msg, &sdp_len);
    bool ok = false;
    if (body == NULL) {
        snprintf(why, max_why, "the %s carries no SDP answer", carrier);
    } else if (galois_sdp_parse(&out->answer, &err_off, body, sdp_len) != GALOIS_ERR_OK) {
        snprintf(why, max_why, "the SDP answer is malformed at byte %zu", err_off);
    } else {
        char reason[GALOIS_SDES_MAX_REASON_LEN] = "";
        galois_err err = galois_sdes_answer_received(sdes, &out->result, &err_off, reason,
                                                     sizeof(reason), out->answer);
        int idx = sip_first_audio(out->answer);
        if (err != GALOIS_ERR_OK) {
            galois_sip_msg_why(why, max_why, "SDP answer refused: %s%s%s", galois_err_str(err),
                               reason[0] != '\0' ? ": " : "", reason);
        } else if (idx < 0) {
            snprintf(why, max_why, "the answer accepts no audio stream");
        } else {
            ok = sip_media_result(&out->media, &out->result->media[idx], out->answer, (size_t)idx,
                                  mux_ours, why, max_why);
        }
    }
    if (!ok) {
        sip_answer_cleanup(out);
    }
    return ok;
}

void sip_answer_cleanup(struct sip_answer *a)
{
    galois_sdp_free(a->answer);
    galois_sdes_result_free(a->result);
    galois_sip_media_cleanup(&a->media);
    memset(a, 0, sizeof(*a));
}

void sip_offer_cleanup(struct sip_offer *o)
{
    galois_sdp_free(o->offer);
    galois_sdp_free(o->answer);
    galois_sdes_session_free(o->sdes);
    galois_sdes_result_free(o->result);
    galois_sip_media_cleanup(&o->media);
    memset(o, 0, sizeof(*o));
}

bool sip_transport_refusal(struct galois_sip_ua *ua, const struct galois_sdes_policy *policy,
                           bool secure, const struct sip_dest *from, const char *body, char *why,
                           size_t max_why)
{
    bool over_tls = from->transport == GALOIS_SIP_TRANSPORT_TLS;
    if (secure && !over_tls) {
        snprintf(why, max_why, "a sips: request arrived over %s",
                 sip_transport_name(from->transport));
        return true;
    }
    if (over_tls || ua->cfg.allow_sdes_without_tls) {
        return false;
    }
    if (body != NULL && strstr(body, "a=crypto") != NULL) {
        snprintf(why, max_why, "SDES keys arrived in clear over %s: refused as compromised",
                 sip_transport_name(from->transport));
        return true;
    }
    if (sip_sdes_needs_tls(policy)) {
        snprintf(why, max_why, "our SDES keys would travel in clear over %s",
                 sip_transport_name(from->transport));
        return true;
    }
    return false;
}

// negotiate answers the parsed offer in `o` with the session `o->sdes`.
static galois_err negotiate(struct sip_offer *o, bool mux_ours, char *why, size_t max_why)
{
    const char *addr = o->offer->conn != NULL && strcmp(o->offer->conn->addrtype, "IP6") == 0
                           ? "::1"
                           : "127.0.0.1";
    struct galois_sdp_answer_options opts = {
        .address = addr,
        .addrtype = strchr(addr, ':') != NULL ? "IP6" : "IP4",
        .first_port = PLACEHOLDER_PORT,
    };
    char reason[GALOIS_SDES_MAX_REASON_LEN] = "";
    size_t err_off = 0;
    galois_err err = galois_sdp_answer_new(&o->answer, o->offer, &opts);
    if (err == GALOIS_ERR_OK) {
        err = galois_sdes_answer(o->sdes, o->answer, &o->result, &err_off, reason, sizeof(reason),
                                 o->offer, false);
    }
    int idx = sip_first_audio(o->offer);
    if (err != GALOIS_ERR_OK) {
        galois_sip_msg_why(why, max_why, "%s%s%s",
                           err == GALOIS_ERR_POLICY ? "" : galois_err_str(err),
                           err == GALOIS_ERR_POLICY || reason[0] == '\0' ? "" : ": ", reason);
        return err;
    }
    if (idx < 0) {
        snprintf(why, max_why, "no audio stream in the offer");
        return GALOIS_ERR_UNSUPPORTED;
    }
    o->audio = (size_t)idx;
    if (!sip_media_result(&o->media, &o->result->media[idx], o->offer, (size_t)idx, mux_ours, why,
                          max_why)) {
        return GALOIS_ERR_UNSUPPORTED;
    }
    return GALOIS_ERR_OK;
}

galois_err sip_offer_negotiate(struct sip_offer *out, struct galois_sip_ua *ua,
                               const struct galois_sdes_policy *policy,
                               const struct galois_sdes_session *base, bool secure, bool mux_ours,
                               const osip_message_t *req, const struct sip_dest *from, char *why,
                               size_t max_why)
{
    memset(out, 0, sizeof(*out));
    size_t sdp_len = 0;
    size_t err_off = 0;
    const char *body = galois_sip_msg_sdp(req, &sdp_len);
    galois_err err = GALOIS_ERR_POLICY;
    if (sip_transport_refusal(ua, policy, secure, from, body, why, max_why)) {
        // err stays GALOIS_ERR_POLICY
    } else if (body == NULL) {
        snprintf(why, max_why,
                 "no SDP offer in the INVITE (galois does not take offerless INVITEs)");
        err = GALOIS_ERR_UNSUPPORTED;
    } else if (galois_sdp_parse(&out->offer, &err_off, body, sdp_len) != GALOIS_ERR_OK) {
        snprintf(why, max_why, "malformed SDP offer at byte %zu", err_off);
        err = GALOIS_ERR_PARSE;
    } else {
        // A new call starts a session under `policy`; a re-offer is negotiated on a copy of the
        // call's session (same policy, same keys), so a refusal leaves the call as it was.
        err = base != NULL ? galois_sdes_session_copy(&out->sdes, base)
                           : galois_sdes_session_new(&out->sdes, policy);
        if (err == GALOIS_ERR_OK) {
            err = negotiate(out, mux_ours, why, max_why);
        } else {
            snprintf(why, max_why, "%s", galois_err_str(err));
        }
    }
    if (err != GALOIS_ERR_OK) {
        sip_offer_cleanup(out);
    }
    return err;
}

galois_err sip_answer_sdp(char **out, size_t *out_len, struct galois_sdp *answer, size_t audio,
                          const struct galois_sip_media_local *ml, const char *sess_id,
                          uint64_t version)
{
    *out = NULL;
    struct galois_sdp_conn addr = {"IN", strchr(ml->address, ':') != NULL ? "IP6" : "IP4",
                                   ml->address};
    char ver[24];
    char id[SIP_SESS_ID_LEN];
    snprintf(ver, sizeof(ver), "%llu", (unsigned long long)version);
    snprintf(id, sizeof(id), "%s", sess_id);  // it may live in `answer`, which set_origin rewrites
    galois_err err = galois_sdp_set_conn(answer, &addr);
    if (err == GALOIS_ERR_OK) {
        err = galois_sdp_set_origin(answer, "-", id, ver, &addr);
    }
    if (err == GALOIS_ERR_OK) {
        err = galois_sdp_media_set_port(answer, audio, ml->rtp_port);
    }
    if (err == GALOIS_ERR_OK && !ml->rtcp_mux) {
        galois_sdp_media_remove_attrs(answer, audio, "rtcp-mux");
    }
    if (err == GALOIS_ERR_OK && !ml->rtcp_mux && ml->rtcp_port != 0 &&
        ml->rtcp_port != ml->rtp_port + 1 &&
        galois_sdp_attr_get(answer->media[audio].attrs, answer->media[audio].num_attrs, "rtcp",
                            0) == NULL) {
        char rtcp[16];
        snprintf(rtcp, sizeof(rtcp), "%u", (unsigned)ml->rtcp_port);
        err = galois_sdp_media_add_attr(answer, audio, "rtcp", rtcp);
    }
    char *sdp = malloc(SIP_SDP_MAX);
    if (err == GALOIS_ERR_OK) {
        err = sdp == NULL ? GALOIS_ERR_NOMEM : galois_sdp_write(sdp, out_len, SIP_SDP_MAX, answer);
    }
    if (err != GALOIS_ERR_OK) {
        if (sdp != NULL) {
            galois_secure_zero(sdp, SIP_SDP_MAX);
        }
        free(sdp);
        return err;
    }
    *out = sdp;
    return GALOIS_ERR_OK;
}

// add_attr adds a=name[:value] to m= section `index` unless an earlier step failed.
static galois_err add_attr(galois_err err, struct galois_sdp *sdp, size_t index, const char *name,
                           const char *value)
{
    return err == GALOIS_ERR_OK ? galois_sdp_media_add_attr(sdp, index, name, value) : err;
}

galois_err sip_offer_sdp(struct galois_sdp **out, const struct galois_sip_media_local *ml,
                         const char *sess_id, uint64_t version, int first_pt,
                         enum galois_sdp_direction dir)
{
    struct galois_sdp_conn addr = {"IN", strchr(ml->address, ':') != NULL ? "IP6" : "IP4",
                                   ml->address};
    char ver[24];
    snprintf(ver, sizeof(ver), "%llu", (unsigned long long)version);
    size_t index = 0;
    struct galois_sdp *sdp = NULL;
    galois_err err = galois_sdp_new(&sdp);
    if (err == GALOIS_ERR_OK) {
        err = galois_sdp_set_origin(sdp, "-", sess_id, ver, &addr);
    }
    if (err == GALOIS_ERR_OK) {
        err = galois_sdp_set_session_name(sdp, "galois");
    }
    if (err == GALOIS_ERR_OK) {
        err = galois_sdp_set_conn(sdp, &addr);
    }
    if (err == GALOIS_ERR_OK) {
        err = galois_sdp_add_time(sdp, "0", "0");
    }
    if (err == GALOIS_ERR_OK) {  // the payload type in use first, so a re-offer keeps it
        err = galois_sdp_add_media(sdp, &index, "audio", ml->rtp_port, "RTP/AVP",
                                   first_pt == 8 ? "8 0" : "0 8");
    }
    err = add_attr(err, sdp, index, "rtpmap", first_pt == 8 ? "8 PCMA/8000" : "0 PCMU/8000");
    err = add_attr(err, sdp, index, "rtpmap", first_pt == 8 ? "0 PCMU/8000" : "8 PCMA/8000");
    err = add_attr(err, sdp, index, "ptime", "20");
    if (ml->rtcp_port != 0 && ml->rtcp_port != ml->rtp_port + 1) {
        char rtcp[16];
        snprintf(rtcp, sizeof(rtcp), "%u", (unsigned)ml->rtcp_port);
        err = add_attr(err, sdp, index, "rtcp", rtcp);
    }
    if (ml->rtcp_mux) {
        err = add_attr(err, sdp, index, "rtcp-mux", NULL);
    }
    err = add_attr(err, sdp, index, galois_sdp_direction_name(dir), NULL);
    if (err != GALOIS_ERR_OK) {
        galois_sdp_free(sdp);
        sdp = NULL;
    }
    *out = sdp;
    return err;
}

galois_err sip_offer_text(char **out, const struct galois_sdp *sdp)
{
    size_t len = 0;
    char *text = malloc(SIP_SDP_MAX);
    galois_err err =
        text == NULL ? GALOIS_ERR_NOMEM : galois_sdp_write(text, &len, SIP_SDP_MAX, sdp);
    if (err != GALOIS_ERR_OK && text != NULL) {
        galois_secure_zero(text, SIP_SDP_MAX);
        free(text);
        text = NULL;
    }
    *out = text;
    return err;
}
