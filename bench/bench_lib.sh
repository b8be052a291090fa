# bench/bench_lib.sh: what the throughput benches share (sourced, not run).
#
# bench_args NAME DEFAULT MIN "$@"
#   Parses [--keep] [NAME] and -h/--help (the caller's header comment, up to `set -euo`).
#   Sets `keep` (0/1) and `value` (NAME, an integer >= MIN, DEFAULT when absent); exits 2 with
#   a message on anything else.
# bench_workdir PREFIX
#   Sets `work` to a fresh directory under /tmp, removed at exit unless --keep was given.
# bench_settle FILE
#   Writes FILE back to disk (sync) and reads it once, so that the tools timed next all read
#   it from the page cache and none pays for the kernel's writeback of it. Right after the
#   generator wrote the 1.1 GB meta file, 1.09 GB of it was dirty and the first bantay runs
#   took 4.38-4.77 s against 4.11-4.24 s on a settled copy (2026-12-07).

bench_args() {
  local name="$1" default="$2" min="$3"
  shift 3
  keep=0
  value="$default"
  local positional=0
  while [ $# -gt 0 ]; do
    case "$1" in
      -h|--help) sed -n '2,/^set -euo/{/^#/s/^# \{0,1\}//p}' "$0"; exit 0 ;;
      --keep) keep=1 ;;
      -*) echo "unknown option: $1 (see --help)" >&2; exit 2 ;;
      *)
        if [ "$positional" -ne 0 ]; then echo "too many arguments (see --help)" >&2; exit 2; fi
        value="$1"; positional=1 ;;
    esac
    shift
  done
  if ! [[ "$value" =~ ^[0-9]+$ ]] || [ "$value" -lt "$min" ]; then
    echo "$name must be an integer >= $min, got '$value'" >&2
    exit 2
  fi
}

bench_workdir() {
  work="$(mktemp -d "/tmp/$1.XXXXXX")"
  trap 'if [ "$keep" -eq 1 ]; then echo "kept $work" >&2; else rm -rf "$work"; fi' EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
}

bench_settle() {
  sync "$1"
  cat "$1" > /dev/null
}
