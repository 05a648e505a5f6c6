#!/usr/bin/env bash
# Installs what the system needs on Debian/Ubuntu when run as root, and otherwise says what to install.
# Usage: scripts/prerequisites.sh [--tests]   (--tests adds Chromium for the browser tests)
set -euo pipefail
cd "$(dirname "$0")/.."

for_tests=false
[ "${1:-}" = "--tests" ] && for_tests=true

missing_packages=()
problems=()

have() { command -v "$1" >/dev/null 2>&1; }
postgres_installed() { ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || have postgres; }
container_runtime_healthy() { have docker && timeout 5 docker info >/dev/null 2>&1; }

have dotnet || problems+=("the .NET 10 SDK (https://dot.net): dotnet is not on PATH")
if ! have node || ! have npm; then
  problems+=("Node.js 20.19+ with npm (https://nodejs.org): node or npm is not on PATH")
fi

# Postgres and Redis run from local binaries unless a container runtime can run them; the tests always use binaries.
if $for_tests || ! container_runtime_healthy; then
  postgres_installed || missing_packages+=(postgresql)
  have redis-server || missing_packages+=(redis-server)
  # scripts/backup.sh and restore.sh write and read their manifests with it.
  have jq || missing_packages+=(jq)
fi
if $for_tests && ! [ -x /usr/bin/chromium ]; then
  missing_packages+=(chromium)
fi

if [ ${#missing_packages[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && have apt-get; then
    echo "Installing ${missing_packages[*]} with apt-get..."
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing_packages[@]}" >/dev/null
  else
    problems+=("Debian/Ubuntu packages: sudo apt-get install ${missing_packages[*]}")
  fi
fi

if [ ${#problems[@]} -gt 0 ]; then
  echo "Please install first:" >&2
  printf '  - %s\n' "${problems[@]}" >&2
  exit 1
fi

# npm packages exactly as locked; skipped when the lock file has not changed since the last install.
npm_ci() {
  if [ ! "$1/node_modules/.package-lock.json" -nt "$1/package-lock.json" ]; then
    echo "Installing the npm packages of $1..."
    (cd "$1" && npm ci --no-audit --no-fund --loglevel=error)
  fi
}
npm_ci web
# The MCP reference server that the tool tests register as a real MCP source.
$for_tests && npm_ci tests/mcp-server
exit 0
