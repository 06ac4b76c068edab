#!/bin/sh
# Builds libsrtp2 on OpenSSL (./configure --enable-openssl) from Debian's own source package,
# for `galois bench`'s libsrtp2-openssl column. Debian's binary libsrtp2 is built on NSS.
#
#   scripts/build-libsrtp-openssl.sh [OUT_DIR]     (default: build/libsrtp-openssl)
#
# The result is OUT_DIR/libsrtp2.so.1; the source stays in OUT_DIR/src (never committed: it
# lives under build/). The source comes through `apt-get source` with a PRIVATE apt
# configuration: a temporary sources.list with deb-src lines for the Debian archives and
# suites the machine's own deb entries use, and private lists and cache directories. The
# system's apt sources and state are never touched. Running it again does nothing once the
# library is built (delete OUT_DIR to rebuild).
#
# Needs: apt-get, dpkg-dev (dpkg-source), build-essential, libssl-dev, pkg-config
# (scripts/debian-packages.txt lists them).
set -eu

repo=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$repo/build/libsrtp-openssl}
mkdir -p "$out"
out=$(cd "$out" && pwd)
lib=$out/libsrtp2.so.1

if [ -f "$lib" ] && [ -f "$out/.built" ]; then
    echo "build-libsrtp-openssl: $lib is built ($(cat "$out/.built")); nothing to do"
    exit 0
fi

for tool in apt-get dpkg-source make cc; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "build-libsrtp-openssl: $tool is missing (apt-get install dpkg-dev build-essential)" >&2
        exit 1
    fi
done

apt_dir=$(mktemp -d "${TMPDIR:-/tmp}/galois-apt.XXXXXX")
trap 'rm -rf "$apt_dir"' EXIT INT TERM
mkdir -p "$apt_dir/sources.list.d" "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial"

# deb_entries prints "URI SUITE COMPONENTS... [signed-by]" for every enabled deb entry of the
# machine that points at a Debian archive, from one-line .list files and deb822 .sources files.
deb_entries() {
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
        [ -f "$f" ] || continue
        sed -e 's/#.*//' "$f" | awk '
            $1 == "deb" {
                opts = ""; i = 2
                if ($2 ~ /^\[/) {
                    while (i <= NF) { opts = opts " " $i; if ($i ~ /\]$/) { i++; break } i++ }
                }
                sb = ""
                if (match(opts, /signed-by=[^] ]+/)) sb = substr(opts, RSTART + 10, RLENGTH - 10)
                line = $i " " $(i + 1); for (j = i + 2; j <= NF; j++) line = line " " $j
                print line "|" sb
            }'
    done
    for f in /etc/apt/sources.list.d/*.sources; do
        [ -f "$f" ] || continue
        awk '
            function flush() {
                if (types ~ /(^| )deb( |$)/ && enabled != "no")
                    for (u = 1; u <= nu; u++) for (s = 1; s <= ns; s++)
                        print uris[u] " " suites[s] " " comps "|" sb
                types = ""; nu = 0; ns = 0; comps = ""; sb = ""; enabled = ""
            }
            /^[ \t]*#/ { next }
            /^[ \t]*$/ { flush(); next }
            {
                key = $1; sub(/:$/, "", key); $1 = ""; sub(/^ +/, "")
                if (key == "Types") types = $0
                else if (key == "URIs") nu = split($0, uris, " ")
                else if (key == "Suites") ns = split($0, suites, " ")
                else if (key == "Components") comps = $0
                else if (key == "Signed-By") sb = $0
                else if (key == "Enabled") enabled = tolower($0)
            }
            END { flush() }' "$f"
    done
}

deb_entries | sort -u | while IFS='|' read -r entry signed_by; do
    case $entry in
        *debian*) ;;          # Debian's archive (deb.debian.org, security, snapshot, mirrors)
        *) continue ;;        # nothing else is fetched from
    esac
    if [ -n "$signed_by" ] && [ -f "$signed_by" ]; then
        echo "deb-src [signed-by=$signed_by] $entry"
    else
        echo "deb-src $entry"
    fi
done >"$apt_dir/sources.list"

if [ ! -s "$apt_dir/sources.list" ]; then
    echo "build-libsrtp-openssl: no Debian deb entries found in /etc/apt; cannot get the source" >&2
    exit 1
fi
echo "build-libsrtp-openssl: private apt sources:"
sed 's/^/    /' "$apt_dir/sources.list"

set -- -o Dir::Etc::SourceList="$apt_dir/sources.list" \
       -o Dir::Etc::SourceParts="$apt_dir/sources.list.d" \
       -o Dir::State::Lists="$apt_dir/lists" \
       -o Dir::Cache="$apt_dir/cache" \
       -o APT::Sandbox::User=root
apt-get "$@" -q update
rm -rf "$out/src"
mkdir -p "$out/src"
(cd "$out/src" && apt-get "$@" -q source libsrtp2)

srcdir=$(find "$out/src" -mindepth 1 -maxdepth 1 -type d -name 'libsrtp2-*' | head -n 1)
if [ -z "$srcdir" ]; then
    echo "build-libsrtp-openssl: apt-get source libsrtp2 gave no source tree" >&2
    exit 1
fi
version=$(basename "$srcdir" | sed 's/^libsrtp2-//')
echo "build-libsrtp-openssl: building libsrtp2 $version with --enable-openssl in $srcdir"
cd "$srcdir"
# Debian's patches are applied by dpkg-source -x (apt-get source does that). The upstream
# tarball ships its configure script, so no autotools run is needed. The flags are Debian's
# own for its NSS build (debian/rules: dpkg-buildflags with -O2 replaced by -O4
# -fexpensive-optimizations -funroll-loops, plus -D_REENTRANT); only the crypto engine
# differs, so the two libsrtp2 columns of the bench compare NSS with OpenSSL and nothing else.
cflags="-g -O4 -fexpensive-optimizations -funroll-loops -D_REENTRANT"
cppflags=""
ldflags=""
if command -v dpkg-buildflags >/dev/null 2>&1; then
    cflags="$(dpkg-buildflags --get CFLAGS | sed 's/-O2//g') -D_REENTRANT -O4 -fexpensive-optimizations -funroll-loops"
    cppflags=$(dpkg-buildflags --get CPPFLAGS)
    ldflags=$(dpkg-buildflags --get LDFLAGS)
fi
CFLAGS=$cflags CPPFLAGS=$cppflags LDFLAGS=$ldflags \
    ./configure --enable-openssl --disable-pcap >"$out/configure.log" 2>&1 ||
    { tail -n 30 "$out/configure.log" >&2; exit 1; }
make -j"$(nproc 2>/dev/null || echo 2)" shared_library >"$out/make.log" 2>&1 ||
    { tail -n 30 "$out/make.log" >&2; exit 1; }
built=$(find . -maxdepth 1 -name 'libsrtp2.so*' -type f | head -n 1)
if [ -z "$built" ]; then
    echo "build-libsrtp-openssl: make produced no libsrtp2.so" >&2
    exit 1
fi
cp "$built" "$lib"
if ! grep -q '^#define OPENSSL 1' crypto/include/config.h; then
    echo "build-libsrtp-openssl: configure did not select OpenSSL (crypto/include/config.h)" >&2
    exit 1
fi
echo "libsrtp2 $version, --enable-openssl" >"$out/.built"
echo "build-libsrtp-openssl: built $lib"
ldd "$lib" | grep -E 'libcrypto|libnss' || true
