// The SDES side of a media session: its policy, what it offered, what it negotiated; and the
// things offer and answer both end with (the reason text of a refusal).
#include <string.h>

#include "internal.h"

static bool policy_valid(const struct galois_sdes_policy *p)
{
    if ((unsigned)p->mode > GALOIS_SDES_MANDATORY || (unsigned)p->pick > GALOIS_SDES_PICK_THEIRS ||
        (unsigned)p->cryptex > GALOIS_SDES_FEATURE_REQUIRE ||
        (unsigned)p->hdrext > GALOIS_SDES_FEATURE_REQUIRE ||
        p->num_suites > GALOIS_ARRAY_LEN(p->suites) || p->mki_len > GALOIS_SRTP_MAX_MKI_LEN ||
        p->lifetime > ((uint64_t)1 << 48) ||
        (p->lifetime_pow2 && (p->lifetime & (p->lifetime - 1)) != 0)) {
        return false;
    }
    if (p->mode != GALOIS_SDES_FORBIDDEN && p->num_suites == 0) {
        return false;
    }
    for (size_t i = 0; i < p->num_suites; i++) {
        if (galois_srtp_suite_get_info(p->suites[i]) == NULL) {
            return false;
        }
    }
    return true;
}

galois_err galois_sdes_session_new(struct galois_sdes_session **out,
                                   const struct galois_sdes_policy *policy)
{
    *out = NULL;
    if (policy == NULL || !policy_valid(policy)) {
        return GALOIS_ERR_INVALID;
    }
    struct galois_sdes_session *s = calloc(1, sizeof(*s));
    if (s == NULL) {
        return GALOIS_ERR_NOMEM;
    }
    s->policy = *policy;
    *out = s;
    return GALOIS_ERR_OK;
}

galois_err galois_sdes_session_copy(struct galois_sdes_session **out,
                                    const struct galois_sdes_session *s)
{
    *out = calloc(1, sizeof(**out));
    if (*out == NULL) {
        return GALOIS_ERR_NOMEM;
    }
    **out = *s;
    return GALOIS_ERR_OK;
}

void galois_sdes_session_free(struct galois_sdes_session *s)
{
    if (s != NULL) {
        galois_secure_zero(s, sizeof(*s));
        free(s);
    }
}

uint64_t sdes_next_mki(struct sdes_media *st, const struct galois_sdes_policy *p)
{
    uint64_t next = st->last_mki + 1;
    if (p->mki_len < 8 && (next >> (8 * p->mki_len)) != 0) {
        next = 1;  // wrapped; MKI 1 is as good as any once the old key is gone
    }
    st->last_mki = next;
    return next;
}

bool sdes_accepted(const struct galois_sdes_result *r)
{
    for (size_t i = 0; i < r->num_media; i++) {
        if (r->media[i].state != GALOIS_SDES_REJECTED) {
            return true;
        }
    }
    return false;
}

void sdes_join_reasons(char *out, size_t max, const struct galois_sdes_result *r)
{
    struct galois_buf b;
    if (out == NULL || max == 0) {
        return;
    }
    galois_buf_init(&b, out, max);
    for (size_t i = 0; i < r->num_media; i++) {
        if (r->media[i].reason[0] != '\0') {
            galois_buf_puts(&b, b.len > 0 ? "; " : "");
            galois_buf_puts(&b, r->media[i].reason);
        }
    }
    if (b.len == 0) {
        galois_buf_puts(&b, "no m= section to negotiate");
    }
    if (!galois_buf_finish(&b)) {
        out[b.len < max ? b.len : max - 1] = '\0';
    }
}

void sdes_crypto_for(struct galois_sdes_crypto *c, uint32_t tag, enum galois_srtp_suite suite,
                     const struct galois_sdes_key *key)
{
    const char *name = galois_sdes_suite_name(suite);
    memset(c, 0, sizeof(*c));
    c->tag = tag;
    c->suite = suite;
    memcpy(c->suite_name, name, strlen(name));
    c->keys[0] = *key;
    c->num_keys = 1;
}
