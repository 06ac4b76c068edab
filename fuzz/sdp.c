// Fuzz target: the SDP parser and writer (RFC 8866), and the SDES negotiation over what it
// parses. An accepted description is written, parsed back and written again to the same text.
// Then the input is answered as an offer (the answer skeleton, galois_sdes_answer under a
// policy the first byte picks), the answer is written and parsed back; and the input is taken
// as the answer to an offer of ours (galois_sdes_answer_received).
#include <string.h>

#include "sdes/internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char first[GALOIS_SDP_MAX_LEN * 2];
static char second[GALOIS_SDP_MAX_LEN * 2];

static void roundtrip(const struct galois_sdp *sdp)
{
    size_t n1 = 0;
    size_t n2 = 0;
    struct galois_sdp *again = NULL;
    GALOIS_CHECK(galois_sdp_write(first, &n1, sizeof(first), sdp) == GALOIS_ERR_OK);
    if (n1 > GALOIS_SDP_MAX_LEN) {
        return;  // a description may grow past what the parser takes
    }
    GALOIS_CHECK(galois_sdp_parse(&again, NULL, first, n1) == GALOIS_ERR_OK);
    GALOIS_CHECK(galois_sdp_write(second, &n2, sizeof(second), again) == GALOIS_ERR_OK);
    GALOIS_CHECK(n1 == n2 && memcmp(first, second, n1) == 0);
    galois_sdp_free(again);
}

static void policy_for(struct galois_sdes_policy *p, uint8_t sel)
{
    galois_sdes_policy_default(p, (enum galois_sdes_mode)(sel % 3));
    if (p->mode == GALOIS_SDES_FORBIDDEN) {
        return;
    }
    p->pick = (sel & 4) != 0 ? GALOIS_SDES_PICK_THEIRS : GALOIS_SDES_PICK_OURS;
    p->cryptex = (enum galois_sdes_feature)((sel >> 3) & 3);
    p->hdrext = (enum galois_sdes_feature)((sel >> 5) & 3);
    p->allow = (sel & 0x80) != 0 ? 7u : 0u;
    p->suites[p->num_suites++] = GALOIS_SRTP_AES_CM_128_HMAC_SHA1_32;
    p->suites[p->num_suites++] = GALOIS_SRTP_NULL_HMAC_SHA1_80;
}

static void answer(const struct galois_sdp *offer, uint8_t sel)
{
    struct galois_sdes_policy p;
    struct galois_sdes_session *s = NULL;
    struct galois_sdes_result *res = NULL;
    struct galois_sdp *ans = NULL;
    struct galois_sdp_answer_options o = {.address = "192.0.2.1", .first_port = 1000};
    char reason[2048];
    size_t off = 0;
    policy_for(&p, sel);
    GALOIS_CHECK(galois_sdes_session_new(&s, &p) == GALOIS_ERR_OK);
    if (galois_sdp_answer_new(&ans, offer, &o) == GALOIS_ERR_OK) {
        galois_err err =
            galois_sdes_answer(s, ans, &res, &off, reason, sizeof(reason), offer, (sel & 1) != 0);
        GALOIS_CHECK((err == GALOIS_ERR_OK) == (res != NULL));
        GALOIS_CHECK(err != GALOIS_ERR_POLICY || strlen(reason) > 0);
        if (err == GALOIS_ERR_OK) {
            roundtrip(ans);
        }
    }
    galois_sdes_result_free(res);
    galois_sdp_free(ans);
    galois_sdes_session_free(s);
}

static void answer_received(const struct galois_sdp *answer_sdp, uint8_t sel)
{
    static const char skeleton[] =
        "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nt=0 0\r\n"
        "m=audio 1 RTP/AVP 0\r\na=extmap:1 urn:x\r\n"
        "m=video 3 RTP/AVPF 96\r\n";
    struct galois_sdes_policy p;
    struct galois_sdes_session *s = NULL;
    struct galois_sdes_result *res = NULL;
    struct galois_sdp *offer = NULL;
    char reason[2048];
    policy_for(&p, sel);
    GALOIS_CHECK(galois_sdes_session_new(&s, &p) == GALOIS_ERR_OK);
    GALOIS_CHECK(galois_sdp_parse(&offer, NULL, skeleton, sizeof(skeleton) - 1) == GALOIS_ERR_OK);
    GALOIS_CHECK(galois_sdes_offer(s, offer, false) == GALOIS_ERR_OK);
    galois_err err = galois_sdes_answer_received(s, &res, NULL, reason, sizeof(reason), answer_sdp);
    GALOIS_CHECK((err == GALOIS_ERR_OK) == (res != NULL));
    galois_sdes_result_free(res);
    galois_sdp_free(offer);
    galois_sdes_session_free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct galois_sdp *sdp = NULL;
    size_t off = 0;
    uint8_t sel = size > 0 ? data[size - 1] : 0;
    if (galois_sdp_parse(&sdp, &off, (const char *)data, size) != GALOIS_ERR_OK) {
        GALOIS_CHECK(sdp == NULL && off <= size);
        return 0;
    }
    roundtrip(sdp);
    answer(sdp, sel);
    answer_received(sdp, sel);
    galois_sdp_free(sdp);
    return 0;
}
