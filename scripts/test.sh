#!/usr/bin/env bash
# `pnpm test [jest args…]`: every test (but the long scenarios: test/faults, test/scale,
# test/services-lifecycle, test/dev-script; they run with `pnpm test:long`, or when an argument
# names them) against a real local PostgreSQL and Redis (started when
# installed but stopped) and a fake Telegram. Extra arguments go to jest, e.g.
#   pnpm test packages/config        pnpm test -t 'offer expiry'        pnpm test --watch
# Tests find the servers through TEST_PG_URL (default postgres://postgres@127.0.0.1:5432/postgres)
# and TEST_REDIS_URL (default redis://127.0.0.1:6379). .env is not read: tests never see
# development tokens or databases. With CI=true jest runs with --ci.
# The exit code is jest's.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
# shellcheck source=../infra/scripts/local-services.sh
. infra/scripts/local-services.sh

fs_ensure_postgres "${TEST_PG_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
fs_ensure_redis "${TEST_REDIS_URL:-$FS_REDIS_DEFAULT_URL}"

if [ ! -x node_modules/.bin/jest ]; then
  fs_error "node_modules/.bin/jest not found: run pnpm install first"
  exit 1
fi

args=()
for a in "$@"; do
  case "$a" in *test/faults* | *test/scale* | *services-lifecycle* | *dev-script*) export FS_TEST_LONG=1 ;; esac
done
if [ "${CI:-}" = true ] || [ "${CI:-}" = 1 ]; then
  args+=(--ci)
fi
# Results as JSON too, for the one-line summary below (test-output/ is git-ignored).
mkdir -p test-output
results=test-output/jest-results.json
rm -f "$results"
args+=(--json "--outputFile=$results")

# node_modules/.bin/jest is what `npx jest` runs, without npm's start-up and config warnings.
rc=0
node_modules/.bin/jest "${args[@]}" "$@" || rc=$?

# A plain closing line ("jest: N passed, N failed, N skipped") that any log reader can count.
if [ -s "$results" ]; then
  node -e '
    const r = require(process.argv[1]);
    const failed = r.numFailedTests + r.numRuntimeErrorTestSuites;
    const skipped = r.numPendingTests + r.numTodoTests;
    console.log(`jest: ${r.numPassedTests} passed, ${failed} failed, ${skipped} skipped`);
  ' "$ROOT/$results" || true
fi
exit "$rc"
