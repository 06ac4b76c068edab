// A policy becomes an SSL_CTX here, and a policy that cannot be satisfied, or that is weaker
// than it says, is refused with a message that names the setting (docs/TLS.md).
#include <errno.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "internal.h"

static galois_err set_versions(SSL_CTX *ctx, const struct galois_tls_policy *p, char *why,
                               size_t max_why)
{
    int lo = tls_openssl_version(p->min_version);
    int hi = tls_openssl_version(p->max_version);
    if (lo == 0 || hi == 0) {
        tls_why(why, max_why, "tls %s: not a TLS version", lo == 0 ? "min" : "max");
        return GALOIS_ERR_INVALID;
    }
    if (lo > hi) {
        tls_why(why, max_why, "tls min: %s is above max %s",
                galois_tls_version_name(p->min_version), galois_tls_version_name(p->max_version));
        return GALOIS_ERR_INVALID;
    }
    if (p->seclevel > GALOIS_TLS_MAX_SECLEVEL || p->seclevel < -1) {
        tls_why(why, max_why, "tls seclevel: %d is not 0..%d", p->seclevel,
                GALOIS_TLS_MAX_SECLEVEL);
        return GALOIS_ERR_INVALID;
    }
    if (p->seclevel >= 0) {
        SSL_CTX_set_security_level(ctx, p->seclevel);
    }
    if (p->min_version < GALOIS_TLS_V1_2 && SSL_CTX_get_security_level(ctx) > 0) {
        tls_why(why, max_why,
                "tls min: %s works only at seclevel 0 (this context is at level %d); set "
                "seclevel=0 to allow it",
                galois_tls_version_name(p->min_version), SSL_CTX_get_security_level(ctx));
        return GALOIS_ERR_POLICY;
    }
    if (SSL_CTX_set_min_proto_version(ctx, lo) != 1 ||
        SSL_CTX_set_max_proto_version(ctx, hi) != 1) {
        tls_why(why, max_why, "tls min/max: OpenSSL refused the range");
        return GALOIS_ERR_CRYPTO;
    }
    return GALOIS_ERR_OK;
}

// readable checks that `path` can be opened, for a message better than OpenSSL's.
static galois_err readable(const char *what, const char *path, bool dir, char *why, size_t max_why)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        tls_why(why, max_why, "tls %s: cannot read '%s': %s", what, path, strerror(errno));
        return GALOIS_ERR_INVALID;
    }
    if (dir != S_ISDIR(st.st_mode)) {
        tls_why(why, max_why, "tls %s: '%s' is %sa directory", what, path, dir ? "not " : "");
        return GALOIS_ERR_INVALID;
    }
    FILE *f = dir ? NULL : fopen(path, "r");
    if (!dir && f == NULL) {
        tls_why(why, max_why, "tls %s: cannot read '%s': %s", what, path, strerror(errno));
        return GALOIS_ERR_INVALID;
    }
    if (f != NULL) {
        (void)fclose(f);
    }
    return GALOIS_ERR_OK;
}

// pem_bio opens the file `path` or, when it is empty, the memory `pem`.
static BIO *pem_bio(const char *path, const char *pem)
{
    return path[0] != '\0' ? BIO_new_file(path, "r") : BIO_new_mem_buf(pem, -1);
}

static galois_err load_cert(SSL_CTX *ctx, const struct galois_tls_policy *p, char *why,
                            size_t max_why)
{
    const char *src = p->cert_file[0] != '\0' ? p->cert_file : "(in-memory PEM)";
    if (p->cert_file[0] != '\0') {
        GALOIS_TRY(readable("cert", p->cert_file, false, why, max_why));
    }
    BIO *b = pem_bio(p->cert_file, p->cert_pem);
    X509 *leaf = b == NULL ? NULL : PEM_read_bio_X509(b, NULL, NULL, NULL);
    galois_err err = GALOIS_ERR_OK;
    if (leaf == NULL || SSL_CTX_use_certificate(ctx, leaf) != 1) {
        tls_why(why, max_why, "tls cert: %s holds no usable PEM certificate", src);
        err = GALOIS_ERR_INVALID;
        goto out;
    }
    // The rest of the file is the chain, leaf first (RFC 8446 §4.4.2).
    for (X509 *extra = PEM_read_bio_X509(b, NULL, NULL, NULL); extra != NULL;
         extra = PEM_read_bio_X509(b, NULL, NULL, NULL)) {
        if (SSL_CTX_add0_chain_cert(ctx, extra) != 1) {
            X509_free(extra);
            tls_why(why, max_why, "tls cert: the chain in %s was refused", src);
            err = GALOIS_ERR_INVALID;
            goto out;
        }
    }
out:
    X509_free(leaf);
    BIO_free(b);
    return err;
}

static galois_err load_key(SSL_CTX *ctx, const struct galois_tls_policy *p, char *why,
                           size_t max_why)
{
    const char *src = p->key_file[0] != '\0' ? p->key_file : "(in-memory PEM)";
    if (p->key_file[0] != '\0') {
        GALOIS_TRY(readable("key", p->key_file, false, why, max_why));
    }
    BIO *b = pem_bio(p->key_file, p->key_pem);
    EVP_PKEY *key = b == NULL ? NULL : PEM_read_bio_PrivateKey(b, NULL, NULL, NULL);
    galois_err err = GALOIS_ERR_OK;
    if (key == NULL) {
        tls_why(why, max_why, "tls key: %s holds no usable PEM private key", src);
        err = GALOIS_ERR_INVALID;
        goto out;
    }
    if (X509_check_private_key(SSL_CTX_get0_certificate(ctx), key) != 1) {
        tls_why(why, max_why, "tls key: %s does not match the certificate", src);
        err = GALOIS_ERR_INVALID;
        goto out;
    }
    if (SSL_CTX_use_PrivateKey(ctx, key) != 1 || SSL_CTX_check_private_key(ctx) != 1) {
        tls_why(why, max_why, "tls key: %s was refused for the certificate", src);
        err = GALOIS_ERR_INVALID;
    }
out:
    EVP_PKEY_free(key);
    BIO_free(b);
    return err;
}

static galois_err set_identity(SSL_CTX *ctx, const struct galois_tls_policy *p,
                               enum galois_tls_role role, char *why, size_t max_why)
{
    bool has_cert = p->cert_file[0] != '\0' || p->cert_pem != NULL;
    bool has_key = p->key_file[0] != '\0' || p->key_pem != NULL;
    if (role == GALOIS_TLS_SERVER && !has_cert) {
        tls_why(why, max_why, "tls cert: a server needs a certificate and its key (cert, key)");
        return GALOIS_ERR_POLICY;
    }
    if (has_cert && !has_key) {
        tls_why(why, max_why, "tls key: the certificate has no key (set key)");
        return GALOIS_ERR_INVALID;
    }
    if (has_key && !has_cert) {
        tls_why(why, max_why, "tls cert: a key without a certificate (set cert)");
        return GALOIS_ERR_INVALID;
    }
    if (!has_cert) {
        return GALOIS_ERR_OK;
    }
    GALOIS_TRY(load_cert(ctx, p, why, max_why));
    return load_key(ctx, p, why, max_why);
}

static galois_err load_ca_pem(SSL_CTX *ctx, const char *pem, char *why, size_t max_why)
{
    BIO *b = BIO_new_mem_buf(pem, -1);
    if (b == NULL) {
        return GALOIS_ERR_NOMEM;
    }
    X509_STORE *store = SSL_CTX_get_cert_store(ctx);
    int n = 0;
    galois_err err = GALOIS_ERR_OK;
    for (X509 *x = PEM_read_bio_X509(b, NULL, NULL, NULL); x != NULL;
         x = PEM_read_bio_X509(b, NULL, NULL, NULL)) {
        int ok = X509_STORE_add_cert(store, x);
        X509_free(x);
        if (ok != 1) {
            err = GALOIS_ERR_CRYPTO;
            break;
        }
        n++;
    }
    if (err == GALOIS_ERR_OK && n == 0) {
        tls_why(why, max_why, "tls ca: the in-memory PEM holds no certificate");
        err = GALOIS_ERR_INVALID;
    }
    BIO_free(b);
    return err;
}

static galois_err set_trust(SSL_CTX *ctx, const struct galois_tls_policy *p,
                            enum galois_tls_role role, char *why, size_t max_why)
{
    bool has_ca =
        p->ca_file[0] != '\0' || p->ca_dir[0] != '\0' || p->ca_pem != NULL || p->ca_system;
    bool checks_peer =
        p->verify && (role == GALOIS_TLS_CLIENT || p->client_cert != GALOIS_TLS_CLIENT_CERT_NONE);
    if (checks_peer && !has_ca) {
        tls_why(why, max_why,
                "tls ca: verify is on but no CA is configured (set ca=FILE, ca-dir=DIR or "
                "ca=system, or verify=no)");
        return GALOIS_ERR_POLICY;
    }
    if (p->ca_file[0] != '\0') {
        GALOIS_TRY(readable("ca", p->ca_file, false, why, max_why));
        if (SSL_CTX_load_verify_file(ctx, p->ca_file) != 1) {
            tls_why(why, max_why, "tls ca: '%s' holds no PEM certificate", p->ca_file);
            return GALOIS_ERR_INVALID;
        }
    }
    if (p->ca_dir[0] != '\0') {
        GALOIS_TRY(readable("ca-dir", p->ca_dir, true, why, max_why));
        if (SSL_CTX_load_verify_dir(ctx, p->ca_dir) != 1) {
            tls_why(why, max_why, "tls ca-dir: '%s' was refused", p->ca_dir);
            return GALOIS_ERR_INVALID;
        }
    }
    if (p->ca_pem != NULL) {
        GALOIS_TRY(load_ca_pem(ctx, p->ca_pem, why, max_why));
    }
    if (p->ca_system && SSL_CTX_set_default_verify_paths(ctx) != 1) {
        tls_why(why, max_why, "tls ca: OpenSSL's default CA paths could not be loaded");
        return GALOIS_ERR_INVALID;
    }
    return GALOIS_ERR_OK;
}

static void set_verify(SSL_CTX *ctx, const struct galois_tls_policy *p, enum galois_tls_role role)
{
    int mode = SSL_VERIFY_NONE;
    if (role == GALOIS_TLS_CLIENT && p->verify) {
        mode = SSL_VERIFY_PEER;
    } else if (role == GALOIS_TLS_SERVER && p->client_cert == GALOIS_TLS_CLIENT_CERT_REQUEST) {
        mode = SSL_VERIFY_PEER;
    } else if (role == GALOIS_TLS_SERVER && p->client_cert == GALOIS_TLS_CLIENT_CERT_REQUIRE) {
        mode = SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT;
    }
    SSL_CTX_set_verify(ctx, mode, tls_verify_cb);
}

// configure applies the policy to `ctx` in the order the checks depend on: the security level
// and versions first (they decide which lists must be non-empty), the identity before the key.
static galois_err configure(SSL_CTX *ctx, const struct galois_tls_policy *p,
                            enum galois_tls_role role, char *why, size_t max_why)
{
    // scratch expands single names, so a message can say which name is wrong; level 0 so that
    // nothing is filtered out before the whole list is judged.
    SSL_CTX *scratch = SSL_CTX_new(TLS_method());
    galois_err err = GALOIS_ERR_NOMEM;
    if (scratch == NULL) {
        goto out;
    }
    SSL_CTX_set_security_level(scratch, 0);
    err = set_versions(ctx, p, why, max_why);
    if (err == GALOIS_ERR_OK) {
        err = tls_set_ciphers(ctx, scratch, p, why, max_why);
    }
    if (err == GALOIS_ERR_OK) {
        err = tls_set_ciphersuites(ctx, scratch, p, why, max_why);
    }
    if (err == GALOIS_ERR_OK) {
        err = tls_set_list(ctx, scratch, true, p->groups, why, max_why);
    }
    if (err == GALOIS_ERR_OK) {
        err = tls_set_list(ctx, scratch, false, p->sigalgs, why, max_why);
    }
    if (err == GALOIS_ERR_OK) {
        err = set_identity(ctx, p, role, why, max_why);
    }
    if (err == GALOIS_ERR_OK) {
        err = set_trust(ctx, p, role, why, max_why);
    }
    if (err == GALOIS_ERR_OK) {
        set_verify(ctx, p, role);
        SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
        SSL_CTX_set_options(ctx,
                            SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_COMPRESSION |
                                (role == GALOIS_TLS_SERVER ? SSL_OP_CIPHER_SERVER_PREFERENCE : 0));
    }
out:
    SSL_CTX_free(scratch);
    return err;
}

galois_err galois_tls_ctx_new(struct galois_tls_ctx **out, const struct galois_tls_policy *p,
                              enum galois_tls_role role, char *why, size_t max_why)
{
    *out = NULL;
    tls_why(why, max_why, "%s", "");
    if (role != GALOIS_TLS_CLIENT && role != GALOIS_TLS_SERVER) {
        tls_why(why, max_why, "tls: unknown role");
        return GALOIS_ERR_INVALID;
    }
    ERR_set_mark();
    galois_err err = GALOIS_ERR_NOMEM;
    struct galois_tls_ctx *ctx = calloc(1, sizeof(*ctx));
    if (ctx == NULL) {
        goto out;
    }
    ctx->ssl_ctx =
        SSL_CTX_new(role == GALOIS_TLS_CLIENT ? TLS_client_method() : TLS_server_method());
    if (ctx->ssl_ctx == NULL) {
        goto out;
    }
    ctx->role = role;
    ctx->verify = p->verify;
    ctx->client_cert = p->client_cert;
    ctx->min_version = p->min_version;
    ctx->max_version = p->max_version;
    if (strlen(p->sni) >= sizeof(ctx->sni)) {
        tls_why(why, max_why, "tls sni: over %d bytes", GALOIS_TLS_MAX_NAME_LEN);
        err = GALOIS_ERR_INVALID;
        goto out;
    }
    memcpy(ctx->sni, p->sni, strlen(p->sni) + 1);
    err = configure(ctx->ssl_ctx, p, role, why, max_why);
    if (err == GALOIS_ERR_OK) {
        *out = ctx;
        ctx = NULL;
    }
out:
    if (err != GALOIS_ERR_OK && why != NULL && max_why > 0 && why[0] == '\0') {
        tls_why(why, max_why, "tls: %s", galois_err_str(err));
    }
    galois_tls_ctx_free(ctx);
    ERR_pop_to_mark();
    return err;
}

void galois_tls_ctx_free(struct galois_tls_ctx *ctx)
{
    if (ctx == NULL) {
        return;
    }
    SSL_CTX_free(ctx->ssl_ctx);
    free(ctx);
}
