#!/usr/bin/env bash
# format.sh: formats every tracked C file (*.c, *.h) under include src tools tests fuzz bench
# examples with clang-format and the repository's .clang-format.
#   scripts/format.sh           rewrite the files in place
#   scripts/format.sh --check   change nothing; list the files that are not formatted, exit 1 if any
# clang-format is pinned to one major version (CLANG_FORMAT overrides), because versions format
# differently and .clang-format uses keys (InsertBraces) that Debian's default 14 does not know.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
check=false
case "${1:-}" in
--check) check=true ;;
"") ;;
*)
    echo "usage: scripts/format.sh [--check]" >&2
    exit 2
    ;;
esac

cf=${CLANG_FORMAT:-clang-format-16}
if ! command -v "$cf" >/dev/null 2>&1; then
    echo "format.sh: $cf not found (scripts/install-deps.sh installs it)" >&2
    exit 2
fi

dirs=(include src tools tests fuzz bench examples)
files=()
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    # Tracked files plus new ones not ignored, so a file counts before its first commit.
    while IFS= read -r -d '' f; do
        [[ -f $f ]] && files+=("$f")
    done < <(git ls-files -z --cached --others --exclude-standard -- \
        "${dirs[@]/%//*.c}" "${dirs[@]/%//*.h}" | sort -zu)
else
    while IFS= read -r -d '' f; do
        files+=("$f")
    done < <(find "${dirs[@]}" -type f \( -name '*.c' -o -name '*.h' \) -print0 2>/dev/null | sort -z)
fi

if ! $check; then
    if ((${#files[@]} > 0)); then
        "$cf" -i "${files[@]}"
    fi
    echo "format.sh: formatted ${#files[@]} files with $("$cf" --version | sed 's/.*version //')"
    exit 0
fi

bad=()
for f in "${files[@]}"; do
    if ! "$cf" --dry-run --Werror "$f" >/dev/null 2>&1; then
        bad+=("$f")
    fi
done
for f in "${bad[@]}"; do
    echo "format.sh: not formatted: $f (diff below)"
    "$cf" "$f" | diff -u "$f" - | sed -n '3,40p' || true
done
echo "format: $((${#files[@]} - ${#bad[@]})) passed, ${#bad[@]} failed"
if ((${#bad[@]} > 0)); then
    echo "format.sh: run scripts/format.sh to fix" >&2
    exit 1
fi
