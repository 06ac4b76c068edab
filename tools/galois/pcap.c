// galois pcap decrypt|encrypt: unprotect or protect the RTP and RTCP in a capture file.
//
// Each frame is read with libpcap (pcap or pcapng), its UDP payload found (pcap_frame.c), told
// apart as RTP or RTCP the way rtcp-mux does (RFC 5761 §4, RFC 7983), run through a galois
// session and written back with fixed lengths and checksums. Everything else, and every packet
// that fails, is written unchanged. docs/PCAP.md is the user's page.

// libpcap's headers use the BSD types (u_char, u_int) that strict POSIX mode hides.
#define _DEFAULT_SOURCE 1

#include <errno.h>
#include <galois/galois.h>
#include <pcap/pcap.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cmds.h"
#include "keyspec.h"
#include "pcap_frame.h"
#include "pcap_streams.h"
#include "rd.h"

enum {
    EXIT_ALL_OK = 0,
    EXIT_SOME_FAILED = 1,
    EXIT_USAGE = 2,
    MAX_KEY_ARGS = GALOIS_SRTP_MAX_KEYS,
    MAX_PORT_ARGS = 32,
    MAX_FAILURES_SHOWN = 10,  // failure lines printed before going quiet
    MAX_FRAME_LEN = 262144,   // libpcap's largest snap length for these link types
    MAX_UDP_PAYLOAD = 65535,
};

enum rtp_kind { NOT_RTP = 0, RTP, RTCP };

struct job {
    const char *in_path, *out_path;
    const char *key_args[MAX_KEY_ARGS];
    size_t num_key_args;
    uint16_t ports[MAX_PORT_ARGS];
    size_t num_ports;
    struct galois_tool_hdr_opts hdr;  // --cryptex, --encrypt-ext
    struct galois_tool_streams streams;
    uint64_t frames, rtp, rtcp, ok, failed, other, fragments, truncated, unsupported;
    uint64_t failures_shown;
    uint8_t payload[MAX_UDP_PAYLOAD + GALOIS_SRTP_MAX_OVERHEAD];
    uint8_t frame[MAX_FRAME_LEN + GALOIS_SRTP_MAX_OVERHEAD];
};

static void usage(FILE *f)
{
    fprintf(f,
            "usage: galois pcap decrypt --key KEY [--key KEY ...] [--port N ...] [--cryptex]\n"
            "                           [--encrypt-ext ID[,ID...]] IN OUT\n"
            "       galois pcap encrypt --key KEY [--port N ...] [--cryptex]\n"
            "                           [--encrypt-ext ID[,ID...]] IN OUT\n"
            "\n"
            "Reads the capture IN (pcap or pcapng), unprotects (decrypt) or protects (encrypt)\n"
            "every RTP and RTCP packet it carries in UDP over IPv4 or IPv6, and writes the pcap\n"
            "OUT with the same link type, timestamps and addresses, the new payloads, and fixed\n"
            "IP and UDP lengths and checksums. Other packets, IP fragments and packets that fail\n"
            "are written unchanged.\n"
            "\n"
            "  --key SUITE:inline:BASE64[|LIFETIME][|MKI:LENGTH]\n"
            "        an SDES key as in an a=crypto line (RFC 4568): key||salt in base64, an\n"
            "        optional lifetime (2^N or decimal), an optional MKI value and length.\n"
            "        decrypt: one or more; each SSRC keeps the first key that authenticates it.\n"
            "        encrypt: exactly one; every SSRC gets its own stream under it.\n"
            "  --port N\n"
            "        only UDP packets from or to port N are looked at (repeatable). Without it,\n"
            "        packets from or to ports below 1024 and ports 4500, 5353 and 5355 are never\n"
            "        taken for RTP.\n"
            "  --cryptex\n"
            "        RFC 9335: CSRCs and header extensions are encrypted too (encrypt: packets\n"
            "        that have them; decrypt: cryptex packets are accepted beside plain ones).\n"
            "  --encrypt-ext ID[,ID...]\n"
            "        RFC 6904: the data of these header extension elements (IDs 1..255) is\n"
            "        encrypted. Not together with --cryptex (RFC 9335 section 6).\n"
            "\n"
            "A summary line per SSRC goes to standard error. Exit status: 0 if every RTP/RTCP\n"
            "packet succeeded, 1 if some failed, 2 for a bad argument, key or file.\n"
            "Suites:\n  ");
    galois_tool_print_suites(f);
    fprintf(f, "\n");
}

static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "galois pcap: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, " (see galois pcap --help)\n");
    va_end(ap);
    return EXIT_USAGE;
}

static bool parse_port(uint16_t *out, const char *text)
{
    struct galois_rd r;
    uint64_t v = 0;
    galois_rd_init(&r, text, strlen(text));
    if (!galois_rd_dec_u64(&r, &v, 65535) || r.len != 0 || v == 0) {
        return false;
    }
    *out = (uint16_t)v;
    return true;
}

// option_value returns the value of option `name` at argv[*i] ("--key V" or "--key=V"),
// advancing *i past it, or NULL if argv[*i] is not that option.
static const char *option_value(int argc, char **argv, int *i, const char *name, bool *missing)
{
    size_t n = strlen(name);
    if (strncmp(argv[*i], name, n) != 0) {
        return NULL;
    }
    if (argv[*i][n] == '=') {
        return argv[*i] + n + 1;
    }
    if (argv[*i][n] != '\0') {
        return NULL;
    }
    if (*i + 1 >= argc) {
        *missing = true;
        return NULL;
    }
    *i += 1;
    return argv[*i];
}

// parse_ext_ids reads "ID[,ID...]" (each 1..255) into the RFC 6904 bitmap of `hdr`.
static bool parse_ext_ids(struct galois_tool_hdr_opts *hdr, const char *text)
{
    struct galois_rd r;
    galois_rd_init(&r, text, strlen(text));
    do {
        uint64_t id = 0;
        if (!galois_rd_dec_u64(&r, &id, 255) || id == 0) {
            return false;
        }
        hdr->encrypt_ext_ids[id / 8] |= (uint8_t)(1u << (id % 8));
        hdr->any_ext = true;
    } while (galois_rd_lit(&r, ","));
    return r.len == 0;
}

// parse_args fills `job` from the command line; it returns -1 to go on, or an exit status.
static int parse_args(struct job *job, bool encrypt, int argc, char **argv)
{
    const char *paths[2] = {NULL, NULL};
    size_t num_paths = 0;
    bool options_done = false;
    for (int i = 2; i < argc; i++) {
        bool missing = false;
        const char *key = options_done ? NULL : option_value(argc, argv, &i, "--key", &missing);
        const char *port = options_done || key != NULL || missing
                               ? NULL
                               : option_value(argc, argv, &i, "--port", &missing);
        const char *ext = options_done || key != NULL || port != NULL || missing
                              ? NULL
                              : option_value(argc, argv, &i, "--encrypt-ext", &missing);
        if (missing) {
            return usage_error("option '%s' needs a value", argv[i]);
        } else if (key != NULL) {
            if (job->num_key_args == MAX_KEY_ARGS) {
                return usage_error("too many --key options (at most %d)", MAX_KEY_ARGS);
            }
            job->key_args[job->num_key_args++] = key;
        } else if (port != NULL) {
            if (job->num_ports == MAX_PORT_ARGS || !parse_port(&job->ports[job->num_ports], port)) {
                return usage_error("--port '%s': expected a port number 1..65535 (at most %d)",
                                   port, MAX_PORT_ARGS);
            }
            job->num_ports++;
        } else if (ext != NULL) {
            if (!parse_ext_ids(&job->hdr, ext)) {
                return usage_error(
                    "--encrypt-ext '%s': expected extension IDs 1..255, "
                    "separated by commas",
                    ext);
            }
        } else if (!options_done && strcmp(argv[i], "--cryptex") == 0) {
            job->hdr.cryptex = true;
        } else if (!options_done && strcmp(argv[i], "--") == 0) {
            options_done = true;
        } else if (!options_done && argv[i][0] == '-' && argv[i][1] != '\0') {
            return usage_error("unknown option '%s'", argv[i]);
        } else if (num_paths == 2) {
            return usage_error("unexpected argument '%s': give IN and OUT once", argv[i]);
        } else {
            paths[num_paths++] = argv[i];
        }
    }
    if (num_paths != 2) {
        return usage_error("%s", "needs an input and an output file: IN OUT");
    }
    if (job->num_key_args == 0) {
        return usage_error("%s", "needs --key SUITE:inline:BASE64");
    }
    if (encrypt && job->num_key_args != 1) {
        return usage_error("%s", "encrypt takes exactly one --key");
    }
    if (job->hdr.cryptex && job->hdr.any_ext) {
        return usage_error("%s",
                           "--cryptex and --encrypt-ext exclude each other: cryptex "
                           "replaces RFC 6904 (RFC 9335 section 6)");
    }
    job->in_path = paths[0];
    job->out_path = paths[1];
    return -1;
}

// classify tells RTP from RTCP by the second byte (RFC 5761 §4) after checking version 2
// (RFC 7983: 128..191), and reads the SSRC (RTP header, or the first RTCP packet's sender).
static enum rtp_kind classify(uint32_t *ssrc, const uint8_t *p, size_t len)
{
    struct galois_rd r;
    uint8_t b0 = 0;
    uint8_t b1 = 0;
    galois_rd_init(&r, p, len);
    if (!galois_rd_u8(&r, &b0) || !galois_rd_u8(&r, &b1) || b0 >> 6 != 2) {
        return NOT_RTP;
    }
    if (b1 >= 192 && b1 <= 223) {
        return galois_rd_skip(&r, 2) && galois_rd_u32(&r, ssrc) ? RTCP : NOT_RTP;
    }
    return galois_rd_skip(&r, 6) && galois_rd_u32(&r, ssrc) ? RTP : NOT_RTP;
}

static bool port_allowed(const struct job *job, const struct galois_tool_udp *udp)
{
    static const uint16_t never_rtp[] = {4500, 5353, 5355};  // IPsec NAT-T, mDNS, LLMNR
    if (job->num_ports > 0) {
        for (size_t i = 0; i < job->num_ports; i++) {
            if (udp->src_port == job->ports[i] || udp->dst_port == job->ports[i]) {
                return true;
            }
        }
        return false;
    }
    if (udp->src_port < 1024 || udp->dst_port < 1024) {
        return false;
    }
    for (size_t i = 0; i < sizeof(never_rtp) / sizeof(never_rtp[0]); i++) {
        if (udp->src_port == never_rtp[i] || udp->dst_port == never_rtp[i]) {
            return false;
        }
    }
    return true;
}

// report counts the outcome of one RTP/RTCP packet and names the first few failures.
static void report(struct job *job, const struct galois_tool_ssrc *st, enum rtp_kind kind,
                   galois_err err)
{
    if (err == GALOIS_ERR_OK) {
        job->ok++;
        return;
    }
    job->failed++;
    if (job->failures_shown < MAX_FAILURES_SHOWN) {
        fprintf(stderr, "galois pcap: frame %llu: %s ssrc=0x%08x: %s; written unchanged\n",
                (unsigned long long)job->frames, kind == RTCP ? "RTCP" : "RTP", st->ssrc,
                galois_err_str(err));
    } else if (job->failures_shown == MAX_FAILURES_SHOWN) {
        fprintf(stderr, "galois pcap: further failures are only counted in the summary\n");
    }
    job->failures_shown++;
}

// process_frame handles one frame and returns the bytes to write: the rebuilt frame in
// job->frame, or the original.
static const uint8_t *process_frame(struct job *job, int dlt, struct pcap_pkthdr *hdr,
                                    const uint8_t *data)
{
    struct galois_tool_udp udp;
    uint32_t ssrc = 0;
    size_t out_len = 0;
    size_t frame_len = 0;
    switch (galois_tool_frame_parse(&udp, dlt, data, hdr->caplen)) {
        case GALOIS_TOOL_FRAME_UDP:
            break;
        case GALOIS_TOOL_FRAME_FRAGMENT:
            job->fragments++;
            return data;
        case GALOIS_TOOL_FRAME_TRUNCATED:
            job->truncated++;
            return data;
        case GALOIS_TOOL_FRAME_UNSUPPORTED:
            job->unsupported++;
            return data;
        case GALOIS_TOOL_FRAME_OTHER:
        default:
            job->other++;
            return data;
    }
    struct galois_rd frame_rd;
    struct galois_rd payload;
    galois_rd_init(&frame_rd, data, hdr->caplen);
    if (!galois_rd_skip(&frame_rd, udp.payload_off) ||
        !galois_rd_take(&frame_rd, &payload, udp.payload_len)) {
        job->truncated++;
        return data;
    }
    enum rtp_kind kind =
        port_allowed(job, &udp) ? classify(&ssrc, payload.p, payload.len) : NOT_RTP;
    if (kind == NOT_RTP) {
        job->other++;
        return data;
    }
    if (kind == RTCP) {
        job->rtcp++;
    } else {
        job->rtp++;
    }
    struct galois_tool_ssrc *st = galois_tool_streams_ssrc(&job->streams, ssrc);
    if (st == NULL) {
        job->failed++;  // over the SSRC cap
        return data;
    }
    galois_err err =
        galois_tool_streams_run(&job->streams, st, kind == RTCP, job->payload, &out_len,
                                sizeof(job->payload), payload.p, payload.len);
    if (err == GALOIS_ERR_OK &&
        !galois_tool_frame_rebuild(job->frame, &frame_len, sizeof(job->frame), data, hdr->caplen,
                                   &udp, job->payload, out_len)) {
        err = GALOIS_ERR_LIMIT;  // the frame would pass 65535 bytes of IP: counted as failed
        st->ok--;
        st->other_fail++;
    }
    report(job, st, kind, err);
    if (err != GALOIS_ERR_OK) {
        return data;
    }
    hdr->len = hdr->len - hdr->caplen + (bpf_u_int32)frame_len;
    hdr->caplen = (bpf_u_int32)frame_len;
    return job->frame;
}

static void summary(const struct job *job)
{
    galois_tool_streams_summary(&job->streams, stderr);
    fprintf(stderr,
            "galois pcap: frames=%llu rtp=%llu rtcp=%llu ok=%llu failed=%llu other=%llu "
            "fragments=%llu truncated=%llu unsupported=%llu\n",
            (unsigned long long)job->frames, (unsigned long long)job->rtp,
            (unsigned long long)job->rtcp, (unsigned long long)job->ok,
            (unsigned long long)job->failed, (unsigned long long)job->other,
            (unsigned long long)job->fragments, (unsigned long long)job->truncated,
            (unsigned long long)job->unsupported);
}

// open_input opens IN with the timestamp precision of the file, so that nanosecond captures
// keep their nanoseconds: pcap files say so in their magic number, pcapng files per interface
// (they are read, and written, in nanoseconds).
static pcap_t *open_input(const char *path, unsigned *out_precision, char *errbuf)
{
    uint8_t magic[4] = {0, 0, 0, 0};
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        snprintf(errbuf, PCAP_ERRBUF_SIZE, "%s", strerror(errno));
        return NULL;
    }
    size_t n = fread(magic, 1, sizeof(magic), f);
    bool nano = n == 4 && ((magic[0] == 0xa1 && magic[1] == 0xb2 && magic[2] == 0x3c) ||
                           (magic[0] == 0x4d && magic[1] == 0x3c && magic[2] == 0xb2) ||
                           (magic[0] == 0x0a && magic[1] == 0x0d && magic[2] == 0x0d));
    *out_precision = nano ? PCAP_TSTAMP_PRECISION_NANO : PCAP_TSTAMP_PRECISION_MICRO;
    if (fseek(f, 0, SEEK_SET) != 0) {
        snprintf(errbuf, PCAP_ERRBUF_SIZE, "cannot seek: %s", strerror(errno));
        fclose(f);
        return NULL;
    }
    pcap_t *p = pcap_fopen_offline_with_tstamp_precision(f, *out_precision, errbuf);
    if (p == NULL) {
        fclose(f);
    }
    return p;
}

static bool same_file(const char *a, const char *b)
{
    struct stat sa;
    struct stat sb;
    return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
           sa.st_ino == sb.st_ino;
}

// run_files copies IN to OUT frame by frame; it returns an exit status.
static int run_files(struct job *job)
{
    char errbuf[PCAP_ERRBUF_SIZE] = "";
    unsigned precision = 0;
    pcap_t *out_pcap = NULL;
    pcap_dumper_t *dumper = NULL;
    int status = EXIT_USAGE;
    int dlt = 0;
    int rc = 0;
    struct pcap_pkthdr *hdr = NULL;
    const u_char *data = NULL;

    if (same_file(job->in_path, job->out_path)) {
        fprintf(stderr, "galois pcap: IN and OUT are the same file '%s'\n", job->in_path);
        return EXIT_USAGE;
    }
    pcap_t *in = open_input(job->in_path, &precision, errbuf);
    if (in == NULL) {
        fprintf(stderr, "galois pcap: cannot read '%s': %s\n", job->in_path, errbuf);
        return EXIT_USAGE;
    }
    dlt = pcap_datalink(in);
    if (!galois_tool_link_supported(dlt)) {
        const char *name = pcap_datalink_val_to_name(dlt);
        fprintf(stderr, "galois pcap: '%s': link type %d (%s) is not supported\n", job->in_path,
                dlt, name == NULL ? "unknown" : name);
        goto out;
    }
    // OUT keeps IN's snap length, unless encrypting could make a frame longer than it (a
    // reader would cut such a frame short).
    int snaplen = pcap_snapshot(in);
    if (snaplen <= 0 || snaplen > MAX_FRAME_LEN) {
        snaplen = MAX_FRAME_LEN;
    }
    if (job->streams.encrypt && snaplen < MAX_FRAME_LEN) {
        snaplen = MAX_FRAME_LEN - snaplen < GALOIS_SRTP_MAX_OVERHEAD
                      ? MAX_FRAME_LEN
                      : snaplen + GALOIS_SRTP_MAX_OVERHEAD;
    }
    out_pcap = pcap_open_dead_with_tstamp_precision(dlt, snaplen, precision);
    dumper = out_pcap == NULL ? NULL : pcap_dump_open(out_pcap, job->out_path);
    if (dumper == NULL) {
        fprintf(stderr, "galois pcap: cannot write '%s': %s\n", job->out_path,
                out_pcap == NULL ? "out of memory" : pcap_geterr(out_pcap));
        goto out;
    }
    while ((rc = pcap_next_ex(in, &hdr, &data)) == 1) {
        struct pcap_pkthdr h = *hdr;
        job->frames++;
        const uint8_t *bytes = process_frame(job, dlt, &h, data);
        pcap_dump((u_char *)dumper, &h, bytes);
    }
    status = job->failed == 0 ? EXIT_ALL_OK : EXIT_SOME_FAILED;
    if (rc != PCAP_ERROR_BREAK) {
        fprintf(stderr, "galois pcap: '%s': stopped reading after frame %llu: %s\n", job->in_path,
                (unsigned long long)job->frames, pcap_geterr(in));
        status = EXIT_SOME_FAILED;
    }
    if (pcap_dump_flush(dumper) != 0 || ferror(pcap_dump_file(dumper))) {
        fprintf(stderr, "galois pcap: writing '%s' failed\n", job->out_path);
        status = EXIT_USAGE;
    }
    summary(job);
out:
    if (dumper != NULL) {
        pcap_dump_close(dumper);
    }
    if (out_pcap != NULL) {
        pcap_close(out_pcap);
    }
    pcap_close(in);
    return status;
}

int galois_cmd_pcap(int argc, char **argv)
{
    struct job *job = NULL;
    int status = EXIT_USAGE;
    if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        usage(stdout);
        return EXIT_ALL_OK;
    }
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            usage(stdout);
            return EXIT_ALL_OK;
        }
    }
    if (argc < 2 || (strcmp(argv[1], "decrypt") != 0 && strcmp(argv[1], "encrypt") != 0)) {
        return usage_error("expected 'decrypt' or 'encrypt', got '%s'", argc < 2 ? "" : argv[1]);
    }
    job = calloc(1, sizeof(*job));
    if (job == NULL) {
        fprintf(stderr, "galois pcap: out of memory\n");
        return EXIT_USAGE;
    }
    bool encrypt = strcmp(argv[1], "encrypt") == 0;
    status = parse_args(job, encrypt, argc, argv);
    if (status < 0 && !galois_tool_streams_init(&job->streams, encrypt, &job->hdr, job->key_args,
                                                job->num_key_args)) {
        status = EXIT_USAGE;
    }
    if (status < 0) {
        status = run_files(job);
    }
    galois_tool_streams_cleanup(&job->streams);
    free(job);
    return status;
}
