// The offerer: SRTP added to an offer (galois_sdes_offer), and the peer's answer checked
// against what was offered and the policy (galois_sdes_answer_received).
#include <string.h>

#include "internal.h"

// all_ext_ids sets `ids` to every extmap ID (1..255) of the section.
static void all_ext_ids(uint8_t ids[32], const struct galois_sdp_media *m)
{
    memset(ids, 0, 32);
    for (size_t i = 0; i < m->num_attrs; i++) {
        struct galois_sdp_extmap ext;
        if (strcmp(m->attrs[i].name, "extmap") == 0 &&
            galois_sdp_extmap_parse(&ext, m->attrs[i].value) == GALOIS_ERR_OK && ext.id < 256) {
            ids[ext.id / 8] = (uint8_t)(ids[ext.id / 8] | (1u << (ext.id % 8)));
        }
    }
}

// fresh_offer draws a new key for every suite of the policy, tags 1..n in policy order.
static galois_err fresh_offer(struct sdes_media *st, const struct galois_sdes_policy *p)
{
    uint64_t mki = sdes_next_mki(st, p);
    galois_secure_zero(st->offered, sizeof(st->offered));
    st->num_offered = 0;
    for (size_t j = 0; j < p->num_suites; j++) {
        struct sdes_offered *o = &st->offered[j];
        o->tag = (uint32_t)(j + 1);
        o->suite = p->suites[j];
        GALOIS_TRY(sdes_fresh_key(&o->key, o->suite, p, mki));
        st->num_offered++;
    }
    return GALOIS_ERR_OK;
}

static galois_err write_offer(struct galois_sdp *sdp, size_t i, const struct sdes_media *st,
                              const struct galois_sdes_policy *p)
{
    struct galois_sdes_crypto c;
    galois_err err = GALOIS_ERR_OK;
    for (size_t j = 0; err == GALOIS_ERR_OK && j < st->num_offered; j++) {
        sdes_crypto_for(&c, st->offered[j].tag, st->offered[j].suite, &st->offered[j].key);
        c.unencrypted_srtp = (p->offer_params & GALOIS_SDES_ALLOW_UNENCRYPTED_SRTP) != 0;
        c.unencrypted_srtcp = (p->offer_params & GALOIS_SDES_ALLOW_UNENCRYPTED_SRTCP) != 0;
        // Never with an AEAD suite, whose tag is its encryption (RFC 7714 §12).
        const struct galois_srtp_suite_info *info = galois_srtp_suite_get_info(c.suite);
        c.unauthenticated_srtp = (p->offer_params & GALOIS_SDES_ALLOW_UNAUTHENTICATED_SRTP) != 0 &&
                                 info != NULL && !info->aead;
        err = sdes_add_crypto(sdp, i, &c);
        galois_sdes_crypto_cleanup(&c);
    }
    return err;
}

// keep_suite makes the re-offer of a section that negotiated SRTP: the suite in use under its
// tag, with our current key or, when `rekey`, a fresh one (the next MKI value).
static galois_err keep_suite(struct sdes_media *st, const struct galois_sdes_policy *p, bool rekey)
{
    struct sdes_offered o = {.tag = st->tag, .suite = st->suite, .key = st->local};
    if (rekey) {
        GALOIS_TRY(sdes_fresh_key(&o.key, o.suite, p, sdes_next_mki(st, p)));
    }
    galois_secure_zero(st->offered, sizeof(st->offered));
    st->offered[0] = o;
    st->num_offered = 1;
    galois_secure_zero(&o, sizeof(o));
    return GALOIS_ERR_OK;
}

static galois_err offer_media(struct galois_sdes_session *s, struct galois_sdp *sdp, size_t i,
                              bool rekey, bool again)
{
    const struct galois_sdes_policy *p = &s->policy;
    struct sdes_media *st = &s->media[i];
    bool feedback = false;
    enum sdes_profile prof = sdes_profile(sdp->media[i].proto, &feedback);
    uint8_t ids[32] = {0};
    if ((prof != SDES_PROFILE_AVP && prof != SDES_PROFILE_SAVP) || sdp->media[i].port == 0) {
        st->num_offered = 0;
        return GALOIS_ERR_OK;  // not ours to secure: DTLS-SRTP, T.38, a disabled stream
    }
    galois_sdp_media_remove_attrs(sdp, i, "crypto");
    galois_sdp_media_remove_attrs(sdp, i, "cryptex");
    GALOIS_TRY(
        galois_sdp_media_set_proto(sdp, i, sdes_proto(p->mode == GALOIS_SDES_MANDATORY, feedback)));
    st->cryptex_offered = false;
    memset(st->hdrext_offered, 0, sizeof(st->hdrext_offered));
    if (p->mode == GALOIS_SDES_FORBIDDEN) {
        st->num_offered = 0;
        return sdes_set_hdrext(sdp, i, ids);
    }
    if (again && st->negotiated) {
        GALOIS_TRY(keep_suite(st, p, rekey));
    } else if (rekey || st->num_offered != p->num_suites) {
        GALOIS_TRY(fresh_offer(st, p));
    }
    GALOIS_TRY(write_offer(sdp, i, st, p));
    if (p->cryptex >= GALOIS_SDES_FEATURE_OFFER) {
        GALOIS_TRY(galois_sdp_media_add_attr(sdp, i, "cryptex", NULL));
        st->cryptex_offered = true;
    }
    if (p->hdrext >= GALOIS_SDES_FEATURE_OFFER) {
        all_ext_ids(ids, &sdp->media[i]);
        memcpy(st->hdrext_offered, ids, sizeof(ids));
    }
    return sdes_set_hdrext(sdp, i, ids);
}

static galois_err offer(struct galois_sdes_session *s, struct galois_sdp *sdp, bool rekey,
                        bool again)
{
    if (sdp->num_media > GALOIS_SDES_MAX_MEDIA) {
        return GALOIS_ERR_LIMIT;
    }
    for (size_t i = 0; i < sdp->num_media; i++) {
        GALOIS_TRY(offer_media(s, sdp, i, rekey, again));
    }
    s->num_media = sdp->num_media;
    s->have_offer = true;
    return GALOIS_ERR_OK;
}

galois_err galois_sdes_offer(struct galois_sdes_session *s, struct galois_sdp *sdp, bool rekey)
{
    return offer(s, sdp, rekey, false);
}

galois_err galois_sdes_reoffer(struct galois_sdes_session *s, struct galois_sdp *sdp, bool rekey)
{
    return offer(s, sdp, rekey, true);
}

// check_answer returns NULL if the single a=crypto `c` answers what we offered, else why not;
// `*out` is then the offered entry it answers.
static const char *check_answer(const struct sdes_offered **out, const struct sdes_media *st,
                                const struct galois_sdes_policy *p,
                                const struct galois_sdes_crypto *c, enum sdes_profile prof)
{
    *out = NULL;
    for (size_t j = 0; j < st->num_offered; j++) {
        if (st->offered[j].tag == c->tag) {
            *out = &st->offered[j];
        }
    }
    if (*out == NULL) {
        return "the answer's a=crypto tag was not offered";
    }
    if ((*out)->suite != c->suite) {
        return "the answer's a=crypto changes the suite of its tag";
    }
    if (prof != (p->mode == GALOIS_SDES_MANDATORY ? SDES_PROFILE_SAVP : SDES_PROFILE_AVP)) {
        return "the answer's profile differs from the offer's";
    }
    return sdes_unacceptable(p, c);
}

// secure_answer finishes a section the peer answered with SRTP.
static const char *secure_answer(struct galois_sdes_media_result *r, struct sdes_media *st,
                                 const struct galois_sdes_policy *p,
                                 const struct galois_sdp *answer, size_t i,
                                 const struct sdes_cryptos *c, enum sdes_profile prof)
{
    const struct sdes_offered *o = NULL;
    const struct galois_sdes_crypto *a = &c->items[0];
    uint8_t ids[32];
    if (c->num > 1) {
        return "the answer carries more than one a=crypto";
    }
    const char *why = check_answer(&o, st, p, a, prof);
    bool cryptex = st->cryptex_offered && galois_sdp_has_cryptex(answer, i);
    if (why == NULL && p->cryptex == GALOIS_SDES_FEATURE_REQUIRE && !cryptex) {
        why = "the answer lacks a=cryptex, which the policy requires";
    }
    size_t n = sdes_encrypted_ids(ids, answer, i);
    for (size_t k = 0; k < sizeof(ids); k++) {
        ids[k] = cryptex ? 0 : (uint8_t)(ids[k] & st->hdrext_offered[k]);
    }
    if (why == NULL && p->hdrext == GALOIS_SDES_FEATURE_REQUIRE && !cryptex && n == 0) {
        why = "the answer encrypts no header extension, which the policy requires";
    }
    if (why != NULL) {
        return why;
    }
    r->state = GALOIS_SDES_SRTP;
    r->tag = a->tag;
    sdes_fill_keyset(&r->send, o->suite, &o->key, 1);
    sdes_fill_keyset(&r->receive, a->suite, a->keys, a->num_keys);
    sdes_apply_params(r, a);
    sdes_set_header_protection(r, cryptex, p, ids);
    st->negotiated = true;
    st->tag = o->tag;
    st->suite = o->suite;
    st->local = o->key;
    return NULL;
}

static const char *plain_answer(const struct sdes_media *st, const struct galois_sdes_policy *p,
                                const struct sdes_cryptos *c, enum sdes_profile prof)
{
    if (st->num_offered == 0 && c->num > 0) {
        return "the answer carries an a=crypto that was not offered";
    }
    if (st->num_offered > 0 && p->mode == GALOIS_SDES_MANDATORY) {
        return "the answer has no a=crypto";
    }
    if (prof == SDES_PROFILE_SAVP) {
        return "the answer uses RTP/SAVP without a key";
    }
    return NULL;
}

static galois_err received_media(struct galois_sdes_session *s, struct galois_sdes_result *res,
                                 size_t *err_off, const struct galois_sdp *answer, size_t i)
{
    struct galois_sdes_media_result *r = &res->media[i];
    struct sdes_media *st = &s->media[i];
    struct sdes_cryptos *c = NULL;
    bool feedback = false;
    enum sdes_profile prof = sdes_profile(answer->media[i].proto, &feedback);
    const char *why = NULL;
    st->negotiated = false;
    if (answer->media[i].port == 0) {
        sdes_refusal(r->reason, sizeof(r->reason), "answered", answer, i, NULL, &s->policy,
                     "the peer rejected the section (port 0)");
        return GALOIS_ERR_OK;
    }
    GALOIS_TRY(sdes_read_cryptos(&c, err_off, &answer->media[i]));
    if (prof == SDES_PROFILE_OTHER || prof == SDES_PROFILE_DTLS) {
        r->state = GALOIS_SDES_NOT_RTP;
    } else if (st->num_offered > 0 && c->num > 0) {
        why = secure_answer(r, st, &s->policy, answer, i, c, prof);
    } else if ((why = plain_answer(st, &s->policy, c, prof)) == NULL) {
        r->state = GALOIS_SDES_PLAIN;
    }
    if (why != NULL) {
        sdes_refusal(r->reason, sizeof(r->reason), "answered", answer, i, c, &s->policy, why);
    }
    sdes_cryptos_free(c);
    return GALOIS_ERR_OK;
}

galois_err galois_sdes_answer_received(struct galois_sdes_session *s,
                                       struct galois_sdes_result **out, size_t *out_err_off,
                                       char *reason, size_t max_reason_len,
                                       const struct galois_sdp *answer)
{
    size_t err_off = 0;
    *out = NULL;
    if (!s->have_offer) {
        return GALOIS_ERR_STATE;
    }
    struct galois_sdes_result *res = sdes_result_new();
    if (res == NULL) {
        return GALOIS_ERR_NOMEM;
    }
    galois_err err = answer->num_media == s->num_media ? GALOIS_ERR_OK : GALOIS_ERR_POLICY;
    res->num_media = s->num_media;
    for (size_t i = 0; err == GALOIS_ERR_OK && i < s->num_media; i++) {
        err = received_media(s, res, &err_off, answer, i);
    }
    if (err == GALOIS_ERR_OK && !sdes_accepted(res)) {
        err = GALOIS_ERR_POLICY;
    }
    if (err == GALOIS_ERR_POLICY && answer->num_media != s->num_media && reason != NULL &&
        max_reason_len > 0) {
        struct galois_buf b;
        galois_buf_init(&b, reason, max_reason_len);
        galois_buf_puts(&b, "the answer's m= sections do not match the offer's");
        (void)galois_buf_finish(&b);
    } else if (err == GALOIS_ERR_POLICY) {
        sdes_join_reasons(reason, max_reason_len, res);
    }
    if (out_err_off != NULL) {
        *out_err_off = err == GALOIS_ERR_PARSE ? err_off : 0;
    }
    if (err != GALOIS_ERR_OK) {
        galois_sdes_result_free(res);
        return err;
    }
    s->have_offer = false;
    *out = res;
    return GALOIS_ERR_OK;
}
