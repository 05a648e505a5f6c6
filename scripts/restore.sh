#!/usr/bin/env bash
# Restores a backup made by backup.sh into the local system of Infrastructure__DataDir (the AppHost's setting) or .data/.
# Usage: scripts/restore.sh DIR
#   - refuses a backup whose checksums do not match, or that holds an EF migration this code does not know (a newer schema);
#   - with the AppHost running, asks it (through <data folder>/control/) to stop the services, restore, clear Redis and
#     start them again, and waits until every service is healthy; with the AppHost stopped, restores into the data
#     folder directly and the next start brings the services up.
# Exit codes: 0 restored, 1 failed (the databases are as before unless the message says otherwise), 3 refused.
# scripts/restore.sh --check DIR only checks; --apply DIR is the AppHost's step while the services are stopped.
set -euo pipefail
source "$(dirname "$0")/lib/local-system.sh"

mode=restore
case "${1:-}" in --apply) mode=apply; shift ;; --check) mode=check; shift ;; esac
[ $# -eq 1 ] || die "usage: scripts/restore.sh DIR"
backup="$(realpath -e "$1" 2>/dev/null)" || die "$1 does not exist"
manifest="$backup/manifest.json"

refuse() { exit_code=3 die "refused: $*"; }

check_backup() {
  [ -f "$manifest" ] || refuse "$backup has no manifest.json (not a backup made by scripts/backup.sh)"
  [ "$(jq -r .format "$manifest")" = 1 ] || refuse "$manifest has an unknown format"
  local db file sum known unknown
  for db in "${databases[@]}"; do
    file="$(jq -r --arg db "$db" '.databases[] | select(.name == $db) | .file' "$manifest")"
    [ -n "$file" ] && [ -f "$backup/$file" ] || refuse "the backup lacks $db"
    sum="$(jq -r --arg db "$db" '.databases[] | select(.name == $db) | .sha256' "$manifest")"
    [ "$(sha256sum "$backup/$file" | cut -d' ' -f1)" = "$sum" ] || refuse "$file does not match its checksum (damaged)"
  done
  # This code's migrations are its source files; a backup that went through one it lacks has a schema it cannot run.
  known="$(find "$repo_root/services" -path '*/Migrations/*.cs' ! -name '*.Designer.cs' ! -name '*ModelSnapshot.cs' \
    -printf '%f\n' | sed 's/\.cs$//' | sort -u)"
  unknown="$(jq -r '.databases[].migrations[]' "$manifest" | sort -u | comm -23 - <(printf '%s\n' "$known"))"
  [ -z "$unknown" ] || refuse "the backup is from a newer schema than this code (unknown migrations: $(echo $unknown)); update the code first"
}

# Into <db>__restoring first, then swapped in, so a dump that fails half-way leaves the live databases as they were.
apply_backup() {
  local db
  for db in "${databases[@]}"; do
    psql_at postgres -c "DROP DATABASE IF EXISTS \"${db}__restoring\" WITH (FORCE)" -c "CREATE DATABASE \"${db}__restoring\""
    pg pg_restore --no-owner --exit-on-error -d "${db}__restoring" \
      "$backup/$(jq -r --arg db "$db" '.databases[] | select(.name == $db) | .file' "$manifest")"
  done
  # Redis's event stream is emptied with the restore. Events the task outbox had published but the log had not stored
  # yet were only there: the outbox keeps every event until the log has stored it (and Tasks:OutboxRetention longer),
  # so the relay's cursor is reset and it sends what the outbox holds again (the consumer ignores ids it has).
  if [ "$(psql_at tasksdb__restoring -c "SELECT to_regclass('outbox_batches') IS NOT NULL")" = t ]; then
    psql_at tasksdb__restoring -c 'DELETE FROM outbox_batches'
  fi
  for db in "${databases[@]}"; do
    psql_at postgres -c "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" -c "ALTER DATABASE \"${db}__restoring\" RENAME TO \"$db\""
  done
}

# The AppHost polls <data folder>/control for requests: it takes one by renaming it (.taken) and answers in a .result.
restore_through_apphost() {
  local control="$data_dir/control" id request result waited=0
  id="$(date -u +%Y%m%dT%H%M%SZ)-$$"
  request="$control/restore-$id.request"
  result="$control/restore-$id.result"
  mkdir -p "$control"
  jq -n --arg backup "$backup" '{backup: $backup}' > "$request.tmp"
  mv "$request.tmp" "$request"
  while [ -f "$request" ]; do
    [ $waited -lt 30 ] || { rm -f "$request"; die "the AppHost of $data_dir did not take the request within 30 s (is it this checkout's, and running?)"; }
    sleep 1; waited=$((waited + 1))
  done
  # A restore of a large system takes minutes; ten is the bound after which something is wrong.
  waited=0
  until [ -f "$result" ]; do
    [ $waited -lt 600 ] || die "the AppHost has not finished the restore after 600 s; see its postgres resource's log"
    sleep 1; waited=$((waited + 1))
  done
  jq -r .message "$result"
  local ok; ok="$(jq -r .ok "$result")"
  rm -f "$result"
  [ "$ok" = true ] || exit 1
}

# No AppHost: run this data folder's Postgres privately (socket only, in a private folder) for the restore.
restore_offline() {
  [ -f "$pgdata/PG_VERSION" ] || die "$pgdata holds no Postgres cluster (start the AppHost once to create it)"
  pg_socket="$(mktemp -d)"; pg_port=5432
  # pg_ctl refuses root: as root it runs as the cluster's owner. Global, as the EXIT trap runs after this function.
  run_as=()
  if [ "$(id -u)" = 0 ]; then chown postgres:postgres "$pg_socket"; run_as=(setpriv --reuid postgres --regid postgres --init-groups); fi
  stop_private_postgres() { "${run_as[@]}" "$pg_bin/pg_ctl" -D "$pgdata" -m fast -w -t 60 stop >/dev/null; }
  trap 'stop_private_postgres 2>/dev/null || true; rm -rf "$pg_socket"' EXIT
  "${run_as[@]}" "$pg_bin/pg_ctl" -D "$pgdata" -w -t 60 -l "$pg_socket/log" \
    -o "-p $pg_port -k $pg_socket -c listen_addresses='' -c unix_socket_permissions=0700" start >/dev/null ||
    die "could not start the Postgres of $pgdata: $(cat "$pg_socket/log" 2>/dev/null)"
  apply_backup
  stop_private_postgres || die "the restore is done, but the private Postgres of $pgdata did not stop"
  trap 'rm -rf "$pg_socket"' EXIT
  # Redis then starts empty: its caches refill and the event stream is refilled from the task outbox.
  rm -rf "$data_dir/redis/appendonlydir" "$data_dir/redis/dump.rdb"
  echo "Restored $backup into $data_dir; start the AppHost to bring the services up."
}

check_backup
if [ "$mode" = check ]; then
  echo "$backup can be restored."
elif [ "$mode" = apply ]; then
  find_running_postgres || die "the local Postgres of $data_dir is not running"
  apply_backup
  echo "Restored $backup."
elif find_running_postgres; then
  restore_through_apphost
else
  restore_offline
fi
