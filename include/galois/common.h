// galois: what every layer shares: the export macro, the error enum and its text.
#ifndef GALOIS_COMMON_H
#define GALOIS_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__) || defined(__clang__)
#define GALOIS_API __attribute__((visibility("default")))
#define GALOIS_MUST_CHECK __attribute__((warn_unused_result))
#else
#define GALOIS_API
#define GALOIS_MUST_CHECK
#endif

// GALOIS_ERRORS lists every outcome a galois function can return, once, with its text, so the
// enum and galois_err_str cannot drift apart. Callers branch on these: a replayed packet
// (GALOIS_ERR_REPLAY) is counted apart from a forged one (GALOIS_ERR_AUTH).
#define GALOIS_ERRORS(X)                     \
    X(OK, "ok")                              \
    X(PARSE, "malformed input")              \
    X(UNSUPPORTED, "unsupported")            \
    X(AUTH, "authentication tag mismatch")   \
    X(REPLAY, "replayed or too old")         \
    X(BUFFER, "output buffer too small")     \
    X(LIMIT, "over a limit")                 \
    X(NOMEM, "out of memory")                \
    X(CRYPTO, "crypto backend failed")       \
    X(STATE, "call not valid in this state") \
    X(IO, "transport error")                 \
    X(INVALID, "invalid argument")           \
    X(NOT_FOUND, "no such stream or key")    \
    X(POLICY, "refused by policy")

#define GALOIS_ERR_ENUM_(name, text) GALOIS_ERR_##name,
// galois_err is the result of every fallible galois call; GALOIS_ERR_OK is 0.
typedef enum galois_err { GALOIS_ERRORS(GALOIS_ERR_ENUM_) GALOIS_ERR_COUNT_ } galois_err;
#undef GALOIS_ERR_ENUM_

// galois_err_str returns a static, human-readable text for `err`; never NULL.
GALOIS_API const char *galois_err_str(galois_err err);

// galois_err_name returns the enum's short name ("AUTH", "REPLAY" ...); never NULL.
GALOIS_API const char *galois_err_name(galois_err err);

// galois_base64_encode writes the padded base64 (RFC 4648 §4) of the `in_len` bytes at `in`
// and a NUL to `out`, which has room for `max_out_len` bytes, and sets `*out_len` to the text
// length. GALOIS_ERR_BUFFER if the room is short (then `out` holds no partial text).
GALOIS_API GALOIS_MUST_CHECK galois_err galois_base64_encode(char *out, size_t *out_len,
                                                             size_t max_out_len, const uint8_t *in,
                                                             size_t in_len);

// galois_base64_decode decodes the padded base64 text `in` (`in_len` bytes, no NUL needed) into
// `out`. GALOIS_ERR_PARSE names no position; the caller knows the field. Any character outside
// the alphabet, a bad pad or a length not a multiple of 4 is refused.
GALOIS_API GALOIS_MUST_CHECK galois_err galois_base64_decode(uint8_t *out, size_t *out_len,
                                                             size_t max_out_len, const char *in,
                                                             size_t in_len);

// galois_hex_decode decodes `in_len` hex digits (either case) into `out`.
GALOIS_API GALOIS_MUST_CHECK galois_err galois_hex_decode(uint8_t *out, size_t *out_len,
                                                          size_t max_out_len, const char *in,
                                                          size_t in_len);

// galois_random_bytes fills `out` with `len` bytes from the OpenSSL CSPRNG.
GALOIS_API GALOIS_MUST_CHECK galois_err galois_random_bytes(uint8_t *out, size_t len);

// galois_secure_zero wipes `len` bytes at `p` in a way the compiler cannot remove.
GALOIS_API void galois_secure_zero(void *p, size_t len);

// galois_version returns the library version as "MAJOR.MINOR.PATCH".
GALOIS_API const char *galois_version(void);

#ifdef __cplusplus
}
#endif

#endif  // GALOIS_COMMON_H
