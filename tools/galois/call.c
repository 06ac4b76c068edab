// galois call | galois answer: place or answer SIP calls over TLS with SRTP audio.
#include <stdio.h>
#include <string.h>

#include "cmds.h"
#include "endpoint.h"

enum { EXIT_USAGE = 2 };

static void usage(FILE *f, enum ep_role role)
{
    if (role == EP_CALL) {
        fprintf(f,
                "usage: galois call sips:USER@HOST[:PORT] [options]\n\n"
                "Places one call, sends audio for --duration seconds, hangs up, and reports\n"
                "what TLS and SDES negotiated and the media statistics.\n\n");
    } else {
        fprintf(f,
                "usage: galois answer --listen tls:ADDR:PORT --tls-cert F --tls-key F [options]\n\n"
                "Answers --calls calls (default 1), echoing the audio back unless told\n"
                "otherwise, and reports each.\n\n");
    }
    fprintf(f,
            "SIP:\n"
            "  --via tls:HOST:PORT       next hop for requests (a proxy such as Kamailio)\n"
            "  --listen tls:ADDR:PORT    accept requests there (tcp: and udp: too)\n"
            "  --register sips:U@HOST    register this address of record (digest auth)\n"
            "  --user U --password P     our user name and digest password (--auth-user U)\n"
            "  --domain D --expires S    our From domain; registration lifetime\n"
            "TLS (docs/TLS.md): --tls-min 1.2|1.3 --tls-max ... --tls-ciphers LIST\n"
            "  --tls-ciphersuites LIST --tls-groups LIST --tls-sigalgs LIST --tls-cert F\n"
            "  --tls-key F --tls-ca F|system --tls-ca-dir D --tls-verify yes|no\n"
            "  --tls-client-cert none|request|require --tls-sni NAME\n"
            "SRTP (docs/SDES.md): --srtp POLICY (this command's direction), --srtp-in P,\n"
            "  --srtp-out P; POLICY is MODE[:SUITE...][,OPTION...], e.g.\n"
            "  'mandatory:AEAD_AES_256_GCM:AEAD_AES_128_GCM:AES_CM_128_HMAC_SHA1_80'\n"
            "  --allow-sdes-without-tls  let keys travel over UDP/TCP (insecure)\n"
            "Media: --tone HZ | --play FILE.wav | --echo, --record FILE.wav, --codec pcmu|pcma,\n"
            "  --rtcp-mux, --media-addr ADDR, --duration SEC, --calls N, --timeout SEC\n"
            "re-INVITEs: --hold-at S, --resume-at S, --rekey-at S (seconds after the call is\n"
            "  up; each may be given several times): hold (a=sendonly), resume, new send key\n"
            "Output: --json (one JSON object on stdout), --quiet; --config FILE reads\n"
            "  'name = value' lines with the same names.\n"
            "Exit: 0 when every call was established and ended normally, 1 otherwise\n"
            "(stderr says why), 2 for bad usage or a configuration that cannot work.\n");
}

static int run(int argc, char **argv, enum ep_role role)
{
    struct ep_options o;
    ep_options_default(&o, role);
    char why[EP_MAX_ERROR];
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout, role);
            return 0;
        }
        if (strncmp(a, "--", 2) != 0) {
            if (role == EP_CALL && o.target[0] == '\0' && strlen(a) < sizeof(o.target)) {
                snprintf(o.target, sizeof(o.target), "%s", a);
                continue;
            }
            fprintf(stderr, "galois %s: unexpected argument '%s' (--help)\n", argv[0], a);
            return EXIT_USAGE;
        }
        const char *name = a + 2;
        char buf[128];
        const char *value = NULL;
        const char *eq = strchr(name, '=');
        if (eq != NULL && (size_t)(eq - name) < sizeof(buf)) {
            snprintf(buf, sizeof(buf), "%.*s", (int)(eq - name), name);
            name = buf;
            value = eq + 1;
        } else if (i + 1 < argc && strncmp(argv[i + 1], "--", 2) != 0) {
            value = argv[i + 1];
        }
        bool used = false;
        bool ok;
        if (strcmp(name, "config") == 0) {
            used = value != NULL;
            ok = value != NULL && ep_config_file(&o, value, why, sizeof(why));
        } else {
            ok = ep_option(&o, name, value, &used, why, sizeof(why));
        }
        if (!ok) {
            if (value == NULL && strcmp(name, "config") == 0) {
                snprintf(why, sizeof(why), "--config needs a file");
            }
            fprintf(stderr, "galois %s: %s\n", argv[0], why);
            return EXIT_USAGE;
        }
        if (used && eq == NULL) {
            i++;
        }
    }
    struct endpoint *ep = NULL;
    if (!ep_new(&ep, &o, why, sizeof(why))) {
        galois_secure_zero(&o, sizeof(o));
        fprintf(stderr, "galois %s: %s\n", argv[0], why);
        return EXIT_USAGE;
    }
    galois_secure_zero(&o, sizeof(o));
    struct endpoint *eps[1] = {ep};
    if (!ep_run(eps, 1)) {
        fprintf(stderr, "galois %s: the event loop failed\n", argv[0]);
        ep_free(ep);
        return 1;
    }
    int rc = ep_report(ep, stdout);
    ep_free(ep);
    return rc;
}

int galois_cmd_call(int argc, char **argv)
{
    return run(argc, argv, EP_CALL);
}

int galois_cmd_answer(int argc, char **argv)
{
    return run(argc, argv, EP_ANSWER);
}
