// `galois webrtc`: a session's report, as one JSON object (the --json output) or as the human
// summary. What the page posted to /result is embedded verbatim in the JSON (it was validated
// when it arrived) and read back member by member for the text.
#include <string.h>

#include "json_out.h"
#include "webrtc_session.h"

enum {
    BROWSER_STR_MAX = 80,  // bytes of a /result string shown in the text report
};

// browser_str finds the member at path a.b.c of the page's /result and writes it into `out`,
// escaped for the terminal (wr_text_escape): a string decoded, anything else as it is written
// (at most 40 bytes), "-" when there is no such member.
static const char *browser_str(const struct wr_session *s, char *out, size_t max, const char *a,
                               const char *b, const char *c)
{
    const char *path[3] = {a, b, c};
    struct galois_rd v;
    galois_rd_init(&v, s->browser, s->browser == NULL ? 0 : strlen(s->browser));
    for (size_t i = 0; i < 3 && path[i] != NULL; i++) {
        struct galois_rd inner;
        if (!wr_json_member(&inner, v.p, v.len, path[i])) {
            snprintf(out, max, "-");
            return out;
        }
        v = inner;
    }
    char text[BROWSER_STR_MAX];
    size_t n = 0;
    if (!wr_json_string(text, sizeof(text), &n, v)) {
        // not a string (or a long one): a number, a boolean ... shown as it is written
        n = v.len < 40 ? v.len : 40;
        memcpy(text, v.p, n);
    }
    (void)wr_text_escape(out, max, text, n);
    return out;
}

void wr_session_report_json(const struct wr_session *s, FILE *f)
{
    char remote[80] = "";
    struct galois_ice_lite_counters ic;
    galois_ice_lite_get_counters(s->ice, &ic);
    if (s->have_remote) {
        wr_addr_text(remote, sizeof(remote), &s->remote);
    }
    const struct galois_dtls_info *i = &s->info;
    fprintf(f, "{\"id\":%u,\"ok\":%s,\"error\":", s->id, wr_session_ok(s) ? "true" : "false");
    tool_json_string(f, s->error);
    fprintf(f, ",\"dtls\":{\"version\":");
    tool_json_string(f, s->have_info ? i->version : "");
    fprintf(f, ",\"cipher\":");
    tool_json_string(f, s->have_info ? i->cipher : "");
    fprintf(f, ",\"profile\":");
    tool_json_string(f, s->have_info ? i->srtp_profile : "");
    fprintf(f, ",\"role\":\"%s\",\"peer_fingerprint\":",
            s->role == GALOIS_DTLS_SERVER ? "server" : "client");
    tool_json_string(f, s->have_info ? i->peer_fingerprint : "");
    fprintf(f, ",\"state\":\"%s\"},\"ice\":{\"remote\":",
            galois_dtls_state_name(galois_dtls_state(s->dtls)));
    tool_json_string(f, remote);
    fprintf(f, ",\"checks\":%llu,\"nominated\":%s,\"refused\":%llu},",
            (unsigned long long)ic.answered, s->nominated ? "true" : "false",
            (unsigned long long)(ic.received - ic.answered - ic.indications));
    const struct galois_media_stats *m = &s->stats;
    fprintf(f,
            "\"media\":{\"codec\":\"PCMU/8000\",\"sent\":%llu,\"received\":%llu,"
            "\"auth_failures\":%llu,\"replays\":%llu,\"rtcp_received\":%llu,\"rtcp_sent\":%llu,"
            "\"lost\":%lld,\"jitter_ms\":%.2f,\"early\":%llu,\"unchecked_source\":%llu,"
            "\"seconds\":%.2f},",
            (unsigned long long)m->packets_sent, (unsigned long long)m->packets_received,
            (unsigned long long)m->auth_failures, (unsigned long long)m->replays,
            (unsigned long long)m->rtcp_received, (unsigned long long)m->rtcp_sent,
            (long long)m->lost, m->jitter_ms, (unsigned long long)s->early_media,
            (unsigned long long)s->unchecked,
            s->connected_us == 0 ? 0.0 : (double)(s->media_end_us - s->connected_us) / 1e6);
    fprintf(f, "\"browser\":");
    wr_json_fput_value(f, s->browser != NULL ? s->browser : "null");
    fputc('}', f);
}

void wr_session_report_text(const struct wr_session *s, FILE *f)
{
    char remote[80] = "-";
    struct galois_ice_lite_counters ic;
    galois_ice_lite_get_counters(s->ice, &ic);
    if (s->have_remote) {
        wr_addr_text(remote, sizeof(remote), &s->remote);
    }
    fprintf(f, "session %u: %s%s\n", s->id,
            wr_session_ok(s) ? "ok" : "FAILED: ", wr_session_ok(s) ? "" : s->error);
    fprintf(f, "  ICE      remote %s, %llu checks answered, %s\n", remote,
            (unsigned long long)ic.answered, s->nominated ? "nominated" : "not nominated");
    if (s->have_info) {
        fprintf(f, "  DTLS     %s %s, we were the %s, %s\n", s->info.version, s->info.cipher,
                s->role == GALOIS_DTLS_SERVER ? "server" : "client", s->info.srtp_profile);
        fprintf(f, "           peer certificate %s\n", s->info.peer_fingerprint);
    } else {
        fprintf(f, "  DTLS     %s\n", galois_dtls_state_name(galois_dtls_state(s->dtls)));
    }
    const struct galois_media_stats *m = &s->stats;
    fprintf(f,
            "  media    PCMU: sent %llu, received %llu (lost %lld, jitter %.1f ms), auth "
            "failures %llu, replays %llu, RTCP in %llu out %llu\n",
            (unsigned long long)m->packets_sent, (unsigned long long)m->packets_received,
            (long long)m->lost, m->jitter_ms, (unsigned long long)m->auth_failures,
            (unsigned long long)m->replays, (unsigned long long)m->rtcp_received,
            (unsigned long long)m->rtcp_sent);
    if (s->browser == NULL) {
        fprintf(f, "  browser  %s\n", s->wants_result ? "no /result arrived" : "-");
        return;
    }
    char a[80];
    char b[80];
    char c[80];
    char d[80];
    char e[80];
    fprintf(f, "  browser  %s, DTLS %s %s, %s\n", browser_str(s, a, sizeof(a), "ok", NULL, NULL),
            browser_str(s, b, sizeof(b), "stats", "transport", "tlsVersion"),
            browser_str(s, c, sizeof(c), "stats", "transport", "dtlsCipher"),
            browser_str(s, d, sizeof(d), "stats", "transport", "srtpCipher"));
    fprintf(f, "           sent %s, received %s, audio level %s\n",
            browser_str(s, a, sizeof(a), "stats", "outbound", "packetsSent"),
            browser_str(s, b, sizeof(b), "stats", "inbound", "packetsReceived"),
            browser_str(s, e, sizeof(e), "stats", "inbound", "audioLevel"));
}
