// SRTP key derivation: the AES-CM PRF of RFC 3711 §4.3 (RFC 6188 §3 for AES-192/256).
#include <string.h>

#include "../crypto/internal.h"
#include "internal.h"

galois_err galois_srtp_kdf(uint8_t *out, size_t out_len, const uint8_t *key, size_t key_len,
                           const uint8_t *salt, size_t salt_len, uint8_t label,
                           uint64_t index_div_kdr)
{
    if ((salt_len != 14 && salt_len != 12) || label > 7 || index_div_kdr >= (1ull << 48)) {
        return GALOIS_ERR_INVALID;
    }
    // x = key_id XOR master_salt, key_id = label || r, both right-aligned in 112 bits; a 96-bit
    // AEAD salt is first multiplied by 2^16 (RFC 7714 erratum 4938). The IV is x * 2^16.
    uint8_t iv[GALOIS_AES_BLOCK] = {0};
    memcpy(iv, salt, salt_len);
    iv[7] ^= label;
    for (size_t i = 0; i < 6; i++) {
        iv[13 - i] ^= (uint8_t)(index_div_kdr >> (8 * i));
    }
    galois_err err = galois_aes_keystream(out, out_len, key, key_len, iv);
    galois_secure_zero(iv, sizeof(iv));
    return err;
}
