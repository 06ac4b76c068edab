# galois: the entry points. CMake does the building; this file only strings the steps together.
# See docs/BUILD.md. Every target first installs the Debian packages that are missing.
#
#   make demo      build (Release, build/) and run `galois demo`
#   make test      gcc Release + all tests, clang ASan/UBSan + unit tests (without libgcrypt),
#                  format check, clang libFuzzer targets for FUZZ_SECONDS each; what .ci/run
#                  calls
#   make bench     build, libsrtp on OpenSSL if scripts/build-libsrtp-openssl.sh exists, bench
#   make fuzz      build the fuzz targets and run each for FUZZ_SECONDS
#   make install   install build/ into $(DESTDIR)$(PREFIX)
#   make format    clang-format every C file in place
#   make clean     remove the build directories

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c

JOBS ?= 2
FUZZ_SECONDS ?= 30
PREFIX ?= /usr/local
DESTDIR ?=
CMAKE ?= cmake
CTEST ?= ctest

BUILD ?= build
BUILD_ASAN ?= build-asan
BUILD_FUZZ ?= build-fuzz

# Sanitizer runtime settings for every ASan/UBSan binary the tests run.
export ASAN_OPTIONS ?= detect_leaks=1:strict_string_checks=1:detect_stack_use_after_return=1
export UBSAN_OPTIONS ?= print_stacktrace=1:halt_on_error=1

.PHONY: all deps configure build demo test test-release test-asan test-format test-fuzz fuzz fuzz-build \
	bench install format clean

all: build

deps:
	@scripts/install-deps.sh

# --- build/: gcc, Release -------------------------------------------------------------------
configure: deps
	$(CMAKE) -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release -DCMAKE_C_COMPILER=gcc \
		-DGALOIS_LIBGCRYPT=ON -DCMAKE_INSTALL_PREFIX=$(PREFIX)

build: configure
	$(CMAKE) --build $(BUILD) -j$(JOBS)

demo: build
	./$(BUILD)/galois demo

bench: build
	@if [[ -x scripts/build-libsrtp-openssl.sh ]]; then \
		scripts/build-libsrtp-openssl.sh; \
	elif [[ -f scripts/build-libsrtp-openssl.sh ]]; then \
		bash scripts/build-libsrtp-openssl.sh; \
	fi
	./$(BUILD)/galois bench

install: build
	DESTDIR="$(DESTDIR)" $(CMAKE) --install $(BUILD) --prefix "$(PREFIX)"

# --- make test: four stages, each closing with its own summary -------------------------------
# Every stage runs even when an earlier one failed (so one run shows everything); the run fails
# if any stage did. The last lines give each stage's verdict and time.
TEST_STAGES := release asan format fuzz

test: deps
	@t0=$$SECONDS; report=(); failed=0; \
	for stage in $(TEST_STAGES); do \
		echo "=== make test: stage $$stage ==="; s0=$$SECONDS; \
		if $(MAKE) --no-print-directory test-$$stage; then verdict=passed; \
		else verdict=FAILED; failed=$$((failed + 1)); fi; \
		report+=("$$(printf '%-8s %-7s %4ds' $$stage $$verdict $$((SECONDS - s0)))"); \
	done; \
	echo "=== make test: summary ==="; printf '  %s\n' "$${report[@]}"; \
	echo "make test: $$((SECONDS - t0))s in all"; \
	echo "stages: $$(( $(words $(TEST_STAGES)) - failed )) passed, $$failed failed"; \
	exit $$((failed > 0))

# A test stage builds with make's -k and runs ctest even when some target failed to build, so
# one run reports every broken test; the stage still fails if the build did.
test-release: configure
	@rc=0; $(CMAKE) --build $(BUILD) -j$(JOBS) -- -k || rc=1; \
	cd $(BUILD) && $(CTEST) --output-on-failure --no-tests=error -j$(JOBS) || rc=1; exit $$rc

# build-asan/: clang with AddressSanitizer + UndefinedBehaviorSanitizer; the unit tests. Built
# without libgcrypt, so the unit tests run on the OpenSSL-only path here and on the libgcrypt
# path (the default for AES-GCM) in the release stage.
test-asan: deps
	$(CMAKE) -S . -B $(BUILD_ASAN) -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_COMPILER=clang \
		-DGALOIS_SANITIZE=ON -DGALOIS_LIBGCRYPT=OFF
	@rc=0; $(CMAKE) --build $(BUILD_ASAN) -j$(JOBS) -- -k || rc=1; \
	cd $(BUILD_ASAN) && $(CTEST) --output-on-failure --no-tests=error -j$(JOBS) -R '^unit\.' || rc=1; exit $$rc

test-format: deps
	scripts/format.sh --check

# build-fuzz/: clang, libFuzzer + ASan + UBSan; only the fuzz targets are built.
fuzz-build: deps
	$(CMAKE) -S . -B $(BUILD_FUZZ) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER=clang \
		-DGALOIS_SANITIZE=ON -DGALOIS_FUZZ=ON -DGALOIS_FUZZ_SECONDS=$(FUZZ_SECONDS)
	$(CMAKE) --build $(BUILD_FUZZ) -j$(JOBS) --target galois_fuzzers

test-fuzz fuzz: fuzz-build
	cd $(BUILD_FUZZ) && $(CTEST) --output-on-failure --no-tests=error -j$(JOBS) -L fuzz

format: deps
	scripts/format.sh

clean:
	rm -rf $(BUILD) $(BUILD_ASAN) $(BUILD_FUZZ)
