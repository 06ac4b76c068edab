"""Small, independent pcap/pcapng writer and reader for the galois tool tests.

It builds frames (Ethernet with optional VLAN tag, Linux SLL and SLL2, raw IP, BSD null)
around IPv4/IPv6 UDP or TCP, with correct lengths and checksums, and parses them back,
checking every IP header checksum and UDP checksum on the way. Only the standard library.
"""
import ipaddress
import struct

# libpcap LINKTYPE_* values as written in files
LINKTYPE_NULL = 0
LINKTYPE_ETHERNET = 1
LINKTYPE_RAW = 101
LINKTYPE_LINUX_SLL = 113
LINKTYPE_LINUX_SLL2 = 276

PROTO_TCP = 6
PROTO_UDP = 17


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def _addr(a):
    return ipaddress.ip_address(a).packed


def l4(proto, src, dst, sport, dport, payload, zero_udp_checksum=False):
    """A UDP datagram or a minimal TCP segment, checksummed over the pseudo-header."""
    s, d = _addr(src), _addr(dst)
    if proto == PROTO_UDP:
        hdr = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0)
    else:
        hdr = struct.pack("!HHIIBBHHH", sport, dport, 1, 0, 5 << 4, 0x18, 65535, 0, 0)
    seg = hdr + payload
    if len(s) == 4:
        pseudo = s + d + struct.pack("!BBH", 0, proto, len(seg))
    else:
        pseudo = s + d + struct.pack("!IxxxB", len(seg), proto)
    if proto == PROTO_UDP and zero_udp_checksum:
        return seg
    c = csum(pseudo + seg)
    if proto == PROTO_UDP and c == 0:
        c = 0xFFFF
    off = 6 if proto == PROTO_UDP else 16
    return seg[:off] + struct.pack("!H", c) + seg[off + 2:]


def ip(src, dst, proto, l4bytes, ident=1, frag=0):
    s, d = _addr(src), _addr(dst)
    if len(s) == 4:
        h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(l4bytes), ident, frag, 64, proto, 0, s, d)
        return h[:10] + struct.pack("!H", csum(h)) + h[12:] + l4bytes
    return struct.pack("!IHBB16s16s", 6 << 28, len(l4bytes), proto, 64, s, d) + l4bytes


def udp_packet(src, dst, sport, dport, payload, zero_udp_checksum=False):
    return ip(src, dst, PROTO_UDP, l4(PROTO_UDP, src, dst, sport, dport, payload, zero_udp_checksum))


def tcp_packet(src, dst, sport, dport, payload):
    return ip(src, dst, PROTO_TCP, l4(PROTO_TCP, src, dst, sport, dport, payload))


def link(linktype, ippkt, vlan=None):
    """Wrap an IP packet for `linktype`; Ethernet frames are padded to 60 bytes."""
    v6 = ippkt[0] >> 4 == 6
    etype = 0x86DD if v6 else 0x0800
    if linktype == LINKTYPE_ETHERNET:
        tag = struct.pack("!HH", 0x8100, vlan) if vlan is not None else b""
        f = b"\x02\0\0\0\0\x01" + b"\x02\0\0\0\0\x02" + tag + struct.pack("!H", etype) + ippkt
        return f + b"\0" * max(0, 60 - len(f))
    if linktype == LINKTYPE_LINUX_SLL:
        return struct.pack("!HHH8sH", 0, 1, 6, b"\x02\0\0\0\0\x01\0\0", etype) + ippkt
    if linktype == LINKTYPE_LINUX_SLL2:
        return struct.pack("!HHIHBB8s", etype, 0, 2, 1, 0, 6, b"\x02\0\0\0\0\x01\0\0") + ippkt
    if linktype == LINKTYPE_NULL:
        return struct.pack("<I", 30 if v6 else 2) + ippkt  # little-endian host, macOS AF_INET6
    if linktype == LINKTYPE_RAW:
        return ippkt
    raise ValueError(linktype)


def write_pcap(path, linktype, frames, nano=False, snaplen=262144):
    """frames: list of (ts_seconds, ts_fraction, bytes[, orig_len])."""
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B23C4D if nano else 0xA1B2C3D4, 2, 4, 0, 0, snaplen,
                            linktype))
        for fr in frames:
            sec, frac, data = fr[0], fr[1], fr[2]
            orig = fr[3] if len(fr) > 3 else len(data)
            f.write(struct.pack("<IIII", sec, frac, len(data), orig) + data)


def write_pcapng(path, linktype, frames):
    """One section, one interface with nanosecond resolution (if_tsresol = 9).
    frames: list of (ts_seconds, ts_nanoseconds, bytes[, orig_len])."""
    def block(btype, body):
        body += b"\0" * (-len(body) % 4)
        n = 12 + len(body)
        return struct.pack("<II", btype, n) + body + struct.pack("<I", n)

    with open(path, "wb") as f:
        f.write(block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1)))
        opts = struct.pack("<HHB3x", 9, 1, 9) + struct.pack("<HH", 0, 0)
        f.write(block(1, struct.pack("<HHI", linktype, 0, 262144) + opts))
        for fr in frames:
            sec, nsec, data = fr[0], fr[1], fr[2]
            orig = fr[3] if len(fr) > 3 else len(data)
            t = sec * 1000000000 + nsec
            f.write(block(6, struct.pack("<IIIII", 0, t >> 32, t & 0xFFFFFFFF, len(data), orig)
                          + data))


def read_pcap(path):
    """Returns (linktype, nano, [(sec, frac, caplen, origlen, bytes)])."""
    with open(path, "rb") as f:
        data = f.read()
    magic = struct.unpack_from("<I", data, 0)[0]
    if magic in (0xA1B2C3D4, 0xA1B23C4D):
        e = "<"
    elif magic in (0xD4C3B2A1, 0x4D3CB2A1):
        e = ">"
    else:
        raise ValueError("%s: not a pcap file (magic %08x)" % (path, magic))
    nano = magic in (0xA1B23C4D, 0x4D3CB2A1)
    linktype = struct.unpack_from(e + "I", data, 20)[0] & 0x0FFFFFFF
    off, frames = 24, []
    while off < len(data):
        sec, frac, cap, orig = struct.unpack_from(e + "IIII", data, off)
        off += 16
        frames.append((sec, frac, cap, orig, data[off:off + cap]))
        off += cap
    return linktype, nano, frames


class Parsed:
    """What parse_frame found: kind is 'udp', 'tcp', 'frag' or 'other'."""

    def __init__(self, kind, **kw):
        self.kind = kind
        self.__dict__.update(kw)


def _strip_link(linktype, f):
    if linktype == LINKTYPE_ETHERNET:
        off, etype = 14, struct.unpack_from("!H", f, 12)[0]
        while etype in (0x8100, 0x88A8):
            etype = struct.unpack_from("!H", f, off + 2)[0]
            off += 4
        return (f[off:] if etype in (0x0800, 0x86DD) else None), off
    if linktype == LINKTYPE_LINUX_SLL:
        return (f[16:] if struct.unpack_from("!H", f, 14)[0] in (0x0800, 0x86DD) else None), 16
    if linktype == LINKTYPE_LINUX_SLL2:
        return (f[20:] if struct.unpack_from("!H", f, 0)[0] in (0x0800, 0x86DD) else None), 20
    if linktype == LINKTYPE_NULL:
        return f[4:], 4
    return f, 0


def parse_frame(linktype, f):
    """Parse and check a frame: IPv4 header checksum, lengths, UDP checksum (asserted)."""
    p, link_len = _strip_link(linktype, f)
    if p is None:
        return Parsed("other")
    if p[0] >> 4 == 4:
        ihl = (p[0] & 15) * 4
        total, fragword, proto = struct.unpack_from("!H", p, 2)[0], struct.unpack_from("!H", p, 6)[0], p[9]
        assert csum(p[:ihl]) == 0, "bad IPv4 header checksum"
        assert total <= len(p), "IPv4 total length beyond the frame"
        if fragword & 0x3FFF:
            return Parsed("frag")
        src, dst, seg = p[12:16], p[16:20], p[ihl:total]
        pseudo_len = lambda n: src + dst + struct.pack("!BBH", 0, proto, n)
    else:
        plen, proto = struct.unpack_from("!HB", p, 4)
        assert 40 + plen <= len(p), "IPv6 payload length beyond the frame"
        src, dst, seg = p[8:24], p[24:40], p[40:40 + plen]
        pseudo_len = lambda n: src + dst + struct.pack("!IxxxB", n, proto)
    if proto != PROTO_UDP:
        return Parsed("tcp" if proto == PROTO_TCP else "other")
    sport, dport, ulen, ucs = struct.unpack_from("!HHHH", seg, 0)
    assert ulen == len(seg), "UDP length %d, IP says %d" % (ulen, len(seg))
    if not (ucs == 0 and len(src) == 4):
        assert csum(pseudo_len(ulen) + seg) == 0, "bad UDP checksum"
    return Parsed("udp", sport=sport, dport=dport, payload=seg[8:], src=src, dst=dst,
                  zero_checksum=ucs == 0, link_len=link_len)


def rtp(seq, ts, ssrc, payload, pt=0, marker=False):
    return struct.pack("!BBHII", 0x80, (0x80 if marker else 0) | pt, seq & 0xFFFF,
                       ts & 0xFFFFFFFF, ssrc) + payload


def rtcp_sr(ssrc, ntp=0x0123456789ABCDEF, ts=0, packets=0, octets=0):
    """An RTCP sender report (no report blocks) followed by an SDES CNAME: a compound packet."""
    sr = struct.pack("!BBHIQIII", 0x80, 200, 6, ssrc, ntp, ts, packets, octets)
    cname = b"galois@test"
    item = struct.pack("!BB", 1, len(cname)) + cname + b"\0"
    item += b"\0" * (-len(item) % 4)
    sdes = struct.pack("!BBHI", 0x81, 202, (4 + len(item)) // 4, ssrc) + item
    return sr + sdes


def rtcp_rr(ssrc):
    return struct.pack("!BBHI", 0x80, 201, 1, ssrc)


def rtp_ssrc(payload):
    """SSRC of an RTP or RTCP packet, told apart as RFC 5761 §4 says."""
    if 192 <= payload[1] <= 223:
        return struct.unpack_from("!I", payload, 4)[0], True
    return struct.unpack_from("!I", payload, 8)[0], False
