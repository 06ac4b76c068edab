// re-INVITEs (RFC 3261 §14) answered by a galois agent, driven with crafted SIP messages from a
// plain UDP socket (the peer), in a network namespace of the test's own (it needs root, as
// ua_test does): the same offer again (200, same key, o= version + 1, the 2xx sent again until
// the ACK, 500 with Retry-After before it), hold and resume (a=sendonly -> a=recvonly and the
// event's direction), re-keying (the event carries the new receive key; a new suite gets a
// new send key), a forbidden suite (488 with a Warning, the call and its keys unchanged),
// offerless re-INVITEs (200 with our offer, the answer in the ACK: taken when it is acceptable,
// the old session kept when the ACK has none) and a re-INVITE for an unknown dialog (481).
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
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
    MSG_MAX = 8192,
    WAIT_MS = 4000,
    BOB_PORT = 16060,
    ALICE_PORT = 16070,
};

#include "sip_peer_util.h"

// Keys of the peer, base64 of 30 bytes (AES-CM-128: key 16 + salt 14) and 28 (AES-GCM-128).
#define KEY1 "MTIzNDU2Nzg5MDEyMzQ1Njc4OTAxMjM0NTY3ODkw"  // "1234567890..."
#define KEY2 "YWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXpBQkNE"  // "abcdefghij..."
#define GCM_KEY "YWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXpBQg=="
#define CM80 "AES_CM_128_HMAC_SHA1_80"

// peer is the crafted side: one UDP socket and the dialog it set up.
struct peer {
    int fd;
    struct sockaddr_in bob;
    char to_tag[64];
    unsigned branch;
    char last[MSG_MAX];   // the last response read
    char first_key[128];  // Bob's key in the 200 to the first INVITE
};

// turn drives the agent for up to `ms` and reads one datagram for the peer into `out` (NUL
// terminated); false when none came.
static bool turn(struct bob *b, struct peer *p, char *out, size_t max_out, int ms)
{
    uint64_t end = now_ms() + (uint64_t)ms;
    do {
        struct pollfd fds[33];
        size_t n = galois_sip_ua_pollfds(b->ua, fds, 32);
        fds[n] = (struct pollfd){.fd = p->fd, .events = POLLIN};
        (void)poll(fds, n + 1, 10);
        galois_sip_ua_process(b->ua, fds, n);
        if ((fds[n].revents & POLLIN) != 0) {
            ssize_t got = recv(p->fd, out, max_out - 1, 0);
            if (got > 0) {
                out[got] = '\0';
                return true;
            }
        }
    } while (now_ms() < end);
    return false;
}

// final_response waits for a final response to `method` with CSeq `cseq` and returns its
// status (the text in p->last), or 0.
static int final_response(struct bob *b, struct peer *p, const char *method, unsigned cseq)
{
    char want[64];
    snprintf(want, sizeof(want), "CSeq: %u %s\r\n", cseq, method);
    uint64_t end = now_ms() + WAIT_MS;
    while (now_ms() < end) {
        if (!turn(b, p, p->last, sizeof(p->last), 100)) {
            continue;
        }
        int status = 0;
        if (sscanf(p->last, "SIP/2.0 %d", &status) == 1 && status >= 200 &&
            strstr(p->last, want) != NULL) {
            return status;
        }
    }
    return 0;
}

static void send_text(struct peer *p, const char *text)
{
    ssize_t n =
        sendto(p->fd, text, strlen(text), 0, (const struct sockaddr *)&p->bob, sizeof(p->bob));
    assert_int_equal((size_t)n, strlen(text));
}

// sdp writes an offer with one a=crypto (suite, key) and the direction; version is o='s.
static void sdp(char *out, size_t max, unsigned version, const char *suite, const char *key,
                const char *dir)
{
    int n = snprintf(out, max,
                     "v=0\r\no=alice 100 %u IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\n"
                     "t=0 0\r\nm=audio 40000 RTP/SAVP 0\r\na=rtpmap:0 PCMU/8000\r\n"
                     "a=crypto:1 %s inline:%s\r\na=%s\r\n",
                     version, suite, key, dir);
    assert_true(n > 0 && (size_t)n < max);
}

// request sends INVITE, ACK or BYE number `cseq` in the dialog (to_tag "" for the first
// INVITE), on a new branch; ack_failure sends the ACK of a non-2xx final response, on the
// INVITE's branch (RFC 3261 §17.1.1.3).
static void send_request(struct peer *p, const char *method, unsigned cseq, const char *to_tag,
                         const char *body, bool new_branch)
{
    char msg[MSG_MAX];
    size_t body_len = body != NULL ? strlen(body) : 0;
    int n = snprintf(msg, sizeof(msg),
                     "%s sip:bob@127.0.0.1:%u SIP/2.0\r\n"
                     "Via: SIP/2.0/UDP 127.0.0.1:%u;branch=z9hG4bK-t%u;rport\r\n"
                     "Max-Forwards: 70\r\nFrom: <sip:alice@127.0.0.1>;tag=a1\r\n"
                     "To: <sip:bob@127.0.0.1>%s%s\r\nCall-ID: reinvite-test-1\r\n"
                     "CSeq: %u %s\r\nContact: <sip:alice@127.0.0.1:%u>\r\n%s"
                     "Content-Length: %zu\r\n\r\n%s",
                     method, (unsigned)BOB_PORT, (unsigned)ALICE_PORT,
                     new_branch ? ++p->branch : p->branch, to_tag[0] != '\0' ? ";tag=" : "", to_tag,
                     cseq, method, (unsigned)ALICE_PORT,
                     body_len > 0 ? "Content-Type: application/sdp\r\n" : "", body_len,
                     body != NULL ? body : "");
    assert_true(n > 0 && (size_t)n < sizeof(msg));
    send_text(p, msg);
}

static void request(struct peer *p, const char *method, unsigned cseq, const char *to_tag,
                    const char *body)
{
    send_request(p, method, cseq, to_tag, body, true);
}

static void ack_failure(struct peer *p, unsigned cseq)
{
    send_request(p, "ACK", cseq, p->to_tag, NULL, false);
}

// crypto_key copies the inline key of the a=crypto of the response in p->last.
static void crypto_key(char *out, size_t max, const struct peer *p)
{
    field(out, max, p->last, "inline:");
    out[strcspn(out, "| ")] = '\0';
}

static unsigned o_version(const struct peer *p)
{
    char line[128];
    unsigned id = 0;
    unsigned version = 0;
    field(line, sizeof(line), p->last, "o=- ");
    assert_int_equal(sscanf(line, "%u %u", &id, &version), 2);
    return version;
}

// setup starts Bob and places the first call from the peer: INVITE, 200, ACK.
static void setup_call(struct bob *b, struct peer *p, const char *policy)
{
    memset(b, 0, sizeof(*b));
    memset(p, 0, sizeof(*p));
    struct galois_sip_config c;
    galois_sip_config_default(&c);
    snprintf(c.user, sizeof(c.user), "bob");
    snprintf(c.listen, sizeof(c.listen), "udp:127.0.0.1:%u", (unsigned)BOB_PORT);
    c.allow_sdes_without_tls = true;  // crafted messages travel over UDP
    c.tls.verify = false;
    assert_int_equal(galois_sdes_policy_parse(&c.srtp_in, NULL, policy, strlen(policy)),
                     GALOIS_ERR_OK);
    c.on_event = on_event;
    c.event_arg = b;
    char why[512] = "";
    if (galois_sip_ua_new(&b->ua, &c, why, sizeof(why)) != GALOIS_ERR_OK) {
        fail_msg("agent: %s", why);
    }
    snprintf(b->media.address, sizeof(b->media.address), "127.0.0.1");
    b->media.rtp_port = 42000;

    p->fd = socket(AF_INET, SOCK_DGRAM, 0);
    assert_true(p->fd >= 0);
    struct sockaddr_in me = {.sin_family = AF_INET, .sin_port = htons(ALICE_PORT)};
    me.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int one = 1;
    (void)setsockopt(p->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    assert_int_equal(bind(p->fd, (struct sockaddr *)&me, sizeof(me)), 0);
    p->bob = me;
    p->bob.sin_port = htons(BOB_PORT);

    char body[1024];
    sdp(body, sizeof(body), 1, CM80, KEY1, "sendrecv");
    request(p, "INVITE", 1, "", body);
    assert_int_equal(final_response(b, p, "INVITE", 1), 200);
    char to[256];
    field(to, sizeof(to), p->last, "\r\nTo: ");
    const char *tag = strstr(to, ";tag=");
    assert_non_null(tag);
    snprintf(p->to_tag, sizeof(p->to_tag), "%.*s", (int)strcspn(tag + 5, ";>"), tag + 5);
    assert_int_equal(o_version(p), 1);
    crypto_key(p->first_key, sizeof(p->first_key), p);
    assert_true(strlen(p->first_key) == 40);
    request(p, "ACK", 1, p->to_tag, NULL);
    assert_non_null(b->call);
    assert_int_equal(last_event(b, GALOIS_SIP_EV_ESTABLISHED) >= 0, true);
}

static void teardown_call(struct bob *b, struct peer *p)
{
    // The call must still be up: a BYE is answered 200 and ends it as the peer's hang-up.
    request(p, "BYE", 99, p->to_tag, NULL);
    assert_int_equal(final_response(b, p, "BYE", 99), 200);
    int i = last_event(b, GALOIS_SIP_EV_ENDED);
    assert_true(i >= 0);
    assert_non_null(strstr(b->reasons[i], "peer hung up"));
    galois_sip_call_release(b->call);
    galois_sip_ua_free(b->ua);
    close(p->fd);
}

static void media_of(const struct bob *b, struct galois_sip_media *m)
{
    assert_int_equal(galois_sip_call_media(b->call, m), GALOIS_ERR_OK);
}

// reinvite sends re-INVITE `cseq` with `body` (NULL: offerless) and returns the final status.
static int reinvite(struct bob *b, struct peer *p, unsigned cseq, const char *body)
{
    request(p, "INVITE", cseq, p->to_tag, body);
    return final_response(b, p, "INVITE", cseq);
}

// The same offer again (a session-timer refresh): 200 with the same key, o= version + 1, an
// UPDATED event that says nothing changed; the 2xx is sent again until the ACK, and a
// re-INVITE before that ACK gets 500 with Retry-After.
static void test_same_offer_refresh(void **state)
{
    (void)state;
    struct bob b;
    struct peer p;
    setup_call(&b, &p, "mandatory:" CM80);
    char body[1024];
    char key[128];
    sdp(body, sizeof(body), 1, CM80, KEY1, "sendrecv");
    assert_int_equal(reinvite(&b, &p, 2, body), 200);
    crypto_key(key, sizeof(key), &p);
    assert_string_equal(key, p.first_key);
    assert_int_equal(o_version(&p), 2);
    assert_non_null(strstr(p.last, "a=sendrecv"));
    int i = last_event(&b, GALOIS_SIP_EV_UPDATED);
    assert_true(i >= 0);
    assert_int_equal(b.statuses[i], 200);
    assert_int_equal(b.changes[i], 0);
    assert_non_null(strstr(b.reasons[i], "nothing changed"));

    // No ACK yet: the 200 comes again (T1 = 500 ms), and a new re-INVITE must wait.
    char again[MSG_MAX];
    bool retransmitted = false;
    for (int k = 0; k < 20 && !retransmitted; k++) {
        retransmitted = turn(&b, &p, again, sizeof(again), 100) &&
                        strncmp(again, "SIP/2.0 200", 11) == 0 &&
                        strstr(again, "CSeq: 2 INVITE\r\n") != NULL;
    }
    assert_true(retransmitted);
    assert_int_equal(reinvite(&b, &p, 3, body), 500);
    assert_non_null(strstr(p.last, "Retry-After: "));
    ack_failure(&p, 3);
    request(&p, "ACK", 2, p.to_tag, NULL);
    // After the ACK the next re-INVITE is taken, one version up again.
    assert_int_equal(reinvite(&b, &p, 4, body), 200);
    assert_int_equal(o_version(&p), 3);
    request(&p, "ACK", 4, p.to_tag, NULL);
    teardown_call(&b, &p);
}

// Hold (a=sendonly) is answered a=recvonly and reported with the direction; a=inactive is
// answered a=inactive; a=sendrecv resumes.
static void test_hold_and_resume(void **state)
{
    (void)state;
    struct bob b;
    struct peer p;
    setup_call(&b, &p, "mandatory:" CM80);
    struct galois_sip_media m;
    media_of(&b, &m);
    assert_int_equal(m.direction, GALOIS_SDP_SENDRECV);
    galois_sip_media_cleanup(&m);
    const struct {
        const char *offer;
        const char *answer;
        enum galois_sdp_direction ours;
        const char *text;
    } steps[] = {
        {"sendonly", "a=recvonly", GALOIS_SDP_RECVONLY, "peer sendonly (hold)"},
        {"inactive", "a=inactive", GALOIS_SDP_INACTIVE, "peer inactive (hold)"},
        {"sendrecv", "a=sendrecv", GALOIS_SDP_SENDRECV, "peer sendrecv (resumed)"},
    };
    for (size_t k = 0; k < sizeof(steps) / sizeof(steps[0]); k++) {
        char body[1024];
        unsigned cseq = 2 + (unsigned)k;
        sdp(body, sizeof(body), cseq, CM80, KEY1, steps[k].offer);
        assert_int_equal(reinvite(&b, &p, cseq, body), 200);
        assert_non_null(strstr(p.last, steps[k].answer));
        char key[128];
        crypto_key(key, sizeof(key), &p);
        assert_string_equal(key, p.first_key);  // no new key for a hold
        request(&p, "ACK", cseq, p.to_tag, NULL);
        int i = last_event(&b, GALOIS_SIP_EV_UPDATED);
        assert_true(i >= 0);
        assert_int_equal(b.statuses[i], 200);
        assert_int_equal(b.changes[i], GALOIS_SIP_CHANGED_DIRECTION);
        assert_non_null(strstr(b.reasons[i], steps[k].text));
        media_of(&b, &m);
        assert_int_equal(m.direction, steps[k].ours);
        galois_sip_media_cleanup(&m);
    }
    teardown_call(&b, &p);
}

// A new key from the peer: the event says the receive side was re-keyed and the media carry
// the new key; ours stays. A new suite: a new key of ours too.
static void test_rekey(void **state)
{
    (void)state;
    struct bob b;
    struct peer p;
    setup_call(&b, &p, "mandatory:" CM80 ":AEAD_AES_128_GCM");
    struct galois_sip_media before;
    media_of(&b, &before);
    assert_memory_equal(before.receive.keys[0].key, "1234567890123456", 16);

    char body[1024];
    sdp(body, sizeof(body), 2, CM80, KEY2, "sendrecv");
    assert_int_equal(reinvite(&b, &p, 2, body), 200);
    char key[128];
    crypto_key(key, sizeof(key), &p);
    assert_string_equal(key, p.first_key);
    request(&p, "ACK", 2, p.to_tag, NULL);
    int i = last_event(&b, GALOIS_SIP_EV_UPDATED);
    assert_true(i >= 0);
    assert_int_equal(b.changes[i], GALOIS_SIP_CHANGED_RECEIVE_KEY);
    assert_non_null(strstr(b.reasons[i], "re-keyed receive side (" CM80 ")"));
    struct galois_sip_media after;
    media_of(&b, &after);
    assert_memory_equal(after.receive.keys[0].key, "abcdefghijklmnop", 16);
    assert_memory_equal(after.send.keys[0].key, before.send.keys[0].key, 16);
    assert_memory_equal(after.send.keys[0].salt, before.send.keys[0].salt, 14);
    galois_sip_media_cleanup(&after);

    // Another suite: our key must change with it (it has another length).
    sdp(body, sizeof(body), 3, "AEAD_AES_128_GCM", GCM_KEY, "sendrecv");
    assert_int_equal(reinvite(&b, &p, 3, body), 200);
    crypto_key(key, sizeof(key), &p);
    assert_string_not_equal(key, p.first_key);
    assert_non_null(strstr(p.last, "AEAD_AES_128_GCM inline:"));
    request(&p, "ACK", 3, p.to_tag, NULL);
    i = last_event(&b, GALOIS_SIP_EV_UPDATED);
    assert_int_equal(b.changes[i], GALOIS_SIP_CHANGED_RECEIVE_KEY | GALOIS_SIP_CHANGED_SEND_KEY);
    media_of(&b, &after);
    assert_string_equal(after.suite, "AEAD_AES_128_GCM");
    assert_int_equal(after.send.suite, GALOIS_SRTP_AEAD_AES_128_GCM);
    galois_sip_media_cleanup(&after);
    galois_sip_media_cleanup(&before);
    teardown_call(&b, &p);
}

// A re-offer the policy refuses is answered 488 with the Warning; the call stays up with its
// keys, and the next acceptable re-offer still gets our old key.
static void test_forbidden_suite_keeps_the_call(void **state)
{
    (void)state;
    struct bob b;
    struct peer p;
    setup_call(&b, &p, "mandatory:" CM80);
    struct galois_sip_media before;
    media_of(&b, &before);
    size_t updates = count_events(&b, GALOIS_SIP_EV_UPDATED);
    char body[1024];
    sdp(body, sizeof(body), 2, "AES_CM_128_HMAC_SHA1_32", KEY2, "sendrecv");
    assert_int_equal(reinvite(&b, &p, 2, body), 488);
    assert_non_null(strstr(p.last, "Warning: 305 galois \""));
    assert_non_null(strstr(p.last, "AES_CM_128_HMAC_SHA1_32"));
    ack_failure(&p, 2);
    int i = last_event(&b, GALOIS_SIP_EV_UPDATED);
    assert_int_equal(count_events(&b, GALOIS_SIP_EV_UPDATED), updates + 1);
    assert_int_equal(b.statuses[i], 488);
    assert_int_equal(b.changes[i], 0);
    assert_int_equal(last_event(&b, GALOIS_SIP_EV_ENDED), -1);
    struct galois_sip_media after;
    media_of(&b, &after);
    assert_memory_equal(after.receive.keys[0].key, before.receive.keys[0].key, 16);
    assert_memory_equal(after.send.keys[0].key, before.send.keys[0].key, 16);
    assert_string_equal(after.suite, CM80);
    galois_sip_media_cleanup(&after);
    galois_sip_media_cleanup(&before);

    // Plain RTP under a mandatory policy: refused the same way.
    char plain[1024];
    snprintf(plain, sizeof(plain),
             "v=0\r\no=alice 100 3 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
             "m=audio 40000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n");
    assert_int_equal(reinvite(&b, &p, 3, plain), 488);
    assert_non_null(strstr(p.last, "Warning: 305"));
    ack_failure(&p, 3);

    // The session is as it was: the same offer as at first gets our first key, version 2.
    sdp(body, sizeof(body), 4, CM80, KEY1, "sendrecv");
    assert_int_equal(reinvite(&b, &p, 4, body), 200);
    char key[128];
    crypto_key(key, sizeof(key), &p);
    assert_string_equal(key, p.first_key);
    assert_int_equal(o_version(&p), 2);
    request(&p, "ACK", 4, p.to_tag, NULL);
    teardown_call(&b, &p);
}

// count_crypto returns how many a=crypto lines the response in p->last has.
static size_t count_crypto(const struct peer *p)
{
    size_t n = 0;
    for (const char *s = strstr(p->last, "a=crypto:"); s != NULL; s = strstr(s + 1, "a=crypto:")) {
        n++;
    }
    return n;
}

// offerless sends an offerless re-INVITE `cseq` and checks the 200's offer: the suite in use
// under its tag with Bob's current key `key`, o= version `version`, a=sendrecv. The 200 comes
// again until the ACK, and nothing is reported before the ACK.
static void offerless(struct bob *b, struct peer *p, unsigned cseq, const char *key,
                      unsigned version)
{
    size_t events = b->num_events;
    assert_int_equal(reinvite(b, p, cseq, NULL), 200);
    assert_non_null(strstr(p->last, "Content-Type: application/sdp"));
    assert_non_null(strstr(p->last, "m=audio 42000 RTP/SAVP "));
    assert_non_null(strstr(p->last, "a=crypto:1 " CM80 " inline:"));
    assert_int_equal(count_crypto(p), 1);
    char got[128];
    crypto_key(got, sizeof(got), p);
    assert_string_equal(got, key);
    assert_int_equal(o_version(p), version);
    assert_non_null(strstr(p->last, "a=sendrecv"));
    char want[32];
    snprintf(want, sizeof(want), "CSeq: %u INVITE\r\n", cseq);
    char again[MSG_MAX];
    bool retransmitted = false;
    for (int k = 0; k < 20 && !retransmitted; k++) {
        retransmitted = turn(b, p, again, sizeof(again), 100) &&
                        strncmp(again, "SIP/2.0 200", 11) == 0 && strstr(again, want) != NULL &&
                        strstr(again, "a=crypto:1 ") != NULL;
    }
    assert_true(retransmitted);
    assert_int_equal(b->num_events, events);
}

// ack_and_turn sends the ACK of the 200 to re-INVITE `cseq` with `body` and lets Bob read it.
static void ack_and_turn(struct bob *b, struct peer *p, unsigned cseq, const char *body)
{
    request(p, "ACK", cseq, p->to_tag, body);
    char scratch[MSG_MAX];
    (void)turn(b, p, scratch, sizeof(scratch), 200);
}

// An offerless re-INVITE (a session refresh without SDP): 200 with our offer for the session
// as it is, one o= version up; the matching answer in the ACK is reported as an UPDATED event
// (status 200, the peer's re-INVITE: not local_offer) and the call goes on with its keys.
static void test_offerless_answer_in_ack(void **state)
{
    (void)state;
    struct bob b;
    struct peer p;
    setup_call(&b, &p, "mandatory:" CM80);
    struct galois_sip_media before;
    media_of(&b, &before);
    size_t updates = count_events(&b, GALOIS_SIP_EV_UPDATED);
    offerless(&b, &p, 2, p.first_key, 2);
    char body[1024];
    sdp(body, sizeof(body), 2, CM80, KEY1, "sendrecv");
    ack_and_turn(&b, &p, 2, body);
    assert_int_equal(count_events(&b, GALOIS_SIP_EV_UPDATED), updates + 1);
    int i = last_event(&b, GALOIS_SIP_EV_UPDATED);
    assert_int_equal(b.statuses[i], 200);
    assert_int_equal(b.changes[i], 0);
    assert_false(b.local_offer[i]);
    assert_non_null(strstr(b.reasons[i], "nothing changed"));
    assert_int_equal(last_event(&b, GALOIS_SIP_EV_ENDED), -1);
    struct galois_sip_media after;
    media_of(&b, &after);
    assert_string_equal(after.suite, CM80);
    assert_memory_equal(after.receive.keys[0].key, before.receive.keys[0].key, 16);
    assert_memory_equal(after.send.keys[0].key, before.send.keys[0].key, 16);
    assert_int_equal(after.direction, GALOIS_SDP_SENDRECV);
    galois_sip_media_cleanup(&after);
    galois_sip_media_cleanup(&before);
    // The next re-INVITE is taken (the ACK ended this one), one version up again.
    assert_int_equal(reinvite(&b, &p, 3, body), 200);
    assert_int_equal(o_version(&p), 3);
    request(&p, "ACK", 3, p.to_tag, NULL);
    teardown_call(&b, &p);
}

// An ACK without the answer: the session cannot change (RFC 3261 §14.2), the old one goes on;
// the event (488) says why, the call stays up, and our next SDP is one version above the
// offer the peer saw.
static void test_offerless_ack_without_answer(void **state)
{
    (void)state;
    struct bob b;
    struct peer p;
    setup_call(&b, &p, "mandatory:" CM80);
    struct galois_sip_media before;
    media_of(&b, &before);
    size_t updates = count_events(&b, GALOIS_SIP_EV_UPDATED);
    offerless(&b, &p, 2, p.first_key, 2);
    ack_and_turn(&b, &p, 2, NULL);
    assert_int_equal(count_events(&b, GALOIS_SIP_EV_UPDATED), updates + 1);
    int i = last_event(&b, GALOIS_SIP_EV_UPDATED);
    assert_int_equal(b.statuses[i], 488);
    assert_int_equal(b.changes[i], 0);
    assert_false(b.local_offer[i]);
    assert_non_null(strstr(b.reasons[i], "the ACK carries no SDP answer"));
    assert_non_null(strstr(b.reasons[i], "the session stays as it was"));
    assert_int_equal(last_event(&b, GALOIS_SIP_EV_ENDED), -1);
    struct galois_sip_media after;
    media_of(&b, &after);
    assert_memory_equal(after.receive.keys[0].key, before.receive.keys[0].key, 16);
    assert_memory_equal(after.send.keys[0].key, before.send.keys[0].key, 16);
    galois_sip_media_cleanup(&after);
    galois_sip_media_cleanup(&before);
    offerless(&b, &p, 3, p.first_key, 3);
    request(&p, "ACK", 3, p.to_tag, NULL);
    teardown_call(&b, &p);
}

// The peer's answer in the ACK brings a new key of its own: the receive side is re-keyed (the
// event and the media say so), our key stays.
static void test_offerless_answer_new_key(void **state)
{
    (void)state;
    struct bob b;
    struct peer p;
    setup_call(&b, &p, "mandatory:" CM80);
    struct galois_sip_media before;
    media_of(&b, &before);
    assert_memory_equal(before.receive.keys[0].key, "1234567890123456", 16);
    offerless(&b, &p, 2, p.first_key, 2);
    char body[1024];
    sdp(body, sizeof(body), 2, CM80, KEY2, "sendrecv");
    ack_and_turn(&b, &p, 2, body);
    int i = last_event(&b, GALOIS_SIP_EV_UPDATED);
    assert_true(i >= 0);
    assert_int_equal(b.statuses[i], 200);
    assert_int_equal(b.changes[i], GALOIS_SIP_CHANGED_RECEIVE_KEY);
    assert_non_null(strstr(b.reasons[i], "re-keyed receive side (" CM80 ")"));
    struct galois_sip_media after;
    media_of(&b, &after);
    assert_memory_equal(after.receive.keys[0].key, "abcdefghijklmnop", 16);
    assert_memory_equal(after.send.keys[0].key, before.send.keys[0].key, 16);
    assert_memory_equal(after.send.keys[0].salt, before.send.keys[0].salt, 14);
    galois_sip_media_cleanup(&after);
    galois_sip_media_cleanup(&before);
    assert_int_equal(last_event(&b, GALOIS_SIP_EV_ENDED), -1);
    teardown_call(&b, &p);
}

// A re-INVITE in a dialog Bob does not have: 481, and no event.
static void test_unknown_dialog_481(void **state)
{
    (void)state;
    struct bob b;
    struct peer p;
    setup_call(&b, &p, "mandatory:" CM80);
    size_t events = b.num_events;
    char body[1024];
    sdp(body, sizeof(body), 2, CM80, KEY1, "sendonly");
    request(&p, "INVITE", 2, "not-a-tag-of-bob", body);
    assert_int_equal(final_response(&b, &p, "INVITE", 2), 481);
    assert_int_equal(b.num_events, events);
    teardown_call(&b, &p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_offer_refresh),
        cmocka_unit_test(test_hold_and_resume),
        cmocka_unit_test(test_rekey),
        cmocka_unit_test(test_forbidden_suite_keeps_the_call),
        cmocka_unit_test(test_offerless_answer_in_ack),
        cmocka_unit_test(test_offerless_ack_without_answer),
        cmocka_unit_test(test_offerless_answer_new_key),
        cmocka_unit_test(test_unknown_dialog_481),
    };
    return cmocka_run_group_tests(tests, own_netns, NULL);
}
