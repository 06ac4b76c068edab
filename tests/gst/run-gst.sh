#!/bin/bash
# GStreamer interop harness of the galois engine: runs ONE scenario in a fresh network namespace
# that has only "lo" up. GStreamer's srtpenc/srtpdec (gstreamer1.0-plugins-bad, built on
# libsrtp2) send or receive a PCMU tone as SRTP over UDP on 127.0.0.1; galois's side is
# srtp_udp_peer (the engine, G.711 and the tone detector of the library, no signalling). Both
# sides take the same random master key and salt. Prints what it checked and "PASS <scenario>"
# or "FAIL <scenario>: reasons". Exit status 0 = PASS, 1 = FAIL.
#
# usage: run-gst.sh [--galois PATH] [--keep] SCENARIO
#        run-gst.sh --list
#   --galois PATH  the srtp_udp_peer program (tests/gst/srtp_udp_peer.c, built by ctest)
#   --keep         keep the run directory (logs, the WAV GStreamer wrote) even on PASS; it is
#                  always kept on FAIL. Base directory: $TMPDIR or /tmp.
# Needs root (network namespace), unshare, ip, ss, timeout, gst-launch-1.0 and gst-inspect-1.0
# with the elements below (packages gstreamer1.0-tools, -plugins-base, -plugins-good,
# -plugins-bad). docs/INTEROP-GST.md says what each scenario proves.
set -u
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
HARNESS_HELP=2,17
# shellcheck source=../lib/harness.sh
. "$HERE/../lib/harness.sh"

SCENARIOS=(
  gst-to-galois-cm80 gst-to-galois-cm32 gst-to-galois-gcm128 gst-to-galois-gcm256
  galois-to-gst-cm80 galois-to-gst-cm32 galois-to-gst-gcm128 galois-to-gst-gcm256
  gst-to-galois-gcm128-openssl galois-to-gst-gcm256-openssl gst-to-galois-wrong-key
)
harness_args "$@"
harness_netns "$HERE/run-gst.sh" "network namespace"

ELEMENTS=(audiotestsrc mulawenc rtppcmupay srtpenc udpsink udpsrc srtpdec rtppcmudepay mulawdec
  wavenc filesink)
for t in ss timeout gst-launch-1.0 gst-inspect-1.0 od; do
  command -v "$t" >/dev/null || fail "'$t' not found (packages iproute2, coreutils, gstreamer1.0-tools)"
done
if command -v gst-inspect-1.0 >/dev/null; then
  for e in "${ELEMENTS[@]}"; do
    gst-inspect-1.0 "$e" >/dev/null 2>&1 ||
      fail "GStreamer element '$e' missing (packages gstreamer1.0-plugins-base/-good/-bad)"
  done
fi
if [ -z "$GALOIS" ] || [ ! -x "$GALOIS" ]; then
  fail "srtp_udp_peer not found (give --galois PATH)"
fi
harness_ready gst

PORT=41000
SSRC=305419896 # 0x12345678: srtpdec takes its key from caps for this one SSRC
PACKETS=100    # 2 s of 20 ms packets
GST_HZ=440
GALOIS_HZ=880

# suite NAME: galois's suite name, GStreamer's cipher and auth, and the key+salt length
suite() {
  case $1 in
    cm80) G_SUITE=AES_CM_128_HMAC_SHA1_80 CIPHER=aes-128-icm AUTH=hmac-sha1-80 KEYLEN=30 ;;
    cm32) G_SUITE=AES_CM_128_HMAC_SHA1_32 CIPHER=aes-128-icm AUTH=hmac-sha1-32 KEYLEN=30 ;;
    # srtpenc/srtpdec name no separate authentication for the AEAD ciphers
    gcm128) G_SUITE=AEAD_AES_128_GCM CIPHER=aes-128-gcm AUTH=null KEYLEN=28 ;;
    gcm256) G_SUITE=AEAD_AES_256_GCM CIPHER=aes-256-gcm AUTH=null KEYLEN=44 ;;
  esac
  # SRTCP of the _32 suite keeps an 80-bit tag (RFC 4568 §6.2)
  RTCP_AUTH=$AUTH
  [ "$AUTH" = hmac-sha1-32 ] && RTCP_AUTH=hmac-sha1-80
  return 0
}
random_hex() { od -An -tx1 -N"$1" /dev/urandom | tr -d ' \n'; }

# field NAME FILE: the value of NAME=... on the last line of FILE that has it
field() { grep -o "\b$1=[^ ]*" "$2" | tail -1 | cut -d= -f2; }
near() { awk -v a="$1" -v b="$2" -v d="$3" 'BEGIN { exit !(a - b <= d && b - a <= d) }'; }
at_least() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a >= b) }'; }

# check_backend FILE: an -openssl scenario must have run on OpenSSL
check_backend() {
  if [ "${GALOIS_PEER_BACKEND:-}" = openssl ] && [ "$(field backend "$1")" != openssl ]; then
    fail "galois ran on $(field backend "$1"), not OpenSSL"
  fi
  return 0
}

# wait_udp PORT PID: until something listens on 127.0.0.1:PORT (or PID died)
wait_udp() {
  local _
  for _ in $(seq 100); do
    ss -lun | grep -q "127.0.0.1:$1 " && return 0
    kill -0 "$2" 2>/dev/null || return 1
    sleep 0.05
  done
  return 1
}

# gst_to_galois SUITE [wrong]: GStreamer sends a GST_HZ tone, galois receives
gst_to_galois() {
  suite "$1"
  local key gkey
  key=$(random_hex $KEYLEN)
  gkey=$key
  [ "${2:-}" = wrong ] && gkey=$(random_hex $KEYLEN)
  say "galois receives $G_SUITE on 127.0.0.1:$PORT"
  local secs=10
  [ "${2:-}" = wrong ] && secs=5
  "$GALOIS" recv "$G_SUITE" "$gkey" $PORT $PACKETS $secs >"$R/galois.out" 2>"$R/galois.err" &
  local gpid=$!
  PIDS+=("$gpid")
  wait_udp $PORT $gpid || { fail "galois did not bind 127.0.0.1:$PORT: $(cat "$R/galois.err")"; return; }
  say "gst-launch-1.0: audiotestsrc $GST_HZ Hz ! mulawenc ! rtppcmupay ! srtpenc $CIPHER/$AUTH ! udpsink"
  timeout 20 gst-launch-1.0 -q audiotestsrc is-live=true wave=sine freq=$GST_HZ \
    num-buffers=$PACKETS samplesperbuffer=160 ! audio/x-raw,rate=8000,channels=1 ! mulawenc \
    ! rtppcmupay ssrc=$SSRC pt=0 \
    ! srtpenc key="$key" rtp-cipher=$CIPHER rtp-auth=$AUTH rtcp-cipher=$CIPHER rtcp-auth=$RTCP_AUTH \
    ! udpsink host=127.0.0.1 port=$PORT >"$R/gst.log" 2>&1
  local rc=$?
  [ $rc = 0 ] || fail "gst-launch-1.0 (sender) exited with $rc: $(tail -c 300 "$R/gst.log" | tr '\n' ' ')"
  wait "$gpid"
  PIDS=()
  sed 's/^/    galois: /' "$R/galois.out"
  check_backend "$R/galois.out"
  local acc auth hz purity dg
  acc=$(field accepted "$R/galois.out")
  auth=$(field auth_fail "$R/galois.out")
  dg=$(field datagrams "$R/galois.out")
  hz=$(field hz "$R/galois.out")
  purity=$(field purity "$R/galois.out")
  if [ -z "$acc" ]; then
    fail "galois printed no result: $(cat "$R/galois.err")"
    return
  fi
  if [ "${2:-}" = wrong ]; then
    [ "$acc" = 0 ] || fail "galois accepted $acc packets under the wrong key"
    at_least "$dg" $((PACKETS * 9 / 10)) || fail "only $dg datagrams arrived"
    [ "$auth" = "$dg" ] || fail "$dg datagrams but $auth authentication failures"
    [ "$acc" = 0 ] && [ "$auth" = "$dg" ] && say "every one of $dg packets failed authentication, none was decoded"
    return
  fi
  at_least "$acc" $((PACKETS * 95 / 100)) || fail "galois accepted $acc of $PACKETS packets"
  [ "$auth" = 0 ] || fail "$auth packets failed authentication"
  near "$hz" $GST_HZ 5 || fail "galois heard $hz Hz, GStreamer sent $GST_HZ Hz"
  at_least "$purity" 0.8 || fail "the tone galois heard has purity $purity"
}

# galois_to_gst SUITE: galois sends a GALOIS_HZ tone, GStreamer decrypts it into a WAV file
galois_to_gst() {
  suite "$1"
  local key
  key=$(random_hex $KEYLEN)
  local caps="application/x-srtp, media=(string)audio, clock-rate=(int)8000"
  caps+=", encoding-name=(string)PCMU, payload=(int)0, ssrc=(uint)$SSRC, srtp-key=(buffer)$key"
  caps+=", srtp-cipher=(string)$CIPHER, srtp-auth=(string)$AUTH, srtcp-cipher=(string)$CIPHER"
  caps+=", srtcp-auth=(string)$RTCP_AUTH, roc=(uint)0"
  say "gst-launch-1.0: udpsrc 127.0.0.1:$PORT ! srtpdec $CIPHER/$AUTH ! rtppcmudepay ! mulawdec ! wavenc"
  timeout 20 gst-launch-1.0 -q udpsrc address=127.0.0.1 port=$PORT num-buffers=$PACKETS \
    caps="$caps" ! srtpdec ! rtppcmudepay ! mulawdec ! wavenc ! filesink location="$R/gst.wav" \
    >"$R/gst.log" 2>&1 &
  local gpid=$!
  PIDS+=("$gpid")
  wait_udp $PORT $gpid || { fail "GStreamer did not bind 127.0.0.1:$PORT: $(tail -c 300 "$R/gst.log")"; return; }
  say "galois sends $G_SUITE, $GALOIS_HZ Hz"
  # a few packets more than GStreamer waits for, so a late start cannot leave it waiting
  "$GALOIS" send "$G_SUITE" "$key" $PORT $SSRC $((PACKETS + 10)) $GALOIS_HZ >"$R/galois.out" \
    2>"$R/galois.err" || fail "srtp_udp_peer send failed: $(cat "$R/galois.err")"
  sed 's/^/    galois: /' "$R/galois.out"
  check_backend "$R/galois.out"
  wait "$gpid"
  local rc=$?
  PIDS=()
  [ $rc = 0 ] || fail "gst-launch-1.0 (receiver) exited with $rc: $(tail -c 300 "$R/gst.log" | tr '\n' ' ')"
  "$GALOIS" wav "$R/gst.wav" >"$R/wav.out" 2>&1 || fail "the WAV GStreamer wrote cannot be read: $(cat "$R/wav.out")"
  sed 's/^/    GStreamer wrote: /' "$R/wav.out"
  local samples hz purity
  samples=$(field samples "$R/wav.out")
  hz=$(field hz "$R/wav.out")
  purity=$(field purity "$R/wav.out")
  at_least "${samples:-0}" $((PACKETS * 160 * 95 / 100)) ||
    fail "GStreamer decoded ${samples:-0} samples, wanted about $((PACKETS * 160))"
  near "${hz:-0}" $GALOIS_HZ 5 || fail "GStreamer heard ${hz:-?} Hz, galois sent $GALOIS_HZ Hz"
  at_least "${purity:-0}" 0.8 || fail "the tone GStreamer heard has purity ${purity:-?}"
}

say "scenario $SC (run dir $R)"
# -openssl: galois's session on OpenSSL alone (srtp_udp_peer reads GALOIS_PEER_BACKEND)
case $SC in *-openssl) export GALOIS_PEER_BACKEND=openssl ;; *) unset GALOIS_PEER_BACKEND ;; esac
BASE=${SC%-openssl}
case $BASE in
  gst-to-galois-wrong-key) gst_to_galois cm80 wrong ;;
  gst-to-galois-*) gst_to_galois "${BASE#gst-to-galois-}" ;;
  galois-to-gst-*) galois_to_gst "${BASE#galois-to-gst-}" ;;
esac
harness_end
