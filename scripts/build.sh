#!/usr/bin/env bash
# Configures and builds bantay (RelWithDebInfo) in build/. Usage: scripts/build.sh [extra cmake args]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBANTAY_UNIT_TESTS=ON "$@" >/dev/null
ninja -C build -j"$(nproc)"
