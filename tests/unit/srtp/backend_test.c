// The crypto backend of a session (policy.backend): what galois_srtp_backend_status reports,
// which backend each request gets for every suite, that OpenSSL and libgcrypt protect random
// packets of every AES-GCM suite, and OpenSSL and Nettle those of every HMAC-SHA1 suite, into
// the same bytes (in place and separately, SRTP and SRTCP, plain, cryptex and RFC 6904 headers)
// and unprotect each other's, that a failed tag wipes the output on every backend, and that the
// libgcrypt and Nettle verdicts are each made once however many threads ask. DEFAULT puts
// HMAC-SHA1 on Nettle only where Nettle's SHA-1 runs on SHA-NI (src/crypto/cpu.c): the status
// and selection tests run with that answer forced both ways (galois_crypto_set_sha_ni) and as
// the CPU gives it.
//
// The same program runs in several ctest modes (GALOIS_TEST_BACKEND_MODE, tests/CMakeLists.txt):
// "" (libgcrypt usable when built), "kat-fail" (a corrupted known-answer test is installed
// first, so libgcrypt must be refused and DEFAULT fall back to OpenSSL), "fips" (libgcrypt forced
// into FIPS mode by its LIBGCRYPT_FORCE_FIPS_MODE variable: refused likewise) and "app-init"
// (the program initialises libgcrypt itself first, as a host application would); and, in a build
// with Nettle, "nettle-kat-fail" (a corrupted HMAC-SHA1 known-answer test is installed first, so
// Nettle must be refused and DEFAULT fall back to OpenSSL for the HMAC-SHA1 suites).
#include <pthread.h>

#include "crypto/internal.h"
#include "session_util.h"
#if GALOIS_TEST_HAVE_LIBGCRYPT
#include <gcrypt.h>
#endif

static const char *g_mode = "";

static bool mode_is(const char *m)
{
    return strcmp(g_mode, m) == 0;
}

// gcry_expected tells whether libgcrypt must serve in this build and mode, and `why` what its
// status line must contain.
static bool gcry_expected(const char **why)
{
    if (!GALOIS_TEST_HAVE_LIBGCRYPT) {
        *why = "not built";
        return false;
    }
    if (mode_is("kat-fail")) {
        *why = "failed the known-answer test corrupted RFC 7714 16.1.1 (seal)";
        return false;
    }
    if (mode_is("fips")) {
        *why = "FIPS mode";
        return false;
    }
    *why = "AES-GCM known-answer tests passed";
    return true;
}

// nettle_expected is gcry_expected for Nettle.
static bool nettle_expected(const char **why)
{
    if (!GALOIS_TEST_HAVE_NETTLE) {
        *why = "not built";
        return false;
    }
    if (mode_is("nettle-kat-fail")) {
        *why = "failed the known-answer test corrupted RFC 2202 case 1 (wrong MAC)";
        return false;
    }
    *why = "HMAC-SHA1 known-answer tests passed";
    return true;
}

static void expect_contains(const char *text, const char *part, const char *what)
{
    if (strstr(text, part) == NULL) {
        fail_msg("%s: \"%s\" does not contain \"%s\"", what, text, part);
    }
}

// status_with checks every status line with galois_crypto_sha_ni answering `sha_ni`, whose
// reason is `sha_ni_why`.
static void status_with(bool sha_ni, const char *sha_ni_why)
{
    const char *gcry_why = NULL;
    bool gcry = gcry_expected(&gcry_why);
    const char *nettle_why = NULL;
    bool nettle = nettle_expected(&nettle_why);
    char why[1024];
    assert_int_equal(galois_srtp_backend_status(GALOIS_SRTP_BACKEND_OPENSSL, why, sizeof(why)),
                     GALOIS_ERR_OK);
    expect_contains(why, "OpenSSL 3", "OPENSSL");
    expect_err(galois_srtp_backend_status(GALOIS_SRTP_BACKEND_LIBGCRYPT, why, sizeof(why)),
               gcry ? GALOIS_ERR_OK : GALOIS_ERR_UNSUPPORTED, "LIBGCRYPT status");
    expect_contains(why, gcry_why, "LIBGCRYPT");
    expect_err(galois_srtp_backend_status(GALOIS_SRTP_BACKEND_NETTLE, why, sizeof(why)),
               nettle ? GALOIS_ERR_OK : GALOIS_ERR_UNSUPPORTED, "NETTLE status");
    expect_contains(why, nettle_why, "NETTLE");
    assert_int_equal(galois_srtp_backend_status(GALOIS_SRTP_BACKEND_DEFAULT, why, sizeof(why)),
                     GALOIS_ERR_OK);
    expect_contains(why, gcry ? "AES-GCM suites on libgcrypt" : "libgcrypt not used", "DEFAULT");
    bool nettle_used = nettle && sha_ni;
    expect_contains(why,
                    nettle_used ? "HMAC-SHA1 on Nettle"
                    : nettle    ? "Nettle not used by default: "
                                : "Nettle not used: ",
                    "DEFAULT");
    if (nettle_used && strstr(why, "Nettle not used") != NULL) {
        fail_msg("DEFAULT: \"%s\" says Nettle is used and not used", why);
    }
    if (!nettle_used && strstr(why, "HMAC-SHA1 on Nettle") != NULL) {
        fail_msg("DEFAULT: \"%s\" says HMAC-SHA1 is on Nettle without SHA-NI", why);
    }
    if (nettle) {
        // Used or not, the line says why, by the CPU's answer.
        expect_contains(why, sha_ni_why, "DEFAULT");
    }
    expect_contains(why, gcry || nettle_used ? "the rest on OpenSSL" : "every suite on OpenSSL",
                    "DEFAULT");
    expect_contains(why, gcry_why, "DEFAULT");
    expect_contains(why, nettle_why, "DEFAULT");
    // The NETTLE value itself does not depend on the CPU: only DEFAULT's choice does.
    expect_err(galois_srtp_backend_status(GALOIS_SRTP_BACKEND_NETTLE, why, sizeof(why)),
               nettle ? GALOIS_ERR_OK : GALOIS_ERR_UNSUPPORTED, "NETTLE status, SHA-NI %d", sha_ni);
    // Unknown values; no buffer; a short buffer is cut and terminated.
    assert_int_equal(galois_srtp_backend_status((enum galois_srtp_backend)7, why, sizeof(why)),
                     GALOIS_ERR_INVALID);
    assert_int_equal(galois_srtp_backend_status(GALOIS_SRTP_BACKEND_OPENSSL, NULL, 0),
                     GALOIS_ERR_OK);
    memset(why, 'x', sizeof(why));
    assert_int_equal(galois_srtp_backend_status(GALOIS_SRTP_BACKEND_OPENSSL, why, 5),
                     GALOIS_ERR_OK);
    assert_string_equal(why, "Open");
}

static void test_status(void **state)
{
    (void)state;
    char real_why[160];
    bool real = galois_crypto_sha_ni(real_why, sizeof(real_why));
    galois_crypto_set_sha_ni(1);
    status_with(true, "SHA-NI present (set by a test)");
    galois_crypto_set_sha_ni(0);
    status_with(false, "SHA-NI absent (set by a test)");
    galois_crypto_set_sha_ni(-1);
    status_with(real, real_why);
}

// Every suite and every request: which backend the session gets, or what galois_srtp_new says,
// with galois_crypto_sha_ni answering `sha_ni`.
static void selection_with(bool sha_ni)
{
    const char *gcry_why = NULL;
    bool gcry = gcry_expected(&gcry_why);
    const char *nettle_why = NULL;
    bool nettle = nettle_expected(&nettle_why);
    struct galois_srtp_master_key key;
    make_key(&key, 1);
    for (size_t i = 0; i < NUM_SUITES; i++) {
        const struct suite_row *row = &suite_rows[i];
        struct galois_srtp_policy p = base_policy(row->suite, &key, 1);
        struct {
            enum galois_srtp_backend asked;
            galois_err err;
            enum galois_srtp_backend used;
        } cases[] = {
            {GALOIS_SRTP_BACKEND_DEFAULT, GALOIS_ERR_OK,
             row->aead && gcry                ? GALOIS_SRTP_BACKEND_LIBGCRYPT
             : !row->aead && nettle && sha_ni ? GALOIS_SRTP_BACKEND_NETTLE
                                              : GALOIS_SRTP_BACKEND_OPENSSL},
            {GALOIS_SRTP_BACKEND_OPENSSL, GALOIS_ERR_OK, GALOIS_SRTP_BACKEND_OPENSSL},
            {GALOIS_SRTP_BACKEND_LIBGCRYPT,
             row->aead && gcry ? GALOIS_ERR_OK : GALOIS_ERR_UNSUPPORTED,
             GALOIS_SRTP_BACKEND_LIBGCRYPT},
            {GALOIS_SRTP_BACKEND_NETTLE,
             !row->aead && nettle ? GALOIS_ERR_OK : GALOIS_ERR_UNSUPPORTED,
             GALOIS_SRTP_BACKEND_NETTLE},
            {(enum galois_srtp_backend)4, GALOIS_ERR_INVALID, GALOIS_SRTP_BACKEND_DEFAULT},
        };
        for (size_t c = 0; c < GALOIS_ARRAY_LEN(cases); c++) {
            for (int dir = GALOIS_SRTP_SEND; dir <= GALOIS_SRTP_RECEIVE; dir++) {
                p.backend = cases[c].asked;
                p.direction = (enum galois_srtp_direction)dir;
                struct galois_srtp *s = (struct galois_srtp *)(uintptr_t)1;
                expect_err(galois_srtp_new(&s, &p), cases[c].err,
                           "%s, backend %d, direction %d, SHA-NI %d", suite_label(row),
                           (int)cases[c].asked, dir, sha_ni);
                if (cases[c].err != GALOIS_ERR_OK) {
                    assert_null(s);
                    continue;
                }
                if (galois_srtp_backend_used(s) != cases[c].used) {
                    fail_msg("%s, backend %d, SHA-NI %d: used %d, expected %d", suite_label(row),
                             (int)cases[c].asked, sha_ni, (int)galois_srtp_backend_used(s),
                             (int)cases[c].used);
                }
                galois_srtp_free(s);
            }
        }
    }
}

static void test_selection(void **state)
{
    (void)state;
    galois_crypto_set_sha_ni(1);
    selection_with(true);
    galois_crypto_set_sha_ni(0);
    selection_with(false);
    galois_crypto_set_sha_ni(-1);
    selection_with(galois_crypto_sha_ni(NULL, 0));
}

// A DEFAULT session made without SHA-NI keeps OpenSSL for its life: the answer is read when the
// session is made, not per packet. Its packets are the Nettle session's bytes, and each
// unprotects the other's.
static void test_no_sha_ni_session(void **state)
{
    (void)state;
    const char *why = NULL;
    if (!nettle_expected(&why)) {
        skip();
    }
    struct galois_srtp_master_key key;
    make_key(&key, 9);
    struct galois_srtp_policy p = base_policy(GALOIS_SRTP_AES_CM_128_HMAC_SHA1_80, &key, 1);
    galois_crypto_set_sha_ni(0);
    struct pair slow = pair_new(&p);
    galois_crypto_set_sha_ni(1);
    struct pair fast = pair_new(&p);
    galois_crypto_set_sha_ni(-1);
    assert_int_equal(galois_srtp_backend_used(slow.tx), GALOIS_SRTP_BACKEND_OPENSSL);
    assert_int_equal(galois_srtp_backend_used(slow.rx), GALOIS_SRTP_BACKEND_OPENSSL);
    assert_int_equal(galois_srtp_backend_used(fast.tx), GALOIS_SRTP_BACKEND_NETTLE);
    assert_int_equal(galois_srtp_backend_used(fast.rx), GALOIS_SRTP_BACKEND_NETTLE);
    struct test_rng rng = {0x5ba0};
    for (uint16_t seq = 1; seq <= 20; seq++) {
        uint8_t plain[PKT_MAX], a[PKT_MAX], b[PKT_MAX];
        size_t plain_len = build_rtp_rng(plain, seq, 0x5eed0003, 160, &rng);
        size_t a_len = protect_ok(slow.tx, false, a, plain, plain_len, "without SHA-NI");
        size_t b_len = protect_ok(fast.tx, false, b, plain, plain_len, "with SHA-NI");
        vf_expect_bytes("OpenSSL and Nettle packets", a, a_len, b, b_len);
        unprotect_expect(slow.rx, false, b, b_len, plain, plain_len, "OpenSSL opens Nettle's");
        unprotect_expect(fast.rx, false, a, a_len, plain, plain_len, "Nettle opens OpenSSL's");
    }
    assert_int_equal(galois_srtp_backend_used(slow.tx), GALOIS_SRTP_BACKEND_OPENSSL);
    pair_free(&slow);
    pair_free(&fast);
}

// ---- the two backends agree on whole packets --------------------------------------------------

enum { HDR_PLAIN, HDR_CRYPTEX, HDR_RFC6904, NUM_HDR };
enum { AGREE_PACKETS = 160, AGREE_MAX_PAYLOAD = 1200 };

// build_packet writes an RTP packet with 0..2 CSRCs and, sometimes (always for cryptex), a
// one-byte header extension of 1..3 elements (IDs 1..14, 3 data bytes each), then a payload.
static size_t build_packet(uint8_t *buf, uint16_t seq, bool ext, struct test_rng *rng)
{
    size_t csrcs = test_rng_below(rng, 3);
    size_t len = build_rtp(buf, seq, seq * 160u, 0x5eed0001, NULL, 0);
    buf[0] = (uint8_t)(0x80 | csrcs | (ext ? 0x10 : 0));
    test_rng_fill(rng, buf + len, 4 * csrcs);
    len += 4 * csrcs;
    if (ext) {
        size_t words = 1 + test_rng_below(rng, 3);
        galois_put_u16(buf + len, 0xbede);
        galois_put_u16(buf + len + 2, (uint16_t)words);
        len += 4;
        for (size_t w = 0; w < words; w++, len += 4) {
            buf[len] = (uint8_t)((1 + test_rng_below(rng, 14)) << 4 | 2);  // ID, 3 bytes
            test_rng_fill(rng, buf + len + 1, 3);
        }
    }
    size_t payload = test_rng_below(rng, AGREE_MAX_PAYLOAD + 1);
    test_rng_fill(rng, buf + len, payload);
    return len + payload;
}

// agree_session makes the policy of header mode `hdr` on `backend`.
static struct galois_srtp *agree_session(enum galois_srtp_suite suite,
                                         const struct galois_srtp_master_key *key, int hdr,
                                         enum galois_srtp_backend backend,
                                         enum galois_srtp_direction dir)
{
    struct galois_srtp_policy p = base_policy(suite, key, 1);
    p.backend = backend;
    p.cryptex = hdr == HDR_CRYPTEX ? GALOIS_SRTP_CRYPTEX_ON : GALOIS_SRTP_CRYPTEX_OFF;
    for (unsigned id = 1; hdr == HDR_RFC6904 && id <= 14; id += 2) {
        assert_int_equal(galois_srtp_policy_encrypt_ext(&p, id), GALOIS_ERR_OK);
    }
    return session_new(&p, dir);
}

// agree_one protects `plain` with four senders (OpenSSL and the other backend, each in place and
// into a separate buffer), checks the four packets are the same bytes, then has each backend's
// receiver unprotect the other's packet, in place on even packets and separately on odd ones.
static void agree_one(struct galois_srtp *tx[4], struct galois_srtp *rx[2], bool rtcp,
                      const uint8_t *plain, size_t plain_len, size_t n, const char *what)
{
    uint8_t pkt[4][PKT_MAX];
    size_t len[4];
    for (size_t t = 0; t < 4; t++) {
        if (t % 2 == 0) {
            memcpy(pkt[t], plain, plain_len);
            len[t] = protect_ok(tx[t], rtcp, pkt[t], pkt[t], plain_len, what);
        } else {
            len[t] = protect_ok(tx[t], rtcp, pkt[t], plain, plain_len, what);
        }
        vf_expect_bytes(what, pkt[t], len[t], pkt[0], len[0]);
    }
    for (size_t r = 0; r < 2; r++) {
        const uint8_t *theirs = pkt[r == 0 ? 2 : 0];  // the other's for OpenSSL, and back
        uint8_t out[PKT_MAX];
        size_t out_len = 0;
        if (n % 2 == 0) {
            memcpy(out, theirs, len[0]);
            expect_err(unprotect(rx[r], rtcp, out, &out_len, sizeof(out), out, len[0]),
                       GALOIS_ERR_OK, "%s: receiver %zu, in place", what, r);
        } else {
            expect_err(unprotect(rx[r], rtcp, out, &out_len, sizeof(out), theirs, len[0]),
                       GALOIS_ERR_OK, "%s: receiver %zu, separate", what, r);
        }
        vf_expect_bytes(what, out, out_len, plain, plain_len);
    }
}

// agree_suite runs agree_one on random packets of `row` between OpenSSL and `other`.
static void agree_suite(const struct suite_row *row, enum galois_srtp_backend other, int hdr,
                        struct test_rng *rng)
{
    const enum galois_srtp_backend order[2] = {GALOIS_SRTP_BACKEND_OPENSSL, other};
    struct galois_srtp_master_key key;
    make_key(&key, (uint8_t)((unsigned)row->suite + 16u * (unsigned)hdr));
    struct galois_srtp *tx[4];
    struct galois_srtp *rx[2];
    for (size_t t = 0; t < 4; t++) {
        tx[t] = agree_session(row->suite, &key, hdr, order[t / 2], GALOIS_SRTP_SEND);
    }
    for (size_t r = 0; r < 2; r++) {
        rx[r] = agree_session(row->suite, &key, hdr, order[r], GALOIS_SRTP_RECEIVE);
        assert_int_equal(galois_srtp_backend_used(rx[r]), order[r]);
    }
    uint8_t plain[PKT_MAX];
    for (size_t n = 0; n < AGREE_PACKETS; n++) {
        char what[128];
        uint16_t seq = (uint16_t)(65500u + n);  // the ROC moves to 1 on the way
        bool ext = hdr == HDR_CRYPTEX || test_rng_below(rng, 2) == 0;
        size_t len = build_packet(plain, seq, ext, rng);
        snprintf(what, sizeof(what), "%s, header mode %d, packet %zu (%zu bytes)", suite_label(row),
                 hdr, n, len);
        agree_one(tx, rx, false, plain, len, n, what);
        if (n % 4 == 0) {
            len = build_rtcp(plain, 0x5eed0001, test_rng_below(rng, 300), rng);
            snprintf(what, sizeof(what), "%s, header mode %d, SRTCP %zu (%zu bytes)",
                     suite_label(row), hdr, n, len);
            agree_one(tx, rx, true, plain, len, n / 4, what);
        }
    }
    for (size_t t = 0; t < 4; t++) {
        galois_srtp_free(tx[t]);
    }
    galois_srtp_free(rx[0]);
    galois_srtp_free(rx[1]);
}

static void test_backends_agree(void **state)
{
    (void)state;
    const char *why = NULL;
    bool gcry = gcry_expected(&why);
    bool nettle = nettle_expected(&why);
    if (!gcry && !nettle) {
        skip();
    }
    struct test_rng rng = {0x61677265650a};
    size_t aead = 0;
    size_t hmac = 0;
    for (size_t i = 0; i < NUM_SUITES; i++) {
        const struct suite_row *row = &suite_rows[i];
        if (row->aead ? !gcry : !nettle) {
            continue;
        }
        for (int hdr = 0; hdr < NUM_HDR; hdr++) {
            if (row->null_cipher && hdr == HDR_CRYPTEX) {
                continue;  // cryptex means encryption: refused with the NULL cipher (RFC 9335 §6)
            }
            agree_suite(row, row->aead ? GALOIS_SRTP_BACKEND_LIBGCRYPT : GALOIS_SRTP_BACKEND_NETTLE,
                        hdr, &rng);
        }
        *(row->aead ? &aead : &hmac) += 1;
    }
    assert_int_equal(aead, gcry ? 4 : 0);    // 128 and 256, 16- and 8-byte tags
    assert_int_equal(hmac, nettle ? 8 : 0);  // AES-CM 128/192/256 and NULL, 80- and 32-bit tags
}

// ---- a failed tag wipes the output, on every backend -----------------------------------------

static void expect_wiped(const uint8_t *out, size_t len, const char *what)
{
    for (size_t i = 0; i < len; i++) {
        if (out[i] != 0) {
            fail_msg("%s: out[%zu] = %02x after a failed unprotect, expected 0", what, i, out[i]);
        }
    }
}

static void tag_failure_on(const struct suite_row *row, enum galois_srtp_backend backend)
{
    struct galois_srtp_master_key key;
    make_key(&key, 7);
    struct galois_srtp_policy p = base_policy(row->suite, &key, 1);
    p.backend = backend;
    struct pair pr = pair_new(&p);
    struct test_rng rng = {row->suite};
    uint8_t plain[PKT_MAX], pkt[PKT_MAX], out[PKT_MAX];
    for (int rtcp = 0; rtcp < 2; rtcp++) {
        size_t plain_len = rtcp ? build_rtcp(plain, 0x5eed0002, 40, &rng)
                                : build_rtp_rng(plain, 1000, 0x5eed0002, 160, &rng);
        size_t len = protect_ok(pr.tx, rtcp, pkt, plain, plain_len, "tag failure");
        // The last tag byte (SRTP) or ciphertext byte (SRTCP), and the first ciphertext byte.
        size_t flips[2] = {rtcp ? plain_len - 1 : len - 1, rtcp ? RTCP_HDR : RTP_HDR};
        for (size_t f = 0; f < 2; f++) {
            char what[96];
            snprintf(what, sizeof(what), "%s, backend %d, %s, byte %zu changed", suite_label(row),
                     (int)backend, rtcp ? "SRTCP" : "SRTP", flips[f]);
            size_t out_len = 0;
            pkt[flips[f]] ^= 0x01;
            memset(out, 0x5a, sizeof(out));
            expect_err(unprotect(pr.rx, rtcp, out, &out_len, sizeof(out), pkt, len),
                       GALOIS_ERR_AUTH, "%s (separate)", what);
            expect_wiped(out, len, what);
            memcpy(out, pkt, len);
            expect_err(unprotect(pr.rx, rtcp, out, &out_len, sizeof(out), out, len),
                       GALOIS_ERR_AUTH, "%s (in place)", what);
            expect_wiped(out, len, what);
            pkt[flips[f]] ^= 0x01;
        }
        unprotect_expect(pr.rx, rtcp, pkt, len, plain, plain_len, "tag failure: then the original");
    }
    pair_free(&pr);
}

static void test_tag_failure_wipes(void **state)
{
    (void)state;
    const char *why = NULL;
    bool gcry = gcry_expected(&why);
    bool nettle = nettle_expected(&why);
    for (size_t i = 0; i < NUM_SUITES; i++) {
        const struct suite_row *row = &suite_rows[i];
        tag_failure_on(row, GALOIS_SRTP_BACKEND_OPENSSL);
        tag_failure_on(row, GALOIS_SRTP_BACKEND_DEFAULT);
        if (row->aead && gcry) {
            tag_failure_on(row, GALOIS_SRTP_BACKEND_LIBGCRYPT);
        }
        if (!row->aead && nettle) {
            tag_failure_on(row, GALOIS_SRTP_BACKEND_NETTLE);
        }
    }
}

// ---- once per process ---------------------------------------------------------------------------

enum { NUM_THREADS = 8 };

struct ask {
    pthread_barrier_t *start;
    galois_err err;
    char why[256];
    galois_err nettle_err;
    char nettle_why[256];
};

static void *ask_status(void *arg)
{
    struct ask *a = arg;
    pthread_barrier_wait(a->start);
    a->err = galois_srtp_backend_status(GALOIS_SRTP_BACKEND_LIBGCRYPT, a->why, sizeof(a->why));
    a->nettle_err = galois_srtp_backend_status(GALOIS_SRTP_BACKEND_NETTLE, a->nettle_why,
                                               sizeof(a->nettle_why));
    return NULL;
}

// Threads that ask at the same moment all get one verdict, made by one run of the checks
// (earlier tests in this process may have made it already: it is still one run).
static void test_once_across_threads(void **state)
{
    (void)state;
    pthread_barrier_t start;
    pthread_t threads[NUM_THREADS];
    struct ask asks[NUM_THREADS];
    assert_int_equal(pthread_barrier_init(&start, NULL, NUM_THREADS), 0);
    for (size_t i = 0; i < NUM_THREADS; i++) {
        asks[i] = (struct ask){.start = &start};
        assert_int_equal(pthread_create(&threads[i], NULL, ask_status, &asks[i]), 0);
    }
    for (size_t i = 0; i < NUM_THREADS; i++) {
        assert_int_equal(pthread_join(threads[i], NULL), 0);
    }
    pthread_barrier_destroy(&start);
    for (size_t i = 1; i < NUM_THREADS; i++) {
        assert_int_equal(asks[i].err, asks[0].err);
        assert_string_equal(asks[i].why, asks[0].why);
        assert_int_equal(asks[i].nettle_err, asks[0].nettle_err);
        assert_string_equal(asks[i].nettle_why, asks[0].nettle_why);
    }
    assert_int_equal(galois_crypto_backend_kat_runs(), 1);
    assert_int_equal(galois_crypto_backend_hmac_kat_runs(), 1);
#if GALOIS_TEST_HAVE_LIBGCRYPT
    // libgcrypt is initialised now: by galois when the application had not, or by it.
    assert_true(gcry_control(GCRYCTL_INITIALIZATION_FINISHED_P) != 0);
#endif
}

// A known-answer test that cannot pass: RFC 7714 16.1.1 with the last tag byte changed.
static const struct galois_gcm_kat corrupted_kat = {
    .name = "corrupted RFC 7714 16.1.1",
    .key = "000102030405060708090a0b0c0d0e0f",
    .iv = "51753c6580c2726f20718414",
    .aad = "8040f17b8041f8d35501a0b2",
    .plaintext = "47616c6c696120657374206f6d6e69732064697669736120696e207061727465732074726573",
    .ciphertext = "f24de3a3fb34de6cacba861c9d7e4bcabe633bd50d294e6f42a5f47a51c7d19b36de3adf8833",
    .tag = "899d7f27beb16a9152cf765ee4390ccf",
};

// An HMAC-SHA1 known-answer test that cannot pass: RFC 2202 case 1 with the last MAC byte
// changed.
static const struct galois_hmac_kat corrupted_hmac_kat = {
    .name = "corrupted RFC 2202 case 1",
    .key = "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b",
    .data = "4869205468657265",
    .mac = "b617318655057264e28bc0b6fb378c8ef146be01",
    .split = 4,
};

int main(void)
{
    const char *mode = getenv("GALOIS_TEST_BACKEND_MODE");
    g_mode = mode != NULL ? mode : "";
    if (mode_is("kat-fail")) {
        galois_crypto_backend_set_kats(&corrupted_kat, 1);
    }
    if (mode_is("nettle-kat-fail")) {
        galois_crypto_backend_set_hmac_kats(&corrupted_hmac_kat, 1);
    }
#if GALOIS_TEST_HAVE_LIBGCRYPT
    if (mode_is("app-init")) {
        // What a host application does before using libgcrypt itself.
        assert_non_null(gcry_check_version(NULL));
        gcry_control(GCRYCTL_INITIALIZATION_FINISHED, 0);
    }
#endif
    printf("backend_test mode \"%s\"\n", g_mode);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_once_across_threads), cmocka_unit_test(test_status),
        cmocka_unit_test(test_selection),           cmocka_unit_test(test_no_sha_ni_session),
        cmocka_unit_test(test_backends_agree),      cmocka_unit_test(test_tag_failure_wipes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
