// re-INVITEs a galois agent sends (galois_sip_call_modify, RFC 3261 §14.1), answered by a
// crafted peer on a plain UDP socket, in a network namespace of the test's own (root, as
// reinvite_test): the offer (direction, the suite in use, our key kept or a new one, o= version
// + 1, Contact), 200 -> ACK and GALOIS_SIP_EV_UPDATED with the changes and the new keys, 488 ->
// the session unchanged, 491 -> tried again once after a wait, a second re-INVITE while one is
// pending -> GALOIS_ERR_STATE (and the peer's own re-INVITE then gets 491), 401 -> sent again
// with credentials.
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
    BOB_PORT = 16160,
    ALICE_PORT = 16170,
};

#include "sip_peer_util.h"

#define KEY1 "MTIzNDU2Nzg5MDEyMzQ1Njc4OTAxMjM0NTY3ODkw"  // the peer's key
#define CM80 "AES_CM_128_HMAC_SHA1_80"

struct peer {
    int fd;
    struct sockaddr_in bob;
    char to_tag[64];
    unsigned branch;
    char msg[MSG_MAX];  // the last message read
    char first_key[128];
};

// turn drives the agent for up to `ms` and reads one datagram for the peer into p->msg.
static bool turn(struct bob *b, struct peer *p, int ms)
{
    uint64_t end = now_ms() + (uint64_t)ms;
    do {
        struct pollfd fds[33];
        size_t n = galois_sip_ua_pollfds(b->ua, fds, 32);
        fds[n] = (struct pollfd){.fd = p->fd, .events = POLLIN};
        (void)poll(fds, n + 1, 10);
        galois_sip_ua_process(b->ua, fds, n);
        if ((fds[n].revents & POLLIN) != 0) {
            ssize_t got = recv(p->fd, p->msg, sizeof(p->msg) - 1, 0);
            if (got > 0) {
                p->msg[got] = '\0';
                return true;
            }
        }
    } while (now_ms() < end);
    return false;
}

// wait_for reads until a message whose first line starts with `start` and that carries
// `cseq_line` (NULL: any); false after `ms`.
static bool wait_for(struct bob *b, struct peer *p, const char *start, const char *cseq_line,
                     int ms)
{
    uint64_t end = now_ms() + (uint64_t)ms;
    while (now_ms() < end) {
        if (turn(b, p, 50) && strncmp(p->msg, start, strlen(start)) == 0 &&
            (cseq_line == NULL || strstr(p->msg, cseq_line) != NULL)) {
            return true;
        }
    }
    return false;
}

static void send_text(struct peer *p, const char *text)
{
    ssize_t n =
        sendto(p->fd, text, strlen(text), 0, (const struct sockaddr *)&p->bob, sizeof(p->bob));
    assert_int_equal((size_t)n, strlen(text));
}

static unsigned cseq_of(const char *text)
{
    char line[64];
    field(line, sizeof(line), text, "\r\nCSeq: ");
    return (unsigned)strtoul(line, NULL, 10);
}

static unsigned o_version(const char *text, char *sess_id, size_t max_id)
{
    char line[128];
    unsigned long id = 0;
    unsigned version = 0;
    field(line, sizeof(line), text, "o=- ");
    assert_int_equal(sscanf(line, "%lu %u", &id, &version), 2);
    if (sess_id != NULL) {
        snprintf(sess_id, max_id, "%lu", id);
    }
    return version;
}

static void crypto_line(char *out, size_t max, const char *text)
{
    field(out, max, text, "a=crypto:");
}

static void inline_key(char *out, size_t max, const char *text)
{
    field(out, max, text, "inline:");
    out[strcspn(out, "| ")] = '\0';
}

static void answer_sdp(char *out, size_t max, unsigned version, const char *dir)
{
    int n = snprintf(out, max,
                     "v=0\r\no=alice 100 %u IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\n"
                     "t=0 0\r\nm=audio 40000 RTP/SAVP 0\r\na=rtpmap:0 PCMU/8000\r\n"
                     "a=crypto:1 " CM80 " inline:" KEY1 "\r\na=%s\r\n",
                     version, dir);
    assert_true(n > 0 && (size_t)n < max);
}

// respond answers the request in p->msg with `status`, `extra` header lines and `body`.
static void respond(struct peer *p, int status, const char *reason, const char *extra,
                    const char *body)
{
    char via[512];
    char from[512];
    char to[512];
    char call_id[256];
    char cseq[64];
    field(via, sizeof(via), p->msg, "\r\nVia: ");
    field(from, sizeof(from), p->msg, "\r\nFrom: ");
    field(to, sizeof(to), p->msg, "\r\nTo: ");
    field(call_id, sizeof(call_id), p->msg, "\r\nCall-ID: ");
    field(cseq, sizeof(cseq), p->msg, "\r\nCSeq: ");
    char msg[MSG_MAX];
    size_t body_len = body != NULL ? strlen(body) : 0;
    int n = snprintf(msg, sizeof(msg),
                     "SIP/2.0 %d %s\r\nVia: %s\r\nFrom: %s\r\nTo: %s\r\nCall-ID: %s\r\n"
                     "CSeq: %s\r\nContact: <sip:alice@127.0.0.1:%u>\r\n%s%sContent-Length: %zu"
                     "\r\n\r\n%s",
                     status, reason, via, from, to, call_id, cseq, (unsigned)ALICE_PORT,
                     extra != NULL ? extra : "",
                     body_len > 0 ? "Content-Type: application/sdp\r\n" : "", body_len,
                     body != NULL ? body : "");
    assert_true(n > 0 && (size_t)n < sizeof(msg));
    send_text(p, msg);
}

// request sends a request in the dialog from the peer (to_tag "" for the first INVITE).
static void request(struct peer *p, const char *method, unsigned cseq, const char *to_tag,
                    const char *body)
{
    char msg[MSG_MAX];
    size_t body_len = body != NULL ? strlen(body) : 0;
    int n = snprintf(msg, sizeof(msg),
                     "%s sip:bob@127.0.0.1:%u SIP/2.0\r\n"
                     "Via: SIP/2.0/UDP 127.0.0.1:%u;branch=z9hG4bK-m%u;rport\r\n"
                     "Max-Forwards: 70\r\nFrom: <sip:alice@127.0.0.1>;tag=a1\r\n"
                     "To: <sip:bob@127.0.0.1>%s%s\r\nCall-ID: modify-test-1\r\n"
                     "CSeq: %u %s\r\nContact: <sip:alice@127.0.0.1:%u>\r\n%s"
                     "Content-Length: %zu\r\n\r\n%s",
                     method, (unsigned)BOB_PORT, (unsigned)ALICE_PORT, ++p->branch,
                     to_tag[0] != '\0' ? ";tag=" : "", to_tag, cseq, method, (unsigned)ALICE_PORT,
                     body_len > 0 ? "Content-Type: application/sdp\r\n" : "", body_len,
                     body != NULL ? body : "");
    assert_true(n > 0 && (size_t)n < sizeof(msg));
    send_text(p, msg);
}

// setup: Bob (galois) answers the peer's call: INVITE, 200, ACK.
static void setup_call(struct bob *b, struct peer *p)
{
    memset(b, 0, sizeof(*b));
    memset(p, 0, sizeof(*p));
    struct galois_sip_config c;
    galois_sip_config_default(&c);
    snprintf(c.user, sizeof(c.user), "bob");
    snprintf(c.password, sizeof(c.password), "secret");
    snprintf(c.listen, sizeof(c.listen), "udp:127.0.0.1:%u", (unsigned)BOB_PORT);
    c.allow_sdes_without_tls = true;  // crafted messages travel over UDP
    const char *policy = "mandatory:" CM80 ":AEAD_AES_128_GCM";
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
    snprintf(body, sizeof(body),
             "v=0\r\no=alice 100 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\n"
             "t=0 0\r\nm=audio 40000 RTP/SAVP 0\r\na=rtpmap:0 PCMU/8000\r\n"
             "a=crypto:1 " CM80 " inline:" KEY1 "\r\na=sendrecv\r\n");
    request(p, "INVITE", 1, "", body);
    assert_true(wait_for(b, p, "SIP/2.0 200", "CSeq: 1 INVITE", WAIT_MS));
    char to[256];
    field(to, sizeof(to), p->msg, "\r\nTo: ");
    const char *tag = strstr(to, ";tag=");
    assert_non_null(tag);
    snprintf(p->to_tag, sizeof(p->to_tag), "%.*s", (int)strcspn(tag + 5, ";>"), tag + 5);
    inline_key(p->first_key, sizeof(p->first_key), p->msg);
    request(p, "ACK", 1, p->to_tag, NULL);
    (void)turn(b, p, 100);
    assert_non_null(b->call);
}

static void teardown_call(struct bob *b, struct peer *p)
{
    request(p, "BYE", 99, p->to_tag, NULL);
    assert_true(wait_for(b, p, "SIP/2.0 200", "CSeq: 99 BYE", WAIT_MS));
    galois_sip_call_release(b->call);
    galois_sip_ua_free(b->ua);
    close(p->fd);
}

static galois_err modify(struct bob *b, enum galois_sdp_direction dir, bool new_key)
{
    struct galois_sip_modify m = {.direction = dir, .new_key = new_key};
    return galois_sip_call_modify(b->call, &m);
}

// expect_invite waits for Bob's re-INVITE and returns its CSeq (the request in p->msg).
static unsigned expect_invite(struct bob *b, struct peer *p)
{
    assert_true(wait_for(b, p, "INVITE sip:alice@127.0.0.1", NULL, WAIT_MS));
    return cseq_of(p->msg);
}

// answer_200 answers the re-INVITE in p->msg with 200 and `dir`, and checks Bob's ACK.
static void answer_200(struct bob *b, struct peer *p, unsigned version, const char *dir)
{
    unsigned cseq = cseq_of(p->msg);
    char body[1024];
    answer_sdp(body, sizeof(body), version, dir);
    respond(p, 200, "OK", NULL, body);
    char want[64];
    snprintf(want, sizeof(want), "CSeq: %u ACK\r\n", cseq);
    assert_true(wait_for(b, p, "ACK ", want, WAIT_MS));
}

// The offer of a hold, then of a re-key; each 200 is ACKed and reported with what changed,
// and galois_sip_call_media has the direction and the new send key.
static void test_hold_then_rekey(void **state)
{
    (void)state;
    struct bob b;
    struct peer p;
    setup_call(&b, &p);
    struct galois_sip_media before;
    assert_int_equal(galois_sip_call_media(b.call, &before), GALOIS_ERR_OK);

    assert_int_equal(modify(&b, GALOIS_SDP_SENDONLY, false), GALOIS_ERR_OK);
    unsigned cseq = expect_invite(&b, &p);
    assert_true(cseq >= 1);
    assert_non_null(strstr(p.msg, "\r\na=sendonly\r\n"));
    assert_non_null(strstr(p.msg, "\r\nContact: <sip:bob@127.0.0.1:"));
    assert_non_null(strstr(p.msg, "\r\nTo: <sip:alice@127.0.0.1>;tag=a1\r\n"));
    char id[32];
    char id2[32];
    assert_int_equal(o_version(p.msg, id, sizeof(id)), 2);
    char line[256];
    crypto_line(line, sizeof(line), p.msg);
    assert_non_null(strstr(line, "1 " CM80 " inline:"));  // the tag and suite in use only
    assert_null(strstr(p.msg, "AEAD_AES_128_GCM"));
    char key[128];
    inline_key(key, sizeof(key), p.msg);
    assert_string_equal(key, p.first_key);  // a hold keeps our key
    answer_200(&b, &p, 2, "recvonly");
    int i = last_event(&b, GALOIS_SIP_EV_UPDATED);
    assert_true(i >= 0);
    assert_true(b.local_offer[i]);
    assert_int_equal(b.statuses[i], 200);
    assert_int_equal(b.changes[i], GALOIS_SIP_CHANGED_DIRECTION);
    assert_non_null(strstr(b.reasons[i], "our re-INVITE (hold) answered 200"));
    struct galois_sip_media m;
    assert_int_equal(galois_sip_call_media(b.call, &m), GALOIS_ERR_OK);
    assert_int_equal(m.direction, GALOIS_SDP_SENDONLY);
    assert_memory_equal(m.send.keys[0].key, before.send.keys[0].key, 16);
    galois_sip_media_cleanup(&m);

    // Re-key and resume: the same tag and suite, a new key, o= version 3 with the same id.
    assert_int_equal(modify(&b, GALOIS_SDP_SENDRECV, true), GALOIS_ERR_OK);
    assert_true(expect_invite(&b, &p) > cseq);
    assert_int_equal(o_version(p.msg, id2, sizeof(id2)), 3);
    assert_string_equal(id, id2);
    assert_non_null(strstr(p.msg, "\r\na=sendrecv\r\n"));
    crypto_line(line, sizeof(line), p.msg);
    assert_non_null(strstr(line, "1 " CM80 " inline:"));
    inline_key(key, sizeof(key), p.msg);
    assert_string_not_equal(key, p.first_key);
    struct galois_sdes_crypto offered;
    assert_int_equal(galois_sdes_parse(&offered, NULL, line, strlen(line)), GALOIS_ERR_OK);
    // Nothing changes before the answer: the program still has the old key.
    assert_int_equal(galois_sip_call_media(b.call, &m), GALOIS_ERR_OK);
    assert_memory_equal(m.send.keys[0].key, before.send.keys[0].key, 16);
    galois_sip_media_cleanup(&m);
    answer_200(&b, &p, 3, "sendrecv");
    i = last_event(&b, GALOIS_SIP_EV_UPDATED);
    assert_true(b.local_offer[i]);
    assert_int_equal(b.statuses[i], 200);
    assert_int_equal(b.changes[i], GALOIS_SIP_CHANGED_SEND_KEY | GALOIS_SIP_CHANGED_DIRECTION);
    assert_non_null(strstr(b.reasons[i], "our re-INVITE (re-key) answered 200"));
    assert_non_null(strstr(b.reasons[i], "new send key (" CM80 ")"));
    assert_int_equal(galois_sip_call_media(b.call, &m), GALOIS_ERR_OK);
    assert_int_equal(m.direction, GALOIS_SDP_SENDRECV);
    assert_int_equal(m.send.suite, GALOIS_SRTP_AES_CM_128_HMAC_SHA1_80);
    assert_memory_equal(m.send.keys[0].key, offered.keys[0].key_salt, 16);
    assert_memory_equal(m.send.keys[0].salt, offered.keys[0].key_salt + 16, 14);
    assert_memory_equal(m.receive.keys[0].key, before.receive.keys[0].key, 16);
    galois_sip_media_cleanup(&m);
    galois_sdes_crypto_cleanup(&offered);
    galois_sip_media_cleanup(&before);
    teardown_call(&b, &p);
}

// 488: reported with its Warning; keys, direction and SDP version stay as they were, so the
// next offer carries the same version and our old key.
static void test_refused_keeps_the_session(void **state)
{
    (void)state;
    struct bob b;
    struct peer p;
    setup_call(&b, &p);
    struct galois_sip_media before;
    assert_int_equal(galois_sip_call_media(b.call, &before), GALOIS_ERR_OK);
    assert_int_equal(modify(&b, GALOIS_SDP_SENDONLY, true), GALOIS_ERR_OK);
    unsigned cseq = expect_invite(&b, &p);
    assert_int_equal(o_version(p.msg, NULL, 0), 2);
    respond(&p, 488, "Not Acceptable Here", "Warning: 305 alice \"no thanks\"\r\n", NULL);
    char want[64];
    snprintf(want, sizeof(want), "CSeq: %u ACK\r\n", cseq);
    assert_true(wait_for(&b, &p, "ACK ", want, WAIT_MS));  // the transaction's ACK
    int i = last_event(&b, GALOIS_SIP_EV_UPDATED);
    assert_true(i >= 0);
    assert_true(b.local_offer[i]);
    assert_int_equal(b.statuses[i], 488);
    assert_int_equal(b.changes[i], 0);
    assert_non_null(strstr(b.reasons[i], "no thanks"));
    assert_non_null(strstr(b.reasons[i], "the session stays as it was"));
    assert_int_equal(last_event(&b, GALOIS_SIP_EV_ENDED), -1);
    struct galois_sip_media m;
    assert_int_equal(galois_sip_call_media(b.call, &m), GALOIS_ERR_OK);
    assert_int_equal(m.direction, GALOIS_SDP_SENDRECV);
    assert_memory_equal(m.send.keys[0].key, before.send.keys[0].key, 16);
    assert_memory_equal(m.receive.keys[0].key, before.receive.keys[0].key, 16);
    galois_sip_media_cleanup(&m);
    galois_sip_media_cleanup(&before);

    assert_int_equal(modify(&b, GALOIS_SDP_SENDONLY, false), GALOIS_ERR_OK);
    (void)expect_invite(&b, &p);
    assert_int_equal(o_version(p.msg, NULL, 0), 2);
    char key[128];
    inline_key(key, sizeof(key), p.msg);
    assert_string_equal(key, p.first_key);
    answer_200(&b, &p, 2, "recvonly");
    teardown_call(&b, &p);
}

// 491: reported with the wait, tried again once (a new CSeq, the same offer version) within
// the 0..2 s of the side that does not own the Call-ID; a second 491 is final.
static void test_glare_retried_once(void **state)
{
    (void)state;
    struct bob b;
    struct peer p;
    setup_call(&b, &p);
    assert_int_equal(modify(&b, GALOIS_SDP_SENDONLY, false), GALOIS_ERR_OK);
    unsigned first = expect_invite(&b, &p);
    respond(&p, 491, "Request Pending", NULL, NULL);
    uint64_t t0 = now_ms();
    int i = -1;
    for (int k = 0; k < 20 && i < 0; k++) {
        (void)turn(&b, &p, 20);
        i = last_event(&b, GALOIS_SIP_EV_UPDATED);
    }
    assert_true(i >= 0);
    assert_int_equal(b.statuses[i], 491);
    assert_true(b.retrying[i]);
    assert_non_null(strstr(b.reasons[i], "trying again in "));
    // While it waits, another modification is refused.
    assert_int_equal(modify(&b, GALOIS_SDP_SENDRECV, true), GALOIS_ERR_STATE);
    unsigned second = expect_invite(&b, &p);
    assert_true(second > first);
    assert_true(now_ms() - t0 <= 2000 + 300);
    assert_int_equal(o_version(p.msg, NULL, 0), 2);
    assert_non_null(strstr(p.msg, "\r\na=sendonly\r\n"));
    respond(&p, 491, "Request Pending", NULL, NULL);
    size_t events = b.num_events;
    // No third try: the 491 is final and reported as such.
    assert_false(wait_for(&b, &p, "INVITE ", NULL, 2600));
    assert_int_equal(b.num_events, events + 1);
    i = last_event(&b, GALOIS_SIP_EV_UPDATED);
    assert_int_equal(b.statuses[i], 491);
    assert_false(b.retrying[i]);
    assert_null(strstr(b.reasons[i], "trying again"));
    struct galois_sip_media m;
    assert_int_equal(galois_sip_call_media(b.call, &m), GALOIS_ERR_OK);
    assert_int_equal(m.direction, GALOIS_SDP_SENDRECV);
    galois_sip_media_cleanup(&m);
    teardown_call(&b, &p);
}

// A second modification while the first is in flight: GALOIS_ERR_STATE, and the peer's own
// re-INVITE gets 491; after the 200 a new one may go.
static void test_pending_refused(void **state)
{
    (void)state;
    struct bob b;
    struct peer p;
    setup_call(&b, &p);
    assert_int_equal(modify(&b, GALOIS_SDP_SENDONLY, false), GALOIS_ERR_OK);
    assert_int_equal(modify(&b, GALOIS_SDP_SENDRECV, false), GALOIS_ERR_STATE);
    (void)expect_invite(&b, &p);
    char ours[MSG_MAX];
    memcpy(ours, p.msg, sizeof(ours));
    char body[1024];
    answer_sdp(body, sizeof(body), 2, "sendonly");
    request(&p, "INVITE", 2, p.to_tag, body);
    assert_true(wait_for(&b, &p, "SIP/2.0 491", "CSeq: 2 INVITE", WAIT_MS));
    request(&p, "ACK", 2, p.to_tag, NULL);  // (a new branch: Bob absorbs it either way)
    memcpy(p.msg, ours, sizeof(ours));
    answer_200(&b, &p, 2, "recvonly");
    assert_int_equal(modify(&b, GALOIS_SDP_SENDRECV, false), GALOIS_ERR_OK);
    (void)expect_invite(&b, &p);
    answer_200(&b, &p, 3, "sendrecv");
    teardown_call(&b, &p);
}

// 401: the re-INVITE goes again with credentials, a new CSeq and the same offer.
static void test_digest_challenge(void **state)
{
    (void)state;
    struct bob b;
    struct peer p;
    setup_call(&b, &p);
    assert_int_equal(modify(&b, GALOIS_SDP_SENDRECV, true), GALOIS_ERR_OK);
    unsigned first = expect_invite(&b, &p);
    char key[128];
    inline_key(key, sizeof(key), p.msg);
    assert_null(strstr(p.msg, "Authorization:"));
    respond(&p, 401, "Unauthorized",
            "WWW-Authenticate: Digest realm=\"test\", nonce=\"abc123\", algorithm=MD5\r\n", NULL);
    unsigned second = expect_invite(&b, &p);
    assert_true(second > first);
    assert_non_null(strstr(p.msg, "\r\nAuthorization: Digest "));
    assert_non_null(strstr(p.msg, "username=\"bob\""));
    char key2[128];
    inline_key(key2, sizeof(key2), p.msg);
    assert_string_equal(key, key2);
    assert_int_equal(o_version(p.msg, NULL, 0), 2);
    answer_200(&b, &p, 2, "sendrecv");
    int i = last_event(&b, GALOIS_SIP_EV_UPDATED);
    assert_int_equal(b.statuses[i], 200);
    assert_int_equal(b.changes[i], GALOIS_SIP_CHANGED_SEND_KEY);
    teardown_call(&b, &p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hold_then_rekey),    cmocka_unit_test(test_refused_keeps_the_session),
        cmocka_unit_test(test_glare_retried_once), cmocka_unit_test(test_pending_refused),
        cmocka_unit_test(test_digest_challenge),
    };
    return cmocka_run_group_tests(tests, own_netns, NULL);
}
