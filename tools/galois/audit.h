// `galois audit`: what a SIP server's TLS accepts, what its SIP side answers to one SRTP suite
// at a time, and a grade with reasons. The probes (audit_tls.c, audit_sip.c) fill plain data;
// the grade (audit_grade.c) is a pure function of that data, so it is unit-tested without a
// network; audit.c parses the command line and prints the report. docs/AUDIT.md has the rules.
#ifndef GALOIS_TOOLS_AUDIT_H
#define GALOIS_TOOLS_AUDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
    AUDIT_MAX_HOST = 256,
    AUDIT_MAX_NAME = 128,     // a cipher, suite, group or header value
    AUDIT_MAX_TEXT = 512,     // a line of human text (subjects, errors, header lists)
    AUDIT_MAX_CIPHERS = 160,  // accepted ciphers per version
    AUDIT_MAX_GROUPS = 16,
    AUDIT_MAX_PROBES = 16,  // SRTP offers
    AUDIT_MAX_REASONS = 48,
    AUDIT_NUM_VERSIONS = 4,  // TLS 1.0, 1.1, 1.2, 1.3: index 0..3
};

// audit_target is what the command line asked for. Hosts are names or IP literals (IPv6
// without brackets).
struct audit_target {
    char uri[AUDIT_MAX_HOST];   // as given: "sips:bob@127.0.0.1:5061"
    char user[AUDIT_MAX_NAME];  // the user part of the URI ("" when it has none)
    char host[AUDIT_MAX_HOST];  // where to connect
    uint16_t port;              // 5061 when the URI has none
    char sni[AUDIT_MAX_HOST];   // --sni: the name sent and checked instead of host; "" = host
    char ca_file[1024];         // --ca: trusted CAs; "" = OpenSSL's system defaults
    char from[AUDIT_MAX_HOST];  // --from: our URI for SIP probes; "" = sip:audit@<local addr>
    unsigned timeout_ms;        // --timeout: per connection or per transaction
    char auth_user[64];         // --user: Digest user name for a server that challenges
    char password[128];         // --password (wiped when the command ends)
};

// --- TLS -----------------------------------------------------------------------------------

// audit_cipher is one cipher suite the server accepted.
struct audit_cipher {
    char name[AUDIT_MAX_NAME];  // OpenSSL's name: "ECDHE-RSA-AES128-GCM-SHA256"
    char iana[AUDIT_MAX_NAME];  // IANA name, "" if OpenSSL has none
    char kx[32];                // key exchange: "ECDH", "DH", "RSA", "any" (TLS 1.3) ...
    char auth[32];              // "RSA", "ECDSA", "any" ...
    char enc[48];               // "AESGCM(128)", "AES(128)", "CHACHA20/POLY1305(256)" ...
    char mac[32];               // "AEAD", "SHA1", "SHA256" ...
    bool aead;                  // an AEAD cipher
    bool forward_secret;        // ECDHE/DHE key exchange (always true for TLS 1.3)
    int bits;                   // symmetric strength in bits
};

struct audit_version {
    bool tested;    // a probe ran (false when the local OpenSSL cannot speak this version)
    bool accepted;  // the server completed a handshake at this version
    char note[AUDIT_MAX_TEXT];  // why not tested, or the server's alert when refused
    size_t num_ciphers;
    struct audit_cipher ciphers[AUDIT_MAX_CIPHERS];  // every accepted one (enumerated)
    char server_order[16];                           // "server", "client" or "" (unknown)
};

struct audit_cert {
    bool present;
    char subject[AUDIT_MAX_TEXT];
    char issuer[AUDIT_MAX_TEXT];
    char not_before[32];  // "2026-11-26T10:00:00Z"
    char not_after[32];
    long days_left;  // until not_after, negative once expired
    bool expired;
    bool not_yet_valid;
    char key_type[16];  // "RSA", "EC", "Ed25519" ...
    int key_bits;
    char sig_alg[64];                   // "sha256WithRSAEncryption", "ecdsa-with-SHA256" ...
    bool self_signed;                   // the leaf is its own issuer
    bool chain_verified;                // the chain verified against the CA file (or the system's)
    char verify_error[AUDIT_MAX_TEXT];  // OpenSSL's reason when it did not
    bool name_matched;  // the host (or --sni) matches the certificate (RFC 5922 §7.1 rules)
    size_t chain_len;   // certificates the server sent
    char names[AUDIT_MAX_TEXT];  // subjectAltNames, comma-separated
};

struct audit_tls {
    bool reachable;                                     // a TCP connection was made
    bool handshake;                                     // at least one handshake completed
    char error[AUDIT_MAX_TEXT];                         // when !reachable or !handshake: why
    struct audit_version versions[AUDIT_NUM_VERSIONS];  // [0]=1.0 [1]=1.1 [2]=1.2 [3]=1.3
    size_t num_groups;
    char groups[AUDIT_MAX_GROUPS][32];  // accepted key exchange groups ("x25519", "secp256r1")
    bool groups_tested;
    struct audit_cert cert;
    bool resumption_tested;
    bool resumption;  // a session was resumed (ticket or ID)
    bool renegotiation_tested;
    bool secure_renegotiation;  // RFC 5746 offered by the server (TLS 1.2)
    bool compression;           // TLS compression negotiated (CRIME)
};

// audit_tls_run probes target `t` and fills `out` (zeroed first). Returns 0 when the server
// answered at least one handshake, 2 when it could not be reached or no handshake completed
// (out->error says why). Never fails the process for a refused probe: that is data.
int audit_tls_run(const struct audit_target *t, struct audit_tls *out);

// --- SIP -----------------------------------------------------------------------------------

enum audit_offer_kind {
    AUDIT_OFFER_SRTP = 0,  // RTP/SAVP with one a=crypto of `suite`
    AUDIT_OFFER_PLAIN,     // RTP/AVP, no a=crypto
};

// audit_probe is one INVITE and what came back.
struct audit_probe {
    enum audit_offer_kind kind;
    char suite[AUDIT_MAX_NAME];   // offered suite ("" for plain RTP)
    char params[AUDIT_MAX_NAME];  // session parameters offered with it ("UNAUTHENTICATED_SRTP")
    char label[AUDIT_MAX_NAME];   // how the report names the offer: the suite, the suite with
                                  // its parameters, or "RTP/AVP (no SRTP)"
    bool sent;                    // the INVITE went out
    int status;                   // final status, 0 if none (timeout: see error)
    char reason[AUDIT_MAX_TEXT];  // reason phrase or Warning text, or what went wrong
    bool accepted;                // 2xx with usable media of the offered kind
    char answer_suite[AUDIT_MAX_NAME];  // the suite in the answer ("" for plain / none)
    bool answer_plain;       // the answer was RTP/AVP (no crypto) although we offered SRTP
    bool answer_unoffered;   // the answer's a=crypto names a tag or suite we did not offer
                             // (RFC 4568 §5.1.2), or adds one to our plain offer
    bool key_well_formed;    // the answer's key parsed with the suite's length
    bool key_echoed;         // the answer's key is the one we offered (a known bug)
    bool key_reused;         // the same key came back in an earlier probe's answer
    uint8_t key_digest[32];  // SHA-256 of the answer's master key||salt (for reuse checks)
    bool torn_down;          // BYE or CANCEL sent and answered (no call left up)
};

struct audit_sip {
    bool options_sent;
    int options_status;
    char allow[AUDIT_MAX_TEXT];
    char supported[AUDIT_MAX_TEXT];
    char user_agent[AUDIT_MAX_TEXT];  // User-Agent or Server header
    char error[AUDIT_MAX_TEXT];       // when OPTIONS could not be sent or got no answer
    size_t num_probes;
    struct audit_probe probes[AUDIT_MAX_PROBES];
};

// audit_sip_run sends OPTIONS and then one INVITE per offer in the fixed list (AEAD_AES_256_GCM,
// AEAD_AES_128_GCM, AES_256_CM_HMAC_SHA1_80, AES_256_CM_HMAC_SHA1_32, AES_192_CM_HMAC_SHA1_80,
// AES_192_CM_HMAC_SHA1_32, AES_CM_128_HMAC_SHA1_80, AES_CM_128_HMAC_SHA1_32,
// AEAD_AES_256_GCM_8, AEAD_AES_128_GCM_8, NULL_HMAC_SHA1_80 (no encryption),
// AES_CM_128_HMAC_SHA1_80 with UNAUTHENTICATED_SRTP (no authentication), plain RTP/AVP), over TLS
// to `t`, tearing each call down. TLS verification follows the same CA and name as the TLS probes
// but a failure does not stop the SIP probes (they note it). Returns 0, or 2 when not even OPTIONS
// could be sent (out->error says why).
int audit_sip_run(const struct audit_target *t, struct audit_sip *out);

// audit_sip_parse_options fills the allow, supported and user_agent fields of `out` from the
// header lines of the OPTIONS response `text` (`len` bytes, need not end in NUL; untrusted).
// A header repeated, or written one value per line as libosip2 does, is joined with ", ";
// Server stands in for a missing User-Agent; control bytes become '?'; values are cut to fit.
void audit_sip_parse_options(struct audit_sip *out, const char *text, size_t len);

// --- grade ---------------------------------------------------------------------------------

enum audit_severity {
    AUDIT_INFO = 0,  // said, no effect on the grade
    AUDIT_WARN,      // lowers the grade
    AUDIT_BAD,       // lowers it a lot
};

// Grades from best to worst; the numeric order matters (a cap is a maximum).
enum audit_grade_level {
    AUDIT_GRADE_A_PLUS = 0,
    AUDIT_GRADE_A,
    AUDIT_GRADE_B,
    AUDIT_GRADE_C,
    AUDIT_GRADE_D,
    AUDIT_GRADE_F,
};

struct audit_reason {
    enum audit_severity severity;
    enum audit_grade_level cap;  // the best grade this finding allows
    char text[AUDIT_MAX_TEXT];   // "accepts TLS 1.0"
};

struct audit_grade {
    enum audit_grade_level level;
    size_t num_reasons;
    struct audit_reason reasons[AUDIT_MAX_REASONS];
};

// audit_grade_compute grades what the probes found. `sip` may be NULL when the SIP probes
// did not run.
void audit_grade_compute(const struct audit_tls *tls, const struct audit_sip *sip,
                         struct audit_grade *out);

// audit_grade_name returns "A+", "A", "B", "C", "D" or "F".
const char *audit_grade_name(enum audit_grade_level g);

#endif  // GALOIS_TOOLS_AUDIT_H
