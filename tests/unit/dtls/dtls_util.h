// Helpers of the DTLS tests: two galois endpoints in memory, datagrams shuttled between them by
// the test (which may drop, split, duplicate or rewrite them), the retransmission timer driven
// by real (short) sleeps.
#ifndef GALOIS_TESTS_DTLS_UTIL_H
#define GALOIS_TESTS_DTLS_UTIL_H

#include <galois/dtls.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { DU_MAX_DGRAM = 2048, DU_MAX_STEPS = 400 };

// du_filter sees each datagram on its way (from_client tells the direction, n counts the
// datagrams of that direction from 0) and delivers it, or not, with du_deliver.
struct du_pair;
typedef void (*du_filter)(struct du_pair *p, bool from_client, size_t n, const uint8_t *d,
                          size_t len);

struct du_pair {
    struct galois_dtls_cert *ccert;
    struct galois_dtls_cert *scert;
    struct galois_dtls *client;
    struct galois_dtls *server;
    du_filter filter;  // NULL: deliver everything
    size_t sent[2];    // datagrams seen per direction: [0] client->server, [1] server->client
    size_t dropped;    // by the filter
    int state;         // for filters
};

static inline struct galois_dtls_fingerprint du_fp(const struct galois_dtls_cert *c)
{
    struct galois_dtls_fingerprint fp;
    assert_int_equal(galois_dtls_cert_fingerprint(&fp, c, GALOIS_DTLS_HASH_SHA256), GALOIS_ERR_OK);
    return fp;
}

// du_open makes both endpoints with fresh certificates, each expecting the other's sha-256.
static inline void du_open_with(struct du_pair *p, const struct galois_dtls_policy *cp,
                                const struct galois_dtls_policy *sp,
                                const struct galois_dtls_fingerprint *c_expects,
                                const struct galois_dtls_fingerprint *s_expects)
{
    char why[GALOIS_DTLS_MAX_WHY_LEN];
    galois_err err = galois_dtls_new(&p->client, GALOIS_DTLS_CLIENT, cp, p->ccert, c_expects, 1,
                                     why, sizeof(why));
    if (err != GALOIS_ERR_OK) {
        fail_msg("client: %s: %s", galois_err_name(err), why);
    }
    err = galois_dtls_new(&p->server, GALOIS_DTLS_SERVER, sp, p->scert, s_expects, 1, why,
                          sizeof(why));
    if (err != GALOIS_ERR_OK) {
        fail_msg("server: %s: %s", galois_err_name(err), why);
    }
}

static inline void du_certs(struct du_pair *p)
{
    memset(p, 0, sizeof(*p));
    assert_int_equal(galois_dtls_cert_generate(&p->ccert, 7), GALOIS_ERR_OK);
    assert_int_equal(galois_dtls_cert_generate(&p->scert, 7), GALOIS_ERR_OK);
}

static inline void du_open(struct du_pair *p, const struct galois_dtls_policy *cp,
                           const struct galois_dtls_policy *sp)
{
    du_certs(p);
    struct galois_dtls_fingerprint cfp = du_fp(p->ccert);
    struct galois_dtls_fingerprint sfp = du_fp(p->scert);
    du_open_with(p, cp, sp, &sfp, &cfp);
}

static inline void du_close(struct du_pair *p)
{
    galois_dtls_free(p->client);
    galois_dtls_free(p->server);
    galois_dtls_cert_free(p->ccert);
    galois_dtls_cert_free(p->scert);
    memset(p, 0, sizeof(*p));
}

// du_deliver hands `d` to the other side of `from_client`; the result is not checked here.
static inline galois_err du_deliver(struct du_pair *p, bool from_client, const uint8_t *d,
                                    size_t len)
{
    struct galois_dtls *to = from_client ? p->server : p->client;
    if (galois_dtls_state(to) == GALOIS_DTLS_FAILED) {
        return GALOIS_ERR_STATE;
    }
    return galois_dtls_input(to, d, len);
}

// du_flush moves every datagram waiting at `from` through the filter; true if any moved.
static inline bool du_flush(struct du_pair *p, bool from_client)
{
    struct galois_dtls *from = from_client ? p->client : p->server;
    uint8_t buf[DU_MAX_DGRAM];
    size_t len = 0;
    bool moved = false;
    for (;;) {
        assert_int_equal(galois_dtls_output(from, buf, &len, sizeof(buf)), GALOIS_ERR_OK);
        if (len == 0) {
            return moved;
        }
        assert_true(len <= GALOIS_DTLS_DEFAULT_MTU);
        moved = true;
        size_t n = p->sent[from_client ? 0 : 1]++;
        if (p->filter != NULL) {
            p->filter(p, from_client, n, buf, len);
        } else {
            (void)du_deliver(p, from_client, buf, len);
        }
    }
}

static inline bool du_settled(const struct galois_dtls *d)
{
    return galois_dtls_state(d) != GALOIS_DTLS_HANDSHAKING;
}

static inline void du_sleep_ms(int64_t ms)
{
    struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

// du_timers waits for the earlier of the two retransmission timers and fires both.
static inline void du_timers(struct du_pair *p)
{
    int64_t tc = galois_dtls_timeout_ms(p->client);
    int64_t ts = galois_dtls_timeout_ms(p->server);
    int64_t t = tc < 0 ? ts : (ts < 0 ? tc : (tc < ts ? tc : ts));
    if (t < 0) {
        return;
    }
    du_sleep_ms(t + 1);
    galois_err err = GALOIS_ERR_OK;
    if (galois_dtls_state(p->client) != GALOIS_DTLS_FAILED) {
        err = galois_dtls_on_timeout(p->client);
    }
    if (galois_dtls_state(p->server) != GALOIS_DTLS_FAILED) {
        err = galois_dtls_on_timeout(p->server);
    }
    (void)err;  // a failure shows in the state
}

// du_run shuttles datagrams until both sides settled and nothing is in flight, firing timers
// when nothing moves.
static inline void du_run(struct du_pair *p)
{
    for (int i = 0; i < DU_MAX_STEPS; i++) {
        bool moved = du_flush(p, true);
        moved = du_flush(p, false) || moved;
        if (moved) {
            continue;
        }
        if (du_settled(p->client) && du_settled(p->server)) {
            return;
        }
        du_timers(p);
    }
    fail_msg("handshake did not settle: client %s, server %s",
             galois_dtls_state_name(galois_dtls_state(p->client)),
             galois_dtls_state_name(galois_dtls_state(p->server)));
}

static inline void du_contains(const char *hay, const char *needle)
{
    if (strstr(hay, needle) == NULL) {
        fail_msg("\"%s\" does not contain \"%s\"", hay, needle);
    }
}

static inline void du_policy(struct galois_dtls_policy *p, const char *profiles)
{
    galois_dtls_policy_default(p);
    p->initial_timeout_ms = 20;  // the dropped-datagram tests wait for real timers
    if (profiles != NULL) {
        char why[GALOIS_DTLS_MAX_WHY_LEN];
        galois_err err = galois_dtls_policy_set(p, "profiles", profiles, why, sizeof(why));
        if (err != GALOIS_ERR_OK) {
            fail_msg("profiles %s: %s", profiles, why);
        }
    }
}

#endif  // GALOIS_TESTS_DTLS_UTIL_H
