// The JSON string writer of json_out.h.
#include "json_out.h"

#include <stddef.h>
#include <stdint.h>

// utf8_len returns the length of the valid UTF-8 sequence at `p` (RFC 3629 §4: no overlong
// forms, no surrogates, nothing above U+10FFFF), or 0.
static size_t utf8_len(const unsigned char *p)
{
    unsigned char c = p[0];
    size_t more;
    unsigned char lo = 0x80;
    unsigned char hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
        more = 1;
    } else if (c >= 0xE0 && c <= 0xEF) {
        more = 2;
        lo = c == 0xE0 ? 0xA0 : 0x80;
        hi = c == 0xED ? 0x9F : 0xBF;
    } else if (c >= 0xF0 && c <= 0xF4) {
        more = 3;
        lo = c == 0xF0 ? 0x90 : 0x80;
        hi = c == 0xF4 ? 0x8F : 0xBF;
    } else {
        return 0;
    }
    for (size_t i = 1; i <= more; i++) {
        if (p[i] < lo || p[i] > hi) {  // a NUL ends the string and fails here too
            return 0;
        }
        lo = 0x80;
        hi = 0xBF;
    }
    return more + 1;
}

void tool_json_string(FILE *f, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    fputc('"', f);
    while (*p != '\0') {
        unsigned char c = *p;
        if (c == '"' || c == '\\') {
            fprintf(f, "\\%c", c);
            p++;
        } else if (c < 0x20 || c == 0x7F) {
            fprintf(f, "\\u%04x", c);
            p++;
        } else if (c < 0x80) {
            fputc(c, f);
            p++;
        } else {
            size_t n = utf8_len(p);
            if (n == 0) {
                fprintf(f, "\\u%04x", c);
                p++;
            } else {
                fwrite(p, 1, n, f);
                p += n;
            }
        }
    }
    fputc('"', f);
}
