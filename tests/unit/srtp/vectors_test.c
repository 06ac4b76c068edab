// Full-packet known-answer tests through the public API: every libsrtp srtp_validate* packet
// (libsrtp-reference.txt) and every RFC 7714 section 16/17 case, protect (byte for byte) and
// unprotect, separate buffers and in place. Each vector case is its own cmocka test, named
// after the case; every value comes from the vector files.
#include "session_util.h"

enum mode { SEPARATE, IN_PLACE };
static const char *const mode_names[] = {"separate", "in place"};

static struct vf_file *libsrtp_file;
static struct vf_file *rfc7714_file;

// run_one protects `plain` with a fresh sender and unprotects `prot` with a fresh receiver,
// each set up by `setup`, in `mode`, and checks both against the vector.
struct vector_run {
    const struct vf_case *c;
    bool rtcp;
    struct galois_srtp_policy policy;
    uint32_t ssrc;
    uint32_t roc;         // SRTP
    uint32_t rtcp_index;  // SRTCP
    bool session_keys;    // RFC 7714: install the printed session keys
    struct vf_bytes key;  // session key and salt for session_keys
    struct vf_bytes salt;
    struct vf_bytes plain;
    struct vf_bytes prot;
};

static struct galois_srtp *make_side(const struct vector_run *v, enum galois_srtp_direction dir)
{
    struct galois_srtp *s = session_new(&v->policy, dir);
    if (v->session_keys) {
        expect_err(galois_srtp_set_session_keys(s, 0, v->rtcp, v->key.b, v->key.len, v->salt.b,
                                                v->salt.len, NULL, 0),
                   GALOIS_ERR_OK, "%s: set_session_keys", v->c->name);
    }
    expect_err(galois_srtp_add_stream(s, v->ssrc), GALOIS_ERR_OK, "%s: add_stream", v->c->name);
    if (v->rtcp && dir == GALOIS_SRTP_SEND) {
        expect_err(galois_srtp_set_rtcp_index(s, v->ssrc, v->rtcp_index), GALOIS_ERR_OK,
                   "%s: set_rtcp_index", v->c->name);
    } else if (!v->rtcp) {
        expect_err(galois_srtp_set_roc(s, v->ssrc, v->roc), GALOIS_ERR_OK, "%s: set_roc",
                   v->c->name);
    }
    return s;
}

static void run_vector(const struct vector_run *v)
{
    char what[256];
    for (int mode = SEPARATE; mode <= IN_PLACE; mode++) {
        struct galois_srtp *tx = make_side(v, GALOIS_SRTP_SEND);
        uint8_t in[PKT_MAX];
        uint8_t out[PKT_MAX];
        memcpy(in, v->plain.b, v->plain.len);
        uint8_t *dst = mode == IN_PLACE ? in : out;
        snprintf(what, sizeof(what), "%s: protect (%s)", v->c->name, mode_names[mode]);
        size_t out_len = protect_ok(tx, v->rtcp, dst, in, v->plain.len, what);
        vf_expect_bytes(what, dst, out_len, v->prot.b, v->prot.len);
        assert_int_equal(galois_srtp_overhead(tx, v->rtcp), v->prot.len - v->plain.len);
        struct galois_srtp_stats st = get_stats(tx, v->rtcp, &v->ssrc);
        assert_int_equal(st.packets, 1);
        assert_int_equal(st.ok, 1);
        galois_srtp_free(tx);

        struct galois_srtp *rx = make_side(v, GALOIS_SRTP_RECEIVE);
        memcpy(in, v->prot.b, v->prot.len);
        dst = mode == IN_PLACE ? in : out;
        snprintf(what, sizeof(what), "%s: unprotect (%s)", v->c->name, mode_names[mode]);
        galois_err err = unprotect(rx, v->rtcp, dst, &out_len, PKT_MAX, in, v->prot.len);
        expect_err(err, GALOIS_ERR_OK, "%s", what);
        vf_expect_bytes(what, dst, out_len, v->plain.b, v->plain.len);
        st = get_stats(rx, v->rtcp, &v->ssrc);
        assert_int_equal(st.ok, 1);
        // The same packet again is a replay.
        err = unprotect(rx, v->rtcp, out, &out_len, PKT_MAX, v->prot.b, v->prot.len);
        expect_err(err, GALOIS_ERR_REPLAY, "%s: second unprotect", v->c->name);
        galois_srtp_free(rx);
    }
}

static void test_libsrtp_case(void **state)
{
    const struct vf_case *c = *state;
    // The RFC 9335 cryptex and RFC 6904 reference packets need a header-protection policy;
    // hdrprot_test.c runs every one of them. Here they are skipped by name.
    if (strstr(c->name, "cryptex") != NULL ||
        strstr(c->name, "encrypted_extensions_headers") != NULL) {
        skip();
    }
    assert_false(vf_has(c, "cryptex_dec") || vf_has(c, "encrypted_extension_ids"));
    struct vector_run v;
    memset(&v, 0, sizeof(v));
    v.c = c;
    const char *suite_name = vf_text(c, "suite_text");
    enum galois_srtp_suite suite = galois_srtp_suite_from_name(suite_name, strlen(suite_name));
    if (suite == GALOIS_SRTP_SUITE_NONE) {
        fail_msg("%s: suite %s unknown to galois_srtp_suite_from_name", c->name, suite_name);
    }
    const struct galois_srtp_suite_info *info = galois_srtp_suite_get_info(suite);
    assert_non_null(info);
    struct galois_srtp_master_key key;
    memset(&key, 0, sizeof(key));
    struct vf_bytes mk = vf_hex_exact(c, "master_key", info->key_len);
    struct vf_bytes ms = vf_hex_exact(c, "master_salt", info->salt_len);
    memcpy(key.key, mk.b, mk.len);
    memcpy(key.salt, ms.b, ms.len);
    v.policy = base_policy(suite, &key, 1);
    v.policy.accept_any_ssrc = false;
    v.policy.allow_null_cipher = info->null_cipher;
    if (vf_has(c, "mki")) {
        struct vf_bytes mki = vf_hex(c, "mki");
        memcpy(key.mki, mki.b, mki.len);
        v.policy.mki_len = mki.len;
    }
    v.ssrc = (uint32_t)vf_uint(c, "ssrc");
    v.rtcp = vf_has(c, "rtcp_packet");
    if (v.rtcp) {
        v.plain = vf_hex(c, "rtcp_packet");
        v.prot = vf_hex(c, "srtcp_packet");
        v.rtcp_index = (uint32_t)vf_uint(c, "srtcp_index");
        assert_int_equal(galois_get_u32(v.plain.b + 4), v.ssrc);
    } else {
        v.plain = vf_hex(c, "rtp_packet");
        v.prot = vf_hex(c, "srtp_packet");
        v.roc = (uint32_t)vf_uint(c, "roc");
        assert_int_equal(galois_get_u32(v.plain.b + 8), v.ssrc);
    }
    run_vector(&v);
}

// RFC 7714 sections 16-17 print session keys, not master keys: they go in through
// galois_srtp_set_session_keys. 16.x.3/16.x.4 are "NULL cipher with AEAD authentication"
// (policy.unencrypted_srtp); 17.3/17.4 have E = 0 (policy.unencrypted_srtcp).
static void test_rfc7714_case(void **state)
{
    const struct vf_case *c = *state;
    struct vector_run v;
    memset(&v, 0, sizeof(v));
    v.c = c;
    v.key = vf_hex(c, "key");
    v.salt = vf_hex_exact(c, "salt", 12);
    v.session_keys = true;
    assert_int_equal(vf_hex(c, "tag").len, 16);
    enum galois_srtp_suite suite =
        v.key.len == 16 ? GALOIS_SRTP_AEAD_AES_128_GCM : GALOIS_SRTP_AEAD_AES_256_GCM;
    assert_true(v.key.len == 16 || v.key.len == 32);
    // The master key is never used: set_session_keys replaces what it derives.
    struct galois_srtp_master_key key;
    make_key(&key, 77);
    v.policy = base_policy(suite, &key, 1);
    v.policy.accept_any_ssrc = false;
    v.ssrc = (uint32_t)vf_uint(c, "ssrc");
    v.rtcp = vf_has(c, "srtcp_index");
    if (v.rtcp) {
        v.rtcp_index = (uint32_t)vf_uint(c, "srtcp_index");
        v.plain = vf_hex(c, "rtcp_packet");
        v.prot = vf_hex(c, "srtcp_packet");
        uint32_t word = (uint32_t)vf_uint(c, "esrtcp_word");
        assert_int_equal(word & 0x7fffffffu, v.rtcp_index);
        v.policy.unencrypted_srtcp = (word & 0x80000000u) == 0;
    } else {
        v.roc = (uint32_t)vf_uint(c, "roc");
        v.prot = vf_hex(c, "srtp_packet");
        v.policy.unencrypted_srtp = !vf_has(c, "ciphertext");
        if (vf_has(c, "rtp_packet")) {
            v.plain = vf_hex(c, "rtp_packet");
        } else {
            // 16.x.2 prints header (the AAD) and payload apart; 16.x.4's AAD is the packet.
            v.plain = vf_hex(c, "aad");
            if (vf_has(c, "plaintext")) {
                struct vf_bytes pt = vf_hex(c, "plaintext");
                memcpy(v.plain.b + v.plain.len, pt.b, pt.len);
                v.plain.len += pt.len;
            }
        }
        assert_int_equal(galois_get_u32(v.plain.b + 8), v.ssrc);
        assert_int_equal((v.plain.b[2] << 8) | v.plain.b[3], vf_uint(c, "seq"));
    }
    run_vector(&v);
}

// The files hold what the tests expect: a vector set that shrank would otherwise pass quietly.
static void test_case_counts(void **state)
{
    (void)state;
    size_t run = 0;
    size_t skipped = 0;
    for (size_t i = 0; i < libsrtp_file->num_cases; i++) {
        const struct vf_case *c = &libsrtp_file->cases[i];
        if (!vf_name_starts(c, "srtp_validate")) {
            continue;
        }
        if (strstr(c->name, "cryptex") != NULL ||
            strstr(c->name, "encrypted_extensions_headers") != NULL) {
            skipped++;
        } else {
            run++;
        }
    }
    assert_int_equal(run, 10);
    assert_int_equal(skipped, 14);
    assert_int_equal(rfc7714_file->num_cases, 12);
}

int main(void)
{
    libsrtp_file = vf_open("libsrtp-reference.txt");
    rfc7714_file = vf_open("rfc7714.txt");
    size_t max = libsrtp_file->num_cases + rfc7714_file->num_cases + 1;
    struct CMUnitTest *tests = calloc(max, sizeof(*tests));
    assert_non_null(tests);
    size_t n = 0;
    tests[n++] = (struct CMUnitTest){"case counts", test_case_counts, NULL, NULL, NULL};
    for (size_t i = 0; i < libsrtp_file->num_cases; i++) {
        struct vf_case *c = &libsrtp_file->cases[i];
        if (vf_name_starts(c, "srtp_validate")) {
            tests[n++] = (struct CMUnitTest){c->name, test_libsrtp_case, NULL, NULL, c};
        }
    }
    for (size_t i = 0; i < rfc7714_file->num_cases; i++) {
        struct vf_case *c = &rfc7714_file->cases[i];
        tests[n++] = (struct CMUnitTest){c->name, test_rfc7714_case, NULL, NULL, c};
    }
    int failed = _cmocka_run_group_tests("vectors", tests, n, NULL, NULL);
    free(tests);
    vf_close(libsrtp_file);
    vf_close(rfc7714_file);
    return failed;
}
