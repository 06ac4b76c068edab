#!/usr/bin/env bash
# install-deps.sh: installs the Debian packages named in scripts/debian-packages.txt (or in the
# files given as arguments) that are not installed yet. It prints nothing and touches nothing
# when every package is there, so the Makefile can call it before every target.
#
# The list has one package per line; `#` starts a comment. Names must be real package names
# (not virtual ones), or dpkg-query never reports them as installed.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
lists=("$@")
if ((${#lists[@]} == 0)); then
    lists=("$here/debian-packages.txt")
fi

wanted=()
for list in "${lists[@]}"; do
    while IFS= read -r line || [[ -n $line ]]; do
        line=${line%%#*}
        for pkg in $line; do
            wanted+=("$pkg")
        done
    done <"$list"
done

missing=()
for pkg in "${wanted[@]}"; do
    status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
    if [[ $status != "install ok installed" ]]; then
        missing+=("$pkg")
    fi
done
if ((${#missing[@]} == 0)); then
    exit 0
fi

sudo=()
if ((EUID != 0)); then
    if ! command -v sudo >/dev/null 2>&1; then
        echo "install-deps.sh: not root and no sudo; install these yourself: ${missing[*]}" >&2
        exit 1
    fi
    sudo=(sudo)
fi

echo "install-deps.sh: installing ${missing[*]}" >&2
apt=("${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -q -o DPkg::Lock::Timeout=600)
"${apt[@]}" update
"${apt[@]}" install -y "${missing[@]}"

for pkg in "${missing[@]}"; do
    status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
    if [[ $status != "install ok installed" ]]; then
        echo "install-deps.sh: $pkg is still not installed" >&2
        exit 1
    fi
done
