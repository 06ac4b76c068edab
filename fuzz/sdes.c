// Fuzz target: the a=crypto codec (RFC 4568). Whatever the parser accepts must be written,
// parse back to the same value, and be written again to the same text (the round trip of
// STYLE.md C9); the negotiation's view of it (acceptable under a policy or not, and why) must
// hold no surprise either. A refused input must leave no key bytes in the output.
#include <string.h>

#include "sdes/internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct galois_sdes_crypto c;
    static struct galois_sdes_crypto again;
    static const struct galois_sdes_crypto zero;
    static char text[2 * GALOIS_SDES_MAX_LEN];
    static char text2[2 * GALOIS_SDES_MAX_LEN];
    size_t off = 0;
    galois_err err = galois_sdes_parse(&c, &off, (const char *)data, size);
    if (err != GALOIS_ERR_OK) {
        GALOIS_CHECK(off <= size);
        GALOIS_CHECK(memcmp(&c, &zero, sizeof(c)) == 0);
        return 0;
    }
    size_t len = 0;
    size_t len2 = 0;
    GALOIS_CHECK(galois_sdes_write(text, &len, sizeof(text), &c) == GALOIS_ERR_OK);
    GALOIS_CHECK(len == strlen(text));
    GALOIS_CHECK(galois_sdes_parse(&again, NULL, text, len) == GALOIS_ERR_OK);
    GALOIS_CHECK(memcmp(&again, &c, sizeof(c)) == 0);
    GALOIS_CHECK(galois_sdes_write(text2, &len2, sizeof(text2), &again) == GALOIS_ERR_OK);
    GALOIS_CHECK(len2 == len && memcmp(text, text2, len) == 0);

    struct galois_sdes_policy p;
    galois_sdes_policy_default(&p, GALOIS_SDES_MANDATORY);
    p.allow = data[0] & 7u;
    const char *why = sdes_unacceptable(&p, &c);
    GALOIS_CHECK(why == NULL || strlen(why) > 0);
    GALOIS_CHECK(why != NULL || (c.suite != GALOIS_SRTP_SUITE_NONE && !c.opaque));
    galois_sdes_crypto_cleanup(&c);
    galois_sdes_crypto_cleanup(&again);
    return 0;
}
