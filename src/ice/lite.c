// The ICE-lite agent (RFC 8445 §2.5, §7.3): it answers the connectivity checks of a full peer,
// takes the address the controlling peer nominates, and keeps consent (RFC 7675) as the time
// of the last authenticated check from that address. The order of the checks on a request
// follows RFC 8489 §9.1.3 (credentials present, username known, integrity) and then §6.3.1
// (unknown comprehension-required attributes) and RFC 8445 §7.3.1.1 (role conflict); see
// docs/ICE.md.
#include <string.h>

#include "internal.h"

struct galois_ice_lite {
    char local_ufrag[GALOIS_ICE_MAX_CRED_LEN + 1];
    char local_pwd[GALOIS_ICE_MAX_CRED_LEN + 1];  // secret: wiped in _free
    char remote_ufrag[GALOIS_ICE_MAX_CRED_LEN + 1];
    char remote_pwd[GALOIS_ICE_MAX_CRED_LEN + 1];  // secret: wiped in _free
    size_t local_ufrag_len;
    size_t remote_ufrag_len;            // 0 until the peer's credentials are known
    struct galois_stun_key *local_key;  // owned: HMAC-SHA1 and -SHA256 under local_pwd, made once
    bool silent_refusals;
    uint64_t consent_timeout_ms;

    bool checked;   // a valid check has arrived
    bool selected;  // `selected_addr` is nominated
    struct galois_ice_addr selected_addr;
    uint64_t consent_ms;  // time of the last valid check from selected_addr
    struct galois_ice_lite_counters counters;
};

static galois_err set_cred(char *dst, size_t *dst_len, const char *src, bool is_pwd)
{
    size_t len = src == NULL ? 0 : strlen(src);
    if (!galois_ice_cred_valid(src, len, is_pwd)) {
        return GALOIS_ERR_INVALID;
    }
    memcpy(dst, src, len + 1);
    if (dst_len != NULL) {
        *dst_len = len;
    }
    return GALOIS_ERR_OK;
}

static galois_err configure(struct galois_ice_lite *a, const struct galois_ice_lite_config *cfg)
{
    galois_err err = GALOIS_ERR_OK;
    if (cfg->local_ufrag != NULL) {
        err = set_cred(a->local_ufrag, &a->local_ufrag_len, cfg->local_ufrag, false);
    } else {
        err =
            galois_ice_cred_generate(a->local_ufrag, sizeof(a->local_ufrag), GALOIS_ICE_UFRAG_LEN);
        a->local_ufrag_len = GALOIS_ICE_UFRAG_LEN;
    }
    if (err != GALOIS_ERR_OK) {
        return err;
    }
    if (cfg->local_pwd != NULL) {
        err = set_cred(a->local_pwd, NULL, cfg->local_pwd, true);
    } else {
        err = galois_ice_cred_generate(a->local_pwd, sizeof(a->local_pwd), GALOIS_ICE_PWD_LEN);
    }
    if (err != GALOIS_ERR_OK) {
        return err;
    }
    if (cfg->remote_ufrag != NULL || cfg->remote_pwd != NULL) {
        err = galois_ice_lite_set_remote(a, cfg->remote_ufrag, cfg->remote_pwd);
        if (err != GALOIS_ERR_OK) {
            return err;
        }
    }
    a->silent_refusals = cfg->silent_refusals;
    a->consent_timeout_ms =
        cfg->consent_timeout_ms == 0 ? GALOIS_ICE_CONSENT_TIMEOUT_MS : cfg->consent_timeout_ms;
    // RFC 8489 §9.1.1: the short-term key is the password (OpaqueString changes no ice-char).
    return galois_stun_key_new(&a->local_key, (const uint8_t *)a->local_pwd, strlen(a->local_pwd));
}

galois_err galois_ice_lite_new(struct galois_ice_lite **out,
                               const struct galois_ice_lite_config *config)
{
    static const struct galois_ice_lite_config defaults;
    *out = NULL;
    struct galois_ice_lite *a = calloc(1, sizeof(*a));
    if (a == NULL) {
        return GALOIS_ERR_NOMEM;
    }
    galois_err err = configure(a, config == NULL ? &defaults : config);
    if (err != GALOIS_ERR_OK) {
        galois_ice_lite_free(a);
        return err;
    }
    *out = a;
    return GALOIS_ERR_OK;
}

void galois_ice_lite_free(struct galois_ice_lite *agent)
{
    if (agent == NULL) {
        return;
    }
    galois_stun_key_free(agent->local_key);
    galois_secure_zero(agent, sizeof(*agent));
    free(agent);
}

galois_err galois_ice_lite_set_remote(struct galois_ice_lite *agent, const char *ufrag,
                                      const char *pwd)
{
    char u[GALOIS_ICE_MAX_CRED_LEN + 1];
    char p[GALOIS_ICE_MAX_CRED_LEN + 1];
    size_t ulen = 0;
    galois_err err = set_cred(u, &ulen, ufrag, false);
    if (err == GALOIS_ERR_OK) {
        err = set_cred(p, NULL, pwd, true);
    }
    if (err == GALOIS_ERR_OK) {
        memcpy(agent->remote_ufrag, u, sizeof(u));
        memcpy(agent->remote_pwd, p, sizeof(p));
        agent->remote_ufrag_len = ulen;
    }
    galois_secure_zero(p, sizeof(p));
    return err;
}

const char *galois_ice_lite_local_ufrag(const struct galois_ice_lite *agent)
{
    return agent->local_ufrag;
}

const char *galois_ice_lite_local_pwd(const struct galois_ice_lite *agent)
{
    return agent->local_pwd;
}

// username_ok checks USERNAME against "localufrag:remoteufrag" (RFC 8445 §7.2.2), or only
// its local half and the colon while the remote ufrag is not known yet.
static bool username_ok(const struct galois_ice_lite *a, const struct galois_stun_msg *m)
{
    struct galois_cur u;
    struct galois_cur local;
    galois_cur_init(&u, m->username, m->username_len);
    if (!galois_cur_take(&u, &local, a->local_ufrag_len) ||
        !galois_cur_eq(&local, a->local_ufrag) || !galois_cur_lit(&u, ":")) {
        return false;
    }
    if (a->remote_ufrag_len == 0) {
        return galois_cur_len(&u) > 0;
    }
    return galois_cur_eq(&u, a->remote_ufrag);
}

// refuse_unauthenticated answers 400 or 401 without MESSAGE-INTEGRITY (the request could not
// be authenticated: RFC 8489 §9.1.3), or, under silent_refusals, drops the request.
static galois_err refuse_unauthenticated(struct galois_ice_lite *a, const struct galois_stun_msg *m,
                                         uint16_t code, galois_err why, uint8_t *out, size_t max,
                                         size_t *out_len)
{
    if (a->silent_refusals) {
        a->counters.refusals_silent++;
        return why;
    }
    galois_err err = galois_stun_write_error(out, out_len, max, m->txid, code, NULL, 0, NULL);
    if (err != GALOIS_ERR_OK) {
        a->counters.no_room++;
        return err;
    }
    return why;
}

// answer_alg is the integrity attribute of an answer to the authentic request `m`: RFC 8489
// §9.1.3 has a response to a request with MESSAGE-INTEGRITY-SHA256 carry that attribute (only
// that one, also when the request had both), and one to a request with MESSAGE-INTEGRITY alone
// carry MESSAGE-INTEGRITY.
static enum galois_stun_mac_alg answer_alg(const struct galois_stun_msg *m)
{
    return m->has_integrity_sha256 ? GALOIS_STUN_MAC_SHA256 : GALOIS_STUN_MAC_SHA1;
}

// refuse_authenticated answers 420 or 487, signed: the request was authentic.
static galois_err refuse_authenticated(struct galois_ice_lite *a, const struct galois_stun_msg *m,
                                       uint16_t code, galois_err why, uint8_t *out, size_t max,
                                       size_t *out_len)
{
    size_t n = m->num_unknown < GALOIS_STUN_MAX_UNKNOWN ? m->num_unknown : GALOIS_STUN_MAX_UNKNOWN;
    galois_err err = galois_stun_write_error_alg(out, out_len, max, m->txid, code, m->unknown,
                                                 code == 420 ? n : 0, a->local_key, answer_alg(m));
    if (err != GALOIS_ERR_OK) {
        a->counters.no_room++;
        return err;
    }
    return why;
}

// accept takes an authenticated check from `from`: it answers it, then records the check,
// the nomination and consent (only once the answer exists, so a check that cannot be answered
// changes nothing).
static galois_err accept(struct galois_ice_lite *a, const struct galois_stun_msg *m,
                         const struct galois_ice_addr *from, uint64_t now_ms, uint8_t *out,
                         size_t max, size_t *out_len)
{
    galois_err err = galois_stun_write_success_alg(out, out_len, max, m->txid, from, a->local_key,
                                                   answer_alg(m));
    if (err != GALOIS_ERR_OK) {
        a->counters.no_room++;
        return err;
    }
    a->counters.answered++;
    a->checked = true;
    if (m->use_candidate) {
        // RFC 8445 §7.3.1.5, §7.3.2, §8.2: the controlling peer nominates the pair the check came
        // on; a later nomination (of another address) replaces it.
        a->counters.nominations++;
        if (!a->selected || !galois_ice_addr_equal(&a->selected_addr, from)) {
            if (a->selected) {
                a->counters.selected_changes++;
            }
            a->selected = true;
            a->selected_addr = *from;
        }
    }
    if (a->selected && galois_ice_addr_equal(&a->selected_addr, from)) {
        a->consent_ms = now_ms;  // RFC 7675: an authenticated check on the pair
    }
    return GALOIS_ERR_OK;
}

static galois_err request(struct galois_ice_lite *a, const struct galois_stun_msg *m,
                          const uint8_t *in, size_t in_len, const struct galois_ice_addr *from,
                          uint64_t now_ms, uint8_t *out, size_t max, size_t *out_len)
{
    if (!m->has_fingerprint) {
        a->counters.no_fingerprint++;  // RFC 8445 §7: checks carry FINGERPRINT
        return GALOIS_ERR_PARSE;
    }
    if (m->username == NULL || (!m->has_integrity && !m->has_integrity_sha256)) {
        a->counters.bad_request++;
        return refuse_unauthenticated(a, m, 400, GALOIS_ERR_PARSE, out, max, out_len);
    }
    if (!username_ok(a, m)) {
        a->counters.bad_username++;
        return refuse_unauthenticated(a, m, 401, GALOIS_ERR_AUTH, out, max, out_len);
    }
    // RFC 8489 §9.1.3: MESSAGE-INTEGRITY-SHA256 decides when present (a bad one is a 401 even
    // beside a good MESSAGE-INTEGRITY), in full: ICE allows no truncation (§14.6).
    galois_err err = galois_stun_verify(a->local_key, m, in, in_len, GALOIS_STUN_SHA256_LEN);
    if (err == GALOIS_ERR_AUTH) {
        a->counters.bad_integrity++;
        return refuse_unauthenticated(a, m, 401, GALOIS_ERR_AUTH, out, max, out_len);
    }
    if (err != GALOIS_ERR_OK) {
        return err;
    }
    if (m->num_unknown > 0) {
        a->counters.unknown_attrs++;
        return refuse_authenticated(a, m, 420, GALOIS_ERR_UNSUPPORTED, out, max, out_len);
    }
    if (m->has_controlled) {
        // The peer claims the controlled role too. §7.3.1.1's tie-breaker repair is for full
        // agents; a lite agent cannot take the controlling role against a full one (RFC 8445
        // §6.1.1), so it always answers 487.
        a->counters.role_conflicts++;
        return refuse_authenticated(a, m, 487, GALOIS_ERR_STATE, out, max, out_len);
    }
    return accept(a, m, from, now_ms, out, max, out_len);
}

galois_err galois_ice_lite_input(struct galois_ice_lite *agent, const uint8_t *in, size_t in_len,
                                 const struct galois_ice_addr *from, uint64_t now_ms, uint8_t *out,
                                 size_t max, size_t *out_len)
{
    struct galois_stun_msg m;
    *out_len = 0;
    agent->counters.received++;
    if (from == NULL || (from->family != GALOIS_ICE_IPV4 && from->family != GALOIS_ICE_IPV6)) {
        agent->counters.bad_source++;
        return GALOIS_ERR_INVALID;
    }
    galois_err err = galois_stun_parse(&m, in, in_len);
    if (err != GALOIS_ERR_OK) {
        agent->counters.malformed[m.why]++;
        return err;
    }
    if (m.method != GALOIS_STUN_BINDING) {
        agent->counters.not_binding++;
        return GALOIS_ERR_PARSE;
    }
    switch (m.cls) {
        case GALOIS_STUN_REQUEST:
            return request(agent, &m, in, in_len, from, now_ms, out, max, out_len);
        case GALOIS_STUN_INDICATION:
            agent->counters.indications++;  // RFC 8445 §11: a keepalive; no answer
            return GALOIS_ERR_OK;
        case GALOIS_STUN_SUCCESS:
        case GALOIS_STUN_ERROR:
        default:
            agent->counters.responses++;
            return GALOIS_ERR_PARSE;
    }
}

galois_err galois_ice_lite_selected(const struct galois_ice_lite *agent,
                                    struct galois_ice_addr *out)
{
    if (!agent->selected) {
        memset(out, 0, sizeof(*out));
        return GALOIS_ERR_NOT_FOUND;
    }
    *out = agent->selected_addr;
    return GALOIS_ERR_OK;
}

bool galois_ice_lite_consent_expired(const struct galois_ice_lite *agent, uint64_t now_ms)
{
    // A clock that went back counts as no time passed.
    return agent->selected && now_ms > agent->consent_ms &&
           now_ms - agent->consent_ms >= agent->consent_timeout_ms;
}

enum galois_ice_lite_state galois_ice_lite_state(const struct galois_ice_lite *agent,
                                                 uint64_t now_ms)
{
    if (agent->selected) {
        return galois_ice_lite_consent_expired(agent, now_ms) ? GALOIS_ICE_LITE_EXPIRED
                                                              : GALOIS_ICE_LITE_CONNECTED;
    }
    return agent->checked ? GALOIS_ICE_LITE_CHECKING : GALOIS_ICE_LITE_NEW;
}

const char *galois_ice_lite_state_name(enum galois_ice_lite_state state)
{
    switch (state) {
        case GALOIS_ICE_LITE_NEW:
            return "new";
        case GALOIS_ICE_LITE_CHECKING:
            return "checking";
        case GALOIS_ICE_LITE_CONNECTED:
            return "connected";
        case GALOIS_ICE_LITE_EXPIRED:
            return "expired";
        default:
            return "?";
    }
}

void galois_ice_lite_get_counters(const struct galois_ice_lite *agent,
                                  struct galois_ice_lite_counters *out)
{
    *out = agent->counters;
}
