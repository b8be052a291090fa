#!/usr/bin/env bash
# The whole test suite: unit and end-to-end tests (RelWithDebInfo), the unit tests again under
# AddressSanitizer + UndefinedBehaviorSanitizer, and every libFuzzer target for a bounded time.
# Usage: scripts/test.sh            (FUZZ_SECONDS=N to change the per-target fuzz time)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
jobs=$(nproc)

echo "== build (RelWithDebInfo)"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
ninja -C build -j"$jobs"
echo "== tests"
ctest --test-dir build -j"$jobs" --output-on-failure

echo "== build (ASan + UBSan)"
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBANTAY_SANITIZE=ON \
  -DBANTAY_BENCH=OFF >/dev/null
ninja -C build-asan -j"$jobs"
echo "== tests under sanitizers"
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
  ctest --test-dir build-asan -j"$jobs" --output-on-failure -LE e2e

echo "== fuzzing (${FUZZ_SECONDS:-20} s per target)"
bash scripts/fuzz.sh "${FUZZ_SECONDS:-20}"
