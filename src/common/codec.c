// base64 (RFC 4648 §4) and hex, for keys in SDES and on the command line.
#include <string.h>

#include "internal.h"

static const char b64_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

galois_err galois_base64_encode(char *out, size_t *out_len, size_t max_out_len, const uint8_t *in,
                                size_t in_len)
{
    size_t need = (in_len + 2) / 3 * 4;
    if (in_len > (SIZE_MAX - 3) / 4 * 3 || need + 1 > max_out_len) {
        return GALOIS_ERR_BUFFER;
    }
    size_t o = 0;
    for (size_t i = 0; i < in_len; i += 3) {
        uint32_t v = (uint32_t)in[i] << 16;
        if (i + 1 < in_len) {
            v |= (uint32_t)in[i + 1] << 8;
        }
        if (i + 2 < in_len) {
            v |= in[i + 2];
        }
        out[o++] = b64_alphabet[(v >> 18) & 63];
        out[o++] = b64_alphabet[(v >> 12) & 63];
        out[o++] = i + 1 < in_len ? b64_alphabet[(v >> 6) & 63] : '=';
        out[o++] = i + 2 < in_len ? b64_alphabet[v & 63] : '=';
    }
    out[o] = '\0';
    *out_len = o;
    return GALOIS_ERR_OK;
}

static int b64_value(uint8_t ch)
{
    const char *hit = ch == 0 ? NULL : strchr(b64_alphabet, ch);
    return hit == NULL ? -1 : (int)(hit - b64_alphabet);
}

galois_err galois_base64_decode(uint8_t *out, size_t *out_len, size_t max_out_len, const char *in,
                                size_t in_len)
{
    struct galois_cur c;
    galois_cur_init(&c, (const uint8_t *)in, in_len);
    if (in_len % 4 != 0) {
        return GALOIS_ERR_PARSE;
    }
    size_t o = 0;
    uint8_t q[4];
    while (galois_cur_copy(&c, q, 4)) {
        bool last = galois_cur_len(&c) == 0;
        int v[4];
        size_t pad = 0;
        for (size_t i = 0; i < 4; i++) {
            if (q[i] == '=' && last && i >= 2) {
                v[i] = 0;
                pad++;
            } else if (pad > 0 || (v[i] = b64_value(q[i])) < 0) {
                return GALOIS_ERR_PARSE;
            }
        }
        uint32_t w = ((uint32_t)v[0] << 18) | ((uint32_t)v[1] << 12) | ((uint32_t)v[2] << 6) |
                     (uint32_t)v[3];
        size_t n = 3 - pad;
        // Non-canonical encodings (bits set under the pad) are refused: one text, one value.
        if ((pad == 1 && (w & 0xff) != 0) || (pad == 2 && (w & 0xffff) != 0)) {
            return GALOIS_ERR_PARSE;
        }
        if (o + n > max_out_len) {
            return GALOIS_ERR_BUFFER;
        }
        uint8_t bytes[3] = {(uint8_t)(w >> 16), (uint8_t)(w >> 8), (uint8_t)w};
        memcpy(out + o, bytes, n);
        o += n;
    }
    *out_len = o;
    return GALOIS_ERR_OK;
}

static int hex_value(uint8_t ch)
{
    if (ch >= '0' && ch <= '9') {
        return ch - '0';
    }
    if (ch >= 'a' && ch <= 'f') {
        return ch - 'a' + 10;
    }
    if (ch >= 'A' && ch <= 'F') {
        return ch - 'A' + 10;
    }
    return -1;
}

galois_err galois_hex_decode(uint8_t *out, size_t *out_len, size_t max_out_len, const char *in,
                             size_t in_len)
{
    struct galois_cur c;
    galois_cur_init(&c, (const uint8_t *)in, in_len);
    if (in_len % 2 != 0) {
        return GALOIS_ERR_PARSE;
    }
    if (in_len / 2 > max_out_len) {
        return GALOIS_ERR_BUFFER;
    }
    size_t o = 0;
    uint8_t hi;
    uint8_t lo;
    while (galois_cur_u8(&c, &hi) && galois_cur_u8(&c, &lo)) {
        int h = hex_value(hi);
        int l = hex_value(lo);
        if (h < 0 || l < 0) {
            return GALOIS_ERR_PARSE;
        }
        out[o++] = (uint8_t)((h << 4) | l);
    }
    *out_len = o;
    return GALOIS_ERR_OK;
}
