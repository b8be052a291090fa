#!/usr/bin/env bash
# The main job on bundled synthetic data: builds bantay, then
#  1. content: generates 20,000 labelled chat conversations, scans them, reports precision,
#     recall and the rate of every hard-negative family and obfuscation kind;
#  2. metadata: simulates a month of call records for 60,000 accounts, scores every account
#     for supply and demand, reports F1 and the rate of every legitimate population;
#  3. cases: `bantay demo` simulates a smaller set, scans and scores it, ingests the leads into
#     a fresh case store in out/demo/ and prints the demo users' passwords; `bantay bot-demo`
#     runs the undercover agent with scripted synthetic partners into the same store; then
#     the analyst console is served on http://127.0.0.1:8080 until interrupted.
# Usage: scripts/demo.sh            (DEMO_SERVE=0: stop after ingest; DEMO_DIR=dir for the store)
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh || exit 2
# Score distributions per family and population (SVG) go beside the demo's store.
mkdir -p out/plots
echo "== content analysis: bantay simulate chats | bantay scan"
tools/eval_scan.sh --bantay build/src/cli/bantay --n 20000 --seed 24680 --plot out/plots/scan-scores.svg
chats=$?
echo
echo "== metadata analysis: bantay simulate calls | bantay meta"
tools/eval_meta.sh --bantay build/src/cli/bantay --accounts 60000 --days 30 --plot out/plots/meta-scores.svg
calls=$?
echo
echo "== cases, agent and console: bantay demo (simulate -> scan/meta -> ingest), bantay bot-demo"
# A fresh store each run: out/demo is the demo's own folder (DEMO_DIR=dir: a new folder).
dir="${DEMO_DIR:-out/demo}"
[ -z "${DEMO_DIR:-}" ] && rm -rf "$dir"
build/src/cli/bantay demo --dir "$dir" --no-serve
demo=$?
if [ "$demo" -eq 0 ]; then
  # The undercover agent on a loopback connector with scripted synthetic partners, mirrored
  # into the same store so that the console's Agent and Dashboard pages have conversations.
  if [ "${DEMO_SERVE:-1}" = 0 ]; then
    build/src/cli/bantay bot-demo --store "$dir/cases.db" --once
    demo=$?
  else
    build/src/cli/bantay bot-demo --store "$dir/cases.db" &
    bot=$!
    trap 'kill "$bot" 2>/dev/null' EXIT
    echo "console: http://127.0.0.1:8080 (log in with a password printed above; Ctrl-C stops)"
    build/src/cli/bantay serve --store "$dir/cases.db" --listen 127.0.0.1:8080
    demo=$?
  fi
fi
worst=$(( chats > calls ? chats : calls ))
exit $(( demo > worst ? demo : worst ))
