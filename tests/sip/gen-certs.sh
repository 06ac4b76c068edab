#!/bin/sh
# Certificates for the SIP interop harness (openssl CLI only), written into OUTDIR:
#   ca.pem ca.key            a test CA (CA:TRUE, keyCertSign)
#   server.pem server.key    a server certificate signed by the CA, SAN IP:127.0.0.1,
#                            IP:::1, DNS:localhost (kamailio, galois answer)
#   combined.pem             server.pem + server.key in one file (baresip's sip_certificate)
#   untrusted.pem untrusted.key  a self-signed certificate with the same names, that no one
#                            trusts (a peer presenting it must fail verification against ca.pem)
# usage: gen-certs.sh OUTDIR     (exit status non-zero when openssl fails; prints its errors)
# Validity: GEN_CERTS_DAYS days from now (default 7; tests/audit asks for more, since a
# certificate that expires within 14 days lowers `galois audit`'s grade).
set -eu
D=${1:?usage: gen-certs.sh OUTDIR}
mkdir -p "$D"
cd "$D"
days=${GEN_CERTS_DAYS:-7}
san="subjectAltName=IP:127.0.0.1,IP:::1,DNS:localhost"
log=gen-certs.log
: >"$log"
run() { "$@" >>"$log" 2>&1 || { cat "$log" >&2; echo "gen-certs.sh: failed: $*" >&2; exit 1; }; }

run openssl req -x509 -newkey rsa:2048 -nodes -days "$days" -sha256 \
  -keyout ca.key -out ca.pem -subj "/O=galois test/CN=galois test CA" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"

run openssl req -newkey rsa:2048 -nodes -sha256 -keyout server.key -out server.csr \
  -subj "/O=galois test/CN=127.0.0.1"
printf '%s\nbasicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth,clientAuth\n' \
  "$san" >server.ext
run openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days "$days" \
  -sha256 -extfile server.ext -out server.pem
cat server.pem server.key >combined.pem

run openssl req -x509 -newkey rsa:2048 -nodes -days "$days" -sha256 \
  -keyout untrusted.key -out untrusted.pem -subj "/O=nobody/CN=127.0.0.1" -addext "$san"

run openssl verify -CAfile ca.pem server.pem
if openssl verify -CAfile ca.pem untrusted.pem >>"$log" 2>&1; then
  echo "gen-certs.sh: untrusted.pem verifies against ca.pem" >&2
  exit 1
fi
rm -f server.csr server.ext ca.srl
chmod 600 ./*.key
