// Internal to the ice layer: the STUN message writer, the CRC-32 of FINGERPRINT and the key
// object's insides. The public API is include/galois/ice.h.
#ifndef GALOIS_SRC_ICE_INTERNAL_H
#define GALOIS_SRC_ICE_INTERNAL_H

#include <galois/ice.h>

#include "../common/internal.h"
#include "../crypto/internal.h"

enum {
    STUN_FINGERPRINT_XOR = 0x5354554e,  // "STUN" (RFC 8489 §14.7)
    STUN_ATTR_HEADER_LEN = 4,
    STUN_INTEGRITY_ATTR_LEN = STUN_ATTR_HEADER_LEN + GALOIS_STUN_SHA1_LEN,
    STUN_INTEGRITY_SHA256_ATTR_LEN = STUN_ATTR_HEADER_LEN + GALOIS_STUN_SHA256_LEN,
    STUN_FINGERPRINT_ATTR_LEN = STUN_ATTR_HEADER_LEN + 4,
};

// galois_stun_key holds the HMAC-SHA1 and HMAC-SHA256 states of one key (src/crypto's
// objects, on OpenSSL), both made in galois_stun_key_new.
struct galois_stun_key {
    struct galois_hmac_sha1 *hmac;       // owned: MESSAGE-INTEGRITY
    struct galois_hmac_sha256 *hmac256;  // owned: MESSAGE-INTEGRITY-SHA256
};

// galois_stun_mac_alg says which message-integrity attribute a writer appends: SHA1 for
// MESSAGE-INTEGRITY (RFC 8489 §14.5), SHA256 for a full 32-byte MESSAGE-INTEGRITY-SHA256
// (§14.6).
enum galois_stun_mac_alg {
    GALOIS_STUN_MAC_SHA1 = 0,
    GALOIS_STUN_MAC_SHA256 = 1,
};

// galois_stun_crc32 is the CRC-32 of ISO 3309 / ITU-T V.42 (the one zlib and Ethernet use) of
// the `len` bytes at `p`: FINGERPRINT is it xor STUN_FINGERPRINT_XOR. Not cryptography.
uint32_t galois_stun_crc32(const uint8_t *p, size_t len);

// galois_stun_type packs a method and a class into the 14-bit message type (RFC 8489 §5).
uint16_t galois_stun_type(uint16_t method, enum galois_stun_class cls);

// galois_stun_mac computes HMAC-SHA1 under `key` over the 20-byte header `hdr` (with its length
// already set as MESSAGE-INTEGRITY wants it) followed by the `body_len` bytes at `body`.
GALOIS_MUST_CHECK galois_err galois_stun_mac(struct galois_stun_key *key,
                                             uint8_t out[GALOIS_STUN_SHA1_LEN],
                                             const uint8_t hdr[GALOIS_STUN_HEADER_LEN],
                                             const uint8_t *body, size_t body_len);

// galois_stun_mac_sha256 is the same with HMAC-SHA256 (for MESSAGE-INTEGRITY-SHA256).
GALOIS_MUST_CHECK galois_err galois_stun_mac_sha256(struct galois_stun_key *key,
                                                    uint8_t out[GALOIS_STUN_SHA256_LEN],
                                                    const uint8_t hdr[GALOIS_STUN_HEADER_LEN],
                                                    const uint8_t *body, size_t body_len);

// galois_stun_verify is galois_stun_check_integrity with a floor on the length of
// MESSAGE-INTEGRITY-SHA256: a shorter (truncated) value is GALOIS_ERR_AUTH without an HMAC
// being computed. galois_stun_check_integrity passes 16, RFC 8489's floor; the ICE agent
// passes 32, because RFC 8445 does not allow truncation (§14.6: "The value must be the full
// 32 bytes unless the STUN Usage explicitly specifies that truncation is allowed").
GALOIS_MUST_CHECK galois_err galois_stun_verify(struct galois_stun_key *key,
                                                const struct galois_stun_msg *msg,
                                                const uint8_t *in, size_t in_len,
                                                size_t min_sha256_len);

// The writer: a STUN message is built in a galois_buf over the caller's memory. begin writes
// the header with length 0; attr appends one attribute padded with zeros to 4 bytes; finish
// appends MESSAGE-INTEGRITY under `key` (when not NULL) and FINGERPRINT, sets the length field
// and returns GALOIS_ERR_BUFFER if anything did not fit.
void galois_stun_w_begin(struct galois_buf *b, uint16_t type,
                         const uint8_t txid[GALOIS_STUN_TXID_LEN]);
void galois_stun_w_attr(struct galois_buf *b, uint16_t type, const void *value, size_t len);
// galois_stun_w_xor_addr appends XOR-MAPPED-ADDRESS (or another XOR address `type`) for `addr`.
void galois_stun_w_xor_addr(struct galois_buf *b, uint16_t type, const struct galois_ice_addr *addr,
                            const uint8_t txid[GALOIS_STUN_TXID_LEN]);
GALOIS_MUST_CHECK galois_err galois_stun_w_finish(struct galois_buf *b,
                                                  struct galois_stun_key *key);
// galois_stun_w_finish_alg is galois_stun_w_finish with the integrity attribute `alg` says.
GALOIS_MUST_CHECK galois_err galois_stun_w_finish_alg(struct galois_buf *b,
                                                      struct galois_stun_key *key,
                                                      enum galois_stun_mac_alg alg);

// galois_stun_write_success_alg and galois_stun_write_error_alg are the public writers with the
// integrity attribute `alg` says (the public ones write MESSAGE-INTEGRITY). The agent answers
// a request that carried MESSAGE-INTEGRITY-SHA256 with it (RFC 8489 §9.1.3).
GALOIS_MUST_CHECK galois_err galois_stun_write_success_alg(uint8_t *out, size_t *out_len,
                                                           size_t max,
                                                           const uint8_t txid[GALOIS_STUN_TXID_LEN],
                                                           const struct galois_ice_addr *mapped,
                                                           struct galois_stun_key *key,
                                                           enum galois_stun_mac_alg alg);
GALOIS_MUST_CHECK galois_err galois_stun_write_error_alg(uint8_t *out, size_t *out_len, size_t max,
                                                         const uint8_t txid[GALOIS_STUN_TXID_LEN],
                                                         uint16_t code, const uint16_t *unknown,
                                                         size_t num_unknown,
                                                         struct galois_stun_key *key,
                                                         enum galois_stun_mac_alg alg);

// galois_stun_xor_addr XORs `addr`'s port and address with the magic cookie (and, for IPv6,
// the transaction ID) in place: the same operation encodes and decodes (RFC 8489 §14.2).
void galois_stun_xor_addr(struct galois_ice_addr *addr, const uint8_t txid[GALOIS_STUN_TXID_LEN]);

#endif  // GALOIS_SRC_ICE_INTERNAL_H
