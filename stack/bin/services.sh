#!/usr/bin/env bash
# services.sh start|stop|status: PostgreSQL 15, Redis 7 and Solr 9 on loopback.
# A service whose CKAN_* variable is set is the user's own and left alone.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

SOLR_DIR="$ROOT/stack/solr"
SOLR_HOME="$STATE/solr-home"

pg_running() { pg_lsclusters -h 2>/dev/null | awk -v v=$PG_VERSION -v c=$PG_CLUSTER '$1==v && $2==c {print $4}' | grep -q online; }

start_postgres() {
  if external CKAN_SQLALCHEMY_URL; then say "postgresql: using CKAN_SQLALCHEMY_URL"; return; fi
  if ! pg_lsclusters -h 2>/dev/null | awk '{print $1" "$2}' | grep -qx "$PG_VERSION $PG_CLUSTER"; then
    say "postgresql: creating cluster $PG_VERSION/$PG_CLUSTER"
    pg_createcluster "$PG_VERSION" "$PG_CLUSTER" >/dev/null
  fi
  if pg_running; then say "postgresql: running"; return; fi
  say "postgresql: starting $PG_VERSION/$PG_CLUSTER"
  pg_ctlcluster "$PG_VERSION" "$PG_CLUSTER" start 2>&1 | grep -v "systemd" || true
  pg_running || die "postgresql did not start; see /var/log/postgresql/postgresql-$PG_VERSION-$PG_CLUSTER.log"
  touch "$STATE/postgres.started"
}

start_redis() {
  if external CKAN_REDIS_URL; then say "redis: using CKAN_REDIS_URL"; return; fi
  if redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1; then say "redis: running"; return; fi
  say "redis: starting on 127.0.0.1:$REDIS_PORT"
  mkdir -p "$STATE/redis"
  redis-server --daemonize yes --bind 127.0.0.1 --port "$REDIS_PORT" --dir "$STATE/redis" \
    --pidfile "$STATE/redis.pid" --logfile "$STATE/redis.log" --save "" --appendonly no
  for _ in $(seq 1 50); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && return; sleep 0.1; done
  die "redis did not start; see $STATE/redis.log"
}

build_solr() {
  # Rebuild the launcher only when its sources change.
  local stamp="$SOLR_DIR/target/.built"
  if [ -f "$stamp" ] && [ -z "$(find "$SOLR_DIR/pom.xml" "$SOLR_DIR/src" -newer "$stamp" -print -quit)" ]; then return; fi
  say "solr: building the launcher from Maven Central artifacts"
  # A second, verbose attempt rides out a transient download failure and
  # shows the reason when it is not one.
  if ! mvn -q -B -f "$SOLR_DIR/pom.xml" -DskipTests package; then
    say "solr: build failed, retrying with full output in $STATE/mvn.log"
    mkdir -p "$STATE"
    mvn -B -f "$SOLR_DIR/pom.xml" -DskipTests package >"$STATE/mvn.log" 2>&1 \
      || { tail -40 "$STATE/mvn.log" >&2; die "building the Solr launcher failed (mvn); see $STATE/mvn.log"; }
  fi
  touch "$stamp"
}

# The portal's core and the tests' one (stack/solr/make_home.py).
SOLR_CORES="ckan ckan_test"

conf_sum() { { cat "$SOLR_HOME"/ckan*/conf/* 2>/dev/null || true; } | md5sum; }

solr_home() {
  local before; before=$(conf_sum)
  "$VENV/bin/python" "$SOLR_DIR/make_home.py" "$SOLR_HOME"
  # A running Solr keeps the schema it loaded: reload the core when it changed.
  if [ "$before" != "$(conf_sum)" ] && solr_up; then
    say "solr: schema changed, reloading the cores"
    reload_or_stop_solr
  fi
}

# Reload the cores; a Solr that cannot (started from another checkout
# whose files are gone, or before a core was added) is stopped, and
# start_solr starts one on this home.
reload_or_stop_solr() {
  local core ok=1
  for core in $SOLR_CORES; do
    curl -sf "http://127.0.0.1:$SOLR_PORT/solr/admin/cores?action=RELOAD&core=$core" >/dev/null || ok=0
  done
  [ "$ok" = 1 ] && return
  say "solr: the running Solr cannot reload its cores; stopping it"
  local pids; pids=$(pgrep -f "org.ckan.catalogue.solr.CatalogueSolr .* $SOLR_PORT " || true)
  [ -n "$pids" ] || die "reloading the Solr core failed; see $STATE/solr.log"
  kill $pids 2>/dev/null || true
  for _ in $(seq 1 150); do kill -0 $pids 2>/dev/null || break; sleep 0.2; done
  kill -9 $pids 2>/dev/null || true
}

solr_up() { curl -sf "http://127.0.0.1:$SOLR_PORT/solr/ckan/admin/ping" >/dev/null 2>&1; }

# An update that changes nothing goes through on every core: Solr's index
# writer is open (it closes for good after an out-of-memory error until the
# core reloads), and a core missing from a Solr started before it existed
# fails too.
solr_writes() {
  local core
  for core in $SOLR_CORES; do
    curl -sf -H 'Content-Type: application/json' -d '{"delete":{"id":"catalogue-services-probe"}}' \
      "http://127.0.0.1:$SOLR_PORT/solr/$core/update?commit=false" >/dev/null 2>&1 || return 1
  done
}

# Heap of the Solr process: the limits (ckanext.catalogue.limits.*) bound
# what one request adds; this leaves the index room to grow.
SOLR_HEAP="${CATALOGUE_SOLR_HEAP:-2g}"

start_solr() {
  if external CKAN_SOLR_URL; then say "solr: using CKAN_SOLR_URL"; return; fi
  build_solr
  solr_home
  if solr_up && ! solr_writes; then
    say "solr: running but refusing writes (or missing a core); reloading the cores"
    reload_or_stop_solr
  fi
  if solr_up; then say "solr: running"; return; fi
  say "solr: starting on 127.0.0.1:$SOLR_PORT (heap $SOLR_HEAP)"
  nohup java -Xms512m -Xmx"$SOLR_HEAP" -Dsolr.log.dir="$STATE" -Dcatalogue.solr.log="$STATE/solr.log" \
    -Dlog4j.configurationFile="$SOLR_DIR/log4j2.xml" -Dsolr.disableConfigSetsCreateAuthChecks=true \
    -cp "$SOLR_DIR/target/classes:$SOLR_DIR/target/lib/*" org.ckan.catalogue.solr.CatalogueSolr \
    "$SOLR_HOME" "$SOLR_PORT" 127.0.0.1 >"$STATE/solr.out" 2>&1 &
  echo $! >"$STATE/solr.pid"
  for _ in $(seq 1 120); do
    solr_up && return
    kill -0 "$(cat "$STATE/solr.pid")" 2>/dev/null || die "solr exited; see $STATE/solr.out and $STATE/solr.log"
    sleep 0.5
  done
  die "solr did not answer within 60s; see $STATE/solr.log"
}

stop_pidfile() { stop_pid "$1" "$STATE/$1.pid"; }

stop_solr() {
  stop_pidfile solr
  # A Solr on our port started from another checkout has its pidfile there.
  local pattern="org.ckan.catalogue.solr.CatalogueSolr .* $SOLR_PORT 127.0.0.1"
  if pgrep -f "$pattern" >/dev/null; then
    say "solr: stopping the instance on port $SOLR_PORT"
    pkill -f "$pattern" || true
    for _ in $(seq 1 100); do pgrep -f "$pattern" >/dev/null || break; sleep 0.1; done
    pkill -9 -f "$pattern" || true
  fi
}

stop_redis() {
  external CKAN_REDIS_URL && return 0
  stop_pidfile redis
  # A Redis on our port started from another checkout has its pidfile there.
  if redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1; then
    say "redis: stopping the instance on port $REDIS_PORT"
    redis-cli -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
    for _ in $(seq 1 50); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 || break; sleep 0.1; done
  fi
}

case "${1:-}" in
  start) start_postgres; start_redis; start_solr ;;
  # One service alone (fault tests stop and restart Solr mid-run).
  start-solr) start_solr ;;
  stop-solr) stop_solr ;;
  start-redis) start_redis ;;
  stop-redis) stop_redis ;;
  solr-home) build_solr; solr_home ;;
  stop)
    stop_pidfile worker
    stop_pidfile scheduler
    stop_pidfile solr
    stop_redis
    if [ -f "$STATE/postgres.started" ]; then
      say "postgresql: stopping"; pg_ctlcluster "$PG_VERSION" "$PG_CLUSTER" stop || true
      rm -f "$STATE/postgres.started"
    fi ;;
  status)
    pg_running && echo "postgresql: up" || echo "postgresql: down"
    redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && echo "redis: up" || echo "redis: down"
    solr_up && echo "solr: up" || echo "solr: down" ;;
  *) die "usage: services.sh start|stop|status|solr-home|start-solr|stop-solr|start-redis|stop-redis" ;;
esac
