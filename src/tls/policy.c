// The TLS policy: its secure default and setting its options by name from text (command-line
// options and config files use the same names; docs/TLS.md, "Policy options").
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "internal.h"

// The default TLS 1.2 ciphers: ECDHE key exchange with an AEAD cipher, nothing else. Each one is
// written by its exact name, so the "asked for by name" rule of ctx.c has nothing to refuse.
static const char default_ciphers[] =
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:"
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256";
// TLS 1.3 has only AEAD suites; these are OpenSSL's default three (CCM left out).
static const char default_ciphersuites[] =
    "TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256";
// Elliptic-curve groups only: no finite-field DH (ffdhe*) unless named.
static const char default_groups[] = "X25519:P-256:P-384";
// No SHA-1 and no PKCS#1 v1.5 in TLS 1.3 (OpenSSL enforces the latter itself).
static const char default_sigalgs[] =
    "ECDSA+SHA256:ECDSA+SHA384:ECDSA+SHA512:ed25519:ed448:"
    "rsa_pss_pss_sha256:rsa_pss_pss_sha384:rsa_pss_pss_sha512:"
    "rsa_pss_rsae_sha256:rsa_pss_rsae_sha384:rsa_pss_rsae_sha512:"
    "RSA+SHA256:RSA+SHA384:RSA+SHA512";

static const struct {
    const char *name;
    enum galois_tls_version v;
} version_names[] = {
    {"1.0", GALOIS_TLS_V1_0},     {"1.1", GALOIS_TLS_V1_1},     {"1.2", GALOIS_TLS_V1_2},
    {"1.3", GALOIS_TLS_V1_3},     {"TLSv1.0", GALOIS_TLS_V1_0}, {"TLSv1", GALOIS_TLS_V1_0},
    {"TLSv1.1", GALOIS_TLS_V1_1}, {"TLSv1.2", GALOIS_TLS_V1_2}, {"TLSv1.3", GALOIS_TLS_V1_3},
};

static const char *const client_cert_names[] = {
    [GALOIS_TLS_CLIENT_CERT_NONE] = "none",
    [GALOIS_TLS_CLIENT_CERT_REQUEST] = "request",
    [GALOIS_TLS_CLIENT_CERT_REQUIRE] = "require",
};

void tls_why(char *why, size_t max_why, const char *fmt, ...)
{
    if (why == NULL || max_why == 0) {
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    (void)vsnprintf(why, max_why, fmt, ap);
    va_end(ap);
}

int tls_openssl_version(enum galois_tls_version v)
{
    switch (v) {
        case GALOIS_TLS_V1_0:
            return TLS1_VERSION;
        case GALOIS_TLS_V1_1:
            return TLS1_1_VERSION;
        case GALOIS_TLS_V1_2:
            return TLS1_2_VERSION;
        case GALOIS_TLS_V1_3:
            return TLS1_3_VERSION;
        default:
            return 0;
    }
}

const char *galois_tls_version_name(enum galois_tls_version v)
{
    switch (v) {
        case GALOIS_TLS_V1_0:
            return "TLSv1.0";
        case GALOIS_TLS_V1_1:
            return "TLSv1.1";
        case GALOIS_TLS_V1_2:
            return "TLSv1.2";
        case GALOIS_TLS_V1_3:
            return "TLSv1.3";
        default:
            return "?";
    }
}

void galois_tls_policy_default(struct galois_tls_policy *p)
{
    memset(p, 0, sizeof(*p));
    p->min_version = GALOIS_TLS_V1_2;
    p->max_version = GALOIS_TLS_V1_3;
    memcpy(p->ciphers, default_ciphers, sizeof(default_ciphers));
    memcpy(p->ciphersuites, default_ciphersuites, sizeof(default_ciphersuites));
    memcpy(p->groups, default_groups, sizeof(default_groups));
    memcpy(p->sigalgs, default_sigalgs, sizeof(default_sigalgs));
    p->verify = true;
    p->client_cert = GALOIS_TLS_CLIENT_CERT_NONE;
    p->seclevel = -1;
}

// copy_text copies `value` into the field `dst` (room `room`, counting the NUL).
static galois_err copy_text(char *dst, size_t room, const char *name, const char *value,
                            bool may_be_empty, char *why, size_t max_why)
{
    size_t n = strlen(value);
    if (n >= room) {
        tls_why(why, max_why, "tls %s: value of %zu bytes is over the limit of %zu", name, n,
                room - 1);
        return GALOIS_ERR_INVALID;
    }
    if (n == 0 && !may_be_empty) {
        tls_why(why, max_why, "tls %s: empty value", name);
        return GALOIS_ERR_INVALID;
    }
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)value[i];
        if (ch < 0x20 || ch == 0x7f) {
            tls_why(why, max_why, "tls %s: control character in the value", name);
            return GALOIS_ERR_INVALID;
        }
    }
    memcpy(dst, value, n + 1);
    return GALOIS_ERR_OK;
}

static galois_err set_version(enum galois_tls_version *dst, const char *name, const char *value,
                              char *why, size_t max_why)
{
    for (size_t i = 0; i < GALOIS_ARRAY_LEN(version_names); i++) {
        if (strcasecmp(value, version_names[i].name) == 0) {
            *dst = version_names[i].v;
            return GALOIS_ERR_OK;
        }
    }
    tls_why(why, max_why, "tls %s: unknown version '%s' (want 1.0, 1.1, 1.2 or 1.3)", name, value);
    return GALOIS_ERR_INVALID;
}

static galois_err set_bool(bool *dst, const char *name, const char *value, char *why,
                           size_t max_why)
{
    static const char *const yes[] = {"yes", "true", "on", "1"};
    static const char *const no[] = {"no", "false", "off", "0"};
    for (size_t i = 0; i < GALOIS_ARRAY_LEN(yes); i++) {
        if (strcasecmp(value, yes[i]) == 0) {
            *dst = true;
            return GALOIS_ERR_OK;
        }
        if (strcasecmp(value, no[i]) == 0) {
            *dst = false;
            return GALOIS_ERR_OK;
        }
    }
    tls_why(why, max_why, "tls %s: '%s' is not yes or no", name, value);
    return GALOIS_ERR_INVALID;
}

static galois_err set_client_cert(enum galois_tls_client_cert *dst, const char *value, char *why,
                                  size_t max_why)
{
    for (size_t i = 0; i < GALOIS_ARRAY_LEN(client_cert_names); i++) {
        if (strcasecmp(value, client_cert_names[i]) == 0) {
            *dst = (enum galois_tls_client_cert)i;
            return GALOIS_ERR_OK;
        }
    }
    tls_why(why, max_why, "tls client-cert: '%s' is not none, request or require", value);
    return GALOIS_ERR_INVALID;
}

static galois_err set_seclevel(int *dst, const char *value, char *why, size_t max_why)
{
    if (strcasecmp(value, "default") == 0) {
        *dst = -1;
        return GALOIS_ERR_OK;
    }
    if (value[0] >= '0' && value[0] <= '0' + GALOIS_TLS_MAX_SECLEVEL && value[1] == '\0') {
        *dst = value[0] - '0';
        return GALOIS_ERR_OK;
    }
    tls_why(why, max_why, "tls seclevel: '%s' is not 0..%d or default", value,
            GALOIS_TLS_MAX_SECLEVEL);
    return GALOIS_ERR_INVALID;
}

// set_ca handles "ca": a file name, or "system" for OpenSSL's default paths.
static galois_err set_ca(struct galois_tls_policy *p, const char *value, char *why, size_t max_why)
{
    if (strcmp(value, "system") == 0) {
        p->ca_system = true;
        return GALOIS_ERR_OK;
    }
    return copy_text(p->ca_file, sizeof(p->ca_file), "ca", value, true, why, max_why);
}

galois_err galois_tls_policy_set(struct galois_tls_policy *p, const char *name, const char *value,
                                 char *why, size_t max_why)
{
    tls_why(why, max_why, "%s", "");
    if (name == NULL || value == NULL) {
        tls_why(why, max_why, "tls: option name or value missing");
        return GALOIS_ERR_INVALID;
    }
    if (strcmp(name, "min") == 0) {
        return set_version(&p->min_version, name, value, why, max_why);
    }
    if (strcmp(name, "max") == 0) {
        return set_version(&p->max_version, name, value, why, max_why);
    }
    if (strcmp(name, "ciphers") == 0) {
        return copy_text(p->ciphers, sizeof(p->ciphers), name, value, true, why, max_why);
    }
    if (strcmp(name, "ciphersuites") == 0) {
        return copy_text(p->ciphersuites, sizeof(p->ciphersuites), name, value, true, why, max_why);
    }
    if (strcmp(name, "groups") == 0) {
        return copy_text(p->groups, sizeof(p->groups), name, value, false, why, max_why);
    }
    if (strcmp(name, "sigalgs") == 0) {
        return copy_text(p->sigalgs, sizeof(p->sigalgs), name, value, false, why, max_why);
    }
    if (strcmp(name, "cert") == 0) {
        return copy_text(p->cert_file, sizeof(p->cert_file), name, value, true, why, max_why);
    }
    if (strcmp(name, "key") == 0) {
        return copy_text(p->key_file, sizeof(p->key_file), name, value, true, why, max_why);
    }
    if (strcmp(name, "ca") == 0) {
        return set_ca(p, value, why, max_why);
    }
    if (strcmp(name, "ca-dir") == 0) {
        return copy_text(p->ca_dir, sizeof(p->ca_dir), name, value, true, why, max_why);
    }
    if (strcmp(name, "sni") == 0) {
        return copy_text(p->sni, sizeof(p->sni), name, value, true, why, max_why);
    }
    if (strcmp(name, "verify") == 0) {
        return set_bool(&p->verify, name, value, why, max_why);
    }
    if (strcmp(name, "client-cert") == 0) {
        return set_client_cert(&p->client_cert, value, why, max_why);
    }
    if (strcmp(name, "seclevel") == 0) {
        return set_seclevel(&p->seclevel, value, why, max_why);
    }
    tls_why(why, max_why, "tls: unknown option '%s'", name);
    return GALOIS_ERR_INVALID;
}
