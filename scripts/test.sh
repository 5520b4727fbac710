#!/usr/bin/env bash
# The test command (`npm test`). Unit tests first, then browser end-to-end tests against the real
# server, SFU and Debian's Chromium. `npm test -- unit` runs only the unit tests.
set -euo pipefail
cd "$(dirname "$0")/.."

CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ "${1:-all}" != unit ] && [ ! -x "$CHROMIUM" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "Installing Debian's Chromium for the browser tests…"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "The browser tests need Chromium at $CHROMIUM. Install it with: sudo apt-get install -y chromium" >&2
    echo "(or set CHROMIUM_PATH), or run only the unit tests: npm run test:unit" >&2
    exit 1
  fi
fi

[ -d node_modules ] || npm ci
npx tsc --noEmit -p .

unit=$(find src -name '*.test.ts' | sort)
if [ "${1:-all}" = unit ]; then
  exec node --import tsx --test --test-concurrency=1 $unit
fi
npm run build --silent
e2e=$(find tests -name '*.test.ts' | sort)
# Unit test files two at a time (loading a file is most of their time); the browser tests one at a
# time, since they need both cores to themselves. Both sets run; either failing fails the command.
status=0
node --import tsx --test --test-concurrency=2 $unit || status=$?
node --import tsx --test --test-concurrency=1 $e2e || status=$?
exit $status
