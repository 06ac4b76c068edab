// The stream table: SSRC -> stream, open addressing with linear probing and backward-shift
// deletion (the slot hash is galois_srtp_slot in session.h), and the per-stream settings a
// caller may make before or between packets (ROC, SRTCP index).
#include <string.h>

#include "session.h"

static void stream_reset(struct galois_srtp *s, struct stream *st, size_t slot, uint32_t ssrc)
{
    size_t words[2] = {galois_replay_words(s->policy.rtp_window),
                       galois_replay_words(s->policy.rtcp_window)};
    uint64_t *bits = s->window_words + slot * (words[0] + words[1]);
    struct keyset own[2] = {st->own[0], st->own[1]};  // contexts are kept for reuse
    memset(st, 0, sizeof(*st));
    st->own[0] = own[0];
    st->own[1] = own[1];
    st->own[0].ready = false;
    st->own[1].ready = false;
    st->ssrc = ssrc;
    st->in_use = true;
    galois_replay_init(&st->replay[RTP], bits, s->policy.rtp_window);
    galois_replay_init(&st->replay[RTCP], bits + words[0], s->policy.rtcp_window);
}

struct stream *galois_srtp_insert(struct galois_srtp *s, uint32_t ssrc, bool explicit_add,
                                  galois_err *err)
{
    if (!explicit_add && !s->policy.accept_any_ssrc) {
        *err = GALOIS_ERR_NOT_FOUND;
        return NULL;
    }
    if (s->num_streams >= s->policy.max_streams) {
        galois_srtp_event(s, GALOIS_SRTP_EVENT_STREAM_LIMIT, ssrc, 0, false);
        *err = GALOIS_ERR_LIMIT;
        return NULL;
    }
    size_t slot = 0;
    while (s->streams[slot].in_use) {
        slot++;  // a free slot exists: num_streams < max_streams
    }
    struct stream *st = &s->streams[slot];
    stream_reset(s, st, slot, ssrc);
    size_t i = galois_srtp_slot(s, ssrc);
    while (s->table[i] != 0) {
        i = (i + 1) & s->table_mask;
    }
    s->table[i] = (uint32_t)slot + 1;
    s->num_streams++;
    return st;
}

galois_err galois_srtp_add_stream(struct galois_srtp *srtp, uint32_t ssrc)
{
    galois_err err = GALOIS_ERR_OK;
    if (galois_srtp_find(srtp, ssrc) == NULL &&
        galois_srtp_insert(srtp, ssrc, true, &err) == NULL) {
        return err;
    }
    return GALOIS_ERR_OK;
}

void galois_srtp_forget(struct galois_srtp *srtp, uint32_t ssrc)
{
    size_t i = galois_srtp_slot(srtp, ssrc);
    for (;; i = (i + 1) & srtp->table_mask) {
        uint32_t v = srtp->table[i];
        if (v == 0) {
            return;
        }
        if (srtp->streams[v - 1].ssrc == ssrc) {
            break;
        }
    }
    struct stream *st = &srtp->streams[srtp->table[i] - 1];
    st->in_use = false;
    galois_secure_zero(&st->own[RTP].salt, sizeof(st->own[RTP].salt));
    galois_secure_zero(&st->own[RTCP].salt, sizeof(st->own[RTCP].salt));
    srtp->num_streams--;
    // Backward-shift deletion keeps every probe chain unbroken without tombstones.
    size_t hole = i;
    for (size_t j = (i + 1) & srtp->table_mask; srtp->table[j] != 0;
         j = (j + 1) & srtp->table_mask) {
        size_t home = galois_srtp_slot(srtp, srtp->streams[srtp->table[j] - 1].ssrc);
        bool movable = hole <= j ? (home <= hole || home > j) : (home <= hole && home > j);
        if (movable) {
            srtp->table[hole] = srtp->table[j];
            hole = j;
        }
    }
    srtp->table[hole] = 0;
}

galois_err galois_srtp_remove_stream(struct galois_srtp *srtp, uint32_t ssrc)
{
    if (galois_srtp_find(srtp, ssrc) == NULL) {
        return GALOIS_ERR_NOT_FOUND;
    }
    galois_srtp_forget(srtp, ssrc);
    return GALOIS_ERR_OK;
}

galois_err galois_srtp_get_roc(const struct galois_srtp *srtp, uint32_t *out_roc, uint32_t ssrc)
{
    const struct stream *st = galois_srtp_find(srtp, ssrc);
    if (st == NULL) {
        return GALOIS_ERR_NOT_FOUND;
    }
    *out_roc = st->started ? (uint32_t)(st->last >> 16) : st->roc;
    return GALOIS_ERR_OK;
}

galois_err galois_srtp_set_roc(struct galois_srtp *srtp, uint32_t ssrc, uint32_t roc)
{
    galois_err err = GALOIS_ERR_OK;
    struct stream *st = galois_srtp_find(srtp, ssrc);
    if (st == NULL && (st = galois_srtp_insert(srtp, ssrc, true, &err)) == NULL) {
        return err;
    }
    if (st->started) {
        // A receiver learns the ROC from authenticated packets from then on; a sender that
        // moved it could go back to indexes it has used and reuse keystream.
        return GALOIS_ERR_STATE;
    }
    st->roc = roc;
    return GALOIS_ERR_OK;
}

galois_err galois_srtp_set_rtcp_index(struct galois_srtp *srtp, uint32_t ssrc, uint32_t index)
{
    if (srtp->policy.direction != GALOIS_SRTP_SEND) {
        return GALOIS_ERR_STATE;
    }
    if (index > 0x7fffffffu) {
        return GALOIS_ERR_INVALID;
    }
    galois_err err = GALOIS_ERR_OK;
    struct stream *st = galois_srtp_find(srtp, ssrc);
    if (st == NULL && (st = galois_srtp_insert(srtp, ssrc, true, &err)) == NULL) {
        return err;
    }
    if (st->rtcp_exhausted || index < st->rtcp_next) {
        return GALOIS_ERR_STATE;  // going back would reuse SRTCP indexes, and so keystream
    }
    st->rtcp_next = index;
    return GALOIS_ERR_OK;
}
