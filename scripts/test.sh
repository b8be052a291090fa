#!/usr/bin/env bash
# The whole test suite, each test run once: the end-to-end tests (whole CLI, browser, servers)
# against the optimised build the README's demo uses (RelWithDebInfo, GCC; also builds the
# benches so that they keep compiling), then the unit tests under AddressSanitizer +
# UndefinedBehaviorSanitizer (clang, in the same build tree as the libFuzzer targets), then
# every libFuzzer target for a bounded time. (`cmake -S . -B build` alone builds every test;
# CI leaves the unit tests out of the GCC tree because they run under the sanitizers.)
# Usage: scripts/test.sh            (FUZZ_SECONDS=N to change the per-target fuzz time)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
jobs=$(nproc)
start=$(date +%s)
stamp() { echo "== $1 ($(( $(date +%s) - start )) s)"; }

stamp "build (RelWithDebInfo)"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBANTAY_UNIT_TESTS=OFF \
  -DBANTAY_E2E_TESTS=ON >/dev/null
ninja -C build -j"$jobs"
stamp "end-to-end tests"
ctest --test-dir build -j"$jobs" --output-on-failure

stamp "build (clang, ASan + UBSan + libFuzzer targets)"
CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DBANTAY_FUZZ=ON -DBANTAY_TESTS=ON -DBANTAY_UNIT_TESTS=ON -DBANTAY_E2E_TESTS=OFF \
  -DBANTAY_BENCH=OFF >/dev/null
ninja -C build-fuzz -j"$jobs"
stamp "unit tests under sanitizers"
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
  ctest --test-dir build-fuzz -j"$jobs" --output-on-failure

stamp "fuzzing (${FUZZ_SECONDS:-10} s per target)"
BANTAY_FUZZ_TESTS=ON bash scripts/fuzz.sh "${FUZZ_SECONDS:-10}"
stamp "all passed"
