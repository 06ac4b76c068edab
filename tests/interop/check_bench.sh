#!/bin/sh
# bench.smoke: runs `galois bench --quick --json` and checks that every row galois (on its
# default backend, and as galois-openssl on OpenSSL alone) and the EVP floor must produce is
# there once, with a positive ns_per_packet, header protection rows
# included (SUITE+ext, +cryptex, +rfc6904), and that the bench's own check found every
# implementation protecting into the same bytes (and the header protection rows protecting
# the headers as named). No timing thresholds: the machine is shared, so only the shape of the
# output is tested.
#
#   tests/interop/check_bench.sh PATH/TO/galois
set -u

galois=${1:?usage: check_bench.sh PATH/TO/galois}
out=$(mktemp)
err=$(mktemp)
trap 'rm -f "$out" "$err"' EXIT INT TERM

if ! "$galois" bench --quick --json >"$out" 2>"$err"; then
    echo "galois bench --quick --json failed:"
    cat "$err" "$out"
    echo "0 passed, 1 failed"
    exit 1
fi
sed 's/^/  /' "$err"  # the header and the identical-packets check, for the log

suites="AES_CM_128_HMAC_SHA1_80 AES_CM_128_HMAC_SHA1_32 AES_192_CM_HMAC_SHA1_80
AES_192_CM_HMAC_SHA1_32 AES_256_CM_HMAC_SHA1_80 AES_256_CM_HMAC_SHA1_32 AEAD_AES_128_GCM
AEAD_AES_256_GCM AEAD_AES_128_GCM_8 AEAD_AES_256_GCM_8 NULL_HMAC_SHA1_80 NULL_HMAC_SHA1_32"
rtcp_suites="AES_CM_128_HMAC_SHA1_80 AES_256_CM_HMAC_SHA1_80 AEAD_AES_128_GCM AEAD_AES_256_GCM"
hdr_suites="AES_CM_128_HMAC_SHA1_80 AEAD_AES_128_GCM"

passed=0
failed=0
check_row() {  # impl suite payload op
    pattern="{\"impl\":\"$1\",\"suite\":\"$2\",\"payload\":$3,\"op\":\"$4\",\"ns_per_packet\":"
    rows=$(grep -cF "$pattern" "$out")
    value=$(grep -F "$pattern" "$out" | sed -n 's/.*"ns_per_packet":\([0-9.]*\),.*/\1/p' | head -n 1)
    if [ "$rows" -eq 1 ] && [ -n "$value" ] && awk -v v="$value" 'BEGIN { exit !(v > 0) }'; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        echo "FAIL: $1 $2 $3 $4: $rows row(s), ns_per_packet '${value}'"
    fi
}

for impl in galois galois-openssl evp-floor; do
    for suite in $suites; do
        for payload in 160 1200; do
            for op in protect unprotect; do
                check_row "$impl" "$suite" "$payload" "$op"
            done
        done
    done
    for suite in $rtcp_suites; do
        for payload in 160 1200; do
            for op in protect_rtcp unprotect_rtcp; do
                check_row "$impl" "$suite" "$payload" "$op"
            done
        done
    done
done

# Header protection rows: galois and galois-openssl in all three variants, the floor in +ext
# only.
for suite in $hdr_suites; do
    for payload in 160 1200; do
        for op in protect unprotect; do
            for variant in ext cryptex rfc6904; do
                check_row galois "$suite+$variant" "$payload" "$op"
                check_row galois-openssl "$suite+$variant" "$payload" "$op"
            done
            check_row evp-floor "$suite+ext" "$payload" "$op"
        done
    done
done

# The bench's check before timing: same bytes from every implementation, headers protected
# as each row names.
if grep -q '^check: every implementation protects into the same bytes' "$err"; then
    passed=$((passed + 1))
else
    failed=$((failed + 1))
    echo "FAIL: the bench's identical-packets check reported a problem (above)"
fi

# Every line is one JSON object of the documented shape.
bad=$(grep -cEv '^\{"impl":"[a-z0-9-]*","suite":"[A-Z0-9_]*(\+[a-z0-9]+)?","payload":[0-9]*,"op":"[a-z_]*","ns_per_packet":' "$out")
if [ "$bad" -eq 0 ]; then
    passed=$((passed + 1))
else
    failed=$((failed + 1))
    echo "FAIL: $bad line(s) of output are not bench rows"
fi

echo "bench.smoke: $(wc -l <"$out") rows from galois bench --quick --json"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
