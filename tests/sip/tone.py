#!/usr/bin/python3
"""Tone WAV maker and checker for the SIP interop harness (Python standard library only).

  tone.py gen OUT.wav HZ [SECONDS=10] [RATE=8000]
      Writes a mono 16-bit PCM sine (amplitude 12000). baresip 1.0.0's aufile source needs
      the codec's rate: 8000 Hz for G.711.
  tone.py check FILE.wav HZ [--tol 15] [--min-secs 1.0] [--min-purity 0.8]
      Finds the loud part of the file (20 ms blocks with RMS > 300), takes its dominant
      frequency (Goertzel scan 50 Hz .. rate/2 in 5 Hz steps, refined to 0.5 Hz) and its purity
      (share of the energy explained by a least-squares sinusoid at that frequency: 1.0 for a
      clean tone, ~0 for noise such as audio decrypted with a wrong key). Prints one line;
      exit 0 when the loud part lasts >= --min-secs, the frequency is within --tol of HZ and the
      purity is >= --min-purity; 1 otherwise; 2 on a bad file or usage.
"""
import argparse
import math
import struct
import sys
import wave


def gen(path, hz, secs, rate):
    n = int(secs * rate)
    frames = bytearray()
    for i in range(n):
        frames += struct.pack("<h", int(12000 * math.sin(2 * math.pi * hz * i / rate)))
    with wave.open(path, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(bytes(frames))


def read_mono(path):
    with wave.open(path, "rb") as w:
        if w.getsampwidth() != 2:
            raise ValueError(f"{w.getsampwidth() * 8}-bit samples, want 16-bit PCM")
        rate, ch = w.getframerate(), w.getnchannels()
        raw = w.readframes(w.getnframes())
    s = struct.unpack("<%dh" % (len(raw) // 2), raw)
    return list(s[::ch]), rate


def loud_span(s, rate):
    """First and last sample of the 20 ms blocks whose RMS exceeds 300, and their count."""
    blk = max(1, rate // 50)
    loud = []
    for i in range(0, len(s) - blk + 1, blk):
        e = sum(x * x for x in s[i:i + blk]) / blk
        if e > 300 * 300:
            loud.append(i)
    if not loud:
        return 0, 0, 0
    return loud[0], loud[-1] + blk, len(loud)


def goertzel(x, f, rate):
    w = 2 * math.pi * f / rate
    c = 2 * math.cos(w)
    s1 = s2 = 0.0
    for v in x:
        s0 = v + c * s1 - s2
        s2, s1 = s1, s0
    return s1 * s1 + s2 * s2 - c * s1 * s2


def dominant(x, rate):
    best_f, best_p = 0.0, -1.0
    f = 50.0
    while f < rate / 2 - 25:
        p = goertzel(x, f, rate)
        if p > best_p:
            best_f, best_p = f, p
        f += 5.0
    lo = best_f - 5.0
    for k in range(21):
        f = lo + 0.5 * k
        p = goertzel(x, f, rate)
        if p > best_p:
            best_f, best_p = f, p
    return best_f


def purity(x, f, rate):
    """1 - residual/total energy after a least-squares fit of a*cos + b*sin + dc at f."""
    n = len(x)
    mean = sum(x) / n
    y = [v - mean for v in x]
    w = 2 * math.pi * f / rate
    cs = [math.cos(w * i) for i in range(n)]
    sn = [math.sin(w * i) for i in range(n)]
    scc = sum(c * c for c in cs)
    sss = sum(s * s for s in sn)
    scs = sum(c * s for c, s in zip(cs, sn))
    syc = sum(v * c for v, c in zip(y, cs))
    sys_ = sum(v * s for v, s in zip(y, sn))
    det = scc * sss - scs * scs
    if det == 0:
        return 0.0
    a = (syc * sss - sys_ * scs) / det
    b = (sys_ * scc - syc * scs) / det
    total = sum(v * v for v in y)
    if total == 0:
        return 0.0
    resid = sum((v - a * c - b * s) ** 2 for v, c, s in zip(y, cs, sn))
    return max(0.0, 1.0 - resid / total)


def check(args):
    try:
        s, rate = read_mono(args.file)
    except (OSError, EOFError, ValueError, wave.Error) as e:
        print(f"{args.file}: cannot read: {e}")
        return 2
    i0, i1, nblk = loud_span(s, rate)
    loud_secs = nblk * (rate // 50) / rate
    if loud_secs < args.min_secs:
        print(f"{args.file}: FAIL silent: {loud_secs:.2f} s loud of {len(s) / rate:.2f} s "
              f"(want >= {args.min_secs} s of {args.hz:g} Hz)")
        return 1
    # analyse up to 1 s from the middle of the loud span (short: pure Python)
    mid = (i0 + i1) // 2
    half = min(rate // 2, (i1 - i0) // 2)
    seg = s[mid - half:mid + half]
    hz = dominant(seg, rate)
    pur = purity(seg, hz, rate)
    ok = abs(hz - args.hz) <= args.tol and pur >= args.min_purity
    print(f"{args.file}: {'ok' if ok else 'FAIL'} {hz:.1f} Hz purity {pur:.2f} "
          f"loud {loud_secs:.2f} s of {len(s) / rate:.2f} s (want {args.hz:g} +- {args.tol:g} Hz, "
          f"purity >= {args.min_purity})")
    return 0 if ok else 1


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    g = sub.add_parser("gen")
    g.add_argument("out")
    g.add_argument("hz", type=float)
    g.add_argument("secs", type=float, nargs="?", default=10.0)
    g.add_argument("rate", type=int, nargs="?", default=8000)
    c = sub.add_parser("check")
    c.add_argument("file")
    c.add_argument("hz", type=float)
    c.add_argument("--tol", type=float, default=15.0)
    c.add_argument("--min-secs", type=float, default=1.0)
    c.add_argument("--min-purity", type=float, default=0.8)
    a = ap.parse_args()
    if a.cmd == "gen":
        gen(a.out, a.hz, a.secs, a.rate)
        return 0
    return check(a)


if __name__ == "__main__":
    sys.exit(main())
