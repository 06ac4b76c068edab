// Helpers the SDP tests share: reading tests/vectors/sdp/ files and writing descriptions.
#ifndef GALOIS_TESTS_UNIT_SDP_SDP_UTIL_H
#define GALOIS_TESTS_UNIT_SDP_SDP_UTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
// cmocka.h needs the headers above.
#include <cmocka.h>

#include "sdp/internal.h"

enum { SDP_TEXT_MAX = GALOIS_SDP_MAX_LEN + 1 };

// The vector files tests/vectors/sdp/ holds.
static const char *const sdp_files[] = {
    "baresip_offer_avp.sdp",          "baresip_offer_savp.sdp",   "chromium156_offer.sdp",
    "chromium_sdes_legacy_offer.sdp", "freeswitch_offer.sdp",     "linphone_offer.sdp",
    "pjsip_offer_mandatory.sdp",      "pjsip_offer_optional.sdp",
};

// sdp_load reads tests/vectors/sdp/`name` (heap, NUL-terminated) and sets `*len`.
static inline char *sdp_load(const char *name, size_t *len)
{
    const char *dir = getenv("GALOIS_VECTORS");
    char path[4096];
    if (dir == NULL) {
        print_error("GALOIS_VECTORS is not set: run the tests through ctest\n");
        fail();
    }
    snprintf(path, sizeof(path), "%s/sdp/%s", dir, name);
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        print_error("cannot open %s\n", path);
        fail();
    }
    char *text = calloc(1, SDP_TEXT_MAX);
    assert_non_null(text);
    *len = fread(text, 1, SDP_TEXT_MAX - 1, f);
    fclose(f);
    return text;
}

static inline struct galois_sdp *sdp_parse_ok(const char *text)
{
    struct galois_sdp *sdp = NULL;
    size_t off = 0;
    galois_err err = galois_sdp_parse(&sdp, &off, text, strlen(text));
    if (err != GALOIS_ERR_OK) {
        print_error("refused (%s) at %zu: \"%.30s\"\n", galois_err_name(err), off, text + off);
    }
    assert_int_equal(err, GALOIS_ERR_OK);
    return sdp;
}

// sdp_text writes `sdp` into a static buffer.
static inline const char *sdp_text(const struct galois_sdp *sdp)
{
    static char text[SDP_TEXT_MAX];
    size_t len = 0;
    assert_int_equal(galois_sdp_write(text, &len, sizeof(text), sdp), GALOIS_ERR_OK);
    assert_int_equal(len, strlen(text));
    return text;
}

#endif  // GALOIS_TESTS_UNIT_SDP_SDP_UTIL_H
