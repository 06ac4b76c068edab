// galois demo: a secure call between two galois endpoints on loopback, in one process.
// Bob answers on a TLS listener with a throw-away self-signed certificate; Alice trusts that
// certificate only, calls him over TLS 1.3, and both offer/accept only AEAD_AES_256_GCM.
// Each sends a tone for three seconds; each reports what TLS and SDES negotiated, the media
// statistics and the tone it heard. The exit status is 0 only if everything came out as
// expected.
#include <arpa/inet.h>
#include <math.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cmds.h"
#include "endpoint.h"

enum {
    PEM_MAX = 8192,
    ALICE_HZ = 440,
    BOB_HZ = 880,
    TONE_TOLERANCE_HZ = 10,
};

#define DEMO_SUITE "AEAD_AES_256_GCM"

// free_port asks the kernel for a TCP port on 127.0.0.1 that nothing uses right now.
static uint16_t free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof(a);
    uint16_t port = 0;
    if (fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof(a)) == 0 &&
        getsockname(fd, (struct sockaddr *)&a, &len) == 0) {
        port = ntohs(a.sin_port);
    }
    if (fd >= 0) {
        close(fd);
    }
    return port;
}

// heard checks one side's report: TLS 1.3, the demo's suite, and the other side's tone.
static bool heard(const struct ep_call_report *r, const char *who, int want_hz)
{
    if (r == NULL) {
        printf("demo: %s has no report\n", who);
        return false;
    }
    bool ok = true;
    if (!r->have_tls || strcmp(r->tls.version, "TLSv1.3") != 0) {
        printf("demo: %s did not use TLS 1.3\n", who);
        ok = false;
    }
    if (!r->srtp || strcmp(r->suite, DEMO_SUITE) != 0) {
        printf("demo: %s did not use " DEMO_SUITE "\n", who);
        ok = false;
    }
    if (!r->have_tone || fabs(r->tone_hz - want_hz) > TONE_TOLERANCE_HZ || r->tone_purity < 0.5) {
        printf("demo: %s heard %.1f Hz (purity %.2f), not %d Hz\n", who, r->tone_hz, r->tone_purity,
               want_hz);
        ok = false;
    }
    return ok;
}

static bool set(struct ep_options *o, const char *name, const char *value)
{
    bool used = false;
    char why[EP_MAX_ERROR];
    if (!ep_option(o, name, value, &used, why, sizeof(why))) {
        fprintf(stderr, "galois demo: %s\n", why);
        return false;
    }
    return true;
}

int galois_demo_call(void)
{
    static char cert[PEM_MAX];
    static char key[PEM_MAX];
    galois_err err =
        galois_tls_self_signed(cert, sizeof(cert), key, sizeof(key), "bob.galois.test", 1);
    uint16_t port = free_port();
    if (err != GALOIS_ERR_OK || port == 0) {
        fprintf(stderr, "galois demo: cannot make a certificate or find a free port\n");
        return 1;
    }
    printf(
        "galois demo: a secure call on loopback\n\n"
        "Bob listens for SIP over TLS on 127.0.0.1:%u with a self-signed certificate; Alice\n"
        "trusts that certificate and nothing else. Both allow only TLS 1.3 and only the SRTP\n"
        "suite " DEMO_SUITE
        ", whose keys travel as SDES in the SDP inside TLS. Alice\n"
        "sends a %d Hz tone, Bob a %d Hz tone, for three seconds; each reports what was\n"
        "negotiated and what it heard.\n\n",
        (unsigned)port, ALICE_HZ, BOB_HZ);
    fflush(stdout);

    char listen[64];
    char target[96];
    snprintf(listen, sizeof(listen), "tls:127.0.0.1:%u", (unsigned)port);
    snprintf(target, sizeof(target), "sips:bob@127.0.0.1:%u", (unsigned)port);
    char tone_a[16];
    char tone_b[16];
    snprintf(tone_a, sizeof(tone_a), "%d", ALICE_HZ);
    snprintf(tone_b, sizeof(tone_b), "%d", BOB_HZ);

    struct ep_options bob;
    ep_options_default(&bob, EP_ANSWER);
    bob.name = "bob";
    bob.sip.tls.cert_pem = cert;
    bob.sip.tls.key_pem = key;
    bool ok = set(&bob, "user", "bob") && set(&bob, "listen", listen) &&
              set(&bob, "tls-min", "1.3") && set(&bob, "tls-verify", "no") &&
              set(&bob, "srtp-in", "mandatory:" DEMO_SUITE) && set(&bob, "tone", tone_b) &&
              set(&bob, "duration", "10") && set(&bob, "quiet", NULL);

    struct ep_options alice;
    ep_options_default(&alice, EP_CALL);
    alice.name = "alice";
    alice.sip.tls.ca_pem = cert;
    snprintf(alice.target, sizeof(alice.target), "%s", target);
    ok = ok && set(&alice, "user", "alice") && set(&alice, "tls-min", "1.3") &&
         set(&alice, "srtp-out", "mandatory:" DEMO_SUITE) && set(&alice, "tone", tone_a) &&
         set(&alice, "duration", "3") && set(&alice, "quiet", NULL);
    if (!ok) {
        return 1;
    }
    // Bob's TLS client side (unused here) must not ask for a CA either.
    struct endpoint *eps[2] = {NULL, NULL};
    char why[EP_MAX_ERROR];
    if (!ep_new(&eps[0], &bob, why, sizeof(why)) || !ep_new(&eps[1], &alice, why, sizeof(why))) {
        fprintf(stderr, "galois demo: %s\n", why);
        ep_free(eps[0]);
        return 1;
    }
    bool ran = ep_run(eps, 2);
    int rc_alice = ep_report(eps[1], stdout);
    printf("\n");
    int rc_bob = ep_report(eps[0], stdout);
    bool passed = ran && rc_alice == 0 && rc_bob == 0 &&
                  heard(ep_last_report(eps[1]), "alice", BOB_HZ) &&
                  heard(ep_last_report(eps[0]), "bob", ALICE_HZ);
    ep_free(eps[0]);
    ep_free(eps[1]);
    galois_secure_zero(key, sizeof(key));
    printf("\n%s\n", passed ? "demo: both sides negotiated TLS 1.3 and " DEMO_SUITE
                              ", and each heard the other's tone."
                            : "demo: FAILED (see above)");
    return passed ? 0 : 1;
}
