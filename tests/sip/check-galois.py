#!/usr/bin/python3
"""Checks the JSON report of `galois call --json` / `galois answer --json`.

usage: check-galois.py STDOUT_FILE EXIT_STATUS [--ok | --error REGEX] [--status N]
          [--suite NAME] [--tone HZ] [--tol 15] [--min-purity 0.8] [--min-received 50]
          [--tls-version TLSv1.2|TLSv1.3] [--tls-cipher NAME] [--peer-verified]
          [--stderr FILE]

The report is the last line of STDOUT_FILE that parses as a JSON object. --ok wants exit
status 0, "result":"ok", packets received (>= --min-received), no SRTP auth failures or
replays; --error REGEX wants a non-zero exit status, "result":"error" and an "error" (or the
stderr file) matching REGEX (case-insensitive). The other options compare single fields.
Prints one line per check; exit 0 when all pass, 1 otherwise.
"""
import argparse
import json
import re
import sys


def load(path):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            lines = f.read().splitlines()
    except OSError as e:
        return None, str(e)
    for line in reversed(lines):
        line = line.strip()
        if line.startswith("{"):
            try:
                obj = json.loads(line)
            except ValueError:
                continue
            if isinstance(obj, dict):
                return obj, None
    return None, "no JSON object on stdout"


def get(obj, path):
    for k in path.split("."):
        if not isinstance(obj, dict) or k not in obj:
            return None
        obj = obj[k]
    return obj


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("stdout")
    ap.add_argument("exit_status", type=int)
    g = ap.add_mutually_exclusive_group(required=True)
    g.add_argument("--ok", action="store_true")
    g.add_argument("--error")
    ap.add_argument("--status", type=int)
    ap.add_argument("--suite")
    ap.add_argument("--tone", type=float)
    ap.add_argument("--tol", type=float, default=15.0)
    ap.add_argument("--min-purity", type=float, default=0.8)
    ap.add_argument("--min-received", type=int, default=50)
    ap.add_argument("--allow-auth-failures", type=int, default=0,
                    help="authentication failures the peer is known to have caused (plaintext "
                         "RTCP it sent on an SRTP session, counted on the wire)")
    ap.add_argument("--tls-version")
    ap.add_argument("--tls-cipher")
    ap.add_argument("--peer-verified", action="store_true")
    ap.add_argument("--stderr")
    ap.add_argument("--label", default="galois")
    a = ap.parse_args()

    fails = []
    rep, err = load(a.stdout)
    if rep is None:
        print(f"{a.label}: FAIL no report: {err}")
        return 1
    print(f"{a.label}: report {json.dumps(rep, sort_keys=True)}")

    def want(cond, msg):
        print(f"{a.label}: {'ok  ' if cond else 'FAIL'} {msg}")
        if not cond:
            fails.append(msg)

    if a.ok:
        want(a.exit_status == 0, f"exit status {a.exit_status}, want 0")
        want(rep.get("result") == "ok", f"result {rep.get('result')!r} (error {rep.get('error')!r}), want 'ok'")
        rx = get(rep, "media.packets_received")
        want(isinstance(rx, int) and rx >= a.min_received,
             f"media.packets_received {rx}, want >= {a.min_received}")
        v = get(rep, "media.auth_failures")
        want(isinstance(v, int) and v <= a.allow_auth_failures,
             f"media.auth_failures {v}, want " + (
                 f"<= {a.allow_auth_failures} (the peer's plaintext RTCP on the wire)"
                 if a.allow_auth_failures else "0"))
        v = get(rep, "media.replays")
        want(v == 0, f"media.replays {v}, want 0")
        # On loopback a round trip measured from the peer's report (RFC 3550 §6.4.1) is a few
        # ms; anything near a second means the SR time and the arrival time are on two clocks.
        rtt = get(rep, "media.rtt_ms")
        if get(rep, "media.have_remote_report") and isinstance(rtt, (int, float)) and rtt >= 0:
            want(rtt < 1000, f"media.rtt_ms {rtt}, want < 1000 on loopback")
        else:
            print(f"{a.label}: --   media.rtt_ms {rtt}: no round trip measured (peer sent no report on our SR)")
    else:
        want(a.exit_status != 0, f"exit status {a.exit_status}, want non-zero")
        want(rep.get("result") == "error", f"result {rep.get('result')!r}, want 'error'")
        text = str(rep.get("error") or "")
        if a.stderr:
            try:
                with open(a.stderr, encoding="utf-8", errors="replace") as f:
                    text += "\n" + f.read()
            except OSError:
                pass
        want(re.search(a.error, text, re.I) is not None,
             f"error {rep.get('error')!r} (or stderr) matches /{a.error}/")
        sent = get(rep, "media.packets_received") or 0
        want(sent == 0, f"media.packets_received {sent}, want 0 (no media on a refused call)")
    if a.status is not None:
        st = get(rep, "sip.status")
        want(st == a.status, f"sip.status {st}, want {a.status}")
    if a.suite:
        s = get(rep, "srtp.suite")
        want(s == a.suite, f"srtp.suite {s!r}, want {a.suite!r}")
    if a.tone is not None:
        hz = get(rep, "media.tone_hz")
        pur = get(rep, "media.tone_purity")
        want(isinstance(hz, (int, float)) and abs(hz - a.tone) <= a.tol,
             f"media.tone_hz {hz}, want {a.tone:g} +- {a.tol:g}")
        want(isinstance(pur, (int, float)) and pur >= a.min_purity,
             f"media.tone_purity {pur}, want >= {a.min_purity}")
    if a.tls_version:
        v = get(rep, "tls.version")
        want(v == a.tls_version, f"tls.version {v!r}, want {a.tls_version!r}")
    if a.tls_cipher:
        c = get(rep, "tls.cipher")
        want(c == a.tls_cipher, f"tls.cipher {c!r}, want {a.tls_cipher!r}")
    if a.peer_verified:
        pv = get(rep, "tls.peer_verified")
        want(pv is True, f"tls.peer_verified {pv!r}, want true")
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
