// galois sdp offer|answer: SDES offer/answer under a policy (docs/SDES.md), on text.
//
//   galois sdp offer --policy P [--addr A] [--port N] [--extmap ID:URI]...
//   galois sdp answer --policy P [--addr A] [--port N] [FILE]
//
// Exit status: 0 success, 3 no acceptable suite (reason on stderr), 2 malformed input, a bad
// policy or bad usage (the message names the line and column), 1 anything else.
#include <galois/galois.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmds.h"

enum {
    EXIT_REFUSED = 3,
    EXIT_USAGE = 2,
    MAX_EXTMAPS = 14,
    OUT_MAX = GALOIS_SDP_MAX_LEN,
};

// TRY returns early with the error of `expr` (the library's GALOIS_TRY is internal).
#define TRY(expr)                    \
    do {                             \
        galois_err try_ = (expr);    \
        if (try_ != GALOIS_ERR_OK) { \
            return try_;             \
        }                            \
    } while (0)

struct options {
    const char *policy;
    const char *addr;
    const char *port;
    const char *file;
    const char *extmaps[MAX_EXTMAPS];
    size_t num_extmaps;
};

static void usage(FILE *f)
{
    fprintf(f,
            "usage: galois sdp offer --policy P [--addr A] [--port N] [--extmap ID:URI]...\n"
            "       galois sdp answer --policy P [--addr A] [--port N] [FILE]\n"
            "\n"
            "offer prints an SDP offer of one audio stream secured as policy P says.\n"
            "answer reads an offer (FILE, or stdin) and prints the answer on stdout and what\n"
            "was chosen on stderr. P is MODE[:SUITE...][,OPTION...] (docs/SDES.md), e.g.\n"
            "  mandatory:AEAD_AES_256_GCM:AES_CM_128_HMAC_SHA1_80,pick=theirs,cryptex=offer\n"
            "Exit: 0 done, 3 no acceptable suite (the reason on stderr), 2 malformed input or\n"
            "policy (with line and column). The SDP printed carries our keys: keep it secret.\n");
}

static int usage_error(const char *what, const char *arg)
{
    fprintf(stderr, "galois sdp: %s%s%s (galois sdp --help)\n", what, arg == NULL ? "" : ": ",
            arg == NULL ? "" : arg);
    return EXIT_USAGE;
}

// value returns the value of option `name` at argv[*i] ("--x V" or "--x=V"), or NULL.
static const char *value(int argc, char **argv, int *i, const char *name)
{
    size_t n = strlen(name);
    if (strncmp(argv[*i], name, n) != 0) {
        return NULL;
    }
    if (argv[*i][n] == '=') {
        return argv[*i] + n + 1;
    }
    if (argv[*i][n] != '\0' || *i + 1 >= argc) {
        return NULL;
    }
    return argv[++*i];
}

static int parse_options(struct options *o, int argc, char **argv)
{
    for (int i = 2; i < argc; i++) {
        const char *v = NULL;
        if ((v = value(argc, argv, &i, "--policy")) != NULL) {
            o->policy = v;
        } else if ((v = value(argc, argv, &i, "--addr")) != NULL) {
            o->addr = v;
        } else if ((v = value(argc, argv, &i, "--port")) != NULL) {
            o->port = v;
        } else if ((v = value(argc, argv, &i, "--extmap")) != NULL) {
            if (o->num_extmaps == MAX_EXTMAPS) {
                return usage_error("too many --extmap", NULL);
            }
            o->extmaps[o->num_extmaps++] = v;
        } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
            return usage_error("unknown option or missing value", argv[i]);
        } else if (o->file == NULL) {
            o->file = argv[i];
        } else {
            return usage_error("more than one FILE", argv[i]);
        }
    }
    if (o->policy == NULL) {
        return usage_error("--policy is required", NULL);
    }
    return 0;
}

static int load_policy(struct galois_sdes_policy *p, const char *text)
{
    size_t off = 0;
    if (galois_sdes_policy_parse(p, &off, text, strlen(text)) != GALOIS_ERR_OK) {
        fprintf(stderr, "galois sdp: --policy: line 1, column %zu: bad policy \"%s\"\n", off + 1,
                text);
        return EXIT_USAGE;
    }
    return 0;
}

static bool port_number(uint16_t *out, const char *text)
{
    char *end = NULL;
    unsigned long v = text == NULL ? 40000 : strtoul(text, &end, 10);
    if (text != NULL && (end == text || *end != '\0' || v == 0 || v > 65534)) {
        return false;
    }
    *out = (uint16_t)v;
    return true;
}

// print_sdp writes `sdp` to stdout and wipes the text (it holds our keys).
static int print_sdp(const struct galois_sdp *sdp)
{
    char *text = malloc(OUT_MAX);
    size_t len = 0;
    int status = 1;
    if (text != NULL && galois_sdp_write(text, &len, OUT_MAX, sdp) == GALOIS_ERR_OK) {
        status = fwrite(text, 1, len, stdout) == len && fflush(stdout) == 0 ? 0 : 1;
    }
    if (text != NULL) {
        galois_secure_zero(text, OUT_MAX);
    }
    free(text);
    if (status != 0) {
        fprintf(stderr, "galois sdp: cannot write the SDP\n");
    }
    return status;
}

static galois_err add_extmap(struct galois_sdp *sdp, const char *spec)
{
    char text[GALOIS_SDP_MAX_LINE_LEN];
    const char *colon = strchr(spec, ':');
    if (colon == NULL || (size_t)(colon - spec) > 5 || strlen(spec) >= sizeof(text)) {
        return GALOIS_ERR_INVALID;
    }
    memcpy(text, spec, (size_t)(colon - spec));
    text[colon - spec] = ' ';
    memcpy(text + (colon - spec) + 1, colon + 1, strlen(colon + 1) + 1);
    return galois_sdp_media_add_attr(sdp, 0, "extmap", text);
}

// build_offer makes the offer skeleton: one audio stream, G.711 and telephone events.
static galois_err build_offer(struct galois_sdp *sdp, const struct options *o, uint16_t port)
{
    struct galois_sdp_conn addr = {"IN", strchr(o->addr, ':') != NULL ? "IP6" : "IP4", o->addr};
    static const char *const rtpmaps[] = {"0 PCMU/8000", "8 PCMA/8000", "101 telephone-event/8000"};
    TRY(galois_sdp_set_origin(sdp, "-", "1", "1", &addr));
    TRY(galois_sdp_set_session_name(sdp, "galois"));
    TRY(galois_sdp_set_conn(sdp, &addr));
    TRY(galois_sdp_add_time(sdp, "0", "0"));
    TRY(galois_sdp_add_media(sdp, NULL, "audio", port, "RTP/AVP", "0 8 101"));
    for (size_t i = 0; i < sizeof(rtpmaps) / sizeof(rtpmaps[0]); i++) {
        TRY(galois_sdp_media_add_attr(sdp, 0, "rtpmap", rtpmaps[i]));
    }
    TRY(galois_sdp_media_add_attr(sdp, 0, "fmtp", "101 0-16"));
    TRY(galois_sdp_media_add_attr(sdp, 0, "ptime", "20"));
    for (size_t i = 0; i < o->num_extmaps; i++) {
        TRY(add_extmap(sdp, o->extmaps[i]));
    }
    return galois_sdp_media_add_attr(sdp, 0, "sendrecv", NULL);
}

static int cmd_offer(const struct options *o)
{
    struct galois_sdes_policy policy;
    struct galois_sdes_session *s = NULL;
    struct galois_sdp *sdp = NULL;
    uint16_t port = 0;
    int status = load_policy(&policy, o->policy);
    if (status != 0) {
        return status;
    }
    if (o->file != NULL || !port_number(&port, o->port)) {
        return usage_error(o->file != NULL ? "offer reads no FILE" : "bad --port", o->file);
    }
    galois_err err = galois_sdp_new(&sdp);
    if (err == GALOIS_ERR_OK && (err = build_offer(sdp, o, port)) == GALOIS_ERR_INVALID) {
        status = usage_error("bad --addr or --extmap (ID:URI)", NULL);
    }
    if (err == GALOIS_ERR_OK) {
        err = galois_sdes_session_new(&s, &policy);
    }
    if (err == GALOIS_ERR_OK) {
        err = galois_sdes_offer(s, sdp, false);
    }
    if (err == GALOIS_ERR_OK) {
        status = print_sdp(sdp);
    } else if (status == 0) {
        fprintf(stderr, "galois sdp offer: %s\n", galois_err_str(err));
        status = 1;
    }
    galois_sdes_session_free(s);
    galois_sdp_free(sdp);
    return status;
}

// read_input reads the offer from `file` or stdin into a heap buffer (wiped by the caller).
static char *read_input(size_t *out_len, const char *file)
{
    FILE *f = file == NULL ? stdin : fopen(file, "rb");
    char *buf = f == NULL ? NULL : malloc(GALOIS_SDP_MAX_LEN + 1);
    size_t n = 0;
    if (buf != NULL) {
        n = fread(buf, 1, GALOIS_SDP_MAX_LEN + 1, f);
        if (ferror(f)) {
            galois_secure_zero(buf, GALOIS_SDP_MAX_LEN + 1);
            free(buf);
            buf = NULL;
        }
    }
    if (f != NULL && f != stdin) {
        fclose(f);
    }
    if (buf == NULL) {
        fprintf(stderr, "galois sdp answer: cannot read %s\n", file == NULL ? "stdin" : file);
    }
    *out_len = n;
    return buf;
}

static void print_ids(const uint8_t ids[32])
{
    const char *sep = ", encrypted header extensions";
    for (unsigned id = 1; id < 256; id++) {
        if ((ids[id / 8] & (1u << (id % 8))) != 0) {
            fprintf(stderr, "%s %u", sep, id);
            sep = "";
        }
    }
}

// report says on stderr what was chosen for each m= section; never a key.
static void report(const struct galois_sdes_result *r, const struct galois_sdp *offer)
{
    for (size_t i = 0; i < r->num_media; i++) {
        const struct galois_sdes_media_result *m = &r->media[i];
        fprintf(stderr, "galois sdp: m=%s (section %zu): ", offer->media[i].type, i + 1);
        switch (m->state) {
            case GALOIS_SDES_SRTP:
                fprintf(stderr, "%s (tag %u)%s", galois_sdes_suite_name(m->send.suite),
                        (unsigned)m->tag,
                        m->send.cryptex == GALOIS_SRTP_CRYPTEX_OFF ? "" : ", cryptex");
                print_ids(m->send.encrypt_ext_ids);
                fprintf(stderr, "\n");
                break;
            case GALOIS_SDES_PLAIN:
                fprintf(stderr, "plain RTP\n");
                break;
            case GALOIS_SDES_NOT_RTP:
                fprintf(stderr, "not RTP, left alone\n");
                break;
            case GALOIS_SDES_REJECTED:
            default:
                fprintf(stderr, "rejected%s%s\n", m->reason[0] != '\0' ? ": " : "", m->reason);
                break;
        }
    }
}

// malformed reports a parse error in the offer by line and column.
static int malformed(const char *file, const char *text, size_t len, size_t off, galois_err err)
{
    size_t line = 0;
    size_t col = 0;
    galois_sdp_line_col(&line, &col, text, len, off);
    fprintf(stderr, "galois sdp answer: %s: line %zu, column %zu: %s\n",
            file == NULL ? "stdin" : file, line, col,
            err == GALOIS_ERR_LIMIT ? "over a limit" : "malformed SDP");
    return EXIT_USAGE;
}

static int negotiate(const struct options *o, const struct galois_sdes_policy *policy,
                     const struct galois_sdp *offer, const char *text, size_t len)
{
    struct galois_sdp_answer_options ao = {.address = o->addr,
                                           .addrtype = strchr(o->addr, ':') ? "IP6" : "IP4"};
    struct galois_sdes_session *s = NULL;
    struct galois_sdes_result *res = NULL;
    struct galois_sdp *ans = NULL;
    char reason[4 * GALOIS_SDES_MAX_REASON_LEN];
    size_t off = 0;
    int status = 1;
    if (!port_number(&ao.first_port, o->port)) {
        return usage_error("bad --port", o->port);
    }
    galois_err err = galois_sdp_answer_new(&ans, offer, &ao);
    if (err == GALOIS_ERR_OK) {
        err = galois_sdes_session_new(&s, policy);
    }
    if (err == GALOIS_ERR_OK) {
        err = galois_sdes_answer(s, ans, &res, &off, reason, sizeof(reason), offer, false);
    }
    if (err == GALOIS_ERR_OK) {
        report(res, offer);
        status = print_sdp(ans);
    } else if (err == GALOIS_ERR_POLICY) {
        fprintf(stderr, "galois sdp answer: no acceptable suite: %s\n", reason);
        status = EXIT_REFUSED;
    } else if (err == GALOIS_ERR_PARSE || err == GALOIS_ERR_LIMIT) {
        status = malformed(o->file, text, len, off, err);
    } else {
        fprintf(stderr, "galois sdp answer: %s\n", galois_err_str(err));
    }
    galois_sdes_result_free(res);
    galois_sdes_session_free(s);
    galois_sdp_free(ans);
    return status;
}

static int cmd_answer(const struct options *o)
{
    struct galois_sdes_policy policy;
    struct galois_sdp *offer = NULL;
    size_t len = 0;
    size_t off = 0;
    int status = load_policy(&policy, o->policy);
    if (status != 0 || o->num_extmaps > 0) {
        return status != 0 ? status : usage_error("answer takes no --extmap", NULL);
    }
    char *text = read_input(&len, o->file);
    if (text == NULL) {
        return 1;
    }
    galois_err err = galois_sdp_parse(&offer, &off, text, len);
    if (err == GALOIS_ERR_PARSE || err == GALOIS_ERR_LIMIT) {
        status = malformed(o->file, text, len, off, err);
    } else if (err != GALOIS_ERR_OK) {
        fprintf(stderr, "galois sdp answer: %s\n", galois_err_str(err));
        status = 1;
    } else {
        status = negotiate(o, &policy, offer, text, len);
    }
    galois_sdp_free(offer);
    galois_secure_zero(text, GALOIS_SDP_MAX_LEN + 1);
    free(text);
    return status;
}

int galois_cmd_sdp(int argc, char **argv)
{
    struct options o = {.addr = "127.0.0.1"};
    if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        usage(stdout);
        return 0;
    }
    if (argc < 2 || (strcmp(argv[1], "offer") != 0 && strcmp(argv[1], "answer") != 0)) {
        usage(stderr);
        return EXIT_USAGE;
    }
    int status = parse_options(&o, argc, argv);
    if (status != 0) {
        return status;
    }
    return strcmp(argv[1], "offer") == 0 ? cmd_offer(&o) : cmd_answer(&o);
}
