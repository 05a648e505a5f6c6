#!/usr/bin/env bash
# Runs the whole system: Postgres, Redis, the five services, the web dashboard and the Aspire dashboard.
set -euo pipefail
cd "$(dirname "$0")"
scripts/prerequisites.sh
exec dotnet run --project AgentOrchestration.AppHost "$@"
