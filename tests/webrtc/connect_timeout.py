#!/usr/bin/python3
"""Checks `galois webrtc --sessions 1 --connect-timeout 2` (already listening): an offer that no
ICE check follows is abandoned after 2 s and gives its place back (a second offer is then taken,
on the same UDP port), and a session whose ICE check passed but whose DTLS never starts ends
2 s after its answer, which ends the run (run-webrtc.sh checks galois's exit status and report).

usage: connect_timeout.py --http 127.0.0.1:PORT --udp 127.0.0.1:PORT --offer FILE.sdp --pid PID

Prints one line per check and exits 0 when all passed. Standard library only.
"""
import argparse
import json
import os
import re
import socket
import sys
import time

from bad_input import RESULTS, check, offer_body, request, stun_request

CONNECT_TIMEOUT = 2.0


def alive(pid):
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    return True


def offer(base, sdp):
    st, text = request(base, "POST", "/offer", offer_body(sdp))
    try:
        ans = json.loads(text) if st == 200 else {}
    except ValueError:
        ans = {}
    return st, ans


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--http", required=True)
    ap.add_argument("--udp", required=True)
    ap.add_argument("--offer", required=True)
    ap.add_argument("--pid", type=int, required=True)
    a = ap.parse_args()
    base = "http://" + a.http
    with open(a.offer, encoding="utf-8") as f:
        good = f.read()
    if "\r\n" not in good:
        good = good.replace("\n", "\r\n")

    # 1. an offer nobody follows up: it holds the only place for a while ...
    st, ans = offer(base, good)
    check(st == 200 and ans.get("session") == 1, "first offer taken as session 1", st, 200)
    port1 = re.search(r"m=audio (\d+) ", ans.get("sdp", ""))
    st, _ = offer(base, good)
    check(st == 503, "a second offer while session 1 waits for its ICE check", st, 503)
    # ... until its connect deadline, then the place is free again
    time.sleep(CONNECT_TIMEOUT + 0.7)
    check(alive(a.pid), "galois still runs: the abandoned session did not count", alive(a.pid))
    st, ans = offer(base, good)
    check(st == 200 and ans.get("session") == 2, "an offer after the deadline is taken (session 2)",
          (st, ans.get("session")), (200, 2))
    sdp = ans.get("sdp", "")
    port2 = re.search(r"m=audio (\d+) ", sdp)
    check(port1 and port2 and port1.group(1) == port2.group(1) == a.udp.rsplit(":", 1)[1],
          "session 2 took the freed UDP port", port2.group(1) if port2 else None)

    # 2. an authentic ICE check, then no DTLS: the session ends at its deadline, and counts
    t0 = time.monotonic()
    ufrag = re.search(r"a=ice-ufrag:(\S+)", sdp)
    pwd = re.search(r"a=ice-pwd:(\S+)", sdp)
    remote_ufrag = re.search(r"a=ice-ufrag:(\S+)", good).group(1)
    host, port = a.udp.rsplit(":", 1)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(1)
    resp = b""
    if ufrag and pwd:
        s.sendto(stun_request("%s:%s" % (ufrag.group(1), remote_ufrag), pwd.group(1)),
                 (host, int(port)))
        try:
            resp = s.recv(2048)
        except OSError:
            pass
    check(resp[:2] == b"\x01\x01", "session 2's ICE check is answered", resp[:2].hex(), "0101")
    while alive(a.pid) and time.monotonic() - t0 < CONNECT_TIMEOUT + 5:
        time.sleep(0.1)
    check(not alive(a.pid), "galois ended about --connect-timeout after session 2's answer",
          "%.1f s" % (time.monotonic() - t0), "< %.0f s" % (CONNECT_TIMEOUT + 5))
    return 0 if all(RESULTS) else 1


if __name__ == "__main__":
    sys.exit(main())
