// Fuzz target: the frame parser and rebuilder of `galois pcap` (tools/galois/pcap_frame.c), which
// read capture files from anywhere. The first input byte picks the link type, the rest is one
// captured frame. Properties:
// - whatever the bytes, nothing reads past them (ASan: the frame is a copy of exactly its size);
// - a frame found to carry UDP has its offsets in order and inside the frame;
// - the rebuilt frame, with a payload 16 bytes longer (an SRTP tag) and then the original
//   length again, parses to the same ports and the new payload, and its IPv4 header checksum
//   and UDP checksum verify by a separate computation here (RFC 791, RFC 768, RFC 8200 §8.1);
// - rebuilding back to the original payload gives the original frame, except the checksums
//   and lengths the rebuilder is there to fix.
#include "pcap_frame.h"

#include <pcap/dlt.h>
#include <stdlib.h>
#include <string.h>

#include "common/internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const int links[] = {DLT_EN10MB, DLT_LINUX_SLL, DLT_LINUX_SLL2, DLT_NULL,
                            DLT_LOOP,   DLT_RAW,       DLT_IPV4,       DLT_IPV6};

enum { TAG = 16, MAX_FRAME = 65535 + 128 };

static uint32_t sum16(uint32_t sum, const uint8_t *p, size_t len)
{
    for (size_t i = 0; i + 1 < len; i += 2) {
        sum += (uint32_t)p[i] << 8 | p[i + 1];
    }
    if (len % 2 == 1) {
        sum += (uint32_t)p[len - 1] << 8;
    }
    return sum;
}

static uint16_t fold(uint32_t sum)
{
    while (sum >> 16 != 0) {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    return (uint16_t)sum;
}

// checks_ok verifies the IPv4 header checksum and the UDP checksum of the datagram `u` locates.
static bool checks_ok(const uint8_t *f, const struct galois_tool_udp *u)
{
    size_t udp_len = u->payload_len + 8;
    uint32_t sum = 0;
    if (u->ip_version == 4) {
        if (fold(sum16(0, f + u->ip_off, u->ip_hdr_len)) != 0xffff) {
            return false;
        }
        sum = sum16(sum, f + u->ip_off + 12, 8);  // source and destination
        sum += 17 + (uint32_t)udp_len;
    } else {
        sum = sum16(sum, f + u->ip_off + 8, 32);
        sum += (uint32_t)(udp_len >> 16) + (uint32_t)(udp_len & 0xffff) + 17;
    }
    uint16_t stored = (uint16_t)(f[u->udp_off + 6] << 8 | f[u->udp_off + 7]);
    if (u->ip_version == 4 && stored == 0) {
        return u->zero_checksum;  // "no checksum" stays so
    }
    return fold(sum16(sum, f + u->udp_off, udp_len)) == 0xffff;
}

static void check_offsets(const struct galois_tool_udp *u, size_t len)
{
    GALOIS_CHECK(u->ip_version == 4 || u->ip_version == 6);
    GALOIS_CHECK(u->ip_off + u->ip_hdr_len <= u->udp_off);
    GALOIS_CHECK(u->udp_off + 8 == u->payload_off);
    GALOIS_CHECK(u->payload_off + u->payload_len <= len);
    GALOIS_CHECK(u->ip_off + u->ip_len <= len);
    GALOIS_CHECK(u->payload_off + u->payload_len <= u->ip_off + u->ip_len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static uint8_t longer[MAX_FRAME + TAG];
    static uint8_t back[MAX_FRAME + TAG];
    static uint8_t payload[MAX_FRAME + TAG];
    if (size < 1 || size - 1 > MAX_FRAME) {
        return 0;
    }
    int dlt = links[data[0] % (sizeof(links) / sizeof(links[0]))];
    GALOIS_CHECK(galois_tool_link_supported(dlt));
    size_t len = size - 1;
    uint8_t *frame = malloc(len == 0 ? 1 : len);
    GALOIS_CHECK(frame != NULL);
    if (len > 0) {
        memcpy(frame, data + 1, len);
    }
    struct galois_tool_udp u;
    if (galois_tool_frame_parse(&u, dlt, frame, len) != GALOIS_TOOL_FRAME_UDP) {
        free(frame);
        return 0;
    }
    check_offsets(&u, len);

    // the payload and a 16-byte tag after it
    memcpy(payload, frame + u.payload_off, u.payload_len);
    memset(payload + u.payload_len, 0xA5, TAG);
    size_t longer_len = 0;
    if (!galois_tool_frame_rebuild(longer, &longer_len, sizeof(longer), frame, len, &u, payload,
                                   u.payload_len + TAG)) {
        // only a length past 65535 may refuse
        GALOIS_CHECK(u.ip_len + TAG > 65535 || u.payload_len + TAG + 8 > 65535);
        free(frame);
        return 0;
    }
    GALOIS_CHECK(longer_len == len + TAG);
    struct galois_tool_udp l;
    GALOIS_CHECK(galois_tool_frame_parse(&l, dlt, longer, longer_len) == GALOIS_TOOL_FRAME_UDP);
    check_offsets(&l, longer_len);
    GALOIS_CHECK(l.src_port == u.src_port && l.dst_port == u.dst_port);
    GALOIS_CHECK(l.payload_off == u.payload_off && l.payload_len == u.payload_len + TAG);
    GALOIS_CHECK(memcmp(longer + l.payload_off, payload, l.payload_len) == 0);
    GALOIS_CHECK(l.zero_checksum == u.zero_checksum);
    GALOIS_CHECK(checks_ok(longer, &l));

    // and back to the original payload: the original frame but for lengths and checksums
    size_t back_len = 0;
    GALOIS_CHECK(galois_tool_frame_rebuild(back, &back_len, sizeof(back), longer, longer_len, &l,
                                           payload, u.payload_len));
    GALOIS_CHECK(back_len == len);
    struct galois_tool_udp b;
    GALOIS_CHECK(galois_tool_frame_parse(&b, dlt, back, back_len) == GALOIS_TOOL_FRAME_UDP);
    GALOIS_CHECK(memcmp(&b, &u, sizeof(b)) == 0);
    GALOIS_CHECK(checks_ok(back, &b));
    GALOIS_CHECK(memcmp(back + u.udp_off, frame + u.udp_off, 6) == 0);  // ports and length
    GALOIS_CHECK(memcmp(back + u.payload_off, frame + u.payload_off, len - u.payload_off) == 0);
    free(frame);
    return 0;
}
