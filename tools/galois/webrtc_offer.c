// `galois webrtc`: what we need from a browser's offer, and the answer Chromium accepts
// (docs/WEBRTC.md, "The answer"). The offer is parsed by the sdp layer; the values we take
// from it are checked by the ice and dtls layers' own parsers.
#include <stdarg.h>
#include <string.h>

#include "webrtc.h"

enum {
    SHOWN_MAX = 4 * 120 + 1,  // room for 120 bytes of peer text, each escaped as \xNN
};

// shown_text copies at most `limit` bytes of the peer's `value` into `out` for a refusal
// reason, escaped (wr_text_escape): the reason goes to the terminal and into the HTTP answer.
static void shown_text(char *out, size_t max, const char *value, size_t limit)
{
    (void)wr_text_escape(out, max, value, strnlen(value, limit));
}

static const char *attr_get(const struct galois_sdp *sdp, size_t m, const char *name)
{
    const struct galois_sdp_media *md = &sdp->media[m];
    const char *v = galois_sdp_attr_get(md->attrs, md->num_attrs, name, 0);
    return v != NULL ? v : galois_sdp_attr_get(sdp->attrs, sdp->num_attrs, name, 0);
}

static bool has_fmt(const struct galois_sdp_media *md, const char *fmt)
{
    for (size_t i = 0; i < md->num_fmts; i++) {
        if (strcmp(md->fmts[i], fmt) == 0) {
            return true;
        }
    }
    return false;
}

static bool dtls_proto(const char *proto)
{
    return strcmp(proto, "UDP/TLS/RTP/SAVPF") == 0 || strcmp(proto, "UDP/TLS/RTP/SAVP") == 0;
}

// find_audio picks the first audio section with a port and a DTLS-SRTP profile.
static bool find_audio(struct wr_offer *out, const struct galois_sdp *sdp, char *why,
                       size_t max_why)
{
    bool any_audio = false;
    for (size_t i = 0; i < sdp->num_media; i++) {
        const struct galois_sdp_media *md = &sdp->media[i];
        if (strcmp(md->type, "audio") != 0 || md->port == 0) {
            continue;
        }
        any_audio = true;
        if (dtls_proto(md->proto)) {
            out->audio_index = i;
            snprintf(out->proto, sizeof(out->proto), "%s", md->proto);
            return true;
        }
    }
    if (any_audio) {
        snprintf(why, max_why, "the offer's audio is not DTLS-SRTP (want UDP/TLS/RTP/SAVPF)");
    } else {
        snprintf(why, max_why, "no audio: the offer has no m=audio section with a port");
    }
    return false;
}

// take_fingerprints collects the a=fingerprint lines of the section (or of the session when
// the section has none). Hashes galois does not know are skipped; at least one must parse.
static bool take_fingerprints(struct wr_offer *out, const struct galois_sdp *sdp, char *why,
                              size_t max_why)
{
    const struct galois_sdp_media *md = &sdp->media[out->audio_index];
    const struct galois_sdp_attr *attrs = md->attrs;
    size_t num = md->num_attrs;
    if (galois_sdp_attr_get(attrs, num, "fingerprint", 0) == NULL) {
        attrs = sdp->attrs;
        num = sdp->num_attrs;
    }
    size_t seen = 0;
    for (size_t i = 0; i < num; i++) {
        if (strcmp(attrs[i].name, "fingerprint") != 0 || attrs[i].value == NULL) {
            continue;
        }
        seen++;
        struct galois_dtls_fingerprint fp;
        galois_err err = galois_dtls_fingerprint_parse(&fp, attrs[i].value, strlen(attrs[i].value));
        if (err == GALOIS_ERR_UNSUPPORTED) {
            continue;
        }
        if (err != GALOIS_ERR_OK) {
            char shown[SHOWN_MAX];
            shown_text(shown, sizeof(shown), attrs[i].value, 120);
            snprintf(why, max_why, "a=fingerprint:%s does not parse", shown);
            return false;
        }
        if (out->num_fps == GALOIS_DTLS_MAX_REMOTE_FINGERPRINTS) {
            snprintf(why, max_why, "more than %d a=fingerprint lines",
                     GALOIS_DTLS_MAX_REMOTE_FINGERPRINTS);
            return false;
        }
        out->fps[out->num_fps++] = fp;
    }
    if (out->num_fps == 0) {
        snprintf(why, max_why,
                 seen == 0 ? "no a=fingerprint: the offer does not say which certificate DTLS "
                             "will present"
                           : "no a=fingerprint with a hash galois knows (sha-1 .. sha-512)");
        return false;
    }
    return true;
}

static bool take_ice(struct wr_offer *out, const struct galois_sdp *sdp, char *why, size_t max_why)
{
    const char *ufrag = attr_get(sdp, out->audio_index, "ice-ufrag");
    const char *pwd = attr_get(sdp, out->audio_index, "ice-pwd");
    if (ufrag == NULL || pwd == NULL) {
        snprintf(why, max_why, "no a=ice-ufrag and a=ice-pwd in the offer");
        return false;
    }
    if (!galois_ice_cred_valid(ufrag, strlen(ufrag), false) ||
        !galois_ice_cred_valid(pwd, strlen(pwd), true)) {
        snprintf(why, max_why, "the offer's a=ice-ufrag or a=ice-pwd is not valid (RFC 8839)");
        return false;
    }
    snprintf(out->ufrag, sizeof(out->ufrag), "%s", ufrag);
    snprintf(out->pwd, sizeof(out->pwd), "%s", pwd);
    return true;
}

// take_bundle notes whether a=group:BUNDLE names our mid.
static void take_bundle(struct wr_offer *out, const struct galois_sdp *sdp)
{
    for (size_t i = 0; i < sdp->num_attrs && out->mid[0] != '\0'; i++) {
        const char *v = sdp->attrs[i].value;
        if (strcmp(sdp->attrs[i].name, "group") != 0 || v == NULL) {
            continue;
        }
        struct galois_rd r;
        struct galois_rd tok;
        galois_rd_init(&r, v, strlen(v));
        if (!galois_rd_lit(&r, "BUNDLE")) {
            continue;
        }
        while (galois_rd_lit(&r, " ")) {
            if (galois_rd_until(&r, &tok, ' ', WR_MAX_MID) && tok.len == strlen(out->mid) &&
                memcmp(tok.p, out->mid, tok.len) == 0) {
                out->bundle = true;
            }
        }
    }
}

bool wr_offer_check(struct wr_offer *out, const char *sdp_text, size_t len, char *why,
                    size_t max_why)
{
    memset(out, 0, sizeof(*out));
    struct galois_sdp *sdp = NULL;
    size_t off = 0;
    galois_err err = galois_sdp_parse(&sdp, &off, sdp_text, len);
    if (err != GALOIS_ERR_OK) {
        size_t line = 0;
        size_t col = 0;
        galois_sdp_line_col(&line, &col, sdp_text, len, off);
        snprintf(why, max_why, "the offer SDP does not parse (%s at line %zu, column %zu)",
                 galois_err_str(err), line, col);
        return false;
    }
    bool ok = false;
    out->num_media = sdp->num_media;
    if (!find_audio(out, sdp, why, max_why) || !take_fingerprints(out, sdp, why, max_why) ||
        !take_ice(out, sdp, why, max_why)) {
        goto out;
    }
    const struct galois_sdp_media *md = &sdp->media[out->audio_index];
    if (!has_fmt(md, "0")) {
        snprintf(why, max_why,
                 "no usable codec: the offer's audio has no PCMU (payload type 0), the only "
                 "codec galois webrtc sends");
        goto out;
    }
    out->rtcp_mux = galois_sdp_media_has_flag(sdp, out->audio_index, "rtcp-mux", false);
    if (!out->rtcp_mux) {
        snprintf(why, max_why, "no a=rtcp-mux: galois webrtc uses one UDP port per session");
        goto out;
    }
    const char *setup = attr_get(sdp, out->audio_index, "setup");
    if (setup != NULL &&
        galois_dtls_setup_parse(&out->setup, setup, strlen(setup)) != GALOIS_ERR_OK) {
        char shown[SHOWN_MAX];
        shown_text(shown, sizeof(shown), setup, 40);
        snprintf(why, max_why, "a=setup:%s is not actpass, active, passive or holdconn", shown);
        goto out;
    }
    const char *mid = galois_sdp_attr_get(md->attrs, md->num_attrs, "mid", 0);
    if (mid != NULL) {
        size_t n = strlen(mid);
        if (n == 0 || n > WR_MAX_MID || strpbrk(mid, " \t") != NULL) {
            snprintf(why, max_why, "a=mid is empty, has blanks or is over %d bytes", WR_MAX_MID);
            goto out;
        }
        snprintf(out->mid, sizeof(out->mid), "%s", mid);
    }
    take_bundle(out, sdp);
    out->direction = galois_sdp_media_direction(sdp, out->audio_index);
    ok = true;
out:
    galois_sdp_free(sdp);
    return ok;
}

// --- the answer ---

struct text {
    char *p;
    size_t max;
    size_t len;
    bool full;
};

static void add(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void add(struct text *t, const char *fmt, ...)
{
    if (t->full) {
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(t->p + t->len, t->max - t->len, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= t->max - t->len) {
        t->full = true;
        t->p[t->len] = '\0';
        return;
    }
    t->len += (size_t)n;
}

bool wr_answer_write(char *out, size_t max, const struct wr_offer *offer, const char *sdp_text,
                     size_t sdp_len, const struct wr_answer_params *p, char *why, size_t max_why)
{
    struct galois_sdp *sdp = NULL;
    size_t off = 0;
    if (max == 0 || galois_sdp_parse(&sdp, &off, sdp_text, sdp_len) != GALOIS_ERR_OK ||
        sdp->num_media != offer->num_media) {
        galois_sdp_free(sdp);
        snprintf(why, max_why, "the offer could not be read again");
        return false;
    }
    char ip[GALOIS_ICE_MAX_ADDR_TEXT];
    char cand[GALOIS_ICE_MAX_CANDIDATE_LEN];
    size_t cand_len = 0;
    uint8_t rnd[4] = {0};
    bool ok = galois_ice_addr_text(ip, sizeof(ip), p->addr) == GALOIS_ERR_OK &&
              galois_ice_host_candidate(cand, &cand_len, sizeof(cand), "1", p->addr,
                                        galois_ice_priority(126, 65535, 1)) == GALOIS_ERR_OK &&
              galois_random_bytes(rnd, sizeof(rnd)) == GALOIS_ERR_OK;
    if (!ok) {
        galois_sdp_free(sdp);
        snprintf(why, max_why, "our address or candidate cannot be written");
        return false;
    }
    const char *ipv = p->addr->family == GALOIS_ICE_IPV6 ? "IP6" : "IP4";
    uint32_t sess =
        ((uint32_t)rnd[0] << 24 | (uint32_t)rnd[1] << 16 | (uint32_t)rnd[2] << 8 | rnd[3]) >> 1;
    struct text t = {.p = out, .max = max};
    out[0] = '\0';
    add(&t, "v=0\r\no=- %u 2 IN %s %s\r\ns=galois webrtc\r\nt=0 0\r\n", sess, ipv, ip);
    if (offer->bundle) {
        add(&t, "a=group:BUNDLE %s\r\n", offer->mid);
    }
    add(&t, "a=ice-lite\r\n");
    for (size_t i = 0; i < sdp->num_media; i++) {
        const struct galois_sdp_media *md = &sdp->media[i];
        const char *mid = galois_sdp_attr_get(md->attrs, md->num_attrs, "mid", 0);
        if (i != offer->audio_index) {
            // refused (RFC 3264 §6): port 0, the offered type, protocol and first format
            add(&t, "m=%s 0 %s %s\r\n", md->type, md->proto, md->fmts[0]);
            if (mid != NULL && strlen(mid) <= WR_MAX_MID && strpbrk(mid, " \t\r\n") == NULL) {
                add(&t, "a=mid:%s\r\n", mid);
            }
            continue;
        }
        add(&t, "m=audio %u %s 0\r\nc=IN %s %s\r\n", (unsigned)p->addr->port, offer->proto, ipv,
            ip);
        add(&t, "a=ice-ufrag:%s\r\na=ice-pwd:%s\r\n", p->ufrag, p->pwd);
        add(&t, "a=fingerprint:%s\r\na=setup:%s\r\n", p->fingerprint,
            galois_dtls_setup_name(p->setup));
        if (offer->mid[0] != '\0') {
            add(&t, "a=mid:%s\r\n", offer->mid);
        }
        add(&t, "a=%s\r\na=rtcp-mux\r\na=rtpmap:0 PCMU/8000\r\n",
            galois_sdp_direction_name(galois_sdp_direction_answer(offer->direction)));
        add(&t, "a=ssrc:%u cname:galois\r\n", (unsigned)p->ssrc);
        add(&t, "a=candidate:%s\r\na=end-of-candidates\r\n", cand);
    }
    galois_sdp_free(sdp);
    if (t.full) {
        snprintf(why, max_why, "the answer does not fit in %zu bytes", max);
        return false;
    }
    return true;
}
