// RFC 7983 §7: the first byte of a datagram on a WebRTC 5-tuple says which protocol it is.
#include "internal.h"

enum galois_demux galois_demux_classify(uint8_t first_byte)
{
    if (first_byte <= 3) {
        return GALOIS_DEMUX_STUN;
    }
    if (first_byte >= 16 && first_byte <= 19) {
        return GALOIS_DEMUX_ZRTP;
    }
    if (first_byte >= 20 && first_byte <= 63) {
        return GALOIS_DEMUX_DTLS;
    }
    if (first_byte >= 64 && first_byte <= 79) {
        return GALOIS_DEMUX_TURN_CHANNEL;
    }
    if (first_byte >= 128 && first_byte <= 191) {
        return GALOIS_DEMUX_RTP;
    }
    return GALOIS_DEMUX_UNKNOWN;
}

const char *galois_demux_name(enum galois_demux d)
{
    switch (d) {
        case GALOIS_DEMUX_STUN:
            return "stun";
        case GALOIS_DEMUX_ZRTP:
            return "zrtp";
        case GALOIS_DEMUX_DTLS:
            return "dtls";
        case GALOIS_DEMUX_TURN_CHANNEL:
            return "turn-channel";
        case GALOIS_DEMUX_RTP:
            return "rtp";
        case GALOIS_DEMUX_UNKNOWN:
        default:
            return "unknown";
    }
}
