// ICE's share of the SDP (RFC 8839): credentials (ice-ufrag, ice-pwd), host candidates and
// their priority (RFC 8445 §5.1.2), and transport addresses as text. The galois_sdp model keeps
// these as ordinary attributes; this file only makes their values.
#include <arpa/inet.h>
#include <string.h>

#include "internal.h"

galois_err galois_ice_addr_from_text(struct galois_ice_addr *out, const char *text, uint16_t port)
{
    memset(out, 0, sizeof(*out));
    if (text == NULL) {
        return GALOIS_ERR_PARSE;
    }
    if (inet_pton(AF_INET, text, out->ip) == 1) {
        out->family = GALOIS_ICE_IPV4;
    } else if (inet_pton(AF_INET6, text, out->ip) == 1) {
        out->family = GALOIS_ICE_IPV6;
    } else {
        memset(out, 0, sizeof(*out));
        return GALOIS_ERR_PARSE;
    }
    out->port = port;
    return GALOIS_ERR_OK;
}

galois_err galois_ice_addr_text(char *out, size_t max, const struct galois_ice_addr *addr)
{
    char text[GALOIS_ICE_MAX_ADDR_TEXT];
    if (max > 0) {
        out[0] = '\0';
    }
    int af = addr->family == GALOIS_ICE_IPV4   ? AF_INET
             : addr->family == GALOIS_ICE_IPV6 ? AF_INET6
                                               : 0;
    if (af == 0 || inet_ntop(af, addr->ip, text, sizeof(text)) == NULL) {
        return GALOIS_ERR_INVALID;
    }
    size_t len = strlen(text);
    if (len >= max) {
        return GALOIS_ERR_BUFFER;
    }
    memcpy(out, text, len + 1);
    return GALOIS_ERR_OK;
}

bool galois_ice_addr_equal(const struct galois_ice_addr *a, const struct galois_ice_addr *b)
{
    size_t n = a->family == GALOIS_ICE_IPV6 ? 16 : 4;
    return a->family == b->family && a->port == b->port && memcmp(a->ip, b->ip, n) == 0;
}

// ice_char is RFC 8839 §5.4's ice-char: ALPHA / DIGIT / "+" / "/".
static bool ice_char(char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
           ch == '+' || ch == '/';
}

static bool ice_chars(const char *text, size_t len, size_t min, size_t max)
{
    if (text == NULL || len < min || len > max) {
        return false;
    }
    for (size_t i = 0; i < len; i++) {
        if (!ice_char(text[i])) {
            return false;
        }
    }
    return true;
}

bool galois_ice_cred_valid(const char *text, size_t len, bool is_pwd)
{
    return ice_chars(text, len, is_pwd ? GALOIS_ICE_MIN_PWD_LEN : GALOIS_ICE_MIN_UFRAG_LEN,
                     GALOIS_ICE_MAX_CRED_LEN);
}

galois_err galois_ice_cred_generate(char *out, size_t max, size_t len)
{
    static const char alphabet[64] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    uint8_t rnd[GALOIS_ICE_MAX_CRED_LEN];
    if (max > 0) {
        out[0] = '\0';
    }
    if (len == 0 || len > GALOIS_ICE_MAX_CRED_LEN) {
        return GALOIS_ERR_INVALID;
    }
    if (len >= max) {
        return GALOIS_ERR_BUFFER;
    }
    galois_err err = galois_random_bytes(rnd, len);
    if (err != GALOIS_ERR_OK) {
        return err;
    }
    for (size_t i = 0; i < len; i++) {
        out[i] = alphabet[rnd[i] & 63u];  // 256 is a multiple of 64: no bias
    }
    out[len] = '\0';
    galois_secure_zero(rnd, sizeof(rnd));
    return GALOIS_ERR_OK;
}

uint32_t galois_ice_priority(uint8_t type_pref, uint16_t local_pref, unsigned component)
{
    if (component < 1 || component > 256) {
        component = 256;
    }
    return ((uint32_t)type_pref << 24) | ((uint32_t)local_pref << 8) | (256u - component);
}

galois_err galois_ice_host_candidate(char *out, size_t *out_len, size_t max, const char *foundation,
                                     const struct galois_ice_addr *addr, uint32_t priority)
{
    char text[GALOIS_ICE_MAX_ADDR_TEXT];
    struct galois_buf b;
    *out_len = 0;
    if (max > 0) {
        out[0] = '\0';
    }
    if (foundation == NULL || !ice_chars(foundation, strlen(foundation), 1, 32) ||
        galois_ice_addr_text(text, sizeof(text), addr) != GALOIS_ERR_OK) {
        return GALOIS_ERR_INVALID;
    }
    galois_buf_init(&b, out, max);
    galois_buf_puts(&b, foundation);
    galois_buf_puts(&b, " 1 udp ");
    galois_buf_put_dec(&b, priority);
    galois_buf_putc(&b, ' ');
    galois_buf_puts(&b, text);
    galois_buf_putc(&b, ' ');
    galois_buf_put_dec(&b, addr->port);
    galois_buf_puts(&b, " typ host");
    if (!galois_buf_finish(&b)) {
        if (max > 0) {
            out[0] = '\0';
        }
        return GALOIS_ERR_BUFFER;
    }
    *out_len = b.len;
    return GALOIS_ERR_OK;
}

galois_err galois_ice_lite_sdp(char *out, size_t *out_len, size_t max,
                               const struct galois_ice_lite *agent, bool session_level,
                               const struct galois_ice_addr *addrs, size_t num_addrs)
{
    struct galois_buf b;
    *out_len = 0;
    if (max > 0) {
        out[0] = '\0';
    }
    galois_buf_init(&b, out, max);
    if (session_level) {
        galois_buf_puts(&b, "a=ice-lite\r\n");
    } else {
        if (num_addrs > 256 || (num_addrs > 0 && addrs == NULL)) {
            return GALOIS_ERR_INVALID;
        }
        galois_buf_puts(&b, "a=ice-ufrag:");
        galois_buf_puts(&b, galois_ice_lite_local_ufrag(agent));
        galois_buf_puts(&b, "\r\na=ice-pwd:");
        galois_buf_puts(&b, galois_ice_lite_local_pwd(agent));
        galois_buf_puts(&b, "\r\n");
        for (size_t i = 0; i < num_addrs; i++) {
            char foundation[4];
            char cand[GALOIS_ICE_MAX_CANDIDATE_LEN];
            size_t cand_len = 0;
            struct galois_buf f;
            galois_buf_init(&f, foundation, sizeof(foundation));
            galois_buf_put_dec(&f, i + 1);
            GALOIS_CHECK(galois_buf_finish(&f));
            // RFC 8445 §5.1.2.1: host type preference 126; §5.1.2.2: a distinct local
            // preference per address, the first listed preferred.
            uint32_t prio = galois_ice_priority(126, (uint16_t)(65535u - i), 1);
            galois_err err = galois_ice_host_candidate(cand, &cand_len, sizeof(cand), foundation,
                                                       &addrs[i], prio);
            if (err != GALOIS_ERR_OK) {
                if (max > 0) {
                    out[0] = '\0';
                }
                return err;
            }
            galois_buf_puts(&b, "a=candidate:");
            galois_buf_put(&b, cand, cand_len);
            galois_buf_puts(&b, "\r\n");
        }
    }
    if (!galois_buf_finish(&b)) {
        if (max > 0) {
            out[0] = '\0';
        }
        return GALOIS_ERR_BUFFER;
    }
    *out_len = b.len;
    return GALOIS_ERR_OK;
}
