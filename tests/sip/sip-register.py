#!/usr/bin/python3
"""Minimal SIP-over-TLS REGISTER client with digest auth (MD5 or SHA-256, RFC 8760), used by
the harness to check the registrar itself. Standard library only.

usage: sip-register.py USER PASSWORD [--proxy 127.0.0.1:5061] [--ca CA.pem]
                       [--expect-algorithm MD5|SHA-256] [--expect-status 200]
Sends REGISTER, answers the 401 challenge once with the algorithm the challenge names, and
prints the statuses. Exit 0 when the final status is --expect-status (and the challenge named
--expect-algorithm when given), 1 otherwise.
"""
import argparse
import hashlib
import random
import re
import socket
import ssl
import sys


def read_response(sock):
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(4096)
        if not chunk:
            raise ConnectionError("connection closed")
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    text = head.decode("utf-8", "replace").replace("\r\n", "\n")
    m = re.search(r"^Content-Length:\s*(\d+)", text, re.I | re.M)
    need = int(m.group(1)) if m else 0
    while len(rest) < need:
        rest += sock.recv(4096)
    return text


def digest(alg, *parts):
    h = hashlib.sha256 if alg.upper() == "SHA-256" else hashlib.md5
    return h(":".join(parts).encode()).hexdigest()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("user")
    ap.add_argument("password")
    ap.add_argument("--proxy", default="127.0.0.1:5061")
    ap.add_argument("--ca")
    ap.add_argument("--expect-algorithm")
    ap.add_argument("--expect-status", type=int, default=200)
    a = ap.parse_args()
    host, port = a.proxy.rsplit(":", 1)
    ctx = ssl.create_default_context(cafile=a.ca) if a.ca else ssl._create_unverified_context()
    raw = socket.create_connection((host, int(port)), timeout=5)
    sock = ctx.wrap_socket(raw, server_hostname=host)
    lport = sock.getsockname()[1]
    print(f"tls {sock.version()} {sock.cipher()[0]}")
    callid = "%016x@galois-harness" % random.getrandbits(64)
    tag = "%08x" % random.getrandbits(32)
    uri = f"sip:{host}"
    aor = f"sip:{a.user}@{host}"
    status, challenge_alg = None, None
    auth = None
    for cseq in (1, 2):
        msg = (f"REGISTER {uri} SIP/2.0\r\n"
               f"Via: SIP/2.0/TLS {host}:{lport};branch=z9hG4bK{random.getrandbits(48):x};rport\r\n"
               f"Max-Forwards: 70\r\nFrom: <{aor}>;tag={tag}\r\nTo: <{aor}>\r\n"
               f"Call-ID: {callid}\r\nCSeq: {cseq} REGISTER\r\n"
               f"Contact: <sip:{a.user}@{host}:{lport};transport=tls>\r\nExpires: 60\r\n")
        if auth:
            msg += auth
        msg += "Content-Length: 0\r\n\r\n"
        sock.sendall(msg.encode())
        resp = read_response(sock)
        status = int(resp.split(" ", 2)[1])
        print(f"REGISTER cseq {cseq} -> {resp.splitlines()[0]}")
        if status != 401 or auth:
            break
        m = re.search(r"^WWW-Authenticate:\s*Digest\s+(.*)$", resp, re.I | re.M)
        if not m:
            print("401 without a Digest challenge")
            return 1
        params = dict(re.findall(r'(\w+)="?([^",]*)"?', m.group(1)))
        challenge_alg = params.get("algorithm", "MD5").strip()
        print(f"challenge: realm={params.get('realm')} algorithm={challenge_alg} qop={params.get('qop')}")
        realm, nonce = params["realm"], params["nonce"]
        ha1 = digest(challenge_alg, a.user, realm, a.password)
        ha2 = digest(challenge_alg, "REGISTER", uri)
        extra = ""
        if "qop" in params and "auth" in params["qop"].split(","):
            cnonce, nc = "%08x" % random.getrandbits(32), "00000001"
            resp_hash = digest(challenge_alg, ha1, nonce, nc, cnonce, "auth", ha2)
            extra = f', qop=auth, nc={nc}, cnonce="{cnonce}"'
        else:
            resp_hash = digest(challenge_alg, ha1, nonce, ha2)
        auth = (f'Authorization: Digest username="{a.user}", realm="{realm}", nonce="{nonce}", '
                f'uri="{uri}", response="{resp_hash}", algorithm={challenge_alg}{extra}\r\n')
    sock.close()
    ok = status == a.expect_status
    if a.expect_algorithm and (challenge_alg or "").upper() != a.expect_algorithm.upper():
        print(f"challenge algorithm {challenge_alg}, want {a.expect_algorithm}")
        ok = False
    print(f"final status {status}, want {a.expect_status}: {'ok' if ok else 'FAIL'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
