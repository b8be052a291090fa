#!/usr/bin/env bash
# bench/meta_throughput.sh: `bantay meta` throughput against SQLite and DuckDB on >= 10M call records.
#
# Usage: bench/meta_throughput.sh [--keep] [ACCOUNTS]
#   ACCOUNTS  accounts for `bantay simulate calls` (default 600000: about 11M records, 1.1 GB)
#   --keep    keep the temporary directory (CSV, logs) instead of removing it
#
# Uses build/src/cli/bantay as built (never builds it). The records come from
# `bantay simulate calls --accounts ACCOUNTS --days 30 --seed 5`. On that same file, once it
# is written back to disk and read into the page cache (bench_settle), bantay and DuckDB
# run three times each, alternately (so that a change in the machine's load between runs
# hits both), then SQLite twice; the best wall time counts (peak RSS is the largest of the
# runs, from /usr/bin/time, apt package `time`):
#   bantay  `bantay meta --threads 2 --stats FILE > /dev/null`: the full analysis (its own
#           split of the time into reading and scoring is printed below the table).
#   sqlite  sqlite3 CLI (apt package sqlite3): `.import` into an in-memory DB, then the core query.
#   duckdb  node bench/meta_duckdb.mjs (npm @duckdb/node-api, 2 threads): the same core query
#           over a view on read_csv_auto, so that DuckDB reads the CSV itself and only the
#           columns the query needs (its fastest form here: a table of all columns first was
#           1.6x slower, of the six columns 1.3x). Installs bench/node_modules on first use
#           (npm ci); skipped with a note if that fails.
# Import and query are timed together, as a user would run them. The core query, identical in
# both SQL engines but for the window expression: half-edges (caller side and callee side)
# whose own country is PH, whose counterpart country is a fixed high-income list, media video;
# window = floor(epoch seconds of start / 604800), i.e. tumbling 7-day windows from 1970-01-01
# (not sliding like bantay's); the answer is the number of (account, window) groups with at
# least 3 distinct counterparts. SQLite and DuckDB should print the same count.
# The last line is machine-readable: bantay_mrps=... sqlite_mrps=... duckdb_mrps=...
# (M records/s = CSV data rows, duplicates included, / best wall seconds / 10^6).
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/bench_lib.sh"
bench_args ACCOUNTS 600000 1000 "$@"
accounts="$value"

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

threads=2
runs=3  # bantay and DuckDB each; SQLite (25 s a run) twice
bantay=build/src/cli/bantay
if [ ! -x "$bantay" ]; then
  echo "$bantay missing; build it first (cmake -S . -B build -G Ninja && ninja -C build bantay)" >&2
  exit 1
fi
if ! command -v sqlite3 >/dev/null 2>&1; then echo "sqlite3 not found; apt-get install sqlite3" >&2; exit 1; fi
if [ ! -x /usr/bin/time ]; then echo "/usr/bin/time not found; apt-get install time" >&2; exit 1; fi

bench_workdir bantay-meta-bench

csv="$work/calls.csv"
echo "generating call records: --accounts $accounts --days 30 --seed 5" >&2
"$bantay" simulate calls --accounts "$accounts" --days 30 --seed 5 --out "$csv"
records=$(( $(wc -l < "$csv") - 1 ))
bytes=$(stat -c %s "$csv")
echo "records=$records bytes=$bytes" >&2
if [ "$records" -lt 10000000 ]; then echo "note: fewer than 10M records ($records)" >&2; fi
bench_settle "$csv"  # written back, then read into the page cache

# The core query; $1 is the engine's expression for the window of `start`.
core_sql() {
  local win="$1"
  local hi="'US','GB','AU','CA','DE','FR','NL','SE','NO','DK','FI','CH','AT','BE','IE','NZ','JP','KR','SG','HK','AE','SA','QA','KW','IT','ES'"
  cat <<SQL
WITH half AS (
  SELECT caller AS account, callee AS counterpart, start FROM calls
   WHERE media = 'video' AND caller_country = 'PH' AND callee_country IN ($hi)
  UNION ALL
  SELECT callee AS account, caller AS counterpart, start FROM calls
   WHERE media = 'video' AND callee_country = 'PH' AND caller_country IN ($hi)
), groups AS (
  SELECT account, $win AS win FROM half
   GROUP BY account, win
  HAVING count(DISTINCT counterpart) >= 3
)
SELECT count(*) FROM groups;
SQL
}
sqlite_query="$(core_sql 'unixepoch(start) / 604800')"
duckdb_query="$(core_sql 'CAST(floor(epoch(CAST(start AS TIMESTAMPTZ)) / 604800) AS BIGINT)')"

# run_once NAME CMD...: one timed run of CMD (stdout to $work/NAME.out); keeps NAME's best
# wall time and largest peak RSS. Returns 1 when CMD fails.
declare -A best_s peak_kb
run_once() {
  local name="$1"; shift
  local s kb
  if ! /usr/bin/time -f '%e %M' -o "$work/$name.time" "$@" > "$work/$name.out" 2> "$work/$name.err"; then
    echo "$name failed; stderr:" >&2; tail -20 "$work/$name.err" >&2; return 1
  fi
  read -r s kb < <(tail -1 "$work/$name.time")
  echo "  $name: ${s}s ${kb}KB (load $(cut -d' ' -f1 /proc/loadavg))" >&2
  if [ -z "${best_s[$name]:-}" ] || awk -v a="$s" -v b="${best_s[$name]}" 'BEGIN{exit !(a < b)}'; then
    best_s[$name]="$s"
  fi
  if [ "$kb" -gt "${peak_kb[$name]:-0}" ]; then peak_kb[$name]="$kb"; fi
}

declare -A sec rss mrps
record() {  # record NAME: stores NAME's best run
  sec[$1]="${best_s[$1]}"
  rss[$1]=$(awk -v k="${peak_kb[$1]}" 'BEGIN{printf "%.0f", k / 1024}')
  mrps[$1]=$(awk -v r="$records" -v s="${best_s[$1]}" 'BEGIN{printf "%.2f", (s > 0 ? r / s / 1e6 : 0)}')
}

duckdb_ok=1
if [ ! -d bench/node_modules/@duckdb/node-api ]; then
  echo "installing bench/node_modules (npm)" >&2
  # npm ci: exactly the locked versions, and the lock file is left as committed (it lists
  # DuckDB's optional bindings for every platform; npm installs only this one's).
  if ! npm ci --prefix bench --no-audit --no-fund >&2; then
    echo "note: npm ci of @duckdb/node-api failed; skipping DuckDB" >&2
    duckdb_ok=0
  fi
fi

echo "bantay meta --threads $threads, and duckdb (node @duckdb/node-api, $threads threads: query over a view on read_csv_auto), alternately" >&2
for ((i = 1; i <= runs; i++)); do
  run_once bantay "$bantay" meta --threads "$threads" --stats "$csv" || exit 1
  if [ "$duckdb_ok" -eq 1 ] && ! run_once duckdb node bench/meta_duckdb.mjs "$csv" "$duckdb_query" "$threads"; then
    echo "note: DuckDB run failed; skipping it" >&2
    duckdb_ok=0
  fi
done
record bantay
# stdout of bantay meta went to $work/bantay.out rather than /dev/null; same work, kept for --keep.
duckdb_groups=skipped
if [ "$duckdb_ok" -eq 1 ]; then
  record duckdb
  duckdb_groups=$(tail -1 "$work/duckdb.out")
fi

echo "sqlite3 (in-memory import + query)" >&2
cat > "$work/sqlite.sql" <<SQL
.mode csv
.import '$csv' calls
.mode list
$sqlite_query
SQL
for ((i = 1; i <= 2; i++)); do
  run_once sqlite sqlite3 -batch :memory: -init "$work/sqlite.sql" < /dev/null || exit 1
done
record sqlite
sqlite_groups=$(tail -1 "$work/sqlite.out")

echo
echo "records: $records ($(awk -v b="$bytes" 'BEGIN{printf "%.2f", b / 1e9}') GB), accounts $accounts, 30 days, seed 5"
printf '%-8s %10s %12s %14s\n' tool seconds 'M records/s' 'peak RSS MiB'
for t in bantay sqlite duckdb; do
  if [ -n "${sec[$t]:-}" ]; then
    printf '%-8s %10s %12s %14s\n' "$t" "${sec[$t]}" "${mrps[$t]}" "${rss[$t]}"
  else
    printf '%-8s %10s %12s %14s\n' "$t" - - -
  fi
done
echo "bantay's last run: $(grep -o 'reading [0-9.]* s, scoring [0-9.]* s' "$work/bantay.err" || echo 'no --stats line')"
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "qualifying (account, 7-day window) groups: sqlite=$sqlite_groups duckdb=$duckdb_groups"
if [ "$duckdb_ok" -eq 1 ] && [ "$sqlite_groups" != "$duckdb_groups" ]; then
  echo "warning: SQLite and DuckDB counts differ" >&2
fi
echo "bantay_mrps=${mrps[bantay]} sqlite_mrps=${mrps[sqlite]} duckdb_mrps=${mrps[duckdb]:-skipped}"
