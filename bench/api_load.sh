#!/usr/bin/env bash
# Load test of `bantay serve`: seeds N synthetic cases (default 100,000) into a fresh store,
# serves it on a loopback ephemeral port, and drives the queue (GET /api/cases) and case
# (GET /api/cases/{id}, an audited read: one ledger append per request) endpoints with wrk,
# reporting requests/s and p99 latency for each. Numbers are stated in README and docs/server.md.
#   bench/api_load.sh [BANTAY_BINARY]     env: N, DURATION (10s), CONNECTIONS (32), THREADS (2),
#                                         SERVER_THREADS (4),
#                                         BACKEND: sqlite (default), postgresql, or both (one
#                                         after the other, same leads); PostgreSQL is a throw-away
#                                         server (initdb + pg_ctl, as nobody when root) on loopback
set -euo pipefail
bantay=${1:-build/bantay}
n=${N:-100000}
duration=${DURATION:-10s}
connections=${CONNECTIONS:-32}
threads=${THREADS:-2}
server_threads=${SERVER_THREADS:-4}
backend=${BACKEND:-sqlite}
case $backend in sqlite|postgresql|both) ;; *) echo "api_load: BACKEND must be sqlite, postgresql or both" >&2; exit 2 ;; esac
command -v wrk >/dev/null || { echo "api_load: wrk is missing (scripts/setup.sh)" >&2; exit 1; }
pgbin=/usr/lib/postgresql/15/bin

dir=$(mktemp -d)
chmod 755 "$dir"
server_pid=
pg_running=0
as_pg() { if [[ $(id -u) == 0 ]]; then runuser -u nobody -- "$@"; else "$@"; fi; }
stop_server() {
  if [[ -n $server_pid ]]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  server_pid=
}
cleanup() {
  stop_server
  if [[ $pg_running == 1 ]]; then as_pg "$pgbin/pg_ctl" -D "$dir/pg/data" -m fast -w stop >/dev/null 2>&1 || true; fi
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
printf 'admin-password-1\n' >"$dir/pw-admin"
printf 'analyst-password-1\n' >"$dir/pw-analyst"

# A throw-away PostgreSQL server on a free loopback port (fsync off: a bench, not a store).
start_postgres() {
  mkdir -p "$dir/pg" && chown nobody "$dir/pg" 2>/dev/null || true
  as_pg "$pgbin/initdb" -D "$dir/pg/data" -U postgres -A trust -E UTF8 --locale=C --no-sync >"$dir/pg/initdb.log" 2>&1 ||
    { cat "$dir/pg/initdb.log" >&2; exit 1; }
  local port
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  as_pg "$pgbin/pg_ctl" -D "$dir/pg/data" -l "$dir/pg/server.log" -w \
    -o "-p $port -k $dir/pg -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >/dev/null ||
    { cat "$dir/pg/server.log" >&2; exit 1; }
  pg_running=1
  "$pgbin/createdb" -h 127.0.0.1 -p "$port" -U postgres bantay
  pg_spec="postgresql://postgres@127.0.0.1:$port/bantay"
}

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

bench_backend() {  # sqlite | postgresql
  local spec keys=()
  if [[ $1 == sqlite ]]; then
    spec="$dir/cases.db"
  else
    start_postgres
    spec=$pg_spec
    keys=(--pseudonym-key "$dir/pseudonym.key" --signing-key "$dir/signing.key")
  fi
  local start
  start=$(date +%s.%N)
  "$bantay" ingest --store "$spec" "${keys[@]}" "$dir/leads.jsonl" >/dev/null 2>"$dir/ingest.err" ||
    { cat "$dir/ingest.err" >&2; exit 1; }
  echo "api_load: $1: ingested $n leads in $(python3 -c "print(round($(date +%s.%N) - $start, 1))") s" >&2
  "$bantay" cases add-user admin --role admin --password-file "$dir/pw-admin" --store "$spec" "${keys[@]}"
  "$bantay" cases add-user analyst --role analyst --password-file "$dir/pw-analyst" --store "$spec" "${keys[@]}" --user admin
  "$bantay" serve --store "$spec" "${keys[@]}" --listen 127.0.0.1:0 --threads "$server_threads" >"$dir/serve.out" 2>"$dir/serve.err" &
  server_pid=$!
  for _ in $(seq 100); do grep -q "listening on" "$dir/serve.out" 2>/dev/null && break; sleep 0.1; done
  url=$(grep -o 'http://[^ ]*' "$dir/serve.out" | sed 's#/$##')
  [[ -n $url ]] || { cat "$dir/serve.err" >&2; exit 1; }
  cookie=$(curl -si -H 'Content-Type: application/json' -d '{"user":"analyst","password":"analyst-password-1"}' \
    "$url/api/login" | tr -d '\r' | sed -n 's/^[Ss]et-[Cc]ookie: \(bantay_session=[^;]*\).*/\1/p')
  [[ -n $cookie ]] || { echo "api_load: login failed" >&2; exit 1; }

  echo "api_load: $1, $n cases, wrk -t$threads -c$connections -d$duration, server threads $server_threads"
  run "queue (score order, 50 per page)" "$url/api/cases?limit=50"
  run "queue (status=new&min_score=0.9)" "$url/api/cases?status=new&min_score=0.9&limit=50"
  run "case page (random of $n)" -s "$dir/case.lua" "$url"
  stop_server
}

if [[ $backend == sqlite || $backend == both ]]; then bench_backend sqlite; fi
if [[ $backend == postgresql || $backend == both ]]; then bench_backend postgresql; fi
