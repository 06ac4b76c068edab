// JSON text the galois command writes (--json reports of call/answer, audit, webrtc).
#ifndef GALOIS_TOOLS_JSON_OUT_H
#define GALOIS_TOOLS_JSON_OUT_H

#include <stdio.h>

// tool_json_string writes the NUL-terminated `s` to `f` as a JSON string (RFC 8259 §7). Quote and
// backslash are escaped, and so are control characters and DEL (\u00XX). Valid UTF-8 passes
// as it is. A byte that does not start a valid UTF-8 sequence is written as \u00XX. Certificate
// fields, SIP reason phrases and browser strings need not be UTF-8, and the output is still
// valid JSON.
void tool_json_string(FILE *f, const char *s);

#endif  // GALOIS_TOOLS_JSON_OUT_H
