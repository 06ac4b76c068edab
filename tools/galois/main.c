// galois: the command-line face of the library. One file per subcommand.
#include <galois/galois.h>
#include <stdio.h>
#include <string.h>

#include "cmds.h"

struct subcommand {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
};

static const struct subcommand subcommands[] = {
    {"call", galois_cmd_call, "place a SIP call over TLS with SRTP audio, and report it"},
    {"answer", galois_cmd_answer, "answer SIP calls over TLS with SRTP audio, and report them"},
    {"audit", galois_cmd_audit, "grade the TLS and SRTP of a SIP server, A+ to F, with reasons"},
    {"pcap", galois_cmd_pcap, "decrypt or encrypt the RTP/RTCP in a capture file"},
    {"keygen", galois_cmd_keygen, "print a fresh SDES key for a crypto suite"},
    {"bench", galois_cmd_bench, "measure protect/unprotect against libsrtp and the OpenSSL floor"},
    {"demo", galois_cmd_demo,
     "a secure call between two endpoints on loopback (--packets: SRTP explained)"},
    {"sdp", galois_cmd_sdp, "SDES offer/answer under a policy (galois sdp offer|answer)"},
    {"webrtc", galois_cmd_webrtc, "answer a browser over WebRTC (ICE-lite, DTLS-SRTP, PCMU)"},
};

static void usage(FILE *f)
{
    fprintf(f, "usage: galois <subcommand> [options]   (galois <subcommand> --help)\n\n");
    for (size_t i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++) {
        fprintf(f, "  %-8s %s\n", subcommands[i].name, subcommands[i].summary);
    }
    fprintf(f, "\ngalois %s\n", galois_version());
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return 0;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("galois %s\n", galois_version());
        return 0;
    }
    for (size_t i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++) {
        if (strcmp(argv[1], subcommands[i].name) == 0) {
            return subcommands[i].run(argc - 1, argv + 1);
        }
    }
    fprintf(stderr, "galois: unknown subcommand '%s'\n\n", argv[1]);
    usage(stderr);
    return 2;
}
