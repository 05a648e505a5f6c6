#!/usr/bin/env bash
# Backs up every database of the running local system (agents, tools with the Data Protection key ring that decrypts
# HTTP-tool secrets, tasks, logs) into DIR, default <data folder>/backups/<UTC time>, with a manifest.json of what it
# holds (databases, sizes, checksums, EF migration ids, times). Prints the backup's folder on success.
# Usage: scripts/backup.sh [DIR]     The system is that of Infrastructure__DataDir (the AppHost's setting) or .data/.
# Retention: BACKUP_KEEP=N keeps only the newest N backups of the default folder (scheduled backups use it).
set -euo pipefail
source "$(dirname "$0")/lib/local-system.sh"

find_running_postgres || die "the local Postgres of $data_dir is not running (start the AppHost first)"

backups_root="$data_dir/backups"
# Written beside the target and renamed at the end: a folder named like a backup is always a whole backup. Creating
# the .partial folder is what reserves a name, so two backups started together (the schedule and a manual one in the
# same second) never write into, or delete, each other's.
reserve() { [ ! -e "$1" ] && mkdir "$1.partial" 2>/dev/null && { [ ! -e "$1" ] || { rmdir "$1.partial"; false; }; }; }
if [ $# -ge 1 ]; then
  target="$1"
  [ -e "$target" ] && die "$target exists already"
  mkdir -p "$(dirname "$target")"
  reserve "$target" || die "$target.partial exists: another backup to $target is under way (or was cut short: remove it)"
else
  stamp="$(date -u +%Y%m%dT%H%M%SZ)"
  mkdir -p "$backups_root"
  target=""
  for suffix in "" -2 -3 -4 -5 -6 -7 -8 -9; do
    if reserve "$backups_root/$stamp$suffix"; then target="$backups_root/$stamp$suffix"; break; fi
  done
  [ -n "$target" ] || die "no free backup folder name for $stamp in $backups_root"
fi
partial="$target.partial"
chmod 700 "$partial" # the key ring is in there
trap 'rm -rf "$partial"' EXIT

started="$(date -u +%FT%TZ)"
entries=()
# Referrers before what they refer to (logs and tasks name agents and tools): a row a later dump lacks can only be one
# deleted in between, never one created in between, so nothing restored points at something that never existed.
for db in logsdb tasksdb toolsdb agentsdb; do
  dump_started="$(date -u +%FT%T.%3NZ)"
  pg pg_dump -Fc -d "$db" -f "$partial/$db.dump"
  migrations="$(migration_ids "$db" | jq -R . | jq -sc .)"
  entries+=("$(jq -nc --arg name "$db" --arg file "$db.dump" --arg started "$dump_started" \
    --argjson bytes "$(stat -c %s "$partial/$db.dump")" \
    --arg sha256 "$(sha256sum "$partial/$db.dump" | cut -d' ' -f1)" --argjson migrations "$migrations" \
    '{name: $name, file: $file, bytes: $bytes, sha256: $sha256, dumpStartedAt: $started, migrations: $migrations}')")
done

printf '%s\n' "${entries[@]}" | jq -s --arg started "$started" --arg completed "$(date -u +%FT%TZ)" \
  --arg server "$(psql_at postgres -c 'SHOW server_version')" --arg dataDir "$data_dir" \
  '{format: 1, startedAt: $started, completedAt: $completed, postgresVersion: $server, dataDir: $dataDir,
    totalBytes: (map(.bytes) | add), databases: .}' > "$partial/manifest.json"
mv -T "$partial" "$target"
trap - EXIT

if [ -n "${BACKUP_KEEP:-}" ] && [ "$BACKUP_KEEP" -gt 0 ] && [ -d "$backups_root" ]; then
  # Only folders holding a manifest count as backups; the names sort by time.
  ls -1d "$backups_root"/*/manifest.json 2>/dev/null | xargs -r -n1 dirname | sort | head -n "-$BACKUP_KEEP" | xargs -r rm -rf
fi
printf '%s\n' "$target"
