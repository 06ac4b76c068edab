#!/usr/bin/python3
"""Checks one aiortc scenario of tests/webrtc/run-aiortc.sh: galois's --json report and exit
status against aiortc_peer.py's REPORT line.

usage: aiortc_check.py --expect ok|no-profile|bad-fingerprint --galois-out FILE
           --galois-rc N --galois-err FILE --peer-out FILE [--tone HZ] [--min-packets 100]
           [--profile SRTP_AES128_CM_SHA1_80] [--udp 127.0.0.1:PORT]

Prints one line per check ("ok   what: value" or "FAIL what: value (wanted ...)") and
exits 0 when every check passed, 1 otherwise.
"""
import argparse
import json
import re
import sys

RESULTS = []


def check(cond, what, got, wanted=None):
    RESULTS.append(bool(cond))
    line = "%s %s: %s" % ("ok  " if cond else "FAIL", what, got)
    if not cond and wanted is not None:
        line += " (wanted %s)" % wanted
    print(line)


def info(what, got):
    print("     %s: %s" % (what, got))


def last_json(path):
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
    # a pretty-printed report spans several lines: try the whole file
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            obj = json.loads(f.read())
        if isinstance(obj, dict):
            return obj, None
    except ValueError:
        pass
    return None, "no JSON object in %s" % path


def peer_report(path):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            for line in f:
                if line.startswith("REPORT "):
                    return json.loads(line[7:]), None
    except (OSError, ValueError) as e:
        return None, str(e)
    return None, "no REPORT line in %s" % path


def get(obj, path, default=None):
    for k in path.split("."):
        if not isinstance(obj, dict) or k not in obj:
            return default
        obj = obj[k]
    return obj


def hexonly(fp):
    """'sha-256 AB:cd:..' / 'AB:CD..' -> 'ABCD...' (None stays None)."""
    if not isinstance(fp, str):
        return None
    fp = re.sub(r"^\s*sha-256\s+", "", fp, flags=re.I)
    return re.sub(r"[^0-9A-Fa-f]", "", fp).upper()


def num(v):
    return v if isinstance(v, (int, float)) and not isinstance(v, bool) else None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--expect", required=True, choices=["ok", "no-profile", "bad-fingerprint"])
    ap.add_argument("--galois-out", required=True)
    ap.add_argument("--galois-rc", type=int, required=True)
    ap.add_argument("--galois-err", required=True)
    ap.add_argument("--peer-out", required=True)
    ap.add_argument("--tone", type=float, default=440.0)
    ap.add_argument("--tol", type=float, default=15.0)
    ap.add_argument("--min-packets", type=int, default=100)
    ap.add_argument("--min-rms", type=float, default=1000.0)
    ap.add_argument("--profile", default="SRTP_AES128_CM_SHA1_80")
    ap.add_argument("--udp", help="galois's UDP address as given to --udp")
    a = ap.parse_args()

    try:
        with open(a.galois_err, encoding="utf-8", errors="replace") as f:
            stderr = f.read().strip()
    except OSError:
        stderr = ""
    g, gerr = last_json(a.galois_out)
    p, perr = peer_report(a.peer_out)
    check(p is not None, "aiortc printed its REPORT", "yes" if p else perr)
    check(g is not None, "galois printed a --json report", "yes" if g else gerr)
    if p is None or g is None:
        return 1
    sessions = g.get("sessions")
    check(isinstance(sessions, list) and len(sessions) == 1, "galois report has 1 session",
          len(sessions) if isinstance(sessions, list) else repr(sessions))
    if not isinstance(sessions, list) or len(sessions) != 1:
        return 1
    s = sessions[0]
    pm = p.get("media", {})
    info("galois session", json.dumps(s, sort_keys=True))
    info("galois stderr (last line)", stderr.splitlines()[-1] if stderr else "(empty)")
    info("aiortc", "http %s, states %s, dtls %s, media %s" % (
        p.get("http_status"), json.dumps(p.get("reached")), json.dumps(p.get("dtls")),
        json.dumps(pm, sort_keys=True)))

    # the offer really was what the scenario says: PCMU only, actpass, no .local candidate
    off = p.get("offer", {})
    check(off.get("audio_pts") == [0], "aiortc's offer m=audio payload types", off.get("audio_pts"),
          "[0] (PCMU only)")
    check(off.get("setup") == ["actpass"], "aiortc's offer a=setup", off.get("setup"), "actpass")
    cands = off.get("candidates", [])
    check(len(cands) >= 1 and all(" 127.0.0.1 " in c and ".local" not in c for c in cands),
          "aiortc's offer candidates are 127.0.0.1 only", cands)
    sent_fp = hexonly((off.get("fingerprints") or [None])[0])
    real_fp = hexonly(p.get("cert_fingerprint"))
    if a.expect == "bad-fingerprint":
        check(sent_fp and real_fp and sent_fp != real_fp,
              "the offer's a=fingerprint differs from aiortc's certificate",
              "offer %s, certificate %s" % (sent_fp, real_fp))
    else:
        check(sent_fp and sent_fp == real_fp, "the offer's a=fingerprint is aiortc's certificate",
              sent_fp)

    # signalling: galois answered the offer with 200 and an answer of the contract's shape
    check(p.get("http_status") == 200, "POST /offer status", p.get("http_status"), 200)
    if p.get("http_error"):
        info("POST /offer error", p["http_error"])
    ans = p.get("answer")
    if ans:
        check(ans.get("ice_lite") is True, "answer has a=ice-lite", ans.get("ice_lite"))
        check(ans.get("setup") == ["passive"], "answer a=setup", ans.get("setup"), "passive")
        acands = ans.get("candidates", [])
        ok_c = (len(acands) == 1 and re.search(r" udp \d+ 127\.0\.0\.1 \d+ typ host", acands[0], re.I))
        check(ok_c, "answer has one host candidate 127.0.0.1", acands)
        if ok_c and a.udp:
            port = a.udp.rsplit(":", 1)[1]
            check(re.search(r" 127\.0\.0\.1 %s typ host" % port, acands[0]),
                  "answer candidate is galois's --udp %s" % a.udp, acands[0])
        fps = ans.get("fingerprints", [])
        check(len(fps) >= 1 and all(re.match(r"sha-256 ([0-9A-F]{2}:){31}[0-9A-F]{2}$", f, re.I)
                                    for f in fps), "answer a=fingerprint sha-256", fps)
        check(ans.get("rtcp_mux") is True, "answer has a=rtcp-mux", ans.get("rtcp_mux"))
        check(ans.get("audio_pts") == [0], "answer m=audio payload types", ans.get("audio_pts"),
              "[0]")
    else:
        check(False, "galois's answer", "none")

    gd, gi, gm = s.get("dtls") or {}, s.get("ice") or {}, s.get("media") or {}
    if a.expect == "ok":
        check(a.galois_rc == 0, "galois exit status", a.galois_rc, 0)
        check(s.get("ok") is True, "galois session ok", s.get("ok"), True)
        check(s.get("error") in ("", None), "galois session error", repr(s.get("error")), "''")
        check(gd.get("profile") == a.profile, "galois dtls.profile", gd.get("profile"), a.profile)
        check(isinstance(gd.get("version"), str) and re.search(r"1\.2", gd["version"]) and
              re.search(r"dtls", gd["version"], re.I), "galois dtls.version", gd.get("version"),
              "DTLS 1.2")
        check(isinstance(gd.get("cipher"), str) and gd["cipher"] != "", "galois dtls.cipher",
              gd.get("cipher"))
        check(gd.get("role") == "server", "galois dtls.role (a=setup:passive)", gd.get("role"),
              "server")
        check(real_fp and hexonly(gd.get("peer_fingerprint")) == real_fp,
              "galois dtls.peer_fingerprint is aiortc's certificate", gd.get("peer_fingerprint"),
              real_fp)
        local = get(p, "ice.local")
        check(local and gi.get("remote") == local, "galois ice.remote is aiortc's address",
              gi.get("remote"), local)
        check(gi.get("nominated") is True, "galois ice.nominated", gi.get("nominated"), True)
        check((num(gi.get("checks")) or 0) >= 1, "galois ice.checks", gi.get("checks"), ">= 1")
        check(isinstance(gm.get("codec"), str) and "PCMU" in gm["codec"].upper(),
              "galois media.codec", gm.get("codec"), "PCMU")
        rx, tx = num(gm.get("received")), num(gm.get("sent"))
        check(rx is not None and rx >= a.min_packets, "galois media.received", rx,
              ">= %d" % a.min_packets)
        check(tx is not None and tx >= a.min_packets, "galois media.sent", tx,
              ">= %d" % a.min_packets)
        check(gm.get("auth_failures") == 0, "galois media.auth_failures", gm.get("auth_failures"), 0)
        check(gm.get("replays") == 0, "galois media.replays", gm.get("replays"), 0)
        check((num(gm.get("rtcp_received")) or 0) >= 1, "galois media.rtcp_received (aiortc SRTCP)",
              gm.get("rtcp_received"), ">= 1")
        check("browser" in s and s.get("browser") is None, "galois session browser", s.get("browser"),
              "null")
        psent, prx = num(pm.get("packets_sent")), num(pm.get("packets_received"))
        check(rx is not None and psent is not None and rx <= psent,
              "galois received <= aiortc sent", "%s <= %s" % (rx, psent))
        check(tx is not None and prx is not None and prx <= tx,
              "aiortc received <= galois sent", "%s <= %s" % (prx, tx))
        # aiortc's side
        check("connected" in get(p, "reached.connection", []), "aiortc connection reached connected",
              get(p, "reached.connection"))
        check(get(p, "dtls.srtp_profile") == a.profile, "aiortc SRTP profile (OpenSSL)",
              get(p, "dtls.srtp_profile"), a.profile)
        check(get(p, "dtls.version") == "DTLSv1.2", "aiortc DTLS version", get(p, "dtls.version"),
              "DTLSv1.2")
        check(get(p, "dtls.role") == "client", "aiortc DTLS role", get(p, "dtls.role"), "client")
        check(get(p, "ice.remote") == (a.udp or get(p, "ice.remote")),
              "aiortc's selected pair goes to galois's --udp", get(p, "ice.remote"), a.udp)
        check((num(pm.get("frames")) or 0) >= a.min_packets, "aiortc decoded frames",
              pm.get("frames"), ">= %d" % a.min_packets)
        check((num(pm.get("rms")) or 0) > a.min_rms, "aiortc received RMS", pm.get("rms"),
              "> %g (the tone is sent at amplitude 8000, RMS ~5657)" % a.min_rms)
        f = num(pm.get("freq_hz"))
        check(f is not None and abs(f - a.tone) <= a.tol, "aiortc received tone (echo of its own)",
              "%s Hz (purity %s)" % (f, pm.get("purity")), "%g +- %g Hz" % (a.tone, a.tol))
    else:
        check(a.galois_rc == 1, "galois exit status", a.galois_rc, 1)
        check(s.get("ok") is False, "galois session ok", s.get("ok"), False)
        err = s.get("error") or ""
        if a.expect == "no-profile":
            check(re.search(r"SRTP", err) and re.search(r"profile", err, re.I),
                  "galois error names the SRTP profile problem", repr(err), "/SRTP.*profile/")
            check(a.profile in err, "galois error names the profile aiortc offers (%s)" % a.profile,
                  a.profile in err)
            check(not gd.get("profile"), "galois dtls.profile is empty", repr(gd.get("profile")))
            check(re.search(r"SRTP", stderr) and re.search(r"profile", stderr, re.I),
                  "galois stderr says why", repr(stderr.splitlines()[-1] if stderr else ""))
        else:
            check(re.search(r"fingerprint", err, re.I), "galois error names the fingerprint",
                  repr(err), "/fingerprint/")
            named = [hexonly(f) for f in re.findall(r"(?:[0-9A-F]{2}:){31}[0-9A-F]{2}", err, re.I)]
            check(real_fp in named and sent_fp in named,
                  "galois error names aiortc's certificate and the offer's a=fingerprint",
                  "certificate %s, offer %s" % (real_fp in named, sent_fp in named))
            check(re.search(r"fingerprint", stderr, re.I), "galois stderr says why",
                  repr(stderr.splitlines()[-1] if stderr else ""))
        check(gi.get("nominated") is True, "galois ice.nominated (the refusal is DTLS's, not ICE's)",
              gi.get("nominated"), True)
        if s.get("media") is None:
            check(True, "galois media", "null (no media section for the failed session)")
        else:
            check(gm.get("received") == 0, "galois media.received", gm.get("received"), 0)
            check(gm.get("sent") == 0, "galois media.sent", gm.get("sent"), 0)
        reached = get(p, "reached.dtls", [])
        check("connected" not in reached, "aiortc's DTLS never completed (galois sent no Finished)",
              reached)
        check(pm.get("frames", 0) == 0 and pm.get("packets_received", 0) == 0,
              "aiortc received no media", "%s frames, %s packets" % (pm.get("frames"),
                                                                      pm.get("packets_received")))
    return 0 if all(RESULTS) else 1


if __name__ == "__main__":
    sys.exit(main())
