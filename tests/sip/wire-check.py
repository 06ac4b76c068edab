#!/usr/bin/python3
"""Wire checker for the SIP interop harness: reads a tshark capture (pcap or pcapng).

usage: wire-check.py CAPTURE [--min-packets 20] [--expect-srtp-flows N] [--expect-tag BYTES]
                     [--expect-no-media] [--tls-version 1.2|1.3] [--tls-cipher 0xNNNN]

Media: every UDP datagram that parses as RTP (version 2, not an RTCP packet type) is grouped
into a flow by (source, destination, SSRC, payload type); flows with fewer than --min-packets
packets are ignored (STUN, RTCP "PINGPONG" probes, stray packets). For each flow it prints the
usual UDP payload length, the frame size from the RTP timestamp step (G.711: one byte per
sample), the trailer (payload length - header - frame: 10 = HMAC-SHA1-80 tag, 4 = HMAC-SHA1-32,
16 = AES-GCM tag, 0 = none) and the mean Shannon entropy per frame of the payload bytes
(ciphertext ~6.7-6.8 bits/byte for 160 bytes, a G.711 sine tone 5-5.6). A flow is SRTP when it
has a non-empty trailer AND high entropy; otherwise it is PLAIN.

Exit 1 when any flow looks PLAIN, when fewer than --expect-srtp-flows SRTP flows are seen, when
a flow's trailer differs from --expect-tag, when --expect-no-media is given and any media flow
exists, or when a TLS ServerHello does not match --tls-version / --tls-cipher (every TLS
connection in the capture is checked: UA->proxy and proxy->UA legs). Exit 2 when tshark fails.
"""
import argparse
import collections
import math
import subprocess
import sys

ENTROPY_MIN = 6.3


def tshark(cap, display_filter, fields):
    args = ["tshark", "-r", cap, "-n", "-Y", display_filter, "-T", "fields", "-E", "separator=|"]
    for f in fields:
        args += ["-e", f]
    r = subprocess.run(args, capture_output=True, text=True)
    if r.returncode != 0:
        print(f"wire-check: tshark failed ({r.returncode}): {r.stderr.strip()}")
        sys.exit(2)
    return [line.split("|") for line in r.stdout.splitlines() if line]


def entropy(b):
    if not b:
        return 0.0
    c = collections.Counter(b)
    n = len(b)
    return -sum(v / n * math.log2(v / n) for v in c.values())


def rtp_header_len(b):
    hl = 12 + 4 * (b[0] & 0x0F)
    if b[0] & 0x10:
        if len(b) < hl + 4:
            return None
        hl += 4 + 4 * int.from_bytes(b[hl + 2:hl + 4], "big")
    return hl if hl <= len(b) else None


def media_flows(cap, min_packets):
    rows = tshark(cap, "udp", ["ip.src", "ipv6.src", "udp.srcport", "ip.dst", "ipv6.dst",
                               "udp.dstport", "udp.payload"])
    flows = collections.OrderedDict()
    for src4, src6, sp, dst4, dst6, dp, hexpl in rows:
        b = bytes.fromhex(hexpl.replace(":", ""))
        if len(b) < 12 or b[0] >> 6 != 2:
            continue
        pt = b[1] & 0x7F
        if 72 <= pt <= 76:  # RTCP SR/RR/SDES/BYE/APP
            continue
        hl = rtp_header_len(b)
        if hl is None:
            continue
        ssrc = int.from_bytes(b[8:12], "big")
        ts = int.from_bytes(b[4:8], "big")
        key = (f"{src4 or src6}:{sp}", f"{dst4 or dst6}:{dp}", f"{ssrc:08x}", pt)
        f = flows.setdefault(key, {"n": 0, "lens": collections.Counter(), "steps": collections.Counter(),
                                   "last_ts": None, "pkts": []})
        f["n"] += 1
        f["lens"][len(b) - hl] += 1
        if f["last_ts"] is not None and ts != f["last_ts"]:
            f["steps"][(ts - f["last_ts"]) & 0xFFFFFFFF] += 1
        f["last_ts"] = ts
        f["pkts"].append(b[hl:])
    return {k: v for k, v in flows.items() if v["n"] >= min_packets}


def check_media(args, fails):
    flows = media_flows(args.capture, args.min_packets)
    nsrtp = 0
    for (src, dst, ssrc, pt), f in flows.items():
        body = f["lens"].most_common(1)[0][0]
        step = f["steps"].most_common(1)[0][0] if f["steps"] else None
        # G.711 (PT 0/8): one byte per sample, so the frame is the timestamp step
        frame = step if pt in (0, 8) and step and step < body + 1 else None
        trailer = body - frame if frame is not None else None
        if frame is None:
            # unknown codec: judge the whole payload but the largest tag
            frame = max(1, body - 16)
        ents = [entropy(p[:frame]) for p in f["pkts"] if len(p) >= frame]
        ent = sum(ents) / len(ents) if ents else 0.0
        is_srtp = ent >= ENTROPY_MIN and (trailer is None or trailer > 0)
        kind = {None: "?", 0: "none", 4: "HMAC-SHA1-32", 10: "HMAC-SHA1-80", 16: "AES-GCM"}.get(
            trailer, f"?{trailer}")
        verdict = "SRTP" if is_srtp else "PLAIN"
        print(f"media {src} -> {dst} ssrc={ssrc} pt={pt} packets={f['n']} payload={body} "
              f"frame={frame} trailer={trailer} ({kind}) entropy/frame={ent:.2f} -> {verdict}")
        if not is_srtp:
            fails.append(f"flow {src} -> {dst} ssrc={ssrc} looks like plain RTP "
                         f"(trailer {trailer}, entropy {ent:.2f} < {ENTROPY_MIN} or no tag)")
        else:
            nsrtp += 1
        if args.expect_tag is not None and trailer != args.expect_tag:
            fails.append(f"flow {src} -> {dst} ssrc={ssrc}: trailer {trailer} bytes, "
                         f"want {args.expect_tag}")
    if not flows:
        print("media: no RTP/SRTP flow with >= %d packets" % args.min_packets)
    if args.expect_no_media and flows:
        fails.append(f"{len(flows)} media flow(s) on the wire, want none")
    if nsrtp < args.expect_srtp_flows:
        fails.append(f"{nsrtp} SRTP flow(s) on the wire, want >= {args.expect_srtp_flows}")


def plain_rtcp(cap, lo, hi):
    """RTCP compounds sent in plaintext from a UDP port in lo..hi: version 2, packet types
    192..223, lengths that add up exactly to the datagram (an SRTCP packet has its index and tag
    after the last packet, so its lengths never do). Returns (length, [types]) per packet."""
    out = []
    for sp, hexpl in tshark(cap, "udp", ["udp.srcport", "udp.payload"]):
        if not lo <= int(sp) <= hi:
            continue
        b = bytes.fromhex(hexpl.replace(":", ""))
        off, types = 0, []
        while off + 4 <= len(b) and b[off] >> 6 == 2 and 192 <= b[off + 1] <= 223:
            types.append(b[off + 1])
            off += 4 + 4 * int.from_bytes(b[off + 2:off + 4], "big")
        if types and off == len(b):
            out.append((len(b), types))
    return out


TLS_NAMES = {"0x0301": "1.0", "0x0302": "1.1", "0x0303": "1.2", "0x0304": "1.3"}


def check_tls(args, fails):
    rows = tshark(args.capture, "tls.handshake.type == 2",
                  ["tcp.srcport", "tcp.dstport", "tls.handshake.version",
                   "tls.handshake.extensions.supported_version", "tls.handshake.ciphersuite"])
    if not rows:
        print("tls: no ServerHello in the capture")
        if args.tls_version or args.tls_cipher:
            fails.append("no TLS ServerHello on the wire")
        return
    for sp, dp, ver, sver, cipher in rows:
        v = TLS_NAMES.get((sver or ver).split(",")[0], sver or ver)
        print(f"tls server :{sp} -> client :{dp} version TLS {v} cipher {cipher}")
        if args.tls_version and v != args.tls_version:
            fails.append(f"TLS connection :{sp}->:{dp} negotiated TLS {v}, want {args.tls_version}")
        if args.tls_cipher and cipher.lower() != args.tls_cipher.lower():
            fails.append(f"TLS connection :{sp}->:{dp} cipher {cipher}, want {args.tls_cipher}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("capture")
    ap.add_argument("--min-packets", type=int, default=20)
    ap.add_argument("--expect-srtp-flows", type=int, default=0)
    ap.add_argument("--expect-tag", type=int)
    ap.add_argument("--expect-no-media", action="store_true")
    ap.add_argument("--tls-version", choices=["1.0", "1.1", "1.2", "1.3"])
    ap.add_argument("--tls-cipher")
    ap.add_argument("--count-plain-rtcp-from", metavar="LO-HI",
                    help="only print how many plaintext RTCP compounds were sent from a UDP "
                         "port in LO..HI, at least --plain-rtcp-min bytes long")
    ap.add_argument("--plain-rtcp-min", type=int, default=0)
    args = ap.parse_args()
    if args.count_plain_rtcp_from is not None:
        lo, hi = (int(x) for x in args.count_plain_rtcp_from.split("-"))
        pkts = [p for p in plain_rtcp(args.capture, lo, hi) if p[0] >= args.plain_rtcp_min]
        print(len(pkts))
        return 0
    fails = []
    check_media(args, fails)
    check_tls(args, fails)
    for f in fails:
        print("wire-check: FAIL " + f)
    if not fails:
        print("wire-check: ok")
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
