// a=setup (RFC 4145 §4) and who is the DTLS client (RFC 5763 §5).
#include <string.h>

#include "internal.h"

static const char *const setup_names[] = {
    [GALOIS_DTLS_SETUP_NONE] = "",
    [GALOIS_DTLS_SETUP_ACTPASS] = "actpass",
    [GALOIS_DTLS_SETUP_ACTIVE] = "active",
    [GALOIS_DTLS_SETUP_PASSIVE] = "passive",
    [GALOIS_DTLS_SETUP_HOLDCONN] = "holdconn",
};

galois_err galois_dtls_setup_parse(enum galois_dtls_setup *out, const char *text, size_t len)
{
    *out = GALOIS_DTLS_SETUP_NONE;
    struct galois_cur c;
    galois_cur_init(&c, (const uint8_t *)text, len);
    for (size_t i = GALOIS_DTLS_SETUP_ACTPASS; i < GALOIS_ARRAY_LEN(setup_names); i++) {
        if (galois_cur_eq_nocase(&c, setup_names[i])) {
            *out = (enum galois_dtls_setup)i;
            return GALOIS_ERR_OK;
        }
    }
    return GALOIS_ERR_PARSE;
}

const char *galois_dtls_setup_name(enum galois_dtls_setup s)
{
    if ((size_t)s >= GALOIS_ARRAY_LEN(setup_names)) {
        return "";
    }
    return setup_names[s];
}

galois_err galois_dtls_answer_role(enum galois_dtls_setup *out_setup,
                                   enum galois_dtls_role *out_role, enum galois_dtls_setup offer,
                                   enum galois_dtls_setup prefer)
{
    if (prefer == GALOIS_DTLS_SETUP_NONE) {
        prefer = GALOIS_DTLS_SETUP_ACTIVE;
    }
    if (prefer != GALOIS_DTLS_SETUP_ACTIVE && prefer != GALOIS_DTLS_SETUP_PASSIVE) {
        return GALOIS_ERR_INVALID;
    }
    enum galois_dtls_setup ours;
    switch (offer) {
        case GALOIS_DTLS_SETUP_ACTPASS:
            ours = prefer;
            break;
        case GALOIS_DTLS_SETUP_ACTIVE:
        case GALOIS_DTLS_SETUP_NONE:  // RFC 4145 §4: an offer without a=setup is active
            ours = GALOIS_DTLS_SETUP_PASSIVE;
            break;
        case GALOIS_DTLS_SETUP_PASSIVE:
            ours = GALOIS_DTLS_SETUP_ACTIVE;
            break;
        case GALOIS_DTLS_SETUP_HOLDCONN:
        default:
            return GALOIS_ERR_POLICY;
    }
    *out_setup = ours;
    *out_role = ours == GALOIS_DTLS_SETUP_ACTIVE ? GALOIS_DTLS_CLIENT : GALOIS_DTLS_SERVER;
    return GALOIS_ERR_OK;
}

galois_err galois_dtls_offer_role(enum galois_dtls_role *out_role, enum galois_dtls_setup answer)
{
    switch (answer) {
        case GALOIS_DTLS_SETUP_ACTIVE:
            *out_role = GALOIS_DTLS_SERVER;
            return GALOIS_ERR_OK;
        case GALOIS_DTLS_SETUP_PASSIVE:
        case GALOIS_DTLS_SETUP_NONE:  // RFC 4145 §4: an answer without a=setup is passive
            *out_role = GALOIS_DTLS_CLIENT;
            return GALOIS_ERR_OK;
        case GALOIS_DTLS_SETUP_ACTPASS:
        case GALOIS_DTLS_SETUP_HOLDCONN:
        default:
            return GALOIS_ERR_POLICY;
    }
}
