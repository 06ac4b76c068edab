#!/bin/bash
# aiortc interop harness of `galois webrtc`: runs ONE scenario in a fresh network namespace that
# has only "lo" up (fixed ports are fine, two runs never collide, nothing can reach any address
# but 127.0.0.1/::1), starts galois webrtc and aiortc (tests/webrtc/aiortc_peer.py, the offerer),
# stops both, prints what it checked and "PASS <scenario>" or "FAIL <scenario>: reasons".
# Exit status 0 = PASS, 1 = FAIL (a missing prerequisite, root or unshare included, is a FAIL).
#
# usage: run-aiortc.sh [--galois PATH] [--keep] SCENARIO
#        run-aiortc.sh --list
#   --galois PATH  the galois command (default: $GALOIS, else `galois` on PATH)
#   --keep         keep the run directory (logs, SDPs, galois's report, the received audio)
#                  even on PASS; it is always kept on FAIL. Base directory: $TMPDIR or /tmp.
# Needs root (network namespace), unshare, ip, ss, timeout and /usr/bin/python3 with Debian's
# python3-aiortc. See docs/INTEROP-WEBRTC.md for what each scenario proves.
set -u
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PY=/usr/bin/python3
HARNESS_HELP=2,14
# shellcheck source=../lib/harness.sh
. "$HERE/../lib/harness.sh"

SCENARIOS=(aiortc-cm80 aiortc-gcm-only aiortc-bad-fingerprint)

harness_args "$@"

# --- 1. into a fresh network namespace (re-exec); only lo may exist there -------------------
harness_netns "$HERE/run-aiortc.sh" "network namespace"

# --- 2. prerequisites ----------------------------------------------------------------------
for t in ss timeout; do
  command -v "$t" >/dev/null || fail "'$t' not found (packages iproute2, coreutils)"
done
if [ ! -x $PY ]; then
  fail "$PY not found (package python3)"
elif ! $PY -c 'import aiortc, aioice' 2>/dev/null; then
  fail "$PY cannot import aiortc (package python3-aiortc)"
fi
if [ -z "$GALOIS" ] || [ ! -x "$GALOIS" ]; then
  fail "galois command not found (give --galois PATH)"
elif ! "$GALOIS" webrtc --help >/dev/null 2>&1; then
  fail "'$GALOIS webrtc --help' fails: this galois has no webrtc subcommand"
fi
harness_ready webrtc

HTTP=127.0.0.1:18080
UDP=127.0.0.1:40000
TONE=440
MEDIA_SECS=4

# --- 3. building blocks --------------------------------------------------------------------
# start_galois [extra args]: galois webrtc, one session, in the background; pid in GPID
start_galois() {
  local cmd=("$GALOIS" webrtc --http "$HTTP" --udp "$UDP" "$@" --duration "$MEDIA_SECS"
    --sessions 1 --timeout 20 --json)
  say "galois: ${cmd[*]}"
  timeout 45 "${cmd[@]}" >"$R/galois.out" 2>"$R/galois.err" &
  GPID=$!
  PIDS+=("$GPID")
  local _
  for _ in $(seq 100); do
    ss -ltn | grep -q "$HTTP " && break
    kill -0 $GPID 2>/dev/null || break
    sleep 0.1
  done
  if ! ss -ltn | grep -q "$HTTP "; then
    fail "galois did not listen on $HTTP: $(tail -c 300 "$R/galois.err" | tr '\n' ' ')"
    return 1
  fi
  say "galois listening on http://$HTTP/offer"
}
# run_aiortc [extra args]: aiortc_peer.py in the foreground (it offers, galois answers)
run_aiortc() {
  local cmd=("$PY" "$HERE/aiortc_peer.py" --url "http://$HTTP/offer" --tone "$TONE"
    --seconds $((MEDIA_SECS + 1)) --record "$R/aiortc-rx.wav" "$@")
  say "aiortc: ${cmd[*]}"
  timeout 40 "${cmd[@]}" >"$R/aiortc.out" 2>"$R/aiortc.err"
  local rc=$?
  say "aiortc exited with status $rc"
  [ $rc = 0 ] || fail "aiortc_peer.py exited with status $rc: $(tail -c 300 "$R/aiortc.err" | tr '\n' ' ')"
}
wait_galois() { # -> galois's exit status in GRC
  local n=200
  while [ $n -gt 0 ] && kill -0 "$GPID" 2>/dev/null; do sleep 0.1; n=$((n - 1)); done
  if kill -0 "$GPID" 2>/dev/null; then
    fail "galois still running 20 s after aiortc finished"
    stop_pid "$GPID" 2
    GRC=124
  else
    wait "$GPID"
    GRC=$?
  fi
  say "galois exited with status $GRC"
  sed 's/^/    galois stderr: /' "$R/galois.err" | tail -5
}
check_run() { # aiortc_check.py options
  $PY "$HERE/aiortc_check.py" --galois-out "$R/galois.out" --galois-rc "$GRC" \
    --galois-err "$R/galois.err" --peer-out "$R/aiortc.out" --tone $TONE --udp "$UDP" "$@" \
    >"$R/check.txt" 2>&1
  local rc=$?
  sed 's/^/    /' "$R/check.txt"
  [ $rc = 0 ] || fail "$(grep '^FAIL' "$R/check.txt" | sed 's/^FAIL //' | head -6 | tr '\n' ';')"
}

# --- 4. scenarios --------------------------------------------------------------------------
# galois with its default profiles (256-GCM, 128-GCM, CM-80); aiortc offers CM-80 only
sc_cm80() {
  start_galois --echo || return
  run_aiortc
  wait_galois
  check_run --expect ok --profile SRTP_AES128_CM_SHA1_80 --min-packets 100
}
# galois allows only the GCM profiles: nothing in common with aiortc
sc_gcm_only() {
  start_galois --echo --profiles SRTP_AEAD_AES_256_GCM:SRTP_AEAD_AES_128_GCM || return
  run_aiortc
  wait_galois
  check_run --expect no-profile --profile SRTP_AES128_CM_SHA1_80
}
# aiortc's offer carries a wrong a=fingerprint (its certificate is unchanged)
sc_bad_fingerprint() {
  start_galois --echo || return
  run_aiortc --bad-fingerprint
  wait_galois
  check_run --expect bad-fingerprint
}

say "scenario $SC (run dir $R)"
case $SC in
  aiortc-cm80) sc_cm80 ;;
  aiortc-gcm-only) sc_gcm_only ;;
  aiortc-bad-fingerprint) sc_bad_fingerprint ;;
esac

harness_end
