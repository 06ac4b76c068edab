// Fuzz target: SIP messages (src/sip). The input is read four ways: as a TCP/TLS stream cut by
// galois_sip_frame, each message it frames parsed and checked; as one datagram for
// galois_sip_msg_parse; as a WWW-Authenticate value for galois_sip_challenge_parse; and as a
// target URI and a host:port text. Every message the checks accept goes through every helper and
// is written back; the written text must frame as exactly one message and parse again to the
// same tags, CSeq and body (the round trip of STYLE.md C9). An accepted challenge must yield a
// response.
#include <string.h>

#include "common/internal.h"
#include "sip/msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool same_str(const char *a, const char *b)
{
    return (a == NULL && b == NULL) || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

static void check_why(const char *why, size_t max_why)
{
    GALOIS_CHECK(memchr(why, 0, max_why) != NULL);
}

// roundtrip writes `m`, frames and parses the text, and compares what the UA reads from it.
static void roundtrip(osip_message_t *m)
{
    static uint8_t out[GALOIS_SIP_MAX_MSG];
    char why[256];
    size_t len = 0;
    galois_err err = galois_sip_msg_write(out, &len, sizeof(out), m);
    if (err != GALOIS_ERR_OK) {
        GALOIS_CHECK(err == GALOIS_ERR_LIMIT || err == GALOIS_ERR_INVALID);
        return;
    }
    size_t framed = 0;
    GALOIS_CHECK(galois_sip_frame(out, len, &framed, why, sizeof(why)) == GALOIS_SIP_FRAME_MESSAGE);
    GALOIS_CHECK(framed == len);
    osip_message_t *again = NULL;
    GALOIS_CHECK(galois_sip_msg_parse(&again, out, len, why, sizeof(why)) == GALOIS_ERR_OK);
    GALOIS_CHECK(same_str(galois_sip_msg_from_tag(m), galois_sip_msg_from_tag(again)));
    GALOIS_CHECK(same_str(galois_sip_msg_to_tag(m), galois_sip_msg_to_tag(again)));
    GALOIS_CHECK(same_str(galois_sip_msg_branch(m), galois_sip_msg_branch(again)));
    uint32_t n1 = 0;
    uint32_t n2 = 0;
    const char *m1 = NULL;
    const char *m2 = NULL;
    GALOIS_CHECK(galois_sip_msg_cseq(again, &n2, &m2));
    GALOIS_CHECK(galois_sip_msg_cseq(m, &n1, &m1) && n1 == n2 && strcmp(m1, m2) == 0);
    size_t l1 = 0;
    size_t l2 = 0;
    const char *b1 = galois_sip_msg_sdp(m, &l1);
    const char *b2 = galois_sip_msg_sdp(again, &l2);
    GALOIS_CHECK((b1 == NULL) == (b2 == NULL) && l1 == l2);
    GALOIS_CHECK(b1 == NULL || memcmp(b1, b2, l1) == 0);
    osip_message_free(again);
}

static void check_message(const uint8_t *p, size_t n)
{
    char why[256];
    osip_message_t *m = (osip_message_t *)&why;
    galois_err err = galois_sip_msg_parse(&m, p, n, why, sizeof(why));
    check_why(why, sizeof(why));
    if (err != GALOIS_ERR_OK) {
        GALOIS_CHECK(m == NULL && why[0] != '\0');
        return;
    }
    // What the checks promise, the helpers must find.
    uint32_t num = 0;
    const char *method = NULL;
    GALOIS_CHECK(galois_sip_msg_cseq(m, &num, &method) && num <= 0x7fffffffu);
    GALOIS_CHECK(galois_sip_msg_branch(m) != NULL);
    GALOIS_CHECK(galois_sip_msg_from_tag(m) != NULL);
    GALOIS_CHECK(MSG_IS_RESPONSE(m) ? (m->status_code >= 100 && m->status_code <= 699)
                                    : strcmp(method, m->sip_method) == 0);
    (void)galois_sip_msg_to_tag(m);
    (void)galois_sip_msg_branch_is_rfc3261(m);
    struct galois_sip_via via;
    (void)galois_sip_msg_via(m, &via);
    size_t sdp_len = 0;
    const char *sdp = galois_sip_msg_sdp(m, &sdp_len);
    GALOIS_CHECK((sdp == NULL) == (sdp_len == 0));
    roundtrip(m);
    osip_message_free(m);
}

static void check_stream(const uint8_t *data, size_t size)
{
    size_t off = 0;
    char why[256];
    for (unsigned i = 0; i < 64 && off < size; i++) {
        size_t n = 99;
        enum galois_sip_frame f = galois_sip_frame(data + off, size - off, &n, why, sizeof(why));
        check_why(why, sizeof(why));
        if (f == GALOIS_SIP_FRAME_MORE || f == GALOIS_SIP_FRAME_ERROR) {
            GALOIS_CHECK(n == 0);
            GALOIS_CHECK(f == GALOIS_SIP_FRAME_MORE || why[0] != '\0');
            return;
        }
        GALOIS_CHECK(n > 0 && n <= size - off && n <= GALOIS_SIP_MAX_MSG);
        GALOIS_CHECK(f != GALOIS_SIP_FRAME_PING || n == 4);
        GALOIS_CHECK(f != GALOIS_SIP_FRAME_PONG || n == 2);
        if (f == GALOIS_SIP_FRAME_MESSAGE) {
            check_message(data + off, n);
        }
        off += n;
    }
}

static void check_challenge(const uint8_t *data, size_t size)
{
    struct galois_sip_challenge ch[2];
    char why[256];
    if (galois_sip_challenge_parse(&ch[0], (const char *)data, size, why, sizeof(why)) !=
        GALOIS_ERR_OK) {
        check_why(why, sizeof(why));
        return;
    }
    ch[1] = ch[0];
    ch[1].alg = GALOIS_SIP_DIGEST_MD5;
    int best = galois_sip_challenge_choose(ch, 2);
    GALOIS_CHECK(best == 0 || (best == 1 && ch[0].alg == GALOIS_SIP_DIGEST_MD5_SESS));
    // Values are at most 255 bytes, so escaped they fit in 2 KiB.
    static char out[4096];
    GALOIS_CHECK(galois_sip_digest_response(out, sizeof(out), &ch[0], "user", "secret", "INVITE",
                                            "sip:127.0.0.1", 1, "0a4f113b") == GALOIS_ERR_OK);
    GALOIS_CHECK(strpbrk(out, "\r\n") == NULL);
}

static void check_target(const uint8_t *data, size_t size)
{
    char text[512];
    char why[256];
    size_t n = size < sizeof(text) - 1 ? size : sizeof(text) - 1;
    memcpy(text, data, n);
    text[n] = '\0';
    struct galois_sip_target t;
    if (galois_sip_target_parse(&t, text, why, sizeof(why)) == GALOIS_ERR_OK) {
        GALOIS_CHECK(t.host[0] != '\0' && t.transport >= GALOIS_SIP_TRANSPORT_UDP &&
                     t.transport <= GALOIS_SIP_TRANSPORT_TLS);
        GALOIS_CHECK(!t.sips || t.transport == GALOIS_SIP_TRANSPORT_TLS);
    }
    check_why(why, sizeof(why));
    if (galois_sip_hostport_parse(&t, text, why, sizeof(why)) == GALOIS_ERR_OK) {
        GALOIS_CHECK(t.host[0] != '\0' && t.port != 0);
    }
    check_why(why, sizeof(why));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    check_stream(data, size);
    check_message(data, size);
    check_challenge(data, size);
    check_target(data, size);
    return 0;
}
