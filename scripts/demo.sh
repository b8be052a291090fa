#!/usr/bin/env bash
# The main job on bundled synthetic data: builds bantay, then
#  1. content: generates 20,000 labelled chat conversations, scans them, reports precision,
#     recall and the rate of every hard-negative family and obfuscation kind;
#  2. metadata: simulates a month of call records for 60,000 accounts, scores every account
#     for supply and demand, reports F1 and the rate of every legitimate population;
#  3. cases: `bantay demo` simulates a smaller set, scans and scores it, ingests the leads into
#     a case store in out/demo/, prints the demo users' passwords and serves the analyst
#     console on http://127.0.0.1:8080 until interrupted.
# Usage: scripts/demo.sh            (DEMO_SERVE=0: stop after ingest; DEMO_DIR=dir for the store)
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
echo
echo "== cases and console: bantay demo (simulate -> scan/meta -> ingest -> console)"
# Serves the console until interrupted; DEMO_SERVE=0 stops after ingest (for scripted runs).
serve=()
[ "${DEMO_SERVE:-1}" = 0 ] && serve=(--no-serve)
build/src/cli/bantay demo --dir "${DEMO_DIR:-out/demo}" "${serve[@]}"
demo=$?
worst=$(( chats > calls ? chats : calls ))
exit $(( demo > worst ? demo : worst ))
