#!/usr/bin/env bash
# The main job on bundled synthetic data: builds bantay, generates a labelled chat corpus,
# scans it and reports precision, recall and per-family / per-obfuscation rates.
# Usage: scripts/demo.sh [--n 20000] [--seed 9001]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
exec tools/eval_scan.sh --bantay build/src/cli/bantay "$@"
