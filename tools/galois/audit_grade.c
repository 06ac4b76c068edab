// The grade of `galois audit`: a pure function of what the probes found. Each finding is a
// reason with a cap, the best grade it still allows; the grade is the worst cap. docs/AUDIT.md
// lists the rules and why each cap is where it is.
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "audit.h"

enum {
    CERT_EXPIRY_WARN_DAYS = 14,  // expiring this soon lowers the grade
    CERT_EXPIRY_INFO_DAYS = 30,  // this soon is said
    MIN_RSA_BITS = 2048,
    MIN_EC_BITS = 256,
    MIN_CIPHER_BITS = 128,
    NAMES_LISTED = 3,  // ciphers named in one reason before "and N more"
};

static const char *const version_names[AUDIT_NUM_VERSIONS] = {"TLS 1.0", "TLS 1.1", "TLS 1.2",
                                                              "TLS 1.3"};

const char *audit_grade_name(enum audit_grade_level g)
{
    switch (g) {
        case AUDIT_GRADE_A_PLUS:
            return "A+";
        case AUDIT_GRADE_A:
            return "A";
        case AUDIT_GRADE_B:
            return "B";
        case AUDIT_GRADE_C:
            return "C";
        case AUDIT_GRADE_D:
            return "D";
        case AUDIT_GRADE_F:
            return "F";
    }
    return "?";
}

__attribute__((format(printf, 4, 5))) static void add(struct audit_grade *g,
                                                      enum audit_severity sev,
                                                      enum audit_grade_level cap, const char *fmt,
                                                      ...)
{
    if (cap > g->level) {
        g->level = cap;
    }
    if (g->num_reasons == AUDIT_MAX_REASONS) {
        // The grade above still counts it; the last slot says that some were left out.
        snprintf(g->reasons[AUDIT_MAX_REASONS - 1].text, AUDIT_MAX_TEXT,
                 "more findings than the report holds; see the details below");
        return;
    }
    struct audit_reason *r = &g->reasons[g->num_reasons++];
    r->severity = sev;
    r->cap = cap;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->text, sizeof(r->text), fmt, ap);
    va_end(ap);
}

static bool contains(const char *s, const char *what)
{
    return strstr(s, what) != NULL;
}

// cipher_list writes the names of the ciphers of `v` that `pick` selects, at most NAMES_LISTED
// of them and "and N more", into `out`; it returns how many matched.
static size_t cipher_list(const struct audit_version *v, bool (*pick)(const struct audit_cipher *c),
                          char *out, size_t max)
{
    size_t n = 0;
    size_t used = 0;
    out[0] = '\0';
    for (size_t i = 0; i < v->num_ciphers && i < AUDIT_MAX_CIPHERS; i++) {
        if (!pick(&v->ciphers[i])) {
            continue;
        }
        if (n < NAMES_LISTED && used < max) {
            int w =
                snprintf(out + used, max - used, "%s%s", n == 0 ? "" : ", ", v->ciphers[i].name);
            used += w > 0 ? (size_t)w : 0;
        }
        n++;
    }
    if (n > NAMES_LISTED && used < max) {
        snprintf(out + used, max - used, " and %zu more", n - NAMES_LISTED);
    }
    return n;
}

static bool no_encryption(const struct audit_cipher *c)
{
    return c->bits == 0 || contains(c->enc, "None") || contains(c->name, "NULL-") ||
           contains(c->enc, "NULL");
}

static bool no_authentication(const struct audit_cipher *c)
{
    return strcmp(c->auth, "None") == 0 || contains(c->name, "ADH-") ||
           contains(c->name, "AECDH-") || contains(c->name, "-anon-");
}

static bool weak_cipher(const struct audit_cipher *c)
{
    return !no_encryption(c) &&
           (c->bits < MIN_CIPHER_BITS || contains(c->enc, "RC4") || contains(c->enc, "3DES") ||
            contains(c->enc, "DES(") || contains(c->name, "EXP") || contains(c->enc, "IDEA") ||
            contains(c->enc, "SEED") || contains(c->enc, "RC2"));
}

static bool not_aead(const struct audit_cipher *c)
{
    return !c->aead && !no_encryption(c) && !weak_cipher(c);
}

static bool not_forward_secret(const struct audit_cipher *c)
{
    return !c->forward_secret;
}

static void grade_versions(const struct audit_tls *t, struct audit_grade *g)
{
    const struct audit_version *v = t->versions;
    if (v[0].accepted) {
        add(g, AUDIT_BAD, AUDIT_GRADE_C, "accepts TLS 1.0");
    }
    if (v[1].accepted) {
        add(g, AUDIT_BAD, AUDIT_GRADE_C, "accepts TLS 1.1");
    }
    if (!v[2].accepted && !v[3].accepted) {
        add(g, AUDIT_BAD, AUDIT_GRADE_F, "accepts neither TLS 1.2 nor TLS 1.3");
    } else if (!v[3].accepted) {
        add(g, AUDIT_WARN, AUDIT_GRADE_A,
            v[3].tested ? "does not offer TLS 1.3"
                        : "TLS 1.3 not tested (the local OpenSSL cannot offer it)");
    }

    char names[AUDIT_MAX_TEXT];
    for (size_t i = 0; i < AUDIT_NUM_VERSIONS; i++) {
        if (!v[i].accepted) {
            continue;
        }
        if (cipher_list(&v[i], no_encryption, names, sizeof(names)) > 0) {
            add(g, AUDIT_BAD, AUDIT_GRADE_F, "accepts a cipher without encryption: %s (%s)", names,
                version_names[i]);
        }
        if (cipher_list(&v[i], no_authentication, names, sizeof(names)) > 0) {
            add(g, AUDIT_BAD, AUDIT_GRADE_F,
                "accepts an anonymous cipher (no server authentication): %s (%s)", names,
                version_names[i]);
        }
        if (cipher_list(&v[i], weak_cipher, names, sizeof(names)) > 0) {
            add(g, AUDIT_BAD, AUDIT_GRADE_C, "accepts a weak cipher: %s (%s)", names,
                version_names[i]);
        }
        if (cipher_list(&v[i], not_aead, names, sizeof(names)) > 0) {
            add(g, AUDIT_WARN, AUDIT_GRADE_B, "accepts a cipher without AEAD: %s (%s)", names,
                version_names[i]);
        }
        if (cipher_list(&v[i], not_forward_secret, names, sizeof(names)) > 0) {
            add(g, AUDIT_WARN, AUDIT_GRADE_B, "accepts a cipher without forward secrecy: %s (%s)",
                names, version_names[i]);
        }
    }
}

static void grade_cert(const struct audit_tls *t, struct audit_grade *g)
{
    const struct audit_cert *c = &t->cert;
    if (!c->present) {
        add(g, AUDIT_BAD, AUDIT_GRADE_F, "the server sent no certificate");
        return;
    }
    if (c->expired) {
        long ago = c->days_left < 0 ? -c->days_left : 0;
        add(g, AUDIT_BAD, AUDIT_GRADE_F, "certificate expired %ld day%s ago (%s)", ago,
            ago == 1 ? "" : "s", c->not_after);
    } else if (c->not_yet_valid) {
        add(g, AUDIT_BAD, AUDIT_GRADE_F, "certificate is not valid before %s", c->not_before);
    } else if (c->days_left <= CERT_EXPIRY_WARN_DAYS) {
        add(g, AUDIT_WARN, AUDIT_GRADE_B, "certificate expires in %ld day%s (%s)", c->days_left,
            c->days_left == 1 ? "" : "s", c->not_after);
    } else if (c->days_left <= CERT_EXPIRY_INFO_DAYS) {
        add(g, AUDIT_INFO, AUDIT_GRADE_A_PLUS, "certificate expires in %ld days (%s)", c->days_left,
            c->not_after);
    }
    if (!c->chain_verified) {
        if (c->self_signed) {
            add(g, AUDIT_BAD, AUDIT_GRADE_C, "certificate is self-signed and not trusted (%s)",
                c->verify_error[0] != '\0' ? c->verify_error : "no trusted CA");
        } else if (!c->expired && !c->not_yet_valid) {
            add(g, AUDIT_BAD, AUDIT_GRADE_C, "certificate chain does not verify: %s",
                c->verify_error[0] != '\0' ? c->verify_error : "unknown reason");
        }
    }
    if (!c->name_matched) {
        add(g, AUDIT_BAD, AUDIT_GRADE_C,
            "certificate does not match the server's name (it names: %s)",
            c->names[0] != '\0' ? c->names : c->subject);
    }
    if (strcmp(c->key_type, "RSA") == 0 && c->key_bits < MIN_RSA_BITS) {
        add(g, AUDIT_BAD, AUDIT_GRADE_C, "certificate key is RSA %d bits (fewer than %d)",
            c->key_bits, MIN_RSA_BITS);
    } else if (strcmp(c->key_type, "EC") == 0 && c->key_bits < MIN_EC_BITS) {
        add(g, AUDIT_BAD, AUDIT_GRADE_C, "certificate key is EC %d bits (fewer than %d)",
            c->key_bits, MIN_EC_BITS);
    }
    if (contains(c->sig_alg, "sha1") || contains(c->sig_alg, "SHA1") ||
        contains(c->sig_alg, "md5") || contains(c->sig_alg, "MD5")) {
        add(g, AUDIT_BAD, AUDIT_GRADE_C, "certificate is signed with %s", c->sig_alg);
    }
}

static void grade_tls(const struct audit_tls *t, struct audit_grade *g)
{
    grade_versions(t, g);
    grade_cert(t, g);
    if (t->renegotiation_tested && !t->secure_renegotiation) {
        add(g, AUDIT_WARN, AUDIT_GRADE_B, "no secure renegotiation (RFC 5746) in TLS 1.2 or older");
    }
    if (t->compression) {
        add(g, AUDIT_BAD, AUDIT_GRADE_C, "TLS compression is on (CRIME)");
    }
    if (t->resumption_tested) {
        add(g, AUDIT_INFO, AUDIT_GRADE_A_PLUS, "session resumption %s",
            t->resumption ? "works" : "is not offered");
    }
}

static bool is_suite(const struct audit_probe *p, const char *name)
{
    return p->kind == AUDIT_OFFER_SRTP && strcmp(p->suite, name) == 0 && p->params[0] == '\0';
}

static bool is_gcm16(const struct audit_probe *p)
{
    return is_suite(p, "AEAD_AES_256_GCM") || is_suite(p, "AEAD_AES_128_GCM");
}

static bool is_strong_srtp(const struct audit_probe *p)
{
    return is_gcm16(p) || is_suite(p, "AES_256_CM_HMAC_SHA1_80") ||
           is_suite(p, "AES_192_CM_HMAC_SHA1_80") || is_suite(p, "AES_CM_128_HMAC_SHA1_80");
}

static void grade_probe(const struct audit_probe *p, struct audit_grade *g)
{
    if (!p->sent) {
        return;
    }
    if (!p->torn_down && p->status >= 200 && p->status < 300) {
        add(g, AUDIT_INFO, AUDIT_GRADE_A_PLUS, "the call for the %s probe may still be up",
            p->label);
    }
    if (p->kind == AUDIT_OFFER_SRTP && p->answer_plain) {
        add(g, AUDIT_BAD, AUDIT_GRADE_D, "answers an offer of %s with plain RTP", p->label);
        return;
    }
    if (!p->accepted) {
        return;
    }
    if (p->kind == AUDIT_OFFER_PLAIN) {
        add(g, AUDIT_BAD, AUDIT_GRADE_C, "accepts plain RTP (RTP/AVP without SRTP)");
        return;
    }
    if (p->key_echoed) {
        add(g, AUDIT_BAD, AUDIT_GRADE_F, "answers %s with the key we offered (our own key back)",
            p->label);
    } else if (p->key_reused) {
        add(g, AUDIT_BAD, AUDIT_GRADE_F, "answers %s with a key it already used in another answer",
            p->label);
    } else if (!p->key_well_formed) {
        add(g, AUDIT_BAD, AUDIT_GRADE_D, "answers %s with a malformed key", p->label);
    }
    if (strcmp(p->params, "UNAUTHENTICATED_SRTP") == 0) {
        add(g, AUDIT_BAD, AUDIT_GRADE_D, "accepts %s (SRTP without authentication)", p->label);
    } else if (strncmp(p->suite, "NULL_", 5) == 0) {
        add(g, AUDIT_BAD, AUDIT_GRADE_D, "accepts %s (SRTP without encryption)", p->label);
    } else if (p->params[0] != '\0') {
        add(g, AUDIT_WARN, AUDIT_GRADE_B, "accepts %s", p->label);
    } else if (!is_strong_srtp(p)) {
        // The 32-bit tags and the 8-byte GCM tags: forgeries get through 2^-32 / 2^-64 of the
        // time, and the _8 names are an obsolete draft's.
        add(g, AUDIT_WARN, AUDIT_GRADE_B, "accepts %s", p->suite);
    }
}

// reached_agent tells whether a final failure `status` came from a user agent that judged the
// offer (488, 415, 606 ...) rather than from the way to it: no such user, not allowed, asks
// for credentials, not available now.
static bool reached_agent(int status)
{
    static const int not_reached[] = {401, 403, 404, 407, 408, 480, 503};
    if (status < 300) {
        return false;
    }
    for (size_t i = 0; i < sizeof(not_reached) / sizeof(not_reached[0]); i++) {
        if (status == not_reached[i]) {
            return false;
        }
    }
    return true;
}

static bool unoffered_srtp(const struct audit_probe *p)
{
    return p->sent && p->kind == AUDIT_OFFER_SRTP && p->answer_unoffered;
}

// grade_unoffered says, in one reason, which SRTP offers were answered with a suite or tag we
// did not offer. The answer breaks offer/answer (RFC 4568 §5.1.2); such a peer has been seen
// to send plain RTP after it.
static void grade_unoffered(const struct audit_sip *s, struct audit_grade *g)
{
    char names[AUDIT_MAX_TEXT] = "";
    size_t used = 0;
    size_t n = 0;
    for (size_t i = 0; i < s->num_probes && i < AUDIT_MAX_PROBES; i++) {
        if (!unoffered_srtp(&s->probes[i])) {
            continue;
        }
        if (n < NAMES_LISTED && used < sizeof(names)) {
            int w = snprintf(names + used, sizeof(names) - used, "%s%s", n == 0 ? "" : ", ",
                             s->probes[i].label);
            used += w > 0 ? (size_t)w : 0;
        }
        n++;
    }
    if (n == 0) {
        return;
    }
    if (n > NAMES_LISTED && used < sizeof(names)) {
        snprintf(names + used, sizeof(names) - used, " and %zu more", n - NAMES_LISTED);
    }
    add(g, AUDIT_BAD, AUDIT_GRADE_C, "answers SRTP offers with a suite that was not offered: %s",
        names);
}

static void grade_sip(const struct audit_sip *s, struct audit_grade *g)
{
    if (s->error[0] != '\0' && s->num_probes == 0) {
        add(g, AUDIT_WARN, AUDIT_GRADE_B, "SRTP not assessed: %s", s->error);
        return;
    }
    bool any_answered = false;
    bool any_srtp = false;
    bool any_gcm = false;
    for (size_t i = 0; i < s->num_probes && i < AUDIT_MAX_PROBES; i++) {
        const struct audit_probe *p = &s->probes[i];
        grade_probe(p, g);
        if (p->accepted || p->answer_plain || p->answer_unoffered || reached_agent(p->status)) {
            any_answered = true;
        }
        if (p->accepted && p->kind == AUDIT_OFFER_SRTP && !p->answer_plain) {
            any_srtp = true;
        }
        if (p->accepted && is_gcm16(p)) {
            any_gcm = true;
        }
    }
    grade_unoffered(s, g);
    if (!any_answered) {
        add(g, AUDIT_WARN, AUDIT_GRADE_B,
            "SRTP not assessed: no INVITE probe reached a user agent that answered the offer");
        return;
    }
    if (!any_srtp) {
        add(g, AUDIT_BAD, AUDIT_GRADE_F, "accepts no SRTP offer");
    } else if (!any_gcm) {
        add(g, AUDIT_WARN, AUDIT_GRADE_A, "does not accept AEAD AES-GCM (RFC 7714) for SRTP");
    }
}

void audit_grade_compute(const struct audit_tls *tls, const struct audit_sip *sip,
                         struct audit_grade *out)
{
    memset(out, 0, sizeof(*out));
    out->level = AUDIT_GRADE_A_PLUS;
    grade_tls(tls, out);
    if (sip != NULL) {
        grade_sip(sip, out);
    } else {
        add(out, AUDIT_WARN, AUDIT_GRADE_B, "SRTP not assessed: the SIP probes did not run");
    }
}
