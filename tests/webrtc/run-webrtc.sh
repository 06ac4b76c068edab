#!/bin/bash
# Chromium interop harness of `galois webrtc`: runs ONE scenario in a fresh network namespace that
# has only "lo" up (fixed ports are fine there, and nothing can reach any address but
# 127.0.0.1), starts `galois webrtc --json`, then headless Chromium on its page
# (http://127.0.0.1:18555/), waits for galois to end, stops Chromium's whole process group by its
# pid, and checks galois's report, which carries the page's own getStats() summary.
# Prints what it checked and "PASS <scenario>" or "FAIL <scenario>: reasons".
# Exit status 0 = PASS, 1 = FAIL (a missing prerequisite, root or unshare included, is a FAIL).
#
# usage: run-webrtc.sh [--galois PATH] [--keep] SCENARIO
#        run-webrtc.sh --list
#   --galois PATH  the galois command (default: $GALOIS, else `galois` on PATH)
#   --keep         keep the run directory (galois's report and stderr, Chromium's log) even on
#                  PASS; it is always kept on FAIL. Base directory: $TMPDIR or /tmp.
# Needs root (network namespace), unshare, ip, ss, setsid, /usr/bin/chromium (Debian package
# chromium; scripts/install-deps.sh installs it) and /usr/bin/python3. docs/WEBRTC.md says what
# each scenario proves.
set -u
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PY=/usr/bin/python3
HARNESS_HELP=2,18
# shellcheck source=../lib/harness.sh
. "$HERE/../lib/harness.sh"
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}

SCENARIOS=(chromium-gcm256 chromium-gcm128 chromium-cm80 bad-input connect-timeout)

harness_args "$@"

# --- 1. into a fresh network namespace (re-exec); only lo may exist there -------------------
harness_netns "$HERE/run-webrtc.sh" "network namespace"

# --- 2. prerequisites ----------------------------------------------------------------------
for t in ss setsid timeout; do
  command -v "$t" >/dev/null || fail "'$t' not found (packages iproute2, util-linux, coreutils)"
done
[ -x $PY ] || fail "$PY not found (package python3)"
if [ "$SC" != bad-input ] && [ "$SC" != connect-timeout ] && [ ! -x "$CHROMIUM" ]; then
  fail "$CHROMIUM not found (package chromium: scripts/install-deps.sh)"
fi
if [ -z "$GALOIS" ] || [ ! -x "$GALOIS" ]; then
  fail "galois command not found (give --galois PATH)"
elif ! "$GALOIS" webrtc --help >/dev/null 2>&1; then
  fail "'$GALOIS webrtc --help' fails: this galois has no webrtc subcommand"
fi
harness_ready webrtc
GPID=
CPID=
UDD=
stop_chromium() { # the whole process group Chromium leads (setsid made its pgid its pid)
  [ -n "$CPID" ] || return 0
  local n=30
  kill -TERM -- "-$CPID" 2>/dev/null
  while [ $n -gt 0 ] && kill -0 -- "-$CPID" 2>/dev/null; do sleep 0.1; n=$((n - 1)); done
  kill -KILL -- "-$CPID" 2>/dev/null
  wait "$CPID" 2>/dev/null
  if kill -0 -- "-$CPID" 2>/dev/null; then
    fail "Chromium's process group $CPID survived SIGKILL"
  fi
  CPID=
}
harness_cleanup() {
  stop_chromium
  if [ -n "$GPID" ] && kill -0 "$GPID" 2>/dev/null; then
    kill -TERM "$GPID" 2>/dev/null
    sleep 0.5
    kill -KILL "$GPID" 2>/dev/null
  fi
  GPID=
  [ -n "$UDD" ] && rm -rf "$UDD"
  UDD=
}

HTTP=127.0.0.1:18555
UDP=127.0.0.1:40000
MEDIA_SECS=4
# Chromium's flags (PEERS-WEBRTC.md): loopback candidates, real addresses instead of mDNS names,
# fake capture devices and permission prompts, no sandbox (root), audio allowed to play.
CHROMIUM_FLAGS=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run
  --no-default-browser-check --disable-background-networking --disable-component-update
  --disable-sync --disable-extensions --disable-default-apps --disable-dev-shm-usage --mute-audio
  --use-fake-device-for-media-stream --use-fake-ui-for-media-stream
  --autoplay-policy=no-user-gesture-required --disable-features=WebRtcHideLocalIpsWithMdns
  --allow-loopback-in-peer-connection)

# run PROFILE SOURCE_ARGS...: galois, then Chromium on its page, then the checks
run() {
  local profile=$1
  shift
  local cmd=("$GALOIS" webrtc --http "$HTTP" --udp "$UDP" "$@" --duration "$MEDIA_SECS"
    --sessions 1 --timeout 20 --json)
  say "galois: ${cmd[*]}"
  timeout 40 "${cmd[@]}" >"$R/galois.out" 2>"$R/galois.err" &
  GPID=$!
  local _
  for _ in $(seq 100); do
    ss -ltn | grep -q "$HTTP " && break
    kill -0 "$GPID" 2>/dev/null || break
    sleep 0.05
  done
  if ! ss -ltn | grep -q "$HTTP "; then
    fail "galois did not listen on $HTTP: $(tail -c 300 "$R/galois.err" | tr '\n' ' ')"
    return
  fi
  UDD=$(mktemp -d "${TMPDIR:-/tmp}/galois-webrtc-chromium.XXXXXX")
  say "chromium: http://$HTTP/ (profile dir $UDD)"
  setsid "$CHROMIUM" "${CHROMIUM_FLAGS[@]}" --user-data-dir="$UDD" "http://$HTTP/" \
    >"$R/chromium.log" 2>&1 &
  CPID=$!
  local n=300
  while [ $n -gt 0 ] && kill -0 "$GPID" 2>/dev/null; do sleep 0.1; n=$((n - 1)); done
  local grc
  if kill -0 "$GPID" 2>/dev/null; then
    fail "galois still running after 30 s"
    kill -TERM "$GPID"
    grc=124
  fi
  wait "$GPID"
  grc=${grc:-$?}
  GPID=
  say "galois exited with status $grc"
  stop_chromium
  say "chromium stopped"
  sed 's/^/    galois stderr: /' "$R/galois.err" | tail -12
  $PY "$HERE/webrtc_check.py" --galois-out "$R/galois.out" --galois-err "$R/galois.err" \
    --galois-rc "$grc" --profile "$profile" --udp "$UDP" --min-packets 100 \
    --source "$SOURCE" >"$R/check.txt" 2>&1
  local rc=$?
  sed 's/^/    /' "$R/check.txt"
  [ $rc = 0 ] || fail "$(grep '^FAIL' "$R/check.txt" | sed 's/^FAIL //' | head -6 | tr '\n' ';')"
}

# bad_input: no browser; bad HTTP bodies and datagrams, one good offer whose DTLS never starts
bad_input() {
  local cmd=("$GALOIS" webrtc --http "$HTTP" --udp "$UDP" --sessions 1 --timeout 8 --json)
  say "galois: ${cmd[*]}"
  timeout 30 "${cmd[@]}" >"$R/galois.out" 2>"$R/galois.err" &
  GPID=$!
  local _
  for _ in $(seq 100); do
    ss -ltn | grep -q "$HTTP " && break
    sleep 0.05
  done
  $PY "$HERE/bad_input.py" --http "$HTTP" --udp "$UDP" --offer "$HERE/chromium-offer.sdp" \
    --pid "$GPID" >"$R/check.txt" 2>&1
  local rc=$?
  sed 's/^/    /' "$R/check.txt"
  [ $rc = 0 ] || fail "$(grep '^FAIL' "$R/check.txt" | sed 's/^FAIL //' | head -6 | tr '\n' ';')"
  wait "$GPID"
  local grc=$?
  GPID=
  say "galois exited with status $grc (the offer's peer never started DTLS: 1 is right)"
  sed 's/^/    galois stderr: /' "$R/galois.err" | tail -4
  [ $grc = 1 ] || fail "galois exit status $grc, wanted 1"
  $PY - "$R/galois.out" <<'PYEOF' || fail "galois's report of the half-made session is wrong"
import json, sys
r = json.load(open(sys.argv[1]))
s = r["sessions"][0]
ok = (len(r["sessions"]) == 1 and s["ok"] is False and "timed out" in s["error"]
      and "DTLS handshake did not finish" in s["error"] and s["ice"]["checks"] == 1
      and s["media"]["received"] == 0 and s["media"]["sent"] == 0
      and (s["browser"] or {}).get("ok") == "\x1b[2J"
      and r["refused_offers"] >= 17 and r["refused_requests"] >= r["refused_offers"] + 10)
print("    report: ok=%s error=%r checks=%s refused_offers=%s refused_requests=%s" % (
    s["ok"], s["error"], s["ice"]["checks"], r["refused_offers"], r["refused_requests"]))
sys.exit(0 if ok else 1)
PYEOF
  grep -q "session 1 failed: timed out" "$R/galois.err" || fail "galois's stderr does not say why"
  # bytes from the network reach the terminal escaped: no ESC, DEL or C1 CSI from galois
  if LC_ALL=C grep -q $'\x1b\|\x7f\|\xc2\x9b' "$R/galois.err" "$R/galois.out"; then
    fail "galois wrote an ESC, DEL or CSI byte from the network to its stderr or stdout"
  fi
  grep -qF 'a=setup:\x1b[2J is not' "$R/galois.err" ||
    fail "galois's stderr does not show the offer's a=setup value escaped"
  grep -qF 'browser  \x1b[2J, DTLS \x1b]0;pwned\x07 \xc2\x9b31m, \x7f' "$R/galois.err" ||
    fail "galois's text report does not show the page's /result strings escaped"
}

# connect_timeout: --connect-timeout 2; an offer without an ICE check is abandoned and frees its
# place, one with a check but no DTLS ends the run at its deadline
connect_timeout() {
  local cmd=("$GALOIS" webrtc --http "$HTTP" --udp "$UDP" --sessions 1 --connect-timeout 2
    --timeout 20 --json)
  say "galois: ${cmd[*]}"
  local t0=$SECONDS
  timeout 40 "${cmd[@]}" >"$R/galois.out" 2>"$R/galois.err" &
  GPID=$!
  local _
  for _ in $(seq 100); do
    ss -ltn | grep -q "$HTTP " && break
    sleep 0.05
  done
  $PY "$HERE/connect_timeout.py" --http "$HTTP" --udp "$UDP" --offer "$HERE/chromium-offer.sdp" \
    --pid "$GPID" >"$R/check.txt" 2>&1
  local rc=$?
  sed 's/^/    /' "$R/check.txt"
  [ $rc = 0 ] || fail "$(grep '^FAIL' "$R/check.txt" | sed 's/^FAIL //' | head -6 | tr '\n' ';')"
  wait "$GPID"
  local grc=$?
  GPID=
  say "galois exited with status $grc after $((SECONDS - t0)) s (--timeout 20)"
  sed 's/^/    galois stderr: /' "$R/galois.err" | tail -6
  [ $grc = 1 ] || fail "galois exit status $grc, wanted 1 (session 2 never connected)"
  [ $((SECONDS - t0)) -lt 15 ] || fail "galois ran until its --timeout"
  $PY - "$R/galois.out" <<'PYEOF' || fail "galois's report of the connect deadlines is wrong"
import json, sys
r = json.load(open(sys.argv[1]))
s = r["sessions"]
ok = (len(s) == 1 and s[0]["id"] == 2 and s[0]["ok"] is False
      and s[0]["error"] == "DTLS handshake did not finish within 2 s (ICE checks were answered)"
      and s[0]["ice"]["checks"] == 1 and r["abandoned"] == 1 and r["wanted"] == 1)
print("    report: sessions=%s error=%r abandoned=%s" % (
    [x["id"] for x in s], s[0]["error"] if s else None, r.get("abandoned")))
sys.exit(0 if ok else 1)
PYEOF
  grep -qF "session 1 abandoned (not counted): no ICE check arrived within 2 s" "$R/galois.err" ||
    fail "galois's stderr does not say session 1 was abandoned"
  grep -qF "session 2 failed: DTLS handshake did not finish within 2 s" "$R/galois.err" ||
    fail "galois's stderr does not say why session 2 failed"
}

say "scenario $SC (run dir $R)"
case $SC in
  # default profiles: as the DTLS server galois picks by its own order, so 256-GCM
  chromium-gcm256) SOURCE=echo run SRTP_AEAD_AES_256_GCM --echo ;;
  chromium-gcm128)
    SOURCE=tone run SRTP_AEAD_AES_128_GCM --tone 660 \
      --profiles SRTP_AEAD_AES_128_GCM:SRTP_AES128_CM_SHA1_80
    ;;
  chromium-cm80) SOURCE=echo run SRTP_AES128_CM_SHA1_80 --echo --profiles SRTP_AES128_CM_SHA1_80 ;;
  bad-input) bad_input ;;
  connect-timeout) connect_timeout ;;
esac

harness_end
