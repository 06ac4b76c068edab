// Registration (RFC 3261 §10) with Digest authentication, refreshed before it expires.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ua.h"

enum {
    DEFAULT_EXPIRES = 600,
    MAX_AUTH_TRIES = 2,
    RETRY_AFTER_FAILURE_MS = 30000,
};

static galois_err send_register(struct galois_sip_ua *ua, unsigned expires, const char *auth,
                                char *why, size_t max_why);

static unsigned granted_expires(const struct galois_sip_ua *ua, osip_message_t *resp,
                                unsigned asked)
{
    // The Contact of the 200 carries what the registrar granted (RFC 3261 §10.2.4); an
    // Expires header otherwise.
    char expires_name[] = "expires";
    for (int i = 0; i < osip_list_size(&resp->contacts); i++) {
        osip_contact_t *ct = osip_list_get(&resp->contacts, i);
        osip_generic_param_t *p = NULL;
        if (ct != NULL && ct->url != NULL && ct->url->username != NULL &&
            strcmp(ct->url->username, ua->cfg.user) == 0 &&
            osip_contact_param_get_byname(ct, expires_name, &p) >= 0 && p != NULL &&
            p->gvalue != NULL) {
            unsigned long v = strtoul(p->gvalue, NULL, 10);
            if (v > 0 && v < 86400u * 365u) {
                return (unsigned)v;
            }
        }
    }
    osip_header_t *h = NULL;
    if (osip_message_get_expires(resp, 0, &h) >= 0 && h != NULL && h->hvalue != NULL) {
        unsigned long v = strtoul(h->hvalue, NULL, 10);
        if (v > 0 && v < 86400u * 365u) {
            return (unsigned)v;
        }
    }
    return asked;
}

static void on_register_response(struct galois_sip_ua *ua, void *owner, osip_message_t *resp,
                                 int status, const char *reason)
{
    (void)owner;
    unsigned asked = ua->unregistering               ? 0
                     : ua->cfg.register_expires != 0 ? ua->cfg.register_expires
                                                     : DEFAULT_EXPIRES;
    char why[GALOIS_SIP_MAX_REASON];
    if (status < 200 && resp != NULL) {
        return;
    }
    ua->reg_active = false;
    if (resp != NULL && (status == 401 || status == 407) && ua->reg_auth_tries < MAX_AUTH_TRIES) {
        ua->reg_auth_tries++;
        char uri[GALOIS_SIP_MAX_URI + 8];
        snprintf(uri, sizeof(uri), "%s:%s", ua->reg_target.sips ? "sips" : "sip",
                 ua->reg_target.host);
        char auth[2400];
        if (sip_auth_header(ua, auth, sizeof(auth), resp, "REGISTER", uri, why, sizeof(why)) &&
            send_register(ua, asked, auth, why, sizeof(why)) == GALOIS_ERR_OK) {
            galois_secure_zero(auth, sizeof(auth));
            return;
        }
        galois_secure_zero(auth, sizeof(auth));
        ua->registered = false;
        sip_event(ua, GALOIS_SIP_EV_REGISTER_FAILED, NULL, status, why, false, NULL);
        return;
    }
    ua->reg_auth_tries = 0;
    if (status >= 200 && status < 300) {
        if (ua->unregistering) {
            ua->registered = false;
            ua->unregistering = false;
            ua->t_reg_refresh = 0;
            sip_event(ua, GALOIS_SIP_EV_UNREGISTERED, NULL, status, reason, true, NULL);
            return;
        }
        unsigned granted = granted_expires(ua, resp, asked);
        ua->registered = true;
        // refresh at 80% of the time granted, or 5 s before for short ones
        uint64_t ms = granted > 25 ? (uint64_t)granted * 800u : (uint64_t)granted * 1000u - 5000u;
        ua->t_reg_refresh = sip_now_ms() + ms;
        snprintf(why, sizeof(why), "%s (expires in %u s)", reason, granted);
        sip_event(ua, GALOIS_SIP_EV_REGISTERED, NULL, status, why, false, NULL);
        return;
    }
    ua->registered = false;
    if (ua->unregistering) {
        ua->unregistering = false;
        sip_event(ua, GALOIS_SIP_EV_UNREGISTERED, NULL, status, reason, true, NULL);
        return;
    }
    ua->t_reg_refresh = sip_now_ms() + RETRY_AFTER_FAILURE_MS;
    snprintf(why, sizeof(why), "%d %s", status, reason != NULL ? reason : "");
    sip_event(ua, GALOIS_SIP_EV_REGISTER_FAILED, NULL, status, why, false, NULL);
}

static galois_err send_register(struct galois_sip_ua *ua, unsigned expires, const char *auth,
                                char *why, size_t max_why)
{
    struct sip_dest dest;
    galois_err err =
        sip_dest_resolve(&dest, ua->have_via ? &ua->via : &ua->reg_target, why, max_why);
    if (err != GALOIS_ERR_OK) {
        return err;
    }
    if (ua->reg_target.sips && dest.transport != GALOIS_SIP_TRANSPORT_TLS) {
        snprintf(why, max_why, "register: a sips: address of record needs a TLS next hop");
        return GALOIS_ERR_POLICY;
    }
    struct sip_conn *conn = NULL;
    err = sip_conn_get(ua, &dest, &conn, why, max_why);
    if (err != GALOIS_ERR_OK) {
        return err;
    }
    char host[GALOIS_SIP_MAX_ADDR];
    uint16_t port = 0;
    sip_local_hostport(ua, &dest, conn, host, sizeof(host), &port);
    char contact[GALOIS_SIP_MAX_URI + 64];
    sip_contact(ua, &dest, conn, ua->reg_target.sips, contact, sizeof(contact));
    char branch[SIP_TOKEN_LEN];
    err = galois_sip_token(branch, sizeof(branch), "z9hG4bK", 10);
    if (err != GALOIS_ERR_OK) {
        return err;
    }
    const char *scheme = ua->reg_target.sips ? "sips" : "sip";
    bool v6 = strchr(host, ':') != NULL;
    ua->reg_cseq++;
    int n = snprintf(ua->scratch, SIP_MAX_TEXT,
                     "REGISTER %s:%s SIP/2.0\r\nVia: SIP/2.0/%s %s%s%s:%u;branch=%s;rport\r\n"
                     "Max-Forwards: 70\r\nFrom: <%s:%s@%s>;tag=%s\r\nTo: <%s:%s@%s>\r\n"
                     "Call-ID: %s\r\nCSeq: %u REGISTER\r\nContact: %s;expires=%u\r\n"
                     "Expires: %u\r\nUser-Agent: %s\r\n%sContent-Length: 0\r\n\r\n",
                     scheme, ua->reg_target.host, sip_transport_name(dest.transport), v6 ? "[" : "",
                     host, v6 ? "]" : "", (unsigned)port, branch, scheme, ua->reg_target.user,
                     ua->reg_target.host, ua->reg_tag, scheme, ua->reg_target.user,
                     ua->reg_target.host, ua->reg_call_id, ua->reg_cseq, contact, expires, expires,
                     ua->cfg.user_agent[0] != '\0' ? ua->cfg.user_agent : "galois",
                     auth != NULL ? auth : "");
    if (n <= 0 || (size_t)n >= SIP_MAX_TEXT) {
        snprintf(why, max_why, "REGISTER too long");
        return GALOIS_ERR_LIMIT;
    }
    struct sip_txn *t =
        sip_txn_client(ua, TXN_NICT, branch, "REGISTER", ua->reg_cseq, &dest, ua->scratch,
                       (size_t)n, on_register_response, ua, why, max_why);
    galois_secure_zero(ua->scratch, (size_t)n);
    if (t == NULL) {
        return GALOIS_ERR_IO;
    }
    ua->reg_active = true;
    return GALOIS_ERR_OK;
}

static galois_err start(struct galois_sip_ua *ua, bool unregister)
{
    if (ua->cfg.register_uri[0] == '\0') {
        return GALOIS_ERR_STATE;
    }
    char why[GALOIS_SIP_MAX_REASON];
    if (ua->reg_call_id[0] == '\0') {
        galois_err err =
            galois_sip_target_parse(&ua->reg_target, ua->cfg.register_uri, why, sizeof(why));
        if (err == GALOIS_ERR_OK) {
            err = galois_sip_token(ua->reg_call_id, sizeof(ua->reg_call_id), "", 16);
        }
        if (err == GALOIS_ERR_OK) {
            err = galois_sip_token(ua->reg_tag, sizeof(ua->reg_tag), "", 8);
        }
        if (err != GALOIS_ERR_OK) {
            return err;
        }
    }
    ua->unregistering = unregister;
    ua->reg_auth_tries = 0;
    unsigned expires = unregister                      ? 0
                       : ua->cfg.register_expires != 0 ? ua->cfg.register_expires
                                                       : DEFAULT_EXPIRES;
    galois_err err = send_register(ua, expires, NULL, why, sizeof(why));
    if (err != GALOIS_ERR_OK) {
        sip_event(ua, unregister ? GALOIS_SIP_EV_UNREGISTERED : GALOIS_SIP_EV_REGISTER_FAILED, NULL,
                  0, why, true, NULL);
    }
    return err;
}

galois_err galois_sip_ua_register(struct galois_sip_ua *ua)
{
    return start(ua, false);
}

galois_err galois_sip_ua_unregister(struct galois_sip_ua *ua)
{
    ua->t_reg_refresh = 0;
    if (!ua->registered) {
        return GALOIS_ERR_OK;
    }
    return start(ua, true);
}

void sip_register_timers(struct galois_sip_ua *ua, uint64_t now, uint64_t *next)
{
    if (ua->t_reg_refresh == 0 || ua->reg_active) {
        return;
    }
    if (now >= ua->t_reg_refresh) {
        ua->t_reg_refresh = 0;
        (void)start(ua, false);
        return;
    }
    if (ua->t_reg_refresh < *next) {
        *next = ua->t_reg_refresh;
    }
}
