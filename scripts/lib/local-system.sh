# Shared by backup.sh and restore.sh: finds the local system of a data folder and runs Postgres's client tools on it.
# Sourced, not run. Everything is located through the data folder, never by process name, so other systems on the
# same machine (other checkouts, other data folders) are never touched.

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

die() { echo "$(basename "$0"): $*" >&2; exit "${exit_code:-1}"; }

# The AppHost's rule (LocalDataDirectory.cs): Infrastructure__DataDir, else .data/ in the repo; as root, a folder the
# postgres user cannot reach becomes /var/lib/agent-orchestration/<first 12 hex of its path's SHA-256>.
resolve_data_dir() {
  local configured="${Infrastructure__DataDir:-}" dir existing
  if [ -n "$configured" ]; then dir="$(realpath -m "$configured")"; else dir="$(realpath -m "$repo_root/.data")"; fi
  if [ "$(id -u)" = 0 ]; then
    existing="$dir"
    while [ ! -d "$existing" ]; do existing="$(dirname "$existing")"; done
    if ! setpriv --reuid postgres --regid postgres --init-groups test -x "$existing"; then
      dir="/var/lib/agent-orchestration/$(printf '%s' "$dir" | sha256sum | cut -c1-12)"
    fi
  fi
  printf '%s\n' "$dir"
}

# Infrastructure__PostgresBinDir, else Debian's newest /usr/lib/postgresql/N/bin, else PATH (as the AppHost does).
resolve_pg_bin() {
  if [ -n "${Infrastructure__PostgresBinDir:-}" ]; then printf '%s\n' "$Infrastructure__PostgresBinDir"; return; fi
  local newest
  newest="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5 -n | tail -1)"
  if [ -n "$newest" ] && [ -x "$newest/postgres" ]; then printf '%s\n' "$newest"; return; fi
  dirname "$(command -v pg_dump || die "the Postgres client tools are not installed (apt-get install postgresql)")"
}

data_dir="$(resolve_data_dir)"
pgdata="$data_dir/postgres"
pg_bin="$(resolve_pg_bin)"
databases=(agentsdb toolsdb tasksdb logsdb)

# Port and socket folder of the running postmaster of this data folder, from its postmaster.pid (lines 4 and 5).
# Sets pg_port and pg_socket; returns 1 when that Postgres is not running.
find_running_postgres() {
  local pidfile="$pgdata/postmaster.pid"
  [ -f "$pidfile" ] || return 1
  pg_port="$(sed -n 4p "$pidfile")"
  pg_socket="$(sed -n 5p "$pidfile")"
  [ -n "$pg_port" ] && [ -n "$pg_socket" ] || return 1
  "$pg_bin/pg_isready" -q -h "$pg_socket" -p "$pg_port" -U postgres -d postgres -t 5
}

# Over the Unix socket, which only the server's OS user and root may open (the AppHost's pg_hba trusts it).
pg() { local tool="$1"; shift; "$pg_bin/$tool" -h "$pg_socket" -p "$pg_port" -U postgres "$@"; }
psql_at() { local db="$1"; shift; pg psql -X -q -v ON_ERROR_STOP=1 -At -d "$db" "$@"; }

# The EF Core migration ids applied to a database, one a line (none when the service never ran).
migration_ids() {
  if [ "$(psql_at "$1" -c "SELECT to_regclass('\"__EFMigrationsHistory\"') IS NOT NULL")" = t ]; then
    psql_at "$1" -c 'SELECT "MigrationId" FROM "__EFMigrationsHistory" ORDER BY 1'
  fi
}

command -v jq >/dev/null || die "jq is not installed (scripts/prerequisites.sh installs it)"
