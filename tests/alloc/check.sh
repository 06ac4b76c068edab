#!/usr/bin/env bash
# check.sh PACKETS_BINARY: heap allocations per packet, counted by valgrind (memcheck's "total
# heap usage"), from two runs of 200 and 400 packets per direction and kind. galois's own code
# allocates nothing per packet; for the AES-GCM suites neither does OpenSSL nor libgcrypt, and
# for the HMAC-SHA1 suites neither does Nettle, so on those backends the count must not grow at
# all (the libgcrypt and Nettle rows are skipped, with a note, in a build without them). With
# HMAC-SHA1 on OpenSSL, OpenSSL 3.0 allocates inside libcrypto each time a digest state is
# copied or initialised (docs/ENGINE.md): at most 2 per HMAC is allowed there, so anything galois
# added would show. A default row is held to the bound of the backend the default chose, as the
# program reports it ("SUITE on BACKEND: ..."): for HMAC-SHA1 that is Nettle only where Nettle's
# SHA-1 runs on SHA-NI, and valgrind hides SHA-NI, so under valgrind it is OpenSSL (the Nettle
# rows force Nettle by policy). Prints one line per suite and backend and "N passed, N failed".
set -euo pipefail
bin=$1
allocs() {  # SUITE N BACKEND: prints the allocation count and the backend used
    local out rc=0
    out=$(valgrind --error-exitcode=3 "$bin" "$1" "$2" "$3" 2>&1) || rc=$?
    if ((rc == 77)); then
        echo unsupported
        return 0
    elif ((rc != 0)); then
        echo "$out" >&2
        return 1
    fi
    local count used
    count=$(sed -n 's/.*total heap usage: \([0-9,]*\) allocs.*/\1/p' <<<"$out" | tr -d ,)
    used=$(sed -n "s/^$1 on \([a-z]*\): .*/\1/p" <<<"$out")
    echo "$count ${used:-unknown}"
}
passed=0
failed=0
skipped=0
for row in AEAD_AES_128_GCM:openssl AEAD_AES_128_GCM:libgcrypt AEAD_AES_256_GCM:openssl \
    AEAD_AES_256_GCM:libgcrypt AEAD_AES_128_GCM_8:openssl AEAD_AES_128_GCM_8:libgcrypt \
    AEAD_AES_256_GCM_8:libgcrypt AES_CM_128_HMAC_SHA1_80:default AES_CM_128_HMAC_SHA1_80:nettle \
    AES_CM_128_HMAC_SHA1_80:openssl AES_256_CM_HMAC_SHA1_32:default AES_256_CM_HMAC_SHA1_32:nettle \
    NULL_HMAC_SHA1_80:default NULL_HMAC_SHA1_80:nettle NULL_HMAC_SHA1_80:openssl; do
    suite=${row%:*}
    backend=${row#*:}
    out200=$(allocs "$suite" 200 "$backend")  # a failed run stops the script (set -e)
    out400=$(allocs "$suite" 400 "$backend")
    read -r a used <<<"$out200"
    read -r b _ <<<"$out400"
    if [[ $a == unsupported ]]; then
        echo "skipped: $suite on $backend: this build has no $backend backend"
        skipped=$((skipped + 1))
        continue
    fi
    per=$(((b - a) / 200))  # per packet of each of the 4 kinds (RTP/SRTCP, protect/unprotect)
    case $suite:$used in
    AEAD_*) max=0 ;;
    *:nettle) max=0 ;;
    *:openssl) max=8 ;;  # OpenSSL: 2 per HMAC x 4 calls
    *) max=-1 ;;         # a backend the program did not name: fail
    esac
    line="$suite on $backend (used: $used): $a -> $b allocations for 200 more of each call ($per per 4 calls; at most $max)"
    if ((max >= 0 && b - a <= max * 200)) && [[ $backend == default || $backend == "$used" ]]; then
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
