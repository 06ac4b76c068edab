// The re-INVITEs `galois call` and `galois answer` send (--hold-at, --resume-at, --rekey-at):
// each is sent when due through galois_sip_call_modify, one at a time (one that falls due
// while another is out waits for its outcome), printed when sent and when answered, and
// counted in the report. On hold (our a=sendonly) we keep sending; after our resume or
// re-key the tone detector starts afresh. docs/SIP.md, "re-INVITE".
#include <string.h>

#include "endpoint_state.h"

static const char *action_name(enum ep_action_kind k)
{
    switch (k) {
        case EP_HOLD:
            return "hold";
        case EP_RESUME:
            return "resume";
        case EP_REKEY:
        default:
            return "re-key";
    }
}

void ep_modify_start(struct endpoint *ep)
{
    memset(ep->action_done, 0, sizeof(ep->action_done));
    ep->modify_pending = false;
    ep->holding = false;
}

// due returns the index of the earliest action not sent yet whose time has come, or -1.
static int due(const struct endpoint *ep, uint64_t now_us)
{
    int best = -1;
    for (size_t i = 0; i < ep->o.num_actions; i++) {
        const struct ep_action *a = &ep->o.actions[i];
        uint64_t at = ep->media_start_us + (uint64_t)(a->at_s * 1e6);
        if (!ep->action_done[i] && now_us >= at &&
            (best < 0 || a->at_s < ep->o.actions[best].at_s)) {
            best = (int)i;
        }
    }
    return best;
}

void ep_modify_step(struct endpoint *ep, uint64_t now_us)
{
    if (ep->call == NULL || ep->modify_pending) {
        return;
    }
    int i = due(ep, now_us);
    if (i < 0) {
        return;
    }
    const struct ep_action *a = &ep->o.actions[i];
    struct galois_sip_modify m = {
        .direction = a->kind == EP_HOLD     ? GALOIS_SDP_SENDONLY
                     : a->kind == EP_RESUME ? GALOIS_SDP_SENDRECV
                     : ep->holding          ? GALOIS_SDP_SENDONLY
                                            : GALOIS_SDP_SENDRECV,
        .new_key = a->kind == EP_REKEY,
    };
    galois_err err = galois_sip_call_modify(ep->call, &m);
    if (err == GALOIS_ERR_STATE) {
        return;  // an INVITE is in progress (the peer's): try again on the next turn
    }
    ep->action_done[i] = true;
    struct ep_call_report *r = ep_current_report(ep);
    double t = (double)(now_us - ep->media_start_us) / 1e6;
    if (err != GALOIS_ERR_OK) {
        ep_progress(ep, "re-INVITE (%s) at %.1f s not sent: %s", action_name(a->kind), t,
                    galois_err_str(err));
        r->sent_refused++;
        return;
    }
    ep->modify_pending = true;
    ep->modify_kind = a->kind;
    r->sent++;
    ep_progress(ep, "re-INVITE sent: %s%s at %.1f s", action_name(a->kind),
                a->kind == EP_REKEY ? " (new send key)" : "", t);
}

bool ep_modify_outcome(struct endpoint *ep, const struct galois_sip_event *ev, char *why,
                       size_t max_why)
{
    struct ep_call_report *r = ep_current_report(ep);
    ep_progress(ep, "%s", ev->reason);
    if (ev->retrying) {
        r->sent_glare++;
        r->sent++;  // the library sends it again: one more INVITE
        return true;
    }
    ep->modify_pending = false;
    if (ev->status != 200) {
        r->sent_glare += ev->status == 491 ? 1u : 0u;
        r->sent_refused += ev->status == 491 ? 0u : 1u;
        return true;  // the session stays as it was
    }
    r->sent_ok++;
    if (!ep_update_media(ep, ev->changes, true, why, max_why)) {
        return false;
    }
    switch (ep->modify_kind) {
        case EP_HOLD:
            ep->holding = true;
            r->sent_holds++;
            break;
        case EP_RESUME:
            ep->holding = false;
            r->sent_resumes++;
            ep_restart_tone(ep);  // the peer sends again: judge what it sends from now on
            break;
        case EP_REKEY:
        default:
            r->sent_rekeys++;
            ep_restart_tone(ep);  // (ep_update_media restarts it too when a key changed)
            break;
    }
    return true;
}
