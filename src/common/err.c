// Error texts, generated from the one list in include/galois/common.h.
#include "internal.h"

#ifndef GALOIS_VERSION_STRING
#define GALOIS_VERSION_STRING "0.0.0"
#endif

const char *galois_err_str(galois_err err)
{
#define GALOIS_ERR_TEXT_(name, text) [GALOIS_ERR_##name] = text,
    static const char *const texts[] = {GALOIS_ERRORS(GALOIS_ERR_TEXT_)};
#undef GALOIS_ERR_TEXT_
    if ((size_t)err >= GALOIS_ARRAY_LEN(texts)) {
        return "unknown error";
    }
    return texts[err];
}

const char *galois_err_name(galois_err err)
{
#define GALOIS_ERR_NAME_(name, text) [GALOIS_ERR_##name] = #name,
    static const char *const names[] = {GALOIS_ERRORS(GALOIS_ERR_NAME_)};
#undef GALOIS_ERR_NAME_
    if ((size_t)err >= GALOIS_ARRAY_LEN(names)) {
        return "UNKNOWN";
    }
    return names[err];
}

const char *galois_version(void)
{
    return GALOIS_VERSION_STRING;
}
