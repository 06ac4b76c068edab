// Fuzz target: the headers `galois audit` reads from a server's OPTIONS response
// (tools/galois/audit_sip_parse.c). Whatever the bytes, the fields it fills stay NUL-terminated
// within their room, hold no control bytes, and nothing else of the result is touched.
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "common/internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_field(const char *s, size_t room)
{
    size_t n = strnlen(s, room);
    GALOIS_CHECK(n < room);
    for (size_t i = 0; i < n; i++) {
        GALOIS_CHECK((unsigned char)s[i] >= 0x20 && (unsigned char)s[i] != 0x7f);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct audit_sip out;
    static struct audit_sip zero;
    // A copy without a NUL after it, so that reading past `size` is caught by ASan.
    char *text = malloc(size == 0 ? 1 : size);
    GALOIS_CHECK(text != NULL);
    if (size > 0) {
        memcpy(text, data, size);
    }
    memset(&out, 0, sizeof(out));
    audit_sip_parse_options(&out, text, size);
    free(text);
    check_field(out.allow, sizeof(out.allow));
    check_field(out.supported, sizeof(out.supported));
    check_field(out.user_agent, sizeof(out.user_agent));
    // Only the three header fields may change.
    memset(out.allow, 0, sizeof(out.allow));
    memset(out.supported, 0, sizeof(out.supported));
    memset(out.user_agent, 0, sizeof(out.user_agent));
    GALOIS_CHECK(memcmp(&out, &zero, sizeof(out)) == 0);
    return 0;
}
