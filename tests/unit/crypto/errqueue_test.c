// A failed authentication must not leave anything on the caller's OpenSSL error queue, and a
// successful call must not clear what the caller had there (STYLE.md C5); on each GCM backend
// this build has.
#include <openssl/err.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
// cmocka.h needs the headers above.
#include <cmocka.h>

#include "crypto/internal.h"

static void check_backend(enum galois_crypto_backend backend)
{
    static const uint8_t key[16] = {1, 2, 3};
    static const uint8_t iv[12] = {4, 5, 6};
    uint8_t buf[64] = {7};
    uint8_t tag[16];
    struct galois_aes_gcm *gcm = NULL;
    assert_int_equal(galois_aes_gcm_new(&gcm, backend, key, sizeof(key), 16), GALOIS_ERR_OK);
    struct galois_aad aad = {buf, 12, NULL, 0};
    assert_int_equal(galois_aes_gcm_seal(gcm, buf + 12, tag, iv, &aad, buf + 12, 52),
                     GALOIS_ERR_OK);

    ERR_clear_error();
    tag[0] ^= 1;
    uint8_t out[64];
    memset(out, 0xee, sizeof(out));
    assert_int_equal(galois_aes_gcm_open(gcm, out, iv, &aad, buf + 12, 52, tag), GALOIS_ERR_AUTH);
    assert_int_equal(ERR_peek_error(), 0);
    for (size_t i = 0; i < 52; i++) {
        assert_int_equal(out[i], 0);  // wiped, not left holding unauthenticated plaintext
    }

    // An error the caller already had is still there after a successful open.
    ERR_raise(ERR_LIB_USER, 42);
    unsigned long before = ERR_peek_last_error();
    tag[0] ^= 1;
    assert_int_equal(galois_aes_gcm_open(gcm, out, iv, &aad, buf + 12, 52, tag), GALOIS_ERR_OK);
    assert_int_equal(ERR_peek_last_error(), before);
    ERR_clear_error();
    galois_aes_gcm_free(gcm);
}

static void gcm_auth_failure_leaves_queue_alone(void **state)
{
    (void)state;
    check_backend(GALOIS_CRYPTO_OPENSSL);
    if (galois_crypto_backend_ready(GALOIS_CRYPTO_LIBGCRYPT, NULL, 0)) {
        check_backend(GALOIS_CRYPTO_LIBGCRYPT);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(gcm_auth_failure_leaves_queue_alone),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
