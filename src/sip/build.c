// The text of the messages the agent writes: responses built from the request they answer,
// Contact values, reason phrases and Digest credentials.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ua.h"

const char *sip_reason_phrase(int status)
{
    switch (status) {
        case 100:
            return "Trying";
        case 180:
            return "Ringing";
        case 200:
            return "OK";
        case 400:
            return "Bad Request";
        case 403:
            return "Forbidden";
        case 404:
            return "Not Found";
        case 405:
            return "Method Not Allowed";
        case 408:
            return "Request Timeout";
        case 415:
            return "Unsupported Media Type";
        case 420:
            return "Bad Extension";
        case 480:
            return "Temporarily Unavailable";
        case 481:
            return "Call/Transaction Does Not Exist";
        case 486:
            return "Busy Here";
        case 487:
            return "Request Terminated";
        case 488:
            return "Not Acceptable Here";
        case 491:
            return "Request Pending";
        case 500:
            return "Server Internal Error";
        case 501:
            return "Not Implemented";
        case 503:
            return "Service Unavailable";
        case 603:
            return "Decline";
        default:
            return status < 300 ? "OK" : "Error";
    }
}

// append adds the header `name: value` for each element of an osip list, written by `to_str`.
static size_t append_list(char *out, size_t max_out, size_t off, const char *name,
                          const osip_list_t *list, int (*to_str)(const void *, char **))
{
    for (int i = 0; i < osip_list_size(list); i++) {
        char *v = NULL;
        if (to_str(osip_list_get(list, i), &v) == 0 && off < max_out) {
            int n = snprintf(out + off, max_out - off, "%s: %s\r\n", name, v);
            off += n > 0 ? (size_t)n : 0;
        }
        osip_free(v);
    }
    return off;
}

static int via_str(const void *p, char **out)
{
    return osip_via_to_str((const osip_via_t *)p, out);
}

static int rr_str(const void *p, char **out)
{
    return osip_record_route_to_str((const osip_record_route_t *)p, out);
}

galois_err sip_response_text(char *out, size_t max_out, size_t *out_len,
                             const struct galois_sip_ua *ua, const osip_message_t *req, int status,
                             const char *reason, const char *to_tag, const char *extra,
                             const char *body)
{
    galois_err err = GALOIS_ERR_BUFFER;
    char *from = NULL;
    char *to = NULL;
    char *cseq = NULL;
    if (osip_from_to_str(req->from, &from) != 0 || osip_to_to_str(req->to, &to) != 0 ||
        osip_cseq_to_str(req->cseq, &cseq) != 0) {
        err = GALOIS_ERR_INVALID;
        goto out;
    }
    size_t off = 0;
    int n = snprintf(out, max_out, "SIP/2.0 %d %s\r\n", status,
                     reason != NULL ? reason : sip_reason_phrase(status));
    off += n > 0 ? (size_t)n : 0;
    off = append_list(out, max_out, off, "Via", &req->vias, via_str);
    bool add_tag = to_tag != NULL && to_tag[0] != '\0' && galois_sip_msg_to_tag(req) == NULL;
    bool rr = MSG_IS_INVITE(req) && status > 100 && status < 300;
    if (rr) {
        off = append_list(out, max_out, off, "Record-Route", &req->record_routes, rr_str);
    }
    const char *ua_name = ua->cfg.user_agent[0] != '\0' ? ua->cfg.user_agent : "galois";
    size_t body_len = body != NULL ? strlen(body) : 0;
    if (off < max_out) {
        n = snprintf(out + off, max_out - off,
                     "From: %s\r\nTo: %s%s%s\r\nCall-ID: %s\r\nCSeq: %s\r\nServer: %s\r\n%s"
                     "%sContent-Length: %zu\r\n\r\n%s",
                     from, to, add_tag ? ";tag=" : "", add_tag ? to_tag : "",
                     osip_call_id_get_number(req->call_id), cseq, ua_name,
                     extra != NULL ? extra : "",
                     body_len > 0 ? "Content-Type: application/sdp\r\n" : "", body_len,
                     body != NULL ? body : "");
        off += n > 0 ? (size_t)n : 0;
    }
    if (off >= max_out) {
        goto out;
    }
    *out_len = off;
    err = GALOIS_ERR_OK;
out:
    osip_free(from);
    osip_free(to);
    osip_free(cseq);
    return err;
}

void sip_contact(struct galois_sip_ua *ua, const struct sip_dest *dest, const struct sip_conn *conn,
                 bool secure, char *out, size_t max_out)
{
    char host[GALOIS_SIP_MAX_ADDR];
    uint16_t port = 0;
    sip_local_hostport(ua, dest, conn, host, sizeof(host), &port);
    bool v6 = strchr(host, ':') != NULL;
    const char *param = "";
    if (dest->transport == GALOIS_SIP_TRANSPORT_TCP) {
        param = ";transport=tcp";
    } else if (dest->transport == GALOIS_SIP_TRANSPORT_TLS && !secure) {
        param = ";transport=tls";
    }
    snprintf(out, max_out, "<%s:%s%s%s%s%s:%u%s>", secure ? "sips" : "sip", ua->cfg.user,
             ua->cfg.user[0] != '\0' ? "@" : "", v6 ? "[" : "", host, v6 ? "]" : "", (unsigned)port,
             param);
}

bool sip_auth_header(struct galois_sip_ua *ua, char *out, size_t max_out,
                     const osip_message_t *resp, const char *method, const char *uri, char *why,
                     size_t max_why)
{
    int status = osip_message_get_status_code(resp);
    const osip_list_t *list = status == 407 ? &resp->proxy_authenticates : &resp->www_authenticates;
    if (ua->cfg.password[0] == '\0') {
        snprintf(why, max_why, "%d %s: the server asks for a password and none was given", status,
                 sip_reason_phrase(status));
        return false;
    }
    enum { MAX_CHALLENGES = 8 };
    struct galois_sip_challenge chs[MAX_CHALLENGES];
    size_t num = 0;
    char last_why[GALOIS_SIP_MAX_REASON] = "no Digest challenge";
    for (int i = 0; i < osip_list_size(list) && num < MAX_CHALLENGES; i++) {
        char *v = NULL;
        const osip_www_authenticate_t *wa = osip_list_get(list, i);
        if (osip_www_authenticate_to_str(wa, &v) != 0 || v == NULL) {
            continue;
        }
        if (galois_sip_challenge_parse(&chs[num], v, strlen(v), last_why, sizeof(last_why)) ==
            GALOIS_ERR_OK) {
            num++;
        }
        osip_free(v);
    }
    int best = galois_sip_challenge_choose(chs, num);
    if (best < 0) {
        snprintf(why, max_why, "%d: no usable challenge (%s)", status, last_why);
        return false;
    }
    const char *user = ua->cfg.auth_user[0] != '\0' ? ua->cfg.auth_user : ua->cfg.user;
    char value[2048];
    galois_err err = galois_sip_digest_response(value, sizeof(value), &chs[best], user,
                                                ua->cfg.password, method, uri, 1, NULL);
    if (err != GALOIS_ERR_OK) {
        snprintf(why, max_why, "cannot answer the Digest challenge: %s", galois_err_str(err));
        return false;
    }
    int n = snprintf(out, max_out, "%s: %s\r\n",
                     status == 407 ? "Proxy-Authorization" : "Authorization", value);
    return n > 0 && (size_t)n < max_out;
}
