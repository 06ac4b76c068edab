#!/bin/sh
# Counts the instructions `galois bench` spends per packet, per row, under callgrind. Times on
# a shared machine are noisy; instruction counts are not, so this is how two builds (or
# galois and the EVP floor) are compared to within a fraction of a percent.
#
#   scripts/bench-callgrind.sh [-b BUILD_DIR] [-n PACKETS] [-o OUT_DIR] [-a] [PATTERNS...]
#
#   -b BUILD_DIR  where the galois binary is (default: build)
#   -n PACKETS    packets measured per row (default 2000); the counts are divided by it
#   -o OUT_DIR    where the callgrind files go (default: BUILD_DIR/callgrind)
#   -a            also print callgrind_annotate's top functions (inclusive) for each row
#   -c            for each galois row, print where galois spends instructions beyond the
#                 evp-floor row (per function, exclusive, per packet): run both impls; for
#                 a +cryptex or +rfc6904 row, beyond galois's own +ext row (run that too)
#   -v            count the --evp-variants jobs instead of the bench rows
#   PATTERNS      rows, as `galois bench --only` takes them: IMPL:SUITE:OP[:PAYLOAD], each
#                 field a shell pattern ('*', '*+cryptex'; header protection rows are named
#                 SUITE+ext, SUITE+cryptex, SUITE+rfc6904) (default: galois, galois-openssl
#                 and evp-floor, every suite and op)
#
# How: the bench is run once per pattern under `valgrind --tool=callgrind
# --collect-atstart=no`. It switches collection on only around the measured calls (not the
# set-up, nor the untimed protect that makes packets for an unprotect row) and dumps the
# counts after each row with a client request named after the row, so each dump file is one
# row: its total Ir divided by PACKETS is the instructions per packet.
#
# Valgrind hides CPU features it does not emulate (SHA-NI, VAES, AVX-512), so OpenSSL and
# libgcrypt take their AVX2/AES-NI paths there: the counts are for those paths.
set -eu

repo=$(cd "$(dirname "$0")/.." && pwd)
build=$repo/build
packets=2000
out=
annotate=0
compare=0
variants=0
while getopts b:n:o:acv opt; do
    case $opt in
        b) build=$(cd "$OPTARG" && pwd) ;;
        n) packets=$OPTARG ;;
        o) out=$OPTARG ;;
        a) annotate=1 ;;
        c) compare=1 ;;
        v) variants=1 ;;
        *) sed -n '2,22p' "$0" >&2; exit 2 ;;
    esac
done
shift $((OPTIND - 1))
out=${out:-$build/callgrind}
galois=$build/galois
if [ ! -x "$galois" ]; then
    echo "bench-callgrind: $galois not found (build first, or pass -b BUILD_DIR)" >&2
    exit 1
fi
command -v valgrind >/dev/null || { echo "bench-callgrind: valgrind is missing" >&2; exit 1; }
mkdir -p "$out"
# Every run uses one copy of the binary, so a rebuild meanwhile cannot mix two versions. The
# copy looks for libsrtp2-openssl where the original would have.
cp "$galois" "$out/galois"
galois=$out/galois
if [ -z "${GALOIS_LIBSRTP_OPENSSL:-}" ]; then
    for lib in "$build/libsrtp-openssl/libsrtp2.so.1" "$repo/build/libsrtp-openssl/libsrtp2.so.1"; do
        if [ -f "$lib" ]; then
            GALOIS_LIBSRTP_OPENSSL=$lib
            export GALOIS_LIBSRTP_OPENSSL
            break
        fi
    done
fi
if [ $# -eq 0 ]; then
    set -- 'galois:*:*' 'galois-openssl:*:*' 'evp-floor:*:*'
fi

# run_one PATTERN TAG: one valgrind run; its dumps are $out/TAG.out.N
run_one() {
    if [ "$variants" -eq 1 ]; then
        set -- "$1" "$2" --evp-variants --runs 1 --packets "$packets"
    else
        set -- "$1" "$2" --count "$packets" --only "$1" --no-check
    fi
    tag=$2
    shift 2
    valgrind --tool=callgrind --collect-atstart=no --dump-instr=no \
        --callgrind-out-file="$out/$tag.out" "$galois" bench --no-pin "$@" \
        >"$out/$tag.log" 2>"$out/$tag.valgrind.log" || {
        echo "bench-callgrind: valgrind failed; see $out/$tag.valgrind.log" >&2
        exit 1
    }
}

rm -f "$out"/run*.out* "$out"/run*.log
i=0
for pattern in "$@"; do
    [ "$variants" -eq 1 ] && [ "$i" -gt 0 ] && break
    i=$((i + 1))
    run_one "$pattern" "run$i"
done

if [ "$variants" -eq 1 ]; then
    printf "%-28s %-40s %5s %14s\n" operation variant bytes instr/op
else
    printf "%-18s %-31s %-15s %5s %14s\n" impl suite op bytes instr/packet
fi
for f in $(ls "$out"/run*.out.* 2>/dev/null | sort -t. -k3 -n); do
    name=$(sed -n 's/^desc: Trigger: Client Request: //p' "$f")
    total=$(sed -n 's/^totals: *\([0-9]*\).*/\1/p' "$f")
    [ -n "$name" ] && [ -n "$total" ] || continue
    echo "$name" | awk -F: -v t="$total" -v n="$packets" '
        $1 == "variant" { printf "%-28s %-40s %5s %14.0f\n", $2, $3, $4, t / n; next }
        { printf "%-18s %-31s %-15s %5s %14.0f\n", $1, $2, $3, $4, t / n }'
    if [ "$annotate" -eq 1 ] && [ "$total" -gt 0 ]; then
        callgrind_annotate --inclusive=yes --threshold=99 "$f" 2>/dev/null |
            awk -v n="$packets" '
                /^-+$/ { sep++; next }
                sep >= 3 && $1 ~ /^[0-9,]+$/ {
                    ir = $1; gsub(",", "", ir)
                    fn = $0; sub(/^[ 0-9,]+\([ 0-9.%]+\) */, "", fn); sub(/^[ 0-9,]+ */, "", fn)
                    if (shown++ < 25) printf "      %10.0f  %s\n", ir / n, fn
                }'
    fi
done
# self_costs FILE: "Ir function [object]" per function, exclusive
self_costs() {
    callgrind_annotate --threshold=100 "$1" 2>/dev/null | awk '
        /^-+$/ { sep++; next }
        sep >= 3 && $1 ~ /^[0-9,]+$/ {
            ir = $1; gsub(",", "", ir)
            fn = $0; sub(/^ *[0-9,]+ +\([ 0-9.%]+\) +/, "", fn); sub(/^[^:]*:/, "", fn)
            # the roots callgrind charges the whole collected cost to when collection is toggled
            if (fn ~ /^(main|\(below main\)|__libc_start_main|PROGRAM TOTALS)/ ||
                fn ~ /^0x[0-9a-f]+ \[.*ld-linux/) next
            print ir "\t" fn
        }'
}

if [ "$compare" -eq 1 ]; then
    echo
    echo "where galois spends instructions beyond evp-floor, or for header protection beyond"
    echo "galois's own +ext row (exclusive Ir per packet, largest first):"
    for f in $(ls "$out"/run*.out.* 2>/dev/null | sort -t. -k3 -n); do
        name=$(sed -n 's/^desc: Trigger: Client Request: //p' "$f")
        case $name in galois:*) ;; *) continue ;; esac
        case $name in
            *+cryptex:* | *+rfc6904:*)
                floor_name=$(echo "$name" | sed 's/+[a-z0-9]*:/+ext:/')
                base="galois +ext" ;;
            *)
                floor_name="evp-floor:${name#galois:}"
                base=floor ;;
        esac
        ff=$(grep -lF -x "desc: Trigger: Client Request: $floor_name" "$out"/run*.out.* 2>/dev/null | head -n 1)
        [ -n "$ff" ] || continue
        gt=$(sed -n 's/^totals: *\([0-9]*\).*/\1/p' "$f")
        ft=$(sed -n 's/^totals: *\([0-9]*\).*/\1/p' "$ff")
        awk -v r="${name#galois:}" -v g="$gt" -v f="$ft" -v n="$packets" -v b="$base" 'BEGIN {
            printf "%s: galois %.0f, %s %.0f instr/packet: %+.0f (x%.3f)\n", r, g / n, b, f / n,
                (g - f) / n, g / f }'
        self_costs "$ff" >"$out/floor.self"
        self_costs "$f" | awk -F'\t' -v n="$packets" '
            NR == FNR { floor[$2] = $1; next }
            { g[$2] = $1 }
            END {
                for (k in g) d[k] = (g[k] - floor[k]) / n
                for (k in floor) if (!(k in g)) d[k] = -floor[k] / n
                for (k in d) if (d[k] >= 5 || d[k] <= -5) printf "%10.0f  %s\n", d[k], k
            }' "$out/floor.self" - | sort -rn >"$out/delta.txt"
        awk '$1 > 0' "$out/delta.txt" | head -n 12
        awk '$1 < 0' "$out/delta.txt" | sort -n | head -n 4
    done
fi
echo "callgrind files: $out (callgrind_annotate FILE for a full profile)"
