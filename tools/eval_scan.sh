#!/usr/bin/env bash
# Generates a synthetic chat corpus with truth, scans it and scores the scan.
#
# Usage: tools/eval_scan.sh [--n 20000] [--seed S] [--bantay PATH] [--interleave]
#                           [--keep DIR] [--json] [--plot FILE.svg] [--min-f1 X]
#                           [--max-negative-family-rate X] [--min-obfuscation-recall X]
#                           [-- EXTRA SCAN ARGS...]
# The bantay binary defaults to $BANTAY, then build/src/cli/bantay, then bantay on PATH.
# Exit status: that of eval_scan.py (0 pass, 1 a threshold failed), 2 on any other error.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
n=20000
seed=1
bantay="${BANTAY:-}"
keep=""
simulate_extra=()
eval_extra=()
scan_extra=()

usage() { sed -n '2,9p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2; }
need() { [[ $# -ge 2 && -n "$2" ]] || { echo "eval_scan.sh: $1 needs a value" >&2; exit 2; }; }

while [[ $# -gt 0 ]]; do
  case "$1" in
    --n) need "$@"; n="$2"; shift 2 ;;
    --seed) need "$@"; seed="$2"; shift 2 ;;
    --bantay) need "$@"; bantay="$2"; shift 2 ;;
    --keep) need "$@"; keep="$2"; shift 2 ;;
    --interleave) simulate_extra+=(--interleave); shift ;;
    --json) eval_extra+=(--json); shift ;;
    --plot) need "$@"; eval_extra+=(--plot "$2"); shift 2 ;;
    --min-f1|--max-negative-family-rate|--min-obfuscation-recall)
      need "$@"; eval_extra+=("$1" "$2"); shift 2 ;;
    --) shift; scan_extra=("$@"); break ;;
    -h|--help) usage ;;
    *) echo "eval_scan.sh: unknown argument: $1" >&2; usage ;;
  esac
done

source "$root/tools/eval_lib.sh"
eval_setup eval_scan "$root" "$bantay" "$keep"


now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

t0=$(now)
"$bantay" simulate chats --n "$n" --seed "$seed" ${simulate_extra[@]+"${simulate_extra[@]}"} \
  --truth "$work/truth.jsonl" --out "$work/chats.jsonl" || {
  echo "eval_scan.sh: bantay simulate chats failed" >&2; exit 2; }
t1=$(now)
"$bantay" scan --all ${scan_extra[@]+"${scan_extra[@]}"} "$work/chats.jsonl" >"$work/scan.jsonl" || {
  echo "eval_scan.sh: bantay scan failed (exit $?)" >&2; exit 2; }
t2=$(now)

bytes=$(wc -c <"$work/chats.jsonl")
if [[ ! " ${eval_extra[*]-} " =~ " --json " ]]; then
  echo "corpus: $n conversations, seed $seed, $bytes bytes (simulate $(elapsed "$t0" "$t1") s," \
       "scan $(elapsed "$t1" "$t2") s)${keep:+, files in $keep}"
fi
set +e
python3 "$here/eval_scan.py" "$work/truth.jsonl" "$work/scan.jsonl" ${eval_extra[@]+"${eval_extra[@]}"}
status=$?
set -e
exit "$status"
