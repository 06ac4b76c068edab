// The record framing of a received datagram (RFC 6347 §4.1), checked before OpenSSL sees it,
// so that a datagram that is not DTLS at all is counted and dropped with a reason of our own.
// OpenSSL drops bad records silently, and it is still the one that checks their contents.
#include "internal.h"

enum {
    RT_CHANGE_CIPHER_SPEC = 20,
    RT_APPLICATION_DATA = 23,
    DTLS_VERSION_MAJOR = 0xfe,      // DTLS 1.0 is 0xfeff, DTLS 1.2 0xfefd (one's complement)
    MAX_RECORD_LEN = 16384 + 2048,  // TLSCiphertext.length (RFC 5246 §6.2.3)
};

bool dtls_datagram_ok(const uint8_t *in, size_t in_len)
{
    struct galois_cur c;
    galois_cur_init(&c, in, in_len);
    if (galois_cur_len(&c) == 0) {
        return false;
    }
    while (galois_cur_len(&c) > 0) {
        uint8_t type = 0;
        uint16_t version = 0;
        uint16_t epoch = 0;
        uint16_t length = 0;
        struct galois_cur seq;
        struct galois_cur fragment;
        if (!galois_cur_u8(&c, &type) || !galois_cur_u16(&c, &version) ||
            !galois_cur_u16(&c, &epoch) || !galois_cur_take(&c, &seq, 6) ||
            !galois_cur_u16(&c, &length) || !galois_cur_take(&c, &fragment, length)) {
            return false;
        }
        // DTLS 1.3's unified header (RFC 9147 §4, first byte 001xxxxx) lands here too and is
        // refused: OpenSSL 3.0 has no DTLS 1.3.
        if (type < RT_CHANGE_CIPHER_SPEC || type > RT_APPLICATION_DATA ||
            (version >> 8) != DTLS_VERSION_MAJOR || length > MAX_RECORD_LEN) {
            return false;
        }
    }
    return true;
}
