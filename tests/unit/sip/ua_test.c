// Two galois SIP agents in one process, talking over loopback inside a network namespace of
// the test's own (it unshares one at start; it needs root, as CI has): calls over TLS, TCP and
// UDP, the SDES rules of each transport, 488 with a Warning, CANCEL, OPTIONS, a certificate
// that fails verification, and that the two sides' negotiated keys are each other's.
#define _GNU_SOURCE
#include <errno.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
// cmocka.h needs the headers above.
#include <cmocka.h>
#include <galois/galois.h>

enum {
    MAX_EVENTS = 32,
    PEM_MAX = 8192,
    WAIT_MS = 8000,
};

struct side {
    const char *name;
    struct galois_sip_ua *ua;
    enum galois_sip_event_kind kinds[MAX_EVENTS];
    int statuses[MAX_EVENTS];
    char reasons[MAX_EVENTS][512];
    size_t num_events;
    struct galois_sip_call *call;  // the call this side knows
    bool answer_incoming;          // answer INCOMING at once
    struct galois_sip_media_local media;
    char options_text[4096];
};

static char cert_pem[PEM_MAX];
static char key_pem[PEM_MAX];
static char other_cert_pem[PEM_MAX];
static char other_key_pem[PEM_MAX];
static uint16_t next_port = 15060;

static void on_event(void *arg, const struct galois_sip_event *ev)
{
    struct side *s = arg;
    if (s->num_events < MAX_EVENTS) {
        s->kinds[s->num_events] = ev->kind;
        s->statuses[s->num_events] = ev->status;
        snprintf(s->reasons[s->num_events], sizeof(s->reasons[0]), "%s", ev->reason);
        s->num_events++;
    }
    if (ev->kind == GALOIS_SIP_EV_INCOMING) {
        s->call = ev->call;
        if (s->answer_incoming) {
            assert_int_equal(galois_sip_call_answer(ev->call, &s->media), GALOIS_ERR_OK);
        }
    }
    if (ev->kind == GALOIS_SIP_EV_ENDED && ev->call != s->call) {
        galois_sip_call_release(ev->call);  // refused before the test saw it
    }
    if (ev->kind == GALOIS_SIP_EV_OPTIONS_RESPONSE && ev->text != NULL) {
        snprintf(s->options_text, sizeof(s->options_text), "%s", ev->text);
    }
}

// find returns the index of the first event of `kind`, or -1.
static int find(const struct side *s, enum galois_sip_event_kind kind)
{
    for (size_t i = 0; i < s->num_events; i++) {
        if (s->kinds[i] == kind) {
            return (int)i;
        }
    }
    return -1;
}

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

// run drives both agents until `done` says so (true) or WAIT_MS pass (false).
static bool run(struct side *a, struct side *b, bool (*done)(struct side *, struct side *))
{
    uint64_t end = now_ms() + WAIT_MS;
    while (now_ms() < end) {
        if (done(a, b)) {
            return true;
        }
        struct pollfd fds[64];
        size_t na = galois_sip_ua_pollfds(a->ua, fds, 32);
        size_t nb = galois_sip_ua_pollfds(b->ua, fds + na, 32);
        (void)poll(fds, na + nb, 20);
        galois_sip_ua_process(a->ua, fds, na);
        galois_sip_ua_process(b->ua, fds + na, nb);
    }
    return done(a, b);
}

static bool both_ended(struct side *a, struct side *b)
{
    return find(a, GALOIS_SIP_EV_ENDED) >= 0 && find(b, GALOIS_SIP_EV_ENDED) >= 0;
}

static bool both_established(struct side *a, struct side *b)
{
    return find(a, GALOIS_SIP_EV_ESTABLISHED) >= 0 && find(b, GALOIS_SIP_EV_ESTABLISHED) >= 0;
}

static bool caller_ended(struct side *a, struct side *b)
{
    (void)b;
    return find(a, GALOIS_SIP_EV_ENDED) >= 0;
}

static bool got_incoming(struct side *a, struct side *b)
{
    (void)a;
    return find(b, GALOIS_SIP_EV_INCOMING) >= 0;
}

static bool got_progress(struct side *a, struct side *b)
{
    (void)b;
    return find(a, GALOIS_SIP_EV_PROGRESS) >= 0;
}

static bool got_options(struct side *a, struct side *b)
{
    (void)b;
    return find(a, GALOIS_SIP_EV_OPTIONS_RESPONSE) >= 0;
}

static void set_policy(struct galois_sdes_policy *p, const char *text)
{
    assert_int_equal(galois_sdes_policy_parse(p, NULL, text, strlen(text)), GALOIS_ERR_OK);
}

// make_pair sets up a caller `a` and an answerer `b` listening on `transport`.
static void make_pair(struct side *a, struct side *b, const char *transport, const char *out_policy,
                      const char *in_policy, bool caller_trusts)
{
    memset(a, 0, sizeof(*a));
    memset(b, 0, sizeof(*b));
    a->name = "caller";
    b->name = "answerer";
    b->answer_incoming = true;
    uint16_t port = next_port++;
    char why[512] = "";

    struct galois_sip_config cb;
    galois_sip_config_default(&cb);
    snprintf(cb.user, sizeof(cb.user), "bob");
    snprintf(cb.listen, sizeof(cb.listen), "%s:127.0.0.1:%u", transport, (unsigned)port);
    cb.tls.cert_pem = cert_pem;
    cb.tls.key_pem = key_pem;
    cb.tls.verify = false;
    set_policy(&cb.srtp_in, in_policy);
    cb.on_event = on_event;
    cb.event_arg = b;
    galois_err err = galois_sip_ua_new(&b->ua, &cb, why, sizeof(why));
    if (err != GALOIS_ERR_OK) {
        fail_msg("answerer: %s", why);
    }

    struct galois_sip_config ca;
    galois_sip_config_default(&ca);
    snprintf(ca.user, sizeof(ca.user), "alice");
    snprintf(ca.via, sizeof(ca.via), "%s:127.0.0.1:%u", transport, (unsigned)port);
    ca.tls.ca_pem = caller_trusts ? cert_pem : other_cert_pem;
    set_policy(&ca.srtp_out, out_policy);
    ca.on_event = on_event;
    ca.event_arg = a;
    ca.allow_sdes_without_tls = strcmp(transport, "tls") != 0;
    err = galois_sip_ua_new(&a->ua, &ca, why, sizeof(why));
    if (err != GALOIS_ERR_OK) {
        fail_msg("caller: %s", why);
    }
    snprintf(a->media.address, sizeof(a->media.address), "127.0.0.1");
    a->media.rtp_port = 40000;
    snprintf(b->media.address, sizeof(b->media.address), "127.0.0.1");
    b->media.rtp_port = 42000;
    b->media.rtcp_mux = true;
}

static void free_pair(struct side *a, struct side *b)
{
    galois_sip_call_release(a->call);
    galois_sip_call_release(b->call);
    galois_sip_ua_free(a->ua);
    galois_sip_ua_free(b->ua);
}

static void place(struct side *a, const char *uri)
{
    char why[512] = "";
    galois_err err = galois_sip_call_new(a->ua, &a->call, uri, &a->media, why, sizeof(why));
    if (err != GALOIS_ERR_OK) {
        fail_msg("call_new: %s (%s)", galois_err_str(err), why);
    }
}

static void expect_keys_cross(const struct galois_sdes_keyset *send,
                              const struct galois_sdes_keyset *receive)
{
    assert_int_equal(send->suite, receive->suite);
    assert_int_equal(send->num_keys, receive->num_keys);
    assert_true(send->num_keys >= 1);
    assert_memory_equal(send->keys[0].key, receive->keys[0].key, sizeof(send->keys[0].key));
    assert_memory_equal(send->keys[0].salt, receive->keys[0].salt, sizeof(send->keys[0].salt));
}

static void test_tls_call_keys_and_media(void **state)
{
    (void)state;
    struct side a;
    struct side b;
    make_pair(&a, &b, "tls", "mandatory:AEAD_AES_256_GCM:AES_CM_128_HMAC_SHA1_80",
              "mandatory:AES_CM_128_HMAC_SHA1_80:AEAD_AES_256_GCM,pick=theirs", true);
    place(&a, "sips:bob@127.0.0.1");
    assert_true(run(&a, &b, both_established));

    struct galois_sip_media ma;
    struct galois_sip_media mb;
    assert_int_equal(galois_sip_call_media(a.call, &ma), GALOIS_ERR_OK);
    assert_int_equal(galois_sip_call_media(b.call, &mb), GALOIS_ERR_OK);
    // pick=theirs: the answerer takes the caller's first suite.
    assert_string_equal(ma.suite, "AEAD_AES_256_GCM");
    assert_string_equal(mb.suite, "AEAD_AES_256_GCM");
    assert_int_equal(ma.state, GALOIS_SDES_SRTP);
    expect_keys_cross(&ma.send, &mb.receive);
    expect_keys_cross(&mb.send, &ma.receive);
    assert_memory_not_equal(ma.send.keys[0].key, ma.receive.keys[0].key,
                            sizeof(ma.send.keys[0].key));
    // Each side's remote port is the other's local one; rtcp-mux only one side wanted: off.
    assert_int_equal(ma.remote_rtp_port, 42000);
    assert_int_equal(mb.remote_rtp_port, 40000);
    assert_false(ma.rtcp_mux);
    assert_false(mb.rtcp_mux);
    assert_int_equal(mb.remote_rtcp_port, 40001);

    struct galois_tls_info ti;
    assert_int_equal(galois_sip_call_tls_info(a.call, &ti), GALOIS_ERR_OK);
    assert_string_equal(ti.version, "TLSv1.3");
    assert_true(ti.peer_verified);

    assert_int_equal(galois_sip_call_hangup(a.call), GALOIS_ERR_OK);
    assert_true(run(&a, &b, both_ended));
    int i = find(&b, GALOIS_SIP_EV_ENDED);
    assert_non_null(strstr(b.reasons[i], "hung up"));
    galois_sip_media_cleanup(&ma);
    galois_sip_media_cleanup(&mb);
    free_pair(&a, &b);
}

static void test_no_common_suite_gets_488_with_warning(void **state)
{
    (void)state;
    struct side a;
    struct side b;
    make_pair(&a, &b, "tls", "mandatory:AES_CM_128_HMAC_SHA1_80", "mandatory:AEAD_AES_128_GCM",
              true);
    place(&a, "sips:bob@127.0.0.1");
    assert_true(run(&a, &b, caller_ended));
    int i = find(&a, GALOIS_SIP_EV_ENDED);
    assert_int_equal(a.statuses[i], 488);
    assert_non_null(strstr(a.reasons[i], "Warning: 305"));
    assert_non_null(strstr(a.reasons[i], "AES_CM_128_HMAC_SHA1_80"));
    assert_int_equal(find(&a, GALOIS_SIP_EV_ESTABLISHED), -1);
    assert_int_equal(find(&b, GALOIS_SIP_EV_INCOMING), -1);  // never offered to the program
    free_pair(&a, &b);
}

static void test_keys_over_tcp_refused_by_caller(void **state)
{
    (void)state;
    struct side a;
    struct side b;
    make_pair(&a, &b, "tcp", "mandatory:AEAD_AES_128_GCM", "mandatory:AEAD_AES_128_GCM", true);
    // The pair allowed it on the caller's side; a strict caller must refuse to place the call.
    galois_sip_ua_free(a.ua);
    struct galois_sip_config ca;
    galois_sip_config_default(&ca);
    snprintf(ca.user, sizeof(ca.user), "alice");
    snprintf(ca.via, sizeof(ca.via), "tcp:127.0.0.1:%u", (unsigned)(next_port - 1));
    ca.tls.verify = false;
    ca.on_event = on_event;
    ca.event_arg = &a;
    char why[512] = "";
    assert_int_equal(galois_sip_ua_new(&a.ua, &ca, why, sizeof(why)), GALOIS_ERR_OK);
    galois_err err =
        galois_sip_call_new(a.ua, &a.call, "sip:bob@127.0.0.1", &a.media, why, sizeof(why));
    assert_int_equal(err, GALOIS_ERR_POLICY);
    assert_non_null(strstr(why, "in clear over TCP"));
    assert_null(a.call);
    free_pair(&a, &b);
}

static void test_keys_over_tcp_refused_by_answerer(void **state)
{
    (void)state;
    struct side a;
    struct side b;
    // The caller allows keys over TCP by name; the answerer does not, and answers 488.
    make_pair(&a, &b, "tcp", "mandatory:AEAD_AES_128_GCM", "mandatory:AEAD_AES_128_GCM", true);
    place(&a, "sip:bob@127.0.0.1;transport=tcp");
    assert_true(run(&a, &b, caller_ended));
    int i = find(&a, GALOIS_SIP_EV_ENDED);
    assert_int_equal(a.statuses[i], 488);
    assert_non_null(strstr(a.reasons[i], "in clear over TCP"));
    free_pair(&a, &b);
}

static void test_plain_call_over_udp(void **state)
{
    (void)state;
    struct side a;
    struct side b;
    make_pair(&a, &b, "udp", "forbidden", "forbidden", true);
    place(&a, "sip:bob@127.0.0.1");
    assert_true(run(&a, &b, both_established));
    struct galois_sip_media ma;
    assert_int_equal(galois_sip_call_media(a.call, &ma), GALOIS_ERR_OK);
    assert_int_equal(ma.state, GALOIS_SDES_PLAIN);
    assert_string_equal(ma.suite, "");
    assert_int_equal(ma.remote_rtp_port, 42000);
    assert_int_equal(ma.payload_type, 0);
    // The answerer hangs up this time.
    assert_int_equal(galois_sip_call_hangup(b.call), GALOIS_ERR_OK);
    assert_true(run(&a, &b, both_ended));
    int i = find(&a, GALOIS_SIP_EV_ENDED);
    assert_non_null(strstr(a.reasons[i], "peer hung up"));
    free_pair(&a, &b);
}

static void test_cancel_before_answer(void **state)
{
    (void)state;
    struct side a;
    struct side b;
    make_pair(&a, &b, "tls", "mandatory:AEAD_AES_256_GCM", "mandatory:AEAD_AES_256_GCM", true);
    b.answer_incoming = false;  // let it ring
    place(&a, "sips:bob@127.0.0.1");
    assert_true(run(&a, &b, got_incoming));
    assert_true(run(&a, &b, got_progress));  // 100 Trying: a CANCEL may go now
    assert_int_equal(find(&a, GALOIS_SIP_EV_ENDED), -1);
    assert_int_equal(galois_sip_call_hangup(a.call), GALOIS_ERR_OK);
    assert_true(run(&a, &b, both_ended));
    int i = find(&a, GALOIS_SIP_EV_ENDED);
    assert_int_equal(a.statuses[i], 487);
    int j = find(&b, GALOIS_SIP_EV_ENDED);
    assert_int_equal(b.statuses[j], 487);
    assert_non_null(strstr(b.reasons[j], "cancelled"));
    free_pair(&a, &b);
}

static void test_options(void **state)
{
    (void)state;
    struct side a;
    struct side b;
    make_pair(&a, &b, "tls", "mandatory:AEAD_AES_256_GCM", "mandatory:AEAD_AES_256_GCM", true);
    char why[512] = "";
    assert_int_equal(galois_sip_ua_options(a.ua, "sips:bob@127.0.0.1", why, sizeof(why)),
                     GALOIS_ERR_OK);
    assert_true(run(&a, &b, got_options));
    int i = find(&a, GALOIS_SIP_EV_OPTIONS_RESPONSE);
    assert_int_equal(a.statuses[i], 200);
    // libosip2 writes a list header one value per line
    const char *methods[] = {"INVITE", "ACK", "BYE", "CANCEL", "OPTIONS"};
    for (size_t k = 0; k < sizeof(methods) / sizeof(methods[0]); k++) {
        char line[32];
        snprintf(line, sizeof(line), "Allow: %s\r\n", methods[k]);
        assert_non_null(strstr(a.options_text, line));
    }
    free_pair(&a, &b);
}

static void test_untrusted_certificate_ends_the_attempt(void **state)
{
    (void)state;
    struct side a;
    struct side b;
    make_pair(&a, &b, "tls", "mandatory:AEAD_AES_256_GCM", "mandatory:AEAD_AES_256_GCM", false);
    place(&a, "sips:bob@127.0.0.1");
    assert_true(run(&a, &b, caller_ended));
    int i = find(&a, GALOIS_SIP_EV_ENDED);
    assert_non_null(strstr(a.reasons[i], "certificate verify failed"));
    assert_int_equal(find(&b, GALOIS_SIP_EV_INCOMING), -1);
    free_pair(&a, &b);
}

// own_netns moves the test into a network namespace with only lo up.
static int own_netns(void **state)
{
    (void)state;
    if (unshare(CLONE_NEWNET) != 0) {
        fprintf(stderr, "ua_test needs root to unshare a network namespace: %s\n", strerror(errno));
        return -1;
    }
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    struct ifreq ifr;
    memset(&ifr, 0, sizeof(ifr));
    snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "lo");
    if (fd < 0 || ioctl(fd, SIOCGIFFLAGS, &ifr) != 0) {
        return -1;
    }
    ifr.ifr_flags |= IFF_UP;
    int rc = ioctl(fd, SIOCSIFFLAGS, &ifr);
    close(fd);
    if (rc != 0) {
        return -1;
    }
    if (galois_tls_self_signed(cert_pem, sizeof(cert_pem), key_pem, sizeof(key_pem), "127.0.0.1",
                               1) != GALOIS_ERR_OK ||
        galois_tls_self_signed(other_cert_pem, sizeof(other_cert_pem), other_key_pem,
                               sizeof(other_key_pem), "127.0.0.1", 1) != GALOIS_ERR_OK) {
        return -1;
    }
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tls_call_keys_and_media),
        cmocka_unit_test(test_no_common_suite_gets_488_with_warning),
        cmocka_unit_test(test_keys_over_tcp_refused_by_caller),
        cmocka_unit_test(test_keys_over_tcp_refused_by_answerer),
        cmocka_unit_test(test_plain_call_over_udp),
        cmocka_unit_test(test_cancel_before_answer),
        cmocka_unit_test(test_options),
        cmocka_unit_test(test_untrusted_certificate_ends_the_attempt),
    };
    return cmocka_run_group_tests(tests, own_netns, NULL);
}
