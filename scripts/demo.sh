#!/usr/bin/env bash
# The main job on bundled synthetic data: builds bantay, then
#  1. content: generates 20,000 labelled chat conversations, scans them, reports precision,
#     recall and the rate of every hard-negative family and obfuscation kind;
#  2. metadata: simulates a month of call records for 60,000 accounts, scores every account
#     for supply and demand, reports F1 and the rate of every legitimate population.
# Usage: scripts/demo.sh            (exit 0 when both meet their targets)
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh || exit 2
echo "== content analysis: bantay simulate chats | bantay scan"
tools/eval_scan.sh --bantay build/src/cli/bantay --n 20000 --seed 9001
chats=$?
echo
echo "== metadata analysis: bantay simulate calls | bantay meta"
tools/eval_meta.sh --bantay build/src/cli/bantay --accounts 60000 --days 30
calls=$?
exit $(( chats > calls ? chats : calls ))
