// Fuzz target: the HTTP bodies `galois webrtc` takes from anyone who reaches its port
// (tools/galois/webrtc_json.c), and the offer checks behind POST /offer
// (tools/galois/webrtc_offer.c). Properties:
// - whatever the bytes, nothing reads past them (ASan) and every text written stays
//   NUL-terminated within its room;
// - an accepted offer body round-trips: its SDP, escaped again by wr_json_escape into a fresh
//   {"type":"offer","sdp":...} body, is valid JSON and decodes to the same SDP;
// - an accepted offer SDP always has an audio section, ICE credentials and a fingerprint.
#include <stdlib.h>
#include <string.h>

#include "common/internal.h"
#include "webrtc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { MAX_SDP = 8192 };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char sdp[MAX_SDP];
    static char again[MAX_SDP];
    static char body[6 * MAX_SDP + 64];  // an escape takes at most 6 bytes a byte
    char why[WR_MAX_ERROR];
    // A copy without a NUL after it, so that reading past `size` is caught by ASan.
    uint8_t *in = malloc(size == 0 ? 1 : size);
    GALOIS_CHECK(in != NULL);
    if (size > 0) {
        memcpy(in, data, size);
    }
    bool valid = wr_json_valid(in, size);
    struct galois_rd v;
    if (valid && wr_json_member(&v, in, size, "ok")) {
        (void)wr_json_is_true(v);
    }
    size_t sdp_len = 0;
    why[0] = '\0';
    bool ok = wr_offer_body(sdp, sizeof(sdp), &sdp_len, in, size, why, sizeof(why));
    free(in);
    GALOIS_CHECK(strnlen(why, sizeof(why)) < sizeof(why));
    if (!ok) {
        return 0;
    }
    GALOIS_CHECK(valid);
    GALOIS_CHECK(sdp_len > 0 && sdp_len == strlen(sdp));

    // round trip through our own writer
    size_t n = 0;
    static const char head[] = "{\"type\":\"offer\",\"sdp\":";
    memcpy(body, head, sizeof(head) - 1);
    GALOIS_CHECK(
        wr_json_escape(body + sizeof(head) - 1, sizeof(body) - sizeof(head) - 1, &n, sdp, sdp_len));
    size_t len = sizeof(head) - 1 + n;
    body[len++] = '}';
    GALOIS_CHECK(wr_json_valid((const uint8_t *)body, len));
    size_t again_len = 0;
    GALOIS_CHECK(wr_offer_body(again, sizeof(again), &again_len, (const uint8_t *)body, len, why,
                               sizeof(why)));
    GALOIS_CHECK(again_len == sdp_len && memcmp(again, sdp, sdp_len) == 0);

    struct wr_offer offer;
    if (wr_offer_check(&offer, sdp, sdp_len, why, sizeof(why))) {
        GALOIS_CHECK(offer.audio_index < offer.num_media);
        GALOIS_CHECK(offer.num_fps >= 1 && offer.num_fps <= GALOIS_DTLS_MAX_REMOTE_FINGERPRINTS);
        GALOIS_CHECK(offer.ufrag[0] != '\0' && offer.pwd[0] != '\0' && offer.rtcp_mux);
    }
    GALOIS_CHECK(strnlen(why, sizeof(why)) < sizeof(why));
    return 0;
}
