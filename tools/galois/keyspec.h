// galois tool: SDES inline keys given on the command line (RFC 4568 §9.2 key-params).
#ifndef GALOIS_TOOLS_KEYSPEC_H
#define GALOIS_TOOLS_KEYSPEC_H

#include <galois/srtp.h>
#include <stdio.h>

// galois_tool_key is one master key parsed from `SUITE:inline:BASE64[|LIFETIME][|MKI:LEN]`.
// It holds key material: wipe it with galois_tool_key_wipe.
struct galois_tool_key {
    enum galois_srtp_suite suite;
    struct galois_srtp_master_key master;  // key, salt, MKI (first mki_len bytes), lifetime
    size_t mki_len;                        // 0 when packets carry no MKI
};

enum {
    GALOIS_TOOL_KEY_WHY_LEN = 160,  // room for a galois_tool_key_parse reason
    GALOIS_TOOL_KEY_SHOW_LEN = 256  // room for galois_tool_key_redact's text
};

// galois_tool_key_parse parses `spec`, the SDES form `SUITE:inline:BASE64[|LIFETIME][|MKI:LEN]`
// (a space may stand for the first colon, as `galois keygen` prints it). SUITE is a standard
// suite name, BASE64 the key||salt (padding optional), LIFETIME `2^N` or decimal, MKI a decimal
// value and LEN its length in bytes (1..128). On failure it returns false, leaves `*out` wiped
// and writes into `why` a reason that holds no key material.
bool galois_tool_key_parse(struct galois_tool_key *out, char *why, size_t why_len,
                           const char *spec);

// galois_tool_key_redact writes `spec` with its base64 key replaced by `<key>` into `out`, so
// an error message can name the argument without printing key material.
void galois_tool_key_redact(char *out, size_t out_len, const char *spec);

// galois_tool_key_wipe erases the key material in `key`.
void galois_tool_key_wipe(struct galois_tool_key *key);

// galois_tool_print_suites writes the standard suite names to `f`, comma-separated, three to
// a line; lines after the first are indented by two spaces.
void galois_tool_print_suites(FILE *f);

#endif  // GALOIS_TOOLS_KEYSPEC_H
