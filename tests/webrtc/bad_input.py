#!/usr/bin/python3
"""Feeds `galois webrtc` (already listening) bad HTTP requests and bad datagrams, one good offer
in between, and checks that each is refused with the right status and a one-line reason, that
the answer has the shape Chromium needs, and that galois is still alive afterwards.

usage: bad_input.py --http 127.0.0.1:PORT --udp 127.0.0.1:PORT --offer FILE.sdp --pid PID

Prints one line per check and exits 0 when all passed. Standard library only.
"""
import argparse
import hashlib
import hmac
import json
import os
import re
import socket
import struct
import sys
import time
import urllib.error
import urllib.request
import zlib

RESULTS = []


def check(cond, what, got, wanted=None):
    RESULTS.append(bool(cond))
    line = "%s %s: %s" % ("ok  " if cond else "FAIL", what, got)
    if not cond and wanted is not None:
        line += " (wanted %s)" % wanted
    print(line)


def request(base, method, path, body=None, headers=None):
    h = {"Content-Type": "application/json"}
    h.update(headers or {})
    h = {k: v for k, v in h.items() if v is not None}
    req = urllib.request.Request(base + path, data=body, method=method, headers=h)
    try:
        with urllib.request.urlopen(req, timeout=5) as r:
            return r.status, r.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode("utf-8", "replace")
    except OSError as e:
        return 0, str(e)


def raw_request(hostport, text):
    """Sends `text` as it is on a new connection; returns the status (0 when none came)."""
    host, port = hostport.rsplit(":", 1)
    try:
        with socket.create_connection((host, int(port)), timeout=5) as c:
            c.sendall(text.encode())
            data = c.recv(4096)
    except OSError:
        return 0
    m = re.match(rb"HTTP/1\.[01] (\d{3})", data)
    return int(m.group(1)) if m else 0


def offer_body(sdp):
    return json.dumps({"type": "offer", "sdp": sdp}).encode()


def stun_request(username, pwd):
    """A Binding request with USERNAME, PRIORITY, ICE-CONTROLLING, MESSAGE-INTEGRITY, FINGERPRINT."""
    txid = os.urandom(12)

    def attr(t, v):
        pad = (4 - len(v) % 4) % 4
        return struct.pack("!HH", t, len(v)) + v + b"\0" * pad

    attrs = attr(0x0006, username.encode()) + attr(0x0024, struct.pack("!I", 1853824767)) + \
        attr(0x802A, os.urandom(8))
    head = struct.pack("!HHI", 0x0001, len(attrs) + 24, 0x2112A442) + txid
    mi = hmac.new(pwd.encode(), head + attrs, hashlib.sha1).digest()
    attrs += attr(0x0008, mi)
    head = struct.pack("!HHI", 0x0001, len(attrs) + 8, 0x2112A442) + txid
    crc = (zlib.crc32(head + attrs) ^ 0x5354554E) & 0xFFFFFFFF
    attrs += attr(0x8028, struct.pack("!I", crc))
    return head + attrs


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

    def drop(prefix):
        return "".join(l + "\r\n" for l in good.split("\r\n") if l and not l.startswith(prefix))

    bad = [
        (b"", 400, r"empty body"),
        (b"{not json", 400, r"not valid JSON"),
        (b"[1,2,3]", 400, r"JSON object"),
        (b'{"type":"answer","sdp":"v=0"}', 400, r"only answers"),
        (b'{"type":"offer"}', 400, r"no \"sdp\""),
        (b'{"type":"offer","sdp":"v=0\\u0000"}', 400, r"without NUL"),
        (b'{"type":"offer","sdp":"\xff\xfe"}', 400, r"not valid JSON"),
        (b'{"type":"offer","sdp":' + b"[" * 100 + b"]" * 100 + b"}", 400, r"not valid JSON"),
        (offer_body("v=0\r\nthis is not sdp\r\n"), 400, r"does not parse"),
        (offer_body(drop("a=fingerprint")), 400, r"no a=fingerprint"),
        (offer_body(drop("a=ice-ufrag")), 400, r"no a=ice-ufrag"),
        (offer_body(good.replace("m=audio", "m=video")), 400, r"no audio"),
        (offer_body(re.sub(r"(m=audio \d+ UDP/TLS/RTP/SAVPF)[ 0-9]*", r"\1 111 8", good)), 400,
         r"no usable codec.*PCMU"),
        (offer_body(good.replace("UDP/TLS/RTP/SAVPF", "RTP/AVP")), 400, r"not DTLS-SRTP"),
        (offer_body(drop("a=rtcp-mux")), 400, r"rtcp-mux"),
        (offer_body(good.replace("a=setup:actpass", "a=setup:holdconn")), 400, r"a=setup"),
        (offer_body(good.replace("a=fingerprint:sha-256 ", "a=fingerprint:sha-256 ZZ")), 400,
         r"fingerprint.*does not parse"),
        # the peer's bytes in a reason reach galois's stderr escaped (run-webrtc.sh checks
        # that no ESC byte is there)
        (offer_body(good.replace("a=setup:actpass", "a=setup:\u001b[2J")), 400,
         r"a=setup:\\x1b\[2J is not"),
        (b"x" * (200 * 1024), 413, r"128 KiB"),
    ]
    for body, status, reason in bad:
        st, text = request(base, "POST", "/offer", body)
        short = body[:40]
        check(st == status and re.search(reason, text) and text.count("\n") == 1,
              "POST /offer %r... -> %s" % (short, st), text.strip()[:120],
              "%d /%s/, one line" % (status, reason))

    st, text = request(base, "GET", "/")
    check(st == 200 and "RTCPeerConnection" in text and "/offer?result=1" in text, "GET /", st, 200)
    for method, path, status in (("GET", "/nope", 404), ("GET", "/offer", 405),
                                 ("POST", "/", 405), ("POST", "/result", 404),
                                 ("POST", "/result?session=99", 404),
                                 ("POST", "/result?session=1x", 404),
                                 ("GET", "/favicon.ico", 204)):
        st, text = request(base, method, path, b"{}" if method == "POST" else None)
        check(st == status, "%s %s" % (method, path), st, status)

    # who may talk to galois: a Host that names it, no foreign Origin, JSON bodies only
    # (a page elsewhere can send a text/plain POST without a CORS preflight, and DNS rebinding
    # gives its own name as Host)
    port_ = a.http.rsplit(":", 1)[1]
    same = "http://" + a.http
    for what, path, hdrs, body, status, reason in (
            ("a rebound name as Host", "/offer", {"Host": "evil.example:" + port_},
             offer_body(good), 403, r"Host \"evil.example:\d+\" is not this server"),
            ("a Host with another port", "/offer", {"Host": "127.0.0.1:1"}, offer_body(good),
             403, r"not this server"),
            ("a Host without the port", "/", {"Host": "127.0.0.1"}, None, 403, r"not this server"),
            ("GET / with a rebound name", "/", {"Host": "evil.example:" + port_}, None, 403,
             r"not this server"),
            ("a foreign Origin", "/offer", {"Origin": "http://evil.example"}, offer_body(good),
             403, r"Origin \"http://evil.example\" is not this server's page"),
            ("Origin: null", "/offer", {"Origin": "null"}, offer_body(good), 403, r"Origin"),
            ("an https Origin", "/offer", {"Origin": "https://" + a.http}, offer_body(good), 403,
             r"Origin"),
            ("a foreign Origin on /result", "/result?session=1", {"Origin": "http://evil.example"},
             b'{"ok":true}', 403, r"Origin"),
            ("a text/plain body (no CORS preflight)", "/offer", {"Content-Type": "text/plain"},
             offer_body(good), 415, r"application/json"),
            ("no Content-Type", "/offer", {"Content-Type": None}, offer_body(good), 415,
             r"application/json"),
            ("form data", "/result?session=1",
             {"Content-Type": "application/x-www-form-urlencoded"}, b'{"ok":true}', 415,
             r"application/json"),
    ):
        method = "POST" if body is not None else "GET"
        st, text = request(base, method, path, body, hdrs)
        check(st == status and re.search(reason, text) and text.count("\n") == 1,
              "%s %s with %s -> %s" % (method, path, what, st), text.strip()[:120],
              "%d /%s/, one line" % (status, reason))
    # idle connections: at most 8 at once from one address, each closed after 10 s idle
    host_, hport = a.http.rsplit(":", 1)
    idle = [socket.create_connection((host_, int(hport)), timeout=5) for _ in range(8)]
    time.sleep(0.3)
    st, _ = request(base, "GET", "/")
    check(st == 0, "a 9th connection while 8 idle ones are open is refused", st, "no answer")
    for c in idle:
        c.close()
    time.sleep(0.3)
    st, _ = request(base, "GET", "/")
    check(st == 200, "GET / once the 8 idle connections are closed", st, 200)
    st = raw_request(a.http, "GET / HTTP/1.0\r\n\r\n")
    check(st == 403, "an HTTP/1.0 request without Host", st, 403)
    st, text = request(base, "GET", "/", None, {"Host": "localhost:" + port_})
    check(st == 200, "GET / as localhost:PORT (bound to 127.0.0.1)", st, 200)
    st, text = request(base, "GET", "/", None,
                       {"Host": "LocalHost:" + port_, "Origin": "http://localhost:" + port_})
    check(st == 200, "GET / with Host LocalHost:PORT and Origin http://localhost:PORT", st, 200)
    st, text = request(base, "GET", "/", None, {"Origin": "http://localhost:" + port_})
    check(st == 403, "Origin http://localhost:PORT on a request to 127.0.0.1:PORT (another origin)",
          st, 403)

    # the good offer: an answer of the shape Chromium needs
    # the session's UDP port is taken: the refusal says the real cause
    host, port = a.udp.rsplit(":", 1)
    blocker = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    blocker.bind((host, int(port)))
    st, text = request(base, "POST", "/offer", offer_body(good))
    check(st == 400 and "cannot bind UDP %s port %s: bind: Address already in use" % (host, port)
          in text, "an offer while --udp's port is taken", text.strip()[:120], "400 bind: ...")
    blocker.close()
    st, text = request(base, "POST", "/offer?result=1", offer_body(good),
                       {"Origin": same, "Content-Type": "application/json; charset=utf-8"})
    check(st == 200, "POST /offer?result=1 (Chromium's sample offer, our own Origin)", st, 200)
    try:
        ans = json.loads(text)
    except ValueError:
        ans = {}
    sdp = ans.get("sdp", "")
    lines = sdp.split("\r\n")
    check(ans.get("type") == "answer" and ans.get("session") == 1, "answer type and session",
          (ans.get("type"), ans.get("session")))
    token = ans.get("token", "")
    check(re.fullmatch(r"[0-9a-f]{32}", token), "answer has a 128-bit hex token", token)
    want = ["a=ice-lite", "a=setup:passive", "a=rtcp-mux", "a=mid:0", "a=group:BUNDLE 0",
            "m=audio %s UDP/TLS/RTP/SAVPF 0" % port, "a=rtpmap:0 PCMU/8000", "a=sendrecv",
            "c=IN IP4 %s" % host]
    for w in want:
        check(w in lines, "answer has '%s'" % w, w in lines, True)
    cands = [l for l in lines if l.startswith("a=candidate:")]
    check(len(cands) == 1 and cands[0].endswith(" %s %s typ host" % (host, port)),
          "answer has one host candidate on --udp", cands)
    fps = [l for l in lines if l.startswith("a=fingerprint:")]
    check(len(fps) == 1 and re.match(r"a=fingerprint:sha-256 ([0-9A-F]{2}:){31}[0-9A-F]{2}$", fps[0]),
          "answer a=fingerprint sha-256", fps)
    # a result whose strings would drive a terminal: galois's text report shows them escaped
    evil = {"ok": "\x1b[2J", "stats": {"transport": {"tlsVersion": "\x1b]0;pwned\x07",
                                                      "dtlsCipher": "\u009b31m", "srtpCipher": "\x7f"}}}
    for path, what in (("/result?session=1", "no token"),
                       ("/result?session=1&token=", "an empty token"),
                       ("/result?session=1&token=" + "0" * 32, "a wrong token"),
                       ("/result?session=1&token=" + token[:31], "a short token"),
                       ("/result?session=1&token=" + token + "0", "a long token")):
        st, text = request(base, "POST", path, json.dumps(evil).encode())
        check(st == 403 and "token" in text, "POST /result with %s" % what, st, 403)
    big = json.dumps({"ok": True, "pad": "x" * (70 * 1024)}).encode()
    st, text = request(base, "POST", "/result?session=1&token=" + token, big)
    check(st == 413 and "over 64 KiB" in text, "a 70 KiB /result", text.strip()[:80], "413")
    st, text = request(base, "POST", "/result?session=1&token=" + token,
                       json.dumps(evil).encode())
    check(st == 200, "POST /result?session=1&token=T with control characters in its strings",
          st, 200)
    st, text = request(base, "POST", "/result?session=1&token=" + token, b'{"ok":true}')
    check(st == 409, "a second /result", st, 409)
    st, text = request(base, "POST", "/offer", offer_body(good))
    check(st == 503 and "taken" in text, "a second offer with --sessions 1", st, 503)

    # datagrams: junk of every first-byte class, a check with a wrong password, then a good
    # check, then junk DTLS and SRTP from the checked address
    ufrag = re.search(r"a=ice-ufrag:(\S+)", sdp)
    pwd = re.search(r"a=ice-pwd:(\S+)", sdp)
    remote_ufrag = re.search(r"a=ice-ufrag:(\S+)", good).group(1)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(1)
    dst = (host, int(port))
    for first in (0, 1, 3, 16, 20, 22, 23, 63, 64, 79, 100, 128, 144, 191, 200, 255):
        for n in (1, 13, 20, 64, 1500):
            s.sendto(bytes([first]) + os.urandom(n - 1), dst)
    s.sendto(b"", dst)
    if ufrag and pwd:
        s.sendto(stun_request("%s:%s" % (ufrag.group(1), remote_ufrag), "wrong" * 5), dst)
        try:
            resp = s.recv(2048)
        except OSError:
            resp = b""
        check(resp == b"", "a check with a wrong password gets no answer (silent_refusals)",
              resp[:4].hex() or "none", "none")
        s.sendto(stun_request("%s:%s" % ("nobody", remote_ufrag), pwd.group(1)), dst)
        try:
            resp = s.recv(2048)
        except OSError:
            resp = b""
        check(resp == b"", "a check with a wrong username gets no answer", resp[:4].hex() or "none",
              "none")
        s.sendto(stun_request("%s:%s" % (ufrag.group(1), remote_ufrag), pwd.group(1)), dst)
        try:
            resp = s.recv(2048)
        except OSError:
            resp = b""
        check(resp[:2] == b"\x01\x01", "an authentic check is answered with success",
              resp[:2].hex(), "0101")
        for first in (20, 22, 128, 129, 200):
            for n in (13, 100, 1200):
                s.sendto(bytes([first]) + os.urandom(n - 1), dst)
    alive = True
    try:
        os.kill(a.pid, 0)
    except OSError:
        alive = False
    st, _ = request(base, "GET", "/")
    check(alive and st == 200, "galois is alive and serving after all that", (alive, st))
    return 0 if all(RESULTS) else 1


if __name__ == "__main__":
    sys.exit(main())
