// G.711 mu-law and A-law (ITU-T G.711), on 16-bit linear samples. The encoders truncate
// toward zero within a segment as the reference code does; the decoders return the value
// G.711's tables give for each code.
#include "internal.h"

enum {
    ULAW_BIAS = 0x84,  // 132: moves segment edges to powers of two
    ULAW_CLIP = 32635,
};

// top_bit returns the index of the highest set bit of `v` (v > 0).
static unsigned top_bit(uint32_t v)
{
    unsigned n = 0;
    while (v > 1) {
        v >>= 1;
        n++;
    }
    return n;
}

uint8_t galois_g711_ulaw_encode(int16_t s)
{
    int32_t v = s;
    uint8_t sign = 0;
    if (v < 0) {
        v = -v;
        sign = 0x80;
    }
    if (v > ULAW_CLIP) {
        v = ULAW_CLIP;
    }
    v += ULAW_BIAS;  // 132 .. 32767: bit 7 .. 14 is the highest
    unsigned exponent = top_bit((uint32_t)v) - 7;
    unsigned mantissa = ((uint32_t)v >> (exponent + 3)) & 0x0f;
    return (uint8_t) ~(sign | (exponent << 4) | mantissa);
}

int16_t galois_g711_ulaw_decode(uint8_t u)
{
    unsigned c = (uint8_t)~u;
    unsigned exponent = (c >> 4) & 0x07;
    unsigned mantissa = c & 0x0f;
    int32_t t = (int32_t)((((mantissa << 3) + ULAW_BIAS) << exponent) - ULAW_BIAS);
    return (int16_t)((c & 0x80) ? -t : t);
}

uint8_t galois_g711_alaw_encode(int16_t s)
{
    int32_t v = s >> 3;   // A-law works on 13 bits
    uint8_t mask = 0xd5;  // positive: sign bit set, even bits inverted
    if (v < 0) {
        mask = 0x55;
        v = -v - 1;
    }
    if (v > 0xfff) {
        return (uint8_t)(0x7f ^ mask);
    }
    unsigned seg = v < 0x20 ? 0 : top_bit((uint32_t)v) - 4;
    unsigned shift = seg < 2 ? 1 : seg;
    unsigned a = (seg << 4) | (((uint32_t)v >> shift) & 0x0f);
    return (uint8_t)(a ^ mask);
}

int16_t galois_g711_alaw_decode(uint8_t a)
{
    unsigned c = a ^ 0x55u;
    unsigned seg = (c >> 4) & 0x07;
    int32_t t = (int32_t)((c & 0x0f) << 4);
    if (seg == 0) {
        t += 8;
    } else {
        t = (t + 0x108) << (seg - 1);
    }
    return (int16_t)((c & 0x80) ? t : -t);
}
