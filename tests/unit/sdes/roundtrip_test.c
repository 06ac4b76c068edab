// The round-trip property of the a=crypto codec: for random valid attributes, write -> parse
// gives the same value and write is a fixed point; for random mutations of real lines, every
// text the parser accepts is written as a text that parses to the same value.
#include "sdes_util.h"
#include "test_rng.h"

enum { RANDOM_CASES = 20000, MUTATIONS = 40000 };

static const char *const names[] = {
    "AES_CM_128_HMAC_SHA1_80", "AES_CM_128_HMAC_SHA1_32", "AES_192_CM_HMAC_SHA1_80",
    "AES_192_CM_HMAC_SHA1_32", "AES_256_CM_HMAC_SHA1_80", "AES_256_CM_HMAC_SHA1_32",
    "AEAD_AES_128_GCM",        "AEAD_AES_256_GCM",        "AEAD_AES_128_GCM_8",
    "AEAD_AES_256_GCM_8",      "NULL_HMAC_SHA1_80",       "NULL_HMAC_SHA1_32",
    "F8_128_HMAC_SHA1_80",     "AES_CM_128_NULL_AUTH",
};

static void random_key(struct test_rng *r, struct galois_sdes_key *k, size_t len, size_t mki_len,
                       uint64_t mki)
{
    k->key_salt_len = len;
    test_rng_fill(r, k->key_salt, len);
    switch (test_rng_below(r, 3)) {
        case 0:
            break;
        case 1:
            k->lifetime = (uint64_t)1 << test_rng_below(r, 49);
            k->lifetime_pow2 = true;
            break;
        default:
            k->lifetime = 1 + test_rng_below(r, (uint64_t)1 << 48);
            break;
    }
    k->mki_len = mki_len;
    k->mki = mki;
}

static void random_keys(struct test_rng *r, struct galois_sdes_key *keys, size_t *num, size_t len)
{
    size_t n = 1 + (test_rng_below(r, 4) == 0 ? test_rng_below(r, GALOIS_SDES_MAX_KEYS) : 0);
    size_t mki_len = n > 1 || test_rng_below(r, 2) == 0 ? 1 + test_rng_below(r, 128) : 0;
    uint64_t limit = mki_len >= 8 ? UINT64_MAX : ((uint64_t)1 << (8 * mki_len)) - 1;
    uint64_t base = mki_len == 0 ? 0 : test_rng_below(r, limit < 1000 ? 1 : limit - 64);
    for (size_t i = 0; i < n; i++) {
        random_key(r, &keys[i], len, mki_len, mki_len == 0 ? 0 : (base + i) & limit);
    }
    *num = n;
}

static void random_text(struct test_rng *r, char *text, size_t max)
{
    size_t used = 0;
    size_t tokens = test_rng_below(r, 4);
    static const char chars[] = "ABCXYZ-=0123456789_+/.:;|!~";
    for (size_t t = 0; t < tokens && used + 12 < max; t++) {
        if (used > 0) {
            text[used++] = ' ';
        }
        text[used++] = test_rng_below(r, 2) == 0 ? '-' : 'X';  // never a known parameter
        for (size_t i = 0, n = 1 + test_rng_below(r, 8); i < n; i++) {
            text[used++] = chars[test_rng_below(r, sizeof(chars) - 1)];
        }
    }
    text[used] = '\0';
}

static void random_crypto(struct test_rng *r, struct galois_sdes_crypto *c)
{
    memset(c, 0, sizeof(*c));
    c->tag = (uint32_t)test_rng_below(r, GALOIS_SDES_MAX_TAG + 1);
    if (test_rng_below(r, 10) == 0) {
        snprintf(c->suite_name, sizeof(c->suite_name), "UNKNOWN_%u",
                 (unsigned)test_rng_below(r, 99));
        c->opaque = true;
        snprintf(c->text, sizeof(c->text), "inline:%llx|x \tY",
                 (unsigned long long)test_rng_next(r));
        return;
    }
    const char *name = names[test_rng_below(r, GALOIS_ARRAY_LEN(names))];
    struct sdes_name n;
    assert_true(sdes_lookup_name(&n, name, strlen(name)));
    memcpy(c->suite_name, n.name, strlen(n.name));
    c->suite = n.suite;
    random_keys(r, c->keys, &c->num_keys, n.key_salt_len);
    c->has_kdr = test_rng_below(r, 4) == 0;
    c->kdr = c->has_kdr ? (unsigned)test_rng_below(r, 25) : 0;
    c->unencrypted_srtp = test_rng_below(r, 5) == 0;
    c->unencrypted_srtcp = test_rng_below(r, 5) == 0;
    c->unauthenticated_srtp = test_rng_below(r, 5) == 0;
    c->fec_order = (enum galois_sdes_fec_order)test_rng_below(r, 3);
    if (test_rng_below(r, 6) == 0) {
        random_keys(r, c->fec_keys, &c->num_fec_keys, n.key_salt_len);
    }
    c->wsh = test_rng_below(r, 3) == 0 ? 64 + (uint32_t)test_rng_below(r, 100000) : 0;
    random_text(r, c->text, 64);
}

static void test_random_values(void **state)
{
    (void)state;
    struct test_rng r = {4568};
    static char text[GALOIS_SDES_MAX_LEN * 2];
    static char again_text[GALOIS_SDES_MAX_LEN * 2];
    size_t written = 0;
    for (size_t i = 0; i < RANDOM_CASES; i++) {
        struct galois_sdes_crypto c;
        struct galois_sdes_crypto again;
        size_t len = 0;
        size_t len2 = 0;
        random_crypto(&r, &c);
        galois_err err = galois_sdes_write(text, &len, sizeof(text), &c);
        assert_int_equal(err, GALOIS_ERR_OK);
        if (len > GALOIS_SDES_MAX_LEN) {
            continue;  // the writer may write more than the parser takes; skip those
        }
        size_t off = 0;
        err = galois_sdes_parse(&again, &off, text, len);
        if (err != GALOIS_ERR_OK) {
            print_error("case %zu: %s at %zu: %s\n", i, galois_err_name(err), off, text);
        }
        assert_int_equal(err, GALOIS_ERR_OK);
        assert_memory_equal(&again, &c, sizeof(c));
        assert_int_equal(galois_sdes_write(again_text, &len2, sizeof(again_text), &again),
                         GALOIS_ERR_OK);
        assert_string_equal(again_text, text);
        galois_sdes_crypto_cleanup(&c);
        galois_sdes_crypto_cleanup(&again);
        written++;
    }
    assert_true(written > RANDOM_CASES / 2);
}

static const char *const seeds[] = {
    "1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|2^20|1:32",
    "2 F8_128_HMAC_SHA1_80 inline:MTIzNDU2Nzg5QUJDREUwMTIzNDU2Nzg5QUJjZGVm|2^20|1:4;"
    "inline:QUJjZGVmMTIzNDU2Nzg5QUJDREUwMTIzNDU2Nzg5|2^20|2:4 FEC_ORDER=FEC_SRTP",
    "3 AES_CM_256_HMAC_SHA1_80 inline:" K46 " KDR=4 WSH=128 -X=1",
    "4 AEAD_AES_128_GCM inline:" K28 " UNENCRYPTED_SRTCP FEC_KEY=inline:" K28 "|2^10",
    "5 WHATEVER inline:xyz|1 2",
};

// mutate changes a few bytes of `text`: replaced, inserted, removed or duplicated.
static size_t mutate(struct test_rng *r, char *text, size_t len, size_t max)
{
    static const char alphabet[] = " \t:;|^=-_2aA0+/1FECKDRWSHinle";
    for (size_t m = 0, n = 1 + test_rng_below(r, 3); m < n && len > 0; m++) {
        size_t at = test_rng_below(r, len);
        switch (test_rng_below(r, 3)) {
            case 0:
                text[at] = alphabet[test_rng_below(r, sizeof(alphabet) - 1)];
                break;
            case 1:
                if (len + 1 < max) {
                    memmove(text + at + 1, text + at, len - at);
                    text[at] = alphabet[test_rng_below(r, sizeof(alphabet) - 1)];
                    len++;
                }
                break;
            default:
                memmove(text + at, text + at + 1, len - at - 1);
                len--;
                break;
        }
    }
    return len;
}

static void test_mutations(void **state)
{
    (void)state;
    struct test_rng r = {9335};
    size_t accepted = 0;
    for (size_t i = 0; i < MUTATIONS; i++) {
        char text[512];
        char out[GALOIS_SDES_MAX_LEN];
        const char *seed = seeds[test_rng_below(&r, GALOIS_ARRAY_LEN(seeds))];
        size_t len = strlen(seed);
        memcpy(text, seed, len);
        len = mutate(&r, text, len, sizeof(text));
        struct galois_sdes_crypto c;
        struct galois_sdes_crypto again;
        size_t off = 0;
        if (galois_sdes_parse(&c, &off, text, len) != GALOIS_ERR_OK) {
            assert_true(off <= len);
            continue;
        }
        size_t out_len = 0;
        assert_int_equal(galois_sdes_write(out, &out_len, sizeof(out), &c), GALOIS_ERR_OK);
        assert_int_equal(galois_sdes_parse(&again, NULL, out, out_len), GALOIS_ERR_OK);
        assert_memory_equal(&again, &c, sizeof(c));
        galois_sdes_crypto_cleanup(&c);
        galois_sdes_crypto_cleanup(&again);
        accepted++;
    }
    print_message("%zu of %d mutations parsed\n", accepted, MUTATIONS);
    assert_true(accepted > 100);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_random_values),
        cmocka_unit_test(test_mutations),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
