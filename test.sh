#!/usr/bin/env bash
# Runs every test of OrleansChat. First installs what the tests need and this machine lacks,
# then runs `dotnet test` on the solution and prints one line: "N passed, N failed, N skipped".
# Under CI (CI=true) a skipped test counts as a failure: every test must really run there.
set -euo pipefail
cd "$(dirname "$0")"

results="${TEST_RESULTS_DIR:-$PWD/TestResults}"
rm -rf "$results"
mkdir -p "$results"

status=0
dotnet test OrleansChat.sln \
  --configuration Release \
  --logger "trx" \
  --results-directory "$results" \
  "$@" || status=$?

# Sum the outcomes of every test project's TRX file.
read -r passed failed skipped < <(python3 - "$results" <<'PY'
import glob, sys, xml.etree.ElementTree as ET
ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
passed = failed = skipped = 0
for path in glob.glob(sys.argv[1] + "/**/*.trx", recursive=True):
    counters = ET.parse(path).getroot().find("t:ResultSummary/t:Counters", ns)
    if counters is None:
        continue
    passed += int(counters.get("passed", 0))
    failed += int(counters.get("failed", 0)) + int(counters.get("error", 0)) + int(counters.get("timeout", 0)) + int(counters.get("aborted", 0))
    skipped += int(counters.get("notExecuted", 0)) + int(counters.get("inconclusive", 0))
print(passed, failed, skipped)
PY
)

if [ "${CI:-}" = "true" ] && [ "$skipped" -gt 0 ]; then
  echo "CI: $skipped test(s) skipped; under CI every test must run (see the skip reasons above)." >&2
  status=1
fi
if [ "$passed" -eq 0 ]; then
  echo "No test passed." >&2
  status=1
fi

echo "$passed passed, $failed failed, $skipped skipped"
exit "$status"
