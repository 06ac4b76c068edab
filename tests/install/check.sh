#!/usr/bin/env bash
# check.sh BUILD_DIR SOURCE_DIR [CC]: installs BUILD_DIR into a temporary DESTDIR and checks that
# a user can build against the result: examples/protect.c compiled with `pkg-config galois`
# (shared, and static with --static), and a small CMake project using find_package(galois)
# with galois::galois and galois::galois_static. Every program built is run. Any failure
# fails the test.
set -euo pipefail

build=$(cd "$1" && pwd)
src=$(cd "$2" && pwd)
cc=${3:-cc}
work="$build/install-check"
rm -rf "$work"
mkdir -p "$work"
destdir="$work/destdir"
example="$src/examples/protect.c"
cflags=(-std=c11 -Wall -Wextra -Wpedantic -Werror)

step() { echo "--- $*"; }
fail() {
    echo "install check FAILED: $*" >&2
    exit 1
}

step "cmake --install $build (DESTDIR=$destdir)"
DESTDIR="$destdir" cmake --install "$build" >"$work/install.log" ||
    fail "cmake --install: $(cat "$work/install.log")"
prefix=$(sed -n 's/^CMAKE_INSTALL_PREFIX:PATH=//p' "$build/CMakeCache.txt")
root="$destdir$prefix"
for h in common.h srtp.h galois.h; do
    [[ -f $root/include/galois/$h ]] || fail "include/galois/$h not installed"
done
pc=$(find "$root" -name galois.pc -path '*/pkgconfig/*' | head -n 1)
[[ -n $pc ]] || fail "galois.pc not installed"
grep -qx "prefix=$prefix" "$pc" || fail "galois.pc does not name the prefix $prefix: $(head -n 1 "$pc")"
config=$(find "$root" -name galoisConfig.cmake | head -n 1)
[[ -n $config ]] || fail "galoisConfig.cmake not installed"
libdir=$(dirname "$(dirname "$pc")")
ls "$libdir"/libgalois.so.* "$libdir"/libgalois.a >/dev/null || fail "libraries not in $libdir"

# pkg-config reads the installed galois.pc; the sysroot maps its paths into DESTDIR.
PKG_CONFIG_PATH=$(dirname "$pc")
export PKG_CONFIG_PATH PKG_CONFIG_SYSROOT_DIR="$destdir"
pkg-config --exists --print-errors 'galois >= 0.1' || fail "pkg-config galois"
step "pkg-config --cflags --libs galois: $(pkg-config --cflags --libs galois)"
step "pkg-config --static --libs galois: $(pkg-config --static --libs galois)"

run() {
    local exe=$1 out
    out=$("$exe" 2>&1) || fail "$exe exited non-zero: $out"
    echo "$out"
    [[ $out == *"round trip ok"* ]] || fail "$exe did not report a round trip"
}

step "shared: $cc protect.c \$(pkg-config --cflags --libs galois)"
# shellcheck disable=SC2046
"$cc" "${cflags[@]}" "$example" $(pkg-config --cflags --libs galois) -o "$work/protect_shared"
# ldd's output is read whole: `ldd | grep -q` can fail under pipefail when grep stops early and
# ldd gets SIGPIPE.
deps=$(LD_LIBRARY_PATH="$libdir" ldd "$work/protect_shared")
[[ $deps == *"$libdir/libgalois.so"* ]] ||
    fail "protect_shared is not linked to the installed libgalois.so"
LD_LIBRARY_PATH="$libdir" run "$work/protect_shared"

step "static: libgalois.a and libcrypto.a through pkg-config --static (libsndfile stays shared: Debian has no libsndfile.a)"
# shellcheck disable=SC2046
"$cc" "${cflags[@]}" "$example" $(pkg-config --cflags galois) $(pkg-config --libs-only-L galois) \
    -Wl,-Bstatic $(pkg-config --static --libs-only-l galois | sed 's/ -lsndfile//') -Wl,-Bdynamic \
    -lsndfile \
    $(pkg-config --static --libs-only-other galois) -o "$work/protect_static"
deps=$(ldd "$work/protect_static" 2>&1 || true)
if [[ $deps == *libgalois* || $deps == *libcrypto* ]]; then
    fail "protect_static still needs a shared libgalois or libcrypto"
fi
run "$work/protect_static"

step "CMake: find_package(galois) with galois::galois and galois::galois_static"
mkdir -p "$work/consumer"
cp "$example" "$work/consumer/protect.c"
cat >"$work/consumer/CMakeLists.txt" <<'CMAKE'
cmake_minimum_required(VERSION 3.20)
project(galois_consumer LANGUAGES C)
find_package(galois 0.1 REQUIRED CONFIG)
if(NOT TARGET galois::galois OR NOT TARGET galois::galois_static)
  message(FATAL_ERROR "galois::galois or galois::galois_static missing")
endif()
add_executable(protect_shared protect.c)
target_link_libraries(protect_shared PRIVATE galois::galois)
add_executable(protect_static protect.c)
target_link_libraries(protect_static PRIVATE galois::galois_static)
CMAKE
unset PKG_CONFIG_PATH PKG_CONFIG_SYSROOT_DIR
cmake -S "$work/consumer" -B "$work/consumer/build" -DCMAKE_C_COMPILER="$cc" \
    -DCMAKE_PREFIX_PATH="$root" -DCMAKE_FIND_PACKAGE_PREFER_CONFIG=ON >"$work/consumer.log" 2>&1 ||
    fail "configuring the find_package(galois) project: $(cat "$work/consumer.log")"
cmake --build "$work/consumer/build" >>"$work/consumer.log" 2>&1 ||
    fail "building the find_package(galois) project: $(cat "$work/consumer.log")"
deps=$(ldd "$work/consumer/build/protect_static")
[[ $deps != *libgalois* ]] || fail "galois::galois_static linked the shared library"
run "$work/consumer/build/protect_shared"
run "$work/consumer/build/protect_static"

echo "install check: all passed"
