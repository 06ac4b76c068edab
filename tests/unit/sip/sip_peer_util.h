// What the crafted-peer tests of re-INVITEs share (reinvite_test.c, modify_test.c; ua_test.c
// keeps its own two-sided version): the agent under test (`struct bob`) with the events it
// reported, clocks and text helpers, and the network namespace each test program runs in (it
// needs root). Include it after cmocka.h, with MAX_EVENTS defined by the test.
#ifndef GALOIS_TESTS_SIP_PEER_UTIL_H
#define GALOIS_TESTS_SIP_PEER_UTIL_H

#include <errno.h>
#include <galois/galois.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

// bob is the galois agent under test and what its events said, in order.
struct bob {
    struct galois_sip_ua *ua;
    struct galois_sip_call *call;
    enum galois_sip_event_kind kinds[MAX_EVENTS];
    int statuses[MAX_EVENTS];
    unsigned changes[MAX_EVENTS];
    bool local_offer[MAX_EVENTS];
    bool retrying[MAX_EVENTS];
    char reasons[MAX_EVENTS][512];
    size_t num_events;
    struct galois_sip_media_local media;
};

// on_event records every event and answers an incoming call with b->media.
static inline void on_event(void *arg, const struct galois_sip_event *ev)
{
    struct bob *b = arg;
    if (b->num_events < MAX_EVENTS) {
        b->kinds[b->num_events] = ev->kind;
        b->statuses[b->num_events] = ev->status;
        b->changes[b->num_events] = ev->changes;
        b->local_offer[b->num_events] = ev->local_offer;
        b->retrying[b->num_events] = ev->retrying;
        snprintf(b->reasons[b->num_events], sizeof(b->reasons[0]), "%s", ev->reason);
        b->num_events++;
    }
    if (ev->kind == GALOIS_SIP_EV_INCOMING) {
        b->call = ev->call;
        assert_int_equal(galois_sip_call_answer(ev->call, &b->media), GALOIS_ERR_OK);
    }
}

// last_event returns the index of the last event of `kind`, or -1.
static inline int last_event(const struct bob *b, enum galois_sip_event_kind kind)
{
    for (size_t i = b->num_events; i > 0; i--) {
        if (b->kinds[i - 1] == kind) {
            return (int)(i - 1);
        }
    }
    return -1;
}

static inline size_t count_events(const struct bob *b, enum galois_sip_event_kind kind)
{
    size_t n = 0;
    for (size_t i = 0; i < b->num_events; i++) {
        n += b->kinds[i] == kind ? 1 : 0;
    }
    return n;
}

static inline uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

// field copies the rest of the line after the first `prefix` in `text` ("" when absent).
static inline void field(char *out, size_t max, const char *text, const char *prefix)
{
    out[0] = '\0';
    const char *s = strstr(text, prefix);
    if (s == NULL) {
        return;
    }
    s += strlen(prefix);
    size_t n = strcspn(s, "\r\n");
    snprintf(out, max, "%.*s", (int)n, s);
}

// own_netns moves the test program into a network namespace of its own with only lo up.
static inline int own_netns(void **state)
{
    (void)state;
    if (unshare(CLONE_NEWNET) != 0) {
        fprintf(stderr, "this test needs root to unshare a network namespace: %s\n",
                strerror(errno));
        return -1;
    }
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    struct ifreq ifr;
    memset(&ifr, 0, sizeof(ifr));
    snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "lo");
    if (fd < 0 || ioctl(fd, SIOCGIFFLAGS, &ifr) != 0) {
        if (fd >= 0) {
            close(fd);
        }
        return -1;
    }
    ifr.ifr_flags |= IFF_UP;
    int rc = ioctl(fd, SIOCSIFFLAGS, &ifr);
    close(fd);
    return rc == 0 ? 0 : -1;
}

#endif  // GALOIS_TESTS_SIP_PEER_UTIL_H
