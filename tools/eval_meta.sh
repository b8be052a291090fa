#!/usr/bin/env bash
# Simulates a month of call records with truth, runs `bantay meta --all` on it and scores it.
#
# Usage: tools/eval_meta.sh [--accounts 60000] [--days 30] [--seed S] [--bantay PATH]
#                           [--keep DIR] [--json] [--plot FILE.svg] [--no-baseline]
#                           [--min-supply-f1 X] [--min-demand-f1 X] [--max-population-rate X]
#                           [-- EXTRA META ARGS...]
# The default seed (2026) is the held-out month: tune `bantay meta` on other seeds.
# The bantay binary defaults to $BANTAY, then build/src/cli/bantay, then bantay on PATH.
# Exit status: that of eval_meta.py (0 pass, 1 a threshold failed), 2 on any other error.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
accounts=60000
days=30
seed=2026
bantay="${BANTAY:-}"
keep=""
baseline=1
eval_extra=()
meta_extra=()

usage() { sed -n '2,11p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2; }
need() { [[ $# -ge 2 && -n "$2" ]] || { echo "eval_meta.sh: $1 needs a value" >&2; exit 2; }; }

while [[ $# -gt 0 ]]; do
  case "$1" in
    --accounts) need "$@"; accounts="$2"; shift 2 ;;
    --days) need "$@"; days="$2"; shift 2 ;;
    --seed) need "$@"; seed="$2"; shift 2 ;;
    --bantay) need "$@"; bantay="$2"; shift 2 ;;
    --keep) need "$@"; keep="$2"; shift 2 ;;
    --json) eval_extra+=(--json); shift ;;
    --plot) need "$@"; eval_extra+=(--plot "$2"); shift 2 ;;
    --no-baseline) baseline=0; shift ;;
    --min-supply-f1|--min-demand-f1|--max-population-rate)
      need "$@"; eval_extra+=("$1" "$2"); shift 2 ;;
    --) shift; meta_extra=("$@"); break ;;
    -h|--help) usage ;;
    *) echo "eval_meta.sh: unknown argument: $1" >&2; usage ;;
  esac
done

source "$root/tools/eval_lib.sh"
eval_setup eval_meta "$root" "$bantay" "$keep"
# Both subcommands must exist before anything is generated.
for sub in "simulate calls" "meta"; do
  # shellcheck disable=SC2086
  if ! "$bantay" $sub --help >/dev/null 2>&1; then
    echo "eval_meta.sh: $bantay has no \`$sub\` subcommand; build a bantay that has it" \
         "(\`bantay meta\` comes with issue 3's metadata analysis)" >&2
    exit 2
  fi
done


now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

t0=$(now)
"$bantay" simulate calls --accounts "$accounts" --days "$days" --seed "$seed" \
  --truth "$work/truth.jsonl" --out "$work/calls.csv" || {
  echo "eval_meta.sh: bantay simulate calls failed" >&2; exit 2; }
t1=$(now)
status=0
"$bantay" meta --all ${meta_extra[@]+"${meta_extra[@]}"} "$work/calls.csv" \
  >"$work/leads.jsonl" || status=$?
# Exit 1 is "findings" in the CLI contract; anything else is a failure of the run.
if [[ $status -ne 0 && $status -ne 1 ]]; then
  echo "eval_meta.sh: bantay meta failed (exit $status)" >&2
  exit 2
fi
t2=$(now)

records=$(($(wc -l <"$work/calls.csv") - 1))
if [[ ! " ${eval_extra[*]-} " =~ " --json " ]]; then
  echo "month: $accounts accounts, $days days, seed $seed, $records records" \
       "(simulate $(elapsed "$t0" "$t1") s, meta $(elapsed "$t1" "$t2") s)${keep:+, files in $keep}"
fi
baseline_args=()
if [[ $baseline -eq 1 ]]; then baseline_args=(--calls "$work/calls.csv"); fi
set +e
python3 "$here/eval_meta.py" "$work/truth.jsonl" "$work/leads.jsonl" \
  ${baseline_args[@]+"${baseline_args[@]}"} ${eval_extra[@]+"${eval_extra[@]}"}
status=$?
set -e
exit "$status"
