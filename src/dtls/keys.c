// SRTP keys from the handshake (RFC 5764 §4.2) and what was negotiated.
#include <limits.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/x509.h>
#include <string.h>

#include "internal.h"

static const char exporter_label[] = "EXTRACTOR-dtls_srtp";

// negotiated returns the agreed profile of a connected `d`, or NULL.
static const struct dtls_profile *negotiated(const struct galois_dtls *d)
{
    const SRTP_PROTECTION_PROFILE *p = SSL_get_selected_srtp_profile(d->ssl);
    if (p == NULL || p->id > UINT16_MAX) {
        return NULL;
    }
    return dtls_profile_by_id((uint16_t)p->id);
}

static void fill_policy(struct galois_srtp_policy *out, enum galois_srtp_suite suite,
                        enum galois_srtp_direction dir, const struct galois_srtp_master_key *key)
{
    memset(out, 0, sizeof(*out));
    out->suite = suite;
    out->direction = dir;
    out->keys = key;
    out->num_keys = 1;
    out->accept_any_ssrc = true;
}

galois_err galois_dtls_keys(struct galois_dtls *d, struct galois_dtls_keys *keys,
                            struct galois_srtp_policy *send, struct galois_srtp_policy *recv)
{
    memset(keys, 0, sizeof(*keys));
    if (d->state != GALOIS_DTLS_CONNECTED && d->state != GALOIS_DTLS_CLOSED) {
        return GALOIS_ERR_STATE;
    }
    const struct dtls_profile *prof = negotiated(d);
    const struct galois_srtp_suite_info *info =
        prof == NULL ? NULL : galois_srtp_suite_get_info(prof->suite);
    if (info == NULL) {
        return GALOIS_ERR_STATE;
    }
    size_t k = info->key_len;
    size_t s = info->salt_len;
    uint8_t material[2 * (GALOIS_SRTP_MAX_KEY_LEN + GALOIS_SRTP_MAX_SALT_LEN)];
    ERR_set_mark();
    int ok = SSL_export_keying_material(d->ssl, material, 2 * (k + s), exporter_label,
                                        sizeof(exporter_label) - 1, NULL, 0, 0);
    ERR_pop_to_mark();
    if (ok != 1) {
        galois_secure_zero(material, sizeof(material));
        return GALOIS_ERR_CRYPTO;
    }
    // client_write_key | server_write_key | client_write_salt | server_write_salt
    bool client = d->role == GALOIS_DTLS_CLIENT;
    struct galois_srtp_master_key *ck = client ? &keys->send : &keys->recv;
    struct galois_srtp_master_key *sk = client ? &keys->recv : &keys->send;
    memcpy(ck->key, material, k);
    memcpy(sk->key, material + k, k);
    memcpy(ck->salt, material + 2 * k, s);
    memcpy(sk->salt, material + 2 * k + s, s);
    galois_secure_zero(material, sizeof(material));
    keys->suite = prof->suite;
    if (send != NULL) {
        fill_policy(send, prof->suite, GALOIS_SRTP_SEND, &keys->send);
    }
    if (recv != NULL) {
        fill_policy(recv, prof->suite, GALOIS_SRTP_RECEIVE, &keys->recv);
    }
    return GALOIS_ERR_OK;
}

// put copies the NUL-terminated `s` (NULL is "") into `dst` of `room` bytes, cut to fit.
static void put(char *dst, size_t room, const char *s)
{
    size_t n = s == NULL ? 0 : strlen(s);
    if (n >= room) {
        n = room - 1;
    }
    if (n > 0) {
        memcpy(dst, s, n);
    }
    dst[n] = '\0';
}

galois_err galois_dtls_get_info(const struct galois_dtls *d, struct galois_dtls_info *out)
{
    memset(out, 0, sizeof(*out));
    const struct dtls_profile *prof = negotiated(d);
    if ((d->state != GALOIS_DTLS_CONNECTED && d->state != GALOIS_DTLS_CLOSED) || prof == NULL) {
        return GALOIS_ERR_STATE;
    }
    out->role = d->role;
    put(out->version, sizeof(out->version), SSL_get_version(d->ssl));
    const SSL_CIPHER *cipher = SSL_get_current_cipher(d->ssl);
    if (cipher != NULL) {
        put(out->cipher, sizeof(out->cipher), SSL_CIPHER_get_name(cipher));
        put(out->cipher_iana, sizeof(out->cipher_iana), SSL_CIPHER_standard_name(cipher));
    }
    long group = SSL_get_negotiated_group(d->ssl);
    if (group > 0 && group <= INT_MAX) {
        put(out->group, sizeof(out->group), SSL_group_to_name(d->ssl, (int)group));
    }
    put(out->srtp_profile, sizeof(out->srtp_profile), prof->name);
    out->suite = prof->suite;
    struct galois_dtls_fingerprint fp;
    ERR_set_mark();
    galois_err err =
        dtls_x509_fingerprint(&fp, SSL_get0_peer_certificate(d->ssl), GALOIS_DTLS_HASH_SHA256);
    ERR_pop_to_mark();
    if (err != GALOIS_ERR_OK ||
        galois_dtls_fingerprint_text(out->peer_fingerprint, sizeof(out->peer_fingerprint), &fp) !=
            GALOIS_ERR_OK) {
        out->peer_fingerprint[0] = '\0';
    }
    return GALOIS_ERR_OK;
}

galois_err galois_dtls_info_text(char *out, size_t max, const struct galois_dtls_info *i)
{
    struct galois_buf b;
    galois_buf_init(&b, out, max);
    galois_buf_puts(&b, i->version);
    galois_buf_putc(&b, ' ');
    galois_buf_puts(&b, i->cipher);
    if (i->cipher_iana[0] != '\0' && strcmp(i->cipher_iana, i->cipher) != 0) {
        galois_buf_puts(&b, " (");
        galois_buf_puts(&b, i->cipher_iana);
        galois_buf_putc(&b, ')');
    }
    galois_buf_puts(&b, ", group ");
    galois_buf_puts(&b, i->group[0] != '\0' ? i->group : "none");
    galois_buf_puts(&b, ", srtp ");
    galois_buf_puts(&b, i->srtp_profile);
    const struct galois_srtp_suite_info *si = galois_srtp_suite_get_info(i->suite);
    if (si != NULL) {
        galois_buf_puts(&b, " (");
        galois_buf_puts(&b, si->name);
        galois_buf_putc(&b, ')');
    }
    galois_buf_puts(&b, i->role == GALOIS_DTLS_CLIENT ? ", we are client" : ", we are server");
    galois_buf_puts(&b, ", peer ");
    galois_buf_puts(&b, i->peer_fingerprint[0] != '\0' ? i->peer_fingerprint : "unknown");
    if (!galois_buf_finish(&b)) {
        if (max > 0) {
            out[0] = '\0';
        }
        return GALOIS_ERR_BUFFER;
    }
    return GALOIS_ERR_OK;
}
