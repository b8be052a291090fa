# tools/eval_lib.sh: what the evaluation scripts share (sourced, not run).
#
# eval_setup NAME ROOT BANTAY KEEP
#   Sets `bantay` to BANTAY, or else ROOT/build/src/cli/bantay, ROOT/build/bantay or bantay on
#   PATH (exit 2 when none is executable), and `work` to KEEP (created) or else a temp
#   directory removed at exit. NAME prefixes messages and the temp directory.

eval_setup() {
  local name="$1" root="$2" keep="$4"
  bantay="$3"
  if [[ -z "$bantay" ]]; then
    for candidate in "$root/build/src/cli/bantay" "$root/build/bantay"; do
      if [[ -x "$candidate" ]]; then bantay="$candidate"; break; fi
    done
  fi
  if [[ -z "$bantay" ]]; then bantay="$(command -v bantay || true)"; fi
  if [[ -z "$bantay" || ! -x "$bantay" ]]; then
    echo "$name.sh: no bantay binary found; build it or pass --bantay PATH" >&2
    exit 2
  fi
  if [[ -n "$keep" ]]; then
    mkdir -p "$keep"
    work="$keep"
  else
    work="$(mktemp -d "${TMPDIR:-/tmp}/bantay-$name.XXXXXX")"
    trap 'rm -rf "$work"' EXIT
  fi
}
