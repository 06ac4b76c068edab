#!/usr/bin/env bash
# check.sh PACKETS_BINARY: heap allocations per packet, counted by valgrind (memcheck's "total
# heap usage"), from two runs of 200 and 400 packets per direction and kind. galois's own code
# allocates nothing per packet; for the AES-GCM suites neither does OpenSSL, so their count must
# not grow at all. For the HMAC-SHA1 suites OpenSSL 3.0 allocates inside libcrypto each time a
# digest state is copied or initialised (docs/ENGINE.md): at most 2 per packet is allowed, so
# anything galois added would show. Prints one line per suite and "N passed, N failed".
set -euo pipefail
bin=$1
allocs() {
    local out
    out=$(valgrind --error-exitcode=3 "$bin" "$1" "$2" 2>&1) || {
        echo "$out" >&2
        return 1
    }
    sed -n 's/.*total heap usage: \([0-9,]*\) allocs.*/\1/p' <<<"$out" | tr -d ,
}
passed=0
failed=0
for suite in AEAD_AES_128_GCM AEAD_AES_256_GCM AEAD_AES_128_GCM_8 AES_CM_128_HMAC_SHA1_80 \
    AES_256_CM_HMAC_SHA1_32 NULL_HMAC_SHA1_80; do
    a=$(allocs "$suite" 200)
    b=$(allocs "$suite" 400)
    per=$(((b - a) / 200))  # per packet of each of the 4 kinds (RTP/SRTCP, protect/unprotect)
    case $suite in
    AEAD_*) max=0 ;;
    *) max=8 ;;  # 2 per HMAC x 4 calls
    esac
    if ((b - a <= max * 200)); then
        echo "ok: $suite: $a -> $b allocations for 200 more of each call ($per per 4 calls; at most $max)"
        passed=$((passed + 1))
    else
        echo "FAIL: $suite: $a -> $b allocations for 200 more of each call ($per per 4 calls; at most $max)"
        failed=$((failed + 1))
    fi
done
echo "$passed passed, $failed failed"
((failed == 0))
