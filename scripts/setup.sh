#!/usr/bin/env bash
# Installs the Debian packages Boucle needs to build, test and benchmark.
# Idempotent: when every package is already present it does nothing (no apt-get update).
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build pkg-config git curl ca-certificates
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev libboost-system1.81-dev
  libsqlite3-dev libsqlitecpp-dev sqlite3
  libsodium-dev libspdlog-dev libfmt-dev libcli11-dev libhowardhinnant-date-dev libical-dev
  libgtest-dev libgmock-dev librapidcheck-dev libbenchmark-dev
  wrk hyperfine python3
  chromium
)

# Node.js 20 and npm come with the machine; Debian's packages stand in where they do not.
if ! command -v node >/dev/null; then PACKAGES+=(nodejs); fi
if ! command -v npm >/dev/null; then PACKAGES+=(npm); fi

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "setup: installing ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
