#!/usr/bin/env bash
# Installs every Debian package bantay needs to build, test and benchmark. Idempotent:
# packages already present are not reinstalled and apt-get update runs only when needed.
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build pkg-config clang libclang-rt-14-dev
  libicu-dev libvectorscan-dev libsimdjson-dev libexpat1-dev libcli11-dev libfmt-dev
  nlohmann-json3-dev libexpected-dev libabsl-dev libmimalloc-dev libgtest-dev libgmock-dev libbenchmark-dev
  libloc-dev libloc-database libmaxminddb-dev iso-codes
  libsqlite3-dev sqlite3 libpqxx-dev postgresql libsodium-dev librdkafka-dev
  libboost-dev libssl-dev
  libpocketsphinx-dev libsphinxbase-dev pocketsphinx-en-us espeak-ng
  libjpeg62-turbo-dev libpng-dev libavformat-dev libavcodec-dev libavutil-dev libswscale-dev ffmpeg
  libphonenumber-dev ngircd
  chromium wrk nodejs
  ripgrep python3 time
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if ((${#missing[@]})); then
  if [[ $(id -u) -ne 0 ]]; then
    echo "setup: missing packages: ${missing[*]}; run as root or install them" >&2
    exit 1
  fi
  echo "setup: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# The console's browser tests drive Debian's chromium with playwright-core from npm (web/).
web_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/../web" && pwd)"
if [[ ! -d $web_dir/node_modules || $web_dir/package-lock.json -nt $web_dir/node_modules ]]; then
  (cd "$web_dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null) && touch "$web_dir/node_modules"
fi
