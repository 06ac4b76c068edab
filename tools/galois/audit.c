// `galois audit sips:HOST[:PORT]`: probes a SIP server's TLS (audit_tls.c) and, over it, which
// SRTP offers it accepts (audit_sip.c), grades what it found (audit_grade.c) and prints the
// report as text or JSON. Exit status: 0 for A+, A and B; 1 below; 2 when the target could not
// be reached or the command line is wrong. docs/AUDIT.md.
#include "audit.h"

#include <errno.h>
#include <galois/common.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmds.h"
#include "json_out.h"

enum {
    DEFAULT_PORT = 5061,
    DEFAULT_TIMEOUT_S = 5,
    MAX_TIMEOUT_S = 120,
};

static const char *const version_json_names[AUDIT_NUM_VERSIONS] = {"TLSv1.0", "TLSv1.1", "TLSv1.2",
                                                                   "TLSv1.3"};

static void usage(FILE *f)
{
    fprintf(f,
            "usage: galois audit sips:[USER@]HOST[:PORT] [--json] [--sni NAME] [--ca FILE]\n"
            "                    [--from sip:URI] [--user U --password P] [--timeout S]\n"
            "                    [--no-sip]\n"
            "\n"
            "Grades the TLS and SRTP of a SIP server, A+ (best) to F, with the reasons:\n"
            "  TLS     versions 1.0-1.3, every cipher suite per version, key exchange groups,\n"
            "          the certificate (chain, expiry, key, signature, name), resumption,\n"
            "          secure renegotiation\n"
            "  SIP     OPTIONS, then one INVITE per SRTP offer (one suite each, and plain RTP);\n"
            "          every call is torn down with BYE or CANCEL\n"
            "\n"
            "  --json        the report as one JSON object\n"
            "  --sni NAME    send NAME as SNI and check the certificate against it\n"
            "  --ca FILE     trusted CAs (PEM); default: the system's\n"
            "  --from URI    our identity in the SIP probes (default sip:audit@<our address>)\n"
            "  --user U --password P\n"
            "                Digest credentials, for a server that challenges the probes\n"
            "  --timeout S   seconds per connection and per transaction (default %d)\n"
            "  --no-sip      TLS only: no OPTIONS, no INVITE (SRTP is then not graded)\n"
            "\n"
            "Exit status: 0 for A+, A or B; 1 for C, D or F; 2 when the target could not be\n"
            "reached or the arguments are wrong. USER is the callee of the INVITE probes; use a\n"
            "user who answers (an echo service, a test extension).\n",
            DEFAULT_TIMEOUT_S);
}

// parse_target reads "sips:[user@]host[:port][;params]" (host: a name, an IPv4 address or an
// IPv6 address in brackets) into `t`.
static bool parse_target(const char *uri, struct audit_target *t, char *why, size_t max_why)
{
    if (strlen(uri) >= sizeof(t->uri)) {
        snprintf(why, max_why, "the URI is longer than %zu bytes", sizeof(t->uri) - 1);
        return false;
    }
    snprintf(t->uri, sizeof(t->uri), "%s", uri);
    if (strncmp(uri, "sips:", 5) != 0) {
        snprintf(why, max_why, "'%s' is not a sips: URI (galois audit sips:HOST[:PORT])", uri);
        return false;
    }
    const char *p = uri + 5;
    const char *end = p + strcspn(p, ";?");
    const char *at = memchr(p, '@', (size_t)(end - p));
    if (at != NULL) {
        if ((size_t)(at - p) >= sizeof(t->user)) {
            snprintf(why, max_why, "the user part of '%s' is too long", uri);
            return false;
        }
        snprintf(t->user, sizeof(t->user), "%.*s", (int)(at - p), p);
        p = at + 1;
    }
    const char *host_end;
    const char *port_start = NULL;
    if (*p == '[') {
        const char *close = memchr(p, ']', (size_t)(end - p));
        if (close == NULL) {
            snprintf(why, max_why, "'%s': an IPv6 address without its ']'", uri);
            return false;
        }
        if ((size_t)(close - p - 1) >= sizeof(t->host) || close == p + 1) {
            snprintf(why, max_why, "'%s': bad IPv6 address", uri);
            return false;
        }
        snprintf(t->host, sizeof(t->host), "%.*s", (int)(close - p - 1), p + 1);
        host_end = close + 1;
        if (host_end < end && *host_end == ':') {
            port_start = host_end + 1;
        } else if (host_end != end) {
            snprintf(why, max_why, "'%s': unexpected text after the IPv6 address", uri);
            return false;
        }
    } else {
        const char *colon = memchr(p, ':', (size_t)(end - p));
        host_end = colon != NULL ? colon : end;
        if (host_end == p || (size_t)(host_end - p) >= sizeof(t->host)) {
            snprintf(why, max_why, "'%s' names no host", uri);
            return false;
        }
        snprintf(t->host, sizeof(t->host), "%.*s", (int)(host_end - p), p);
        port_start = colon != NULL ? colon + 1 : NULL;
    }
    t->port = DEFAULT_PORT;
    if (port_start != NULL) {
        char *stop = NULL;
        errno = 0;
        unsigned long v = strtoul(port_start, &stop, 10);
        if (stop != end || stop == port_start || errno != 0 || v == 0 || v > 65535) {
            snprintf(why, max_why, "'%s': the port must be 1..65535", uri);
            return false;
        }
        t->port = (uint16_t)v;
    }
    return true;
}

// --- text report ---------------------------------------------------------------------------

static const char *yes_no(bool b)
{
    return b ? "yes" : "no";
}

static void text_tls(FILE *f, const struct audit_target *t, const struct audit_tls *tls)
{
    fprintf(f, "\nTLS (%s port %u)\n", t->host, t->port);
    for (size_t i = 0; i < AUDIT_NUM_VERSIONS; i++) {
        const struct audit_version *v = &tls->versions[i];
        if (!v->tested) {
            fprintf(f, "  %-8s not tested%s%s\n", version_json_names[i],
                    v->note[0] != '\0' ? ": " : "", v->note);
            continue;
        }
        if (!v->accepted) {
            fprintf(f, "  %-8s refused%s%s%s\n", version_json_names[i],
                    v->note[0] != '\0' ? " (" : "", v->note, v->note[0] != '\0' ? ")" : "");
            continue;
        }
        fprintf(f, "  %-8s ACCEPTED, %zu cipher suite%s%s%s\n", version_json_names[i],
                v->num_ciphers, v->num_ciphers == 1 ? "" : "s",
                v->server_order[0] != '\0' ? ", order chosen by the " : "", v->server_order);
        for (size_t k = 0; k < v->num_ciphers && k < AUDIT_MAX_CIPHERS; k++) {
            const struct audit_cipher *c = &v->ciphers[k];
            fprintf(f, "             %-34s %-6s %-6s %-24s %s%s\n", c->name, c->kx, c->auth, c->enc,
                    c->aead ? "AEAD" : c->mac, c->forward_secret ? "" : "  no FS");
        }
    }
    if (tls->groups_tested) {
        fprintf(f, "  groups   ");
        for (size_t i = 0; i < tls->num_groups && i < AUDIT_MAX_GROUPS; i++) {
            fprintf(f, "%s%s", i == 0 ? "" : " ", tls->groups[i]);
        }
        fprintf(f, "%s\n", tls->num_groups == 0 ? "(none accepted)" : "");
    }
    const struct audit_cert *c = &tls->cert;
    if (c->present) {
        fprintf(f, "  certificate\n");
        fprintf(f, "    subject   %s\n", c->subject);
        fprintf(f, "    issuer    %s%s\n", c->issuer, c->self_signed ? " (self-signed)" : "");
        fprintf(f, "    names     %s\n", c->names[0] != '\0' ? c->names : "(no subjectAltName)");
        fprintf(f, "    key       %s %d bits, signed with %s\n", c->key_type, c->key_bits,
                c->sig_alg);
        fprintf(f, "    valid     %s .. %s (%ld days left)\n", c->not_before, c->not_after,
                c->days_left);
        fprintf(f, "    chain     %zu certificate%s sent, %s%s%s\n", c->chain_len,
                c->chain_len == 1 ? "" : "s", c->chain_verified ? "verified" : "NOT verified",
                c->chain_verified || c->verify_error[0] == '\0' ? "" : ": ", c->verify_error);
        fprintf(f, "    name      %s\n", c->name_matched ? "matches" : "DOES NOT match");
    }
    fprintf(f, "  resumption %s; secure renegotiation %s; compression %s\n",
            tls->resumption_tested ? yes_no(tls->resumption) : "not tested",
            tls->renegotiation_tested ? yes_no(tls->secure_renegotiation) : "not tested",
            yes_no(tls->compression));
}

static void text_sip(FILE *f, const struct audit_sip *s)
{
    fprintf(f, "\nSIP\n");
    if (s->options_sent) {
        fprintf(f, "  OPTIONS    %d\n", s->options_status);
        fprintf(f, "  agent      %s\n", s->user_agent[0] != '\0' ? s->user_agent : "(not said)");
        fprintf(f, "  Allow      %s\n", s->allow);
        fprintf(f, "  Supported  %s\n", s->supported);
    }
    if (s->error[0] != '\0') {
        fprintf(f, "  error      %s\n", s->error);
    }
    if (s->num_probes > 0) {
        fprintf(f, "  SRTP offers (one INVITE each)\n");
    }
    for (size_t i = 0; i < s->num_probes && i < AUDIT_MAX_PROBES; i++) {
        const struct audit_probe *p = &s->probes[i];
        const char *verdict = !p->sent              ? "not sent"
                              : p->answer_plain     ? "ANSWERED PLAIN"
                              : p->accepted         ? "ACCEPTED"
                              : p->answer_unoffered ? "BAD ANSWER"
                                                    : "refused";
        // The agent's reasons for failures start with the status; for 2xx it is the phrase.
        char status[16] = "";
        if (p->status != 0 && strtol(p->reason, NULL, 10) != p->status) {
            snprintf(status, sizeof(status), "%d ", p->status);
        }
        fprintf(f, "    %-46s %-14s %s%s%s\n", p->label, verdict, status, p->reason,
                p->sent && !p->torn_down && p->accepted ? " (NOT torn down)" : "");
    }
}

static void text_report(FILE *f, const struct audit_target *t, const struct audit_tls *tls,
                        const struct audit_sip *sip, const struct audit_grade *g)
{
    fprintf(f, "galois audit %s\n\n", t->uri);
    fprintf(f, "Grade: %s\n", audit_grade_name(g->level));
    for (size_t i = 0; i < g->num_reasons; i++) {
        const struct audit_reason *r = &g->reasons[i];
        const char *tag = r->severity == AUDIT_BAD    ? "BAD "
                          : r->severity == AUDIT_WARN ? "WARN"
                                                      : "info";
        fprintf(f, "  %s  %s", tag, r->text);
        if (r->severity != AUDIT_INFO) {
            fprintf(f, "  (at best %s)", audit_grade_name(r->cap));
        }
        fputc('\n', f);
    }
    text_tls(f, t, tls);
    if (sip != NULL) {
        text_sip(f, sip);
    }
}

// --- JSON ----------------------------------------------------------------------------------

static void json_key_str(FILE *f, const char *key, const char *value, bool comma)
{
    fprintf(f, "%s\"%s\":", comma ? "," : "", key);
    tool_json_string(f, value);
}

static void json_key_bool(FILE *f, const char *key, bool value)
{
    fprintf(f, ",\"%s\":%s", key, value ? "true" : "false");
}

static void json_tls(FILE *f, const struct audit_tls *tls)
{
    fprintf(f, "{\"reachable\":%s", tls->reachable ? "true" : "false");
    json_key_bool(f, "handshake", tls->handshake);
    json_key_str(f, "error", tls->error, true);
    fprintf(f, ",\"versions\":{");
    for (size_t i = 0; i < AUDIT_NUM_VERSIONS; i++) {
        const struct audit_version *v = &tls->versions[i];
        fprintf(f, "%s\"%s\":{\"tested\":%s", i == 0 ? "" : ",", version_json_names[i],
                v->tested ? "true" : "false");
        json_key_bool(f, "accepted", v->accepted);
        json_key_str(f, "note", v->note, true);
        json_key_str(f, "server_order", v->server_order, true);
        fprintf(f, ",\"ciphers\":[");
        for (size_t k = 0; k < v->num_ciphers && k < AUDIT_MAX_CIPHERS; k++) {
            const struct audit_cipher *c = &v->ciphers[k];
            fprintf(f, "%s{", k == 0 ? "" : ",");
            json_key_str(f, "name", c->name, false);
            json_key_str(f, "iana", c->iana, true);
            json_key_str(f, "kx", c->kx, true);
            json_key_str(f, "auth", c->auth, true);
            json_key_str(f, "enc", c->enc, true);
            json_key_str(f, "mac", c->mac, true);
            json_key_bool(f, "aead", c->aead);
            json_key_bool(f, "forward_secret", c->forward_secret);
            fprintf(f, ",\"bits\":%d}", c->bits);
        }
        fprintf(f, "]}");
    }
    fprintf(f, "},\"groups\":");
    if (tls->groups_tested) {
        fputc('[', f);
        for (size_t i = 0; i < tls->num_groups && i < AUDIT_MAX_GROUPS; i++) {
            if (i > 0) {
                fputc(',', f);
            }
            tool_json_string(f, tls->groups[i]);
        }
        fputc(']', f);
    } else {
        fprintf(f, "null");
    }
    const struct audit_cert *c = &tls->cert;
    fprintf(f, ",\"certificate\":{\"present\":%s", c->present ? "true" : "false");
    json_key_str(f, "subject", c->subject, true);
    json_key_str(f, "issuer", c->issuer, true);
    json_key_str(f, "not_before", c->not_before, true);
    json_key_str(f, "not_after", c->not_after, true);
    fprintf(f, ",\"days_left\":%ld", c->days_left);
    json_key_bool(f, "expired", c->expired);
    json_key_bool(f, "not_yet_valid", c->not_yet_valid);
    json_key_bool(f, "self_signed", c->self_signed);
    json_key_bool(f, "chain_verified", c->chain_verified);
    json_key_str(f, "verify_error", c->verify_error, true);
    json_key_bool(f, "name_matched", c->name_matched);
    json_key_str(f, "key_type", c->key_type, true);
    fprintf(f, ",\"key_bits\":%d", c->key_bits);
    json_key_str(f, "sig_alg", c->sig_alg, true);
    fprintf(f, ",\"chain_len\":%zu", c->chain_len);
    json_key_str(f, "names", c->names, true);
    fprintf(f, "},\"resumption\":%s,\"secure_renegotiation\":%s",
            !tls->resumption_tested ? "null"
            : tls->resumption       ? "true"
                                    : "false",
            !tls->renegotiation_tested  ? "null"
            : tls->secure_renegotiation ? "true"
                                        : "false");
    json_key_bool(f, "compression", tls->compression);
    fputc('}', f);
}

static void json_sip(FILE *f, const struct audit_sip *s)
{
    fprintf(f, "{\"options\":");
    if (s->options_sent) {
        fprintf(f, "{\"status\":%d", s->options_status);
        json_key_str(f, "allow", s->allow, true);
        json_key_str(f, "supported", s->supported, true);
        json_key_str(f, "user_agent", s->user_agent, true);
        fputc('}', f);
    } else {
        fprintf(f, "null");
    }
    json_key_str(f, "error", s->error, true);
    fprintf(f, ",\"probes\":[");
    for (size_t i = 0; i < s->num_probes && i < AUDIT_MAX_PROBES; i++) {
        const struct audit_probe *p = &s->probes[i];
        fprintf(f, "%s{", i == 0 ? "" : ",");
        json_key_str(f, "offer", p->label, false);
        json_key_str(f, "suite", p->suite, true);
        json_key_str(f, "params", p->params, true);
        json_key_str(f, "kind", p->kind == AUDIT_OFFER_PLAIN ? "plain" : "srtp", true);
        json_key_bool(f, "sent", p->sent);
        fprintf(f, ",\"status\":%d", p->status);
        json_key_str(f, "reason", p->reason, true);
        json_key_bool(f, "accepted", p->accepted);
        json_key_str(f, "answer_suite", p->answer_suite, true);
        json_key_bool(f, "answer_plain", p->answer_plain);
        json_key_bool(f, "answer_unoffered", p->answer_unoffered);
        json_key_bool(f, "key_well_formed", p->key_well_formed);
        json_key_bool(f, "key_echoed", p->key_echoed);
        json_key_bool(f, "key_reused", p->key_reused);
        json_key_bool(f, "torn_down", p->torn_down);
        fputc('}', f);
    }
    fprintf(f, "]}");
}

static void json_report(FILE *f, const struct audit_target *t, const struct audit_tls *tls,
                        const struct audit_sip *sip, const struct audit_grade *g, int exit_code)
{
    fputc('{', f);
    json_key_str(f, "target", t->uri, false);
    if (g != NULL) {
        json_key_str(f, "grade", audit_grade_name(g->level), true);
    } else {
        fprintf(f, ",\"grade\":null");
    }
    fprintf(f, ",\"exit\":%d", exit_code);
    if (g == NULL) {
        json_key_str(f, "error", tls->error[0] != '\0' ? tls->error : "target not reached", true);
    }
    fprintf(f, ",\"reasons\":[");
    for (size_t i = 0; g != NULL && i < g->num_reasons; i++) {
        const struct audit_reason *r = &g->reasons[i];
        fprintf(f, "%s{", i == 0 ? "" : ",");
        json_key_str(f, "severity",
                     r->severity == AUDIT_BAD    ? "bad"
                     : r->severity == AUDIT_WARN ? "warn"
                                                 : "info",
                     false);
        json_key_str(f, "cap", audit_grade_name(r->cap), true);
        json_key_str(f, "text", r->text, true);
        fputc('}', f);
    }
    fprintf(f, "],\"tls\":");
    json_tls(f, tls);
    fprintf(f, ",\"sip\":");
    if (sip != NULL) {
        json_sip(f, sip);
    } else {
        fprintf(f, "null");
    }
    fprintf(f, "}\n");
}

// --- the command ---------------------------------------------------------------------------

static struct audit_target target;

static int audit_main(int argc, char **argv)
{
    static struct audit_tls tls;
    static struct audit_sip sip;
    static struct audit_grade grade;
    memset(&target, 0, sizeof(target));
    target.timeout_ms = DEFAULT_TIMEOUT_S * 1000u;
    bool json = false;
    bool run_sip = true;
    const char *uri = NULL;
    char why[512];

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *next = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            return 0;
        } else if (strcmp(a, "--json") == 0) {
            json = true;
        } else if (strcmp(a, "--no-sip") == 0) {
            run_sip = false;
        } else if (strcmp(a, "--sni") == 0 || strcmp(a, "--ca") == 0 || strcmp(a, "--from") == 0 ||
                   strcmp(a, "--user") == 0 || strcmp(a, "--password") == 0 ||
                   strcmp(a, "--timeout") == 0) {
            if (next == NULL) {
                fprintf(stderr, "galois audit: %s needs a value\n", a);
                return 2;
            }
            i++;
            char *dst = strcmp(a, "--sni") == 0        ? target.sni
                        : strcmp(a, "--ca") == 0       ? target.ca_file
                        : strcmp(a, "--from") == 0     ? target.from
                        : strcmp(a, "--user") == 0     ? target.auth_user
                        : strcmp(a, "--password") == 0 ? target.password
                                                       : NULL;
            size_t room = strcmp(a, "--sni") == 0        ? sizeof(target.sni)
                          : strcmp(a, "--ca") == 0       ? sizeof(target.ca_file)
                          : strcmp(a, "--from") == 0     ? sizeof(target.from)
                          : strcmp(a, "--user") == 0     ? sizeof(target.auth_user)
                          : strcmp(a, "--password") == 0 ? sizeof(target.password)
                                                         : 0;
            if (dst != NULL) {
                if (strlen(next) >= room || next[0] == '\0') {
                    fprintf(stderr, "galois audit: %s: the value must be 1..%zu bytes\n", a,
                            room - 1);
                    return 2;
                }
                snprintf(dst, room, "%s", next);
            } else {
                char *stop = NULL;
                errno = 0;
                unsigned long s = strtoul(next, &stop, 10);
                if (*stop != '\0' || stop == next || errno != 0 || s == 0 || s > MAX_TIMEOUT_S) {
                    fprintf(stderr, "galois audit: --timeout: '%s' is not 1..%d seconds\n", next,
                            MAX_TIMEOUT_S);
                    return 2;
                }
                target.timeout_ms = (unsigned)s * 1000u;
            }
        } else if (a[0] == '-') {
            fprintf(stderr, "galois audit: unknown option %s (galois audit --help)\n", a);
            return 2;
        } else if (uri != NULL) {
            fprintf(stderr, "galois audit: one target only ('%s' and '%s')\n", uri, a);
            return 2;
        } else {
            uri = a;
        }
    }
    if (uri == NULL) {
        usage(stderr);
        return 2;
    }
    if (!parse_target(uri, &target, why, sizeof(why))) {
        fprintf(stderr, "galois audit: %s\n", why);
        return 2;
    }
    if (target.from[0] != '\0' && strncmp(target.from, "sip:", 4) != 0 &&
        strncmp(target.from, "sips:", 5) != 0) {
        fprintf(stderr, "galois audit: --from: '%s' is not a sip: or sips: URI\n", target.from);
        return 2;
    }

    if (audit_tls_run(&target, &tls) != 0) {
        if (json) {
            json_report(stdout, &target, &tls, NULL, NULL, 2);
        } else {
            printf("galois audit %s\n\nnot graded: %s\n", target.uri,
                   tls.error[0] != '\0' ? tls.error : "the target could not be reached");
        }
        fprintf(stderr, "galois audit: %s\n",
                tls.error[0] != '\0' ? tls.error : "the target could not be reached");
        return 2;
    }
    const struct audit_sip *sp = NULL;
    if (run_sip) {
        (void)audit_sip_run(&target, &sip);
        sp = &sip;
    }
    audit_grade_compute(&tls, sp, &grade);
    int rc = grade.level <= AUDIT_GRADE_B ? 0 : 1;
    if (json) {
        json_report(stdout, &target, &tls, sp, &grade, rc);
    } else {
        text_report(stdout, &target, &tls, sp, &grade);
    }
    return rc;
}

int galois_cmd_audit(int argc, char **argv)
{
    int rc = audit_main(argc, argv);
    galois_secure_zero(target.password, sizeof(target.password));
    return rc;
}
