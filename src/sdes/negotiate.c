// The pieces of the SDES negotiation that offer and answer share: profiles, reading the
// a=crypto lines of a section, what the policy accepts, which suite is picked, why a section
// is refused, and how keys become the engine's key sets.
#include <string.h>

#include "internal.h"

static const struct {
    const char *proto;
    enum sdes_profile profile;
    bool feedback;
} profiles[] = {
    {"RTP/AVP", SDES_PROFILE_AVP, false},
    {"RTP/AVPF", SDES_PROFILE_AVP, true},
    {"RTP/SAVP", SDES_PROFILE_SAVP, false},
    {"RTP/SAVPF", SDES_PROFILE_SAVP, true},
    {"UDP/TLS/RTP/SAVP", SDES_PROFILE_DTLS, false},
    {"UDP/TLS/RTP/SAVPF", SDES_PROFILE_DTLS, true},
    {"TCP/DTLS/RTP/SAVP", SDES_PROFILE_DTLS, false},
    {"TCP/DTLS/RTP/SAVPF", SDES_PROFILE_DTLS, true},
    {"TCP/TLS/RTP/SAVP", SDES_PROFILE_DTLS, false},
    {"TCP/TLS/RTP/SAVPF", SDES_PROFILE_DTLS, true},
};

enum sdes_profile sdes_profile(const char *proto, bool *feedback)
{
    *feedback = false;
    for (size_t i = 0; i < GALOIS_ARRAY_LEN(profiles); i++) {
        if (strcmp(proto, profiles[i].proto) == 0) {
            *feedback = profiles[i].feedback;
            return profiles[i].profile;
        }
    }
    return SDES_PROFILE_OTHER;
}

const char *sdes_proto(bool secure, bool feedback)
{
    return secure ? (feedback ? "RTP/SAVPF" : "RTP/SAVP") : (feedback ? "RTP/AVPF" : "RTP/AVP");
}

galois_err sdes_read_cryptos(struct sdes_cryptos **out, size_t *err_off,
                             const struct galois_sdp_media *m)
{
    struct sdes_cryptos *c = calloc(1, sizeof(*c));
    galois_err err = c == NULL ? GALOIS_ERR_NOMEM : GALOIS_ERR_OK;
    for (size_t i = 0; err == GALOIS_ERR_OK && i < m->num_attrs; i++) {
        const struct galois_sdp_attr *a = &m->attrs[i];
        size_t off = 0;
        if (strcmp(a->name, "crypto") != 0) {
            continue;
        }
        *err_off = a->value_off;
        if (c->num == GALOIS_SDES_MAX_CRYPTOS) {
            err = GALOIS_ERR_LIMIT;
            break;
        }
        const char *v = a->value == NULL ? "" : a->value;
        err = galois_sdes_parse(&c->items[c->num], &off, v, strlen(v));
        *err_off = a->value_off + off;
        for (size_t j = 0; err == GALOIS_ERR_OK && j < c->num; j++) {
            err = c->items[j].tag == c->items[c->num].tag ? GALOIS_ERR_PARSE : GALOIS_ERR_OK;
        }
        c->num++;
    }
    if (err != GALOIS_ERR_OK) {
        sdes_cryptos_free(c);
        c = NULL;
    }
    *out = c;
    return err;
}

void sdes_cryptos_free(struct sdes_cryptos *c)
{
    if (c != NULL) {
        galois_secure_zero(c, sizeof(*c));
        free(c);
    }
}

static bool in_policy(const struct galois_sdes_policy *p, enum galois_srtp_suite suite)
{
    for (size_t i = 0; i < p->num_suites && i < GALOIS_ARRAY_LEN(p->suites); i++) {
        if (p->suites[i] == suite) {
            return true;
        }
    }
    return false;
}

// unknown_mandatory tells whether the unknown session parameters hold one not marked
// optional with a leading '-' (RFC 4568 §6.3.7: such a line is not understood).
static bool unknown_mandatory(const char *text)
{
    for (const char *p = text; *p != '\0'; p++) {
        if ((p == text || p[-1] == ' ') && *p != '-') {
            return true;
        }
    }
    return false;
}

static const char *weakening(const struct galois_sdes_policy *p, const struct galois_sdes_crypto *c)
{
    const struct galois_srtp_suite_info *info = galois_srtp_suite_get_info(c->suite);
    if (c->unencrypted_srtp && (p->allow & GALOIS_SDES_ALLOW_UNENCRYPTED_SRTP) == 0) {
        return "UNENCRYPTED_SRTP, not allowed by the policy";
    }
    if (c->unencrypted_srtcp && (p->allow & GALOIS_SDES_ALLOW_UNENCRYPTED_SRTCP) == 0) {
        return "UNENCRYPTED_SRTCP, not allowed by the policy";
    }
    if (c->unauthenticated_srtp && (p->allow & GALOIS_SDES_ALLOW_UNAUTHENTICATED_SRTP) == 0) {
        return "UNAUTHENTICATED_SRTP, not allowed by the policy";
    }
    if (c->unauthenticated_srtp && info != NULL && info->aead) {
        return "UNAUTHENTICATED_SRTP, meaningless with an AEAD suite";
    }
    return NULL;
}

const char *sdes_unacceptable(const struct galois_sdes_policy *p,
                              const struct galois_sdes_crypto *c)
{
    if (c->opaque) {
        return "unknown suite";
    }
    if (c->suite == GALOIS_SRTP_SUITE_NONE) {
        return "suite not supported by galois";
    }
    if (!in_policy(p, c->suite)) {
        return "suite not in the policy";
    }
    if (c->has_kdr && c->kdr == 0) {
        return "KDR=0 (new keys every packet) not supported";
    }
    if (unknown_mandatory(c->text)) {
        return "unknown session parameter";
    }
    return weakening(p, c);
}

bool sdes_select(size_t *out, const struct galois_sdes_policy *p, const struct sdes_cryptos *c)
{
    if (p->pick == GALOIS_SDES_PICK_THEIRS) {
        for (size_t i = 0; i < c->num; i++) {
            if (sdes_unacceptable(p, &c->items[i]) == NULL) {
                *out = i;
                return true;
            }
        }
        return false;
    }
    for (size_t s = 0; s < p->num_suites && s < GALOIS_ARRAY_LEN(p->suites); s++) {
        for (size_t i = 0; i < c->num; i++) {
            if (c->items[i].suite == p->suites[s] && sdes_unacceptable(p, &c->items[i]) == NULL) {
                *out = i;
                return true;
            }
        }
    }
    return false;
}

// describe_offer lists the offered suites with their tags and, for each the policy refuses,
// why.
static void describe_offer(struct galois_buf *b, const struct sdes_cryptos *c,
                           const struct galois_sdes_policy *p)
{
    if (c == NULL || c->num == 0) {
        galois_buf_puts(b, " without a=crypto");
        return;
    }
    galois_buf_puts(b, " with ");
    for (size_t i = 0; i < c->num; i++) {
        const char *why = sdes_unacceptable(p, &c->items[i]);
        galois_buf_puts(b, i > 0 ? ", " : "");
        galois_buf_puts(b, c->items[i].suite_name);
        galois_buf_puts(b, " (tag ");
        galois_buf_put_dec(b, c->items[i].tag);
        if (why != NULL) {
            galois_buf_puts(b, ": ");
            galois_buf_puts(b, why);
        }
        galois_buf_putc(b, ')');
    }
}

static void describe_want(struct galois_buf *b, const struct galois_sdes_policy *p)
{
    static const char *const modes[] = {"forbidden", "optional", "mandatory"};
    galois_buf_puts(b, "; policy ");
    galois_buf_puts(b, (size_t)p->mode < GALOIS_ARRAY_LEN(modes) ? modes[p->mode] : "?");
    if (p->mode == GALOIS_SDES_FORBIDDEN) {
        galois_buf_puts(b, " wants plain RTP/AVP");
        return;
    }
    galois_buf_puts(b, p->mode == GALOIS_SDES_MANDATORY ? " wants RTP/SAVP with "
                                                        : " wants RTP/AVP or RTP/SAVP with ");
    for (size_t i = 0; i < p->num_suites && i < GALOIS_ARRAY_LEN(p->suites); i++) {
        galois_buf_puts(b, i > 0 ? ", " : "");
        const char *name = galois_sdes_suite_name(p->suites[i]);
        galois_buf_puts(b, name == NULL ? "?" : name);
    }
}

void sdes_refusal(char *out, size_t max, const char *verb, const struct galois_sdp *sdp,
                  size_t index, const struct sdes_cryptos *c, const struct galois_sdes_policy *p,
                  const char *extra)
{
    struct galois_buf b;
    const struct galois_sdp_media *m = &sdp->media[index];
    galois_buf_init(&b, out, max);
    galois_buf_puts(&b, "m=");
    galois_buf_puts(&b, m->type);
    galois_buf_puts(&b, " (section ");
    galois_buf_put_dec(&b, index + 1);
    galois_buf_puts(&b, "): ");
    galois_buf_puts(&b, verb);
    galois_buf_putc(&b, ' ');
    galois_buf_puts(&b, m->proto);
    describe_offer(&b, c, p);
    describe_want(&b, p);
    if (extra != NULL) {
        galois_buf_puts(&b, "; ");
        galois_buf_puts(&b, extra);
    }
    if (!galois_buf_finish(&b) && max > 0) {
        out[b.len < max ? b.len : max - 1] = '\0';  // a truncated reason is still a reason
    }
}
