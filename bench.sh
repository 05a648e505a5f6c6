#!/usr/bin/env bash
# Runs the performance benchmark (issue 9): starts the whole system from the AppHost, measures two baselines and six
# scenarios over loopback, prints the table and writes bench/results/latest.json and BENCHMARKS.md.
# Usage: ./bench.sh [--duration=8] [--warmup=2] [--concurrency=1,16,64] [--scenarios=1,2,3,4,5,6] [--tools=10000] ...
# Exits non-zero when any request failed; missed targets are reported, not fatal. Takes about 10 minutes on 2 cores.
set -euo pipefail
cd "$(dirname "$0")"
scripts/prerequisites.sh
# Release, like production: Debug builds of the services would measure the JIT's debug code.
dotnet build bench/AgentOrchestration.Bench -c Release --nologo -v quiet -clp:ErrorsOnly
exec dotnet run -c Release --no-build --project bench/AgentOrchestration.Bench -- "$@"
