#!/usr/bin/env bash
# cluster.sh start|stop|status|...: the stack of a deployment past one machine,
# on this one (make cluster): ZooKeeper and two SolrCloud nodes holding the
# collections ckan and ckan_test (2 shards x 2 replicas each, the catalogue's
# configset uploaded to ZooKeeper), and a hot-standby PostgreSQL 15 replica of
# the main cluster (pg_basebackup, streaming) for DataStore reads; with
# start-app INI, 2 gunicorn web processes behind one port and 2 `ckan jobs
# worker` processes serving INI. Redis is the single-node one (services.sh).
# Idempotent.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

SOLR_DIR="$ROOT/stack/solr"
CLUSTER="$STATE/cluster"
ZK_PORT="${CATALOGUE_ZK_PORT:-9983}"
SOLR_NODES="${CATALOGUE_CLOUD_PORTS:-8984 8985}"
COLLECTIONS="ckan ckan_test"
CONFIGSET=catalogue
REPLICA=replica
REPLICA_PORT="${CATALOGUE_REPLICA_PORT:-5433}"
CLOUD_HEAP="${CATALOGUE_CLOUD_HEAP:-1g}"
WEB_PORT="${CATALOGUE_CLUSTER_WEB_PORT:-5001}"
WEB_WORKERS=2
JOB_WORKERS=2
JAVA_CP="$SOLR_DIR/target/classes:$SOLR_DIR/target/lib/*"
mkdir -p "$CLUSTER"

first_node() { set -- $SOLR_NODES; echo "$1"; }
solr_api() { curl -sf --max-time 120 "http://127.0.0.1:$(first_node)/solr/$1"; }

# --- ZooKeeper: the standalone server of the zookeeper jar Solr depends on ---

zk_up() {
  local reply
  reply=$(timeout 3 bash -c "exec 3<>/dev/tcp/127.0.0.1/$ZK_PORT && printf ruok >&3 && head -c 4 <&3" 2>/dev/null || true)
  [ "$reply" = imok ]
}

start_zk() {
  if zk_up; then say "zookeeper: running"; return; fi
  say "zookeeper: starting on 127.0.0.1:$ZK_PORT"
  mkdir -p "$CLUSTER/zk"
  cat >"$CLUSTER/zk.cfg" <<CFG
dataDir=$CLUSTER/zk
clientPort=$ZK_PORT
clientPortAddress=127.0.0.1
tickTime=2000
maxClientCnxns=200
admin.enableServer=false
4lw.commands.whitelist=ruok,mntr,srvr
CFG
  nohup java -Xmx256m -Dzookeeper.log.dir="$CLUSTER" -Dlog4j.configurationFile="$SOLR_DIR/log4j2.xml" \
    -Dcatalogue.solr.log="$CLUSTER/zk.log" -cp "$JAVA_CP" org.apache.zookeeper.server.ZooKeeperServerMain \
    "$CLUSTER/zk.cfg" >"$CLUSTER/zk.out" 2>&1 &
  echo $! >"$CLUSTER/zk.pid"
  for _ in $(seq 1 100); do zk_up && return; sleep 0.2; done
  die "zookeeper did not start; see $CLUSTER/zk.out"
}

# --- SolrCloud nodes: the project's launcher in cloud mode ---

node_up() { curl -sf --max-time 5 "http://127.0.0.1:$1/solr/admin/info/system?wt=json" >/dev/null 2>&1; }

start_node() {
  local port=$1 home="$CLUSTER/solr-$1"
  if node_up "$port"; then say "solr node $port: running"; return; fi
  say "solr node $port: starting (heap $CLOUD_HEAP)"
  mkdir -p "$home"
  cp "$SOLR_DIR/cloud/solr.xml" "$home/solr.xml"
  # A 10s ZooKeeper session: a dead node's shards get a new leader within
  # seconds (ckanext.catalogue.solr_retry rides the election out).
  nohup java -Xms256m -Xmx"$CLOUD_HEAP" -DzkHost="127.0.0.1:$ZK_PORT" -DhostPort="$port" -Dhost=127.0.0.1 \
    -DzkClientTimeout=10000 \
    -Dsolr.log.dir="$CLUSTER" -Dcatalogue.solr.log="$CLUSTER/solr-$port.log" \
    -Dlog4j.configurationFile="$SOLR_DIR/log4j2.xml" -Dsolr.disableConfigSetsCreateAuthChecks=true \
    -cp "$JAVA_CP" org.ckan.catalogue.solr.CatalogueSolr "$home" "$port" 127.0.0.1 \
    >"$CLUSTER/solr-$port.out" 2>&1 &
  echo $! >"$CLUSTER/solr-$port.pid"
}

wait_node() {
  local port=$1
  for _ in $(seq 1 180); do
    node_up "$port" && return
    kill -0 "$(cat "$CLUSTER/solr-$port.pid")" 2>/dev/null || die "solr node $port exited; see $CLUSTER/solr-$port.out"
    sleep 0.5
  done
  die "solr node $port did not answer within 90s; see $CLUSTER/solr-$port.log"
}

# The configset (CKAN's schema with the catalogue's fields) into ZooKeeper;
# collections that use it reload when it changed.
upload_configset() {
  local dir="$CLUSTER/configset" zip="$CLUSTER/configset.zip" before
  before=$( { cat "$dir"/* 2>/dev/null || true; } | md5sum)
  rm -rf "$dir" && "$VENV/bin/python" "$SOLR_DIR/make_home.py" --configset "$dir"
  (cd "$dir" && rm -f "$zip" && "$VENV/bin/python" -m zipfile -c "$zip" ./*)
  local known; known=$(solr_api "admin/configs?action=LIST&wt=json" | grep -c "\"$CONFIGSET\"" || true)
  if [ "$known" != 0 ] && [ "$before" = "$( { cat "$dir"/* 2>/dev/null || true; } | md5sum)" ]; then return; fi
  say "solrcloud: uploading configset $CONFIGSET"
  curl -sf --max-time 60 -X POST -H 'Content-Type: application/octet-stream' --data-binary @"$zip" \
    "http://127.0.0.1:$(first_node)/solr/admin/configs?action=UPLOAD&name=$CONFIGSET&overwrite=true&cleanup=true" \
    >/dev/null || die "uploading the configset failed; see $CLUSTER/solr-$(first_node).log"
  if [ "$known" != 0 ]; then
    local c; for c in $COLLECTIONS; do
      solr_api "admin/collections?action=RELOAD&name=$c&wt=json" >/dev/null || true
    done
  fi
}

create_collections() {
  local c listed; listed=$(solr_api "admin/collections?action=LIST&wt=json")
  for c in $COLLECTIONS; do
    if grep -q "\"$c\"" <<<"$listed"; then continue; fi
    say "solrcloud: creating collection $c (2 shards x 2 replicas)"
    solr_api "admin/collections?action=CREATE&name=$c&numShards=2&replicationFactor=2&collection.configName=$CONFIGSET&waitForFinalState=true&wt=json" \
      >/dev/null || die "creating collection $c failed; see $CLUSTER/solr-$(first_node).log"
  done
}

# Every replica of every collection active.
cloud_healthy() {
  solr_api "admin/collections?action=CLUSTERSTATUS&wt=json" | "$VENV/bin/python" -c '
import json, sys
state = json.load(sys.stdin)["cluster"]["collections"]
wanted = sys.argv[1].split()
ok = all(c in state and all(r["state"] == "active" for s in state[c]["shards"].values() for r in s["replicas"].values())
         for c in wanted)
sys.exit(0 if ok else 1)' "$COLLECTIONS"
}

wait_healthy() {
  for _ in $(seq 1 240); do cloud_healthy 2>/dev/null && return; sleep 0.5; done
  die "solrcloud: replicas not active within 120s; see $CLUSTER/solr-*.log"
}

start_solrcloud() {
  "$ROOT/stack/bin/services.sh" solr-home >/dev/null  # builds the launcher when its sources changed
  start_zk
  local port
  for port in $SOLR_NODES; do start_node "$port"; done
  for port in $SOLR_NODES; do wait_node "$port"; done
  upload_configset
  create_collections
  wait_healthy
  say "solrcloud: collections $COLLECTIONS on nodes $SOLR_NODES, all replicas active"
}

stop_solrcloud() {
  local port
  for port in $SOLR_NODES; do stop_pid "solr node $port" "$CLUSTER/solr-$port.pid"; done
  stop_pid zookeeper "$CLUSTER/zk.pid"
}

# --- PostgreSQL: a hot standby of the main cluster, streaming from it ---

replica_state() { pg_lsclusters -h 2>/dev/null | awk -v v="$PG_VERSION" -v c="$REPLICA" '$1==v && $2==c {print $4}'; }

start_replica() {
  if [ -z "$(replica_state)" ]; then
    say "postgresql replica: pg_basebackup of $PG_VERSION/$PG_CLUSTER into $PG_VERSION/$REPLICA (port $REPLICA_PORT)"
    pg_createcluster "$PG_VERSION" "$REPLICA" -p "$REPLICA_PORT" >/dev/null
    local data="/var/lib/postgresql/$PG_VERSION/$REPLICA"
    rm -rf "${data:?}"/*
    # -R writes standby.signal and primary_conninfo; the slot keeps the WAL
    # the replica has not received yet while it is stopped.
    as_postgres psql -qtAX -c "SELECT pg_drop_replication_slot('catalogue_replica') FROM pg_replication_slots WHERE slot_name = 'catalogue_replica'" >/dev/null
    as_postgres pg_basebackup -p 5432 -D "$data" -R -X stream -C -S catalogue_replica >/dev/null \
      || die "pg_basebackup failed"
  fi
  if [ "$(replica_state)" = online ] || [ "$(replica_state)" = "online,recovery" ]; then
    say "postgresql replica: running on port $REPLICA_PORT"; return
  fi
  say "postgresql replica: starting on port $REPLICA_PORT"
  pg_ctlcluster "$PG_VERSION" "$REPLICA" start 2>&1 | grep -v systemd || true
  for _ in $(seq 1 60); do
    [ "$(as_postgres psql -p "$REPLICA_PORT" -qtAX -c 'SELECT pg_is_in_recovery()' 2>/dev/null)" = t ] && return
    sleep 0.5
  done
  die "the replica did not start; see /var/log/postgresql/postgresql-$PG_VERSION-$REPLICA.log"
}

stop_replica() {
  [ -n "$(replica_state)" ] || return 0
  [ "$(replica_state)" = down ] && return 0
  say "postgresql replica: stopping"
  pg_ctlcluster "$PG_VERSION" "$REPLICA" stop -m fast 2>&1 | grep -v systemd || true
}

# --- CKAN: web processes and job workers, all state in Redis and PostgreSQL ---

alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

start_app() {
  local ini=$1 n
  [ -f "$ini" ] || die "no such ini: $ini"
  ini=$(cd "$(dirname "$ini")" && pwd)/$(basename "$ini")
  if alive "$CLUSTER/web.pid"; then
    say "web: running on http://127.0.0.1:$WEB_PORT"
  else
    say "web: gunicorn, $WEB_WORKERS worker processes on http://127.0.0.1:$WEB_PORT (log in $CLUSTER/web.log)"
    # The access log names the process that answered (%(p)s).
    CKAN_INI="$ini" nohup "$VENV/bin/gunicorn" --workers "$WEB_WORKERS" --bind "127.0.0.1:$WEB_PORT" \
      --chdir "$ROOT/stack" --timeout 120 --access-logfile "$CLUSTER/web-access.log" \
      --access-logformat '%(p)s %(s)s %(m)s %(U)s' ckan_wsgi:application >"$CLUSTER/web.log" 2>&1 &
    echo $! >"$CLUSTER/web.pid"
  fi
  for n in $(seq 1 "$JOB_WORKERS"); do
    if alive "$CLUSTER/jobs-$n.pid"; then say "job worker $n: running"; continue; fi
    say "job worker $n: starting (log in $CLUSTER/jobs-$n.log)"
    nohup "$VENV/bin/ckan" -c "$ini" jobs worker >"$CLUSTER/jobs-$n.log" 2>&1 &
    echo $! >"$CLUSTER/jobs-$n.pid"
  done
  for _ in $(seq 1 240); do
    curl -sf --max-time 5 "http://127.0.0.1:$WEB_PORT/api/3/action/status_show" >/dev/null 2>&1 && return
    alive "$CLUSTER/web.pid" || die "gunicorn exited; see $CLUSTER/web.log"
    sleep 0.5
  done
  die "the web processes did not answer within 120s; see $CLUSTER/web.log"
}

stop_app() {
  local n
  stop_pid web "$CLUSTER/web.pid"
  for n in $(seq 1 "$JOB_WORKERS"); do stop_pid "job worker $n" "$CLUSTER/jobs-$n.pid"; done
}

case "${1:-}" in
  start) start_solrcloud; start_replica ;;
  stop) stop_app; stop_solrcloud; stop_replica ;;
  start-app) start_app "${2:?usage: cluster.sh start-app INI}" ;;
  stop-app) stop_app ;;
  # The Solr part alone (the fault tests stop and restart it).
  start-solr) start_solrcloud ;;
  stop-solr) stop_solrcloud ;;
  start-replica) start_replica ;;
  stop-replica) stop_replica ;;
  # One node, for the fault tests.
  kill-node) kill -9 "$(cat "$CLUSTER/solr-${2:?port}.pid")" && rm -f "$CLUSTER/solr-$2.pid" ;;
  start-node) start_node "${2:?port}"; wait_node "$2"; wait_healthy ;;
  status)
    zk_up && echo "zookeeper: up" || echo "zookeeper: down"
    for port in $SOLR_NODES; do node_up "$port" && echo "solr node $port: up" || echo "solr node $port: down"; done
    cloud_healthy 2>/dev/null && echo "solrcloud: all replicas active" || echo "solrcloud: not all replicas active"
    echo "postgresql replica: $(replica_state || echo absent)"
    alive "$CLUSTER/web.pid" && echo "web: up on port $WEB_PORT" || echo "web: down"
    for n in $(seq 1 "$JOB_WORKERS"); do alive "$CLUSTER/jobs-$n.pid" && echo "job worker $n: up" || echo "job worker $n: down"; done ;;
  *) die "usage: cluster.sh start|stop|status|start-app INI|stop-app|start-solr|stop-solr|kill-node PORT|start-node PORT|start-replica|stop-replica" ;;
esac
