// Tests of the ICE-lite agent: valid checks answered (XOR-MAPPED-ADDRESS of the source,
// MESSAGE-INTEGRITY under the local password, FINGERPRINT), checks signed with
// MESSAGE-INTEGRITY-SHA256 (tests/vectors/stun/mi_sha256.txt: the answers byte for byte as an
// independent Python implementation makes them), nomination and its changes,
// consent expiry after 30 s, each kind of refusal with its answer and its counter, the
// credentials, and the SDP lines.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
// cmocka.h needs the headers above.
#include <cmocka.h>

#include "ice/internal.h"
#include "vector_file.h"

#define LOCAL_UFRAG "L0cal"
#define LOCAL_PWD "localpasswordlocalpassw0rd"
#define REMOTE_UFRAG "R3mote"
#define REMOTE_PWD "remotepasswordremotepassword"

struct fixture {
    struct galois_ice_lite *agent;
    struct galois_stun_key *local_key;  // what the peer signs its checks with
    struct galois_ice_addr peer;
    struct galois_ice_addr peer2;
    uint8_t out[512];
    size_t out_len;
};

static struct galois_ice_lite *agent_new(bool silent)
{
    struct galois_ice_lite_config cfg = {
        .local_ufrag = LOCAL_UFRAG,
        .local_pwd = LOCAL_PWD,
        .remote_ufrag = REMOTE_UFRAG,
        .remote_pwd = REMOTE_PWD,
        .silent_refusals = silent,
    };
    struct galois_ice_lite *a = NULL;
    assert_int_equal(galois_ice_lite_new(&a, &cfg), GALOIS_ERR_OK);
    return a;
}

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    assert_non_null(f);
    f->agent = agent_new(false);
    assert_int_equal(
        galois_stun_key_new(&f->local_key, (const uint8_t *)LOCAL_PWD, strlen(LOCAL_PWD)),
        GALOIS_ERR_OK);
    assert_int_equal(galois_ice_addr_from_text(&f->peer, "192.0.2.10", 50000), GALOIS_ERR_OK);
    assert_int_equal(galois_ice_addr_from_text(&f->peer2, "2001:db8::10", 50002), GALOIS_ERR_OK);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    galois_ice_lite_free(f->agent);
    galois_stun_key_free(f->local_key);
    free(f);
    return 0;
}

struct check {
    uint8_t b[256];
    size_t len;
    uint8_t txid[GALOIS_STUN_TXID_LEN];
};

static unsigned next_txid;

// check_make writes a connectivity check as a full controlling peer would, signed with `key`.
static struct check check_make(const char *username, bool use_candidate,
                               struct galois_stun_key *key)
{
    struct check c;
    struct galois_stun_request req = {
        .username = username,
        .priority = 1853824767,
        .use_candidate = use_candidate,
        .controlling = true,
        .has_role = true,
        .tie_breaker = 0x1122334455667788u,
    };
    next_txid++;
    memcpy(req.txid, &next_txid, sizeof(next_txid));
    memcpy(c.txid, req.txid, sizeof(c.txid));
    assert_int_equal(galois_stun_write_request(c.b, &c.len, sizeof(c.b), &req, key), GALOIS_ERR_OK);
    return c;
}

static galois_err input(struct fixture *f, const struct check *c,
                        const struct galois_ice_addr *from, uint64_t now_ms)
{
    return galois_ice_lite_input(f->agent, c->b, c->len, from, now_ms, f->out, sizeof(f->out),
                                 &f->out_len);
}

// expect_answer parses what the agent wrote and checks it answers `c`.
static struct galois_stun_msg expect_answer(struct fixture *f, const struct check *c,
                                            enum galois_stun_class cls, bool signed_)
{
    struct galois_stun_msg m;
    assert_true(f->out_len > 0);
    assert_int_equal(galois_stun_parse(&m, f->out, f->out_len), GALOIS_ERR_OK);
    assert_int_equal(m.method, GALOIS_STUN_BINDING);
    assert_int_equal(m.cls, cls);
    assert_memory_equal(m.txid, c->txid, GALOIS_STUN_TXID_LEN);
    assert_true(m.has_fingerprint);
    if (signed_) {
        assert_int_equal(galois_stun_check_integrity(f->local_key, &m, f->out, f->out_len),
                         GALOIS_ERR_OK);
    } else {
        assert_false(m.has_integrity);
    }
    return m;
}

static struct galois_ice_lite_counters counters(const struct fixture *f)
{
    struct galois_ice_lite_counters c;
    galois_ice_lite_get_counters(f->agent, &c);
    return c;
}

static void test_answers_valid_check(void **state)
{
    struct fixture *f = *state;
    struct check c = check_make(LOCAL_UFRAG ":" REMOTE_UFRAG, false, f->local_key);
    assert_int_equal(galois_ice_lite_state(f->agent, 0), GALOIS_ICE_LITE_NEW);
    assert_int_equal(input(f, &c, &f->peer, 1000), GALOIS_ERR_OK);
    struct galois_stun_msg m = expect_answer(f, &c, GALOIS_STUN_SUCCESS, true);
    assert_true(m.has_xor_mapped);
    assert_true(galois_ice_addr_equal(&m.xor_mapped, &f->peer));
    assert_int_equal(galois_ice_lite_state(f->agent, 1000), GALOIS_ICE_LITE_CHECKING);
    struct galois_ice_addr sel;
    assert_int_equal(galois_ice_lite_selected(f->agent, &sel), GALOIS_ERR_NOT_FOUND);
    assert_false(galois_ice_lite_consent_expired(f->agent, 100000));
    // The same over IPv6.
    c = check_make(LOCAL_UFRAG ":" REMOTE_UFRAG, false, f->local_key);
    assert_int_equal(input(f, &c, &f->peer2, 1100), GALOIS_ERR_OK);
    m = expect_answer(f, &c, GALOIS_STUN_SUCCESS, true);
    assert_true(galois_ice_addr_equal(&m.xor_mapped, &f->peer2));
    assert_int_equal(counters(f).received, 2);
    assert_int_equal(counters(f).answered, 2);
}

static void test_nomination_and_consent(void **state)
{
    struct fixture *f = *state;
    const uint64_t t0 = 5000;
    struct check c = check_make(LOCAL_UFRAG ":" REMOTE_UFRAG, true, f->local_key);
    assert_int_equal(input(f, &c, &f->peer, t0), GALOIS_ERR_OK);
    expect_answer(f, &c, GALOIS_STUN_SUCCESS, true);
    struct galois_ice_addr sel;
    assert_int_equal(galois_ice_lite_selected(f->agent, &sel), GALOIS_ERR_OK);
    assert_true(galois_ice_addr_equal(&sel, &f->peer));
    assert_int_equal(galois_ice_lite_state(f->agent, t0), GALOIS_ICE_LITE_CONNECTED);
    assert_int_equal(galois_ice_lite_state(f->agent, t0 + 29999), GALOIS_ICE_LITE_CONNECTED);
    assert_int_equal(galois_ice_lite_state(f->agent, t0 + 30000), GALOIS_ICE_LITE_EXPIRED);
    assert_true(galois_ice_lite_consent_expired(f->agent, t0 + 30000));
    assert_false(galois_ice_lite_consent_expired(f->agent, t0 - 1000));  // clock went back

    // A check from another address without USE-CANDIDATE does not refresh consent.
    c = check_make(LOCAL_UFRAG ":" REMOTE_UFRAG, false, f->local_key);
    assert_int_equal(input(f, &c, &f->peer2, t0 + 20000), GALOIS_ERR_OK);
    assert_int_equal(galois_ice_lite_state(f->agent, t0 + 30000), GALOIS_ICE_LITE_EXPIRED);
    // A check from the selected address does, even after expiry (consent regained).
    c = check_make(LOCAL_UFRAG ":" REMOTE_UFRAG, false, f->local_key);
    assert_int_equal(input(f, &c, &f->peer, t0 + 31000), GALOIS_ERR_OK);
    assert_int_equal(galois_ice_lite_state(f->agent, t0 + 60999), GALOIS_ICE_LITE_CONNECTED);
    assert_int_equal(galois_ice_lite_state(f->agent, t0 + 61000), GALOIS_ICE_LITE_EXPIRED);

    // A later nomination of another address moves the selection.
    c = check_make(LOCAL_UFRAG ":" REMOTE_UFRAG, true, f->local_key);
    assert_int_equal(input(f, &c, &f->peer2, t0 + 70000), GALOIS_ERR_OK);
    assert_int_equal(galois_ice_lite_selected(f->agent, &sel), GALOIS_ERR_OK);
    assert_true(galois_ice_addr_equal(&sel, &f->peer2));
    assert_int_equal(galois_ice_lite_state(f->agent, t0 + 70000), GALOIS_ICE_LITE_CONNECTED);
    // Nominating the same address again changes nothing but the count.
    c = check_make(LOCAL_UFRAG ":" REMOTE_UFRAG, true, f->local_key);
    assert_int_equal(input(f, &c, &f->peer2, t0 + 71000), GALOIS_ERR_OK);
    struct galois_ice_lite_counters n = counters(f);
    assert_int_equal(n.nominations, 3);
    assert_int_equal(n.selected_changes, 1);
    assert_int_equal(n.answered, 5);
}

static void test_consent_timeout_config(void **state)
{
    (void)state;
    struct galois_ice_lite_config cfg = {.consent_timeout_ms = 5000};
    struct galois_ice_lite *a = NULL;
    assert_int_equal(galois_ice_lite_new(&a, &cfg), GALOIS_ERR_OK);
    struct galois_stun_key *k = NULL;
    const char *pwd = galois_ice_lite_local_pwd(a);
    assert_int_equal(galois_stun_key_new(&k, (const uint8_t *)pwd, strlen(pwd)), GALOIS_ERR_OK);
    char user[300];
    snprintf(user, sizeof(user), "%s:anyremote", galois_ice_lite_local_ufrag(a));
    struct check c = check_make(user, true, k);
    struct galois_ice_addr from;
    assert_int_equal(galois_ice_addr_from_text(&from, "10.0.0.1", 9), GALOIS_ERR_OK);
    uint8_t out[256];
    size_t out_len = 0;
    // No remote credentials yet: any remote half of USERNAME is taken.
    assert_int_equal(galois_ice_lite_input(a, c.b, c.len, &from, 0, out, sizeof(out), &out_len),
                     GALOIS_ERR_OK);
    assert_int_equal(galois_ice_lite_state(a, 4999), GALOIS_ICE_LITE_CONNECTED);
    assert_int_equal(galois_ice_lite_state(a, 5000), GALOIS_ICE_LITE_EXPIRED);
    // Once they are set, only the right one.
    assert_int_equal(galois_ice_lite_set_remote(a, "other", REMOTE_PWD), GALOIS_ERR_OK);
    c = check_make(user, true, k);
    assert_int_equal(galois_ice_lite_input(a, c.b, c.len, &from, 0, out, sizeof(out), &out_len),
                     GALOIS_ERR_AUTH);
    assert_int_equal(galois_ice_lite_set_remote(a, "no", REMOTE_PWD), GALOIS_ERR_INVALID);
    assert_int_equal(galois_ice_lite_set_remote(a, "fine", "short"), GALOIS_ERR_INVALID);
    galois_stun_key_free(k);
    galois_ice_lite_free(a);
}

static void test_bad_integrity(void **state)
{
    struct fixture *f = *state;
    struct galois_stun_key *wrong = NULL;
    assert_int_equal(galois_stun_key_new(&wrong, (const uint8_t *)REMOTE_PWD, strlen(REMOTE_PWD)),
                     GALOIS_ERR_OK);
    struct check c = check_make(LOCAL_UFRAG ":" REMOTE_UFRAG, true, wrong);
    assert_int_equal(input(f, &c, &f->peer, 0), GALOIS_ERR_AUTH);
    struct galois_stun_msg m = expect_answer(f, &c, GALOIS_STUN_ERROR, false);
    assert_int_equal(m.error_code, 401);
    struct galois_ice_addr sel;
    assert_int_equal(galois_ice_lite_selected(f->agent, &sel), GALOIS_ERR_NOT_FOUND);
    assert_int_equal(galois_ice_lite_state(f->agent, 0), GALOIS_ICE_LITE_NEW);
    assert_int_equal(counters(f).bad_integrity, 1);
    assert_int_equal(counters(f).answered, 0);

    // Under silent_refusals the same request is dropped without an answer.
    struct galois_ice_lite *quiet = agent_new(true);
    assert_int_equal(
        galois_ice_lite_input(quiet, c.b, c.len, &f->peer, 0, f->out, sizeof(f->out), &f->out_len),
        GALOIS_ERR_AUTH);
    assert_int_equal(f->out_len, 0);
    struct galois_ice_lite_counters n;
    galois_ice_lite_get_counters(quiet, &n);
    assert_int_equal(n.bad_integrity, 1);
    assert_int_equal(n.refusals_silent, 1);
    galois_ice_lite_free(quiet);
    galois_stun_key_free(wrong);
}

static void test_bad_username(void **state)
{
    struct fixture *f = *state;
    // Parenthesised: clang warns of concatenated literals in an array otherwise.
    const char *const names[] = {
        (REMOTE_UFRAG ":" LOCAL_UFRAG),  // the halves swapped
        (LOCAL_UFRAG ":" REMOTE_UFRAG "x"),
        (LOCAL_UFRAG "x:" REMOTE_UFRAG),
        LOCAL_UFRAG,
        (LOCAL_UFRAG ":"),
        ("L0ca:" REMOTE_UFRAG),
        "",
    };
    for (size_t i = 0; i < GALOIS_ARRAY_LEN(names); i++) {
        struct check c = check_make(names[i], true, f->local_key);
        assert_int_equal(input(f, &c, &f->peer, 0), GALOIS_ERR_AUTH);
        struct galois_stun_msg m = expect_answer(f, &c, GALOIS_STUN_ERROR, false);
        assert_int_equal(m.error_code, 401);
    }
    assert_int_equal(counters(f).bad_username, GALOIS_ARRAY_LEN(names));
    assert_int_equal(galois_ice_lite_state(f->agent, 0), GALOIS_ICE_LITE_NEW);
}

static void test_missing_credentials(void **state)
{
    struct fixture *f = *state;
    struct check no_user = check_make(NULL, false, f->local_key);
    struct check no_mi = check_make(LOCAL_UFRAG ":" REMOTE_UFRAG, true, NULL);
    const struct check *cases[] = {&no_user, &no_mi};
    for (size_t i = 0; i < GALOIS_ARRAY_LEN(cases); i++) {
        assert_int_equal(input(f, cases[i], &f->peer, 0), GALOIS_ERR_PARSE);
        struct galois_stun_msg m = expect_answer(f, cases[i], GALOIS_STUN_ERROR, false);
        assert_int_equal(m.error_code, 400);
    }
    assert_int_equal(counters(f).bad_request, 2);
    struct galois_ice_addr sel;
    assert_int_equal(galois_ice_lite_selected(f->agent, &sel), GALOIS_ERR_NOT_FOUND);
}

static void test_no_fingerprint(void **state)
{
    struct fixture *f = *state;
    struct check c = check_make(LOCAL_UFRAG ":" REMOTE_UFRAG, true, f->local_key);
    // Cut FINGERPRINT off; MESSAGE-INTEGRITY stays valid (its length ends at itself).
    c.len -= 8;
    galois_put_u16(c.b + 2, (uint16_t)(c.len - GALOIS_STUN_HEADER_LEN));
    assert_int_equal(input(f, &c, &f->peer, 0), GALOIS_ERR_PARSE);
    assert_int_equal(f->out_len, 0);
    assert_int_equal(counters(f).no_fingerprint, 1);
}

static void test_unknown_attribute_420(void **state)
{
    struct fixture *f = *state;
    struct check c;
    struct galois_buf b;
    memset(c.txid, 7, sizeof(c.txid));
    galois_buf_init(&b, c.b, sizeof(c.b));
    galois_stun_w_begin(&b, 0x0001, c.txid);
    galois_stun_w_attr(&b, GALOIS_STUN_ATTR_USERNAME, LOCAL_UFRAG ":" REMOTE_UFRAG,
                       strlen(LOCAL_UFRAG ":" REMOTE_UFRAG));
    galois_stun_w_attr(&b, 0x0031, "x", 1);
    assert_int_equal(galois_stun_w_finish(&b, f->local_key), GALOIS_ERR_OK);
    c.len = b.len;
    assert_int_equal(input(f, &c, &f->peer, 0), GALOIS_ERR_UNSUPPORTED);
    struct galois_stun_msg m = expect_answer(f, &c, GALOIS_STUN_ERROR, true);
    assert_int_equal(m.error_code, 420);
    assert_int_equal(counters(f).unknown_attrs, 1);
}

// Every case of mi_sha256.txt given to a new agent: what it returns, the answer byte for byte
// (a success signed with MESSAGE-INTEGRITY-SHA256 alone, also for a request that had both: RFC
// 8489 §9.1.3; an unsigned 401), and the counters. A bad MESSAGE-INTEGRITY-SHA256 is a 401
// beside a good MESSAGE-INTEGRITY (no downgrade), and so is one truncated to 16 bytes (ICE
// allows no truncation).
static void test_sha256_vectors(void **state)
{
    struct fixture *f = *state;
    struct vf_file *vf = vf_open("stun/mi_sha256.txt");
    for (size_t i = 0; i < vf->num_cases; i++) {
        const struct vf_case *vc = &vf->cases[i];
        struct vf_bytes msg = vf_hex(vc, "message");
        const char *agent = vf_text(vc, "agent_text");
        struct galois_ice_addr from;
        assert_int_equal(galois_ice_addr_from_text(&from, vf_text(vc, "from_text"),
                                                   (uint16_t)vf_dec(vc, "from_port_dec")),
                         GALOIS_ERR_OK);
        assert_string_equal(vf_text(vc, "password_text"), LOCAL_PWD);
        struct galois_ice_lite *a = agent_new(false);
        galois_err err =
            galois_ice_lite_input(a, msg.b, msg.len, &from, 0, f->out, sizeof(f->out), &f->out_len);
        struct galois_ice_lite_counters n;
        galois_ice_lite_get_counters(a, &n);
        struct galois_ice_addr sel;
        if (strcmp(agent, "malformed") == 0) {
            assert_int_equal(err, GALOIS_ERR_PARSE);
            assert_int_equal(f->out_len, 0);
            assert_int_equal(n.malformed[GALOIS_STUN_WHY_BAD_ATTR], 1);
        } else if (strcmp(agent, "401") == 0) {
            if (err != GALOIS_ERR_AUTH) {
                fail_msg("%s: %s, want AUTH", vc->name, galois_err_name(err));
            }
            struct vf_bytes want = vf_hex(vc, "response");
            vf_expect_bytes(vc->name, f->out, f->out_len, want.b, want.len);
            assert_int_equal(n.bad_integrity, 1);
            assert_int_equal(n.answered, 0);
            assert_int_equal(galois_ice_lite_state(a, 0), GALOIS_ICE_LITE_NEW);
        } else {
            assert_string_equal(agent, "success");
            if (err != GALOIS_ERR_OK) {
                fail_msg("%s: %s, want OK", vc->name, galois_err_name(err));
            }
            struct vf_bytes want = vf_hex(vc, "response");
            vf_expect_bytes(vc->name, f->out, f->out_len, want.b, want.len);
            struct galois_stun_msg m;
            assert_int_equal(galois_stun_parse(&m, f->out, f->out_len), GALOIS_ERR_OK);
            assert_true(m.has_integrity_sha256 && !m.has_integrity);
            assert_int_equal(
                galois_stun_verify(f->local_key, &m, f->out, f->out_len, GALOIS_STUN_SHA256_LEN),
                GALOIS_ERR_OK);
            assert_int_equal(n.answered, 1);
            // "attributes after sha256": its USE-CANDIDATE and ICE-CONTROLLED are not read.
            assert_int_equal(n.nominations, 0);
            assert_int_equal(galois_ice_lite_selected(a, &sel), GALOIS_ERR_NOT_FOUND);
            assert_int_equal(galois_ice_lite_state(a, 0), GALOIS_ICE_LITE_CHECKING);
        }
        assert_int_equal(n.received, 1);
        galois_ice_lite_free(a);
    }
    vf_close(vf);
}

// sha256_check writes a check with `extra` (type, 4-byte value; 0: none) before
// MESSAGE-INTEGRITY-SHA256 under `key`, with USE-CANDIDATE and the role attribute `role`.
static struct check sha256_check(const char *username, uint16_t extra, uint16_t role,
                                 struct galois_stun_key *key)
{
    struct check c;
    struct galois_buf b;
    const uint8_t v8[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    next_txid++;
    memset(c.txid, 0xee, sizeof(c.txid));
    memcpy(c.txid, &next_txid, sizeof(next_txid));
    galois_buf_init(&b, c.b, sizeof(c.b));
    galois_stun_w_begin(&b, 0x0001, c.txid);
    if (username != NULL) {
        galois_stun_w_attr(&b, GALOIS_STUN_ATTR_USERNAME, username, strlen(username));
    }
    galois_stun_w_attr(&b, GALOIS_STUN_ATTR_USE_CANDIDATE, NULL, 0);
    galois_stun_w_attr(&b, role, v8, sizeof(v8));
    if (extra != 0) {
        galois_stun_w_attr(&b, extra, v8, 4);
    }
    assert_int_equal(galois_stun_w_finish_alg(&b, key, GALOIS_STUN_MAC_SHA256), GALOIS_ERR_OK);
    c.len = b.len;
    return c;
}

// A check signed with MESSAGE-INTEGRITY-SHA256 alone nominates like any other, and the signed
// refusals (420, 487) carry MESSAGE-INTEGRITY-SHA256 too; without USERNAME it is a 400.
static void test_sha256_answers(void **state)
{
    struct fixture *f = *state;
    const char *user = LOCAL_UFRAG ":" REMOTE_UFRAG;
    struct check c = sha256_check(user, 0, GALOIS_STUN_ATTR_ICE_CONTROLLING, f->local_key);
    assert_int_equal(input(f, &c, &f->peer, 5), GALOIS_ERR_OK);
    struct galois_stun_msg m = expect_answer(f, &c, GALOIS_STUN_SUCCESS, true);
    assert_true(m.has_integrity_sha256 && !m.has_integrity);
    struct galois_ice_addr sel;
    assert_int_equal(galois_ice_lite_selected(f->agent, &sel), GALOIS_ERR_OK);
    assert_true(galois_ice_addr_equal(&sel, &f->peer));
    assert_int_equal(galois_ice_lite_state(f->agent, 5), GALOIS_ICE_LITE_CONNECTED);

    c = sha256_check(user, 0x0031, GALOIS_STUN_ATTR_ICE_CONTROLLING, f->local_key);
    assert_int_equal(input(f, &c, &f->peer, 6), GALOIS_ERR_UNSUPPORTED);
    m = expect_answer(f, &c, GALOIS_STUN_ERROR, true);
    assert_true(m.error_code == 420 && m.has_integrity_sha256 && !m.has_integrity);

    c = sha256_check(user, 0, GALOIS_STUN_ATTR_ICE_CONTROLLED, f->local_key);
    assert_int_equal(input(f, &c, &f->peer, 7), GALOIS_ERR_STATE);
    m = expect_answer(f, &c, GALOIS_STUN_ERROR, true);
    assert_true(m.error_code == 487 && m.has_integrity_sha256 && !m.has_integrity);

    c = sha256_check(NULL, 0, GALOIS_STUN_ATTR_ICE_CONTROLLING, f->local_key);
    assert_int_equal(input(f, &c, &f->peer, 8), GALOIS_ERR_PARSE);
    m = expect_answer(f, &c, GALOIS_STUN_ERROR, false);
    assert_true(m.error_code == 400 && !m.has_integrity_sha256);

    struct galois_ice_lite_counters n = counters(f);
    assert_int_equal(n.answered, 1);
    assert_int_equal(n.unknown_attrs, 1);
    assert_int_equal(n.role_conflicts, 1);
    assert_int_equal(n.bad_request, 1);
    assert_int_equal(n.nominations, 1);
}

static void test_role_conflict_rfc5769(void **state)
{
    (void)state;
    // RFC 5769 §2.1's request (USERNAME "evtj:h6vY") comes from a peer that says it is
    // controlled: an authentic check, answered with an authenticated 487.
    static const uint8_t req[] = {
        0x00, 0x01, 0x00, 0x58, 0x21, 0x12, 0xa4, 0x42, 0xb7, 0xe7, 0xa7, 0x01, 0xbc, 0x34,
        0xd6, 0x86, 0xfa, 0x87, 0xdf, 0xae, 0x80, 0x22, 0x00, 0x10, 0x53, 0x54, 0x55, 0x4e,
        0x20, 0x74, 0x65, 0x73, 0x74, 0x20, 0x63, 0x6c, 0x69, 0x65, 0x6e, 0x74, 0x00, 0x24,
        0x00, 0x04, 0x6e, 0x00, 0x01, 0xff, 0x80, 0x29, 0x00, 0x08, 0x93, 0x2f, 0xf9, 0xb1,
        0x51, 0x26, 0x3b, 0x36, 0x00, 0x06, 0x00, 0x09, 0x65, 0x76, 0x74, 0x6a, 0x3a, 0x68,
        0x36, 0x76, 0x59, 0x20, 0x20, 0x20, 0x00, 0x08, 0x00, 0x14, 0x9a, 0xea, 0xa7, 0x0c,
        0xbf, 0xd8, 0xcb, 0x56, 0x78, 0x1e, 0xf2, 0xb5, 0xb2, 0xd3, 0xf2, 0x49, 0xc1, 0xb5,
        0x71, 0xa2, 0x80, 0x28, 0x00, 0x04, 0xe5, 0x7a, 0x3b, 0xcf,
    };
    struct galois_ice_lite_config cfg = {
        .local_ufrag = "evtj",
        .local_pwd = "VOkJxbRl1RmTxUk/WvJxBt",
        .remote_ufrag = "h6vY",
        .remote_pwd = "0123456789012345678901",
    };
    struct galois_ice_lite *a = NULL;
    assert_int_equal(galois_ice_lite_new(&a, &cfg), GALOIS_ERR_OK);
    struct galois_ice_addr from;
    assert_int_equal(galois_ice_addr_from_text(&from, "192.0.2.1", 32853), GALOIS_ERR_OK);
    uint8_t out[256];
    size_t out_len = 0;
    assert_int_equal(
        galois_ice_lite_input(a, req, sizeof(req), &from, 0, out, sizeof(out), &out_len),
        GALOIS_ERR_STATE);
    struct galois_stun_msg m;
    assert_int_equal(galois_stun_parse(&m, out, out_len), GALOIS_ERR_OK);
    assert_int_equal(m.error_code, 487);
    assert_memory_equal(m.txid, req + 8, GALOIS_STUN_TXID_LEN);
    struct galois_stun_key *k = NULL;
    assert_int_equal(galois_stun_key_new(&k, (const uint8_t *)cfg.local_pwd, 22), GALOIS_ERR_OK);
    assert_int_equal(galois_stun_check_integrity(k, &m, out, out_len), GALOIS_ERR_OK);
    struct galois_ice_lite_counters n;
    galois_ice_lite_get_counters(a, &n);
    assert_int_equal(n.role_conflicts, 1);
    assert_int_equal(galois_ice_lite_state(a, 0), GALOIS_ICE_LITE_NEW);
    galois_stun_key_free(k);
    galois_ice_lite_free(a);
}

static void test_dropped_without_answer(void **state)
{
    struct fixture *f = *state;
    uint8_t b[256];
    size_t len = 0;
    const uint8_t txid[GALOIS_STUN_TXID_LEN] = {1};
    // A Binding indication (a keepalive): taken, not answered.
    struct galois_buf w;
    galois_buf_init(&w, b, sizeof(b));
    galois_stun_w_begin(&w, galois_stun_type(GALOIS_STUN_BINDING, GALOIS_STUN_INDICATION), txid);
    assert_int_equal(galois_stun_w_finish(&w, NULL), GALOIS_ERR_OK);
    assert_int_equal(
        galois_ice_lite_input(f->agent, b, w.len, &f->peer, 0, f->out, sizeof(f->out), &f->out_len),
        GALOIS_ERR_OK);
    assert_int_equal(f->out_len, 0);
    // A success response: a lite agent sent no request.
    assert_int_equal(galois_stun_write_success(b, &len, sizeof(b), txid, &f->peer, NULL),
                     GALOIS_ERR_OK);
    assert_int_equal(
        galois_ice_lite_input(f->agent, b, len, &f->peer, 0, f->out, sizeof(f->out), &f->out_len),
        GALOIS_ERR_PARSE);
    assert_int_equal(f->out_len, 0);
    // Another method (Allocate, 0x003).
    galois_buf_init(&w, b, sizeof(b));
    galois_stun_w_begin(&w, galois_stun_type(0x003, GALOIS_STUN_REQUEST), txid);
    assert_int_equal(galois_stun_w_finish(&w, NULL), GALOIS_ERR_OK);
    assert_int_equal(
        galois_ice_lite_input(f->agent, b, w.len, &f->peer, 0, f->out, sizeof(f->out), &f->out_len),
        GALOIS_ERR_PARSE);
    // Not STUN at all, too short, too long.
    const uint8_t rtp[24] = {0x80, 0x00, 0x12, 0x34};
    assert_int_equal(galois_ice_lite_input(f->agent, rtp, sizeof(rtp), &f->peer, 0, f->out,
                                           sizeof(f->out), &f->out_len),
                     GALOIS_ERR_PARSE);
    static uint8_t huge[GALOIS_STUN_MAX_LEN + 1];
    assert_int_equal(galois_ice_lite_input(f->agent, huge, sizeof(huge), &f->peer, 0, f->out,
                                           sizeof(f->out), &f->out_len),
                     GALOIS_ERR_LIMIT);
    assert_int_equal(
        galois_ice_lite_input(f->agent, NULL, 0, &f->peer, 0, f->out, sizeof(f->out), &f->out_len),
        GALOIS_ERR_PARSE);
    assert_int_equal(f->out_len, 0);
    // A source that is no address.
    struct galois_ice_addr none = {0};
    assert_int_equal(
        galois_ice_lite_input(f->agent, b, w.len, &none, 0, f->out, sizeof(f->out), &f->out_len),
        GALOIS_ERR_INVALID);
    struct galois_ice_lite_counters n = counters(f);
    assert_int_equal(n.received, 7);
    assert_int_equal(n.indications, 1);
    assert_int_equal(n.responses, 1);
    assert_int_equal(n.not_binding, 1);
    assert_int_equal(n.malformed[GALOIS_STUN_WHY_NOT_STUN], 1);
    assert_int_equal(n.malformed[GALOIS_STUN_WHY_OVERSIZED], 1);
    assert_int_equal(n.malformed[GALOIS_STUN_WHY_TRUNCATED], 1);
    assert_int_equal(n.bad_source, 1);
    assert_int_equal(n.answered, 0);
}

static void test_no_room(void **state)
{
    struct fixture *f = *state;
    struct check c = check_make(LOCAL_UFRAG ":" REMOTE_UFRAG, true, f->local_key);
    uint8_t small[40];
    assert_int_equal(
        galois_ice_lite_input(f->agent, c.b, c.len, &f->peer, 0, small, sizeof(small), &f->out_len),
        GALOIS_ERR_BUFFER);
    assert_int_equal(f->out_len, 0);
    struct galois_ice_addr sel;
    assert_int_equal(galois_ice_lite_selected(f->agent, &sel), GALOIS_ERR_NOT_FOUND);
    assert_int_equal(counters(f).no_room, 1);
    // A success response to an IPv4 source takes 20 + 12 + 24 + 8 = 64 bytes.
    assert_int_equal(
        galois_ice_lite_input(f->agent, c.b, c.len, &f->peer, 0, f->out, 64, &f->out_len),
        GALOIS_ERR_OK);
    assert_int_equal(f->out_len, 64);
}

static void test_credentials(void **state)
{
    (void)state;
    struct galois_ice_lite *a = NULL;
    struct galois_ice_lite *b = NULL;
    assert_int_equal(galois_ice_lite_new(&a, NULL), GALOIS_ERR_OK);
    assert_int_equal(galois_ice_lite_new(&b, NULL), GALOIS_ERR_OK);
    const char *ua = galois_ice_lite_local_ufrag(a);
    const char *pa = galois_ice_lite_local_pwd(a);
    assert_int_equal(strlen(ua), GALOIS_ICE_UFRAG_LEN);
    assert_int_equal(strlen(pa), GALOIS_ICE_PWD_LEN);
    assert_true(galois_ice_cred_valid(ua, strlen(ua), false));
    assert_true(galois_ice_cred_valid(pa, strlen(pa), true));
    assert_string_not_equal(pa, galois_ice_lite_local_pwd(b));
    galois_ice_lite_free(a);
    galois_ice_lite_free(b);
    galois_ice_lite_free(NULL);

    static const struct {
        const char *text;
        bool pwd;
        bool ok;
    } cases[] = {
        {"abcd", false, true},
        {"abc", false, false},
        {"ab+/", false, true},
        {"ab-d", false, false},
        {"ab d", false, false},
        {"abcdefghijklmnopqrstuv", true, true},
        {"abcdefghijklmnopqrstu", true, false},
    };
    for (size_t i = 0; i < GALOIS_ARRAY_LEN(cases); i++) {
        assert_int_equal(galois_ice_cred_valid(cases[i].text, strlen(cases[i].text), cases[i].pwd),
                         cases[i].ok);
    }
    char long_text[GALOIS_ICE_MAX_CRED_LEN + 2];
    memset(long_text, 'a', sizeof(long_text));
    assert_true(galois_ice_cred_valid(long_text, GALOIS_ICE_MAX_CRED_LEN, true));
    assert_false(galois_ice_cred_valid(long_text, GALOIS_ICE_MAX_CRED_LEN + 1, true));
    assert_false(galois_ice_cred_valid(NULL, 0, false));

    struct galois_ice_lite_config bad = {.local_ufrag = "abc"};
    assert_int_equal(galois_ice_lite_new(&a, &bad), GALOIS_ERR_INVALID);
    assert_null(a);
    struct galois_ice_lite_config bad_pwd = {.local_pwd = "tooshort"};
    assert_int_equal(galois_ice_lite_new(&a, &bad_pwd), GALOIS_ERR_INVALID);
    struct galois_ice_lite_config half = {.remote_ufrag = "abcd"};  // no remote pwd
    assert_int_equal(galois_ice_lite_new(&a, &half), GALOIS_ERR_INVALID);

    char gen[8];
    assert_int_equal(galois_ice_cred_generate(gen, sizeof(gen), 8), GALOIS_ERR_BUFFER);
    assert_int_equal(galois_ice_cred_generate(gen, sizeof(gen), 0), GALOIS_ERR_INVALID);
    assert_int_equal(galois_ice_cred_generate(gen, sizeof(gen), 7), GALOIS_ERR_OK);
    assert_int_equal(strlen(gen), 7);
}

static void test_sdp(void **state)
{
    struct fixture *f = *state;
    // RFC 8445 §5.1.2.1 with the values PEERS-WEBRTC.md saw Chromium accept.
    assert_int_equal(galois_ice_priority(126, 65535, 1), 2130706431u);
    assert_int_equal(galois_ice_priority(126, 65535, 2), 2130706430u);
    assert_int_equal(galois_ice_priority(0, 0, 256), 0);
    struct galois_ice_addr addrs[2];
    assert_int_equal(galois_ice_addr_from_text(&addrs[0], "127.0.0.1", 40000), GALOIS_ERR_OK);
    assert_int_equal(galois_ice_addr_from_text(&addrs[1], "::1", 40002), GALOIS_ERR_OK);
    char text[512];
    size_t len = 0;
    assert_int_equal(galois_ice_lite_sdp(text, &len, sizeof(text), f->agent, true, NULL, 0),
                     GALOIS_ERR_OK);
    assert_string_equal(text, "a=ice-lite\r\n");
    assert_int_equal(galois_ice_lite_sdp(text, &len, sizeof(text), f->agent, false, addrs, 2),
                     GALOIS_ERR_OK);
    const char *want = "a=ice-ufrag:" LOCAL_UFRAG
                       "\r\n"
                       "a=ice-pwd:" LOCAL_PWD
                       "\r\n"
                       "a=candidate:1 1 udp 2130706431 127.0.0.1 40000 typ host\r\n"
                       "a=candidate:2 1 udp 2130706175 ::1 40002 typ host\r\n";
    assert_string_equal(text, want);
    assert_int_equal(len, strlen(want));
    for (size_t max = 0; max <= strlen(want); max++) {
        assert_int_equal(galois_ice_lite_sdp(text, &len, max, f->agent, false, addrs, 2),
                         GALOIS_ERR_BUFFER);
        assert_int_equal(len, 0);
    }
    struct galois_ice_addr bad = {0};
    assert_int_equal(galois_ice_lite_sdp(text, &len, sizeof(text), f->agent, false, &bad, 1),
                     GALOIS_ERR_INVALID);

    char cand[GALOIS_ICE_MAX_CANDIDATE_LEN];
    assert_int_equal(galois_ice_host_candidate(cand, &len, sizeof(cand), "x1", &addrs[0], 7),
                     GALOIS_ERR_OK);
    assert_string_equal(cand, "x1 1 udp 7 127.0.0.1 40000 typ host");
    assert_int_equal(galois_ice_host_candidate(cand, &len, sizeof(cand), "a b", &addrs[0], 7),
                     GALOIS_ERR_INVALID);
    assert_int_equal(galois_ice_host_candidate(cand, &len, sizeof(cand), "", &addrs[0], 7),
                     GALOIS_ERR_INVALID);
    assert_int_equal(galois_ice_host_candidate(cand, &len, 10, "1", &addrs[0], 7),
                     GALOIS_ERR_BUFFER);
    assert_string_equal(cand, "");
    // The longest: 32-char foundation, the largest priority, a full-length IPv6 address.
    struct galois_ice_addr v6;
    assert_int_equal(
        galois_ice_addr_from_text(&v6, "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255", 65535),
        GALOIS_ERR_OK);
    assert_int_equal(galois_ice_host_candidate(cand, &len, sizeof(cand),
                                               "abcdefghijklmnopqrstuvwxyz012345", &v6, UINT32_MAX),
                     GALOIS_ERR_OK);
    assert_string_equal(galois_ice_lite_state_name(GALOIS_ICE_LITE_EXPIRED), "expired");
    assert_string_equal(galois_ice_lite_state_name((enum galois_ice_lite_state)9), "?");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_answers_valid_check, setup, teardown),
        cmocka_unit_test_setup_teardown(test_nomination_and_consent, setup, teardown),
        cmocka_unit_test(test_consent_timeout_config),
        cmocka_unit_test_setup_teardown(test_bad_integrity, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_username, setup, teardown),
        cmocka_unit_test_setup_teardown(test_missing_credentials, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_fingerprint, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unknown_attribute_420, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sha256_vectors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sha256_answers, setup, teardown),
        cmocka_unit_test(test_role_conflict_rfc5769),
        cmocka_unit_test_setup_teardown(test_dropped_without_answer, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_room, setup, teardown),
        cmocka_unit_test(test_credentials),
        cmocka_unit_test_setup_teardown(test_sdp, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
