// galois tool: find the UDP payload in a captured frame, and build the frame again around a
// new payload with the IP and UDP lengths and checksums fixed.
#ifndef GALOIS_TOOLS_PCAP_FRAME_H
#define GALOIS_TOOLS_PCAP_FRAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

// galois_tool_frame says what galois_tool_frame_parse found.
enum galois_tool_frame {
    GALOIS_TOOL_FRAME_UDP = 1,     // a whole, unfragmented UDP datagram over IPv4 or IPv6
    GALOIS_TOOL_FRAME_OTHER,       // not IP, or IP carrying something other than UDP
    GALOIS_TOOL_FRAME_FRAGMENT,    // an IPv4 or IPv6 fragment
    GALOIS_TOOL_FRAME_TRUNCATED,   // cut short by the capture's snap length, or malformed
    GALOIS_TOOL_FRAME_UNSUPPORTED  // IPv6 with a routing header still to be followed
};

// galois_tool_udp locates a UDP datagram inside a frame; offsets count from the frame start.
struct galois_tool_udp {
    unsigned ip_version;  // 4 or 6
    size_t ip_off;        // first byte of the IP header
    size_t ip_hdr_len;    // IPv4 header with options (IHL * 4), or 40 for IPv6
    size_t ip_len;        // IPv4 total length, or IPv6 40 + payload length
    size_t udp_off;       // first byte of the UDP header
    size_t payload_off;   // first byte of the UDP payload
    size_t payload_len;   // UDP length - 8
    uint16_t src_port;
    uint16_t dst_port;
    bool zero_checksum;  // IPv4 UDP checksum was 0 (not computed); it stays 0
};

// galois_tool_link_supported says whether frames of libpcap link type `dlt` can be parsed.
bool galois_tool_link_supported(int dlt);

// galois_tool_frame_parse looks through the link header (Ethernet with VLAN tags, Linux SLL and
// SLL2, raw IP, BSD null/loopback) and the IP header for a UDP datagram in the `frame_len`
// captured bytes at `frame`, and fills `*out` when it returns GALOIS_TOOL_FRAME_UDP.
enum galois_tool_frame galois_tool_frame_parse(struct galois_tool_udp *out, int dlt,
                                               const uint8_t *frame, size_t frame_len);

// galois_tool_frame_rebuild writes to `out` (room for `max_out_len` bytes) the frame `frame`
// with the UDP payload that `udp` located replaced by the `payload_len` bytes at `payload`,
// then fixes the IPv4 total length and header checksum or the IPv6 payload length, the UDP
// length and the UDP checksum. Bytes after the payload (padding, trailers) are kept. Returns
// false if `out` is too small or a length would pass 65535.
bool galois_tool_frame_rebuild(uint8_t *out, size_t *out_len, size_t max_out_len,
                               const uint8_t *frame, size_t frame_len,
                               const struct galois_tool_udp *udp, const uint8_t *payload,
                               size_t payload_len);

#endif  // GALOIS_TOOLS_PCAP_FRAME_H
