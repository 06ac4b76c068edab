#!/bin/bash
# galois DTLS-SRTP against openssl(1) s_server and s_client over UDP on 127.0.0.1, inside a
# network namespace with only lo. For each profile, both ways round:
#   openssl s_server -dtls1_2 -use_srtp P -keymatexport EXTRACTOR-dtls_srtp -keymatexportlen L
#     <- dtls_udp_peer client        (galois is the DTLS client)
#   dtls_udp_peer server <- openssl s_client -dtls1_2 -use_srtp P ...   (galois is the server)
# and the keying material galois derives (client key | server key | client salt | server salt,
# RFC 5764 §4.2) must equal what openssl prints. Exit 77 (skipped) without root, unshare or
# openssl.
#   openssl_interop.sh /path/to/dtls_udp_peer
set -u
PEER=${1:?usage: openssl_interop.sh DTLS_UDP_PEER}
if [ -z "${GALOIS_IN_NETNS:-}" ]; then
  command -v openssl >/dev/null && command -v unshare >/dev/null && command -v ip >/dev/null ||
    { echo "SKIP: needs openssl, unshare and ip"; exit 77; }
  [ "$(id -u)" = 0 ] || { echo "SKIP: needs root for a network namespace"; exit 77; }
  unshare --net -- true 2>/dev/null || { echo "SKIP: unshare --net not permitted"; exit 77; }
  exec unshare --net -- env GALOIS_IN_NETNS=1 bash -c 'ip link set lo up && exec bash "$0" "$@"' \
    "$0" "$@"
fi

D=$(mktemp -d)
trap 'rm -rf "$D"' EXIT
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$D/k.pem" \
  -out "$D/c.pem" -days 2 -subj /CN=openssl-peer 2>/dev/null || { echo "FAIL: openssl req"; exit 1; }
FP="sha-256 $(openssl x509 -in "$D/c.pem" -noout -fingerprint -sha256 | sed 's/.*=//')"

# keymat FILE: the hex keying material openssl printed
keymat() { sed -n 's/^ *Keying material: *\([0-9A-Fa-f]*\).*/\1/p' "$1" | head -1 | tr a-f A-F; }
oprofile() { sed -n 's/.*SRTP Extension negotiated, profile=\([A-Z0-9_]*\).*/\1/p' "$1" | head -1; }
gfield() { sed -n "s/^$2=//p" "$1" | head -1; }

wait_ready() { # file pattern: wait up to 5 s for a line in the file
  for _ in $(seq 50); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done
  return 1
}

rc=0
port=15500
for spec in SRTP_AEAD_AES_256_GCM:88 SRTP_AEAD_AES_128_GCM:56 SRTP_AES128_CM_SHA1_80:60; do
  prof=${spec%%:*}
  len=${spec##*:}

  # 1. openssl s_server, galois client. -verify 1 makes s_server ask for galois's certificate.
  port=$((port + 1))
  (sleep 4 | timeout 10 openssl s_server -dtls1_2 -accept "127.0.0.1:$port" -cert "$D/c.pem" \
    -key "$D/k.pem" -verify 1 -use_srtp "$prof" -keymatexport EXTRACTOR-dtls_srtp \
    -keymatexportlen "$len" -naccept 1 >"$D/ossl.out" 2>&1) &
  spid=$!
  wait_ready "$D/ossl.out" ACCEPT
  timeout 15 "$PEER" client "$port" "$prof" "$FP" >"$D/galois.out" 2>&1
  grc=$?
  wait "$spid" 2>/dev/null
  want=$(keymat "$D/ossl.out")
  got=$(gfield "$D/galois.out" keying)
  if [ "$grc" = 0 ] && [ -n "$want" ] && [ "$got" = "$want" ] && [ "${#got}" = $((len * 2)) ] &&
     [ "$(oprofile "$D/ossl.out")" = "$prof" ] && [ "$(gfield "$D/galois.out" profile)" = "$prof" ]; then
    echo "PASS openssl s_server <- galois client: $prof, $len bytes of keying material equal"
    echo "     galois: $(gfield "$D/galois.out" info)"
  else
    echo "FAIL openssl s_server <- galois client: $prof (galois rc $grc)"
    echo "  openssl: $want"; echo "  galois:  $got"
    sed 's/^/  | /' "$D/galois.out" "$D/ossl.out" | head -60
    rc=1
  fi

  # 2. galois server, openssl s_client.
  port=$((port + 1))
  timeout 15 "$PEER" server "$port" "$prof" "$FP" >"$D/galois.out" 2>&1 &
  gpid=$!
  wait_ready "$D/galois.out" ready
  sleep 2 | timeout 10 openssl s_client -dtls1_2 -connect "127.0.0.1:$port" -cert "$D/c.pem" \
    -key "$D/k.pem" -use_srtp "$prof" -keymatexport EXTRACTOR-dtls_srtp \
    -keymatexportlen "$len" >"$D/ossl.out" 2>&1
  wait "$gpid"
  grc=$?
  want=$(keymat "$D/ossl.out")
  got=$(gfield "$D/galois.out" keying)
  if [ "$grc" = 0 ] && [ -n "$want" ] && [ "$got" = "$want" ] && [ "${#got}" = $((len * 2)) ] &&
     [ "$(oprofile "$D/ossl.out")" = "$prof" ] && [ "$(gfield "$D/galois.out" profile)" = "$prof" ]; then
    echo "PASS galois server <- openssl s_client: $prof, $len bytes of keying material equal"
  else
    echo "FAIL galois server <- openssl s_client: $prof (galois rc $grc)"
    echo "  openssl: $want"; echo "  galois:  $got"
    sed 's/^/  | /' "$D/galois.out" "$D/ossl.out" | head -60
    rc=1
  fi
done

# 3. A fingerprint that is not the peer's: galois refuses, naming it.
port=$((port + 1))
BAD="sha-256 $(printf '00:%.0s' $(seq 31))00"
(sleep 3 | timeout 8 openssl s_server -dtls1_2 -accept "127.0.0.1:$port" -cert "$D/c.pem" \
  -key "$D/k.pem" -use_srtp SRTP_AEAD_AES_256_GCM -naccept 1 >"$D/ossl.out" 2>&1) &
spid=$!
wait_ready "$D/ossl.out" ACCEPT
timeout 15 "$PEER" client "$port" SRTP_AEAD_AES_256_GCM "$BAD" >"$D/galois.out" 2>&1
grc=$?
wait "$spid" 2>/dev/null
if [ "$grc" = 1 ] && grep -q "FAIL peer certificate does not match the SDP fingerprint" "$D/galois.out"; then
  echo "PASS wrong fingerprint refused: $(sed -n 's/^FAIL //p' "$D/galois.out" | cut -c1-90)..."
else
  echo "FAIL wrong fingerprint not refused (galois rc $grc)"; sed 's/^/  | /' "$D/galois.out"; rc=1
fi

# 4. openssl offers only CM_32, galois's default does not allow it: refused, naming both lists.
port=$((port + 1))
timeout 15 "$PEER" server "$port" \
  "SRTP_AEAD_AES_256_GCM:SRTP_AEAD_AES_128_GCM:SRTP_AES128_CM_SHA1_80" "$FP" >"$D/galois.out" 2>&1 &
gpid=$!
wait_ready "$D/galois.out" ready
sleep 1 | timeout 8 openssl s_client -dtls1_2 -connect "127.0.0.1:$port" -cert "$D/c.pem" \
  -key "$D/k.pem" -use_srtp SRTP_AES128_CM_SHA1_32 >"$D/ossl.out" 2>&1
wait "$gpid"
grc=$?
if [ "$grc" = 1 ] && grep -q "FAIL no common SRTP profile: peer offers SRTP_AES128_CM_SHA1_32" "$D/galois.out"; then
  echo "PASS no common profile refused: $(sed -n 's/^FAIL //p' "$D/galois.out")"
else
  echo "FAIL no common profile not refused (galois rc $grc)"; sed 's/^/  | /' "$D/galois.out"; rc=1
fi
exit $rc
