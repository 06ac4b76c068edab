// The a=crypto writer: the standard suite name, padded base64 keys, session parameters in
// RFC 4568 §6.3 order and unknown ones last. What it writes parses back to its input.
#include <string.h>

#include "internal.h"

static bool text_valid(const char *text, bool opaque)
{
    size_t n = strnlen(text, GALOIS_SDES_MAX_TEXT_LEN + 1);
    if (n > GALOIS_SDES_MAX_TEXT_LEN || (opaque && n == 0)) {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        uint8_t ch = (uint8_t)text[i];
        bool edge = i == 0 || i == n - 1 || (!opaque && text[i - 1] == ' ');
        if (!sdes_is_vchar(ch) && !(opaque && !edge && sdes_is_wsp(ch)) &&
            !(!opaque && !edge && ch == ' ')) {
            return false;
        }
    }
    return true;
}

static bool suite_valid(const struct galois_sdes_crypto *in, size_t *key_salt_len)
{
    struct sdes_name name;
    size_t n = strnlen(in->suite_name, sizeof(in->suite_name));
    if (n == 0 || n > GALOIS_SDES_MAX_SUITE_LEN) {
        return false;
    }
    bool known = sdes_lookup_name(&name, in->suite_name, n);
    if (known != !in->opaque || (known && name.suite != in->suite) ||
        (!known && in->suite != GALOIS_SRTP_SUITE_NONE)) {
        return false;
    }
    *key_salt_len = known ? name.key_salt_len : 0;
    return true;
}

static bool valid(const struct galois_sdes_crypto *in)
{
    size_t key_salt_len = 0;
    if (in->tag > GALOIS_SDES_MAX_TAG || !suite_valid(in, &key_salt_len) ||
        !text_valid(in->text, in->opaque)) {
        return false;
    }
    if (in->opaque) {
        return in->num_keys == 0 && in->num_fec_keys == 0;
    }
    return sdes_keys_valid(in->keys, in->num_keys, key_salt_len) &&
           (in->num_fec_keys == 0 ||
            sdes_keys_valid(in->fec_keys, in->num_fec_keys, key_salt_len)) &&
           (!in->has_kdr || in->kdr <= 24) && (in->wsh == 0 || in->wsh >= 64) &&
           (unsigned)in->fec_order <= GALOIS_SDES_SRTP_FEC;
}

static void flag(struct galois_buf *b, bool on, const char *name)
{
    if (on) {
        galois_buf_putc(b, ' ');
        galois_buf_puts(b, name);
    }
}

static void session_params(struct galois_buf *b, const struct galois_sdes_crypto *in)
{
    if (in->has_kdr) {
        galois_buf_puts(b, " KDR=");
        galois_buf_put_dec(b, in->kdr);
    }
    flag(b, in->unencrypted_srtp, "UNENCRYPTED_SRTP");
    flag(b, in->unencrypted_srtcp, "UNENCRYPTED_SRTCP");
    flag(b, in->unauthenticated_srtp, "UNAUTHENTICATED_SRTP");
    flag(b, in->fec_order == GALOIS_SDES_FEC_SRTP, "FEC_ORDER=FEC_SRTP");
    flag(b, in->fec_order == GALOIS_SDES_SRTP_FEC, "FEC_ORDER=SRTP_FEC");
    if (in->num_fec_keys > 0) {
        galois_buf_puts(b, " FEC_KEY=");
        sdes_write_key_params(b, in->fec_keys, in->num_fec_keys);
    }
    if (in->wsh != 0) {
        galois_buf_puts(b, " WSH=");
        galois_buf_put_dec(b, in->wsh);
    }
    flag(b, in->text[0] != '\0', in->text);
}

galois_err galois_sdes_write(char *out, size_t *out_len, size_t max_out_len,
                             const struct galois_sdes_crypto *in)
{
    struct galois_buf b;
    *out_len = 0;
    if (!valid(in)) {
        return GALOIS_ERR_INVALID;
    }
    galois_buf_init(&b, out, max_out_len);
    galois_buf_put_dec(&b, in->tag);
    galois_buf_putc(&b, ' ');
    galois_buf_puts(&b, in->suite_name);
    galois_buf_putc(&b, ' ');
    if (in->opaque) {
        galois_buf_puts(&b, in->text);
    } else {
        sdes_write_key_params(&b, in->keys, in->num_keys);
        session_params(&b, in);
    }
    if (!galois_buf_finish(&b)) {
        galois_secure_zero(out, max_out_len);
        return GALOIS_ERR_BUFFER;
    }
    *out_len = b.len;
    return GALOIS_ERR_OK;
}
