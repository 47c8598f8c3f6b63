#!/usr/bin/env bash
# Runs every test of OrleansChat. First installs what the tests need and this machine lacks,
# then runs `dotnet test` on the solution and prints one line: "N passed, N failed, N skipped".
# Under CI (CI=true) a skipped test counts as a failure: every test must really run there.
set -euo pipefail
cd "$(dirname "$0")"
started=$(date +%s)

# What the tests need beyond the .NET SDK, from Debian's packages when missing:
# Chromium for the browser tests, PostgreSQL's server binaries for the PostgreSQL store and cluster tests,
# faketime for the test that restarts a server with its clock set back, Node.js and npm for the JavaScript client's tests,
# Tsung for the test that replays a fanout with it (loadtest/tsung).
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
[ -x /usr/bin/faketime ] || need+=(faketime)
[ -x /usr/bin/tsung ] || need+=(tsung)
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || need+=(postgresql)
command -v npm >/dev/null || need+=(nodejs npm)
if [ ${#need[@]} -gt 0 ]; then
  echo "Installing ${need[*]} for the tests..."
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}"
fi

results="${TEST_RESULTS_DIR:-$PWD/TestResults}"
rm -rf "$results"
mkdir -p "$results"

status=0
dotnet test OrleansChat.sln \
  --configuration Release \
  --logger "trx" \
  --results-directory "$results" \
  "$@" || status=$?

# Sum the outcomes of every test project's TRX file (<Counters passed="…" failed="…" notExecuted="…" …/>).
count() {
  local total=0 n
  for n in $(grep -ho "<Counters [^>]*" "$results"/*.trx 2>/dev/null | grep -o " $1=\"[0-9]*\"" | grep -o "[0-9]*"); do
    total=$((total + n))
  done
  echo "$total"
}
passed=$(count passed)
failed=$(( $(count failed) + $(count error) + $(count timeout) + $(count aborted) ))
skipped=$(( $(count notExecuted) + $(count inconclusive) ))

# The JavaScript client (clients/js): npm ci, its build, and its node --test suite, which starts the Silo's Release
# build (made by dotnet test above) itself. Its counts join the totals; a failure before any test ran counts as one.
js_log="$results/clients-js.log"
if command -v node >/dev/null && command -v npm >/dev/null; then
  js_status=0
  (cd clients/js && npm ci --no-audit --no-fund && npm run build && ORLEANSCHAT_SILO_BUILT=1 npm test) 2>&1 | tee "$js_log" || js_status=$?
  tap() { grep -o "^# $1 [0-9]*" "$js_log" | tail -1 | grep -o "[0-9]*$" || echo 0; }
  js_passed=$(tap pass)
  js_failed=$(( $(tap fail) + $(tap cancelled) ))
  if [ "$js_status" -ne 0 ] && [ "$js_failed" -eq 0 ]; then
    echo "clients/js: npm ci, the build or the test runner failed before any test failed (see above)." >&2
    js_failed=1
  fi
  [ "$js_status" -eq 0 ] || status=1
  passed=$((passed + js_passed))
  failed=$((failed + js_failed))
  skipped=$((skipped + $(tap skipped) + $(tap todo)))
else
  echo "clients/js: skipped: node and npm are not installed (Node 20 or later runs the JavaScript client's tests)." >&2
  skipped=$((skipped + 1))
fi

if [ "${CI:-}" = "true" ] && [ "$skipped" -gt 0 ]; then
  echo "CI: $skipped test(s) skipped; under CI every test must run (see the skip reasons above)." >&2
  status=1
fi
if [ "$passed" -eq 0 ]; then
  echo "No test passed." >&2
  status=1
fi

if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  echo "dotnet test failed without a failing test: a project did not build or a test host crashed (see above)." >&2
fi

echo "test.sh took $(( $(date +%s) - started )) s"
echo "$passed passed, $failed failed, $skipped skipped"
exit "$status"
