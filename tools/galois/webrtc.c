// galois webrtc: serve a page to a browser, answer its offer (ICE-lite, DTLS-SRTP, PCMU), run
// the media and report what was negotiated. This file holds the options; webrtc.h lists the
// others. docs/WEBRTC.md is the manual.
#include "webrtc.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmds.h"

enum {
    EXIT_USAGE = 2,
    MAX_PEM = 64 * 1024,
    DEFAULT_HTTP_PORT = 8080,
};

uint64_t wr_now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

uint64_t wr_wall_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

void wr_progress(const struct wr_options *o, const char *fmt, ...)
{
    if (o->quiet) {
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "galois webrtc: ");
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

static void usage(FILE *f)
{
    fprintf(f,
            "usage: galois webrtc [--http ADDR:PORT] [--udp ADDR[:PORT]] [--profiles LIST]\n"
            "                     [--echo | --tone HZ | --play FILE.wav] [--duration S]\n"
            "                     [--sessions N] [--json] [--dtls-cert F --dtls-key F]\n"
            "                     [--timeout S] [--connect-timeout S] [--result-wait S]\n"
            "                     [--quiet]\n\n"
            "Serves a page at http://ADDR:PORT/ (default 127.0.0.1:%d). A browser that opens it\n"
            "POSTs its offer to /offer; galois answers as an ICE-lite, DTLS-SRTP peer with PCMU\n"
            "audio on one UDP socket per session, runs the media for --duration seconds after\n"
            "the DTLS handshake, takes the page's getStats() summary from POST /result, and\n"
            "reports each session.\n\n"
            "  --http ADDR:PORT   HTTP signalling and the page ([::1]:PORT for IPv6)\n"
            "  --udp ADDR[:PORT]  media address (the candidate we answer with); default: the\n"
            "                     HTTP address and a free port; session i uses PORT+i-1\n"
            "  --profiles LIST    SRTP profiles, most wanted first (we are the DTLS server and\n"
            "                     pick): default SRTP_AEAD_AES_256_GCM:SRTP_AEAD_AES_128_GCM:\n"
            "                     SRTP_AES128_CM_SHA1_80; SRTP_AES128_CM_SHA1_32 when named\n"
            "  --echo             send back what the browser sends (default)\n"
            "  --tone HZ          send a sine tone instead; --play FILE.wav: a WAV file (8 kHz\n"
            "                     mono), looped\n"
            "  --duration S       media seconds after the handshake (default 5)\n"
            "  --sessions N       sessions to run before exiting (default 1, at most %d)\n"
            "  --timeout S        give up after S seconds in all (default 30)\n"
            "  --connect-timeout S  a session whose DTLS handshake is not done S s after the\n"
            "                     answer ends (default 15); one that had no ICE check by then\n"
            "                     is abandoned and does not count toward --sessions\n"
            "  --result-wait S    after the media, wait up to S s for the page's /result\n"
            "                     (default 5; only sessions whose page promised one)\n"
            "  --dtls-cert F --dtls-key F   our DTLS certificate and key (PEM); default: a\n"
            "                     fresh ECDSA P-256 certificate per run\n"
            "  --json             one JSON object on stdout (the human summary goes to stderr)\n"
            "  --quiet            no progress lines\n\n"
            "Exit: 0 when every session connected with an SRTP profile and packets flowed both\n"
            "ways, 1 otherwise (stderr says why), 2 for bad usage.\n",
            DEFAULT_HTTP_PORT, WR_MAX_SESSIONS);
}

static bool fail_opt(char *why, size_t max_why, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static bool fail_opt(char *why, size_t max_why, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, max_why, fmt, ap);
    va_end(ap);
    return false;
}

// host_port reads "ADDR:PORT", "[V6]:PORT", or with `port_optional` just "ADDR" / "[V6]".
static bool host_port(char *host, size_t max_host, uint16_t *port, const char *text,
                      bool port_optional)
{
    struct galois_rd r;
    struct galois_rd h;
    uint64_t p = 0;
    galois_rd_init(&r, text, strlen(text));
    if (galois_rd_lit(&r, "[")) {
        if (!galois_rd_until(&r, &h, ']', max_host - 1) || !galois_rd_lit(&r, "]")) {
            return false;
        }
    } else if (!galois_rd_until(&r, &h, ':', max_host - 1)) {
        return false;
    }
    if (r.len == 0 && port_optional) {
        p = 0;
    } else if (!galois_rd_lit(&r, ":") || !galois_rd_dec_u64(&r, &p, 65535) || r.len != 0) {
        return false;
    }
    memcpy(host, h.p, h.len);
    host[h.len] = '\0';
    *port = (uint16_t)p;
    return true;
}

static bool number(double *out, const char *value, double lo, double hi)
{
    char *end = NULL;
    errno = 0;
    double v = strtod(value, &end);
    if (errno != 0 || end == value || *end != '\0' || !(v >= lo && v <= hi)) {
        return false;
    }
    *out = v;
    return true;
}

// option sets one option; `*used` says whether `value` was taken.
static bool option(struct wr_options *o, const char *name, const char *value, bool *used, char *why,
                   size_t max_why)
{
    double v = 0;
    *used = false;
    if (strcmp(name, "json") == 0) {
        o->json = true;
        return true;
    }
    if (strcmp(name, "quiet") == 0) {
        o->quiet = true;
        return true;
    }
    if (strcmp(name, "echo") == 0) {
        o->source = WR_ECHO;
        return true;
    }
    if (value == NULL) {
        return fail_opt(why, max_why, "--%s needs a value (--help)", name);
    }
    *used = true;
    if (strcmp(name, "http") == 0) {
        if (!host_port(o->http_host, sizeof(o->http_host), &o->http_port, value, false)) {
            return fail_opt(why, max_why, "--http %s: want ADDR:PORT", value);
        }
    } else if (strcmp(name, "udp") == 0) {
        if (!host_port(o->udp_host, sizeof(o->udp_host), &o->udp_port, value, true)) {
            return fail_opt(why, max_why, "--udp %s: want ADDR or ADDR:PORT", value);
        }
    } else if (strcmp(name, "profiles") == 0) {
        char dwhy[GALOIS_DTLS_MAX_WHY_LEN];
        if (galois_dtls_policy_set(&o->dtls, "profiles", value, dwhy, sizeof(dwhy)) !=
            GALOIS_ERR_OK) {
            return fail_opt(why, max_why, "--profiles: %s", dwhy);
        }
    } else if (strcmp(name, "tone") == 0) {
        if (!number(&o->tone_hz, value, 20, 3900)) {
            return fail_opt(why, max_why, "--tone %s: want 20..3900 Hz", value);
        }
        o->source = WR_TONE;
    } else if (strcmp(name, "play") == 0) {
        if (strlen(value) >= sizeof(o->play)) {
            return fail_opt(why, max_why, "--play: path too long");
        }
        snprintf(o->play, sizeof(o->play), "%s", value);
        o->source = WR_PLAY;
    } else if (strcmp(name, "duration") == 0) {
        if (!number(&o->duration_s, value, 0.1, 86400)) {
            return fail_opt(why, max_why, "--duration %s: want 0.1..86400 seconds", value);
        }
    } else if (strcmp(name, "timeout") == 0) {
        if (!number(&o->timeout_s, value, 1, 86400)) {
            return fail_opt(why, max_why, "--timeout %s: want 1..86400 seconds", value);
        }
    } else if (strcmp(name, "connect-timeout") == 0) {
        if (!number(&o->connect_timeout_s, value, 0.5, 3600)) {
            return fail_opt(why, max_why, "--connect-timeout %s: want 0.5..3600 seconds", value);
        }
    } else if (strcmp(name, "result-wait") == 0) {
        if (!number(&o->result_wait_s, value, 0, 600)) {
            return fail_opt(why, max_why, "--result-wait %s: want 0..600 seconds", value);
        }
    } else if (strcmp(name, "sessions") == 0) {
        if (!number(&v, value, 1, WR_MAX_SESSIONS) || (double)(unsigned)v != v) {
            return fail_opt(why, max_why, "--sessions %s: want 1..%d", value, WR_MAX_SESSIONS);
        }
        o->sessions = (unsigned)v;
    } else if (strcmp(name, "dtls-cert") == 0 || strcmp(name, "dtls-key") == 0) {
        char *dst = name[5] == 'c' ? o->cert_path : o->key_path;
        if (strlen(value) >= WR_MAX_PATH) {
            return fail_opt(why, max_why, "--%s: path too long", name);
        }
        snprintf(dst, WR_MAX_PATH, "%s", value);
    } else {
        *used = false;
        return fail_opt(why, max_why, "unknown option --%s (--help)", name);
    }
    return true;
}

static bool check_options(struct wr_options *o, char *why, size_t max_why)
{
    if (o->udp_host[0] == '\0') {
        snprintf(o->udp_host, sizeof(o->udp_host), "%s", o->http_host);
    }
    struct galois_ice_addr a;
    static const uint8_t zero[16] = {0};
    if (galois_ice_addr_from_text(&a, o->udp_host, 0) != GALOIS_ERR_OK) {
        return fail_opt(why, max_why, "--udp %s: not a numeric IPv4 or IPv6 address", o->udp_host);
    }
    if (memcmp(a.ip, zero, a.family == GALOIS_ICE_IPV6 ? 16 : 4) == 0) {
        return fail_opt(why, max_why,
                        "--udp %s: give the address the browser reaches (it goes into the "
                        "answer's candidate), not the unspecified one",
                        o->udp_host);
    }
    if (o->udp_port != 0 && (unsigned)o->udp_port + o->sessions - 1 > 65535) {
        return fail_opt(why, max_why, "--udp port %u + %u sessions runs past 65535",
                        (unsigned)o->udp_port, o->sessions);
    }
    if ((o->cert_path[0] == '\0') != (o->key_path[0] == '\0')) {
        return fail_opt(why, max_why, "--dtls-cert and --dtls-key go together");
    }
    if (o->source == WR_PLAY) {
        struct galois_wav_reader *w = NULL;
        if (galois_wav_reader_open(&w, o->play, true, why, max_why) != GALOIS_ERR_OK) {
            return false;
        }
        galois_wav_reader_close(w);
    }
    return true;
}

static bool read_pem(char **out, const char *path, char *why, size_t max_why)
{
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        return fail_opt(why, max_why, "%s: %s", path, strerror(errno));
    }
    char *buf = malloc(MAX_PEM + 1);
    size_t n = buf == NULL ? 0 : fread(buf, 1, MAX_PEM + 1, f);
    bool err = ferror(f) != 0;
    fclose(f);
    if (buf == NULL || err || n > MAX_PEM) {
        free(buf);
        return fail_opt(why, max_why, "%s: unreadable or over 64 KiB", path);
    }
    buf[n] = '\0';
    *out = buf;
    return true;
}

static bool load_cert(struct galois_dtls_cert **out, const struct wr_options *o, char *why,
                      size_t max_why)
{
    if (o->cert_path[0] == '\0') {
        if (galois_dtls_cert_generate(out, 30) != GALOIS_ERR_OK) {
            return fail_opt(why, max_why, "cannot generate a DTLS certificate");
        }
        return true;
    }
    char *cert = NULL;
    char *key = NULL;
    bool ok =
        read_pem(&cert, o->cert_path, why, max_why) && read_pem(&key, o->key_path, why, max_why);
    if (ok) {
        char dwhy[GALOIS_DTLS_MAX_WHY_LEN];
        ok = galois_dtls_cert_from_pem(out, cert, key, dwhy, sizeof(dwhy)) == GALOIS_ERR_OK;
        if (!ok) {
            fail_opt(why, max_why, "--dtls-cert/--dtls-key: %s", dwhy);
        }
    }
    if (key != NULL) {
        galois_secure_zero(key, strlen(key));
    }
    free(cert);
    free(key);
    return ok;
}

int galois_cmd_webrtc(int argc, char **argv)
{
    static struct wr_options o;  // static: the loop's sessions keep a pointer to it
    memset(&o, 0, sizeof(o));
    snprintf(o.http_host, sizeof(o.http_host), "127.0.0.1");
    o.http_port = DEFAULT_HTTP_PORT;
    galois_dtls_policy_default(&o.dtls);
    o.source = WR_ECHO;
    o.duration_s = 5;
    o.sessions = 1;
    o.timeout_s = 30;
    o.result_wait_s = 5;
    o.connect_timeout_s = 15;
    char why[WR_MAX_ERROR];
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            return 0;
        }
        if (strncmp(a, "--", 2) != 0) {
            fprintf(stderr, "galois webrtc: unexpected argument '%s' (--help)\n", a);
            return EXIT_USAGE;
        }
        char name[32];
        const char *value = NULL;
        const char *eq = strchr(a + 2, '=');
        size_t name_len = eq != NULL ? (size_t)(eq - (a + 2)) : strlen(a + 2);
        if (name_len >= sizeof(name)) {
            fprintf(stderr, "galois webrtc: unknown option %s (--help)\n", a);
            return EXIT_USAGE;
        }
        memcpy(name, a + 2, name_len);
        name[name_len] = '\0';
        if (eq != NULL) {
            value = eq + 1;
        } else if (i + 1 < argc && strncmp(argv[i + 1], "--", 2) != 0) {
            value = argv[i + 1];
        }
        bool used = false;
        if (!option(&o, name, value, &used, why, sizeof(why))) {
            fprintf(stderr, "galois webrtc: %s\n", why);
            return EXIT_USAGE;
        }
        if (used && eq == NULL) {
            i++;
        } else if (!used && eq != NULL) {
            fprintf(stderr, "galois webrtc: --%s takes no value\n", name);
            return EXIT_USAGE;
        }
    }
    if (!check_options(&o, why, sizeof(why))) {
        fprintf(stderr, "galois webrtc: %s\n", why);
        return EXIT_USAGE;
    }
    struct galois_dtls_cert *cert = NULL;
    if (!load_cert(&cert, &o, why, sizeof(why))) {
        fprintf(stderr, "galois webrtc: %s\n", why);
        return EXIT_USAGE;
    }
    struct wr_server *srv = NULL;
    if (!wr_server_start(&srv, &o, cert, why, sizeof(why))) {
        fprintf(stderr, "galois webrtc: %s\n", why);
        galois_dtls_cert_free(cert);
        return 1;
    }
    const char *v6 = strchr(o.http_host, ':') != NULL ? "[" : "";
    wr_progress(&o, "open http://%s%s%s:%u/ (%u session%s, %.1f s of media, profiles %s)", v6,
                o.http_host, v6[0] != '\0' ? "]" : "", (unsigned)wr_server_port(srv), o.sessions,
                o.sessions == 1 ? "" : "s", o.duration_s, o.dtls.profiles);
    int rc = wr_server_run(srv);
    wr_server_stop(srv);
    galois_dtls_cert_free(cert);
    return rc;
}
