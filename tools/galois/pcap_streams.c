// galois tool: key groups, sessions and per-SSRC binding for `galois pcap`.
#include "pcap_streams.h"

#include <galois/galois.h>
#include <stdlib.h>
#include <string.h>

#include "keyspec.h"

enum {
    MAX_SSRCS = 65536,          // more distinct SSRCs than this are refused, not tracked
    SSRC_TABLE_STEP = 64,       //
    REPLAY_WINDOW = 1024,       // captures reorder a little; be generous
    SESSION_MAX_STREAMS = 1024  //
};

static bool key_error(const char *arg, const char *why)
{
    char shown[GALOIS_TOOL_KEY_SHOW_LEN];
    galois_tool_key_redact(shown, sizeof(shown), arg);
    fprintf(stderr, "galois pcap: --key '%s': %s\n", shown, why);
    return false;
}

// add_key puts a parsed key into its group, opening a new group when needed.
static bool add_key(struct galois_tool_streams *s, const struct galois_tool_key *key,
                    const char *const *key_args, size_t arg_index)
{
    struct galois_tool_key_group *g = NULL;
    for (size_t i = 0; key->mki_len > 0 && i < s->num_groups; i++) {
        if (s->groups[i].suite == key->suite && s->groups[i].mki_len == key->mki_len) {
            g = &s->groups[i];
        }
    }
    if (g == NULL) {
        g = &s->groups[s->num_groups++];
        g->suite = key->suite;
        g->mki_len = key->mki_len;
        g->first_arg = arg_index;
    }
    for (size_t i = 0; i < g->num_keys; i++) {
        if (memcmp(g->keys[i].mki, key->master.mki, g->mki_len) == 0) {
            return key_error(key_args[arg_index], "another --key of this suite has the same MKI");
        }
    }
    g->keys[g->num_keys++] = key->master;
    return true;
}

static bool make_session(struct galois_tool_streams *s, struct galois_tool_key_group *g,
                         const char *const *key_args)
{
    const struct galois_srtp_suite_info *info = galois_srtp_suite_get_info(g->suite);
    struct galois_srtp_policy policy = {
        .suite = g->suite,
        .direction = s->encrypt ? GALOIS_SRTP_SEND : GALOIS_SRTP_RECEIVE,
        .keys = g->keys,
        .num_keys = g->num_keys,
        .mki_len = g->mki_len,
        .rtp_window = REPLAY_WINDOW,
        .rtcp_window = REPLAY_WINDOW,
        .accept_any_ssrc = true,
        .max_streams = SESSION_MAX_STREAMS,
        .allow_null_cipher = info != NULL && info->null_cipher,  // named by the user
        .cryptex = s->hdr.cryptex ? GALOIS_SRTP_CRYPTEX_ON : GALOIS_SRTP_CRYPTEX_OFF,
    };
    memcpy(policy.encrypt_ext_ids, s->hdr.encrypt_ext_ids, sizeof(policy.encrypt_ext_ids));
    galois_err err = galois_srtp_new(&g->srtp, &policy);
    if (err != GALOIS_ERR_OK) {
        char why[GALOIS_TOOL_KEY_WHY_LEN];
        snprintf(why, sizeof(why), "refused by the SRTP engine: %s", galois_err_str(err));
        return key_error(key_args[g->first_arg], why);
    }
    return true;
}

bool galois_tool_streams_init(struct galois_tool_streams *s, bool encrypt,
                              const struct galois_tool_hdr_opts *hdr, const char *const *key_args,
                              size_t num_keys)
{
    bool ok = num_keys <= GALOIS_SRTP_MAX_KEYS;
    memset(s, 0, sizeof(*s));
    s->encrypt = encrypt;
    s->hdr = *hdr;
    for (size_t i = 0; i < num_keys && ok; i++) {
        struct galois_tool_key key;
        char why[GALOIS_TOOL_KEY_WHY_LEN];
        ok = galois_tool_key_parse(&key, why, sizeof(why), key_args[i])
                 ? add_key(s, &key, key_args, i)
                 : key_error(key_args[i], why);
        galois_tool_key_wipe(&key);
    }
    for (size_t i = 0; i < s->num_groups && ok; i++) {
        ok = make_session(s, &s->groups[i], key_args);
    }
    for (size_t i = 0; i < s->num_groups; i++) {
        galois_secure_zero(s->groups[i].keys, sizeof(s->groups[i].keys));
    }
    return ok;
}

void galois_tool_streams_cleanup(struct galois_tool_streams *s)
{
    for (size_t i = 0; i < s->num_groups; i++) {
        galois_srtp_free(s->groups[i].srtp);
    }
    free(s->ssrcs);
    galois_secure_zero(s, sizeof(*s));
}

struct galois_tool_ssrc *galois_tool_streams_ssrc(struct galois_tool_streams *s, uint32_t ssrc)
{
    size_t lo = 0;
    size_t hi = s->num_ssrcs;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (s->ssrcs[mid].ssrc < ssrc) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    if (lo < s->num_ssrcs && s->ssrcs[lo].ssrc == ssrc) {
        return &s->ssrcs[lo];
    }
    if (s->num_ssrcs == MAX_SSRCS) {
        return NULL;
    }
    if (s->num_ssrcs % SSRC_TABLE_STEP == 0) {
        struct galois_tool_ssrc *grown =
            realloc(s->ssrcs, (s->num_ssrcs + SSRC_TABLE_STEP) * sizeof(s->ssrcs[0]));
        if (grown == NULL) {
            return NULL;
        }
        s->ssrcs = grown;
    }
    memmove(&s->ssrcs[lo + 1], &s->ssrcs[lo], (s->num_ssrcs - lo) * sizeof(s->ssrcs[0]));
    s->num_ssrcs++;
    struct galois_tool_ssrc *st = &s->ssrcs[lo];
    memset(st, 0, sizeof(*st));
    st->ssrc = ssrc;
    st->group = s->encrypt || s->num_groups == 1 ? 0 : -1;
    return st;
}

static galois_err run_session(const struct galois_tool_streams *s, struct galois_srtp *srtp,
                              bool rtcp, uint8_t *out, size_t *out_len, size_t max,
                              const uint8_t *in, size_t in_len)
{
    if (s->encrypt) {
        return rtcp ? galois_srtp_protect_rtcp(srtp, out, out_len, max, in, in_len)
                    : galois_srtp_protect(srtp, out, out_len, max, in, in_len);
    }
    return rtcp ? galois_srtp_unprotect_rtcp(srtp, out, out_len, max, in, in_len)
                : galois_srtp_unprotect(srtp, out, out_len, max, in, in_len);
}

// bind_and_run tries an SSRC that is not bound yet with each session in --key order. A session
// that refused the packet forgets the SSRC again, so only the binding session keeps state.
static galois_err bind_and_run(struct galois_tool_streams *s, struct galois_tool_ssrc *st,
                               bool rtcp, uint8_t *out, size_t *out_len, size_t max,
                               const uint8_t *in, size_t in_len)
{
    galois_err best = GALOIS_ERR_NOT_FOUND;
    for (size_t i = 0; i < s->num_groups; i++) {
        galois_err err = run_session(s, s->groups[i].srtp, rtcp, out, out_len, max, in, in_len);
        if (err == GALOIS_ERR_OK) {
            st->group = (int)i;
            return err;
        }
        galois_err forgot = galois_srtp_remove_stream(s->groups[i].srtp, st->ssrc);
        (void)forgot;  // NOT_FOUND when the session kept nothing for it
        if (i == 0 || err == GALOIS_ERR_AUTH) {
            best = err;  // a tag mismatch says the most about why no key fitted
        }
    }
    return best;
}

galois_err galois_tool_streams_run(struct galois_tool_streams *s, struct galois_tool_ssrc *st,
                                   bool rtcp, uint8_t *out, size_t *out_len, size_t max_out_len,
                                   const uint8_t *in, size_t in_len)
{
    galois_err err =
        st->group >= 0
            ? run_session(s, s->groups[st->group].srtp, rtcp, out, out_len, max_out_len, in, in_len)
            : bind_and_run(s, st, rtcp, out, out_len, max_out_len, in, in_len);
    st->packets++;
    st->rtcp += rtcp;
    if (err == GALOIS_ERR_OK) {
        st->ok++;
    } else if (err == GALOIS_ERR_AUTH) {
        st->auth_fail++;
    } else if (err == GALOIS_ERR_REPLAY) {
        st->replay++;
    } else {
        st->other_fail++;
    }
    return err;
}

void galois_tool_streams_summary(const struct galois_tool_streams *s, FILE *f)
{
    for (size_t i = 0; i < s->num_ssrcs; i++) {
        const struct galois_tool_ssrc *st = &s->ssrcs[i];
        const struct galois_srtp_suite_info *info =
            st->group < 0 ? NULL : galois_srtp_suite_get_info(s->groups[st->group].suite);
        fprintf(f,
                "ssrc=0x%08x suite=%s packets=%llu ok=%llu auth_fail=%llu replay=%llu rtcp=%llu "
                "other_fail=%llu\n",
                st->ssrc, info == NULL ? "none" : info->name, (unsigned long long)st->packets,
                (unsigned long long)st->ok, (unsigned long long)st->auth_fail,
                (unsigned long long)st->replay, (unsigned long long)st->rtcp,
                (unsigned long long)st->other_fail);
    }
}
