#!/usr/bin/env bash
# Times scripts/backup.sh and scripts/restore.sh on a local system holding 10k tools and 100k execution events (issue 16).
# Starts its own AppHost on a temporary data folder and random ports, seeds the rows with SQL (copies of one real tool
# and one real task's events, so every column is as the services write it), and prints the seconds of each step.
# Usage: bench/backup-timing.sh [TOOLS] [EVENTS]       Needs a build: dotnet build AgentOrchestration.AppHost
set -euo pipefail
cd "$(dirname "$0")/.."
tools="${1:-10000}" events="${2:-100000}"

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
data="$(mktemp -d /tmp/ao-backup-bench-XXXXXX)"; chmod 755 "$data"
key="bench-$(date +%s%N)"
api_port="$(free_port)"
export Infrastructure__DataDir="$data"
ASPNETCORE_URLS="http://localhost:$(free_port)" ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL="http://localhost:$(free_port)" \
ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL="http://localhost:$(free_port)" ASPIRE_ALLOW_UNSECURED_TRANSPORT=true DOTNET_ENVIRONMENT=Development \
  setsid dotnet run --project AgentOrchestration.AppHost --no-build --no-launch-profile -- \
    --Ports:Api="$api_port" --Ports:Web=0 --Parameters:admin-api-key="$key" > "$data/apphost.log" 2>&1 &
apphost=$!
# Only this AppHost's own process group.
trap 'kill -TERM -- -$apphost 2>/dev/null; wait $apphost 2>/dev/null; rm -rf "$data"' EXIT

api() { curl -sf -H "Authorization: Bearer $key" -H 'Content-Type: application/json' "http://localhost:$api_port$1" "${@:2}"; }
for _ in $(seq 1 240); do
  [ "$(api /status 2>/dev/null | jq -r .status 2>/dev/null)" = healthy ] && break
  sleep 1
done
[ "$(api /status | jq -r .status)" = healthy ] || { echo "the system did not become healthy; see $data/apphost.log" >&2; exit 1; }

agent="bench-$(date +%s)"
api /register-agent -d "{\"name\":\"$agent\",\"tools\":[\"echo\"]}" >/dev/null
api /execute-task -d "{\"agent\":\"$agent\",\"tool\":\"echo\",\"arguments\":{\"text\":\"hi\"}}" >/dev/null
sleep 3 # the task's events reach the log store

source scripts/lib/local-system.sh
find_running_postgres
columns() { psql_at "$1" -c "SELECT string_agg(quote_ident(column_name), ',') FROM information_schema.columns
  WHERE table_name = '$2' AND is_generated = 'NEVER' AND column_name NOT IN ($3)"; }
seed_started=$(date +%s%N)
cols="$(columns toolsdb tools "'id','name'")"
psql_at toolsdb -c "INSERT INTO tools (id, name, $cols) SELECT gen_random_uuid(), 'bench-' || g, $cols
  FROM (SELECT * FROM tools WHERE name = 'echo') t, generate_series(1, $tools) g"
cols="$(columns tasksdb task_events "'id','seq','published_at'")"
psql_at tasksdb -c "INSERT INTO task_events (id, seq, published_at, $cols) SELECT gen_random_uuid(), 1000 + g, now(), $cols
  FROM (SELECT * FROM task_events ORDER BY seq LIMIT 1) e, generate_series(1, $events) g"
cols="$(columns logsdb execution_events "'id','seq'")"
psql_at tasksdb -c 'COPY (SELECT id, seq FROM task_events WHERE seq > 1000) TO STDOUT' |
  psql_at logsdb -c 'CREATE TEMP TABLE ids (id uuid, seq int)' -c 'COPY ids FROM STDIN' \
    -c "INSERT INTO execution_events (id, seq, $cols) SELECT ids.id, ids.seq, $cols
        FROM (SELECT * FROM execution_events ORDER BY seq LIMIT 1) e, ids"
echo "seeded $tools tools and $events events in $(( ($(date +%s%N) - seed_started) / 1000000 )) ms"

started=$(date +%s%N)
backup="$(scripts/backup.sh)"
backup_ms=$(( ($(date +%s%N) - started) / 1000000 ))
started=$(date +%s%N)
scripts/restore.sh "$backup" >/dev/null
restore_ms=$(( ($(date +%s%N) - started) / 1000000 ))
[ "$(psql_at toolsdb -c 'SELECT count(*) FROM tools')" -ge "$tools" ] || { echo "the restored toolsdb lacks tools" >&2; exit 1; }
[ "$(psql_at logsdb -c 'SELECT count(*) FROM execution_events')" -ge "$events" ] || { echo "the restored logsdb lacks events" >&2; exit 1; }
echo "backup: $backup_ms ms ($(jq .totalBytes "$backup/manifest.json") bytes)"
echo "restore (stop the services, restore, start them healthy): $restore_ms ms"
