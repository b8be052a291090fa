#!/usr/bin/env bash
# scripts/fuzz.sh: builds the libFuzzer targets with clang (build-fuzz/) and runs each one for
# a bounded time on a small generated seed corpus. Exits non-zero if any target fails.
#
# Usage: scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]
#   SECONDS_PER_TARGET  libFuzzer -max_total_time for each target (default 30)
#   TARGET              a fuzz/fuzz_*.cc name, e.g. fuzz_pan12 (default: all of them)
# Seeds: generated below, plus any files in fuzz/seeds/<target>/; dictionary fuzz/<target>.dict.
# Environment: BANTAY_FUZZ_JOBS build parallelism (default 2); BANTAY_FUZZ_PARALLEL targets
# fuzzed at once (default: the number of cores).
# Crash inputs are kept in build-fuzz/fuzz-artifacts/<target>/ (the corpus is temporary).
set -euo pipefail

seconds="${1:-30}"
if ! [[ "$seconds" =~ ^[0-9]+$ ]] || [ "$seconds" -lt 1 ]; then
  echo "usage: $0 [SECONDS_PER_TARGET] [TARGET...]" >&2
  exit 2
fi
shift $(( $# > 0 ? 1 : 0 ))
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  for f in "$(dirname "${BASH_SOURCE[0]}")"/../fuzz/fuzz_*.cc; do
    targets+=("$(basename "$f" .cc)")
  done
fi

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
build="build-fuzz"

# A tree configured already (scripts/test.sh configures build-fuzz with every test and bench,
# all under the same sanitizers) is used as it is; otherwise a fuzz-only tree is configured.
if [ ! -f "$build/CMakeCache.txt" ]; then
  CC=clang CXX=clang++ cmake -S . -B "$build" -G Ninja -DBANTAY_FUZZ=ON -DBANTAY_TESTS=OFF \
    -DBANTAY_BENCH=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo
fi
cmake --build "$build" -j "${BANTAY_FUZZ_JOBS:-2}" --target "${targets[@]}"

work="$(mktemp -d "${TMPDIR:-/tmp}/bantay-fuzz.XXXXXX")"
trap 'rm -rf "$work"' EXIT

# ---- Seed corpora and dictionaries (synthetic, short and benign, per SAFETY.md) -------------
seed() {  # seed TARGET NAME CONTENT
  mkdir -p "$work/$1"
  printf '%s' "$3" > "$work/$1/$2"
}

seed fuzz_pan12 normal.xml '<?xml version="1.0" encoding="UTF-8"?>
<conversations>
<conversation id="c1">
<message line="1"><author>0a1b2c</author><time>03:20</time><text>hi there</text></message>
<message line="2"><author>3d4e5f</author><time>03:21</time><text>don&amp;#39;t &amp;lt;3 caf&amp;eacute;</text></message>
</conversation>
</conversations>
'
seed fuzz_pan12 odd.xml '<conversations><conversation><message line="1"><author>a1</author><time>25:99</time></message><message><text>no author &#x27;x&#39;</text></message></conversation></conversations>'
seed fuzz_pan12 truncated.xml '<conversations><conversation id="c2"><message line="1"><author>a1</author><text>see you at sch'
cat > "$work/fuzz_pan12.dict" <<'EOF'
"<conversations>"
"</conversations>"
"<conversation id=\"c1\">"
"</conversation>"
"<message line=\"1\">"
"</message>"
"<author>"
"</author>"
"<time>"
"</time>"
"<text>"
"</text>"
"&amp;"
"&lt;"
"&nbsp;"
"&#39;"
"&#x27;"
"<![CDATA["
"<!DOCTYPE"
EOF

seed fuzz_chat_jsonl normal.jsonl '{"conversation": "c1", "time": "2026-03-01T10:00:00Z", "author": "u1", "text": "hi"}
{"conversation": "c1", "time": "2026-03-01T10:00:05.250+08:00", "author": "u2", "text": "i send w3stern un1on \u00e9"}
'
seed fuzz_chat_jsonl bad.jsonl '{"conversation": "c2", "author": "u1"}
{"conversation": "c2", "time": "yesterday", "author": "u1", "text": "hello"}
not json
{"conversation": 5, "author": "u1", "text": "x"'
cat > "$work/fuzz_chat_jsonl.dict" <<'EOF'
"\"conversation\""
"\"author\""
"\"text\""
"\"time\""
"\"2026-03-01T10:00:00Z\""
"\\u00e9"
"\\ud83d\\ude00"
"null"
"true"
EOF

seed fuzz_normalise leet.txt 'i send w3stern un1on, p a y p a l ok'
seed fuzz_normalise unicode.txt "$(printf 'caf\xc3\xa9 \xd0\xb0pple p\xe2\x80\x8ba y \xef\xbc\xa7\xef\xbd\x89\xef\xbd\x86\xef\xbd\x94 11 yrs old grade 5')"
seed fuzz_normalise squeeze.txt 'helloooo!!! G-C-A-S-H 20 usd'
seed fuzz_normalise ages.txt 'wala pa po ako 18, 2 girls 9 and 11, grade5, not yet 18 yrs'
seed fuzz_normalise answer.txt 'hindi pa po'
seed fuzz_normalise amounts.txt 'i send $50 or ₱1,000, 500php, usd20, P300 or 20 €'
seed fuzz_normalise pictographs.txt 'show 🍑🍑 on 📷, 👉🏽👌️ i send 💰‍💸 ok'
# fuzz_config: the first byte picks the parser (0 lexicon, 1 scan weights, 2 meta weights,
# 3 countries "--" hotspots, 4 hash list, 5 referral agencies); the rest is a piece of the
# built-in file.
seed fuzz_config lexicon.tsv "0$(head -n 12 data/lexicons/brands.tsv)"
seed fuzz_config scan_weights.tsv "1$(grep -v '^#' data/scoring/weights.tsv | head -n 8)
$(grep '^pair' data/scoring/weights.tsv | head -n 2)"
seed fuzz_config meta_weights.tsv "2$(head -n 12 data/meta/weights.tsv)"
seed fuzz_config countries.txt "3$(head -n 8 data/countries/countries.csv)
--
$(head -n 8 data/countries/hotspots.tsv)"
seed fuzz_config hashes.tsv "4pdq	list	label
$(printf 'f%.0s' $(seq 64))	L	x
abc	L	x"
seed fuzz_config agencies.csv "5$(head -n 4 data/referral/agencies.csv)"

# ---- Run --------------------------------------------------------------------------------------
# UBSan findings must stop the run: the sanitizer recovers and carries on by default.
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"

# libFuzzer is single-threaded: targets run side by side, BANTAY_FUZZ_PARALLEL at a time
# (default: one per core), each for the full SECONDS_PER_TARGET on its own core.
parallel="${BANTAY_FUZZ_PARALLEL:-$(nproc)}"
run_one() {  # run_one TARGET: fuzzes one target; writes the fuzzer's exit status to TARGET.rc
  local target="$1" status=0
  local binary="$build/fuzz/$target" corpus="$work/$target"
  local artifacts="$root/$build/fuzz-artifacts/$target/"
  mkdir -p "$corpus" "$artifacts"
  if [ -d "fuzz/seeds/$target" ]; then
    cp -r "fuzz/seeds/$target/." "$corpus/"
  fi
  if [ -f "fuzz/$target.dict" ]; then
    cp "fuzz/$target.dict" "$work/$target.dict"
  fi
  local args=(-max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536
              -print_final_stats=1 -artifact_prefix="$artifacts")
  if [ -f "$work/$target.dict" ]; then
    args+=(-dict="$work/$target.dict")
  fi
  "$binary" "${args[@]}" "$corpus" > "$work/$target.log" 2>&1 || status=$?
  echo "$status" > "$work/$target.rc"
}

for target in "${targets[@]}"; do
  echo "== $target: ${seconds}s"
  run_one "$target" &
  while [ "$(jobs -rp | wc -l)" -ge "$parallel" ]; do wait -n || true; done
done
wait

failed=()
for target in "${targets[@]}"; do
  if [ "$(cat "$work/$target.rc" 2>/dev/null || echo 1)" = 0 ]; then
    echo "== $target"
    tail -n 12 "$work/$target.log"
  else
    tail -n 60 "$work/$target.log"
    echo "== $target FAILED; inputs kept in $root/$build/fuzz-artifacts/$target/" >&2
    failed+=("$target")
  fi
done

if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzzing found failures in: ${failed[*]}" >&2
  exit 1
fi
echo "fuzzing: no failures in ${targets[*]} (${seconds}s each)"
