// galois keygen SUITE: print a fresh SDES key (RFC 4568 §9.2) for a crypto suite.
#include <galois/galois.h>
#include <stdio.h>
#include <string.h>

#include "cmds.h"
#include "keyspec.h"

enum {
    MAX_KEY_SALT_LEN = GALOIS_SRTP_MAX_KEY_LEN + GALOIS_SRTP_MAX_SALT_LEN,
    MAX_B64_LEN = (MAX_KEY_SALT_LEN + 2) / 3 * 4 + 1,
};

static void usage(FILE *f)
{
    fprintf(f,
            "usage: galois keygen SUITE\n"
            "\n"
            "Prints `SUITE inline:BASE64`: a fresh master key and salt for SUITE from the OpenSSL\n"
            "random generator, in the form of an SDP a=crypto key (RFC 4568). It is a secret:\n"
            "send it only over a channel that is itself protected (SIP over TLS). The same text\n"
            "works as `galois pcap --key`.\n"
            "Suites:\n  ");
    galois_tool_print_suites(f);
    fprintf(f, "\n");
}

int galois_cmd_keygen(int argc, char **argv)
{
    uint8_t key_salt[MAX_KEY_SALT_LEN];
    char b64[MAX_B64_LEN];
    size_t b64_len = 0;
    int status = 1;

    if (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        usage(stdout);
        return 0;
    }
    if (argc != 2) {
        fprintf(stderr, "galois keygen: expected one argument, the suite (galois keygen --help)\n");
        return 2;
    }
    enum galois_srtp_suite suite = galois_srtp_suite_from_name(argv[1], strlen(argv[1]));
    const struct galois_srtp_suite_info *info = galois_srtp_suite_get_info(suite);
    if (suite == GALOIS_SRTP_SUITE_NONE || info == NULL) {
        fprintf(stderr, "galois keygen: unknown crypto suite '%s'; known suites:\n  ", argv[1]);
        galois_tool_print_suites(stderr);
        fprintf(stderr, "\n");
        return 2;
    }
    size_t len = info->key_len + info->salt_len;
    if (galois_random_bytes(key_salt, len) != GALOIS_ERR_OK ||
        galois_base64_encode(b64, &b64_len, sizeof(b64), key_salt, len) != GALOIS_ERR_OK) {
        fprintf(stderr, "galois keygen: the random generator failed\n");
        goto out;
    }
    printf("%s inline:%s\n", info->name, b64);
    status = fflush(stdout) == 0 ? 0 : 1;
out:
    galois_secure_zero(key_salt, sizeof(key_salt));
    galois_secure_zero(b64, sizeof(b64));
    return status;
}
