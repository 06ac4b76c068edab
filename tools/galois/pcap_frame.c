// galois tool: link, IP and UDP headers of captured frames, read through the bounds-checked
// reader, and the frame rebuilt around a new UDP payload.
#include "pcap_frame.h"

#include <pcap/dlt.h>
#include <string.h>

#include "rd.h"

enum {
    ETHERTYPE_IPV4 = 0x0800,
    ETHERTYPE_IPV6 = 0x86dd,
    ETHERTYPE_VLAN = 0x8100,      // IEEE 802.1Q
    ETHERTYPE_QINQ = 0x88a8,      // IEEE 802.1ad
    ETHERTYPE_QINQ_OLD = 0x9100,  // pre-standard double tagging
    MAX_VLAN_TAGS = 4,            //
    IPV4_MIN_HDR_LEN = 20,        //
    IPV6_HDR_LEN = 40,            //
    IPV4_FRAGMENT_MASK = 0x3fff,  // MF flag and fragment offset
    MAX_IPV6_EXT_HEADERS = 8,     //
    PROTO_HOP_BY_HOP = 0,         // IPv6 extension headers (RFC 8200 §4)
    PROTO_ROUTING = 43,           //
    PROTO_FRAGMENT = 44,          //
    PROTO_DEST_OPTIONS = 60,      //
    PROTO_UDP = 17,               //
    UDP_HDR_LEN = 8,              //
    MAX_IP_LEN = 65535,           //
};

// Address families that BSD null/loopback headers use for IPv6 (BSDs, macOS, Linux, Windows).
static bool is_af_inet6(uint32_t family)
{
    return family == 10 || family == 23 || family == 24 || family == 28 || family == 30;
}

static int ethertype_network(uint16_t type)
{
    if (type == ETHERTYPE_IPV4) {
        return 4;
    }
    return type == ETHERTYPE_IPV6 ? 6 : 0;
}

static bool is_vlan(uint16_t type)
{
    return type == ETHERTYPE_VLAN || type == ETHERTYPE_QINQ || type == ETHERTYPE_QINQ_OLD;
}

// link_network reads the link header of a frame of type `dlt` and says what follows it: 4 for
// IPv4, 6 for IPv6, 0 for anything else, -1 when the frame is too short.
static int link_network(struct galois_rd *r, int dlt)
{
    uint16_t type = 0;
    uint32_t family = 0;
    uint8_t first = 0;
    switch (dlt) {
        case DLT_EN10MB:  // destination, source, type; then any VLAN tags (TCI, type)
            if (!galois_rd_skip(r, 12) || !galois_rd_u16(r, &type)) {
                return -1;
            }
            for (int i = 0; i < MAX_VLAN_TAGS && is_vlan(type); i++) {
                if (!galois_rd_skip(r, 2) || !galois_rd_u16(r, &type)) {
                    return -1;
                }
            }
            return ethertype_network(type);
        case DLT_LINUX_SLL:  // type, ARPHRD, address length, address[8], protocol
            if (!galois_rd_skip(r, 14) || !galois_rd_u16(r, &type)) {
                return -1;
            }
            return ethertype_network(type);
        case DLT_LINUX_SLL2:  // protocol, reserved, ifindex, ARPHRD, type, length, address[8]
            if (!galois_rd_u16(r, &type) || !galois_rd_skip(r, 18)) {
                return -1;
            }
            return ethertype_network(type);
        case DLT_NULL:  // address family in the byte order of the host that captured
        case DLT_LOOP:  // address family in network byte order
            if (!galois_rd_u32(r, &family)) {
                return -1;
            }
            if (family > 0xffff) {
                family = (family >> 24) | ((family >> 8) & 0xff00) | ((family << 8) & 0xff0000) |
                         (family << 24);
            }
            if (family == 2) {
                return 4;
            }
            return is_af_inet6(family) ? 6 : 0;
        case DLT_RAW:
        case DLT_IPV4:
        case DLT_IPV6:
            if (!galois_rd_peek_u8(r, 0, &first)) {
                return -1;
            }
            if (first >> 4 == 4) {
                return 4;
            }
            return first >> 4 == 6 ? 6 : 0;
        default:
            return 0;
    }
}

bool galois_tool_link_supported(int dlt)
{
    switch (dlt) {
        case DLT_EN10MB:
        case DLT_LINUX_SLL:
        case DLT_LINUX_SLL2:
        case DLT_NULL:
        case DLT_LOOP:
        case DLT_RAW:
        case DLT_IPV4:
        case DLT_IPV6:
            return true;
        default:
            return false;
    }
}

// parse_udp reads the UDP header at the start of `r`, the rest of the IP payload.
static enum galois_tool_frame parse_udp(struct galois_tool_udp *out, const struct galois_rd *frame,
                                        struct galois_rd *r)
{
    uint16_t udp_len = 0;
    uint16_t checksum = 0;
    struct galois_rd payload;
    out->udp_off = galois_rd_offset(frame, r);
    if (!galois_rd_u16(r, &out->src_port) || !galois_rd_u16(r, &out->dst_port) ||
        !galois_rd_u16(r, &udp_len) || !galois_rd_u16(r, &checksum) || udp_len < UDP_HDR_LEN ||
        !galois_rd_take(r, &payload, (size_t)udp_len - UDP_HDR_LEN)) {
        return GALOIS_TOOL_FRAME_TRUNCATED;
    }
    out->payload_off = galois_rd_offset(frame, &payload);
    out->payload_len = payload.len;
    out->zero_checksum = out->ip_version == 4 && checksum == 0;
    return GALOIS_TOOL_FRAME_UDP;
}

static enum galois_tool_frame parse_ipv4(struct galois_tool_udp *out, const struct galois_rd *frame,
                                         struct galois_rd *r)
{
    struct galois_rd h = *r;
    struct galois_rd ip;
    uint8_t vihl = 0;
    uint8_t proto = 0;
    uint16_t total = 0;
    uint16_t frag = 0;
    out->ip_off = galois_rd_offset(frame, r);
    if (!galois_rd_u8(&h, &vihl) || !galois_rd_skip(&h, 1) || !galois_rd_u16(&h, &total) ||
        !galois_rd_skip(&h, 2) || !galois_rd_u16(&h, &frag) || !galois_rd_skip(&h, 1) ||
        !galois_rd_u8(&h, &proto)) {
        return GALOIS_TOOL_FRAME_TRUNCATED;
    }
    out->ip_hdr_len = 4u * (vihl & 0x0fu);
    if (vihl >> 4 != 4 || out->ip_hdr_len < IPV4_MIN_HDR_LEN || total < out->ip_hdr_len) {
        return GALOIS_TOOL_FRAME_TRUNCATED;
    }
    if ((frag & IPV4_FRAGMENT_MASK) != 0) {
        return GALOIS_TOOL_FRAME_FRAGMENT;
    }
    if (!galois_rd_take(r, &ip, total)) {
        return GALOIS_TOOL_FRAME_TRUNCATED;
    }
    out->ip_len = total;
    if (proto != PROTO_UDP) {
        return GALOIS_TOOL_FRAME_OTHER;
    }
    if (!galois_rd_skip(&ip, out->ip_hdr_len)) {
        return GALOIS_TOOL_FRAME_TRUNCATED;
    }
    return parse_udp(out, frame, &ip);
}

// ipv6_walk follows the extension headers (RFC 8200 §4) at the start of `pl` up to the UDP
// header.
static enum galois_tool_frame ipv6_walk(struct galois_tool_udp *out, const struct galois_rd *frame,
                                        struct galois_rd *pl, uint8_t next)
{
    for (int i = 0; i <= MAX_IPV6_EXT_HEADERS; i++) {
        struct galois_rd ext;
        uint8_t type = next;
        uint8_t ext_len = 0;
        uint8_t segments_left = 0;
        switch (next) {
            case PROTO_UDP:
                return parse_udp(out, frame, pl);
            case PROTO_FRAGMENT:
                return GALOIS_TOOL_FRAME_FRAGMENT;
            case PROTO_HOP_BY_HOP:
            case PROTO_ROUTING:
            case PROTO_DEST_OPTIONS:
                break;
            default:
                return GALOIS_TOOL_FRAME_OTHER;
        }
        if (!galois_rd_peek_u8(pl, 1, &ext_len) || !galois_rd_take(pl, &ext, 8u * (ext_len + 1u)) ||
            !galois_rd_u8(&ext, &next) || !galois_rd_skip(&ext, 2) ||
            !galois_rd_u8(&ext, &segments_left)) {
            return GALOIS_TOOL_FRAME_TRUNCATED;
        }
        // The UDP checksum covers the final destination, which a routing header with segments
        // left has not reached yet; such packets are left alone.
        if (type == PROTO_ROUTING && segments_left != 0) {
            return GALOIS_TOOL_FRAME_UNSUPPORTED;
        }
    }
    return GALOIS_TOOL_FRAME_UNSUPPORTED;
}

static enum galois_tool_frame parse_ipv6(struct galois_tool_udp *out, const struct galois_rd *frame,
                                         struct galois_rd *r)
{
    struct galois_rd pl;
    uint32_t vtcfl = 0;
    uint16_t payload_len = 0;
    uint8_t next = 0;
    out->ip_off = galois_rd_offset(frame, r);
    out->ip_hdr_len = IPV6_HDR_LEN;
    if (!galois_rd_u32(r, &vtcfl) || !galois_rd_u16(r, &payload_len) || !galois_rd_u8(r, &next) ||
        !galois_rd_skip(r, 33) || vtcfl >> 28 != 6) {
        return GALOIS_TOOL_FRAME_TRUNCATED;
    }
    if (payload_len == 0) {
        return GALOIS_TOOL_FRAME_UNSUPPORTED;  // a jumbogram (RFC 2675), or nothing at all
    }
    if (!galois_rd_take(r, &pl, payload_len)) {
        return GALOIS_TOOL_FRAME_TRUNCATED;
    }
    out->ip_len = IPV6_HDR_LEN + (size_t)payload_len;
    return ipv6_walk(out, frame, &pl, next);
}

enum galois_tool_frame galois_tool_frame_parse(struct galois_tool_udp *out, int dlt,
                                               const uint8_t *frame, size_t frame_len)
{
    struct galois_rd all;
    struct galois_rd r;
    int network = 0;
    memset(out, 0, sizeof(*out));
    galois_rd_init(&all, frame, frame_len);
    r = all;
    network = link_network(&r, dlt);
    if (network < 0) {
        return GALOIS_TOOL_FRAME_TRUNCATED;
    }
    out->ip_version = (unsigned)network;
    if (network == 4) {
        return parse_ipv4(out, &all, &r);
    }
    if (network == 6) {
        return parse_ipv6(out, &all, &r);
    }
    return GALOIS_TOOL_FRAME_OTHER;
}

static void put_u16(uint8_t *p, size_t value)
{
    p[0] = (uint8_t)(value >> 8);
    p[1] = (uint8_t)value;
}

// sum16 adds the `len` bytes at `p` to `sum` as big-endian 16-bit words (RFC 1071).
static uint64_t sum16(uint64_t sum, const uint8_t *p, size_t len)
{
    for (size_t i = 0; i + 1 < len; i += 2) {
        sum += (uint64_t)p[i] << 8 | p[i + 1];
    }
    if (len % 2 != 0) {
        sum += (uint64_t)p[len - 1] << 8;
    }
    return sum;
}

static uint16_t fold(uint64_t sum)
{
    while (sum >> 16 != 0) {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    return (uint16_t)sum;
}

// udp_checksum computes the checksum of the UDP datagram at `out + udp->udp_off` (`udp_len`
// bytes, its checksum field zero) with the IPv4 or IPv6 pseudo-header (RFC 768, RFC 8200 §8.1).
static uint16_t udp_checksum(const uint8_t *out, const struct galois_tool_udp *udp, size_t udp_len)
{
    uint64_t sum = 0;
    if (udp->ip_version == 4) {
        sum = sum16(sum, out + udp->ip_off + 12, 8);  // source and destination addresses
    } else {
        sum = sum16(sum, out + udp->ip_off + 8, 32);
    }
    sum += PROTO_UDP + (uint64_t)udp_len;
    sum = sum16(sum, out + udp->udp_off, udp_len);
    uint16_t checksum = (uint16_t)~fold(sum);
    return checksum == 0 ? 0xffff : checksum;  // 0 means "no checksum" (RFC 768)
}

bool galois_tool_frame_rebuild(uint8_t *out, size_t *out_len, size_t max_out_len,
                               const uint8_t *frame, size_t frame_len,
                               const struct galois_tool_udp *udp, const uint8_t *payload,
                               size_t payload_len)
{
    size_t tail_off = udp->payload_off + udp->payload_len;
    size_t ip_len = udp->ip_len - udp->payload_len + payload_len;
    size_t udp_len = UDP_HDR_LEN + payload_len;
    if (tail_off > frame_len || ip_len > MAX_IP_LEN + (udp->ip_version == 6 ? IPV6_HDR_LEN : 0)) {
        return false;
    }
    size_t tail_len = frame_len - tail_off;
    if (payload_len > max_out_len || udp->payload_off + tail_len > max_out_len - payload_len) {
        return false;
    }
    memcpy(out, frame, udp->payload_off);
    if (payload_len > 0) {
        memcpy(out + udp->payload_off, payload, payload_len);
    }
    if (tail_len > 0) {
        memcpy(out + udp->payload_off + payload_len, frame + tail_off, tail_len);
    }
    *out_len = udp->payload_off + payload_len + tail_len;

    uint8_t *ip = out + udp->ip_off;
    if (udp->ip_version == 4) {
        put_u16(ip + 2, ip_len);
        put_u16(ip + 10, 0);
        put_u16(ip + 10, (uint16_t)~fold(sum16(0, ip, udp->ip_hdr_len)));
    } else {
        put_u16(ip + 4, ip_len - IPV6_HDR_LEN);
    }
    uint8_t *h = out + udp->udp_off;
    put_u16(h + 4, udp_len);
    if (!udp->zero_checksum) {
        put_u16(h + 6, 0);
        put_u16(h + 6, udp_checksum(out, udp, udp_len));
    }
    return true;
}
