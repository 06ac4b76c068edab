// The options of `galois call`, `galois answer` and `galois demo`: defaults, one option at a time
// (from the command line or a config file line), and the config file. docs/SIP.md lists them.
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "endpoint.h"

enum { DEFAULT_TONE_CALL = 440 };

void ep_options_default(struct ep_options *o, enum ep_role role)
{
    memset(o, 0, sizeof(*o));
    o->role = role;
    o->name = role == EP_CALL ? "call" : "answer";
    galois_sip_config_default(&o->sip);
    snprintf(o->sip.user, sizeof(o->sip.user), "%s", role == EP_CALL ? "caller" : "answerer");
    snprintf(o->media_addr, sizeof(o->media_addr), "127.0.0.1");
    o->codec = GALOIS_MEDIA_PCMU;
    o->source = role == EP_CALL ? EP_TONE : EP_ECHO;
    o->tone_hz = DEFAULT_TONE_CALL;
    o->duration_s = role == EP_CALL ? 3 : 0;
    o->calls = 1;
}

static bool copy_opt(char *dst, size_t max, const char *value, const char *name, char *why,
                     size_t max_why)
{
    if (value == NULL) {
        snprintf(why, max_why, "--%s needs a value", name);
        return false;
    }
    if (strlen(value) >= max) {
        snprintf(why, max_why, "--%s: value too long (at most %zu bytes)", name, max - 1);
        return false;
    }
    memcpy(dst, value, strlen(value) + 1);
    return true;
}

static bool number_opt(double *out, const char *value, const char *name, double lo, double hi,
                       char *why, size_t max_why)
{
    char *end = NULL;
    double v = value != NULL ? strtod(value, &end) : 0;
    if (value == NULL || end == value || *end != '\0' || !(v >= lo && v <= hi)) {
        snprintf(why, max_why, "--%s: '%s' is not a number in %g..%g", name,
                 value != NULL ? value : "", lo, hi);
        return false;
    }
    *out = v;
    return true;
}

static bool srtp_opt(struct galois_sdes_policy *p, const char *value, const char *name, char *why,
                     size_t max_why)
{
    size_t off = 0;
    if (value == NULL) {
        snprintf(why, max_why, "--%s needs a policy (mandatory:AEAD_AES_256_GCM:...)", name);
        return false;
    }
    if (galois_sdes_policy_parse(p, &off, value, strlen(value)) != GALOIS_ERR_OK) {
        snprintf(why, max_why, "--%s: bad SRTP policy at byte %zu of '%s'", name, off, value);
        return false;
    }
    return true;
}

static bool flag(const char *value, bool *out)
{
    if (value == NULL || strcmp(value, "yes") == 0 || strcmp(value, "true") == 0 ||
        strcmp(value, "1") == 0) {
        *out = true;
        return true;
    }
    if (strcmp(value, "no") == 0 || strcmp(value, "false") == 0 || strcmp(value, "0") == 0) {
        *out = false;
        return true;
    }
    return false;
}

bool ep_option(struct ep_options *o, const char *name, const char *value, bool *used_value,
               char *why, size_t max_why)
{
    *used_value = value != NULL;
    struct galois_sip_config *s = &o->sip;
    if (strncmp(name, "tls-", 4) == 0) {
        if (value == NULL) {
            snprintf(why, max_why, "--%s needs a value", name);
            return false;
        }
        return galois_tls_policy_set(&s->tls, name + 4, value, why, max_why) == GALOIS_ERR_OK;
    }
    if (strcmp(name, "via") == 0) {
        return copy_opt(s->via, sizeof(s->via), value, name, why, max_why);
    }
    if (strcmp(name, "listen") == 0) {
        return copy_opt(s->listen, sizeof(s->listen), value, name, why, max_why);
    }
    if (strcmp(name, "register") == 0) {
        return copy_opt(s->register_uri, sizeof(s->register_uri), value, name, why, max_why);
    }
    if (strcmp(name, "user") == 0) {
        return copy_opt(s->user, sizeof(s->user), value, name, why, max_why);
    }
    if (strcmp(name, "auth-user") == 0) {
        return copy_opt(s->auth_user, sizeof(s->auth_user), value, name, why, max_why);
    }
    if (strcmp(name, "password") == 0) {
        return copy_opt(s->password, sizeof(s->password), value, name, why, max_why);
    }
    if (strcmp(name, "domain") == 0) {
        return copy_opt(s->domain, sizeof(s->domain), value, name, why, max_why);
    }
    if (strcmp(name, "media-addr") == 0) {
        return copy_opt(o->media_addr, sizeof(o->media_addr), value, name, why, max_why);
    }
    if (strcmp(name, "srtp") == 0) {
        return srtp_opt(o->role == EP_CALL ? &s->srtp_out : &s->srtp_in, value, name, why, max_why);
    }
    if (strcmp(name, "srtp-out") == 0) {
        return srtp_opt(&s->srtp_out, value, name, why, max_why);
    }
    if (strcmp(name, "srtp-in") == 0) {
        return srtp_opt(&s->srtp_in, value, name, why, max_why);
    }
    if (strcmp(name, "play") == 0) {
        o->source = EP_PLAY;
        return copy_opt(o->play, sizeof(o->play), value, name, why, max_why);
    }
    if (strcmp(name, "record") == 0) {
        return copy_opt(o->record, sizeof(o->record), value, name, why, max_why);
    }
    if (strcmp(name, "tone") == 0) {
        o->source = EP_TONE;
        return number_opt(&o->tone_hz, value, name, 50, 3950, why, max_why);
    }
    if (strcmp(name, "duration") == 0) {
        return number_opt(&o->duration_s, value, name, 0, 86400, why, max_why);
    }
    if (strcmp(name, "timeout") == 0) {
        return number_opt(&o->timeout_s, value, name, 1, 86400, why, max_why);
    }
    if (strcmp(name, "hold-at") == 0 || strcmp(name, "resume-at") == 0 ||
        strcmp(name, "rekey-at") == 0) {
        if (o->num_actions == EP_MAX_ACTIONS) {
            snprintf(why, max_why, "--%s: at most %d re-INVITEs in all", name, EP_MAX_ACTIONS);
            return false;
        }
        struct ep_action *a = &o->actions[o->num_actions];
        a->kind = name[0] == 'h'                     ? EP_HOLD
                  : name[0] == 'r' && name[2] == 's' ? EP_RESUME
                                                     : EP_REKEY;
        if (!number_opt(&a->at_s, value, name, 0, 86400, why, max_why)) {
            return false;
        }
        o->num_actions++;
        return true;
    }
    if (strcmp(name, "calls") == 0) {
        double v = 0;
        if (!number_opt(&v, value, name, 1, 1000000, why, max_why)) {
            return false;
        }
        o->calls = (unsigned)v;
        return true;
    }
    if (strcmp(name, "expires") == 0) {
        double v = 0;
        if (!number_opt(&v, value, name, 60, 86400, why, max_why)) {
            return false;
        }
        s->register_expires = (unsigned)v;
        return true;
    }
    if (strcmp(name, "codec") == 0) {
        if (value != NULL && strcmp(value, "pcmu") == 0) {
            o->codec = GALOIS_MEDIA_PCMU;
        } else if (value != NULL && strcmp(value, "pcma") == 0) {
            o->codec = GALOIS_MEDIA_PCMA;
        } else {
            snprintf(why, max_why, "--codec: pcmu or pcma");
            return false;
        }
        return true;
    }
    // flags: "--echo" alone, or "echo = yes" in a config file
    bool on = true;
    bool is_flag = value == NULL || flag(value, &on);
    if (strcmp(name, "echo") == 0 || strcmp(name, "json") == 0 || strcmp(name, "rtcp-mux") == 0 ||
        strcmp(name, "quiet") == 0 || strcmp(name, "allow-sdes-without-tls") == 0) {
        if (!is_flag) {
            snprintf(why, max_why, "--%s takes no value (or yes/no in a config file)", name);
            return false;
        }
        *used_value = false;
        if (strcmp(name, "echo") == 0) {
            o->source = on ? EP_ECHO : EP_SILENCE;
        } else if (strcmp(name, "json") == 0) {
            o->json = on;
        } else if (strcmp(name, "rtcp-mux") == 0) {
            o->rtcp_mux = on;
        } else if (strcmp(name, "quiet") == 0) {
            o->quiet = on;
        } else {
            s->allow_sdes_without_tls = on;
        }
        return true;
    }
    snprintf(why, max_why, "unknown option --%s", name);
    return false;
}

bool ep_config_file(struct ep_options *o, const char *path, char *why, size_t max_why)
{
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        snprintf(why, max_why, "config %s: %s", path, strerror(errno));
        return false;
    }
    char line[1024];
    unsigned lineno = 0;
    bool ok = true;
    while (ok && fgets(line, sizeof(line), f) != NULL) {
        lineno++;
        char *p = line;
        while (*p == ' ' || *p == '\t') {
            p++;
        }
        char *end = p + strlen(p);
        while (end > p && (end[-1] == '\n' || end[-1] == '\r' || end[-1] == ' ')) {
            *--end = '\0';
        }
        if (*p == '\0' || *p == '#') {
            continue;
        }
        char *eq = strchr(p, '=');
        char *value = NULL;
        if (eq != NULL) {
            *eq = '\0';
            value = eq + 1;
            while (*value == ' ' || *value == '\t') {
                value++;
            }
        }
        char *ne = p + strlen(p);
        while (ne > p && (ne[-1] == ' ' || ne[-1] == '\t')) {
            *--ne = '\0';
        }
        bool used = false;
        char inner[EP_MAX_ERROR];
        if (!ep_option(o, p, value, &used, inner, sizeof(inner))) {
            snprintf(why, max_why, "config %s:%u: %s", path, lineno, inner);
            ok = false;
        }
    }
    galois_secure_zero(line, sizeof(line));
    fclose(f);
    return ok;
}
