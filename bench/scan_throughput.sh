#!/usr/bin/env bash
# bench/scan_throughput.sh: scan throughput of `bantay scan` against ripgrep on >= 1 GB of synthetic chat JSONL.
#
# Usage: bench/scan_throughput.sh [--keep] [SIZE_MB]
#   SIZE_MB  corpus size in MB of 10^6 bytes (default 1100, at least 1000)
#   POSITIVE_SHARE (environment) share of positive conversations in the corpus (default 0.3,
#            the simulator's; a platform's real traffic has far fewer, and a positive costs
#            more: its evidence is mapped back to the original text and printed)
#   --keep   keep the temporary directory (corpus, patterns, logs) instead of removing it
#
# Uses build/src/cli/bantay as built; builds it only when missing (never rebuilds). The corpus
# comes from `bantay simulate chats --seed 4242`; the ripgrep patterns are every lexicon term
# in data/lexicons/*.tsv (column 1, trailing '*' stripped), matched with `rg -F -i -c`.
# Once the file is written back and read into the page cache (bench_settle), both tools
# read it from there, twice each with 2 threads, and the best wall time counts. Peak RSS comes from /usr/bin/time (apt package `time`) when present.
# The last line is machine-readable: bantay_mb_s=... ripgrep_mb_s=... ratio=...
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/bench_lib.sh"
bench_args SIZE_MB 1100 1000 "$@"
size_mb="$value"

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

threads=2
runs=2
rg_bin=/usr/bin/rg
[ -x "$rg_bin" ] || rg_bin="$(command -v rg || true)"
if [ -z "$rg_bin" ]; then echo "ripgrep (rg) not found; apt-get install ripgrep" >&2; exit 1; fi
time_bin=""
if command -v /usr/bin/time >/dev/null 2>&1; then time_bin=/usr/bin/time; fi

if [ ! -x build/src/cli/bantay ]; then
  echo "build/src/cli/bantay missing; building it" >&2
  cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  ninja -C build bantay
fi

bench_workdir bantay-scan-bench

# A private copy, so a rebuild of build/ during the run cannot swap the binary under us.
bantay="$work/bantay"
cp build/src/cli/bantay "$bantay"

corpus="$work/chats.jsonl"
patterns="$work/patterns.txt"
target_bytes=$(( size_mb * 1000000 ))

# Bytes per conversation from a small sample with the same seed, plus 2% headroom; if the
# corpus still comes out short (ids get longer past 10^6), scale N up and generate again.
sample_n=20000
positive_share="${POSITIVE_SHARE:-0.3}"
"$bantay" simulate chats --n "$sample_n" --seed 4242 --positive-share "$positive_share" \
  --out "$work/sample.jsonl"
sample_bytes=$(stat -c %s "$work/sample.jsonl")
rm -f "$work/sample.jsonl"
n=$(( target_bytes * 102 * sample_n / (100 * sample_bytes) + 1 ))
for attempt in 1 2 3; do
  "$bantay" simulate chats --n "$n" --seed 4242 --positive-share "$positive_share" \
    --out "$corpus"
  bytes=$(stat -c %s "$corpus")
  [ "$bytes" -ge "$target_bytes" ] && break
  if [ "$attempt" -eq 3 ]; then
    echo "corpus is $bytes bytes, short of $target_bytes after 3 attempts" >&2; exit 1
  fi
  n=$(( n * target_bytes * 102 / (bytes * 100) + 1 ))
done
lines=$(wc -l < "$corpus")

# Column 1 of every lexicon, without comments, each file's header, a trailing '*' or the
# recognisers ("<amount>": a parser of bantay's, not a literal).
awk -F'\t' 'FNR == 1 { header = 1 }
            { sub(/\r$/, "") }
            /^#/ || $1 == "" || $1 ~ /^</ { next }
            header { header = 0; next }
            { t = $1; sub(/\*$/, "", t); if (t != "" && !seen[t]++) print t }' \
  data/lexicons/*.tsv > "$patterns"
n_patterns=$(wc -l < "$patterns")
if [ "$n_patterns" -eq 0 ]; then echo "no lexicon terms found in data/lexicons/*.tsv" >&2; exit 1; fi

bench_settle "$corpus"  # written back, then read into the page cache

now() { date +%s.%N; }
# best_of NAME CMD...: runs CMD $runs times with stdout to /dev/null and stderr to a log;
# sets best_s (fastest wall seconds) and rss_kb (largest peak RSS over the runs, or "n/a").
# ripgrep exits 1 when nothing matches, which is not a failure here.
best_of() {
  local name="$1"; shift
  local i t0 t1 s rc rss
  best_s=""; rss_kb="n/a"
  for (( i = 1; i <= runs; i++ )); do
    rm -f "$work/$name.rss"
    t0=$(now)
    rc=0
    if [ -n "$time_bin" ]; then
      "$time_bin" -v -o "$work/$name.rss" "$@" > /dev/null 2> "$work/$name.log" || rc=$?
    else
      "$@" > /dev/null 2> "$work/$name.log" || rc=$?
    fi
    t1=$(now)
    if [ "$rc" -ne 0 ] && ! { [ "$name" = ripgrep ] && [ "$rc" -eq 1 ]; }; then
      echo "$name failed (exit $rc):" >&2; cat "$work/$name.log" >&2; exit 1
    fi
    s=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
    rss="n/a"
    if [ -s "$work/$name.rss" ]; then
      rss=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$work/$name.rss")
    fi
    echo "  $name run $i: ${s} s, peak RSS ${rss} KB" >&2
    if [ -z "$best_s" ] || awk -v a="$s" -v b="$best_s" 'BEGIN { exit !(a < b) }'; then
      best_s="$s"
    fi
    if [ "$rss" != n/a ] && { [ "$rss_kb" = n/a ] || [ "$rss" -gt "$rss_kb" ]; }; then
      rss_kb="$rss"
    fi
  done
}

# ripgrep's version is taken whole, then its first line: `rg --version | head -n 1` made rg
# print "error: broken pipe" when head exited before rg had written its other lines.
rg_version="$("$rg_bin" --version)"
echo "bantay $("$bantay" --version | awk '{ print $NF }') (git $(git rev-parse --short HEAD 2>/dev/null || echo unknown)), ${rg_version%%$'\n'*}" >&2
echo "corpus: $bytes bytes, $lines lines, $n conversations (positive share $positive_share); $n_patterns patterns; $threads threads, best of $runs" >&2
[ -n "$time_bin" ] || echo "note: /usr/bin/time missing (apt-get install time); peak RSS not measured" >&2

best_of bantay "$bantay" scan --threads "$threads" --no-progress "$corpus"
bantay_s="$best_s"; bantay_rss="$rss_kb"
best_of ripgrep "$rg_bin" -F -i -c -j"$threads" -f "$patterns" "$corpus"
rg_s="$best_s"; rg_rss="$rss_kb"

awk -v bytes="$bytes" -v bs="$bantay_s" -v rs="$rg_s" -v brss="$bantay_rss" -v rrss="$rg_rss" '
  function mb(kb) { return kb == "n/a" ? "n/a" : sprintf("%.1f", kb / 1024) }
  BEGIN {
    bm = bytes / 1e6 / bs; rm = bytes / 1e6 / rs
    printf "%-8s %9s %9s %12s\n", "tool", "seconds", "MB/s", "peak_RSS_MiB"
    printf "%-8s %9.3f %9.1f %12s\n", "bantay", bs, bm, mb(brss)
    printf "%-8s %9.3f %9.1f %12s\n", "ripgrep", rs, rm, mb(rrss)
    printf "ratio bantay/ripgrep (MB/s): %.3f\n", bm / rm
    printf "bantay_mb_s=%.1f ripgrep_mb_s=%.1f ratio=%.3f\n", bm, rm, bm / rm
  }'
