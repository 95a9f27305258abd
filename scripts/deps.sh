#!/usr/bin/env bash
# Installs what newsq needs from Debian 12's packages, and only what is missing.
#   scripts/deps.sh          build and run dependencies
#   scripts/deps.sh --test   also what the test suite needs (headless Chromium for the page test,
#                            clang and its sanitizer/libFuzzer runtimes for the fuzz targets)
#   scripts/deps.sh --bench  also the peers the benchmarks compare against
set -euo pipefail

packages=(
  cmake ninja-build g++ pkg-config
  libxapian-dev xapian-tools
  libboost1.81-dev libboost-url1.81-dev
  libicu-dev nlohmann-json3-dev libcli11-dev libpugixml-dev liblzma-dev libzstd-dev
  libbenchmark-dev catch2
  xz-utils curl
)
for arg in "$@"; do
  case "$arg" in
    --test) packages+=(chromium clang libclang-rt-14-dev) ;;
    --bench) packages+=(sqlite3 libsqlite3-dev sphinxsearch wrk) ;;
    *) echo "deps.sh: unknown option $arg" >&2; exit 2 ;;
  esac
done

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "deps.sh: installing ${missing[*]}" >&2
sudo=()
if [ "$(id -u)" -ne 0 ]; then sudo=(sudo); fi
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
