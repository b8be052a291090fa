#!/usr/bin/env bash
# The whole test suite, each test run once, in one clang tree built with AddressSanitizer +
# UndefinedBehaviorSanitizer (build-fuzz/): the unit tests, the end-to-end tests (whole CLI,
# browser, servers: the bantay binary they run is the sanitized one), the benches compiled (not
# run) so that they keep building, then every libFuzzer target for a bounded time. One tree
# compiles every source once; the README's first command builds the optimised GCC tree (build/).
# Usage: scripts/test.sh            (FUZZ_SECONDS=N to change the per-target fuzz time)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
jobs=$(nproc)
start=$(date +%s)
stamp() { echo "== $1 ($(( $(date +%s) - start )) s)"; }

stamp "build (clang, ASan + UBSan: tests, benches, libFuzzer targets)"
CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DBANTAY_FUZZ=ON -DBANTAY_TESTS=ON -DBANTAY_UNIT_TESTS=ON -DBANTAY_E2E_TESTS=ON \
  -DBANTAY_BENCH=ON >/dev/null
ninja -C build-fuzz -j"$jobs"
stamp "tests under sanitizers"
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
  ctest --test-dir build-fuzz -j"$jobs" --output-on-failure

stamp "fuzzing (${FUZZ_SECONDS:-10} s per target)"
bash scripts/fuzz.sh "${FUZZ_SECONDS:-10}"
stamp "all passed"
