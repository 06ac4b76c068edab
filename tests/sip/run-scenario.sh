#!/bin/bash
# shellcheck disable=SC2034  # PW_* are read through ${!var} indirection
# SIP interop harness of galois: runs ONE scenario in a fresh network namespace that has only
# "lo" up (so fixed ports are fine, two runs never collide and nothing can reach any address
# but 127.0.0.1/::1), prints what it checked and "PASS <scenario>" or "FAIL <scenario>: reasons".
# Exit status 0 = PASS, 1 = FAIL (a missing prerequisite, root or unshare included, is a FAIL).
#
# usage: run-scenario.sh [--galois PATH] [--keep] SCENARIO
#        run-scenario.sh --list
#   --galois PATH  the galois command (default: $GALOIS, else `galois` on PATH)
#   --keep         keep the run directory (certs, logs, capture) even on PASS; it is always
#                  kept on FAIL. Its path is printed. Base directory: $TMPDIR or /tmp.
# Needs root (network namespace, capture on lo), unshare, ip, ss, kamailio with its tls
# module, tshark, openssl, /usr/bin/python3 and, for the baresip scenarios, baresip.
# See docs/INTEROP-SIP.md for what each scenario proves.
set -u
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PY=/usr/bin/python3
HARNESS_HELP=2,16
# shellcheck source=../lib/harness.sh
. "$HERE/../lib/harness.sh"

SCENARIOS=(
  baresip-baresip selfcheck-plain-rtp registrar-md5-tls12 registrar-sha256-tls13
  galois-galois-cm80-tls12 galois-galois-cm80-tls13 galois-galois-gcm128-tls12
  galois-galois-gcm128-tls13 galois-galois-gcm256-tls12 galois-galois-gcm256-tls13
  galois-galois-cm80-tls13-sha256 galois-galois-gcm128-tls12-sha256
  galois-galois-gcm256-tls13-sha256 galois-galois-gcm256-tls13-ipv6
  galois-to-baresip-gcm galois-to-baresip-cm baresip-to-galois-cm baresip-hold-galois
  galois-galois-rekey galois-hold-baresip
  refuse-tls11 refuse-cbc refuse-488 refuse-badcert
)

harness_args "$@"

# --- 1. into a fresh network namespace (re-exec); only lo may exist there -------------------
harness_netns "$HERE/run-scenario.sh" "network namespace, capture on lo"

# --- 2. prerequisites ----------------------------------------------------------------------
need=(kamailio tshark openssl ss timeout)
case $SC in *baresip* | refuse-488 | selfcheck-plain-rtp) need+=(baresip) ;; esac
for t in "${need[@]}"; do
  command -v "$t" >/dev/null || fail "'$t' not found (see docs/INTEROP-SIP.md, Packages)"
done
[ -x $PY ] || fail "$PY not found (package python3)"
[ -e /usr/lib/x86_64-linux-gnu/kamailio/modules/tls.so ] ||
  fail "kamailio tls module missing (package kamailio-tls-modules)"
case $SC in galois-* | refuse-* | baresip-to-galois-* | baresip-hold-galois) needs_galois=1 ;; *) needs_galois=0 ;; esac
if [ $needs_galois = 1 ]; then
  [ -n "$GALOIS" ] || GALOIS=$(command -v galois || true)
  if [ -z "$GALOIS" ] || [ ! -x "$GALOIS" ]; then
    fail "galois command not found (give --galois PATH)"
  fi
fi
harness_ready sip

# the passwords of kamailio.cfg (read through ${!pwv} indirection)
PW_alice=alice-secret-1
PW_bob=bob-secret-2
PW_carol=carol-secret-3
MEDIA_SECS=3
# the address galois's SIP transports use (the -ipv6 scenarios set [::1]); URIs keep 127.0.0.1
GHOST=127.0.0.1

# --- 3. building blocks --------------------------------------------------------------------
make_certs() {
  "$HERE/gen-certs.sh" "$R/cert" || { fail "certificate generation failed"; return 1; }
}

# start_kamailio CERTNAME(server|untrusted) [ENV=VALUE ...] [-- -A DEFINE ...]
start_kamailio() {
  local cert=$1 envs=() defs=()
  shift
  while [ $# -gt 0 ] && [ "$1" != -- ]; do envs+=("$1"); shift; done
  [ $# -gt 0 ] && shift
  defs=("$@")
  mkdir -p "$R/k"
  cp "$HERE/kamailio.cfg" "$R/k/kamailio.cfg"
  cp "$R/cert/$cert.pem" "$R/k/kamailio.pem"
  cp "$R/cert/$cert.key" "$R/k/kamailio.key"
  env "${envs[@]}" kamailio -f "$R/k/kamailio.cfg" -DD -E -Y "$R/k" -P "$R/k/k.pid" -w "$R/k" \
    -A WITH_SIPDUMP -A "SIPDUMP_DIR=\"$R/k\"" "${defs[@]}" >"$R/k/kamailio.log" 2>&1 &
  KPID=$!
  PIDS+=("$KPID")
  local i
  for i in $(seq 50); do
    ss -ltn | grep -q '127.0.0.1:5061 ' && break
    kill -0 $KPID 2>/dev/null || break
    sleep 0.1
  done
  if ! ss -ltn | grep -q '127.0.0.1:5061 '; then
    fail "kamailio did not listen on 127.0.0.1:5061 (log: $R/k/kamailio.log)"
    tail -5 "$R/k/kamailio.log" | sed 's/^/    kamailio: /'
    return 1
  fi
  say "kamailio listening (${defs[*]:-default TLS policy} ${envs[*]})"
}

start_capture() {
  tshark -i lo -n -w "$R/cap.pcapng" -f "udp or tcp" >"$R/tshark.log" 2>&1 &
  CPID=$!
  PIDS+=("$CPID")
  local i
  for i in $(seq 100); do
    grep -q 'Capturing on' "$R/tshark.log" && break
    sleep 0.1
  done
  grep -q 'Capturing on' "$R/tshark.log" || { fail "tshark did not start: $(tail -2 "$R/tshark.log")"; return 1; }
  say "tshark capturing on lo"
}
# stop_capture: give dumpcap a second to write what the kernel still holds (a peer's last
# packets, sent as it exits), then stop it; a no-op once stopped.
stop_capture() {
  kill -0 "$CPID" 2>/dev/null || return 0
  sleep 1
  stop_pid "$CPID" 5
}

# wait_registered USER [PID]: kamailio logged a successful digest-authenticated REGISTER of
# USER (gives up early when the UA process PID has exited)
wait_registered() {
  local i
  for i in $(seq 80); do
    grep -Eq "AUTH ok REGISTER sips?:$1@" "$R/k/kamailio.log" && { say "$1 registered (digest auth ok)"; return 0; }
    if [ -n "${2:-}" ] && ! kill -0 "$2" 2>/dev/null; then
      fail "$1's UA exited before registering: $(tail -c 300 "$R/answer.err" 2>/dev/null | tr '\n' ' ')"
      return 1
    fi
    sleep 0.1
  done
  fail "$1 did not register with digest auth within 8 s"
  return 1
}

# baresip_conf NAME USER SIPPORT RTPLO RTPHI CTRLPORT TONE_HZ MEDIAENC
baresip_conf() {
  local d=$R/$1
  mkdir -p "$d/dump"
  $PY "$HERE/tone.py" gen "$d/tone.wav" "$7" 30
  sed -e "s#@SIPPORT@#$3#g; s#@RTPLO@#$4#g; s#@RTPHI@#$5#g; s#@CERTDIR@#$R/cert#g" \
    -e "s#@DUMPDIR@#$d/dump#g; s#@CTRLPORT@#$6#g; s#@SOURCE@#aufile,$d/tone.wav#g" \
    "$HERE/baresip/config.in" >"$d/config"
  local pwv=PW_$2
  sed -e "s#@USER@#$2#g; s#@PASSWORD@#${!pwv}#g; s#@MEDIAENC@#$8#g" \
    "$HERE/baresip/accounts.in" >"$d/accounts"
}
# baresip_run NAME SECONDS [-e COMMAND]: runs in the background, log in $R/NAME/log
baresip_run() {
  local d=$R/$1 secs=$2
  shift 2
  (cd "$d" && exec baresip -f "$d" -s -t "$secs" "$@" </dev/null >"$d/log" 2>&1) &
  LASTPID=$!
  PIDS+=("$LASTPID")
}
strip_ansi() { sed 's/\x1b\[[0-9;]*m//g' "$1"; }

# galois_answer USER SUITES TONE_HZ [extra args]: galois answer registered as USER, listening
# on 5091
galois_answer() {
  local pwv=PW_$1
  timeout 30 "$GALOIS" answer --listen "tls:$GHOST:5091" --tls-cert "$R/cert/server.pem" \
    --tls-key "$R/cert/server.key" --tls-ca "$R/cert/ca.pem" \
    --register "sips:$1@127.0.0.1" --via "tls:$GHOST:5061" --user "$1" --password "${!pwv}" \
    --srtp "mandatory:$2" --tone "$3" --duration $MEDIA_SECS --calls 1 --json "${@:4}" \
    >"$R/answer.out" 2>"$R/answer.err" &
  APID=$!
  PIDS+=("$APID")
}
# galois_call USER_TO SUITES TONE_HZ [extra args]: foreground; exit status in CALL_RC
galois_call() {
  local to=$1 suites=$2 hz=$3
  shift 3
  timeout 30 "$GALOIS" call "sips:$to@127.0.0.1" --via "tls:$GHOST:5061" --user alice \
    --password "$PW_alice" --tls-ca "$R/cert/ca.pem" --srtp "mandatory:$suites" --tone "$hz" \
    --duration $MEDIA_SECS --json "$@" >"$R/call.out" 2>"$R/call.err"
  CALL_RC=$?
  say "galois call exited with status $CALL_RC"
  sed 's/^/    call stderr: /' "$R/call.err" | tail -5
}
wait_pid() { # pid seconds name -> status in WAIT_RC
  local n=$(($2 * 10))
  while [ $n -gt 0 ] && kill -0 "$1" 2>/dev/null; do sleep 0.1; n=$((n - 1)); done
  if kill -0 "$1" 2>/dev/null; then
    fail "$3 still running after $2 s"
    stop_pid "$1" 2
    WAIT_RC=124
  else
    wait "$1"
    WAIT_RC=$?
  fi
}

check_wire() { # wire-check.py options
  stop_capture
  say "wire check: $*"
  $PY "$HERE/wire-check.py" "$R/cap.pcapng" "$@" >"$R/wire.txt" 2>&1
  local rc=$?
  sed 's/^/    /' "$R/wire.txt"
  [ $rc = 0 ] || fail "wire check failed: $(grep 'FAIL' "$R/wire.txt" | head -3 | tr '\n' ';')"
}
# baresip_plain_rtcp: how many plaintext RTCP compounds baresip sent (from its ports
# 10000..10199) that are long enough to be taken for SRTCP. baresip 1.0 sends its last RTCP BYE
# unprotected after the call ends; when it reaches galois first, galois counts an
# authentication failure for it (docs/INTEROP-SIP.md). Stops the capture.
baresip_plain_rtcp() {
  stop_capture
  $PY "$HERE/wire-check.py" "$R/cap.pcapng" --count-plain-rtcp-from 10000-10199 --plain-rtcp-min 22
}
check_tone() { # label wav hz
  local out
  if [ -z "$2" ] || [ ! -s "$2" ]; then
    fail "$1: no decoded audio file"
    return
  fi
  out=$($PY "$HERE/tone.py" check "$2" "$3" --min-secs 1.0)
  local rc=$?
  echo "    $1: $out"
  [ $rc = 0 ] || fail "$1: decoded audio is not a clean $3 Hz tone ($out)"
}
check_galois() { # label stdout exit_status args...
  local label=$1 out=$2 rc=$3
  shift 3
  $PY "$HERE/check-galois.py" "$out" "$rc" --label "$label" "$@" >"$R/$label.check" 2>&1
  local crc=$?
  sed 's/^/    /' "$R/$label.check"
  [ $crc = 0 ] || fail "$label: $(grep 'FAIL' "$R/$label.check" | sed 's/^[^ ]* FAIL //' | head -4 | tr '\n' ';')"
}
check_klog() { # regex description
  grep -Eq "$1" "$R/k/kamailio.log" || fail "kamailio log lacks: $2"
}
check_no_klog() {
  grep -Eq "$1" "$R/k/kamailio.log" && fail "kamailio log shows: $2"
}
# s_client_probe ARGS...: prints "PROTOCOL CIPHER" negotiated on 127.0.0.1:5061 ("failed (NONE)"
# when the handshake failed: s_client prints a Protocol line even then, so look at the cipher)
s_client_probe() {
  echo | timeout 5 openssl s_client -connect 127.0.0.1:5061 "$@" 2>&1 |
    awk '/^New, .*Cipher is /{c=$NF} /^ *Protocol *: /{v=$NF} END {if (c == "(NONE)") v = "failed"; print v, c}'
}

suite_of() {
  case $1 in
    cm80 | cm) echo AES_CM_128_HMAC_SHA1_80 ;;
    gcm128) echo AEAD_AES_128_GCM ;;
    gcm256 | gcm) echo AEAD_AES_256_GCM ;;
  esac
}
tag_of() { case $1 in cm80 | cm) echo 10 ;; *) echo 16 ;; esac; }

# --- 4. scenarios --------------------------------------------------------------------------
sc_baresip_baresip() {
  make_certs && start_kamailio server && start_capture || return
  baresip_conf a alice 5070 10000 10019 4444 440 srtp-mand
  baresip_conf b bob 5080 10100 10119 4445 880 srtp-mand
  baresip_run b 15
  local bpid=$LASTPID
  wait_registered bob || return
  baresip_run a $((MEDIA_SECS + 1)) -e "/dial sip:bob@127.0.0.1:5061"
  local apid=$LASTPID
  wait_pid $apid 15 "baresip alice"
  say "alice hung up"
  sleep 0.5
  stop_pid $bpid 5
  say "bob stopped"
  local u
  for u in a b; do
    strip_ansi "$R/$u/log" | grep -aoE 'SRTP is Enabled \(cryptosuite=[A-Z0-9_]+\)' | sort -u |
      sed "s/^/    $u: /"
    strip_ansi "$R/$u/log" | grep -aq 'SRTP is Enabled (cryptosuite=AES_CM_128_HMAC_SHA1_80)' ||
      fail "baresip $u did not report SRTP AES_CM_128_HMAC_SHA1_80"
  done
  check_klog 'AUTH ok REGISTER sip:alice@' "alice's digest-authenticated REGISTER"
  check_klog 'AUTH ok REGISTER sip:bob@' "bob's digest-authenticated REGISTER"
  check_klog 'AUTH ok INVITE from sip:alice@' "alice's digest-authenticated INVITE"
  check_tone "bob decoded alice" "$(ls "$R"/b/dump/*-dec.wav 2>/dev/null | head -1)" 440
  check_tone "alice decoded bob" "$(ls "$R"/a/dump/*-dec.wav 2>/dev/null | head -1)" 880
  check_wire --expect-srtp-flows 2 --expect-tag 10
}

# negative control of the checkers: the same call with media encryption off must be seen as
# plain RTP by wire-check.py, and tone.py must reject the wrong frequency
sc_selfcheck_plain_rtp() {
  make_certs && start_kamailio server && start_capture || return
  baresip_conf a alice 5070 10000 10019 4444 440 none
  baresip_conf b bob 5080 10100 10119 4445 880 none
  baresip_run b 15
  local bpid=$LASTPID
  wait_registered bob || return
  baresip_run a $((MEDIA_SECS + 1)) -e "/dial sip:bob@127.0.0.1:5061"
  wait_pid $LASTPID 15 "baresip alice"
  stop_pid $bpid 5
  stop_capture
  local bwav
  bwav=$(ls "$R"/b/dump/*-dec.wav 2>/dev/null | head -1)
  check_tone "bob decoded alice (plain)" "$bwav" 440
  if $PY "$HERE/tone.py" check "$bwav" 880 >/dev/null 2>&1; then
    fail "tone.py accepted 880 Hz for a 440 Hz recording"
  else
    echo "    tone.py rejects 880 Hz for the 440 Hz recording: ok"
  fi
  $PY "$HERE/wire-check.py" "$R/cap.pcapng" >"$R/wire.txt" 2>&1
  local rc=$?
  sed 's/^/    /' "$R/wire.txt"
  [ $rc = 1 ] || fail "wire-check.py exit status $rc on plain RTP, want 1"
  [ "$(grep -c -- '-> PLAIN' "$R/wire.txt")" -ge 2 ] || fail "wire-check.py did not call both flows PLAIN"
}

# the registrar alone: digest auth with a python client (right, wrong, unknown credentials)
sc_registrar() {
  local alg kenv=() kdef=() ver
  case $SC in
    registrar-md5-tls12) alg=MD5 kdef=(-A TLS12_ONE_CIPHER) ver=1.2 ;;
    registrar-sha256-tls13) alg=SHA-256 kenv=("OPENSSL_CONF=$HERE/tls13-only.openssl.cnf")
      kdef=(-A TLS13_ONLY -A AUTH_SHA256) ver=1.3 ;;
  esac
  make_certs && start_kamailio server "${kenv[@]}" -- "${kdef[@]}" && start_capture || return
  local u pwv
  for u in alice bob carol; do
    pwv=PW_$u
    $PY "$HERE/sip-register.py" $u "${!pwv}" --ca "$R/cert/ca.pem" --expect-algorithm $alg \
      >"$R/reg-$u.txt" 2>&1 || fail "$u could not register with $alg digest: $(tail -1 "$R/reg-$u.txt")"
    sed 's/^/    '$u': /' "$R/reg-$u.txt" | tail -2
  done
  $PY "$HERE/sip-register.py" alice wrong-password --ca "$R/cert/ca.pem" --expect-status 401 \
    >"$R/reg-wrong.txt" 2>&1 || fail "a wrong password was not refused with 401"
  $PY "$HERE/sip-register.py" mallory x --ca "$R/cert/ca.pem" --expect-status 401 \
    >"$R/reg-unknown.txt" 2>&1 || fail "an unknown user was not refused with 401"
  sed 's/^/    wrong password: /' "$R/reg-wrong.txt" | tail -1
  sed 's/^/    unknown user: /' "$R/reg-unknown.txt" | tail -1
  local got=""
  if [ $ver = 1.2 ]; then
    got=$(s_client_probe -tls1_3)
    [ "$got" = "failed (NONE)" ] || fail "TLS 1.2-only proxy accepted TLS 1.3 ($got)"
    got=$(s_client_probe -tls1_2 -cipher ECDHE-RSA-AES256-GCM-SHA384)
    [ "$got" = "failed (NONE)" ] || fail "one-cipher proxy accepted another cipher ($got)"
  else
    got=$(s_client_probe -tls1_2)
    [ "$got" = "failed (NONE)" ] || fail "TLS 1.3-only proxy accepted TLS 1.2 ($got)"
  fi
  check_wire --tls-version $ver ${kdef[0]:+$([ $ver = 1.2 ] && echo --tls-cipher 0xc02f)}
}

# galois-galois-SUITE-TLS[-sha256]
sc_galois_galois() {
  local rest=${SC#galois-galois-}
  local s=${rest%%-*} tls sha=0 kenv=() kdef=() wtls=()
  rest=${rest#*-}
  tls=${rest%%-*}
  case $SC in *-sha256) sha=1 ;; esac
  local suite tag
  suite=$(suite_of "$s")
  tag=$(tag_of "$s")
  if [ "$tls" = tls12 ]; then
    kdef=(-A TLS12_ONE_CIPHER)
    wtls=(--tls-version 1.2 --tls-cipher 0xc02f)
    jtls=TLSv1.2
  else
    kenv=("OPENSSL_CONF=$HERE/tls13-only.openssl.cnf")
    kdef=(-A TLS13_ONLY)
    wtls=(--tls-version 1.3)
    jtls=TLSv1.3
  fi
  [ $sha = 1 ] && kdef+=(-A AUTH_SHA256)
  local v6=() ip6=0
  case $SC in *-ipv6) ip6=1 GHOST='[::1]' v6=(--media-addr ::1) kdef+=(-A WITH_IPV6) ;; esac
  make_certs && start_kamailio server "${kenv[@]}" -- "${kdef[@]}" && start_capture || return
  galois_answer bob "$suite" 880 "${v6[@]}"
  wait_registered bob "$APID" || return
  galois_call bob "$suite" 440 "${v6[@]}"
  wait_pid "$APID" 15 "galois answer"
  local arc=$WAIT_RC
  check_galois call "$R/call.out" $CALL_RC --ok --status 200 --suite "$suite" --tone 880 \
    --tls-version $jtls --peer-verified --stderr "$R/call.err"
  check_galois answer "$R/answer.out" "$arc" --ok --suite "$suite" --tone 440 \
    --stderr "$R/answer.err"
  check_klog 'AUTH ok INVITE from sips?:alice@' "alice's digest-authenticated INVITE"
  if [ $sha = 1 ]; then
    grep -aqiE '^(WWW|Proxy)-Authenticate:.*algorithm="?SHA-256' "$R"/k/ksipdump-*.data ||
      fail "kamailio's challenge does not name algorithm=SHA-256"
    grep -aqiE '^(Authorization|Proxy-Authorization):.*algorithm="?SHA-256' "$R"/k/ksipdump-*.data ||
      fail "no credentials with algorithm=SHA-256 were sent"
  fi
  if [ $ip6 = 1 ]; then
    # SIP over TLS on ::1 both ways (kamailio's own view of each message), SDP and media on ::1
    grep -aq 'c=IN IP6 ::1' "$R"/k/ksipdump-*.data || fail "no SDP with c=IN IP6 ::1 went through kamailio"
    local n6
    n6=$(tshark -r "$R/cap.pcapng" -n -Y 'ipv6 && udp && !(udp.port == 5060)' 2>/dev/null | wc -l)
    say "$n6 UDP datagrams over IPv6 on the capture"
    [ "${n6:-0}" -ge 200 ] || fail "only ${n6:-0} media datagrams over IPv6"
    tshark -r "$R/cap.pcapng" -n -Y 'ip && udp && !(udp.port == 5060)' 2>/dev/null | grep -q . &&
      fail "media went over IPv4 too"
    tshark -r "$R/cap.pcapng" -n -Y 'ipv6 && tls' 2>/dev/null | grep -q . || fail "no TLS over IPv6"
  fi
  check_wire --expect-srtp-flows 2 --expect-tag "$tag" "${wtls[@]}"
}

sc_galois_to_baresip() {
  local s=${SC##*-} suite tag
  suite=$(suite_of "$s")
  tag=$(tag_of "$s")
  make_certs && start_kamailio server && start_capture || return
  baresip_conf b bob 5080 10100 10119 4445 880 srtp-mand
  baresip_run b 20
  local bpid=$LASTPID
  wait_registered bob || return
  galois_call bob "$suite" 440
  sleep 0.5
  stop_pid $bpid 5
  local plain
  plain=$(baresip_plain_rtcp)
  check_galois call "$R/call.out" $CALL_RC --ok --status 200 --suite "$suite" --tone 880 \
    --peer-verified --stderr "$R/call.err" --allow-auth-failures "${plain:-0}"
  strip_ansi "$R/b/log" | grep -aq "SRTP is Enabled (cryptosuite=$suite)" ||
    fail "baresip bob did not report SRTP $suite"
  check_tone "baresip bob decoded galois" "$(ls "$R"/b/dump/*-dec.wav 2>/dev/null | head -1)" 440
  check_wire --expect-srtp-flows 2 --expect-tag "$tag"
}

sc_baresip_to_galois() {
  # baresip 1.0.0 offers only AES_CM_128_HMAC_SHA1_80 (hard-coded), so the answer has that
  # suite even though galois accepts all three.
  local suite=AES_CM_128_HMAC_SHA1_80
  make_certs && start_kamailio server && start_capture || return
  galois_answer bob "AEAD_AES_256_GCM:AEAD_AES_128_GCM:AES_CM_128_HMAC_SHA1_80" 880
  wait_registered bob "$APID" || return
  baresip_conf a alice 5070 10000 10019 4444 440 srtp-mand
  baresip_run a $((MEDIA_SECS + 1)) -e "/dial sip:bob@127.0.0.1:5061"
  local apid=$LASTPID
  wait_pid $apid 15 "baresip alice"
  wait_pid "$APID" 10 "galois answer"
  local arc=$WAIT_RC plain
  plain=$(baresip_plain_rtcp)
  check_galois answer "$R/answer.out" "$arc" --ok --suite "$suite" --tone 440 \
    --stderr "$R/answer.err" --allow-auth-failures "${plain:-0}"
  strip_ansi "$R/a/log" | grep -aq "SRTP is Enabled (cryptosuite=$suite)" ||
    fail "baresip alice did not report SRTP $suite"
  check_tone "baresip alice decoded galois" "$(ls "$R"/a/dump/*-dec.wav 2>/dev/null | head -1)" 880
  check_wire --expect-srtp-flows 2 --expect-tag 10
}

# ctrl_cmd PORT COMMAND: one command to baresip's ctrl_tcp module (a JSON netstring)
ctrl_cmd() {
  $PY - "$1" "$2" <<'PYEOF'
import json, socket, sys
j = json.dumps({"command": sys.argv[2], "params": "", "token": sys.argv[2]})
with socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=3) as s:
    s.sendall(f"{len(j)}:{j},".encode())
    print("    ctrl_tcp", sys.argv[2], "->", s.recv(4096).decode(errors="replace")[:160])
PYEOF
}

sc_baresip_hold_galois() {
  # baresip calls galois, then puts the call on hold (re-INVITE a=sendonly) and resumes it
  # (a=sendrecv) through ctrl_tcp; galois must answer both 200, report the hold and the
  # resume, and hear the tone again after the resume (its detector restarts on a resume).
  local suite=AES_CM_128_HMAC_SHA1_80 MEDIA_SECS=12
  make_certs && start_kamailio server && start_capture || return
  galois_answer bob "AEAD_AES_256_GCM:AEAD_AES_128_GCM:AES_CM_128_HMAC_SHA1_80" 880
  wait_registered bob "$APID" || return
  baresip_conf a alice 5070 10000 10019 4444 440 srtp-mand
  baresip_run a 11 -e "/dial sip:bob@127.0.0.1:5061"
  local apid=$LASTPID
  sleep 3
  ctrl_cmd 4444 hold
  sleep 3
  ctrl_cmd 4444 resume
  wait_pid $apid 15 "baresip alice"
  wait_pid "$APID" 10 "galois answer"
  local arc=$WAIT_RC plain
  plain=$(baresip_plain_rtcp)
  check_galois answer "$R/answer.out" "$arc" --ok --suite "$suite" --tone 440 \
    --stderr "$R/answer.err" --allow-auth-failures "${plain:-0}"
  local re
  re=$($PY -c 'import json,sys; r=json.load(open(sys.argv[1])).get("reinvites",{}); print(r.get("received",0), r.get("refused",0), r.get("holds",0), r.get("resumes",0))' "$R/answer.out" 2>/dev/null)
  say "galois re-INVITEs (received refused holds resumes): ${re:-none}"
  [ "$re" = "2 0 1 1" ] || fail "galois did not take exactly one hold and one resume (got '${re:-none}')"
  local n200
  n200=$(strip_ansi "$R/a/log" | grep -acE '^SIP/2.0 200 OK' || true)
  strip_ansi "$R/a/log" | grep -aq 'a=recvonly' || fail "galois's answer to the hold was not a=recvonly"
  strip_ansi "$R/a/log" | grep -aqE 'SIP/2.0 488 ' && fail "a re-INVITE was answered 488"
  say "baresip saw $n200 responses '200 OK' (REGISTER, INVITE, the two re-INVITEs, BYE ...)"
  strip_ansi "$R/a/log" | grep -aq "SRTP is Enabled (cryptosuite=$suite)" ||
    fail "baresip alice did not report SRTP $suite"
  # baresip's recording, last 2 s: galois's tone after the resume
  local dec tail
  dec=$(ls "$R"/a/dump/*-dec.wav 2>/dev/null | head -1)
  tail=$R/a/after-resume.wav
  $PY -c 'import sys,wave
w=wave.open(sys.argv[1]); n=w.getnframes(); r=w.getframerate(); w.setpos(max(0,n-2*r)); d=w.readframes(2*r)
o=wave.open(sys.argv[2],"wb"); o.setparams(w.getparams()); o.writeframes(d); o.close()' "$dec" "$tail" 2>/dev/null
  check_tone "baresip alice decoded galois after the resume" "$tail" 880
  check_wire --expect-srtp-flows 2 --expect-tag 10
}

# reinvites_sent FILE: "invites ok refused glare holds resumes rekeys" of our re-INVITEs in a
# galois --json report
reinvites_sent() {
  $PY -c 'import json,sys
s=json.load(open(sys.argv[1])).get("reinvites",{}).get("sent",{})
print(*(s.get(k, 0) for k in ("invites", "ok", "refused", "glare", "holds", "resumes", "rekeys")))' \
    "$1" 2>/dev/null
}
media_field() { # FILE FIELD: a field of the report's "media" object
  $PY -c 'import json,sys; print((json.load(open(sys.argv[1])).get("media") or {}).get(sys.argv[2]))' \
    "$1" "$2" 2>/dev/null
}

sc_galois_galois_rekey() {
  # galois calls galois through Kamailio (TLS 1.3, AEAD_AES_256_GCM, rtcp-mux); the caller
  # re-keys at 2 s, the callee at 4 s; media for 7 s. Each side must see its re-INVITE answered
  # 200, two stream re-keys (its own and the peer's), no authentication failure (the old receive
  # key is tried until the new one authenticates; with rtcp-mux RTP and RTCP share a socket, so
  # no old-key RTCP can be read after a new-key RTP packet), the peer's tone after the last
  # re-key (the detector restarts on each), and SRTP both ways on the wire.
  local suite=AEAD_AES_256_GCM MEDIA_SECS=7
  make_certs && start_kamailio server "OPENSSL_CONF=$HERE/tls13-only.openssl.cnf" -- -A TLS13_ONLY &&
    start_capture || return
  galois_answer bob "$suite" 880 --rtcp-mux --rekey-at 4
  wait_registered bob "$APID" || return
  galois_call bob "$suite" 440 --rtcp-mux --rekey-at 2
  wait_pid "$APID" 15 "galois answer"
  local arc=$WAIT_RC side out got n
  check_galois call "$R/call.out" $CALL_RC --ok --status 200 --suite "$suite" --tone 880 \
    --tls-version TLSv1.3 --peer-verified --stderr "$R/call.err"
  check_galois answer "$R/answer.out" "$arc" --ok --suite "$suite" --tone 440 \
    --stderr "$R/answer.err"
  for side in call answer; do
    out=$R/$side.out
    got=$(reinvites_sent "$out")
    say "$side re-INVITEs sent (invites ok refused glare holds resumes rekeys): ${got:-none}"
    [ "$got" = "1 1 0 0 0 0 1" ] || fail "$side: want one re-key sent and answered 200 (got '${got:-none}')"
    n=$(media_field "$out" rekeys)
    say "$side media rekeys: $n"
    [ "$n" = 2 ] || fail "$side: media rekeys $n, want 2 (its own re-key and the peer's)"
  done
  got=$($PY -c 'import json,sys; r=json.load(open(sys.argv[1]))["reinvites"]; print(r["received"], r["refused"], r["rekeys"])' "$R/call.out" 2>/dev/null)
  [ "$got" = "1 0 1" ] || fail "call: want the callee's re-key received and taken (got '${got:-none}')"
  [ "$(grep -ac 'REQ INVITE' "$R/k/kamailio.log")" -ge 3 ] ||
    fail "kamailio did not route three INVITEs (the call and two re-INVITEs)"
  check_wire --expect-srtp-flows 2 --expect-tag 16 --tls-version 1.3
}

sc_galois_hold_baresip() {
  # galois calls baresip (auto-answer), holds at 2 s (a=sendonly), resumes at 4 s; baresip
  # answers both 200 (a=recvonly, then a=sendrecv), galois counts one hold and one resume sent
  # and answered 200, and the tone galois reports (its detector restarts on the resume) is
  # baresip's 880 Hz.
  local suite=AES_CM_128_HMAC_SHA1_80 MEDIA_SECS=7
  make_certs && start_kamailio server && start_capture || return
  baresip_conf b bob 5080 10100 10119 4445 880 srtp-mand
  baresip_run b 20
  local bpid=$LASTPID
  wait_registered bob || return
  galois_call bob "$suite" 440 --hold-at 2 --resume-at 4
  sleep 0.5
  stop_pid $bpid 5
  local plain got n200
  plain=$(baresip_plain_rtcp)
  check_galois call "$R/call.out" $CALL_RC --ok --status 200 --suite "$suite" --tone 880 \
    --peer-verified --stderr "$R/call.err" --allow-auth-failures "${plain:-0}"
  got=$(reinvites_sent "$R/call.out")
  say "galois re-INVITEs sent (invites ok refused glare holds resumes rekeys): ${got:-none}"
  [ "$got" = "2 2 0 0 1 1 0" ] || fail "galois: want one hold and one resume answered 200 (got '${got:-none}')"
  # baresip's log has the SIP trace: both re-INVITEs (CSeq above the INVITE's) answered 200
  n200=$(strip_ansi "$R/b/log" | $PY -c 'import re,sys
t=sys.stdin.read()
print(len(re.findall(r"SIP/2.0 200 [^\r\n]*\r?\n(?:[^\r\n]+\r?\n)*?CSeq: *[0-9]+ INVITE", t)))')
  say "baresip sent $n200 200 responses to INVITEs (the call and the two re-INVITEs)"
  [ "${n200:-0}" -ge 3 ] || fail "baresip did not answer the call and both re-INVITEs 200 (saw ${n200:-0})"
  strip_ansi "$R/b/log" | grep -aq 'a=sendonly' || fail "baresip's log lacks galois's a=sendonly offer"
  strip_ansi "$R/b/log" | grep -aq 'a=recvonly' || fail "baresip did not answer the hold a=recvonly"
  strip_ansi "$R/b/log" | grep -aqE 'SIP/2.0 (488|491|500) ' && fail "baresip refused a re-INVITE"
  strip_ansi "$R/b/log" | grep -aq "SRTP is Enabled (cryptosuite=$suite)" ||
    fail "baresip bob did not report SRTP $suite"
  check_tone "baresip bob decoded galois" "$(ls "$R"/b/dump/*-dec.wav 2>/dev/null | head -1)" 440
  check_wire --expect-srtp-flows 2 --expect-tag 10
}

# a TLS peer galois must refuse: PROFILE, s_client probe args, what the probe must negotiate,
# regex for galois's error
sc_refuse_tls() {
  local cert=$1 def=$2 want=$3 errre=$4
  shift 4
  make_certs && start_kamailio "$cert" -- ${def:+-A "$def"} && start_capture || return
  if [ -n "$want" ]; then
    local got
    got=$(s_client_probe "$@")
    say "openssl s_client $* negotiated: '$got'"
    [ "$got" = "$want" ] || fail "the weak peer is not what it should be: s_client got '$got', want '$want'"
    got=$(s_client_probe "${MODERN_PROBE[@]}")
    say "openssl s_client ${MODERN_PROBE[*]} (what galois wants): '$got'"
    [ "$got" = "failed (NONE)" ] || fail "the weak peer also accepts ${MODERN_PROBE[*]} ($got)"
  else
    # bad certificate: s_client with our CA must fail verification
    local v
    v=$(echo | timeout 5 openssl s_client -connect 127.0.0.1:5061 -CAfile "$R/cert/ca.pem" \
      -verify_return_error 2>&1 | grep -aoE 'verify error:num=[0-9]+:.*' | head -1)
    say "openssl s_client -CAfile ca.pem: ${v:-verified?}"
    [ -n "$v" ] || fail "the untrusted certificate passed verification with openssl s_client"
  fi
  galois_call bob AEAD_AES_256_GCM:AEAD_AES_128_GCM:AES_CM_128_HMAC_SHA1_80 440
  check_galois call "$R/call.out" $CALL_RC --error "$errre" --stderr "$R/call.err"
  check_no_klog 'REQ INVITE' "an INVITE reached the proxy through the refused connection"
  check_wire --expect-no-media
}

sc_refuse_488() {
  # galois answers with AEAD only; baresip 1.0.0 offers only AES_CM_128_HMAC_SHA1_80.
  make_certs && start_kamailio server && start_capture || return
  galois_answer bob "AEAD_AES_256_GCM:AEAD_AES_128_GCM" 880
  wait_registered bob "$APID" || return
  baresip_conf a alice 5070 10000 10019 4444 440 srtp-mand
  baresip_run a 4 -e "/dial sip:bob@127.0.0.1:5061"
  local apid=$LASTPID
  wait_pid $apid 15 "baresip alice"
  stop_pid "$APID" 3
  strip_ansi "$R/a/log" | grep -aqE 'SIP/2.0 488 ' || fail "baresip alice did not receive 488"
  check_klog 'RPL 488 .* for INVITE' "a 488 reply to the INVITE"
  strip_ansi "$R/a/log" | grep -aq 'Call established' && fail "the call was established"
  check_wire --expect-no-media
}

case $SC in
  baresip-baresip) sc_baresip_baresip ;;
  selfcheck-plain-rtp) sc_selfcheck_plain_rtp ;;
  registrar-*) sc_registrar ;;
  galois-galois-rekey) sc_galois_galois_rekey ;;
  galois-galois-*) sc_galois_galois ;;
  galois-to-baresip-*) sc_galois_to_baresip ;;
  baresip-to-galois-*) sc_baresip_to_galois ;;
  baresip-hold-galois) sc_baresip_hold_galois ;;
  galois-hold-baresip) sc_galois_hold_baresip ;;
  refuse-tls11)
    MODERN_PROBE=(-tls1_2)
    sc_refuse_tls server TLS11_ONLY "TLSv1.1 ECDHE-RSA-AES256-SHA" \
    'version|protocol|TLS ?1\.1' -tls1_1 -cipher 'DEFAULT:@SECLEVEL=0' ;;
  refuse-cbc)
    MODERN_PROBE=(-tls1_2 -cipher ECDHE-RSA-AES128-GCM-SHA256)
    sc_refuse_tls server TLS12_CBC_ONLY "TLSv1.2 ECDHE-RSA-AES128-SHA" \
    'cipher|handshake|AEAD' -tls1_2 -cipher 'ECDHE-RSA-AES128-SHA:@SECLEVEL=0' ;;
  refuse-badcert) sc_refuse_tls untrusted "" "" 'certificate|verif' ;;
  refuse-488) sc_refuse_488 ;;
esac

harness_end
