// The internal interface of `galois bench`: each implementation measured (galois, libsrtp built
// on NSS or on OpenSSL, and the raw OpenSSL EVP floor) is a table of functions that make an
// endpoint and protect or unprotect one packet in place. bench.c drives them all alike.
#ifndef GALOIS_TOOLS_BENCH_IMPL_H
#define GALOIS_TOOLS_BENCH_IMPL_H

#include <galois/srtp.h>

enum {
    BENCH_SSRC = 0x5eedcafe,
    BENCH_FIRST_SEQ = 65000,  // the ROC wraps during every measurement
    BENCH_RTP_HEADER = 12,
    BENCH_RTCP_HEADER = 8,
    BENCH_MAX_PAYLOAD = 1200,
    // room for one packet: header (up to BENCH_EXT_HEADER), payload, SRTCP index, tag, with
    // slack, cache-line aligned
    BENCH_SLOT = 1280,
};

// bench_hdr: the RTP header a row's packets carry and the header protection asked for. The
// three header variants share one packet: a CSRC and a one-byte header extension (RFC 8285)
// with elements ID 1 (1 byte), ID 3 (4 bytes) and ID 5 (2 bytes), padded to a word; a row
// of them is named after its suite with a suffix ("AEAD_AES_128_GCM+cryptex").
enum bench_hdr {
    BENCH_HDR_PLAIN,    // 12-byte header, no CSRC, no extension: the plain rows
    BENCH_HDR_EXT,      // CSRC and extension, no header protection: the baseline of the two below
    BENCH_HDR_CRYPTEX,  // cryptex (RFC 9335): CSRC and extension body encrypted
    BENCH_HDR_RFC6904,  // RFC 6904: the data of elements 1 and 3 encrypted, 5 left clear
    BENCH_HDR_COUNT_
};

enum {
    BENCH_EXT_HEADER = 32,  // BENCH_RTP_HEADER + 4 (CSRC) + 4 (0xBEDE, length) + 12 (elements)
    BENCH_RFC6904_IDS = 2,  // bench_rfc6904_ids
};

// bench_rfc6904_ids: the extension element IDs the +rfc6904 rows encrypt.
extern const unsigned bench_rfc6904_ids[BENCH_RFC6904_IDS];

// bench_hdr_suffix returns the row-name suffix of `hdr`: "", "+ext", "+cryptex", "+rfc6904".
const char *bench_hdr_suffix(enum bench_hdr hdr);

// bench_rtp_header writes the RTP header of variant `hdr` (V=2, PT 111, `seq`, SSRC
// BENCH_SSRC) at `p` and returns its length: BENCH_RTP_HEADER or BENCH_EXT_HEADER.
size_t bench_rtp_header(uint8_t *p, enum bench_hdr hdr, uint16_t seq);

// bench_hdr_check tells whether `prot`, a protected packet of variant `hdr`, shows the header
// protection asked for against its plaintext `plain`: header untouched (plain, +ext); CSRC
// and extension body encrypted under profile 0xC0DE (+cryptex); only the data of the
// bench_rfc6904_ids elements changed (+rfc6904). On false, `why` says what is wrong.
bool bench_hdr_check(enum bench_hdr hdr, const uint8_t *plain, const uint8_t *prot, char *why,
                     size_t why_len);

// bench_row_selected tells whether the row impl:suite:op:payload is asked for by `only`,
// comma-separated IMPL:SUITE:OP[:PAYLOAD] patterns whose fields are matched with fnmatch(3)
// ('*' for anything; missing trailing fields match anything). NULL selects every row.
bool bench_row_selected(const char *only, const char *impl, const char *suite, const char *op,
                        size_t payload);

// bench_master is the master key and salt every implementation is given for a suite.
struct bench_master {
    uint8_t key[GALOIS_SRTP_MAX_KEY_LEN];
    uint8_t salt[GALOIS_SRTP_MAX_SALT_LEN];
};

struct bench_impl;

// bench_ops: what an implementation provides. `supports` tells whether it can run rows of
// header variant `hdr` at all, and if not says why in `why` (the rows are then skipped with
// that note); NULL means every variant. `open` makes a sender (`send`) or a receiver serving
// BENCH_SSRC for `suite` with the header protection of `hdr` and returns an opaque endpoint,
// or NULL with a one-line reason in `why` (unsupported suite, library missing).
// protect/unprotect work in place on `pkt` (room for BENCH_SLOT bytes), update `*len`, and
// return 0 on success. `rtcp` selects SRTCP. A sender's first SRTCP index is 1, as libsrtp's
// is, so that every implementation protects a given packet into the same bytes.
struct bench_ops {
    bool (*supports)(const struct bench_impl *impl, enum bench_hdr hdr, char *why, size_t why_len);
    void *(*open)(const struct bench_impl *impl, enum galois_srtp_suite suite, enum bench_hdr hdr,
                  const struct bench_master *key, bool send, char *why, size_t why_len);
    int (*protect)(void *ep, uint8_t *pkt, size_t *len, bool rtcp);
    int (*unprotect)(void *ep, uint8_t *pkt, size_t *len, bool rtcp);
    void (*close)(void *ep);
};

struct bench_impl {
    // "galois", "galois-openssl", "evp-floor", "libsrtp2-nss", "libsrtp2-openssl"
    const char *name;
    const struct bench_ops *ops;
    void *state;       // implementation-wide state (a dlopen'ed library), or NULL
    const char *note;  // why the implementation is unavailable, or NULL when it is
};

// The implementations. bench_libsrtp_load fills `impl` for the libsrtp2 shared library at
// `path`, loaded with dlopen(RTLD_LOCAL); on failure impl->note says why.
extern const struct bench_ops bench_galois_ops;
// bench_galois_openssl is the state of the "galois-openssl" implementation: galois's sessions
// with policy.backend = GALOIS_SRTP_BACKEND_OPENSSL ("galois" has none: the default backend).
extern enum galois_srtp_backend bench_galois_openssl;
extern const struct bench_ops bench_evp_ops;
void bench_libsrtp_load(struct bench_impl *impl, const char *name, const char *path);
void bench_libsrtp_unload(struct bench_impl *impl);
const char *bench_libsrtp_version(const struct bench_impl *impl);
// bench_libsrtp_openssl_path returns where the libsrtp2 that scripts/build-libsrtp-openssl.sh
// builds should be: $GALOIS_LIBSRTP_OPENSSL, else libsrtp-openssl/libsrtp2.so.1 beside the
// running binary or in ../build/ from it (written into `buf`).
const char *bench_libsrtp_openssl_path(char *buf, size_t len);

// bench_evp_variants measures the ways of doing the floor's HMAC-SHA1, AES-CTR and AES-GCM
// work on OpenSSL EVP against each other and prints the table docs/BENCH.md discusses.
int bench_evp_variants(unsigned runs, unsigned packets, bool json);

// bench_now_ns reads the monotonic clock.
uint64_t bench_now_ns(void);

// bench_median sorts the `n` values at `v` and returns their median.
double bench_median(double *v, size_t n);

// Under valgrind --tool=callgrind --collect-atstart=no, bench_cg_collect switches the counting
// on around the measured calls only, and bench_cg_dump writes the counts so far as a dump
// named `name`, then zeroes them. Outside valgrind both do nothing.
void bench_cg_collect(bool on);
void bench_cg_dump(const char *name);

// bench_put16/bench_put32 write big-endian integers; bench_get16/32 read them.
void bench_put16(uint8_t *p, uint32_t v);
void bench_put32(uint8_t *p, uint32_t v);
uint32_t bench_get16(const uint8_t *p);
uint32_t bench_get32(const uint8_t *p);

#endif  // GALOIS_TOOLS_BENCH_IMPL_H
