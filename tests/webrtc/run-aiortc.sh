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

SCENARIOS=(aiortc-cm80 aiortc-gcm-only aiortc-bad-fingerprint)

GALOIS=${GALOIS:-}
KEEP=0
SC=
ORIG_ARGS=("$@")
while [ $# -gt 0 ]; do
  case $1 in
    --galois) GALOIS=${2:-}; shift 2 ;;
    --keep) KEEP=1; shift ;;
    --list) printf '%s\n' "${SCENARIOS[@]}"; exit 0 ;;
    -h | --help) sed -n '2,14p' "$0"; exit 0 ;;
    -*) echo "FAIL: unknown option $1" >&2; exit 1 ;;
    *) SC=$1; shift ;;
  esac
done
if [ -z "$SC" ]; then
  echo "FAIL: no scenario given (--list shows them)" >&2
  exit 1
fi
known=0
for s in "${SCENARIOS[@]}"; do [ "$s" = "$SC" ] && known=1; done
if [ $known = 0 ]; then
  echo "FAIL $SC: unknown scenario (--list shows them)" >&2
  exit 1
fi
# resolve galois before the re-exec (PATH and the working directory stay, but be explicit)
[ -n "$GALOIS" ] || GALOIS=$(command -v galois || true)
case $GALOIS in "" | /*) ;; *) GALOIS=$(cd "$(dirname "$GALOIS")" && pwd)/$(basename "$GALOIS") ;; esac

# --- 1. into a fresh network namespace (re-exec); only lo may exist there -------------------
only_lo() { [ -z "$(ip -o link show 2>/dev/null | awk -F': ' '$2 != "lo" {print $2}')" ]; }
if [ "${GALOIS_WEBRTC_NETNS:-}" != 1 ] || ! only_lo; then
  if [ "$(id -u)" != 0 ]; then
    echo "FAIL $SC: needs root (network namespace); running as uid $(id -u)"
    exit 1
  fi
  for t in unshare ip; do
    if ! command -v $t >/dev/null; then
      echo "FAIL $SC: '$t' not found (packages util-linux, iproute2)"
      exit 1
    fi
  done
  # shellcheck disable=SC2016
  GALOIS_WEBRTC_NETNS=1 exec unshare --net -- /bin/bash -c 'ip link set lo up && exec "$@"' netns \
    /bin/bash "$HERE/run-aiortc.sh" "${ORIG_ARGS[@]}"
  echo "FAIL $SC: unshare --net failed (is this a container without CAP_SYS_ADMIN?)"
  exit 1
fi
if ! ip -o addr show dev lo | grep -q 'inet 127.0.0.1/'; then
  echo "FAIL $SC: lo in the network namespace has no 127.0.0.1"
  exit 1
fi

# --- 2. prerequisites ----------------------------------------------------------------------
FAILS=()
fail() { FAILS+=("$*"); echo "  FAIL: $*"; }
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
if [ ${#FAILS[@]} -gt 0 ]; then
  echo "FAIL $SC: ${FAILS[*]}"
  exit 1
fi

R=$(mktemp -d "${TMPDIR:-/tmp}/galois-webrtc-$SC.XXXXXX")
T0=$(date +%s.%N)
elapsed() { awk -v a="$(date +%s.%N)" -v b="$T0" 'BEGIN { printf "%.2f", a - b }'; }
say() { printf '[%6ss] %s\n' "$(elapsed)" "$*"; }
PIDS=()
kill_tree() { # every process this script started, and their children, by pid
  local p=$1 c
  for c in $(ps -o pid= --ppid "$p" 2>/dev/null); do kill_tree "$c"; done
  kill -TERM "$p" 2>/dev/null
}
stop_pid() { # pid [seconds]
  local p=$1 n=$((${2:-3} * 10))
  kill -0 "$p" 2>/dev/null || return 0
  kill -TERM "$p" 2>/dev/null
  while [ $n -gt 0 ] && kill -0 "$p" 2>/dev/null; do sleep 0.1; n=$((n - 1)); done
  kill -0 "$p" 2>/dev/null && kill_tree "$p" && sleep 0.2 && kill -KILL "$p" 2>/dev/null
  wait "$p" 2>/dev/null
  return 0
}
cleanup() {
  local p
  for p in "${PIDS[@]}"; do stop_pid "$p" 2; done
  PIDS=()
}
trap cleanup EXIT
trap 'cleanup; echo "FAIL $SC: interrupted (run dir $R)"; exit 1' INT TERM

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

cleanup
WALL=$(elapsed)
if [ ${#FAILS[@]} -eq 0 ]; then
  echo "PASS $SC (${WALL%.*}s wall)"
  if [ $KEEP = 1 ]; then echo "run dir: $R"; else rm -rf "$R"; fi
  exit 0
fi
echo "FAIL $SC (${WALL%.*}s wall, run dir $R):"
printf '  - %s\n' "${FAILS[@]}"
exit 1
