// Fuzz target: RFC 7983 demultiplexing of the one WebRTC socket. galois_demux_classify (from
// the dtls layer) must agree with the ranges of RFC 7983 §7 written out again here, name every
// class, and hand the STUN parser only what it may parse: every message galois_stun_parse
// accepts with a method below 0x80 is classified STUN, and nothing it accepts starts with a
// byte of the DTLS, TURN channel or RTP ranges.
#include <galois/dtls.h>
#include <galois/ice.h>
#include <string.h>

#include "common/internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static enum galois_demux expected(uint8_t b)
{
    if (b <= 3) {
        return GALOIS_DEMUX_STUN;
    }
    if (b >= 16 && b <= 19) {
        return GALOIS_DEMUX_ZRTP;
    }
    if (b >= 20 && b <= 63) {
        return GALOIS_DEMUX_DTLS;
    }
    if (b >= 64 && b <= 79) {
        return GALOIS_DEMUX_TURN_CHANNEL;
    }
    if (b >= 128 && b <= 191) {
        return GALOIS_DEMUX_RTP;
    }
    return GALOIS_DEMUX_UNKNOWN;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0) {
        return 0;
    }
    enum galois_demux d = galois_demux_classify(data[0]);
    GALOIS_CHECK(d == expected(data[0]));
    const char *name = galois_demux_name(d);
    GALOIS_CHECK(name != NULL && name[0] != '\0');
    GALOIS_CHECK((d == GALOIS_DEMUX_UNKNOWN) == (strcmp(name, "unknown") == 0));

    struct galois_stun_msg m;
    if (galois_stun_parse(&m, data, size) == GALOIS_ERR_OK) {
        GALOIS_CHECK(data[0] < 64);  // the two top bits of a STUN message are zero
        GALOIS_CHECK(m.method >= 0x80 || d == GALOIS_DEMUX_STUN);
    }
    return 0;
}
