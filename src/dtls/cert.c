// Our DTLS certificate: generated per run (self-signed ECDSA P-256, RFC 8827 §6.5 style) or
// loaded from PEM, and its fingerprint for our a=fingerprint.
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static bool build(X509 *x, EVP_PKEY *key, int days)
{
    uint8_t serial[16];
    if (RAND_bytes(serial, sizeof(serial)) != 1) {
        return false;
    }
    serial[0] &= 0x7f;  // a positive INTEGER (RFC 5280 §4.1.2.2)
    serial[0] |= 0x01;  // and never zero
    BIGNUM *bn = BN_bin2bn(serial, sizeof(serial), NULL);
    ASN1_INTEGER *sn = bn == NULL ? NULL : BN_to_ASN1_INTEGER(bn, NULL);
    X509_NAME *subject = X509_get_subject_name(x);
    bool ok = sn != NULL && X509_set_version(x, X509_VERSION_3) == 1 &&
              X509_set_serialNumber(x, sn) == 1 &&
              X509_gmtime_adj(X509_getm_notBefore(x), -86400) != NULL &&
              X509_gmtime_adj(X509_getm_notAfter(x), (long)days * 86400) != NULL &&
              X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_ASC,
                                         (const unsigned char *)"galois", -1, -1, 0) == 1 &&
              X509_set_issuer_name(x, subject) == 1 && X509_set_pubkey(x, key) == 1 &&
              X509_sign(x, key, EVP_sha256()) > 0;
    ASN1_INTEGER_free(sn);
    BN_free(bn);
    return ok;
}

static galois_err cert_alloc(struct galois_dtls_cert **out, X509 *x, EVP_PKEY *key)
{
    struct galois_dtls_cert *c = calloc(1, sizeof(*c));
    if (c == NULL) {
        return GALOIS_ERR_NOMEM;
    }
    c->x509 = x;
    c->key = key;
    *out = c;
    return GALOIS_ERR_OK;
}

galois_err galois_dtls_cert_generate(struct galois_dtls_cert **out, int days)
{
    *out = NULL;
    if (days < 1 || days > 365) {
        return GALOIS_ERR_INVALID;
    }
    ERR_set_mark();
    galois_err err = GALOIS_ERR_CRYPTO;
    EVP_PKEY *key = EVP_EC_gen("P-256");
    X509 *x = X509_new();
    if (key == NULL || x == NULL || !build(x, key, days)) {
        goto out;
    }
    err = cert_alloc(out, x, key);
    if (err == GALOIS_ERR_OK) {
        x = NULL;
        key = NULL;
    }
out:
    X509_free(x);
    EVP_PKEY_free(key);
    ERR_pop_to_mark();
    return err;
}

galois_err galois_dtls_cert_from_pem(struct galois_dtls_cert **out, const char *cert_pem,
                                     const char *key_pem, char *why, size_t max_why)
{
    *out = NULL;
    dtls_why(why, max_why, "%s", "");
    if (cert_pem == NULL || key_pem == NULL) {
        dtls_why(why, max_why, "dtls cert: a certificate and a key are both needed");
        return GALOIS_ERR_INVALID;
    }
    ERR_set_mark();
    galois_err err = GALOIS_ERR_INVALID;
    X509 *x = NULL;
    EVP_PKEY *key = NULL;
    BIO *cb = BIO_new_mem_buf(cert_pem, -1);
    BIO *kb = BIO_new_mem_buf(key_pem, -1);
    if (cb == NULL || kb == NULL) {
        err = GALOIS_ERR_NOMEM;
        goto out;
    }
    x = PEM_read_bio_X509(cb, NULL, NULL, NULL);
    if (x == NULL) {
        dtls_why(why, max_why, "dtls cert: the certificate is not PEM X.509");
        goto out;
    }
    key = PEM_read_bio_PrivateKey(kb, NULL, NULL, NULL);
    if (key == NULL) {
        dtls_why(why, max_why, "dtls cert: the key is not an unencrypted PEM private key");
        goto out;
    }
    if (X509_check_private_key(x, key) != 1) {
        dtls_why(why, max_why, "dtls cert: the key does not belong to the certificate");
        goto out;
    }
    err = cert_alloc(out, x, key);
    if (err == GALOIS_ERR_OK) {
        x = NULL;
        key = NULL;
    }
out:
    BIO_free(kb);
    BIO_free(cb);
    X509_free(x);
    EVP_PKEY_free(key);
    ERR_pop_to_mark();
    return err;
}

void galois_dtls_cert_free(struct galois_dtls_cert *c)
{
    if (c == NULL) {
        return;
    }
    X509_free(c->x509);
    EVP_PKEY_free(c->key);  // OpenSSL wipes the private key as it frees it
    free(c);
}

galois_err galois_dtls_cert_fingerprint(struct galois_dtls_fingerprint *out,
                                        const struct galois_dtls_cert *c,
                                        enum galois_dtls_hash hash)
{
    ERR_set_mark();
    galois_err err = dtls_x509_fingerprint(out, c->x509, hash);
    ERR_pop_to_mark();
    return err;
}
