// Fuzz target: the STUN codec (RFC 8489) and the ICE-lite agent. Whatever galois_stun_parse
// accepts must have views inside the input and a checkable MESSAGE-INTEGRITY or
// MESSAGE-INTEGRITY-SHA256 (a full-length check never passes where the plain one fails); a
// parsed XOR-MAPPED-ADDRESS must survive the writer (with either integrity attribute) and the
// parser again. Every datagram then goes to an agent as it is (almost always refused: the
// fuzzer cannot forge the HMAC), and, when it parses as a request with an integrity attribute,
// three more times re-signed with the agent's password (MESSAGE-INTEGRITY, -SHA256, both) so
// the checks after authentication (420, 487, nomination, consent) are reached too. Whatever the
// agent answers must parse, answer the same transaction, carry FINGERPRINT, and be signed
// exactly when the request was authentic, with the attribute RFC 8489 §9.1.3 asks:
// MESSAGE-INTEGRITY-SHA256 when the request had it, else MESSAGE-INTEGRITY.
#include <galois/dtls.h>
#include <string.h>

#include "ice/internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_UFRAG "fuzz"
#define FUZZ_REMOTE "peer"
#define FUZZ_PWD "fuzzfuzzfuzzfuzzfuzzfuzz"

static struct galois_ice_lite *agent;
static struct galois_stun_key *key;
static uint64_t now_ms;

static void setup(void)
{
    if (agent != NULL) {
        return;
    }
    struct galois_ice_lite_config cfg = {
        .local_ufrag = FUZZ_UFRAG,
        .local_pwd = FUZZ_PWD,
        .remote_ufrag = FUZZ_REMOTE,
        .remote_pwd = FUZZ_PWD FUZZ_PWD,
    };
    GALOIS_CHECK(galois_ice_lite_new(&agent, &cfg) == GALOIS_ERR_OK);
    GALOIS_CHECK(galois_stun_key_new(&key, (const uint8_t *)FUZZ_PWD, strlen(FUZZ_PWD)) ==
                 GALOIS_ERR_OK);
}

static void check_view(const uint8_t *v, size_t v_len, const uint8_t *data, size_t size)
{
    if (v != NULL) {
        GALOIS_CHECK(v >= data && v_len <= size && (size_t)(v - data) <= size - v_len);
    }
}

static void check_parsed(const struct galois_stun_msg *m, const uint8_t *data, size_t size)
{
    GALOIS_CHECK(m->why == GALOIS_STUN_WHY_NONE && m->len == size && size % 4 == 0);
    // RFC 7983: a STUN method below 0x80 puts 0 or 1 in the first byte.
    GALOIS_CHECK(m->method >= 0x80 || galois_demux_classify(data[0]) == GALOIS_DEMUX_STUN);
    check_view(m->username, m->username_len, data, size);
    check_view(m->realm, m->realm_len, data, size);
    check_view(m->nonce, m->nonce_len, data, size);
    check_view(m->software, m->software_len, data, size);
    check_view(m->reason, m->reason_len, data, size);
    GALOIS_CHECK(m->username == NULL || m->username_len <= GALOIS_STUN_MAX_USERNAME_LEN);
    GALOIS_CHECK(!m->has_error || (m->error_code >= 300 && m->error_code <= 699));
    if (m->has_integrity) {
        GALOIS_CHECK(m->integrity_off >= GALOIS_STUN_HEADER_LEN &&
                     m->integrity_off + STUN_INTEGRITY_ATTR_LEN <= size);
    }
    if (m->has_integrity_sha256) {
        GALOIS_CHECK(m->integrity_sha256_off >= GALOIS_STUN_HEADER_LEN &&
                     m->integrity_sha256_off + STUN_ATTR_HEADER_LEN + GALOIS_STUN_SHA256_MIN_LEN <=
                         size);
        GALOIS_CHECK(!m->has_integrity || m->integrity_off < m->integrity_sha256_off);
    }
    galois_err err = galois_stun_check_integrity(key, m, data, size);
    if (m->has_integrity || m->has_integrity_sha256) {
        GALOIS_CHECK(err == GALOIS_ERR_OK || err == GALOIS_ERR_AUTH);
        galois_err full = galois_stun_verify(key, m, data, size, GALOIS_STUN_SHA256_LEN);
        GALOIS_CHECK(full == GALOIS_ERR_AUTH || (full == GALOIS_ERR_OK && err == GALOIS_ERR_OK));
    } else {
        GALOIS_CHECK(err == GALOIS_ERR_NOT_FOUND);
    }
    if (m->has_xor_mapped) {
        for (int alg = GALOIS_STUN_MAC_SHA1; alg <= GALOIS_STUN_MAC_SHA256; alg++) {
            uint8_t out[128];
            size_t len = 0;
            struct galois_stun_msg again;
            GALOIS_CHECK(
                galois_stun_write_success_alg(out, &len, sizeof(out), m->txid, &m->xor_mapped, key,
                                              (enum galois_stun_mac_alg)alg) == GALOIS_ERR_OK);
            GALOIS_CHECK(galois_stun_parse(&again, out, len) == GALOIS_ERR_OK);
            GALOIS_CHECK(again.has_xor_mapped &&
                         galois_ice_addr_equal(&again.xor_mapped, &m->xor_mapped));
            GALOIS_CHECK(again.has_integrity_sha256 == (alg == GALOIS_STUN_MAC_SHA256) &&
                         again.has_integrity == (alg == GALOIS_STUN_MAC_SHA1));
            GALOIS_CHECK(galois_stun_check_integrity(key, &again, out, len) == GALOIS_ERR_OK);
        }
    }
}

// feed gives one datagram to the agent and checks its answer.
static void feed(const uint8_t *data, size_t size, const struct galois_ice_addr *from)
{
    static uint8_t out[GALOIS_STUN_MAX_LEN];
    size_t out_len = 0;
    struct galois_stun_msg req;
    struct galois_stun_msg ans;
    galois_err err =
        galois_ice_lite_input(agent, data, size, from, now_ms, out, sizeof(out), &out_len);
    now_ms += 1000;
    if (out_len == 0) {
        return;
    }
    GALOIS_CHECK(galois_stun_parse(&req, data, size) == GALOIS_ERR_OK);
    GALOIS_CHECK(req.cls == GALOIS_STUN_REQUEST && req.method == GALOIS_STUN_BINDING);
    GALOIS_CHECK(galois_stun_parse(&ans, out, out_len) == GALOIS_ERR_OK);
    GALOIS_CHECK(memcmp(ans.txid, req.txid, GALOIS_STUN_TXID_LEN) == 0 && ans.has_fingerprint);
    if (err == GALOIS_ERR_OK) {
        GALOIS_CHECK(ans.cls == GALOIS_STUN_SUCCESS && ans.has_xor_mapped);
        GALOIS_CHECK(galois_ice_addr_equal(&ans.xor_mapped, from));
    } else {
        GALOIS_CHECK(ans.cls == GALOIS_STUN_ERROR && ans.has_error);
    }
    bool authentic =
        err == GALOIS_ERR_OK || err == GALOIS_ERR_UNSUPPORTED || err == GALOIS_ERR_STATE;
    // RFC 8489 §9.1.3: the attribute the request used, only the SHA-256 one if it had both.
    GALOIS_CHECK(ans.has_integrity_sha256 == (authentic && req.has_integrity_sha256));
    GALOIS_CHECK(ans.has_integrity == (authentic && !req.has_integrity_sha256));
    if (authentic) {
        GALOIS_CHECK(galois_stun_check_integrity(key, &ans, out, out_len) == GALOIS_ERR_OK);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    setup();
    struct galois_stun_msg m;
    galois_err err = galois_stun_parse(&m, data, size);
    if (err == GALOIS_ERR_OK) {
        check_parsed(&m, data, size);
    } else {
        GALOIS_CHECK(m.why != GALOIS_STUN_WHY_NONE && m.username == NULL && !m.has_integrity);
        GALOIS_CHECK(err ==
                     (m.why == GALOIS_STUN_WHY_OVERSIZED ? GALOIS_ERR_LIMIT : GALOIS_ERR_PARSE));
    }

    struct galois_ice_addr from = {.family = GALOIS_ICE_IPV4, .ip = {192, 0, 2, 1}, .port = 9};
    if (size > 0 && (data[size - 1] & 1u) != 0) {
        from.family = GALOIS_ICE_IPV6;
        from.ip[15] = data[size - 1];
    }
    feed(data, size, &from);

    // Re-sign a request with an integrity attribute under the agent's password: everything
    // before the first integrity attribute is kept, and MESSAGE-INTEGRITY, -SHA256 or both (as
    // an RFC 8489 client that does not know the server writes them) and FINGERPRINT are
    // written anew.
    if (err == GALOIS_ERR_OK && (m.has_integrity || m.has_integrity_sha256) &&
        m.cls == GALOIS_STUN_REQUEST) {
        size_t off = m.has_integrity ? m.integrity_off : m.integrity_sha256_off;
        for (int mode = 0; mode < 3; mode++) {
            static uint8_t signed_msg[GALOIS_STUN_MAX_LEN + 128];
            struct galois_buf b;
            galois_buf_init(&b, signed_msg, sizeof(signed_msg));
            galois_buf_put(&b, data, off);
            galois_err werr = galois_stun_w_finish_alg(
                &b, key, mode == 1 ? GALOIS_STUN_MAC_SHA256 : GALOIS_STUN_MAC_SHA1);
            if (werr == GALOIS_ERR_OK && mode == 2) {
                b.len -= STUN_FINGERPRINT_ATTR_LEN;  // MESSAGE-INTEGRITY stays; -SHA256 follows
                werr = galois_stun_w_finish_alg(&b, key, GALOIS_STUN_MAC_SHA256);
            }
            if (werr == GALOIS_ERR_OK) {
                feed(signed_msg, b.len, &from);
            }
        }
    }
    return 0;
}
