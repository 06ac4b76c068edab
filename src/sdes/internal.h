// Internal to the SDES layer: the suite-name table, the key-params codec shared by the
// parser and the writer, and the pieces of the negotiation.
#ifndef GALOIS_SRC_SDES_INTERNAL_H
#define GALOIS_SRC_SDES_INTERNAL_H

#include <galois/sdes.h>

#include "../common/internal.h"

// sdes_name is one suite name galois reads: a standard name, an alias, or the name of a suite
// galois knows the keys of but does not run (suite NONE, never chosen).
struct sdes_name {
    const char *name;  // the name to write: the standard one
    enum galois_srtp_suite suite;
    size_t key_salt_len;
};

// sdes_lookup_name sets `*out` to the entry for the `len` bytes at `name` (ASCII case ignored):
// for an alias, the standard name and the engine's suite. False for an unknown name.
bool sdes_lookup_name(struct sdes_name *out, const char *name, size_t len);

// sdes_key_salt_len returns key_len + salt_len of `suite`, or 0.
size_t sdes_key_salt_len(enum galois_srtp_suite suite);

// sdes_parse_key_params reads key-param *(";" key-param) from `c` into `keys`, each key||salt
// exactly `key_salt_len` bytes, and checks the MKI rules of RFC 4568 §6.1 (one length for all
// keys, an MKI on every key when there are several, no MKI value twice). Returns
// GALOIS_ERR_OK, GALOIS_ERR_PARSE (the cursor at the failure) or GALOIS_ERR_LIMIT.
galois_err sdes_parse_key_params(struct galois_cur *c, struct galois_sdes_key *keys,
                                 size_t *num_keys, size_t key_salt_len);

// sdes_write_key_params writes keys as key-params.
void sdes_write_key_params(struct galois_buf *b, const struct galois_sdes_key *keys,
                           size_t num_keys);

// sdes_keys_valid checks what sdes_parse_key_params checks, for the writer.
bool sdes_keys_valid(const struct galois_sdes_key *keys, size_t num_keys, size_t key_salt_len);

// sdes_is_wsp is RFC 5234 WSP: space or tab.
bool sdes_is_wsp(uint8_t ch);
bool sdes_is_vchar(uint8_t ch);

// The transport profile of an m= section, as SDES sees it.
enum sdes_profile {
    SDES_PROFILE_OTHER = 0,  // not RTP: left alone
    SDES_PROFILE_AVP,        // RTP/AVP, RTP/AVPF: plain, or best-effort SRTP (RFC 8643)
    SDES_PROFILE_SAVP,       // RTP/SAVP, RTP/SAVPF: SDES
    SDES_PROFILE_DTLS,       // UDP/TLS/RTP/SAVP(F), TCP/DTLS/...: DTLS-SRTP, not SDES
};

// sdes_profile classifies `proto`; `*feedback` tells whether it ends in "F" (AVPF, SAVPF).
enum sdes_profile sdes_profile(const char *proto, bool *feedback);
// sdes_proto returns "RTP/AVP", "RTP/AVPF", "RTP/SAVP" or "RTP/SAVPF".
const char *sdes_proto(bool secure, bool feedback);

// sdes_offered is one a=crypto we offered.
struct sdes_offered {
    uint32_t tag;
    enum galois_srtp_suite suite;
    struct galois_sdes_key key;  // secret: our key for that suite
};

// sdes_media is what a session remembers of one m= section between offer and answer, and
// between one exchange and the next (re-offers keep keys unless asked to change them).
struct sdes_media {
    struct sdes_offered offered[GALOIS_SRTP_SUITE_COUNT_];
    size_t num_offered;
    bool cryptex_offered;
    uint8_t hdrext_offered[32];  // IDs we offered in RFC 6904 form
    bool negotiated;             // SRTP is up with `tag`, `suite` and our key `local`
    uint32_t tag;
    enum galois_srtp_suite suite;
    struct galois_sdes_key local;
    uint64_t last_mki;  // the MKI value of our last key (policy mki)
};

struct galois_sdes_session {
    struct galois_sdes_policy policy;
    struct sdes_media media[GALOIS_SDES_MAX_MEDIA];
    size_t num_media;
    bool have_offer;  // galois_sdes_offer ran; its answer is awaited
};

// sdes_cryptos is the a=crypto lines of one m= section, parsed.
struct sdes_cryptos {
    struct galois_sdes_crypto items[GALOIS_SDES_MAX_CRYPTOS];
    size_t num;
};

// sdes_read_cryptos parses every a=crypto of m= section `m` into `out` (heap: wipe and free
// with sdes_cryptos_free). Duplicate tags are malformed. `*err_off` is set to the offset of a
// failure in the text the section was parsed from.
galois_err sdes_read_cryptos(struct sdes_cryptos **out, size_t *err_off,
                             const struct galois_sdp_media *m);
void sdes_cryptos_free(struct sdes_cryptos *c);

// sdes_unacceptable returns NULL if the policy accepts `c`, else why not (a short text).
const char *sdes_unacceptable(const struct galois_sdes_policy *p,
                              const struct galois_sdes_crypto *c);

// sdes_select picks the offered crypto to answer (the policy's pick order). False if none.
bool sdes_select(size_t *out, const struct galois_sdes_policy *p, const struct sdes_cryptos *c);

// sdes_refusal writes why m= section `index` of `sdp` was refused: what it `verb` ("offered",
// "answered") (`c` may be NULL), what the policy wants, and `extra` (may be NULL).
void sdes_refusal(char *out, size_t max, const char *verb, const struct galois_sdp *sdp,
                  size_t index, const struct sdes_cryptos *c, const struct galois_sdes_policy *p,
                  const char *extra);

// sdes_fresh_key fills `k` with a fresh key for `suite` from the OpenSSL RNG, with the
// policy's lifetime and MKI (value `mki`).
galois_err sdes_fresh_key(struct galois_sdes_key *k, enum galois_srtp_suite suite,
                          const struct galois_sdes_policy *p, uint64_t mki);

// sdes_fill_keyset sets the suite and keys of `ks` from SDES keys.
void sdes_fill_keyset(struct galois_sdes_keyset *ks, enum galois_srtp_suite suite,
                      const struct galois_sdes_key *keys, size_t num_keys);

// sdes_apply_params copies the session parameters of `c` into both key sets of `r`.
void sdes_apply_params(struct galois_sdes_media_result *r, const struct galois_sdes_crypto *c);

// sdes_add_crypto writes `c` as an a=crypto line of m= section `index`.
galois_err sdes_add_crypto(struct galois_sdp *sdp, size_t index,
                           const struct galois_sdes_crypto *c);

// sdes_set_hdrext rewrites the extmaps of m= section `index`: the IDs set in `ids` in RFC 6904
// form, every other one in plain form.
galois_err sdes_set_hdrext(struct galois_sdp *sdp, size_t index, const uint8_t ids[32]);

// sdes_encrypted_ids sets `ids` to the extmap IDs (1..255) of m= section `index` written in
// RFC 6904 form, and returns how many there are.
size_t sdes_encrypted_ids(uint8_t ids[32], const struct galois_sdp *sdp, size_t index);

// sdes_set_header_protection sets cryptex and the RFC 6904 IDs in both key sets of `r`.
void sdes_set_header_protection(struct galois_sdes_media_result *r, bool cryptex,
                                const struct galois_sdes_policy *p, const uint8_t ids[32]);

// sdes_next_mki returns the MKI value for our next key in section `st`.
uint64_t sdes_next_mki(struct sdes_media *st, const struct galois_sdes_policy *p);

// sdes_accepted tells whether any section of `r` was not rejected.
bool sdes_accepted(const struct galois_sdes_result *r);

// sdes_join_reasons writes the reasons of every refused section, separated by "; ".
void sdes_join_reasons(char *out, size_t max, const struct galois_sdes_result *r);

// sdes_crypto_for sets `c` to an a=crypto with one key.
void sdes_crypto_for(struct galois_sdes_crypto *c, uint32_t tag, enum galois_srtp_suite suite,
                     const struct galois_sdes_key *key);

// sdes_result_new allocates a zeroed result.
struct galois_sdes_result *sdes_result_new(void);

#endif  // GALOIS_SRC_SDES_INTERNAL_H
