#!/usr/bin/env bash
# Load test of `bantay serve`: seeds N synthetic cases (default 100,000) into a fresh SQLite
# store, serves it on a loopback ephemeral port, and drives the queue (GET /api/cases) and case
# (GET /api/cases/{id}, an audited read: one ledger append per request) endpoints with wrk,
# reporting requests/s and p99 latency for each. Numbers are stated in docs/server.md.
#   bench/api_load.sh [BANTAY_BINARY]     env: N, DURATION (10s), CONNECTIONS (32), THREADS (2),
#                                         SERVER_THREADS (4)
set -euo pipefail
bantay=${1:-build/bantay}
n=${N:-100000}
duration=${DURATION:-10s}
connections=${CONNECTIONS:-32}
threads=${THREADS:-2}
server_threads=${SERVER_THREADS:-4}
command -v wrk >/dev/null || { echo "api_load: wrk is missing (scripts/setup.sh)" >&2; exit 1; }

dir=$(mktemp -d)
server_pid=
cleanup() {
  if [[ -n $server_pid ]]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$dir"
}
trap cleanup EXIT

echo "api_load: generating $n synthetic account leads" >&2
python3 - "$n" >"$dir/leads.jsonl" <<'PY'
import json, random, sys
n = int(sys.argv[1]); rnd = random.Random(1)
countries = ["US", "GB", "DE", "AU", "CA", "NL", "SE", "JP"]
for i in range(n):
    print(json.dumps({
        "account": "acct%07d" % i, "role": "supply" if i % 7 == 0 else "demand",
        "score": round(0.5 + rnd.random() * 0.5, 4), "flagged": True,
        "window": {"start": "2026-03-%02dT00:00:00Z" % (1 + i % 20), "end": "2026-03-%02dT00:00:00Z" % (8 + i % 20)},
        "evidence": {"distinct_foreign": rnd.randint(1, 12), "countries": rnd.sample(countries, 3),
                     "video_share": 0.8, "new_contacts": rnd.randint(0, 9), "calls": rnd.randint(5, 80),
                     "linked": []}}, separators=(",", ":")))
PY
start=$(date +%s.%N)
"$bantay" ingest --store "$dir/cases.db" "$dir/leads.jsonl" >/dev/null 2>"$dir/ingest.err" ||
  { cat "$dir/ingest.err" >&2; exit 1; }
echo "api_load: ingested $n leads in $(python3 -c "print(round($(date +%s.%N) - $start, 1))") s" >&2
printf 'admin-password-1\n' >"$dir/pw-admin"
printf 'analyst-password-1\n' >"$dir/pw-analyst"
"$bantay" cases add-user admin --role admin --password-file "$dir/pw-admin" --store "$dir/cases.db"
"$bantay" cases add-user analyst --role analyst --password-file "$dir/pw-analyst" --store "$dir/cases.db" --user admin

"$bantay" serve --store "$dir/cases.db" --listen 127.0.0.1:0 --threads "$server_threads" >"$dir/serve.out" 2>"$dir/serve.err" &
server_pid=$!
for _ in $(seq 100); do grep -q "listening on" "$dir/serve.out" 2>/dev/null && break; sleep 0.1; done
url=$(grep -o 'http://[^ ]*' "$dir/serve.out" | sed 's#/$##')
[[ -n $url ]] || { cat "$dir/serve.err" >&2; exit 1; }
cookie=$(curl -si -H 'Content-Type: application/json' -d '{"user":"analyst","password":"analyst-password-1"}' \
  "$url/api/login" | tr -d '\r' | sed -n 's/^[Ss]et-[Cc]ookie: \(bantay_session=[^;]*\).*/\1/p')
[[ -n $cookie ]] || { echo "api_load: login failed" >&2; exit 1; }

cat >"$dir/case.lua" <<LUA
math.randomseed(42)
request = function()
  return wrk.format("GET", string.format("/api/cases/C-%06d", math.random(1, $n)))
end
LUA

run() {  # name, wrk args...
  local name=$1; shift
  local out
  out=$(wrk -t"$threads" -c"$connections" -d"$duration" --latency -H "Cookie: $cookie" "$@")
  local rps p99 errors
  rps=$(awk '/^Requests\/sec/ {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
  errors=$(grep -E 'Non-2xx|Socket errors' <<<"$out" | tr '\n' ' ' || true)
  printf '%-34s %10s req/s   p99 %8s   %s\n' "$name" "$rps" "$p99" "$errors"
}
echo "api_load: $n cases, wrk -t$threads -c$connections -d$duration, server threads $server_threads"
run "queue (score order, 50 per page)" "$url/api/cases?limit=50"
run "queue (status=new&min_score=0.9)" "$url/api/cases?status=new&min_score=0.9&limit=50"
run "case page (random of $n)" -s "$dir/case.lua" "$url"
