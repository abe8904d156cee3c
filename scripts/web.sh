#!/usr/bin/env bash
# Builds and tests the web app (web/): installs its npm packages when package-lock.json changed,
# then runs the npm script given (build, test, e2e, fault…). Idempotent: `npm ci` runs only when
# the lock file differs from the one installed.
set -euo pipefail
cd "$(dirname "$0")/../web"

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "web: node and npm are needed (scripts/setup.sh installs them)" >&2
  exit 1
fi
if ! cmp -s package-lock.json node_modules/.boucle-lock 2>/dev/null; then
  echo "web: installing npm packages"
  npm ci --no-audit --no-fund --loglevel=error
  cp package-lock.json node_modules/.boucle-lock
fi
for script in "$@"; do
  npm run --silent "$script"
done
