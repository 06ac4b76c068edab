#!/usr/bin/python3
"""Checks one Chromium scenario of tests/webrtc/run-webrtc.sh from galois webrtc's --json report
(which carries the page's own getStats() summary under "browser") and its exit status.

usage: webrtc_check.py --galois-out FILE --galois-rc N --galois-err FILE --profile NAME
           [--udp 127.0.0.1:PORT] [--min-packets 100] [--source echo|tone]

Prints one line per check ("ok   what: value" or "FAIL what: value (wanted ...)") and exits 0
when every check passed, 1 otherwise. Standard library only.
"""
import argparse
import json
import re
import sys

RESULTS = []

# OpenSSL's profile names (galois) -> what Chromium's getStats() calls them
CHROMIUM_NAME = {
    "SRTP_AEAD_AES_256_GCM": "SRTP_AEAD_AES_256_GCM",
    "SRTP_AEAD_AES_128_GCM": "SRTP_AEAD_AES_128_GCM",
    "SRTP_AES128_CM_SHA1_80": "SRTP_AES128_CM_HMAC_SHA1_80",
    "SRTP_AES128_CM_SHA1_32": "SRTP_AES128_CM_HMAC_SHA1_32",
}


def check(cond, what, got, wanted=None):
    RESULTS.append(bool(cond))
    line = "%s %s: %s" % ("ok  " if cond else "FAIL", what, got)
    if not cond and wanted is not None:
        line += " (wanted %s)" % wanted
    print(line)


def get(obj, path, default=None):
    for k in path.split("."):
        if not isinstance(obj, dict) or k not in obj:
            return default
        obj = obj[k]
    return obj


def num(v):
    return v if isinstance(v, (int, float)) and not isinstance(v, bool) else None


def hexonly(fp):
    if not isinstance(fp, str):
        return ""
    return re.sub(r"[^0-9a-f]", "", fp.split(" ", 1)[-1].lower())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--galois-out", required=True)
    ap.add_argument("--galois-err", required=True)
    ap.add_argument("--galois-rc", type=int, required=True)
    ap.add_argument("--profile", required=True)
    ap.add_argument("--udp")
    ap.add_argument("--min-packets", type=int, default=100)
    ap.add_argument("--source", default="echo")
    a = ap.parse_args()

    try:
        with open(a.galois_err, encoding="utf-8", errors="replace") as f:
            stderr = f.read().strip()
    except OSError:
        stderr = ""
    try:
        with open(a.galois_out, encoding="utf-8") as f:
            report = json.loads(f.read())
    except (OSError, ValueError) as e:
        check(False, "galois printed one JSON object on stdout", str(e))
        return 1
    check(True, "galois printed one JSON object on stdout", "yes")
    check(a.galois_rc == 0, "galois exit status", a.galois_rc, 0)
    if a.galois_rc != 0 and stderr:
        print("     galois stderr (last line): %s" % stderr.splitlines()[-1])
    sessions = report.get("sessions")
    check(isinstance(sessions, list) and len(sessions) == 1, "galois report has 1 session",
          len(sessions) if isinstance(sessions, list) else repr(sessions))
    if not isinstance(sessions, list) or len(sessions) != 1:
        return 1
    # the page's own requests (GET /, its favicon, /offer, /result with the token) pass the
    # Host, Origin and Content-Type checks
    check(report.get("refused_requests") == 0, "galois refused none of the page's requests",
          report.get("refused_requests"), 0)
    s = sessions[0]
    d, ice, m, b = s.get("dtls") or {}, s.get("ice") or {}, s.get("media") or {}, s.get("browser")
    check(s.get("ok") is True, "session ok", s.get("ok"), True)
    check(s.get("error") == "", "session error", repr(s.get("error")), "''")

    # what galois negotiated
    check(d.get("profile") == a.profile, "galois dtls.profile", d.get("profile"), a.profile)
    check(d.get("version") == "DTLSv1.2", "galois dtls.version", d.get("version"), "DTLSv1.2")
    check(d.get("role") == "server", "galois dtls.role (a=setup:passive)", d.get("role"), "server")
    check(isinstance(d.get("cipher"), str) and d["cipher"].startswith("ECDHE-"),
          "galois dtls.cipher", d.get("cipher"), "ECDHE-...")
    check(ice.get("nominated") is True, "galois ice.nominated", ice.get("nominated"), True)
    check((num(ice.get("checks")) or 0) >= 1, "galois ice.checks", ice.get("checks"), ">= 1")

    # media as galois counted it
    rx, tx = num(m.get("received")), num(m.get("sent"))
    check(rx is not None and rx >= a.min_packets, "galois media.received", rx,
          ">= %d" % a.min_packets)
    check(tx is not None and tx >= a.min_packets, "galois media.sent", tx, ">= %d" % a.min_packets)
    check(m.get("auth_failures") == 0, "galois media.auth_failures", m.get("auth_failures"), 0)
    check(m.get("replays") == 0, "galois media.replays", m.get("replays"), 0)
    check(m.get("codec", "").upper().startswith("PCMU"), "galois media.codec", m.get("codec"),
          "PCMU")

    # what the browser itself says (its getStats(), posted to /result)
    check(isinstance(b, dict), "the page's /result is in the report", type(b).__name__, "object")
    if not isinstance(b, dict):
        return 1
    check(b.get("ok") is True, "page ok", b.get("ok"), True)
    if b.get("error"):
        print("     page error: %s" % b["error"])
    want = CHROMIUM_NAME.get(a.profile, a.profile)
    t = get(b, "stats.transport", {})
    check(t.get("srtpCipher") == want, "browser srtpCipher (getStats)", t.get("srtpCipher"), want)
    check(t.get("tlsVersion") == "FEFD", "browser tlsVersion (DTLS 1.2)", t.get("tlsVersion"),
          "FEFD")
    check(t.get("dtlsState") == "connected", "browser dtlsState", t.get("dtlsState"), "connected")
    check(t.get("dtlsRole") == "client", "browser dtlsRole", t.get("dtlsRole"), "client")
    check(isinstance(t.get("dtlsCipher"), str) and t["dtlsCipher"].startswith("TLS_ECDHE_ECDSA"),
          "browser dtlsCipher", t.get("dtlsCipher"), "TLS_ECDHE_ECDSA_...")
    offered = hexonly(b.get("offerFingerprint"))
    check(offered and hexonly(d.get("peer_fingerprint")) == offered,
          "galois dtls.peer_fingerprint is the browser's offered a=fingerprint",
          d.get("peer_fingerprint"), b.get("offerFingerprint"))
    pair = get(b, "stats.selectedCandidatePair", {})
    local = (pair.get("local") or "").split(" ")[0]
    check(local and ice.get("remote") == local, "galois ice.remote is the browser's local candidate",
          ice.get("remote"), local)
    if a.udp:
        remote = (pair.get("remote") or "").split(" ")[0]
        check(remote == a.udp, "browser's selected pair goes to galois --udp", remote, a.udp)
    inb, outb = get(b, "stats.inbound", {}), get(b, "stats.outbound", {})
    brx, btx = num(inb.get("packetsReceived")), num(outb.get("packetsSent"))
    check(brx is not None and brx >= a.min_packets, "browser inbound packetsReceived", brx,
          ">= %d" % a.min_packets)
    check(btx is not None and btx >= a.min_packets, "browser outbound packetsSent", btx,
          ">= %d" % a.min_packets)
    check(inb.get("codec") == "audio/PCMU", "browser inbound codec", inb.get("codec"), "audio/PCMU")
    level = num(inb.get("audioLevel"))
    check(level is not None and level > 0,
          "browser inbound audioLevel (%s from galois)" % a.source, level, "> 0")
    # the page samples its stats about 0.5 s before galois ends the media, so galois's final
    # count is at least what the browser had sent by then, give or take a packet in flight
    check(rx is not None and btx is not None and rx + 2 >= btx,
          "galois received >= browser sent at its sample", "%s >= %s" % (rx, btx))
    check(brx is not None and tx is not None and brx <= tx, "browser received <= galois sent",
          "%s <= %s" % (brx, tx))
    return 0 if all(RESULTS) else 1


if __name__ == "__main__":
    sys.exit(main())
