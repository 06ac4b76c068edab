// `galois bench`: ns per packet for SRTP/SRTCP protect and unprotect, per suite, at 160 and
// 1200 bytes of payload, for galois (on its default backend, and on OpenSSL alone), libsrtp2
// (Debian's NSS build, and one built on OpenSSL) and the raw OpenSSL EVP floor, in one run.
// docs/BENCH.md explains what is measured and why.
//
// Every implementation works in place on the same slots. Protect re-protects each slot with
// a new sequence number (the payload bytes do not matter to the work). Unprotect first has
// the implementation's own sender protect a batch of fresh packets (untimed), then times the
// receiver over them, so every unprotect is a full one: index estimation, replay check,
// authentication, decryption. Runs are interleaved across implementations, so a noisy
// neighbour slows every column alike, and the median of the runs is reported.
#define _GNU_SOURCE  // sched_setaffinity, CPU_SET, sched_getcpu
#include <errno.h>
#include <galois/galois.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "bench_impl.h"
#include "cmds.h"

enum {
    BATCH = 64,  // slots per timed batch: 80 KB at 1200 bytes, warm in L2
    NUM_PAYLOADS = 2,
    MAX_IMPLS = 5,
    MAX_CELLS = 1024,
    DEFAULT_RUNS = 11,
    DEFAULT_PACKETS = 4000,
    MAX_RETRIES = 5,
    QUICK_PACKETS = 600,
};

static const size_t payloads[NUM_PAYLOADS] = {160, 1200};

enum op { OP_PROTECT, OP_UNPROTECT, OP_PROTECT_RTCP, OP_UNPROTECT_RTCP, NUM_OPS };
static const char *const op_names[NUM_OPS] = {"protect", "unprotect", "protect_rtcp",
                                              "unprotect_rtcp"};

// The suites measured, which of them also get SRTCP rows, and the header protection rows (named
// SUITE+ext, +cryptex, +rfc6904). The header variants of a suite are one row group: they take
// turns run for run, so that each compares fairly with +ext.
static const struct {
    enum galois_srtp_suite suite;
    bool rtcp;
    enum bench_hdr hdr;
} suites[] = {
    {GALOIS_SRTP_AES_CM_128_HMAC_SHA1_80, true, BENCH_HDR_PLAIN},
    {GALOIS_SRTP_AES_CM_128_HMAC_SHA1_80, false, BENCH_HDR_EXT},
    {GALOIS_SRTP_AES_CM_128_HMAC_SHA1_80, false, BENCH_HDR_CRYPTEX},
    {GALOIS_SRTP_AES_CM_128_HMAC_SHA1_80, false, BENCH_HDR_RFC6904},
    {GALOIS_SRTP_AES_CM_128_HMAC_SHA1_32, false, BENCH_HDR_PLAIN},
    {GALOIS_SRTP_AES_192_CM_HMAC_SHA1_80, false, BENCH_HDR_PLAIN},
    {GALOIS_SRTP_AES_192_CM_HMAC_SHA1_32, false, BENCH_HDR_PLAIN},
    {GALOIS_SRTP_AES_256_CM_HMAC_SHA1_80, true, BENCH_HDR_PLAIN},
    {GALOIS_SRTP_AES_256_CM_HMAC_SHA1_32, false, BENCH_HDR_PLAIN},
    {GALOIS_SRTP_AEAD_AES_128_GCM, true, BENCH_HDR_PLAIN},
    {GALOIS_SRTP_AEAD_AES_128_GCM, false, BENCH_HDR_EXT},
    {GALOIS_SRTP_AEAD_AES_128_GCM, false, BENCH_HDR_CRYPTEX},
    {GALOIS_SRTP_AEAD_AES_128_GCM, false, BENCH_HDR_RFC6904},
    {GALOIS_SRTP_AEAD_AES_256_GCM, true, BENCH_HDR_PLAIN},
    {GALOIS_SRTP_AEAD_AES_128_GCM_8, false, BENCH_HDR_PLAIN},
    {GALOIS_SRTP_AEAD_AES_256_GCM_8, false, BENCH_HDR_PLAIN},
    {GALOIS_SRTP_NULL_HMAC_SHA1_80, false, BENCH_HDR_PLAIN},
    {GALOIS_SRTP_NULL_HMAC_SHA1_32, false, BENCH_HDR_PLAIN},
};
enum { NUM_SUITES = sizeof(suites) / sizeof(suites[0]) };

enum { IMPL_GALOIS, IMPL_GALOIS_OPENSSL, IMPL_FLOOR, IMPL_NSS, IMPL_OPENSSL };

struct options {
    bool json;
    bool quick;
    bool pin;
    bool check;
    bool variants;
    int cpu;  // -1: the CPU we start on
    unsigned runs;
    unsigned packets;
    unsigned count;    // --count: exact packets per row, one run
    const char *only;  // comma-separated IMPL:SUITE:OP[:PAYLOAD] patterns, '*' for any
    const char *nss_path;
    const char *openssl_path;
};

// cell: one measured row of one implementation.
struct cell {
    size_t impl;
    size_t suite;  // index into suites[]
    size_t payload;
    enum op op;
    double *runs;  // ns/packet of each run
    unsigned done;
    const char *error;  // set when a run failed; the row has no number then
    char error_buf[160];
    unsigned retries;    // runs measured again because the thread was preempted
    unsigned disturbed;  // runs kept although preempted (after MAX_RETRIES)
};

struct bench {
    struct options opt;
    struct bench_impl impls[MAX_IMPLS];
    struct cell *cells;
    size_t num_cells;
    uint8_t *slots;  // BATCH slots of BENCH_SLOT bytes
    uint8_t plain[BENCH_MAX_PAYLOAD];
    struct bench_master master[NUM_SUITES];
    char names[NUM_SUITES][48];  // the rows' suite names: "AEAD_AES_128_GCM+cryptex"
    // why implementation i skips the rows of header variant h that --only asks for, or ""
    char skipped[MAX_IMPLS][BENCH_HDR_COUNT_][128];
    int cpu;
    // A preempted run is measured again unless the numbers are counts (--count, for
    // callgrind, which would add the repeat to the row) or a smoke test (--quick).
    unsigned max_retries;
};

static void usage(FILE *f)
{
    fprintf(f,
            "usage: galois bench [--json] [--quick] [--runs N] [--packets N] [--count N]\n"
            "                    [--only IMPL:SUITE:OP[:PAYLOAD],...] [--cpu N | --no-pin]\n"
            "                    [--libsrtp-nss PATH] [--libsrtp-openssl PATH] [--no-check]\n"
            "                    [--evp-variants]\n\n"
            "Measures ns/packet of SRTP/SRTCP protect and unprotect for each suite at 160 and\n"
            "1200 bytes of payload (after a 12-byte RTP or 8-byte RTCP header), for galois on\n"
            "its default backend and on OpenSSL alone (galois-openssl), libsrtp2 on NSS\n"
            "(Debian's libsrtp2.so.1), libsrtp2 on OpenSSL (built by\n"
            "scripts/build-libsrtp-openssl.sh) and the OpenSSL EVP floor. Prints the median of\n"
            "the runs and the ratios galois/floor and libsrtp/galois. Header protection rows\n"
            "(AES_CM_128_HMAC_SHA1_80 and AEAD_AES_128_GCM, RTP, a CSRC and a header extension):\n"
            "SUITE+ext (no protection), SUITE+cryptex (RFC 9335), SUITE+rfc6904 (RFC 6904),\n"
            "the last two also over the same implementation's +ext row.\n\n"
            "  --json             one JSON object per row and implementation\n"
            "  --quick            %u packets, 1 run: a smoke test, not a measurement\n"
            "  --runs N           runs per row (default %u); the median is reported\n"
            "  --packets N        packets per run (default %u)\n"
            "  --count N          exactly N packets, 1 run, no pinning changes: for callgrind\n"
            "                     (scripts/bench-callgrind.sh); each row is dumped apart\n"
            "  --only PATTERNS    rows to run: IMPL:SUITE:OP[:PAYLOAD], each field a shell\n"
            "                     pattern ('*', 'AEAD*', '*+cryptex', '*+*');\n"
            "                     IMPL is galois, galois-openssl, evp-floor, libsrtp2-nss,\n"
            "                     libsrtp2-openssl;\n"
            "                     OP is protect, unprotect, protect_rtcp, unprotect_rtcp\n"
            "  --cpu N            pin to CPU N (default: the CPU the command starts on)\n"
            "  --no-pin           do not pin\n"
            "  --libsrtp-nss PATH      default libsrtp2.so.1 (the dynamic linker's search)\n"
            "  --libsrtp-openssl PATH  default $GALOIS_LIBSRTP_OPENSSL, else\n"
            "                     libsrtp-openssl/libsrtp2.so.1 beside the galois binary or in\n"
            "                     ../build/ from it\n"
            "  --no-check         skip the check that all implementations' packets are identical\n"
            "  --evp-variants     compare the ways of calling EVP the floor chooses between\n",
            (unsigned)QUICK_PACKETS, (unsigned)DEFAULT_RUNS, (unsigned)DEFAULT_PACKETS);
}

static bool parse_uint(const char *s, unsigned *out)
{
    char *end = NULL;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || v == 0 || v > 100000000ul) {
        return false;
    }
    *out = (unsigned)v;
    return true;
}

static int parse_args(struct options *o, int argc, char **argv)
{
    *o = (struct options){.pin = true, .check = true, .cpu = -1, .runs = 0, .packets = 0};
    unsigned count = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *val = i + 1 < argc ? argv[i + 1] : NULL;
        bool takes = true;
        unsigned u = 0;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            return 0;
        } else if (strcmp(a, "--json") == 0) {
            o->json = true;
            takes = false;
        } else if (strcmp(a, "--quick") == 0) {
            o->quick = true;
            takes = false;
        } else if (strcmp(a, "--no-pin") == 0) {
            o->pin = false;
            takes = false;
        } else if (strcmp(a, "--no-check") == 0) {
            o->check = false;
            takes = false;
        } else if (strcmp(a, "--evp-variants") == 0) {
            o->variants = true;
            takes = false;
        } else if (val == NULL) {
            fprintf(stderr, "galois bench: unknown option or missing value: %s\n", a);
            return 2;
        } else if (strcmp(a, "--runs") == 0 && parse_uint(val, &u)) {
            o->runs = u;
        } else if (strcmp(a, "--packets") == 0 && parse_uint(val, &u)) {
            o->packets = u;
        } else if (strcmp(a, "--count") == 0 && parse_uint(val, &u)) {
            count = u;
        } else if (strcmp(a, "--cpu") == 0 && (strcmp(val, "0") == 0 || parse_uint(val, &u))) {
            o->cpu = u < CPU_SETSIZE ? (int)u : -1;
        } else if (strcmp(a, "--only") == 0) {
            o->only = val;
        } else if (strcmp(a, "--libsrtp-nss") == 0) {
            o->nss_path = val;
        } else if (strcmp(a, "--libsrtp-openssl") == 0) {
            o->openssl_path = val;
        } else {
            fprintf(stderr, "galois bench: bad option or value: %s %s\n", a, val);
            return 2;
        }
        i += takes ? 1 : 0;
    }
    o->count = count;
    if (count != 0) {
        o->runs = 1;
        o->packets = count;
    } else if (o->quick) {
        o->runs = o->runs == 0 ? 1 : o->runs;
        o->packets = o->packets == 0 ? QUICK_PACKETS : o->packets;
    }
    o->runs = o->runs == 0 ? DEFAULT_RUNS : o->runs;
    o->packets = o->packets == 0 ? DEFAULT_PACKETS : o->packets;
    return -1;
}

static bool is_rtcp(enum op op)
{
    return op == OP_PROTECT_RTCP || op == OP_UNPROTECT_RTCP;
}

// fill_slot writes a plaintext packet: RTP (the header of variant `hdr`, bench_rtp_header) or
// RTCP (an SR header whose length covers the packet), then `payload` bytes.
static size_t fill_slot(const struct bench *b, uint8_t *p, bool rtcp, enum bench_hdr hdr,
                        size_t payload, uint16_t seq)
{
    size_t h = BENCH_RTCP_HEADER;
    if (rtcp) {
        p[0] = 0x80;
        p[1] = 200;
        bench_put16(p + 2, (uint32_t)((h + payload) / 4 - 1));
        bench_put32(p + 4, BENCH_SSRC);
    } else {
        h = bench_rtp_header(p, hdr, seq);
    }
    memcpy(p + h, b->plain, payload);
    return h + payload;
}

// run_batch is the measured code: `n` calls, nothing else. It is a function of its own so a
// profile shows it as the root of everything measured. Returns the first failure, or 0.
__attribute__((noinline)) static int run_batch(const struct bench_ops *ops, void *ep,
                                               uint8_t *slots, size_t *lens, size_t n,
                                               bool unprotect, bool rtcp)
{
    int bad = 0;
    for (size_t i = 0; i < n; i++) {
        int rc = unprotect ? ops->unprotect(ep, slots + i * BENCH_SLOT, &lens[i], rtcp)
                           : ops->protect(ep, slots + i * BENCH_SLOT, &lens[i], rtcp);
        if (rc != 0 && bad == 0) {
            bad = rc;
        }
    }
    return bad;
}

// measure_cell runs one measurement of `c`: fresh endpoints, `packets` packets, returning
// ns/packet, or a negative value with c->error set.
static double measure_cell(struct bench *b, struct cell *c, unsigned packets)
{
    const struct bench_impl *impl = &b->impls[c->impl];
    enum galois_srtp_suite suite = suites[c->suite].suite;
    enum bench_hdr hdr = suites[c->suite].hdr;
    const struct bench_master *key = &b->master[c->suite];
    bool rtcp = is_rtcp(c->op), unprotect = c->op == OP_UNPROTECT || c->op == OP_UNPROTECT_RTCP;
    size_t payload = payloads[c->payload];
    char why[128] = "";
    void *tx = impl->ops->open(impl, suite, hdr, key, true, why, sizeof(why));
    void *rx = tx != NULL && unprotect
                   ? impl->ops->open(impl, suite, hdr, key, false, why, sizeof(why))
                   : NULL;
    size_t lens[BATCH];
    uint64_t total = 0;
    unsigned done = 0;
    uint16_t seq = BENCH_FIRST_SEQ;
    int rc = 0;
    bool warm = false;
    if (tx == NULL || (unprotect && rx == NULL)) {
        snprintf(c->error_buf, sizeof(c->error_buf), "%s", why);
        c->error = c->error_buf;
        goto out;
    }
    for (size_t i = 0; i < BATCH; i++) {
        lens[i] = fill_slot(b, b->slots + i * BENCH_SLOT, rtcp, hdr, payload, 0);
    }
    while (done < packets && rc == 0) {
        size_t n = warm && packets - done < BATCH ? packets - done : BATCH;
        // Stamp each slot with its sequence number and its original length. The RTP header is
        // written whole: a +cryptex protect left it encrypted, with another profile.
        for (size_t i = 0; i < n; i++) {
            lens[i] = (rtcp ? BENCH_RTCP_HEADER
                            : bench_rtp_header(b->slots + i * BENCH_SLOT, hdr, seq++)) +
                      payload;
        }
        if (unprotect) {  // stage: the implementation's own sender makes fresh packets
            rc = run_batch(impl->ops, tx, b->slots, lens, n, false, rtcp);
            if (rc != 0) {
                break;
            }
        }
        void *ep = unprotect ? rx : tx;
        bench_cg_collect(warm);
        uint64_t t0 = bench_now_ns();
        rc = run_batch(impl->ops, ep, b->slots, lens, n, unprotect, rtcp);
        uint64_t t1 = bench_now_ns();
        bench_cg_collect(false);
        if (warm) {
            total += t1 - t0;
            done += (unsigned)n;
        }
        warm = true;  // the first batch warms caches and branch predictors, untimed
    }
    if (rc != 0) {
        snprintf(c->error_buf, sizeof(c->error_buf), "%s failed (%d) at packet %u", op_names[c->op],
                 rc, done);
        c->error = c->error_buf;
    }
out:
    if (rx != NULL) {
        impl->ops->close(rx);
    }
    if (tx != NULL) {
        impl->ops->close(tx);
    }
    return c->error != NULL ? -1 : (double)total / packets;
}

static void pin_cpu(struct bench *b)
{
    b->cpu = -1;
    if (!b->opt.pin) {
        return;
    }
    int cpu = b->opt.cpu >= 0 ? b->opt.cpu : sched_getcpu();
    cpu_set_t set;
    CPU_ZERO(&set);
    if (cpu < 0 || cpu >= CPU_SETSIZE) {
        return;
    }
    CPU_SET((size_t)cpu, &set);
    if (sched_setaffinity(0, sizeof(set), &set) == 0) {
        b->cpu = cpu;
    } else {
        fprintf(stderr, "galois bench: could not pin to CPU %d: %s\n", cpu, strerror(errno));
    }
}

static void load_impls(struct bench *b)
{
    static char path[PATH_MAX + 64];
    b->impls[IMPL_GALOIS] = (struct bench_impl){.name = "galois", .ops = &bench_galois_ops};
    b->impls[IMPL_GALOIS_OPENSSL] = (struct bench_impl){
        .name = "galois-openssl", .ops = &bench_galois_ops, .state = &bench_galois_openssl};
    b->impls[IMPL_FLOOR] = (struct bench_impl){.name = "evp-floor", .ops = &bench_evp_ops};
    bench_libsrtp_load(&b->impls[IMPL_NSS], "libsrtp2-nss",
                       b->opt.nss_path != NULL ? b->opt.nss_path : "libsrtp2.so.1");
    const char *ossl = b->opt.openssl_path != NULL ? b->opt.openssl_path
                                                   : bench_libsrtp_openssl_path(path, sizeof(path));
    bench_libsrtp_load(&b->impls[IMPL_OPENSSL], "libsrtp2-openssl", ossl);
    if (b->impls[IMPL_OPENSSL].note != NULL && b->opt.openssl_path == NULL) {
        b->impls[IMPL_OPENSSL].note = "not built: run scripts/build-libsrtp-openssl.sh";
    }
}

static bool impl_ready(const struct bench *b, size_t i)
{
    return b->impls[i].note == NULL;
}

// group_first returns the first entry of suites[s]'s row group: a plain suite is a group of
// its own; the header variants of one suite are one group.
static size_t group_first(size_t s)
{
    while (s > 0 && suites[s].hdr != BENCH_HDR_PLAIN && suites[s - 1].hdr != BENCH_HDR_PLAIN &&
           suites[s - 1].suite == suites[s].suite) {
        s--;
    }
    return s;
}

static size_t group_end(size_t first)
{
    size_t end = first + 1;
    while (end < NUM_SUITES && group_first(end) == first) {
        end++;
    }
    return end;
}

// impl_runs tells whether implementation `i` can run the rows of suites[s]. When it cannot
// and `note` is set, the reason is written there for the header of the output: the rows are
// skipped, not failed.
static bool impl_runs(const struct bench *b, size_t i, size_t s, char *note, size_t note_len)
{
    const struct bench_impl *impl = &b->impls[i];
    char why[sizeof(b->skipped[0][0])] = "";
    if (!impl_ready(b, i)) {
        return false;
    }
    if (impl->ops->supports == NULL || impl->ops->supports(impl, suites[s].hdr, why, sizeof(why))) {
        return true;
    }
    if (note != NULL) {
        snprintf(note, note_len, "%s", why);
    }
    return false;
}

// add_cells adds a cell for each implementation that runs suites[s] at payload `pl` and `op`.
static bool add_cells(struct bench *b, size_t s, size_t pl, enum op op)
{
    for (size_t i = 0; i < MAX_IMPLS; i++) {
        if (!impl_ready(b, i) || b->num_cells == MAX_CELLS ||
            !bench_row_selected(b->opt.only, b->impls[i].name, b->names[s], op_names[op],
                                payloads[pl]) ||
            !impl_runs(b, i, s, b->skipped[i][suites[s].hdr], sizeof(b->skipped[i][0]))) {
            continue;
        }
        struct cell *c = &b->cells[b->num_cells++];
        *c = (struct cell){.impl = i, .suite = s, .payload = pl, .op = op};
        c->runs = calloc(b->opt.runs, sizeof(double));
        if (c->runs == NULL) {
            return false;
        }
    }
    return true;
}

// make_cells lists the rows asked for, grouped so that the implementations of one row, and the
// header variants of one suite, run back to back.
static bool make_cells(struct bench *b)
{
    b->cells = calloc(MAX_CELLS, sizeof(*b->cells));
    if (b->cells == NULL) {
        return false;
    }
    for (size_t g = 0; g < NUM_SUITES; g = group_end(g)) {
        for (size_t pl = 0; pl < NUM_PAYLOADS; pl++) {
            for (int op = 0; op < NUM_OPS; op++) {
                for (size_t s = g; s < group_end(g); s++) {
                    if ((!is_rtcp((enum op)op) || suites[s].rtcp) &&
                        !add_cells(b, s, pl, (enum op)op)) {
                        return false;
                    }
                }
            }
        }
    }
    return true;
}

// check_identical protects the same packet with every implementation and compares the bytes
// with galois's, then has every receiver unprotect galois's packet. A difference means the
// rows do not measure the same work, so it is reported beside the table.
static int check_identical(struct bench *b, FILE *f)
{
    int problems = 0;
    uint8_t ref[BENCH_SLOT], pkt[BENCH_SLOT];
    for (size_t s = 0; s < NUM_SUITES; s++) {
        enum galois_srtp_suite suite = suites[s].suite;
        enum bench_hdr hdr = suites[s].hdr;
        const char *sname = b->names[s];
        for (int rtcp = 0; rtcp < (suites[s].rtcp ? 2 : 1); rtcp++) {
            size_t ref_len = 0;
            bool have_ref = false;
            for (size_t i = 0; i < MAX_IMPLS; i++) {
                const struct bench_impl *impl = &b->impls[i];
                char why[128] = "";
                if (!impl_runs(b, i, s, NULL, 0)) {
                    continue;
                }
                void *tx = impl->ops->open(impl, suite, hdr, &b->master[s], true, why, sizeof(why));
                void *rx =
                    impl->ops->open(impl, suite, hdr, &b->master[s], false, why, sizeof(why));
                bool known_kdf = (i == IMPL_NSS || i == IMPL_OPENSSL) &&
                                 (suite == GALOIS_SRTP_AES_192_CM_HMAC_SHA1_80 ||
                                  suite == GALOIS_SRTP_AES_192_CM_HMAC_SHA1_32);
                uint8_t own[BENCH_SLOT];
                size_t own_len = 0;
                uint8_t want[BENCH_SLOT];
                size_t want_len = fill_slot(b, want, rtcp != 0, hdr, payloads[0], BENCH_FIRST_SEQ);
                size_t len = want_len;
                memcpy(pkt, want, len);
                int rc = tx == NULL ? -1 : impl->ops->protect(tx, pkt, &len, rtcp != 0);
                if (rc != 0) {
                    fprintf(f, "check: %s %s%s: protect failed (%d) %s\n", impl->name, sname,
                            rtcp ? " SRTCP" : "", rc, why);
                    problems++;
                } else if (rtcp == 0 && !bench_hdr_check(hdr, want, pkt, why, sizeof(why))) {
                    fprintf(f, "check: %s %s: protected header: %s\n", impl->name, sname, why);
                    problems++;
                } else if (!have_ref) {
                    memcpy(ref, pkt, len);
                    ref_len = len;
                    have_ref = true;
                } else if (known_kdf && len == ref_len) {
                    // libsrtp 2.5 derives AES-192 keys with the AES-256 PRF (cisco/libsrtp#763):
                    // other keys, the same work. Its receiver gets its own packet instead.
                    fprintf(f,
                            "check: %s %s%s: other session keys (libsrtp's AES-192 KDF bug, "
                            "cisco/libsrtp#763), same work and length\n",
                            impl->name, sname, rtcp ? " SRTCP" : "");
                    memcpy(own, pkt, len);
                    own_len = len;
                } else if (len != ref_len || memcmp(ref, pkt, len) != 0) {
                    fprintf(f,
                            "check: %s %s%s: protected packet differs from %s's (%zu vs %zu "
                            "bytes)\n",
                            impl->name, sname, rtcp ? " SRTCP" : "", b->impls[0].name, len,
                            ref_len);
                    problems++;
                }
                if (have_ref && rx != NULL) {
                    memcpy(pkt, own_len > 0 ? own : ref, own_len > 0 ? own_len : ref_len);
                    len = own_len > 0 ? own_len : ref_len;
                    rc = impl->ops->unprotect(rx, pkt, &len, rtcp != 0);
                    if (rc != 0 || len != want_len || memcmp(pkt, want, len) != 0) {
                        fprintf(f, "check: %s %s%s: cannot unprotect the reference packet (%d)\n",
                                impl->name, sname, rtcp ? " SRTCP" : "", rc);
                        problems++;
                    }
                }
                if (rx != NULL) {
                    impl->ops->close(rx);
                }
                if (tx != NULL) {
                    impl->ops->close(tx);
                }
            }
        }
    }
    return problems;
}

static bool same_row(const struct cell *a, const struct cell *b)
{
    return a->suite == b->suite && a->payload == b->payload && a->op == b->op;
}

// same_group tells whether two cells take turns: the same row, or two header variants of it.
static bool same_group(const struct cell *a, const struct cell *b)
{
    return group_first(a->suite) == group_first(b->suite) && a->payload == b->payload &&
           a->op == b->op;
}

// cell_value is the median of the runs of `c` (c->runs stays in run order).
static double cell_value(const struct cell *c)
{
    double tmp[1024];
    if (c->error != NULL || c->done == 0 || c->done > 1024) {
        return -1;
    }
    memcpy(tmp, c->runs, c->done * sizeof(double));
    return bench_median(tmp, c->done);
}

static const struct cell *find_cell(const struct bench *b, const struct cell *c, size_t impl)
{
    for (size_t i = 0; i < b->num_cells; i++) {
        const struct cell *o = &b->cells[i];
        if (o->impl == impl && same_row(o, c)) {
            return o;
        }
    }
    return NULL;
}

// row_ratio is the median over runs of num's time / den's time in the same run: the two ran
// back to back, so a slow spell of the machine cancels out of each ratio. Without all runs on
// both sides it falls back to the ratio of the medians.
static double row_ratio(const struct cell *num, const struct cell *den)
{
    double r[1024];
    if (num == NULL || den == NULL || cell_value(num) <= 0 || cell_value(den) <= 0) {
        return -1;
    }
    if (num->done != den->done || num->disturbed + den->disturbed > 0 || num->done > 1024) {
        return cell_value(num) / cell_value(den);
    }
    for (unsigned i = 0; i < num->done; i++) {
        r[i] = num->runs[i] / den->runs[i];
    }
    return bench_median(r, num->done);
}

static void print_json(const struct bench *b)
{
    for (size_t i = 0; i < b->num_cells; i++) {
        const struct cell *c = &b->cells[i];
        double v = cell_value(c);
        printf("{\"impl\":\"%s\",\"suite\":\"%s\",\"payload\":%zu,\"op\":\"%s\",",
               b->impls[c->impl].name, b->names[c->suite], payloads[c->payload], op_names[c->op]);
        if (v > 0) {
            printf("\"ns_per_packet\":%.1f,\"runs\":%u}\n", v, c->done);
        } else {
            printf("\"ns_per_packet\":null,\"runs\":0,\"error\":\"%s\"}\n",
                   c->error != NULL ? c->error : "no runs");
        }
    }
}

static void print_num(double v)
{
    if (v > 0) {
        printf(" %9.1f", v);
    } else {
        printf(" %9s", "-");
    }
}

static void print_ratio(double ratio, int width)
{
    if (ratio > 0) {
        printf(" %*.2f", width, ratio);
    } else {
        printf(" %*s", width, "-");
    }
}

// hdr_protected tells whether `c` is a +cryptex or +rfc6904 row: those are printed apart,
// each over the same implementation's +ext row.
static bool hdr_protected(const struct cell *c)
{
    return suites[c->suite].hdr == BENCH_HDR_CRYPTEX || suites[c->suite].hdr == BENCH_HDR_RFC6904;
}

// find_ext_cell returns implementation `impl`'s +ext cell of the row of `c`, or NULL.
static const struct cell *find_ext_cell(const struct bench *b, const struct cell *c, size_t impl)
{
    for (size_t i = 0; i < b->num_cells; i++) {
        const struct cell *o = &b->cells[i];
        if (o->impl == impl && o->payload == c->payload && o->op == c->op &&
            suites[o->suite].suite == suites[c->suite].suite &&
            suites[o->suite].hdr == BENCH_HDR_EXT) {
            return o;
        }
    }
    return NULL;
}

// first_of_row tells whether cells[i] is the first cell of its row: a row is printed once.
static bool first_of_row(const struct bench *b, size_t i)
{
    for (size_t j = 0; j < i; j++) {
        if (same_row(&b->cells[j], &b->cells[i])) {
            return false;
        }
    }
    return true;
}

static void print_row_name(const struct bench *b, const struct cell *c)
{
    printf("%-31s %5zu %-15s", b->names[c->suite], payloads[c->payload], op_names[c->op]);
}

// print_hdr_table prints the +cryptex and +rfc6904 rows: each implementation's time, its ratio
// to its own +ext row (the cost of the header protection), and libsrtp over galois.
static void print_hdr_table(const struct bench *b)
{
    printf("header protection: ns/packet, and each over the same implementation's +ext row\n");
    printf("%-31s %5s %-15s %9s %7s %9s %7s %9s %7s %9s %8s %7s %7s\n", "suite", "bytes", "op",
           "galois", "g/ext", "g-ossl", "go/ext", "nss", "nss/ext", "openssl", "ossl/ext", "nss/g",
           "ossl/g");
    for (size_t i = 0; i < b->num_cells; i++) {
        const struct cell *c = &b->cells[i];
        if (!hdr_protected(c) || !first_of_row(b, i)) {
            continue;
        }
        print_row_name(b, c);
        static const size_t cols[] = {IMPL_GALOIS, IMPL_GALOIS_OPENSSL, IMPL_NSS, IMPL_OPENSSL};
        for (size_t k = 0; k < sizeof(cols) / sizeof(cols[0]); k++) {
            const struct cell *o = find_cell(b, c, cols[k]);
            print_num(o == NULL ? -1 : cell_value(o));
            print_ratio(row_ratio(o, find_ext_cell(b, c, cols[k])), k == 3 ? 8 : 7);
        }
        const struct cell *g = find_cell(b, c, IMPL_GALOIS);
        print_ratio(row_ratio(find_cell(b, c, IMPL_NSS), g), 7);
        print_ratio(row_ratio(find_cell(b, c, IMPL_OPENSSL), g), 7);
        printf("\n");
    }
}

static void print_table(const struct bench *b)
{
    bool any_protected = false;
    printf("ns/packet per implementation; ratios are medians of per-run ratios (run for run)\n");
    printf("%-31s %5s %-15s %9s %9s %9s %9s %9s %7s %8s %7s %7s\n", "suite", "bytes", "op",
           "galois", "g-ossl", "floor", "nss", "openssl", "g/floor", "go/floor", "nss/g", "ossl/g");
    for (size_t i = 0; i < b->num_cells; i++) {
        const struct cell *c = &b->cells[i];
        any_protected |= hdr_protected(c);
        if (hdr_protected(c) || !first_of_row(b, i)) {
            continue;
        }
        print_row_name(b, c);
        for (size_t k = 0; k < MAX_IMPLS; k++) {
            const struct cell *o = find_cell(b, c, k);
            print_num(o == NULL ? -1 : cell_value(o));
        }
        const struct cell *g = find_cell(b, c, IMPL_GALOIS);
        print_ratio(row_ratio(g, find_cell(b, c, IMPL_FLOOR)), 7);
        print_ratio(row_ratio(find_cell(b, c, IMPL_GALOIS_OPENSSL), find_cell(b, c, IMPL_FLOOR)),
                    8);
        print_ratio(row_ratio(find_cell(b, c, IMPL_NSS), g), 7);
        print_ratio(row_ratio(find_cell(b, c, IMPL_OPENSSL), g), 7);
        printf("\n");
    }
    if (any_protected) {
        print_hdr_table(b);
    }
    for (size_t i = 0; i < b->num_cells; i++) {
        const struct cell *c = &b->cells[i];
        if (c->error != NULL) {
            printf("error: %s %s %zu %s: %s\n", b->impls[c->impl].name, b->names[c->suite],
                   payloads[c->payload], op_names[c->op], c->error);
        }
    }
}

static void print_header(struct bench *b, FILE *f)
{
    fprintf(f, "galois bench: ns/packet, median of %u run%s x %u packets", b->opt.runs,
            b->opt.runs == 1 ? "" : "s", b->opt.packets);
    if (b->cpu >= 0) {
        fprintf(f, ", pinned to CPU %d\n", b->cpu);
    } else {
        fprintf(f, ", not pinned\n");
    }
    char why[1024];
    if (galois_srtp_backend_status(GALOIS_SRTP_BACKEND_DEFAULT, why, sizeof(why)) !=
        GALOIS_ERR_OK) {
        snprintf(why, sizeof(why), "?");
    }
    fprintf(f, "  galois %s: %s\n", galois_version(), why);
    fprintf(f,
            "  galois-openssl: galois with policy.backend = OPENSSL; evp-floor: OpenSSL EVP, "
            "reused contexts\n");
    for (size_t i = IMPL_NSS; i <= IMPL_OPENSSL; i++) {
        if (impl_ready(b, i)) {
            fprintf(f, "  %s: %s\n", b->impls[i].name, bench_libsrtp_version(&b->impls[i]));
        } else {
            fprintf(f, "  %s: skipped, %s\n", b->impls[i].name, b->impls[i].note);
        }
    }
    for (size_t i = 0; i < MAX_IMPLS; i++) {
        for (size_t h = 0; h < BENCH_HDR_COUNT_; h++) {
            if (b->skipped[i][h][0] != '\0') {
                fprintf(f, "  %s: no %s rows: %s\n", b->impls[i].name,
                        bench_hdr_suffix((enum bench_hdr)h), b->skipped[i][h]);
            }
        }
    }
}

static void bench_free(struct bench *b)
{
    for (size_t i = 0; b->cells != NULL && i < b->num_cells; i++) {
        free(b->cells[i].runs);
    }
    free(b->cells);
    free(b->slots);
    bench_libsrtp_unload(&b->impls[IMPL_NSS]);
    bench_libsrtp_unload(&b->impls[IMPL_OPENSSL]);
}

// involuntary_switches counts the times this thread was preempted so far.
static long involuntary_switches(void)
{
    struct rusage ru;
    return getrusage(RUSAGE_THREAD, &ru) == 0 ? ru.ru_nivcsw : -1;
}

// run_cell adds one run to `c`. A run during which the thread was preempted measured the
// other process too: it is run again, up to MAX_RETRIES times, and kept after that (counted
// in c->disturbed).
static void run_cell(struct bench *b, struct cell *c)
{
    if (c->error != NULL) {
        return;
    }
    double v = -1;
    for (unsigned tries = 0;; tries++) {
        long before = involuntary_switches();
        v = measure_cell(b, c, b->opt.packets);
        long after = involuntary_switches();
        if (v < 0 || before == after || tries >= b->max_retries) {
            c->disturbed += before != after;
            c->retries += tries;
            break;
        }
    }
    if (v > 0) {
        c->runs[c->done++] = v;
    }
    char name[160];
    snprintf(name, sizeof(name), "%s:%s:%s:%zu", b->impls[c->impl].name, b->names[c->suite],
             op_names[c->op], payloads[c->payload]);
    bench_cg_dump(name);
}

int galois_cmd_bench(int argc, char **argv)
{
    static struct bench b;
    memset(&b, 0, sizeof(b));
    int rc = parse_args(&b.opt, argc, argv);
    if (rc >= 0) {
        return rc;
    }
    pin_cpu(&b);
    b.max_retries = b.opt.quick || b.opt.count != 0 ? 0 : MAX_RETRIES;
    if (b.opt.variants) {
        if (!b.opt.json) {
            printf("galois bench --evp-variants: ns/op, median of %u runs x %u ops%s\n", b.opt.runs,
                   b.opt.packets, b.cpu >= 0 ? ", pinned" : "");
        }
        return bench_evp_variants(b.opt.runs, b.opt.packets, b.opt.json);
    }
    // Fixed keys and payload bytes: every run, and every implementation, sees the same ones.
    uint64_t x = 0x243f6a8885a308d3u;
    for (size_t s = 0; s < NUM_SUITES; s++) {
        snprintf(b.names[s], sizeof(b.names[s]), "%s%s",
                 galois_srtp_suite_get_info(suites[s].suite)->name,
                 bench_hdr_suffix(suites[s].hdr));
        for (size_t i = 0; i < sizeof(b.master[s]); i++) {
            x = x * 6364136223846793005u + 1442695040888963407u;
            ((uint8_t *)&b.master[s])[i] = (uint8_t)(x >> 56);
        }
    }
    for (size_t i = 0; i < sizeof(b.plain); i++) {
        x = x * 6364136223846793005u + 1442695040888963407u;
        b.plain[i] = (uint8_t)(x >> 56);
    }
    b.slots = aligned_alloc(64, (size_t)BATCH * BENCH_SLOT);
    load_impls(&b);
    FILE *info = b.opt.json ? stderr : stdout;
    if (b.slots == NULL || !make_cells(&b)) {
        fprintf(stderr, "galois bench: out of memory\n");
        bench_free(&b);
        return 1;
    }
    print_header(&b, info);
    if (b.opt.check) {
        int problems = check_identical(&b, info);
        fprintf(info, "check: %s\n",
                problems == 0 ? "every implementation protects into the same bytes and "
                                "unprotects the others' packets"
                              : "see above; rows with a difference do not measure the same work");
    }
    fflush(info);
    // Row by row, the implementations of a row (and the header variants of a suite) take turns
    // run after run, so whatever the machine does meanwhile falls on all of them alike.
    for (size_t first = 0; first < b.num_cells;) {
        size_t end = first + 1;
        while (end < b.num_cells && same_group(&b.cells[first], &b.cells[end])) {
            end++;
        }
        for (unsigned r = 0; r < b.opt.runs; r++) {
            for (size_t i = first; i < end; i++) {
                run_cell(&b, &b.cells[i]);
            }
        }
        first = end;
    }
    unsigned retries = 0, disturbed = 0;
    for (size_t i = 0; i < b.num_cells; i++) {
        retries += b.cells[i].retries;
        disturbed += b.cells[i].disturbed;
    }
    if (b.opt.json) {
        print_json(&b);
    } else {
        print_table(&b);
    }
    fprintf(info, "runs measured again after a preemption: %u; kept although preempted: %u\n",
            retries, disturbed);
    bool any_error = false;
    for (size_t i = 0; i < b.num_cells; i++) {
        any_error |= b.cells[i].error != NULL && b.cells[i].impl <= IMPL_FLOOR;
    }
    bench_free(&b);
    return any_error ? 1 : 0;
}
