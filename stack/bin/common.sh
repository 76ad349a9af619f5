# Shared settings of the stack scripts (sourced, not run).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
STATE="${CATALOGUE_STATE_DIR:-$ROOT/.stack}"
VENV="${CATALOGUE_VENV:-$ROOT/.venv}"
PG_VERSION=15
PG_CLUSTER=main
SOLR_PORT="${CATALOGUE_SOLR_PORT:-8983}"
REDIS_PORT="${CATALOGUE_REDIS_PORT:-6379}"
mkdir -p "$STATE"

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
die() { printf '\033[31mERROR: %s\033[0m\n' "$*" >&2; exit 1; }

as_postgres() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else sudo -u postgres "$@"; fi
}

# True when the user points CKAN at a service of their own (CKAN's env vars).
external() { [ -n "${!1:-}" ]; }

# Stop the process whose pid FILE holds (TERM, then KILL after 10s); NAME says which.
stop_pid() {
  local name=$1 file=$2 pid
  [ -f "$file" ] || return 0
  pid=$(cat "$file")
  if kill -0 "$pid" 2>/dev/null; then
    say "$name: stopping ($pid)"
    kill "$pid"
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then kill -9 "$pid"; fi
  fi
  rm -f "$file"
}
