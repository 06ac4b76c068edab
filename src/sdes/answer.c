// The answerer: each offered m= section accepted with SRTP, accepted as plain RTP, left alone
// or refused, as the policy says (docs/SDES.md, "Answering").
#include <string.h>

#include "internal.h"

struct answering {
    struct galois_sdes_session *s;
    struct galois_sdp *answer;
    const struct galois_sdp *offer;
    struct galois_sdes_media_result *r;
    const struct sdes_cryptos *c;
    size_t i;
    bool rekey;
};

static galois_err refuse(struct answering *a, const char *extra)
{
    sdes_refusal(a->r->reason, sizeof(a->r->reason), "offered", a->offer, a->i, a->c, &a->s->policy,
                 extra);
    a->r->state = GALOIS_SDES_REJECTED;
    a->s->media[a->i].negotiated = false;
    return galois_sdp_media_set_port(a->answer, a->i, 0);
}

static galois_err plain(struct answering *a)
{
    uint8_t none[32] = {0};
    a->r->state = GALOIS_SDES_PLAIN;
    a->s->media[a->i].negotiated = false;
    return sdes_set_hdrext(a->answer, a->i, none);
}

// our_key keeps our key of the last exchange when the suite stays the same (the tag may
// change: RFC 4568 §7.1.4 lets an answerer keep its key, and our stream goes on under it with
// the same ROC and indexes), unless asked to re-key; else draws a new one. A new suite needs a
// new key of its own length.
static galois_err our_key(struct answering *a, const struct galois_sdes_crypto *c)
{
    struct sdes_media *st = &a->s->media[a->i];
    if (!a->rekey && st->negotiated && st->suite == c->suite) {
        return GALOIS_ERR_OK;
    }
    galois_err err =
        sdes_fresh_key(&st->local, c->suite, &a->s->policy, sdes_next_mki(st, &a->s->policy));
    st->negotiated = false;
    return err;
}

// write_crypto answers with the offer's tag and suite, our key, and the session parameters
// of the offer that the policy accepted (they are declarative for both directions).
static galois_err write_crypto(struct answering *a, const struct galois_sdes_crypto *c)
{
    struct galois_sdes_crypto ours;
    sdes_crypto_for(&ours, c->tag, c->suite, &a->s->media[a->i].local);
    ours.has_kdr = c->has_kdr;
    ours.kdr = c->kdr;
    ours.unencrypted_srtp = c->unencrypted_srtp;
    ours.unencrypted_srtcp = c->unencrypted_srtcp;
    ours.unauthenticated_srtp = c->unauthenticated_srtp;
    galois_err err = sdes_add_crypto(a->answer, a->i, &ours);
    galois_sdes_crypto_cleanup(&ours);
    return err;
}

static galois_err secure(struct answering *a, size_t chosen)
{
    const struct galois_sdes_policy *p = &a->s->policy;
    const struct galois_sdes_crypto *c = &a->c->items[chosen];
    struct sdes_media *st = &a->s->media[a->i];
    uint8_t ids[32];
    bool offered_cryptex = galois_sdp_has_cryptex(a->offer, a->i);
    bool cryptex = offered_cryptex && p->cryptex != GALOIS_SDES_FEATURE_OFF;
    size_t n = sdes_encrypted_ids(ids, a->offer, a->i);
    if (p->cryptex == GALOIS_SDES_FEATURE_REQUIRE && !offered_cryptex) {
        return refuse(a, "the offer lacks a=cryptex, which the policy requires");
    }
    if (cryptex || p->hdrext == GALOIS_SDES_FEATURE_OFF) {
        memset(ids, 0, sizeof(ids));  // RFC 9335 §6: cryptex and RFC 6904 exclude each other
        n = 0;
    }
    if (p->hdrext == GALOIS_SDES_FEATURE_REQUIRE && !cryptex && n == 0) {
        return refuse(a, "the offer encrypts no header extension, which the policy requires");
    }
    GALOIS_TRY(our_key(a, c));
    GALOIS_TRY(write_crypto(a, c));
    if (cryptex) {
        GALOIS_TRY(galois_sdp_media_add_attr(a->answer, a->i, "cryptex", NULL));
    }
    GALOIS_TRY(sdes_set_hdrext(a->answer, a->i, ids));
    a->r->state = GALOIS_SDES_SRTP;
    a->r->tag = c->tag;
    sdes_fill_keyset(&a->r->send, c->suite, &st->local, 1);
    sdes_fill_keyset(&a->r->receive, c->suite, c->keys, c->num_keys);
    sdes_apply_params(a->r, c);
    sdes_set_header_protection(a->r, cryptex, p, ids);
    st->negotiated = true;
    st->tag = c->tag;
    st->suite = c->suite;
    return GALOIS_ERR_OK;
}

// decide applies the policy to a section with an RTP profile (docs/SDES.md, "Answering").
static galois_err decide(struct answering *a, enum sdes_profile prof)
{
    const struct galois_sdes_policy *p = &a->s->policy;
    size_t chosen = 0;
    bool found = p->mode != GALOIS_SDES_FORBIDDEN && sdes_select(&chosen, p, a->c);
    if (prof == SDES_PROFILE_DTLS) {
        return refuse(a, "DTLS-SRTP is not SDES: answer it with the DTLS layer");
    }
    if (p->mode == GALOIS_SDES_MANDATORY && prof == SDES_PROFILE_AVP) {
        return refuse(a, "best-effort SRTP on RTP/AVP (RFC 8643) is not mandatory SRTP");
    }
    if (found) {
        return secure(a, chosen);
    }
    if (prof == SDES_PROFILE_AVP) {
        return plain(a);  // forbidden, or optional with no acceptable a=crypto (RFC 8643)
    }
    return refuse(a, p->mode == GALOIS_SDES_FORBIDDEN ? "the offer wants SRTP"
                                                      : "no offered a=crypto is acceptable");
}

static galois_err answer_media(struct answering *a, size_t *err_off)
{
    const struct galois_sdp_media *m = &a->offer->media[a->i];
    bool feedback = false;
    enum sdes_profile prof = sdes_profile(m->proto, &feedback);
    struct sdes_cryptos *c = NULL;
    if (m->port == 0) {
        a->s->media[a->i].negotiated = false;
        return GALOIS_ERR_OK;  // disabled by the offerer: rejected, nothing to say
    }
    if (prof == SDES_PROFILE_OTHER) {
        a->r->state = GALOIS_SDES_NOT_RTP;
        return GALOIS_ERR_OK;
    }
    GALOIS_TRY(sdes_read_cryptos(&c, err_off, m));
    a->c = c;
    galois_err err = decide(a, prof);
    a->c = NULL;
    sdes_cryptos_free(c);
    return err;
}

galois_err galois_sdes_answer(struct galois_sdes_session *s, struct galois_sdp *answer,
                              struct galois_sdes_result **out, size_t *out_err_off, char *reason,
                              size_t max_reason_len, const struct galois_sdp *offer, bool rekey)
{
    size_t err_off = 0;
    *out = NULL;
    if (offer->num_media > GALOIS_SDES_MAX_MEDIA) {
        return GALOIS_ERR_LIMIT;
    }
    if (answer->num_media != offer->num_media) {
        return GALOIS_ERR_INVALID;
    }
    struct galois_sdes_result *res = sdes_result_new();
    if (res == NULL) {
        return GALOIS_ERR_NOMEM;
    }
    struct answering a = {.s = s, .answer = answer, .offer = offer, .rekey = rekey};
    galois_err err = GALOIS_ERR_OK;
    res->num_media = offer->num_media;
    for (size_t i = 0; err == GALOIS_ERR_OK && i < offer->num_media; i++) {
        a.i = i;
        a.r = &res->media[i];
        err = answer_media(&a, &err_off);
    }
    s->num_media = offer->num_media;
    s->have_offer = false;
    if (err == GALOIS_ERR_OK && !sdes_accepted(res)) {
        err = GALOIS_ERR_POLICY;
        sdes_join_reasons(reason, max_reason_len, res);
    }
    if (out_err_off != NULL) {
        *out_err_off = err == GALOIS_ERR_PARSE ? err_off : 0;
    }
    if (err != GALOIS_ERR_OK) {
        galois_sdes_result_free(res);
        return err;
    }
    *out = res;
    return GALOIS_ERR_OK;
}
