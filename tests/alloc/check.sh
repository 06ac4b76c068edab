#!/usr/bin/env bash
# check.sh PACKETS_BINARY: heap allocations per packet, counted by valgrind (memcheck's "total
# heap usage"), from two runs of 200 and 400 packets per direction and kind. galois's own code
# allocates nothing per packet; for the AES-GCM suites neither does OpenSSL nor libgcrypt, and
# for the HMAC-SHA1 suites neither does Nettle, so on those backends (and on the default one,
# which picks them) the count must not grow at all (the libgcrypt and Nettle rows are skipped,
# with a note, in a build without them; the default rows then expect OpenSSL's). With HMAC-SHA1
# forced onto OpenSSL, OpenSSL 3.0 allocates inside libcrypto each time a digest state is
# copied or initialised (docs/ENGINE.md): at most 2 per HMAC is allowed there, so anything galois
# added would show. Prints one line per suite and backend and "N passed, N failed".
set -euo pipefail
bin=$1
# Whether this build has Nettle: then the default backend's HMAC-SHA1 rows must allocate nothing.
nettle=yes
if [[ $("$bin" AES_CM_128_HMAC_SHA1_80 1 nettle >/dev/null 2>&1; echo $?) == 77 ]]; then
    nettle=no
fi
allocs() {  # SUITE N BACKEND
    local out rc=0
    out=$(valgrind --error-exitcode=3 "$bin" "$1" "$2" "$3" 2>&1) || rc=$?
    if ((rc == 77)); then
        echo unsupported
        return 0
    elif ((rc != 0)); then
        echo "$out" >&2
        return 1
    fi
    sed -n 's/.*total heap usage: \([0-9,]*\) allocs.*/\1/p' <<<"$out" | tr -d ,
}
passed=0
failed=0
skipped=0
for row in AEAD_AES_128_GCM:openssl AEAD_AES_128_GCM:libgcrypt AEAD_AES_256_GCM:openssl \
    AEAD_AES_256_GCM:libgcrypt AEAD_AES_128_GCM_8:openssl AEAD_AES_128_GCM_8:libgcrypt \
    AEAD_AES_256_GCM_8:libgcrypt AES_CM_128_HMAC_SHA1_80:default AES_CM_128_HMAC_SHA1_80:nettle \
    AES_CM_128_HMAC_SHA1_80:openssl AES_256_CM_HMAC_SHA1_32:default NULL_HMAC_SHA1_80:default \
    NULL_HMAC_SHA1_80:openssl; do
    suite=${row%:*}
    backend=${row#*:}
    a=$(allocs "$suite" 200 "$backend")
    b=$(allocs "$suite" 400 "$backend")
    if [[ $a == unsupported ]]; then
        echo "skipped: $suite on $backend: this build has no $backend backend"
        skipped=$((skipped + 1))
        continue
    fi
    per=$(((b - a) / 200))  # per packet of each of the 4 kinds (RTP/SRTCP, protect/unprotect)
    case $suite:$backend:$nettle in
    AEAD_*) max=0 ;;
    *:nettle:* | *:default:yes) max=0 ;;
    *) max=8 ;;  # OpenSSL: 2 per HMAC x 4 calls
    esac
    line="$suite on $backend: $a -> $b allocations for 200 more of each call ($per per 4 calls; at most $max)"
    if ((b - a <= max * 200)); then
        echo "ok: $line"
        passed=$((passed + 1))
    else
        echo "FAIL: $line"
        failed=$((failed + 1))
    fi
done
echo "skipped: $skipped"
echo "$passed passed, $failed failed"
((failed == 0))
