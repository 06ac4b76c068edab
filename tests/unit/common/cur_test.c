// Tests of the common layer: the cursor over untrusted bytes, base64, hex and error texts.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
// cmocka.h needs the headers above.
#include <cmocka.h>

#include "common/internal.h"

// A cursor compared field by field: a failed read must leave both unchanged.
#define assert_cur_is(c, ptr, n)         \
    do {                                 \
        assert_ptr_equal((c)->p, (ptr)); \
        assert_int_equal((c)->len, (n)); \
    } while (0)

static const uint8_t bytes9[9] = {0x01, 0x82, 0x03, 0x84, 0x05, 0x86, 0x07, 0x88, 0xff};

static void test_init_len_data(void **state)
{
    (void)state;
    struct galois_cur c;
    galois_cur_init(&c, bytes9, sizeof(bytes9));
    assert_int_equal(galois_cur_len(&c), 9);
    assert_ptr_equal(galois_cur_data(&c), bytes9);
    galois_cur_init(&c, NULL, 5);  // a NULL view is empty whatever length it is given
    assert_int_equal(galois_cur_len(&c), 0);
    uint8_t b = 0;
    assert_false(galois_cur_u8(&c, &b));
    galois_cur_init(&c, bytes9, 0);
    assert_int_equal(galois_cur_len(&c), 0);
    assert_false(galois_cur_skip(&c, 1));
    assert_true(galois_cur_skip(&c, 0));
}

// Each fixed-width read succeeds with exactly its width available, returns the big-endian
// value and advances by the width; with one byte fewer it fails and moves nothing.
static void test_fixed_reads(void **state)
{
    (void)state;
    for (size_t avail = 0; avail <= 4; avail++) {
        struct galois_cur c;
        galois_cur_init(&c, bytes9, avail);
        uint8_t v8 = 0x5a;
        bool ok = galois_cur_u8(&c, &v8);
        assert_int_equal(ok, avail >= 1);
        if (ok) {
            assert_int_equal(v8, 0x01);
            assert_cur_is(&c, bytes9 + 1, avail - 1);
        } else {
            assert_int_equal(v8, 0x5a);
            assert_cur_is(&c, bytes9, avail);
        }

        galois_cur_init(&c, bytes9, avail);
        uint16_t v16 = 0x5a5a;
        ok = galois_cur_u16(&c, &v16);
        assert_int_equal(ok, avail >= 2);
        if (ok) {
            assert_int_equal(v16, 0x0182);
            assert_cur_is(&c, bytes9 + 2, avail - 2);
        } else {
            assert_int_equal(v16, 0x5a5a);
            assert_cur_is(&c, bytes9, avail);
        }

        galois_cur_init(&c, bytes9, avail);
        uint32_t v32 = 0x5a5a5a5a;
        ok = galois_cur_u32(&c, &v32);
        assert_int_equal(ok, avail >= 4);
        if (ok) {
            assert_int_equal(v32, 0x01820384);
            assert_cur_is(&c, bytes9 + 4, avail - 4);
        } else {
            assert_int_equal(v32, 0x5a5a5a5a);
            assert_cur_is(&c, bytes9, avail);
        }
    }
    // A sequence of reads walks the whole buffer and ends empty.
    struct galois_cur c;
    galois_cur_init(&c, bytes9, sizeof(bytes9));
    uint8_t a = 0;
    uint16_t b = 0;
    uint32_t d = 0;
    uint16_t e = 0;
    assert_true(galois_cur_u8(&c, &a) && galois_cur_u16(&c, &b) && galois_cur_u32(&c, &d) &&
                galois_cur_u16(&c, &e));
    assert_int_equal(a, 0x01);
    assert_int_equal(b, 0x8203);
    assert_int_equal(d, 0x84058607);
    assert_int_equal(e, 0x88ff);
    assert_cur_is(&c, bytes9 + 9, 0);
    assert_false(galois_cur_u8(&c, &a));
}

static void test_skip_copy(void **state)
{
    (void)state;
    const size_t ns[] = {0, 1, 8, 9, 10, SIZE_MAX / 2, SIZE_MAX};
    for (size_t i = 0; i < GALOIS_ARRAY_LEN(ns); i++) {
        struct galois_cur c;
        galois_cur_init(&c, bytes9, sizeof(bytes9));
        bool ok = galois_cur_skip(&c, ns[i]);
        assert_int_equal(ok, ns[i] <= 9);
        assert_cur_is(&c, bytes9 + (ok ? ns[i] : 0), ok ? 9 - ns[i] : 9);

        uint8_t out[10];
        memset(out, 0xee, sizeof(out));
        galois_cur_init(&c, bytes9, sizeof(bytes9));
        ok = galois_cur_copy(&c, out, ns[i]);
        assert_int_equal(ok, ns[i] <= 9);
        if (ok) {
            assert_memory_equal(out, bytes9, ns[i]);
            assert_cur_is(&c, bytes9 + ns[i], 9 - ns[i]);
        } else {
            assert_cur_is(&c, bytes9, 9);
            for (size_t j = 0; j < sizeof(out); j++) {
                assert_int_equal(out[j], 0xee);  // nothing copied on failure
            }
        }
    }
}

static void test_take(void **state)
{
    (void)state;
    for (size_t n = 0; n <= 10; n++) {
        struct galois_cur c;
        struct galois_cur sub = {NULL, 77};
        galois_cur_init(&c, bytes9, sizeof(bytes9));
        bool ok = galois_cur_take(&c, &sub, n);
        assert_int_equal(ok, n <= 9);
        if (!ok) {
            assert_cur_is(&c, bytes9, 9);
            continue;
        }
        assert_cur_is(&sub, bytes9, n);
        assert_cur_is(&c, bytes9 + n, 9 - n);
        // The sub-cursor cannot read past its own region.
        assert_false(galois_cur_skip(&sub, n + 1));
        assert_true(galois_cur_skip(&sub, n));
    }
    struct galois_cur c;
    struct galois_cur sub;
    galois_cur_init(&c, bytes9, sizeof(bytes9));
    assert_false(galois_cur_take(&c, &sub, SIZE_MAX));
    assert_cur_is(&c, bytes9, 9);

    // galois_cur_offset of a view taken after a skip.
    struct galois_cur outer;
    galois_cur_init(&outer, bytes9, sizeof(bytes9));
    c = outer;
    assert_true(galois_cur_skip(&c, 3));
    assert_true(galois_cur_take(&c, &sub, 4));
    assert_int_equal(galois_cur_offset(&outer, &sub), 3);
    assert_int_equal(galois_cur_offset(&outer, &c), 7);
}

static void test_take_tail(void **state)
{
    (void)state;
    for (size_t n = 0; n <= 10; n++) {
        struct galois_cur c;
        struct galois_cur tail = {NULL, 77};
        galois_cur_init(&c, bytes9, sizeof(bytes9));
        bool ok = galois_cur_take_tail(&c, &tail, n);
        assert_int_equal(ok, n <= 9);
        if (!ok) {
            assert_cur_is(&c, bytes9, 9);
            continue;
        }
        assert_cur_is(&tail, bytes9 + 9 - n, n);
        assert_cur_is(&c, bytes9, 9 - n);  // the front does not move, the end does
    }
    struct galois_cur c;
    struct galois_cur tail;
    galois_cur_init(&c, bytes9, sizeof(bytes9));
    assert_false(galois_cur_take_tail(&c, &tail, SIZE_MAX));
    assert_cur_is(&c, bytes9, 9);
}

static void test_peek(void **state)
{
    (void)state;
    struct galois_cur c;
    galois_cur_init(&c, bytes9, sizeof(bytes9));
    for (size_t off = 0; off < 9; off++) {
        uint8_t b = 0;
        assert_true(galois_cur_peek_u8(&c, off, &b));
        assert_int_equal(b, bytes9[off]);
    }
    uint8_t b = 0x33;
    assert_false(galois_cur_peek_u8(&c, 9, &b));
    assert_false(galois_cur_peek_u8(&c, SIZE_MAX, &b));
    assert_int_equal(b, 0x33);
    assert_cur_is(&c, bytes9, 9);
}

static void init_text(struct galois_cur *c, const char *s)
{
    galois_cur_init(c, (const uint8_t *)s, strlen(s));
}

static void test_lit_eq(void **state)
{
    (void)state;
    const char *text = "inline:abc";
    struct galois_cur c;
    init_text(&c, text);
    assert_false(galois_cur_lit(&c, "inline;"));
    assert_false(galois_cur_lit(&c, "inline:abcd"));  // longer than the input
    assert_false(galois_cur_lit(&c, "INLINE:"));      // case-sensitive
    assert_cur_is(&c, (const uint8_t *)text, 10);
    assert_true(galois_cur_lit(&c, ""));
    assert_cur_is(&c, (const uint8_t *)text, 10);
    assert_true(galois_cur_lit(&c, "inline:"));
    assert_cur_is(&c, (const uint8_t *)text + 7, 3);
    assert_true(galois_cur_eq(&c, "abc"));
    assert_false(galois_cur_eq(&c, "ab"));
    assert_false(galois_cur_eq(&c, "abcd"));
    assert_false(galois_cur_eq(&c, "abd"));
    assert_false(galois_cur_eq(&c, ""));
    assert_true(galois_cur_skip(&c, 3));
    assert_true(galois_cur_eq(&c, ""));
    assert_false(galois_cur_lit(&c, "a"));
}

// Table for galois_cur_until / galois_cur_until_any: the token taken (NULL = refused) and
// what is left behind (the stop byte is not consumed).
struct until_case {
    const char *in;
    const char *stops;  // one byte for galois_cur_until
    size_t max_len;
    const char *token;
    const char *rest;
};

static const struct until_case until_cases[] = {
    {"abc def", " ", 10, "abc", " def"},
    {"abc", " ", 10, "abc", ""},   // the end of input ends the token
    {"abc", " ", 3, "abc", ""},    // exactly max_len
    {"abcd", " ", 3, NULL, NULL},  // one over max_len
    {"abcd e", " ", 3, NULL, NULL},
    {" abc", " ", 10, NULL, NULL},  // empty token
    {"", " ", 10, NULL, NULL},      // empty input
    {"a", " ", 0, NULL, NULL},
    {"key|2^20|1:4", "|", 64, "key", "|2^20|1:4"},
    {"key|2^20 x", "| ", 64, "key", "|2^20 x"},
    {"key 2^20|x", "| ", 64, "key", " 2^20|x"},
    {"|x", "| ", 64, NULL, NULL},
    {"ab;cd", "|; ", 2, "ab", ";cd"},
};

static void test_until(void **state)
{
    (void)state;
    for (size_t i = 0; i < GALOIS_ARRAY_LEN(until_cases); i++) {
        const struct until_case *t = &until_cases[i];
        for (int any = 0; any < 2; any++) {
            if (!any && strlen(t->stops) != 1) {
                continue;
            }
            struct galois_cur c;
            struct galois_cur tok = {NULL, 0};
            init_text(&c, t->in);
            bool ok = any ? galois_cur_until_any(&c, &tok, t->stops, t->max_len)
                          : galois_cur_until(&c, &tok, (uint8_t)t->stops[0], t->max_len);
            if (t->token == NULL) {
                assert_false(ok);
                assert_cur_is(&c, (const uint8_t *)t->in, strlen(t->in));
            } else {
                assert_true(ok);
                assert_true(galois_cur_eq(&tok, t->token));
                assert_true(galois_cur_eq(&c, t->rest));
            }
        }
    }
}

struct dec_case {
    const char *in;
    uint64_t max;
    bool ok;
    uint64_t value;
    size_t rest_len;  // bytes left after a successful read
};

static const struct dec_case dec_cases[] = {
    {"0", UINT64_MAX, true, 0, 0},
    {"7", 7, true, 7, 0},
    {"8", 7, false, 0, 0},
    {"99", 99, true, 99, 0},
    {"100", 99, false, 0, 0},
    {"007", 7, true, 7, 0},
    {"12ab", 1000, true, 12, 2},
    {"12 34", 1000, true, 12, 3},
    {"", 1000, false, 0, 0},
    {"x1", 1000, false, 0, 0},
    {"-1", 1000, false, 0, 0},
    {"+1", 1000, false, 0, 0},
    {"18446744073709551615", UINT64_MAX, true, UINT64_MAX, 0},
    {"18446744073709551616", UINT64_MAX, false, 0, 0},
    {"99999999999999999999", UINT64_MAX, false, 0, 0},
    {"18446744073709551614", UINT64_MAX - 1, true, UINT64_MAX - 1, 0},
    {"18446744073709551615", UINT64_MAX - 1, false, 0, 0},
    {"4294967295", 4294967295u, true, 4294967295u, 0},
    {"4294967296", 4294967295u, false, 0, 0},
    {"2147483648|", 2147483648u, true, 2147483648u, 1},
};

static void test_u64_dec(void **state)
{
    (void)state;
    for (size_t i = 0; i < GALOIS_ARRAY_LEN(dec_cases); i++) {
        const struct dec_case *t = &dec_cases[i];
        struct galois_cur c;
        init_text(&c, t->in);
        uint64_t v = 0xdeadbeef;
        bool ok = galois_cur_u64_dec(&c, &v, t->max);
        if (ok != t->ok) {
            fail_msg("u64_dec case %zu \"%s\" max %llu: got %d, expected %d", i, t->in,
                     (unsigned long long)t->max, ok, t->ok);
        }
        if (ok) {
            assert_int_equal(v, t->value);
            assert_cur_is(&c, (const uint8_t *)t->in + strlen(t->in) - t->rest_len, t->rest_len);
        } else {
            assert_int_equal(v, 0xdeadbeef);
            assert_cur_is(&c, (const uint8_t *)t->in, strlen(t->in));
        }
    }
    // More than 20 digits are never read as one number.
    const char *long_zeros = "0000000000000000000001";
    struct galois_cur c;
    init_text(&c, long_zeros);
    uint64_t v = 0;
    if (galois_cur_u64_dec(&c, &v, UINT64_MAX)) {
        assert_true(galois_cur_len(&c) >= strlen(long_zeros) - 20);
        assert_int_equal(v, 0);
    }
}

// RFC 4648 §10 test vectors.
static const struct {
    const char *raw;
    const char *b64;
} rfc4648[] = {
    {"", ""},
    {"f", "Zg=="},
    {"fo", "Zm8="},
    {"foo", "Zm9v"},
    {"foob", "Zm9vYg=="},
    {"fooba", "Zm9vYmE="},
    {"foobar", "Zm9vYmFy"},
};

static void test_base64_rfc4648(void **state)
{
    (void)state;
    for (size_t i = 0; i < GALOIS_ARRAY_LEN(rfc4648); i++) {
        const char *raw = rfc4648[i].raw;
        const char *b64 = rfc4648[i].b64;
        char text[16];
        size_t text_len = 99;
        assert_int_equal(
            galois_base64_encode(text, &text_len, sizeof(text), (const uint8_t *)raw, strlen(raw)),
            GALOIS_ERR_OK);
        assert_int_equal(text_len, strlen(b64));
        assert_string_equal(text, b64);  // NUL-terminated

        // Room for the text but not its NUL: refused, and nothing partial is written.
        memset(text, '#', sizeof(text));
        assert_int_equal(
            galois_base64_encode(text, &text_len, strlen(b64), (const uint8_t *)raw, strlen(raw)),
            GALOIS_ERR_BUFFER);
        for (size_t j = 0; j < sizeof(text); j++) {
            assert_int_equal(text[j], '#');
        }

        uint8_t out[16];
        size_t out_len = 99;
        galois_err err = galois_base64_decode(out, &out_len, sizeof(out), b64, strlen(b64));
        if (err != GALOIS_ERR_OK) {
            fail_msg("base64 decode of \"%s\" (RFC 4648 §10): %s, expected OK", b64,
                     galois_err_name(err));
        }
        assert_int_equal(out_len, strlen(raw));
        assert_memory_equal(out, raw, out_len);
        if (out_len > 0) {
            assert_int_equal(galois_base64_decode(out, &out_len, strlen(raw) - 1, b64, strlen(b64)),
                             GALOIS_ERR_BUFFER);
        }
    }
}

static void test_base64_all_bytes(void **state)
{
    (void)state;
    uint8_t raw[256];
    for (size_t i = 0; i < sizeof(raw); i++) {
        raw[i] = (uint8_t)(255 - i);
    }
    for (size_t n = 0; n <= sizeof(raw); n += 1) {
        char text[400];
        size_t text_len = 0;
        assert_int_equal(galois_base64_encode(text, &text_len, sizeof(text), raw, n),
                         GALOIS_ERR_OK);
        assert_int_equal(text_len, (n + 2) / 3 * 4);
        if (n == 0) {
            continue;
        }
        uint8_t back[256];
        size_t back_len = 0;
        assert_int_equal(galois_base64_decode(back, &back_len, sizeof(back), text, text_len),
                         GALOIS_ERR_OK);
        assert_int_equal(back_len, n);
        assert_memory_equal(back, raw, n);
    }
}

static const char *const base64_bad[] = {
    "Zm9v!A==",                            // character outside the alphabet
    "Zm9 v",    "Zm9v\n", "Zm-v", "Zm_v",  // URL-safe alphabet is not base64
    "Zg=",                                 // length not a multiple of 4
    "Zm9",      "Zm9vY",  "Z",    "Z===",     "====",     "=Zg=", "Zg=v",  // pad in the wrong place
    "Zg==Zg==",                                                            // pad before the end
    "Zm9v====", "Zh==",   "Zm9=", "Zm9vYh==", "Zm9vYmF=",  // non-canonical: bits under the pad
};

static void test_base64_bad(void **state)
{
    (void)state;
    for (size_t i = 0; i < GALOIS_ARRAY_LEN(base64_bad); i++) {
        uint8_t out[16];
        size_t out_len = 0;
        galois_err err =
            galois_base64_decode(out, &out_len, sizeof(out), base64_bad[i], strlen(base64_bad[i]));
        if (err != GALOIS_ERR_PARSE) {
            fail_msg("base64 decode of bad input \"%s\": %s, expected PARSE", base64_bad[i],
                     galois_err_name(err));
        }
    }
    // An embedded NUL is a character outside the alphabet, not an end of text.
    const char nul_text[8] = {'Z', 'm', '9', 'v', 'Z', 'm', '\0', 'v'};
    uint8_t out[16];
    size_t out_len = 0;
    assert_int_equal(galois_base64_decode(out, &out_len, sizeof(out), nul_text, sizeof(nul_text)),
                     GALOIS_ERR_PARSE);
}

static void test_hex(void **state)
{
    (void)state;
    uint8_t out[8];
    size_t out_len = 99;
    assert_int_equal(galois_hex_decode(out, &out_len, sizeof(out), "00ff7F80DEADbeef", 16),
                     GALOIS_ERR_OK);
    assert_int_equal(out_len, 8);
    const uint8_t want[8] = {0x00, 0xff, 0x7f, 0x80, 0xde, 0xad, 0xbe, 0xef};
    assert_memory_equal(out, want, 8);

    assert_int_equal(galois_hex_decode(out, &out_len, sizeof(out), "", 0), GALOIS_ERR_OK);
    assert_int_equal(out_len, 0);

    static const char *const bad[] = {"0", "abc", "0g", "g0", " 0", "0 ", "0x", "-1", ":;"};
    for (size_t i = 0; i < GALOIS_ARRAY_LEN(bad); i++) {
        galois_err err = galois_hex_decode(out, &out_len, sizeof(out), bad[i], strlen(bad[i]));
        if (err != GALOIS_ERR_PARSE) {
            fail_msg("hex decode of \"%s\": %s, expected PARSE", bad[i], galois_err_name(err));
        }
    }
    // Only `in_len` bytes are read: the rest of the string is not looked at.
    assert_int_equal(galois_hex_decode(out, &out_len, sizeof(out), "abZZ", 2), GALOIS_ERR_OK);
    assert_int_equal(out_len, 1);
    assert_int_equal(out[0], 0xab);
    // Too small an output.
    assert_int_equal(galois_hex_decode(out, &out_len, 2, "010203", 6), GALOIS_ERR_BUFFER);
}

// Every code's name and text as the one list in common.h spells them.
#define ERR_ROW_(name, text) {GALOIS_ERR_##name, #name, text},
static const struct {
    galois_err err;
    const char *name;
    const char *text;
} err_rows[] = {GALOIS_ERRORS(ERR_ROW_)};
#undef ERR_ROW_

static void test_err_str_name(void **state)
{
    (void)state;
    assert_int_equal(GALOIS_ERR_OK, 0);
    assert_int_equal(GALOIS_ARRAY_LEN(err_rows), GALOIS_ERR_COUNT_);
    for (size_t i = 0; i < GALOIS_ARRAY_LEN(err_rows); i++) {
        assert_int_equal(err_rows[i].err, i);
        assert_string_equal(galois_err_name(err_rows[i].err), err_rows[i].name);
        assert_string_equal(galois_err_str(err_rows[i].err), err_rows[i].text);
        for (size_t j = 0; j < i; j++) {
            assert_string_not_equal(galois_err_str(err_rows[i].err),
                                    galois_err_str(err_rows[j].err));
        }
    }
    // Out-of-range values still give a text, never NULL.
    const int outside[] = {GALOIS_ERR_COUNT_, GALOIS_ERR_COUNT_ + 1, 1000, -1};
    for (size_t i = 0; i < GALOIS_ARRAY_LEN(outside); i++) {
        galois_err e = (galois_err)outside[i];
        assert_non_null(galois_err_str(e));
        assert_non_null(galois_err_name(e));
        assert_true(strlen(galois_err_str(e)) > 0);
    }
}

static void test_misc(void **state)
{
    (void)state;
    uint8_t buf[32];
    memset(buf, 0xaa, sizeof(buf));
    galois_secure_zero(buf + 1, 30);
    assert_int_equal(buf[0], 0xaa);
    assert_int_equal(buf[31], 0xaa);
    for (size_t i = 1; i < 31; i++) {
        assert_int_equal(buf[i], 0);
    }
    galois_secure_zero(NULL, 10);  // no-op

    uint8_t r1[32] = {0};
    uint8_t r2[32] = {0};
    assert_int_equal(galois_random_bytes(r1, sizeof(r1)), GALOIS_ERR_OK);
    assert_int_equal(galois_random_bytes(r2, sizeof(r2)), GALOIS_ERR_OK);
    assert_memory_not_equal(r1, r2, sizeof(r1));
    assert_string_equal(galois_version(), GALOIS_VERSION_STRING);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_init_len_data),
        cmocka_unit_test(test_fixed_reads),
        cmocka_unit_test(test_skip_copy),
        cmocka_unit_test(test_take),
        cmocka_unit_test(test_take_tail),
        cmocka_unit_test(test_peek),
        cmocka_unit_test(test_lit_eq),
        cmocka_unit_test(test_until),
        cmocka_unit_test(test_u64_dec),
        cmocka_unit_test(test_base64_rfc4648),
        cmocka_unit_test(test_base64_all_bytes),
        cmocka_unit_test(test_base64_bad),
        cmocka_unit_test(test_hex),
        cmocka_unit_test(test_err_str_name),
        cmocka_unit_test(test_misc),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
