#!/usr/bin/python3
"""Checks one `galois audit --json` report against expectations (tests/audit/run-audit.sh).

usage: check-audit.py REPORT.json EXIT_STATUS [expectations ...]

Prints one line per check, "ok   ..." or "FAIL ...", and exits 0 when every check held, 1
otherwise. Whatever the expectations, it always checks that the report is one JSON object of
the documented shape (docs/AUDIT.md), that its "exit" is the process's exit status, that the
exit status follows the grade (0 for A+/A/B, 1 for C/D/F, 2 with grade null), and that the
grade is the worst cap among the reasons (A+ when none caps it).

Expectations:
  --grade G[,G...]         the grade is one of these ("C,D,F" = C or worse)
  --exit N                 the exit status is N
  --reason REGEX           some reason's text matches (re.search); repeatable
  --no-reason REGEX        no reason's text matches; repeatable
  --reason-cap REGEX=G,..  the reason matching REGEX has one of these caps; repeatable
  --tls-accepted V         TLS version V (TLSv1.0 ... TLSv1.3) was tested and accepted
  --tls-refused V          V was tested and refused (no ciphers listed)
  --ciphers V=N1:N2...     the accepted ciphers of V are exactly these OpenSSL names
  --all-aead-fs            every accepted cipher of every version is AEAD and forward secret
  --srtp-only S1,S2        among the SRTP probes exactly the offers S1, S2 ... were accepted
                           (2xx with SRTP of the offered suite); "" = none
  --srtp-accepted OFFER    this offer ("offer" label) was accepted with its own suite; repeatable
  --plain accepted|refused the plain RTP/AVP probe was accepted / refused
  --probes N               N probes, every one sent
  --all-torn-down          every sent probe has torn_down true
  --keys-sound             every accepted SRTP answer's key is well formed, not echoed, not reused
  --cert-verified          the chain verified against --ca and the name matched
  --cert-expired-days LO:HI  the certificate expired LO..HI days ago (expired true, days_left
                           -HI..-LO, the reason "certificate expired N days ago" agrees)
  --cert-not-after YYYY-MM-DD  the certificate's not_after is that day
  --unreachable REGEX      grade null, exit 2, error matches REGEX, no reasons, tls.reachable
                           false
  --text FILE              the text report of a second run: its "Grade: X" line is this
                           report's grade and every non-info reason text appears in it (for
                           an unreachable target: "not graded: <error>")
  --label NAME             prefix for the printed lines
"""
import argparse
import json
import re
import sys

GRADES = ["A+", "A", "B", "C", "D", "F"]
VERSIONS = ["TLSv1.0", "TLSv1.1", "TLSv1.2", "TLSv1.3"]


class Checker:
    def __init__(self, label):
        self.label = label
        self.failed = 0

    def check(self, cond, what, detail=""):
        tag = "ok  " if cond else "FAIL"
        line = f"{self.label}: {tag} {what}"
        if not cond and detail:
            line += f" -- {detail}"
        print(line)
        if not cond:
            self.failed += 1
        return cond


def short(obj, n=300):
    s = json.dumps(obj, separators=(",", ":"))
    return s if len(s) <= n else s[:n] + "..."


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("report")
    ap.add_argument("status", type=int)
    ap.add_argument("--label", default="audit")
    ap.add_argument("--grade")
    ap.add_argument("--exit", type=int, dest="want_exit")
    ap.add_argument("--reason", action="append", default=[])
    ap.add_argument("--no-reason", action="append", default=[])
    ap.add_argument("--reason-cap", action="append", default=[])
    ap.add_argument("--tls-accepted", action="append", default=[])
    ap.add_argument("--tls-refused", action="append", default=[])
    ap.add_argument("--ciphers", action="append", default=[])
    ap.add_argument("--all-aead-fs", action="store_true")
    ap.add_argument("--srtp-only")
    ap.add_argument("--srtp-accepted", action="append", default=[])
    ap.add_argument("--plain", choices=["accepted", "refused"])
    ap.add_argument("--probes", type=int)
    ap.add_argument("--all-torn-down", action="store_true")
    ap.add_argument("--keys-sound", action="store_true")
    ap.add_argument("--cert-verified", action="store_true")
    ap.add_argument("--cert-expired-days")
    ap.add_argument("--cert-not-after")
    ap.add_argument("--unreachable")
    ap.add_argument("--text")
    a = ap.parse_args()
    c = Checker(a.label)

    try:
        with open(a.report, encoding="utf-8") as f:
            raw = f.read()
        rep = json.loads(raw)
    except (OSError, ValueError) as e:
        c.check(False, "the report is one JSON object", str(e))
        return 1
    if not c.check(isinstance(rep, dict), "the report is one JSON object", type(rep).__name__):
        return 1

    # --- always: shape and internal consistency ----------------------------------------
    for key in ("target", "grade", "exit", "reasons", "tls", "sip"):
        c.check(key in rep, f"top level has '{key}'", f"keys: {sorted(rep)}")
    grade = rep.get("grade")
    reasons = rep.get("reasons") or []
    texts = [r.get("text", "") for r in reasons if isinstance(r, dict)]
    c.check(rep.get("exit") == a.status, f"\"exit\" ({rep.get('exit')}) is the exit status ({a.status})")
    shape_ok = all(isinstance(r, dict) and r.get("severity") in ("bad", "warn", "info")
                   and r.get("cap") in GRADES and isinstance(r.get("text"), str) and r["text"]
                   for r in reasons)
    c.check(shape_ok, "every reason is {severity: bad|warn|info, cap: A+..F, text}", short(reasons))
    if grade is None:
        c.check(a.status == 2, "grade null goes with exit status 2", f"status {a.status}")
        c.check(isinstance(rep.get("error"), str) and rep.get("error") != "",
                "an unreachable report says why in \"error\"", short(rep.get("error")))
    else:
        c.check(grade in GRADES, f"grade '{grade}' is one of {','.join(GRADES)}")
        if grade in GRADES:
            want = 0 if GRADES.index(grade) <= GRADES.index("B") else 1
            c.check(a.status == want, f"exit status {a.status} fits grade {grade} (want {want})")
            if shape_ok:
                # info reasons are said, they do not grade (docs/AUDIT.md)
                worst = max((GRADES.index(r["cap"]) for r in reasons if r["severity"] != "info"),
                            default=0)
                c.check(GRADES[worst] == grade,
                        f"grade {grade} is the worst cap among the reasons ({GRADES[worst]})",
                        "; ".join(f"{r['cap']}: {r['text']}" for r in reasons))
        c.check("error" not in rep, "no top-level \"error\" in a graded report", short(rep.get("error")))
    tls = rep.get("tls") or {}
    vers = tls.get("versions") or {}
    if grade is not None:
        c.check(tls.get("reachable") is True and tls.get("handshake") is True,
                "tls.reachable and tls.handshake are true")
        c.check(sorted(vers) == sorted(VERSIONS), f"tls.versions has {', '.join(VERSIONS)}",
                f"has {sorted(vers)}")
    reasons_line = "; ".join(texts)

    # --- expectations --------------------------------------------------------------------
    if a.grade is not None:
        allowed = a.grade.split(",")
        c.check(grade in allowed, f"grade {grade} is one of {a.grade}", f"reasons: {reasons_line}")
    if a.want_exit is not None:
        c.check(a.status == a.want_exit, f"exit status {a.status} == {a.want_exit}")
    for rx in a.reason:
        c.check(any(re.search(rx, t) for t in texts), f"a reason matches /{rx}/",
                f"reasons: {reasons_line}")
    for rx in a.no_reason:
        bad = [t for t in texts if re.search(rx, t)]
        c.check(not bad, f"no reason matches /{rx}/", f"found: {bad}")
    for spec in a.reason_cap:
        rx, caps = spec.rsplit("=", 1)
        hits = [r for r in reasons if isinstance(r, dict) and re.search(rx, r.get("text", ""))]
        c.check(bool(hits) and all(r.get("cap") in caps.split(",") for r in hits),
                f"the reason /{rx}/ caps at {caps}", short(hits))
    for v in a.tls_accepted:
        e = vers.get(v) or {}
        c.check(e.get("tested") is True and e.get("accepted") is True and len(e.get("ciphers") or []) > 0,
                f"{v} tested and accepted with ciphers", short(e))
    for v in a.tls_refused:
        e = vers.get(v) or {}
        c.check(e.get("tested") is True and e.get("accepted") is False and not e.get("ciphers"),
                f"{v} tested and refused", short(e))
    for spec in a.ciphers:
        v, names = spec.split("=", 1)
        want = sorted(n for n in names.split(":") if n)
        got = sorted(x.get("name", "") for x in (vers.get(v) or {}).get("ciphers") or [])
        c.check(got == want, f"{v} accepts exactly {', '.join(want) or 'nothing'}", f"got {got}")
    if a.all_aead_fs:
        weak = [f"{v} {x.get('name')}" for v in VERSIONS for x in (vers.get(v) or {}).get("ciphers") or []
                if not (x.get("aead") is True and x.get("forward_secret") is True)]
        c.check(not weak, "every accepted cipher is AEAD with forward secrecy", f"not: {weak}")

    sip = rep.get("sip") or {}
    probes = sip.get("probes") or []
    srtp = [p for p in probes if p.get("kind") == "srtp"]
    plain = [p for p in probes if p.get("kind") == "plain"]

    def ok_srtp(p):
        return (p.get("accepted") is True and p.get("answer_plain") is False
                and p.get("answer_suite") == p.get("suite") and 200 <= (p.get("status") or 0) < 300)

    table = "; ".join(f"{p.get('offer')}: {p.get('status')} acc={p.get('accepted')} "
                      f"suite={p.get('answer_suite')!r} plain={p.get('answer_plain')} "
                      f"torn={p.get('torn_down')}" for p in probes)
    if a.probes is not None:
        c.check(len(probes) == a.probes and all(p.get("sent") is True for p in probes),
                f"{a.probes} SIP probes, every one sent", f"{len(probes)}: {table}")
    if a.srtp_only is not None:
        want = sorted(s for s in a.srtp_only.split(",") if s)
        got = sorted(p.get("offer") for p in srtp if p.get("accepted") is True)
        c.check(got == want and all(ok_srtp(p) for p in srtp if p.get("offer") in want),
                f"exactly these SRTP offers accepted, each with its own suite: {', '.join(want) or 'none'}",
                f"accepted {got}; {table}")
        c.check(not any(p.get("answer_plain") for p in srtp), "no SRTP offer answered with plain RTP", table)
    for off in a.srtp_accepted:
        hit = [p for p in srtp if p.get("offer") == off]
        c.check(len(hit) == 1 and ok_srtp(hit[0]), f"the {off} offer was accepted with {off}",
                short(hit))
    if a.plain is not None:
        want = a.plain == "accepted"
        c.check(len(plain) == 1 and plain[0].get("sent") is True and plain[0].get("accepted") is want
                and (200 <= (plain[0].get("status") or 0) < 300) == want
                and plain[0].get("offer") == "RTP/AVP (no SRTP)",
                f"the plain RTP/AVP probe was {a.plain}", short(plain))
    if a.all_torn_down:
        left = [p.get("offer") for p in probes if p.get("sent") and p.get("torn_down") is not True]
        c.check(bool(probes) and not left, "every sent probe is torn_down", f"not torn down: {left}")
    if a.keys_sound:
        acc = [p for p in srtp if p.get("accepted")]
        bad = [p.get("offer") for p in acc if not (p.get("key_well_formed") is True
               and p.get("key_echoed") is False and p.get("key_reused") is False)]
        c.check(bool(acc) and not bad, "every accepted SRTP answer has a fresh well-formed key",
                f"bad: {bad}")

    cert = tls.get("certificate") or {}
    if a.cert_verified:
        c.check(cert.get("present") is True and cert.get("chain_verified") is True
                and cert.get("name_matched") is True and cert.get("expired") is False,
                "certificate present, chain verified with --ca, name matched, not expired",
                short(cert))
    if a.cert_expired_days:
        lo, hi = (int(x) for x in a.cert_expired_days.split(":"))
        dl = cert.get("days_left")
        c.check(cert.get("expired") is True and isinstance(dl, int) and -hi <= dl <= -lo,
                f"certificate expired, days_left in -{hi}..-{lo}", short(cert))
        m = [re.search(r"certificate expired (\d+) days? ago", t) for t in texts]
        m = [x for x in m if x]
        c.check(len(m) == 1 and lo <= int(m[0].group(1)) <= hi,
                f"one reason 'certificate expired N days ago' with N in {lo}..{hi}", reasons_line)
        if m and isinstance(dl, int):
            c.check(int(m[0].group(1)) == -dl, f"the reason's N ({m[0].group(1)}) is -days_left ({dl})")
        c.check("expired" in (cert.get("verify_error") or "").lower() and cert.get("chain_verified") is False,
                "verify_error names the expiry and the chain is not verified", short(cert))
    if a.cert_not_after:
        c.check(str(cert.get("not_after", "")).startswith(a.cert_not_after),
                f"certificate not_after is {a.cert_not_after}", short(cert.get("not_after")))
    if a.unreachable is not None:
        c.check(grade is None and a.status == 2 and not reasons, "grade null, exit 2, no reasons",
                f"grade {grade}, status {a.status}, reasons {reasons_line}")
        c.check(re.search(a.unreachable, rep.get("error") or "", re.I) is not None,
                f"error matches /{a.unreachable}/", short(rep.get("error")))
        c.check(tls.get("reachable") is False, "tls.reachable is false", short(tls.get("reachable")))

    if a.text:
        try:
            with open(a.text, encoding="utf-8", errors="replace") as f:
                txt = f.read()
        except OSError as e:
            c.check(False, "the text report can be read", str(e))
            txt = None
        if txt is not None:
            if grade is None:
                err = rep.get("error") or ""
                c.check(re.search(r"^not graded: " + re.escape(err) + r"\s*$", txt, re.M) is not None,
                        f"text report says 'not graded: {err}'", txt[:300])
                c.check(re.search(r"^Grade:", txt, re.M) is None, "text report has no Grade line")
            else:
                lines = re.findall(r"^Grade: (\S+)\s*$", txt, re.M)
                c.check(lines == [grade], f"text report has one line 'Grade: {grade}'", f"found {lines}")
                # info reasons are left out: they do not grade, and one of them (session
                # resumption) legitimately varies between two runs against a server whose TLS
                # workers keep separate session caches (Kamailio)
                graded = [r["text"] for r in reasons if isinstance(r, dict) and r.get("severity") != "info"]
                missing = [t for t in graded if t not in txt]
                c.check(not missing, "every graded (non-info) reason of the JSON report is in the text report",
                        f"missing {missing}")
    return 0 if c.failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
