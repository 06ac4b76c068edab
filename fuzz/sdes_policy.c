// Fuzz target: the SDES policy syntax (MODE[:SUITE...][,OPTION...]). What parses is written
// and parses back to the same policy; a session accepts every policy the parser accepts.
#include <string.h>

#include "sdes/internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct galois_sdes_policy p;
    struct galois_sdes_policy again;
    char text[1024];
    size_t len = 0;
    size_t off = 0;
    if (galois_sdes_policy_parse(&p, &off, (const char *)data, size) != GALOIS_ERR_OK) {
        GALOIS_CHECK(off <= size);
        return 0;
    }
    GALOIS_CHECK(galois_sdes_policy_write(text, &len, sizeof(text), &p) == GALOIS_ERR_OK);
    GALOIS_CHECK(galois_sdes_policy_parse(&again, NULL, text, len) == GALOIS_ERR_OK);
    GALOIS_CHECK(memcmp(&again, &p, sizeof(p)) == 0);
    struct galois_sdes_session *s = NULL;
    GALOIS_CHECK(galois_sdes_session_new(&s, &p) == GALOIS_ERR_OK);
    galois_sdes_session_free(s);
    return 0;
}
