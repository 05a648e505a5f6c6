#!/usr/bin/env bash
# Runs every test: unit, service (real Postgres and Redis), end-to-end (the real AppHost) and the web tests.
# Exits non-zero when anything fails.
set -uo pipefail
cd "$(dirname "$0")"
scripts/prerequisites.sh --tests || exit 1

log=$(mktemp)
status=0

echo "== Building (warnings are errors)"
dotnet build AgentOrchestration.sln --nologo -v quiet -clp:ErrorsOnly || exit 1

echo "== Web dashboard tests (Vitest)"
(cd web && npx vitest run) 2>&1 | tee -a "$log" || status=1

echo "== .NET tests"
dotnet test AgentOrchestration.sln --no-build --nologo 2>&1 | tee -a "$log" || status=1

# One closing line for the whole run, summed over every runner.
passed=$(sed 's/\x1b\[[0-9;]*m//g' "$log" | awk '
  /Passed!|Failed!/ { for (i = 1; i <= NF; i++) if ($i == "Passed:") { v = $(i+1); sub(",", "", v); p += v } }
  /^ *Tests +[0-9]+ passed/ { p += $2 }
  END { print p + 0 }')
failed=$(sed 's/\x1b\[[0-9;]*m//g' "$log" | awk '
  /Passed!|Failed!/ { for (i = 1; i <= NF; i++) if ($i == "Failed:") { v = $(i+1); sub(",", "", v); f += v } }
  /^ *Tests +.*[0-9]+ failed/ { for (i = 1; i <= NF; i++) if ($i ~ /^failed/) f += $(i-1) }
  END { print f + 0 }')
rm -f "$log"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ] || status=1
exit $status
