#!/usr/bin/env python3
"""Regenerates the seed corpora in fuzz/corpus/ (standard library only).

    fuzz/make_corpus.py [--gen BUILD_FUZZ/fuzz/fuzz_corpus_gen]

rtp_unprotect/ and rtcp_unprotect/ get the protected packets of tests/vectors/
libsrtp-reference.txt, rfc7714.txt and rfc9335.txt, each prefixed with the selector byte of
its suite and header protection (fuzz/srtp_fuzz.h: suite index in enum order, bits 4-5 for
cryptex or RFC 6904, bit 7 for an MKI); each AES-GCM one also as a "-openssl" copy with bit 6
set, which runs it on the OpenSSL backend (the others run on the default). The fuzz sessions use the
same master keys as libsrtp-reference.txt, so its packets are accepted; the others (cryptex,
RFC 7714 session-key packets, the GCM + RFC 6904 packet under another key) are refused and
seed the failure paths. With --gen, the engine-made seeds of corpus_gen.c (every suite, with
and without MKI) are added. cursor/ gets a few hand-written programs (see cursor.c), pcap_frame/ a few UDP frames on
every link type (see pcap_frame.c).
Files named regress-* (inputs that once crashed a target) are left alone.
"""
import argparse
import os
import pathlib
import re
import struct
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
CORPUS = ROOT / "fuzz" / "corpus"
# enum galois_srtp_suite, from 1; the selector is index - 1.
SUITES = [
    "AES_CM_128_HMAC_SHA1_80", "AES_CM_128_HMAC_SHA1_32", "AES_192_CM_HMAC_SHA1_80",
    "AES_192_CM_HMAC_SHA1_32", "AES_256_CM_HMAC_SHA1_80", "AES_256_CM_HMAC_SHA1_32",
    "AEAD_AES_128_GCM", "AEAD_AES_256_GCM", "AEAD_AES_128_GCM_8", "AEAD_AES_256_GCM_8",
    "NULL_HMAC_SHA1_80", "NULL_HMAC_SHA1_32",
]
MKI_FLAG = 0x80
OPENSSL_FLAG = 0x40  # bit 6: GALOIS_SRTP_BACKEND_OPENSSL instead of the default
# Header protection in bits 4-5 (srtp_fuzz.h): cryptex required, RFC 6904 with IDs 1, 3, 4.
HDR_CRYPTEX_REQUIRED = 2 << 4
HDR_RFC6904 = 3 << 4
# Seeds this script writes (and so replaces); others, such as regress-* inputs that once
# crashed a target, are kept.
GENERATED = ("vec-", "gen-", "hand-")


def cases(path):
    """Yields (name, fields) for each [case] of a vector file (tests/vectors/README.md)."""
    name, fields = None, {}
    for line in path.read_text().splitlines():
        if line.startswith("["):
            if name is not None:
                yield name, fields
            name, fields = line[1:line.index("]")], {}
        elif " = " in line and not line.startswith("#"):
            key, value = line.split(" = ", 1)
            fields[key] = value
    if name is not None:
        yield name, fields


def slug(text):
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower()


def write(target, name, data):
    path = CORPUS / target / name
    path.write_bytes(data)


def vector_seeds():
    count = 0
    seen = set()
    for file in ("libsrtp-reference.txt", "rfc7714.txt", "rfc9335.txt"):
        for name, f in cases(ROOT / "tests" / "vectors" / file):
            suite = f.get("suite_text") or next((s for s in SUITES if s in name.split()), None)
            if suite not in SUITES:
                continue
            selector = SUITES.index(suite) | (MKI_FLAG if "mki" in f else 0)
            if "cryptex" in name or file == "rfc9335.txt":
                selector |= HDR_CRYPTEX_REQUIRED
            elif "encrypted_extension_ids" in f:
                selector |= HDR_RFC6904
            for field, target in (("srtp_packet", "rtp_unprotect"),
                                  ("srtcp_packet", "rtcp_unprotect")):
                if field in f and (target, f[field]) not in seen:
                    seen.add((target, f[field]))
                    packet = bytes.fromhex(f[field])
                    write(target, "vec-" + slug(name), bytes([selector]) + packet)
                    count += 1
                    if suite.startswith("AEAD_"):
                        write(target, "vec-" + slug(name) + "-openssl",
                              bytes([selector | OPENSSL_FLAG]) + packet)
                        count += 1
    return count


def cursor_seeds():
    # Each seed: program length, program, data. Operations (low 5 bits): 1-3 u8/u16/u32,
    # 4 skip, 5 copy, 6 take, 7 take_tail, 8 peek, 9 lit, 10 until, 11 until_any,
    # 12 u64_dec, 13 eq, 14 copy cursor, 0 re-init; high 3 bits pick the cursor.
    sdes = b"1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz|2^20|1:4"
    rtp = bytes.fromhex("900f1234decafbadcafebabebede000151000200abababab")
    seeds = {
        # a=crypto: tag, space, suite up to ' ', literal, key up to '|' or ' ', lifetime.
        "sdes": bytes([12, 0x0c, 0x00, 0x0a, 0x20, 0x20, 0x01, 0x09, 0x02, 0x20, 0x6b, 0x0b,
                       0x02]) + sdes,
        # RTP: u8 u8 u16 u32 u32, take 4 into cursor 1, peek, take_tail 4, skip to the end.
        "rtp": bytes([14, 0x01, 0x01, 0x02, 0x03, 0x03, 0x06, 0x04, 0x01, 0x08, 0x00, 0x07,
                      0x04, 0x02, 0x04]) + rtp,
        # Edges: skip len+1, copy len, take len-1, u64 at the end, NULL re-init then reads.
        "edges": bytes([16, 0x04, 0x89, 0x05, 0x80, 0x00, 0x00, 0x00, 0x0c, 0x00, 0x01, 0x02,
                        0x03, 0x04, 0x00, 0x0d, 0x00]) + b"18446744073709551616 0",
        "empty": bytes([4, 0x01, 0x04, 0x00, 0x0c]),
    }
    for name, data in seeds.items():
        write("cursor", "hand-" + name, data)
    return len(seeds)


def csum(data):
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def udp(src, dst, payload, v6, zero=False):
    length = 8 + len(payload)
    hdr = struct.pack("!HHHH", 5004, 5006, length, 0)
    if v6:
        pseudo = src + dst + struct.pack("!IxxxB", length, 17)
    else:
        pseudo = src + dst + struct.pack("!BBH", 0, 17, length)
    c = 0 if zero else (csum(pseudo + hdr + payload) or 0xFFFF)
    return hdr[:6] + struct.pack("!H", c) + payload


def ipv4(payload, zero=False, options=b""):
    src, dst = bytes([127, 0, 0, 1]), bytes([127, 0, 0, 2])
    body = udp(src, dst, payload, False, zero)
    ihl = 5 + len(options) // 4
    hdr = struct.pack("!BBHHHBBH4s4s", 0x40 | ihl, 0, ihl * 4 + len(body), 1, 0x4000, 64, 17, 0,
                      src, dst) + options
    hdr = hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:]
    return hdr + body


def ipv6(payload, hop_by_hop=False):
    src, dst = bytes(15) + b"\1", bytes(15) + b"\2"
    body = udp(src, dst, payload, True)
    nh = 17
    if hop_by_hop:
        body = bytes([17, 0, 1, 4, 0, 0, 0, 0]) + body  # Hop-by-Hop: PadN
        nh = 0
    return struct.pack("!IHBB", 0x60000000, len(body), nh, 64) + src + dst + body


def pcap_frame_seeds():
    # The first byte picks the link type (fuzz/pcap_frame.c): 0 Ethernet, 1 Linux SLL, 2 SLL2,
    # 3 BSD null, 4 BSD loop, 5 raw, 6 IPv4, 7 IPv6; the rest is the frame.
    rtp = bytes.fromhex("8000000100000a0011223344") + bytes(range(160))
    eth = bytes(6) + bytes([2, 0, 0, 0, 0, 1])
    seeds = {
        "eth-ipv4": bytes([0]) + eth + b"\x08\x00" + ipv4(rtp),
        "eth-vlan-ipv6": bytes([0]) + eth + b"\x81\x00\x00\x05\x86\xdd" + ipv6(rtp),
        "eth-ipv4-trailer": bytes([0]) + eth + b"\x08\x00" + ipv4(rtp[:20]) + bytes(6),
        "sll-ipv4-nocsum": bytes([1]) + struct.pack("!HHH8sH", 0, 772, 6, bytes(8), 0x0800)
        + ipv4(rtp, zero=True),
        "sll2-ipv6-hbh": bytes([2]) + struct.pack("!HHIHBB8s", 0x86DD, 0, 1, 772, 0, 6, bytes(8))
        + ipv6(rtp, hop_by_hop=True),
        "null-ipv4-opts": bytes([3]) + struct.pack("<I", 2) + ipv4(rtp, options=bytes([1, 1, 1, 0])),
        "loop-ipv6": bytes([4]) + struct.pack("!I", 30) + ipv6(rtp),
        "raw-ipv4": bytes([5]) + ipv4(rtp),
        "ipv4-fragment": bytes([6]) + ipv4(rtp)[:6] + b"\x20\x00" + ipv4(rtp)[8:],
        "ipv6": bytes([7]) + ipv6(b""),
    }
    (CORPUS / "pcap_frame").mkdir(parents=True, exist_ok=True)
    for name, data in seeds.items():
        write("pcap_frame", "hand-" + name, data)
    return len(seeds)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gen", help="path of the built fuzz_corpus_gen")
    args = parser.parse_args()
    for target in ("rtp_unprotect", "rtcp_unprotect", "cursor"):
        directory = CORPUS / target
        directory.mkdir(parents=True, exist_ok=True)
        for old in directory.iterdir():
            if old.name.startswith(GENERATED):
                old.unlink()
    n = vector_seeds() + cursor_seeds() + pcap_frame_seeds()
    if args.gen:
        subprocess.run([args.gen, str(CORPUS / "rtp_unprotect"), str(CORPUS / "rtcp_unprotect")],
                       check=True)
    for target in ("rtp_unprotect", "rtcp_unprotect", "cursor", "pcap_frame"):
        print(f"{target}: {len(os.listdir(CORPUS / target))} seeds")
    return 0 if n else 1


if __name__ == "__main__":
    sys.exit(main())
