// What a sender may not be told to do, because it would reuse keystream or send packets its
// receiver cannot authenticate.
#include <galois/srtp.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
// cmocka.h needs the headers above.
#include <cmocka.h>

enum { SSRC = 42 };

static struct galois_srtp *sender(struct galois_srtp_master_key keys[2], size_t num_keys,
                                  size_t mki_len)
{
    memset(keys, 0, 2 * sizeof(keys[0]));
    memset(keys[0].key, 1, sizeof(keys[0].key));
    memset(keys[1].key, 2, sizeof(keys[1].key));
    keys[1].mki[0] = 1;
    struct galois_srtp_policy pol = {
        .suite = GALOIS_SRTP_AEAD_AES_128_GCM,
        .direction = GALOIS_SRTP_SEND,
        .keys = keys,
        .num_keys = num_keys,
        .mki_len = mki_len,
        .accept_any_ssrc = true,
    };
    struct galois_srtp *s = NULL;
    assert_int_equal(galois_srtp_new(&s, &pol), GALOIS_ERR_OK);
    return s;
}

static galois_err protect_seq(struct galois_srtp *s, uint16_t seq)
{
    uint8_t pkt[12 + 20 + GALOIS_SRTP_MAX_OVERHEAD] = {
        0x80, 0, (uint8_t)(seq >> 8), (uint8_t)seq, 0, 0, 0, 0, 0, 0, 0, SSRC};
    size_t len = 0;
    return galois_srtp_protect(s, pkt, &len, sizeof(pkt), pkt, 32);
}

// Moving the ROC of a stream that has sent would let it send an index again.
static void set_roc_only_before_the_first_packet(void **state)
{
    (void)state;
    struct galois_srtp_master_key keys[2];
    struct galois_srtp *s = sender(keys, 1, 0);
    assert_int_equal(galois_srtp_set_roc(s, SSRC, 5), GALOIS_ERR_OK);
    assert_int_equal(protect_seq(s, 100), GALOIS_ERR_OK);
    uint32_t roc = 0;
    assert_int_equal(galois_srtp_get_roc(s, &roc, SSRC), GALOIS_ERR_OK);
    assert_int_equal(roc, 5);
    assert_int_equal(galois_srtp_set_roc(s, SSRC, 5), GALOIS_ERR_STATE);
    assert_int_equal(galois_srtp_set_roc(s, SSRC, 4), GALOIS_ERR_STATE);
    assert_int_equal(protect_seq(s, 100), GALOIS_ERR_REPLAY);  // still refused
    galois_srtp_free(s);
}

// The SRTCP index only moves forward.
static void rtcp_index_only_forward(void **state)
{
    (void)state;
    struct galois_srtp_master_key keys[2];
    struct galois_srtp *s = sender(keys, 1, 0);
    uint8_t rtcp[8 + 20 + GALOIS_SRTP_MAX_OVERHEAD] = {0x80, 200, 0, 6, 0, 0, 0, SSRC};
    size_t len = 0;
    assert_int_equal(galois_srtp_set_rtcp_index(s, SSRC, 10), GALOIS_ERR_OK);
    assert_int_equal(galois_srtp_protect_rtcp(s, rtcp, &len, sizeof(rtcp), rtcp, 28),
                     GALOIS_ERR_OK);  // index 10 used; 11 is next
    assert_int_equal(galois_srtp_set_rtcp_index(s, SSRC, 10), GALOIS_ERR_STATE);
    assert_int_equal(galois_srtp_set_rtcp_index(s, SSRC, 0), GALOIS_ERR_STATE);
    assert_int_equal(galois_srtp_set_rtcp_index(s, SSRC, 11), GALOIS_ERR_OK);
    assert_int_equal(galois_srtp_set_rtcp_index(s, SSRC, 500), GALOIS_ERR_OK);  // skipping is fine
    galois_srtp_free(s);
}

// Without an MKI in the packets, the receiver can only use the first key.
static void second_key_needs_an_mki(void **state)
{
    (void)state;
    struct galois_srtp_master_key keys[2];
    struct galois_srtp *s = sender(keys, 2, 0);
    assert_int_equal(galois_srtp_set_send_key(s, 1), GALOIS_ERR_INVALID);
    assert_int_equal(galois_srtp_set_send_key(s, 0), GALOIS_ERR_OK);
    galois_srtp_free(s);
    s = sender(keys, 2, 1);
    assert_int_equal(galois_srtp_set_send_key(s, 1), GALOIS_ERR_OK);
    assert_int_equal(galois_srtp_set_send_key(s, 2), GALOIS_ERR_INVALID);
    galois_srtp_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(set_roc_only_before_the_first_packet),
        cmocka_unit_test(rtcp_index_only_forward),
        cmocka_unit_test(second_key_needs_an_mki),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
