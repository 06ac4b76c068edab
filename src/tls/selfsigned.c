// A throw-away self-signed certificate (EC P-256) for tests and demos, so that neither needs
// files or the openssl command.
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>
#include <string.h>

#include "internal.h"

enum { SAN_MAX_LEN = 3 * GALOIS_TLS_MAX_NAME_LEN + 128 };

// add_ext adds one extension written in OpenSSL's config syntax.
static bool add_ext(X509 *x, int nid, const char *value)
{
    X509V3_CTX v3;
    X509V3_set_ctx_nodb(&v3);
    X509V3_set_ctx(&v3, x, x, NULL, NULL, 0);
    X509_EXTENSION *ext = X509V3_EXT_conf_nid(NULL, &v3, nid, value);
    bool ok = ext != NULL && X509_add_ext(x, ext, -1) == 1;
    X509_EXTENSION_free(ext);
    return ok;
}

// name_ok accepts a host name or IP literal of letters, digits, '.', '-', ':' only: it goes
// into an extension written in OpenSSL's config syntax, where ',' would start a new entry.
static bool name_ok(const char *name)
{
    size_t n = strlen(name);
    if (n == 0 || n > GALOIS_TLS_MAX_NAME_LEN) {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        char ch = name[i];
        bool alnum =
            (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9');
        if (!alnum && ch != '.' && ch != '-' && ch != ':') {
            return false;
        }
    }
    return true;
}

static bool build(X509 *x, EVP_PKEY *key, const char *name, int days)
{
    uint8_t serial[16];
    char san[SAN_MAX_LEN];
    uint8_t ip[16];
    size_t ip_len = 0;
    if (tls_ip_literal(name, ip, &ip_len)) {
        tls_why(san, sizeof(san), "IP:127.0.0.1,IP:::1,DNS:localhost,URI:sip:127.0.0.1,IP:%s",
                name);
    } else {
        tls_why(san, sizeof(san),
                "IP:127.0.0.1,IP:::1,DNS:localhost,URI:sip:127.0.0.1,DNS:%s,URI:sip:%s", name,
                name);
    }
    if (RAND_bytes(serial, sizeof(serial)) != 1) {
        return false;
    }
    serial[0] &= 0x7f;  // a positive INTEGER (RFC 5280 §4.1.2.2)
    BIGNUM *bn = BN_bin2bn(serial, sizeof(serial), NULL);
    ASN1_INTEGER *sn = bn == NULL ? NULL : BN_to_ASN1_INTEGER(bn, NULL);
    X509_NAME *subject = X509_get_subject_name(x);
    bool ok = sn != NULL && X509_set_version(x, X509_VERSION_3) == 1 &&
              X509_set_serialNumber(x, sn) == 1 &&
              X509_gmtime_adj(X509_getm_notBefore(x), -3600) != NULL &&
              X509_gmtime_adj(X509_getm_notAfter(x), (long)days * 86400) != NULL &&
              X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_ASC, (const unsigned char *)name,
                                         -1, -1, 0) == 1 &&
              X509_set_issuer_name(x, subject) == 1 && X509_set_pubkey(x, key) == 1 &&
              add_ext(x, NID_basic_constraints, "critical,CA:FALSE") &&
              add_ext(x, NID_key_usage, "critical,digitalSignature") &&
              add_ext(x, NID_ext_key_usage, "serverAuth,clientAuth") &&
              add_ext(x, NID_subject_key_identifier, "hash") &&
              add_ext(x, NID_subject_alt_name, san) && X509_sign(x, key, EVP_sha256()) > 0;
    ASN1_INTEGER_free(sn);
    BN_free(bn);
    return ok;
}

// pem_out copies what `b` holds, and a NUL, to `out` (room `max`).
static galois_err pem_out(BIO *b, char *out, size_t max)
{
    char *data = NULL;
    long n = BIO_get_mem_data(b, &data);
    if (n <= 0 || data == NULL) {
        return GALOIS_ERR_CRYPTO;
    }
    if ((size_t)n >= max) {
        return GALOIS_ERR_BUFFER;
    }
    memcpy(out, data, (size_t)n);
    out[n] = '\0';
    return GALOIS_ERR_OK;
}

galois_err galois_tls_self_signed(char *cert_pem, size_t max_cert, char *key_pem, size_t max_key,
                                  const char *name, int days)
{
    if (max_cert > 0) {
        cert_pem[0] = '\0';
    }
    if (max_key > 0) {
        key_pem[0] = '\0';
    }
    if (name == NULL || !name_ok(name) || days < 1 || days > 3650) {
        return GALOIS_ERR_INVALID;
    }
    ERR_set_mark();
    galois_err err = GALOIS_ERR_CRYPTO;
    EVP_PKEY *key = EVP_EC_gen("P-256");
    X509 *x = X509_new();
    BIO *cb = BIO_new(BIO_s_mem());
    BIO *kb = BIO_new(BIO_s_secmem());
    if (key == NULL || x == NULL || cb == NULL || kb == NULL || !build(x, key, name, days) ||
        PEM_write_bio_X509(cb, x) != 1 ||
        PEM_write_bio_PrivateKey(kb, key, NULL, NULL, 0, NULL, NULL) != 1) {
        goto out;
    }
    err = pem_out(cb, cert_pem, max_cert);
    if (err == GALOIS_ERR_OK) {
        err = pem_out(kb, key_pem, max_key);
    }
    if (err != GALOIS_ERR_OK) {
        galois_secure_zero(cert_pem, max_cert);
        galois_secure_zero(key_pem, max_key);
    }
out:
    BIO_free(kb);
    BIO_free(cb);
    X509_free(x);
    EVP_PKEY_free(key);
    ERR_pop_to_mark();
    return err;
}
