// The reports of `galois call` and `galois answer`: one JSON object (--json) or the human
// summary, and the exit status they imply. docs/SIP.md describes the fields.
#include <string.h>

#include "endpoint_state.h"
#include "json_out.h"

static void report_json(const struct endpoint *ep, const struct ep_call_report *r, FILE *f,
                        bool with_calls)
{
    fprintf(f, "{\"role\":");
    tool_json_string(f, ep->o.role == EP_CALL ? "call" : "answer");
    fprintf(f, ",\"result\":\"%s\",\"error\":", r->ok ? "ok" : "error");
    tool_json_string(f, r->error);
    fprintf(f, ",\"peer\":");
    tool_json_string(f, r->peer);
    fprintf(f, ",\"sip\":{\"status\":%d,\"reason\":", r->status);
    tool_json_string(f, r->reason);
    fprintf(f, ",\"established\":%s}", r->established ? "true" : "false");
    if (r->have_tls) {
        char tls[2048];
        if (galois_tls_info_json(tls, sizeof(tls), &r->tls) == GALOIS_ERR_OK) {
            fprintf(f, ",\"tls\":%s", tls);
        }
    } else {
        fprintf(f, ",\"tls\":null");
    }
    fprintf(f, ",\"srtp\":{\"suite\":");
    tool_json_string(f, r->srtp ? r->suite : "");
    fprintf(f, ",\"enabled\":%s,\"rtcp_mux\":%s}", r->srtp ? "true" : "false",
            r->rtcp_mux ? "true" : "false");
    char stats[2048];
    if (r->established &&
        galois_media_stats_json(stats, sizeof(stats), &r->stats) == GALOIS_ERR_OK &&
        stats[0] == '{') {
        fprintf(f, ",\"media\":{\"tone_hz\":%.1f,\"tone_purity\":%.3f,\"seconds\":%.2f,%s",
                r->have_tone ? r->tone_hz : 0.0, r->have_tone ? r->tone_purity : 0.0, r->seconds,
                stats + 1);
    } else {
        fprintf(f, ",\"media\":null");
    }
    fprintf(f,
            ",\"reinvites\":{\"received\":%u,\"refused\":%u,\"holds\":%u,\"resumes\":%u,"
            "\"rekeys\":%u,\"sent\":{\"invites\":%u,\"ok\":%u,\"refused\":%u,\"glare\":%u,"
            "\"holds\":%u,\"resumes\":%u,\"rekeys\":%u}}",
            r->reinvites, r->reinvites_refused, r->holds, r->resumes, r->rekeys, r->sent,
            r->sent_ok, r->sent_refused, r->sent_glare, r->sent_holds, r->sent_resumes,
            r->sent_rekeys);
    if (with_calls) {
        fprintf(f, ",\"calls\":[");
        for (size_t i = 0; i < ep->num_reports; i++) {
            fprintf(f, "%s", i > 0 ? "," : "");
            report_json(ep, &ep->reports[i], f, false);
        }
        fprintf(f, "]");
    }
    fprintf(f, "}");
}

static void report_text(const struct endpoint *ep, const struct ep_call_report *r, FILE *f)
{
    fprintf(f, "%s %s: %s\n", ep->o.name, ep->o.role == EP_CALL ? "call to" : "call from", r->peer);
    if (r->have_tls) {
        char tls[1024];
        if (galois_tls_info_text(tls, sizeof(tls), &r->tls) == GALOIS_ERR_OK) {
            fprintf(f, "  TLS    %s\n", tls);
        }
    } else {
        fprintf(f, "  TLS    none\n");
    }
    fprintf(f, "  SIP    %s %d %s\n", r->established ? "established," : "not established,",
            r->status, r->reason);
    if (r->established) {
        fprintf(f, "  SRTP   %s%s\n", r->srtp ? r->suite : "OFF: plain RTP",
                r->rtcp_mux ? " (rtcp-mux)" : "");
        const struct galois_media_stats *s = &r->stats;
        fprintf(f,
                "  media  %s, %.1f s: sent %llu packets, received %llu (lost %lld, auth failures "
                "%llu, replays %llu, malformed %llu), jitter %.2f ms\n",
                r->payload_type == 8 ? "PCMA" : "PCMU", r->seconds,
                (unsigned long long)s->packets_sent, (unsigned long long)s->packets_received,
                (long long)s->lost, (unsigned long long)s->auth_failures,
                (unsigned long long)s->replays, (unsigned long long)s->malformed, s->jitter_ms);
        if (r->reinvites > 0) {
            fprintf(f,
                    "  re-INVITE %u received, %u refused; %u hold(s), %u resume(s), %u re-key(s)\n",
                    r->reinvites, r->reinvites_refused, r->holds, r->resumes, r->rekeys);
        }
        if (r->sent > 0 || r->sent_refused > 0) {
            fprintf(f,
                    "  re-INVITE %u sent: %u answered 200, %u refused, %u glare (491); %u "
                    "hold(s), %u resume(s), %u re-key(s) done\n",
                    r->sent, r->sent_ok, r->sent_refused, r->sent_glare, r->sent_holds,
                    r->sent_resumes, r->sent_rekeys);
        }
        if (r->have_tone && r->tone_purity > 0.2) {
            fprintf(f, "  audio  heard a %.1f Hz tone (purity %.2f)\n", r->tone_hz, r->tone_purity);
        } else {
            fprintf(f, "  audio  no clear tone heard\n");
        }
    }
    fprintf(f, "  result %s%s%s\n", r->ok ? "ok" : "FAILED", r->error[0] != '\0' ? ": " : "",
            r->error);
}

int ep_report(const struct endpoint *ep, FILE *f)
{
    bool ok = ep->fatal[0] == '\0' && ep->num_reports > 0;
    unsigned ok_calls = 0;
    for (size_t i = 0; i < ep->num_reports; i++) {
        ok_calls += ep->reports[i].ok ? 1u : 0u;
    }
    unsigned wanted = ep->o.role == EP_CALL ? 1 : ep->o.calls;
    ok = ok && ok_calls >= wanted;
    if (ep->o.json) {
        if (ep->num_reports == 0) {
            fprintf(f, "{\"role\":\"%s\",\"result\":\"error\",\"error\":",
                    ep->o.role == EP_CALL ? "call" : "answer");
            tool_json_string(f, ep->fatal[0] != '\0' ? ep->fatal : "no call");
            fprintf(f, "}\n");
        } else {
            // the last call's report, with every call's report in "calls"
            report_json(ep, &ep->reports[ep->num_reports - 1], f, true);
            fprintf(f, "\n");
        }
    } else {
        for (size_t i = 0; i < ep->num_reports; i++) {
            report_text(ep, &ep->reports[i], f);
        }
        if (ep->fatal[0] != '\0') {
            fprintf(f, "%s: %s\n", ep->o.name, ep->fatal);
        }
    }
    if (!ok) {
        const char *why = ep->fatal;
        for (size_t i = 0; why[0] == '\0' && i < ep->num_reports; i++) {
            why = ep->reports[i].error;
        }
        fprintf(stderr, "galois %s: %s\n", ep->o.role == EP_CALL ? "call" : "answer",
                why[0] != '\0' ? why : "the call did not complete");
    }
    return ok ? 0 : 1;
}
