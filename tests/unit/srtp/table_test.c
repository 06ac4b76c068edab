// The SSRC table: every bit of an SSRC reaches the slot, so SSRCs a peer picks to differ only
// in their high bits do not pile up in one probe chain.
#include <galois/srtp.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
// cmocka.h needs the headers above.
#include <cmocka.h>

#include "srtp/session.h"

static void high_bits_spread(void **state)
{
    (void)state;
    struct galois_srtp_master_key key = {0};
    struct galois_srtp_policy pol = {
        .suite = GALOIS_SRTP_AEAD_AES_128_GCM,
        .direction = GALOIS_SRTP_RECEIVE,
        .keys = &key,
        .num_keys = 1,
        .accept_any_ssrc = true,
    };
    struct galois_srtp *s = NULL;
    assert_int_equal(galois_srtp_new(&s, &pol), GALOIS_ERR_OK);
    size_t slots = s->table_mask + 1;  // 128 for the default cap of 64 streams
    assert_int_equal(slots, 128);
    // 1024 SSRCs that differ only in bits 22..31: with a hash that drops those bits they all
    // share one slot. A good spread fills nearly every slot (1024 balls, 128 bins: the chance
    // that more than 8 bins stay empty is far below 1e-9).
    bool hit[128] = {false};
    size_t distinct = 0;
    for (uint32_t k = 0; k < 1024; k++) {
        size_t slot = galois_srtp_slot(s, 0x1234u | (k << 22));
        assert_true(slot < slots);
        distinct += hit[slot] ? 0 : 1;
        hit[slot] = true;
    }
    assert_true(distinct >= 120);
    galois_srtp_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(high_bits_spread),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
