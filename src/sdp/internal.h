// Internal to the SDP layer: the arena every string and list of a galois_sdp lives in, the
// character classes of RFC 8866 §9, and the checks the parser and the builders share.
#ifndef GALOIS_SRC_SDP_INTERNAL_H
#define GALOIS_SRC_SDP_INTERNAL_H

#include <galois/sdp.h>

#include "../common/internal.h"

enum {
    SDP_ARENA_MAX = 4 * GALOIS_SDP_MAX_LEN * 8,  // bytes one description may allocate in all
};

// sdp_arena_alloc returns `n` zeroed bytes aligned for any object, owned by `sdp`; NULL when
// out of memory or over SDP_ARENA_MAX.
void *sdp_arena_alloc(struct galois_sdp *sdp, size_t n);
// sdp_strndup copies `len` bytes and a NUL into the arena.
char *sdp_strndup(struct galois_sdp *sdp, const char *s, size_t len);
// sdp_cur_dup copies the view `c` as a string into the arena.
char *sdp_cur_dup(struct galois_sdp *sdp, const struct galois_cur *c);
// sdp_grow returns the arena-backed list `base` of `n` elements of `size` bytes with room for
// one more (capacity: the next power of two, at least 4; the list moves when it grows), the
// element at index `n` zeroed. NULL at `max` elements or out of memory.
void *sdp_grow(struct galois_sdp *sdp, void *base, size_t n, size_t size, size_t max);
// sdp_arena_free wipes and frees the arena of `sdp`.
void sdp_arena_free(struct galois_sdp *sdp);

// Character classes (RFC 8866 §9).
bool sdp_is_token_char(uint8_t ch);
bool sdp_is_nonws(uint8_t ch);  // non-ws-string: VCHAR or %x80-FF
bool sdp_is_digit(uint8_t ch);
bool sdp_is_text(uint8_t ch);  // byte-string: any byte but NUL, CR and LF

// sdp_all tells whether every byte of the NUL-terminated `s` is in the class (and s is not
// empty when `nonempty`).
bool sdp_all(const char *s, bool (*pred)(uint8_t), bool nonempty);
// sdp_is_proto checks token *("/" token).
bool sdp_is_proto(const struct galois_cur *c);
// sdp_check_attr checks the value of the attributes this layer interprets (rtpmap, fmtp,
// extmap and the property attributes); any other attribute passes.
bool sdp_check_attr(const char *name, const char *value);

// sdp_push_str appends a copy of `s` (`len` bytes) to a list of strings.
galois_err sdp_push_str(struct galois_sdp *sdp, const char ***list, size_t *num, const char *s,
                        size_t len);

#endif  // GALOIS_SRC_SDP_INTERNAL_H
