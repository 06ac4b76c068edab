// The TLS half of `galois audit`: which versions a server accepts, every cipher suite it
// accepts at each (enumerated: offer everything, record the choice, remove it, repeat), whose
// order wins, which key exchange groups it takes, its certificate, session resumption and
// RFC 5746 secure renegotiation. Each probe is one connection (audit_tls_conn.c); a refused
// probe is data.
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "audit.h"
#include "audit_tls_conn.h"

static const int versions[AUDIT_NUM_VERSIONS] = {TLS1_VERSION, TLS1_1_VERSION, TLS1_2_VERSION,
                                                 TLS1_3_VERSION};
static const char *const version_names[AUDIT_NUM_VERSIONS] = {"TLS 1.0", "TLS 1.1", "TLS 1.2",
                                                              "TLS 1.3"};

// The key exchange groups offered one at a time, strongest-known first within each family.
static const char *const group_names[] = {"x25519",    "x448",      "secp256r1", "secp384r1",
                                          "secp521r1", "ffdhe2048", "ffdhe3072", "ffdhe4096",
                                          "ffdhe6144", "ffdhe8192"};

// field copies the value of "Key=" in an SSL_CIPHER_description line (local text, not from
// the network) up to the next blank.
static void field(char *out, size_t cap, const char *desc, const char *key)
{
    out[0] = '\0';
    const char *p = strstr(desc, key);
    if (p == NULL) {
        return;
    }
    p += strlen(key);
    size_t n = strcspn(p, " \n");
    if (n >= cap) {
        n = cap - 1;
    }
    memcpy(out, p, n);
    out[n] = '\0';
}

static void describe_cipher(struct audit_cipher *out, const SSL_CIPHER *c)
{
    memset(out, 0, sizeof(*out));
    audit_tls_set_text(out->name, sizeof(out->name), "%s", SSL_CIPHER_get_name(c));
    const char *iana = SSL_CIPHER_standard_name(c);
    if (iana != NULL && strcmp(iana, "(NONE)") != 0) {
        audit_tls_set_text(out->iana, sizeof(out->iana), "%s", iana);
    }
    char desc[256];
    if (SSL_CIPHER_description(c, desc, (int)sizeof(desc)) != NULL) {
        field(out->kx, sizeof(out->kx), desc, "Kx=");
        field(out->auth, sizeof(out->auth), desc, "Au=");
        field(out->enc, sizeof(out->enc), desc, "Enc=");
        field(out->mac, sizeof(out->mac), desc, "Mac=");
    }
    out->aead = SSL_CIPHER_is_aead(c) != 0;
    int kx = SSL_CIPHER_get_kx_nid(c);
    out->forward_secret = kx == NID_kx_ecdhe || kx == NID_kx_dhe || kx == NID_kx_ecdhe_psk ||
                          kx == NID_kx_dhe_psk || kx == NID_kx_any;
    out->bits = SSL_CIPHER_get_bits(c, NULL);
}

// offer_for builds the offer of `names` (colon-separated) at version index `vi`.
static struct audit_tls_offer offer_for(size_t vi, const char *names)
{
    struct audit_tls_offer o = {.version = versions[vi]};
    if (versions[vi] == TLS1_3_VERSION) {
        o.suites = names;
    } else {
        o.ciphers = names;
    }
    return o;
}

// join writes the names of the `n` candidates still marked in `left` as "A:B:C".
static void join(char *out, size_t cap, const struct audit_tls_candidate *cand, const bool *left,
                 size_t n)
{
    size_t len = 0;
    out[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        size_t k = strlen(cand[i].name);
        if (!left[i] || len + k + 2 > cap) {
            continue;
        }
        if (len > 0) {
            out[len++] = ':';
        }
        memcpy(out + len, cand[i].name, k + 1);
        len += k;
    }
}

// enumerate_ciphers finds every suite the server accepts at version `vi`: offer all that are
// left, record the server's choice, remove it, until the handshake fails (N+1 handshakes).
static void enumerate_ciphers(struct audit_version *v, const struct audit_tls_env *env, size_t vi)
{
    enum { MAX_CAND = 256 };
    struct audit_tls_candidate *cand = calloc(MAX_CAND, sizeof(*cand));
    bool *left = calloc(MAX_CAND, sizeof(*left));
    size_t cap = MAX_CAND * (AUDIT_MAX_NAME + 1);
    char *list = malloc(cap);
    if (cand == NULL || left == NULL || list == NULL) {
        goto out;
    }
    size_t n = audit_tls_local_ciphers(cand, MAX_CAND, versions[vi]);
    for (size_t i = 0; i < n; i++) {
        left[i] = true;
    }
    while (v->num_ciphers < AUDIT_MAX_CIPHERS) {
        join(list, cap, cand, left, n);
        if (list[0] == '\0') {
            break;
        }
        struct audit_tls_offer o = offer_for(vi, list);
        struct audit_tls_conn c;
        bool ok = audit_tls_conn_open(&c, env, &o);
        const SSL_CIPHER *chosen = ok ? SSL_get_current_cipher(c.ssl) : NULL;
        bool found = false;
        for (size_t i = 0; chosen != NULL && i < n; i++) {
            if (left[i] && cand[i].id == SSL_CIPHER_get_id(chosen)) {
                left[i] = false;
                found = true;
            }
        }
        if (found) {
            describe_cipher(&v->ciphers[v->num_ciphers++], chosen);
        }
        audit_tls_conn_close(&c);
        if (!found) {
            break;  // refused, or a choice we did not offer: nothing more to learn
        }
    }
out:
    free(list);
    free(left);
    free(cand);
}

// chosen_by offers exactly "first:second" at version `vi` and returns the index (0 or 1) of
// the one the server chose, or -1.
static int chosen_by(const struct audit_tls_env *env, size_t vi, const char *first,
                     const char *second)
{
    char list[2 * AUDIT_MAX_NAME + 2];
    audit_tls_set_text(list, sizeof(list), "%s:%s", first, second);
    struct audit_tls_offer o = offer_for(vi, list);
    struct audit_tls_conn c;
    int which = -1;
    if (audit_tls_conn_open(&c, env, &o)) {
        const char *name = SSL_CIPHER_get_name(SSL_get_current_cipher(c.ssl));
        if (name != NULL && strcmp(name, first) == 0) {
            which = 0;
        } else if (name != NULL && strcmp(name, second) == 0) {
            which = 1;
        }
    }
    audit_tls_conn_close(&c);
    return which;
}

// probe_order offers two accepted suites in both orders: the same choice both times means
// the server's preference decides.
static void probe_order(struct audit_version *v, const struct audit_tls_env *env, size_t vi)
{
    if (v->num_ciphers < 2) {
        return;
    }
    const char *a = v->ciphers[0].name;
    const char *b = v->ciphers[1].name;
    int ab = chosen_by(env, vi, a, b);  // 0 = a
    int ba = chosen_by(env, vi, b, a);  // 0 = b
    if (ab < 0 || ba < 0) {
        return;
    }
    bool same = (ab == 0) == (ba == 1);
    audit_tls_set_text(v->server_order, sizeof(v->server_order), "%s",
                       same ? "server" : (ab == 0 && ba == 0 ? "client" : ""));
}

static void probe_version(struct audit_version *v, const struct audit_tls_env *env, size_t vi)
{
    struct audit_tls_candidate one;
    if (audit_tls_local_ciphers(&one, 1, versions[vi]) == 0) {
        audit_tls_set_text(v->note, sizeof(v->note), "the local OpenSSL cannot offer %s",
                           version_names[vi]);
        return;
    }
    struct audit_tls_offer o = {.version = versions[vi]};
    struct audit_tls_conn c;
    bool ok = audit_tls_conn_open(&c, env, &o);
    if (ok) {
        v->tested = true;
        v->accepted = true;
    } else if (c.local) {
        audit_tls_set_text(v->note, sizeof(v->note), "the local OpenSSL cannot offer %s: %s",
                           version_names[vi], c.error);
    } else {
        v->tested = true;
        audit_tls_set_text(v->note, sizeof(v->note), "%s", c.error);
    }
    audit_tls_conn_close(&c);
}

static void probe_groups(struct audit_tls *out, const struct audit_tls_env *env, size_t vi)
{
    for (size_t i = 0; i < sizeof(group_names) / sizeof(group_names[0]); i++) {
        if (out->num_groups >= AUDIT_MAX_GROUPS) {
            break;
        }
        struct audit_tls_offer o = {.version = versions[vi], .groups = group_names[i]};
        struct audit_tls_conn c;
        bool ok = audit_tls_conn_open(&c, env, &o);
        if (!c.local) {
            out->groups_tested = true;
        }
        // Count the group only when it was the one negotiated: at TLS 1.2 a handshake can
        // complete with RSA or DHE key exchange whatever groups were offered.
        int nid = ok ? (int)SSL_get_negotiated_group(c.ssl) : NID_undef;
        const char *name = nid != NID_undef ? SSL_group_to_name(c.ssl, nid) : NULL;
        if (name != NULL && strcasecmp(name, group_names[i]) == 0) {
            audit_tls_set_text(out->groups[out->num_groups], sizeof(out->groups[0]), "%s",
                               group_names[i]);
            out->num_groups++;
        }
        audit_tls_conn_close(&c);
    }
}

static void probe_cert(struct audit_tls *out, const struct audit_tls_env *env, size_t vi,
                       const struct audit_target *t)
{
    // Without anonymous suites, so that a server preferring one still shows its certificate.
    struct audit_tls_offer o = {.version = versions[vi], .ciphers = "ALL:COMPLEMENTOFALL:!aNULL"};
    struct audit_tls_conn c;
    if (audit_tls_conn_open(&c, env, &o)) {
        audit_tls_cert_fill(&out->cert, c.ssl, t);
    }
    audit_tls_conn_close(&c);
}

static void probe_resumption(struct audit_tls *out, const struct audit_tls_env *env, size_t vi)
{
    struct audit_tls_offer o = {.version = versions[vi], .want_session = true};
    struct audit_tls_conn c;
    if (!audit_tls_conn_open(&c, env, &o)) {
        audit_tls_conn_close(&c);
        return;
    }
    out->resumption_tested = true;
    SSL_SESSION *sess = c.session;  // taken: NULL when the server issued no session
    c.session = NULL;
    audit_tls_conn_close(&c);  // close_notify first, so the session stays resumable
    if (sess == NULL) {
        return;
    }
    o.want_session = false;
    o.resume = sess;
    if (audit_tls_conn_open(&c, env, &o)) {
        out->resumption = SSL_session_reused(c.ssl) == 1;
    }
    audit_tls_conn_close(&c);
    SSL_SESSION_free(sess);
}

// probe_renegotiation checks RFC 5746 support (and compression) at the best version <= 1.2.
static void probe_renegotiation(struct audit_tls *out, const struct audit_tls_env *env)
{
    size_t vi = AUDIT_NUM_VERSIONS;
    for (size_t i = 0; i < AUDIT_NUM_VERSIONS; i++) {
        if (versions[i] <= TLS1_2_VERSION && out->versions[i].accepted) {
            vi = i;
        }
    }
    if (vi == AUDIT_NUM_VERSIONS) {
        return;
    }
    struct audit_tls_offer o = {.version = versions[vi]};
    struct audit_tls_conn c;
    if (audit_tls_conn_open(&c, env, &o)) {
        out->renegotiation_tested = true;
        out->secure_renegotiation = SSL_get_secure_renegotiation_support(c.ssl) != 0;
        out->compression = SSL_get_current_compression(c.ssl) != NULL;
    }
    audit_tls_conn_close(&c);
}

static void no_handshake_error(struct audit_tls *out)
{
    // "no TLS handshake completed (TLS 1.3: server alert: protocol version; TLS 1.2: ...)"
    char why[AUDIT_MAX_TEXT] = "";
    for (size_t i = AUDIT_NUM_VERSIONS; i-- > 0;) {
        const struct audit_version *v = &out->versions[i];
        if (v->tested) {
            char prev[AUDIT_MAX_TEXT];
            audit_tls_set_text(prev, sizeof(prev), "%s", why);
            audit_tls_set_text(why, sizeof(why), "%s%s%s: %s", prev, prev[0] != '\0' ? "; " : "",
                               version_names[i], v->note);
        }
    }
    audit_tls_set_text(out->error, sizeof(out->error), "no TLS handshake completed%s%s%s",
                       why[0] != '\0' ? " (" : "", why, why[0] != '\0' ? ")" : "");
}

static int run(const struct audit_target *t, struct audit_tls *out)
{
    struct audit_tls_env env;
    if (!audit_tls_env_init(&env, out->error, sizeof(out->error), t)) {
        return 2;
    }
    out->reachable = true;
    size_t best = AUDIT_NUM_VERSIONS;
    for (size_t i = 0; i < AUDIT_NUM_VERSIONS; i++) {
        probe_version(&out->versions[i], &env, i);
        if (out->versions[i].accepted) {
            best = i;
        }
    }
    if (best == AUDIT_NUM_VERSIONS) {
        no_handshake_error(out);
        return 2;
    }
    out->handshake = true;
    for (size_t i = 0; i < AUDIT_NUM_VERSIONS; i++) {
        if (out->versions[i].accepted) {
            enumerate_ciphers(&out->versions[i], &env, i);
            probe_order(&out->versions[i], &env, i);
        }
    }
    probe_groups(out, &env, best);
    probe_cert(out, &env, best, t);
    probe_resumption(out, &env, best);
    probe_renegotiation(out, &env);
    return 0;
}

int audit_tls_run(const struct audit_target *t, struct audit_tls *out)
{
    memset(out, 0, sizeof(*out));
    // A server that closes mid-handshake must give EPIPE, not a SIGPIPE that ends the tool.
    struct sigaction ign;
    struct sigaction old;
    memset(&ign, 0, sizeof(ign));
    ign.sa_handler = SIG_IGN;
    sigemptyset(&ign.sa_mask);
    bool restore = sigaction(SIGPIPE, &ign, &old) == 0;
    ERR_clear_error();
    int rc = run(t, out);
    ERR_clear_error();
    if (restore) {
        sigaction(SIGPIPE, &old, NULL);
    }
    return rc;
}
