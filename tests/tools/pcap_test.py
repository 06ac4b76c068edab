#!/usr/bin/python3
"""Tests of `galois pcap`, `galois keygen` (run by ctest as tools.*).

    pcap_test.py --galois PATH --work DIR SCENARIO

Every capture is built here (pcaplib.py), every output parsed back here: lengths and IPv4
header and UDP checksums are verified on every frame, payloads compared with the original.
Exit 0 pass, 1 fail, 77 skip (a scenario whose peer is not installed).
"""
import argparse
import base64
import ipaddress
import os
import re
import shutil
import struct
import subprocess
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pcaplib as P  # noqa: E402

SKIP = 77

# suite -> (rtp tag, rtcp tag) in bytes
TAGS = {
    "AES_CM_128_HMAC_SHA1_80": (10, 10), "AES_CM_128_HMAC_SHA1_32": (4, 10),
    "AES_192_CM_HMAC_SHA1_80": (10, 10), "AES_192_CM_HMAC_SHA1_32": (4, 10),
    "AES_256_CM_HMAC_SHA1_80": (10, 10), "AES_256_CM_HMAC_SHA1_32": (4, 10),
    "AEAD_AES_128_GCM": (16, 16), "AEAD_AES_256_GCM": (16, 16),
    "AEAD_AES_128_GCM_8": (8, 8), "AEAD_AES_256_GCM_8": (8, 8),
}

SSRC_A, SSRC_B, SSRC_C = 0x11111111, 0x22222222, 0x33333333


class Fail(Exception):
    pass


def check(cond, msg):
    if not cond:
        raise Fail(msg)


class Ctx:
    def __init__(self, galois, work):
        self.galois = galois
        self.work = work

    def path(self, name):
        return os.path.join(self.work, name)

    def run(self, *args, expect=None):
        r = subprocess.run([self.galois] + list(args), capture_output=True, text=True, timeout=120)
        shown = " ".join(a if "inline:" not in a else a.split("inline:")[0] + "inline:<key>"
                         for a in args)
        print("$ galois %s  -> exit %d" % (shown, r.returncode))
        for line in r.stderr.splitlines():
            print("  | " + line)
        if expect is not None and r.returncode != expect:
            raise Fail("galois %s: exit %d, expected %d" % (args[0], r.returncode, expect))
        return r

    def keygen(self, suite):
        out = self.run("keygen", suite, expect=0).stdout.strip()
        m = re.fullmatch(r"(\S+) inline:([A-Za-z0-9+/=]+)", out)
        check(m is not None and m.group(1) == suite, "keygen output %r" % out)
        return "%s:inline:%s" % (suite, m.group(2))


def summary(stderr):
    """The per-SSRC lines of the summary, as {ssrc: {field: value}}."""
    res = {}
    for line in stderr.splitlines():
        if line.startswith("ssrc="):
            f = dict(kv.split("=", 1) for kv in line.split())
            res[int(f["ssrc"], 16)] = f
    return res


def capture(linktype, n=20, vlan=None, seq_a=65530, extras=True, transform=None):
    """A call: flow A (IPv4, crosses a sequence-number wrap), flow B (IPv6), flow C (IPv4 with
    zero UDP checksums), RTCP compounds, and non-RTP traffic mixed in. Returns (frames, kinds)
    with kinds[i] in rtp, rtcp, other, skip. `transform(kind, payload)` may replace each
    RTP/RTCP payload (an independent SRTP implementation, for instance)."""
    frames, kinds = [], []
    t = [1700000000, 0]

    def add(kind, pkt, orig=None):
        t[1] += 20000
        data = P.link(linktype, pkt, vlan)
        frames.append((t[0] + t[1] // 1000000, t[1] % 1000000 + 7, data) +
                      ((orig,) if orig else ()))
        kinds.append(kind)

    def media(kind, src, dst, sp, dp, payload, zero=False):
        if transform is not None:
            payload = transform(kind, payload)
        add(kind, P.udp_packet(src, dst, sp, dp, payload, zero))

    for i in range(n):
        pcmu = bytes((i * 7 + k) & 0xFF for k in range(160))
        media("rtp", "10.0.0.1", "10.0.0.2", 40000, 40002,
              P.rtp(seq_a + i, 160 * i, SSRC_A, pcmu, marker=i == 0))
        media("rtp", "2001:db8::2", "2001:db8::1", 50002, 50000,
              P.rtp(1000 + i, 3000 * i, SSRC_B, pcmu[:80], pt=111))
        if i % 5 == 4:
            media("rtcp", "10.0.0.1", "10.0.0.2", 40000, 40002, P.rtcp_sr(SSRC_A, ts=160 * i))
            media("rtcp", "2001:db8::2", "2001:db8::1", 50002, 50000, P.rtcp_rr(SSRC_B))
        if i % 4 == 0:
            media("rtp", "10.0.0.3", "10.0.0.2", 42000, 42002,
                  P.rtp(7 + i, 160 * i, SSRC_C, pcmu[:20]), zero=True)
        if extras and i == 3:
            sip = b"OPTIONS sip:bob@example.com SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.1\r\n\r\n"
            add("other", P.udp_packet("10.0.0.1", "10.0.0.2", 5060, 5060, sip))
            stun = struct.pack("!HHI12s", 1, 0, 0x2112A442, b"galois-txid!")
            add("other", P.udp_packet("10.0.0.1", "10.0.0.2", 40000, 40002, stun))
            dtls = bytes([22, 0xFE, 0xFD]) + bytes(10)
            add("other", P.udp_packet("2001:db8::2", "2001:db8::1", 50002, 50000, dtls))
            # A DNS query whose ID makes it look like RTP version 2: port 53 keeps it out.
            dns = struct.pack("!HHHHHH", 0x8ABC, 0x0100, 1, 0, 0, 0) + b"\x01a\x00\x00\x01\x00\x01"
            add("other", P.udp_packet("10.0.0.1", "10.0.0.53", 40053, 53, dns))
            add("other", P.tcp_packet("10.0.0.1", "10.0.0.2", 40010, 5061,
                                      P.rtp(1, 1, SSRC_A, b"over tcp")))
            # The first fragment of a fragmented RTP datagram: passed through unchanged.
            frag = P.ip("10.0.0.1", "10.0.0.2", P.PROTO_UDP,
                        P.l4(P.PROTO_UDP, "10.0.0.1", "10.0.0.2", 40000, 40002,
                             P.rtp(9999, 0, SSRC_A, b"x" * 40)), frag=0x2000)
            add("skip", frag)
            # An RTP packet cut short by the snap length.
            whole = P.link(linktype, P.udp_packet("10.0.0.1", "10.0.0.2", 40000, 40002,
                                                  P.rtp(9998, 0, SSRC_A, b"y" * 100)), vlan)
            add("skip", P.udp_packet("10.0.0.1", "10.0.0.2", 40000, 40002,
                                     P.rtp(9998, 0, SSRC_A, b"y" * 100)), orig=len(whole))
            last = frames[-1]
            frames[-1] = (last[0], last[1], last[2][:60], len(whole))
    return frames, kinds


def frames_payloads(linktype, frames):
    return [P.parse_frame(linktype, f[4]) for f in frames]


def compare_protected(linktype, orig, prot, kinds, suite, mki_len=0):
    """Checks `prot` (read_pcap) against `orig` (what was written): same count, link type,
    timestamps; non-RTP frames byte-identical; RTP/RTCP frames with valid checksums, the
    header kept and the payload grown by the tag (and SRTCP index, MKI)."""
    lt, _, pf = prot
    check(lt == linktype, "link type %d, expected %d" % (lt, linktype))
    check(len(pf) == len(orig), "%d frames, expected %d" % (len(pf), len(orig)))
    rtp_tag, rtcp_tag = TAGS[suite]
    for i, (o, p, kind) in enumerate(zip(orig, pf, kinds)):
        check((p[0], p[1]) == (o[0], o[1]), "frame %d: timestamp changed" % i)
        if kind in ("other", "skip"):
            check(p[4] == o[2], "frame %d (%s) changed" % (i, kind))
            continue
        a, b = P.parse_frame(linktype, o[2]), P.parse_frame(linktype, p[4])
        grow = (rtp_tag if kind == "rtp" else 4 + rtcp_tag) + mki_len
        check(len(b.payload) == len(a.payload) + grow,
              "frame %d: %d -> %d bytes, expected +%d" % (i, len(a.payload), len(b.payload), grow))
        hdr = 12 if kind == "rtp" else 8
        check(b.payload[:hdr] == a.payload[:hdr], "frame %d: header changed" % i)
        check(b.payload[hdr:hdr + 16] != a.payload[hdr:hdr + 16], "frame %d: not encrypted" % i)
        check((b.sport, b.dport, b.src, b.dst) == (a.sport, a.dport, a.src, a.dst),
              "frame %d: addresses changed" % i)
        check(b.zero_checksum == a.zero_checksum, "frame %d: zero UDP checksum changed" % i)
        check(p[3] == len(p[4]), "frame %d: original length not updated" % i)


def compare_identical(orig, out, what):
    _, _, of = out
    check(len(of) == len(orig), "%s: %d frames, expected %d" % (what, len(of), len(orig)))
    for i, (o, f) in enumerate(zip(orig, of)):
        check((f[0], f[1]) == (o[0], o[1]), "%s: frame %d timestamp changed" % (what, i))
        check(f[4] == o[2], "%s: frame %d differs from the original" % (what, i))
        check(f[3] == (o[3] if len(o) > 3 else len(o[2])), "%s: frame %d length" % (what, i))


def roundtrip_one(ctx, name, linktype, suite, fmt="pcap", vlan=None, params=""):
    frames, kinds = capture(linktype, vlan=vlan)
    src = ctx.path(name + ".in." + fmt)
    if fmt == "pcapng":
        frames = [(f[0], f[1] * 1000 + 1) + tuple(f[2:]) for f in frames]  # in nanoseconds
        P.write_pcapng(src, linktype, frames)
    else:
        P.write_pcap(src, linktype, frames, nano=fmt == "nano")
    key = ctx.keygen(suite) + params
    mki_len = int(params.rsplit(":", 1)[1]) if ":" in params else 0
    enc, dec = ctx.path(name + ".srtp.pcap"), ctx.path(name + ".rtp.pcap")
    r = ctx.run("pcap", "encrypt", "--key", key, src, enc, expect=0)
    s = summary(r.stderr)
    check(sorted(s) == [SSRC_A, SSRC_B, SSRC_C], "encrypt summary SSRCs %s" % sorted(s))
    check(s[SSRC_A]["suite"] == suite and s[SSRC_A]["ok"] == s[SSRC_A]["packets"] == "24",
          "encrypt summary for A: %s" % s[SSRC_A])
    check("fragments=1" in r.stderr and "truncated=1" in r.stderr, "skipped frames not counted")
    out = P.read_pcap(enc)
    check(out[1] == (fmt != "pcap"), "timestamp precision not kept")
    compare_protected(linktype, frames, out, kinds, suite, mki_len)
    r = ctx.run("pcap", "decrypt", "--key", key, enc, dec, expect=0)
    s = summary(r.stderr)
    check(all(v["auth_fail"] == "0" and v["replay"] == "0" for v in s.values()),
          "decrypt summary %s" % s)
    check(s[SSRC_B]["packets"] == "24" and s[SSRC_C]["packets"] == "5", "decrypt counts %s" % s)
    compare_identical(frames, P.read_pcap(dec), name + " decrypt(encrypt(x))")
    if fmt == "pcap":  # same format in and out: the whole file comes back
        with open(src, "rb") as a, open(dec, "rb") as b:
            check(a.read() == b.read(), "decrypt(encrypt(x)) is not the same file")
    print("ok: %s %s %s: encrypt then decrypt gives the capture back byte for byte" %
          (name, fmt, suite))


def t_roundtrip(ctx):
    roundtrip_one(ctx, "eth-vlan", P.LINKTYPE_ETHERNET, "AEAD_AES_256_GCM", vlan=42)
    roundtrip_one(ctx, "eth", P.LINKTYPE_ETHERNET, "AES_CM_128_HMAC_SHA1_32", fmt="pcapng")
    roundtrip_one(ctx, "sll", P.LINKTYPE_LINUX_SLL, "AES_CM_128_HMAC_SHA1_80")
    roundtrip_one(ctx, "sll2", P.LINKTYPE_LINUX_SLL2, "AES_256_CM_HMAC_SHA1_32", fmt="nano")
    roundtrip_one(ctx, "raw", P.LINKTYPE_RAW, "AEAD_AES_128_GCM_8")
    roundtrip_one(ctx, "null", P.LINKTYPE_NULL, "AES_192_CM_HMAC_SHA1_80")
    roundtrip_one(ctx, "mki", P.LINKTYPE_ETHERNET, "AEAD_AES_128_GCM", params="|2^31|5:4")


def t_two_keys(ctx):
    """Flows A and C under one key, flow B under another (with an MKI): one decrypt call with
    both keys recovers all of it; with one key only, B fails and is written unchanged."""
    frames, kinds = capture(P.LINKTYPE_ETHERNET)
    src, mid, enc = ctx.path("two.in.pcap"), ctx.path("two.mid.pcap"), ctx.path("two.srtp.pcap")
    P.write_pcap(src, P.LINKTYPE_ETHERNET, frames)
    k1 = ctx.keygen("AES_CM_128_HMAC_SHA1_80")
    k2 = ctx.keygen("AEAD_AES_256_GCM") + "|7:2"
    ctx.run("pcap", "encrypt", "--key", k1, "--port", "40000", "--port", "42000", src, mid,
            expect=0)
    ctx.run("pcap", "encrypt", "--key", k2, "--port=50000", mid, enc, expect=0)
    out = ctx.path("two.rtp.pcap")
    r = ctx.run("pcap", "decrypt", "--key", k2, "--key", k1, enc, out, expect=0)
    s = summary(r.stderr)
    check(s[SSRC_A]["suite"] == "AES_CM_128_HMAC_SHA1_80" and s[SSRC_A]["ok"] == "24",
          "A: %s" % s[SSRC_A])
    check(s[SSRC_B]["suite"] == "AEAD_AES_256_GCM" and s[SSRC_B]["ok"] == "24",
          "B: %s" % s[SSRC_B])
    check(s[SSRC_C]["suite"] == "AES_CM_128_HMAC_SHA1_80", "C: %s" % s[SSRC_C])
    compare_identical(frames, P.read_pcap(out), "two keys")
    # Only the first key: B's packets fail and are written as they were.
    one = ctx.path("two.one-key.pcap")
    r = ctx.run("pcap", "decrypt", "--key", k1, enc, one, expect=1)
    s = summary(r.stderr)
    # RTP under the wrong key fails its tag; SRTCP may be refused earlier, on a trailer that
    # reads as E=0 (unencrypted, not allowed) or as a replayed index: other_fail.
    b = {k: int(v, 0) for k, v in s[SSRC_B].items() if k != "suite"}
    check(b["ok"] == 0 and b["auth_fail"] >= 20 and b["auth_fail"] + b["other_fail"] +
          b["replay"] == 24, "B: %s" % s[SSRC_B])
    check(s[SSRC_A]["ok"] == "24", "A: %s" % s[SSRC_A])
    enc_frames = P.read_pcap(enc)[2]
    got = P.read_pcap(one)[2]
    for i, kind in enumerate(kinds):
        flow_b = kind in ("rtp", "rtcp") and P.parse_frame(1, frames[i][2]).sport == 50002
        want = enc_frames[i][4] if flow_b else frames[i][2]
        check(got[i][4] == want, "one key: frame %d" % i)
    print("ok: two keys, each SSRC bound to its own; with one key the other SSRC fails")
    mki_rekey(ctx)


def mki_rekey(ctx):
    """A sender changes master key half-way (same SSRCs, a new MKI): two keys of one suite and
    MKI length are one session, and the MKI of each packet picks the key."""
    lt = P.LINKTYPE_LINUX_SLL
    frames, kinds = capture(lt, seq_a=100)
    # Without RTCP: a second `galois pcap encrypt` run restarts the SRTCP index, which a real
    # sender changing keys would not do.
    frames = [f for f, k in zip(frames, kinds) if k != "rtcp"]
    half = len(frames) // 2
    k1 = ctx.keygen("AES_256_CM_HMAC_SHA1_80") + "|1:4"
    k2 = ctx.keygen("AES_256_CM_HMAC_SHA1_80") + "|2^20|2:4"
    parts = []
    for n, (key, part) in enumerate([(k1, frames[:half]), (k2, frames[half:])]):
        src, enc = ctx.path("rekey.%d.pcap" % n), ctx.path("rekey.%d.srtp.pcap" % n)
        P.write_pcap(src, lt, part)
        ctx.run("pcap", "encrypt", "--key", key, src, enc, expect=0)
        parts += [(f[0], f[1], f[4], f[3]) for f in P.read_pcap(enc)[2]]
    enc, out = ctx.path("rekey.srtp.pcap"), ctx.path("rekey.out.pcap")
    P.write_pcap(enc, lt, parts)
    r = ctx.run("pcap", "decrypt", "--key", k2, "--key", k1, enc, out, expect=0)
    s = summary(r.stderr)
    check(s[SSRC_A]["ok"] == "20" and s[SSRC_B]["ok"] == "20", "summary %s" % s)
    compare_identical(frames, P.read_pcap(out), "MKI re-key")
    print("ok: a key change half-way, told by the MKI, decrypts with both keys in one session")


def replace_payload(linktype, frame, payload):
    """The frame with a new UDP payload, lengths and checksums fixed (independently of galois)."""
    p = P.parse_frame(linktype, frame)
    link_hdr = frame[:p.link_len]
    src, dst = str(ipaddress.ip_address(p.src)), str(ipaddress.ip_address(p.dst))
    pkt = P.udp_packet(src, dst, p.sport, p.dport, payload, p.zero_checksum)
    f = link_hdr + pkt
    return f + b"\0" * max(0, 60 - len(f)) if linktype == P.LINKTYPE_ETHERNET else f


def t_tamper(ctx):
    """One forged packet and one replayed packet: exit 1, counted, others still decrypted."""
    lt = P.LINKTYPE_ETHERNET
    frames, kinds = capture(lt)
    src, enc = ctx.path("tamper.in.pcap"), ctx.path("tamper.srtp.pcap")
    P.write_pcap(src, lt, frames)
    key = ctx.keygen("AES_CM_128_HMAC_SHA1_80")
    ctx.run("pcap", "encrypt", "--key", key, src, enc, expect=0)
    e = P.read_pcap(enc)[2]
    rtp_a = [i for i, k in enumerate(kinds)
             if k == "rtp" and P.parse_frame(lt, frames[i][2]).sport == 40000]
    rtp_b = [i for i, k in enumerate(kinds)
             if k == "rtp" and P.parse_frame(lt, frames[i][2]).sport == 50002]
    victim, dup = rtp_a[5], rtp_b[7]
    pay = bytearray(P.parse_frame(lt, e[victim][4]).payload)
    pay[20] ^= 0x10
    tampered = [(f[0], f[1], f[4]) for f in e]
    tampered[victim] = (e[victim][0], e[victim][1], replace_payload(lt, e[victim][4], bytes(pay)))
    tampered.insert(dup + 1, tampered[dup])
    bad, out = ctx.path("tamper.bad.pcap"), ctx.path("tamper.out.pcap")
    P.write_pcap(bad, lt, tampered)
    r = ctx.run("pcap", "decrypt", "--key", key, bad, out, expect=1)
    s = summary(r.stderr)
    check(s[SSRC_A]["auth_fail"] == "1" and s[SSRC_A]["ok"] == "23" and
          s[SSRC_A]["packets"] == "24", "A: %s" % s[SSRC_A])
    check(s[SSRC_B]["replay"] == "1" and s[SSRC_B]["ok"] == "24", "B: %s" % s[SSRC_B])
    check(s[SSRC_C]["auth_fail"] == "0" and s[SSRC_C]["replay"] == "0", "C: %s" % s[SSRC_C])
    got = P.read_pcap(out)[2]
    check(len(got) == len(frames) + 1, "frame count %d" % len(got))
    want = [f[2] for f in frames]
    want[victim] = tampered[victim][2]  # failed: written unchanged
    want.insert(dup + 1, tampered[dup + 1][2])
    for i, (g, w) in enumerate(zip(got, want)):
        check(g[4] == w, "frame %d differs" % i)
    check("authentication tag mismatch" in r.stderr, "no failure line")
    print("ok: a forged packet and a replayed one are refused, counted and written unchanged")


def t_badargs(ctx):
    key = ctx.keygen("AES_CM_128_HMAC_SHA1_80")
    b64 = key.split("inline:")[1]
    src = ctx.path("bad.in.pcap")
    P.write_pcap(src, P.LINKTYPE_ETHERNET, capture(P.LINKTYPE_ETHERNET, n=2)[0])
    out = ctx.path("bad.out.pcap")
    cases = [
        (["--key", "AES_CM_128_HMAC_SHA1_80:inline:abc"],
         "--key 'AES_CM_128_HMAC_SHA1_80:inline:<key>': key is 2 bytes, suite needs 30"),
        (["--key", "AES_CM_129_HMAC_SHA1_80:inline:" + b64], "unknown crypto suite 'AES_CM_129"),
        (["--key", key + "|2^99"], "--key 'AES_CM_128_HMAC_SHA1_80:inline:<key>|2^99': lifetime"),
        (["--key", key + "|1:0"], "MKI"),
        (["--key", key + "|300:1"], "MKI 300 does not fit in 1 byte"),
        (["--key", key + "|2^20|1:4|x"], "unexpected text after the MKI"),
        (["--key", b64], "not SUITE:inline:KEY"),
        (["--key", "AEAD_AES_256_GCM:inline:" + b64], "key is 30 bytes, suite needs 44"),
        (["--key", "AES_CM_128_HMAC_SHA1_80:inline:" + b64[:-2] + "!!"], "not valid base64"),
        (["--key", key + "|1:4", "--key", key + "|1:4"], "same MKI"),
        (["--port", "70000", "--key", key], "--port '70000'"),
        (["--frobnicate", "--key", key], "unknown option '--frobnicate'"),
        ([], "needs --key"),
    ]
    for extra, want in cases:
        r = ctx.run("pcap", "decrypt", *extra, src, out, expect=2)
        check(want in r.stderr, "stderr lacks %r" % want)
        check(b64 not in r.stderr and b64[:-2] not in r.stderr, "key material printed")
    for args, want in [
        (["pcap", "encrypt", "--key", key, "--key", key, src, out], "exactly one --key"),
        (["pcap", "decrypt", "--key", key, src], "IN OUT"),
        (["pcap", "decrypt", "--key", key, ctx.path("missing.pcap"), out], "cannot read"),
        (["pcap", "decrypt", "--key", key, src, src], "same file"),
        (["pcap", "frobnicate"], "expected 'decrypt' or 'encrypt'"),
        (["pcap"], "expected 'decrypt' or 'encrypt'"),
    ]:
        r = ctx.run(*args, expect=2)
        check(want in r.stderr, "stderr lacks %r" % want)
    wifi = ctx.path("wifi.pcap")
    P.write_pcap(wifi, 105, [(1, 0, b"\0" * 40)])
    r = ctx.run("pcap", "decrypt", "--key", key, wifi, out, expect=2)
    check("not supported" in r.stderr, "unsupported link type not named")
    r = ctx.run("pcap", "--help", expect=0)
    check("usage: galois pcap decrypt" in r.stdout and "AEAD_AES_256_GCM" in r.stdout, "help")
    # Without any RTP in the capture: exit 0, everything copied.
    plain = ctx.path("nortp.pcap")
    P.write_pcap(plain, P.LINKTYPE_RAW, [(1, 0, P.udp_packet("10.0.0.1", "10.0.0.2", 5060, 5060,
                                                              b"SIP/2.0 200 OK\r\n\r\n"))])
    ctx.run("pcap", "decrypt", "--key", key, plain, out, expect=0)
    check(P.read_pcap(out)[2][0][4] == P.read_pcap(plain)[2][0][4], "non-RTP frame changed")
    print("ok: bad arguments exit 2 naming the argument, never printing the key")


def t_keygen(ctx):
    lens = {}
    for suite in TAGS:
        spec = ctx.keygen(suite)
        raw = base64.b64decode(spec.split("inline:")[1], validate=True)
        klen = 16 if "128" in suite else 24 if "192" in suite else 32
        want = klen + (12 if suite.startswith("AEAD") else 14)
        check(len(raw) == want, "%s: %d bytes, expected %d" % (suite, len(raw), want))
        check(ctx.keygen(suite) != spec, "%s: two keys alike" % suite)
        lens[suite] = len(raw)
    r = ctx.run("keygen", "AES_CM_128_HMAC_SHA1_99", expect=2)
    check("unknown crypto suite 'AES_CM_128_HMAC_SHA1_99'" in r.stderr, "keygen error")
    ctx.run("keygen", expect=2)
    check("usage: galois keygen" in ctx.run("keygen", "--help", expect=0).stdout, "keygen help")
    # keygen's own output ("SUITE inline:KEY", with a space) is accepted by --key as it is.
    text = ctx.run("keygen", "AEAD_AES_128_GCM", expect=0).stdout.strip()
    src, enc = ctx.path("kg.in.pcap"), ctx.path("kg.out.pcap")
    P.write_pcap(src, P.LINKTYPE_RAW, capture(P.LINKTYPE_RAW, n=3, extras=False)[0])
    ctx.run("pcap", "encrypt", "--key", text, src, enc, expect=0)
    print("ok: keygen lengths %s" % lens)


PYLIBSRTP = {"AES_CM_128_HMAC_SHA1_80": "SRTP_PROFILE_AES128_CM_SHA1_80",
             "AEAD_AES_128_GCM": "SRTP_PROFILE_AEAD_AES_128_GCM"}


def t_interop(ctx):
    """pylibsrtp (libsrtp2) protects, galois decrypts; galois encrypts, pylibsrtp unprotects."""
    try:
        import pylibsrtp
        from pylibsrtp import Policy, Session
    except ImportError:
        print("SKIP: python3-pylibsrtp is not installed")
        return SKIP

    def session(suite, key, inbound):
        pol = Policy(key=key, srtp_profile=getattr(Policy, PYLIBSRTP[suite]),
                     ssrc_type=Policy.SSRC_ANY_INBOUND if inbound else Policy.SSRC_ANY_OUTBOUND)
        pol.window_size = 1024
        return Session(pol)

    lt = P.LINKTYPE_ETHERNET
    plain, kinds = capture(lt)
    src = ctx.path("interop.rtp.pcap")
    P.write_pcap(src, lt, plain)
    for suite in PYLIBSRTP:
        spec = ctx.keygen(suite)
        key = base64.b64decode(spec.split("inline:")[1])
        tx = session(suite, key, False)
        protected, _ = capture(lt, transform=lambda kind, p: tx.protect_rtcp(p) if kind == "rtcp"
                               else tx.protect(p))
        srtp = ctx.path("interop.libsrtp.%s.pcap" % suite)
        P.write_pcap(srtp, lt, protected)
        out = ctx.path("interop.galois-decrypted.%s.pcap" % suite)
        r = ctx.run("pcap", "decrypt", "--key", spec, srtp, out, expect=0)
        check(all(v["ok"] == v["packets"] for v in summary(r.stderr).values()), "summary")
        compare_identical(plain, P.read_pcap(out), "libsrtp -> galois " + suite)

        enc = ctx.path("interop.galois-encrypted.%s.pcap" % suite)
        ctx.run("pcap", "encrypt", "--key", spec, src, enc, expect=0)
        rx = session(suite, key, True)
        same_rtp = 0
        for i, (kind, f) in enumerate(zip(kinds, P.read_pcap(enc)[2])):
            if kind not in ("rtp", "rtcp"):
                continue
            got = P.parse_frame(lt, f[4]).payload
            want = P.parse_frame(lt, plain[i][2]).payload
            try:
                back = rx.unprotect_rtcp(got) if kind == "rtcp" else rx.unprotect(got)
            except pylibsrtp.Error as e:
                raise Fail("libsrtp refused galois's frame %d (%s): %s" % (i, kind, e))
            check(back == want, "frame %d: libsrtp recovered other bytes" % i)
            if kind == "rtp":
                libsrtp_bytes = P.parse_frame(lt, protected[i][2]).payload
                check(got == libsrtp_bytes, "frame %d: SRTP differs from libsrtp's" % i)
                same_rtp += 1
        print("ok: %s: libsrtp -> galois and galois -> libsrtp; %d SRTP packets byte-identical"
              % (suite, same_rtp))
    return 0


def rtp_ext(seq, ssrc, csrcs, elements, payload):
    """An RTP packet with CSRCs and a one-byte header extension (RFC 8285 §4.2) holding
    `elements`, a list of (id, data)."""
    body = b"".join(bytes([(i << 4) | (len(d) - 1)]) + d for i, d in elements)
    body += bytes(-len(body) % 4)
    head = struct.pack("!BBHII", 0x90 | len(csrcs), 0, seq & 0xFFFF, 160 * seq, ssrc)
    head += b"".join(struct.pack("!I", c) for c in csrcs)
    return head + struct.pack("!HH", 0xBEDE, len(body) // 4) + body + payload


def t_hdrprot(ctx):
    """--cryptex (RFC 9335) and --encrypt-ext (RFC 6904): what is encrypted on the wire, and
    that decrypt with the same options gives the capture back."""
    lt = P.LINKTYPE_ETHERNET
    csrc = 0xC5C5C5C5
    frames = []
    for i in range(12):
        pkt = rtp_ext(100 + i, SSRC_A, [csrc], [(1, b"\xaa\xbb"), (3, b"\x11\x22\x33")],
                      bytes((i + k) & 0xFF for k in range(40)))
        frames.append((1700000000, 20000 * i, P.link(lt, P.udp_packet(
            "10.0.0.1", "10.0.0.2", 40000, 40002, pkt))))
    src = ctx.path("hdr.in.pcap")
    P.write_pcap(src, lt, frames)
    for suite in ("AES_CM_128_HMAC_SHA1_80", "AEAD_AES_256_GCM"):
        key = ctx.keygen(suite)
        enc, dec = ctx.path("cryptex.srtp.pcap"), ctx.path("cryptex.rtp.pcap")
        ctx.run("pcap", "encrypt", "--cryptex", "--key", key, src, enc, expect=0)
        for i, f in enumerate(P.read_pcap(enc)[2]):
            a, b = P.parse_frame(lt, frames[i][2]).payload, P.parse_frame(lt, f[4]).payload
            check(b[:12] == a[:12], "cryptex frame %d: fixed header changed" % i)
            check(b[12:16] != a[12:16], "cryptex frame %d: CSRC sent in the clear" % i)
            check(b[16:18] == b"\xc0\xde", "cryptex frame %d: profile %s, not 0xC0DE" %
                  (i, b[16:18].hex()))
            check(b[20:28] != a[20:28], "cryptex frame %d: extension sent in the clear" % i)
        ctx.run("pcap", "decrypt", "--cryptex", "--key", key, enc, dec, expect=0)
        compare_identical(frames, P.read_pcap(dec), suite + " cryptex decrypt(encrypt(x))")
        # A receiver that was not told about cryptex refuses the packets (and says so).
        r = ctx.run("pcap", "decrypt", "--key", key, enc, dec, expect=1)
        check(summary(r.stderr)[SSRC_A]["ok"] == "0", "cryptex packets accepted without --cryptex")

        enc, dec = ctx.path("ext.srtp.pcap"), ctx.path("ext.rtp.pcap")
        ctx.run("pcap", "encrypt", "--encrypt-ext", "3", "--key", key, src, enc, expect=0)
        for i, f in enumerate(P.read_pcap(enc)[2]):
            a, b = P.parse_frame(lt, frames[i][2]).payload, P.parse_frame(lt, f[4]).payload
            # 12 fixed + 4 CSRC + BEDE 0002 + [0x11 aa bb] [0x32 11 22 33] + pad
            check(b[:24] == a[:24], "RFC 6904 frame %d: headers or element 1 changed" % i)
            check(b[24:27] != a[24:27], "RFC 6904 frame %d: element 3 sent in the clear" % i)
        ctx.run("pcap", "decrypt", "--encrypt-ext", "3", "--key", key, enc, dec, expect=0)
        compare_identical(frames, P.read_pcap(dec), suite + " RFC 6904 decrypt(encrypt(x))")
    r = ctx.run("pcap", "encrypt", "--cryptex", "--encrypt-ext", "1", "--key", key, src,
                ctx.path("x.pcap"), expect=2)
    check("RFC 9335" in r.stderr, "the refusal of --cryptex with --encrypt-ext names no reason")
    ctx.run("pcap", "decrypt", "--encrypt-ext", "1,0", "--key", key, src, ctx.path("x.pcap"),
            expect=2)
    print("ok: cryptex and RFC 6904 from the command line, both suites")
    return 0


SCENARIOS = {"roundtrip": t_roundtrip, "two_keys": t_two_keys, "tamper": t_tamper,
             "badargs": t_badargs, "keygen": t_keygen, "interop": t_interop,
             "hdrprot": t_hdrprot}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--galois", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("scenario", choices=sorted(SCENARIOS))
    a = ap.parse_args()
    work = os.path.join(a.work, a.scenario)
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    try:
        rc = SCENARIOS[a.scenario](Ctx(a.galois, work)) or 0
    except (Fail, AssertionError) as e:
        print("FAIL: %s: %s" % (a.scenario, e))
        return 1
    return rc


if __name__ == "__main__":
    sys.exit(main())
