#!/usr/bin/env bash
# `make run-region`: a demo region on this machine. A local PostgreSQL cluster and Redis (as a non-root user:
# PostgreSQL refuses root; as root they run as `postgres`), two `server.py run` processes sharing them, and
# HAProxy (deploy/haproxy.cfg) in front, with three offices. Ctrl-C (or SIGTERM) stops all of it.
#
# Settings (environment): REGION_DIR (var/region), REGION_PORT (8080, the balancer), REGION_PG_PORT (55432),
# REGION_REDIS_PORT (56379), REGION_APP_PORTS ("5001 5002"; deploy/haproxy.cfg names two), PYTHON
# (.venv/bin/python), HOST (127.0.0.1).
set -euo pipefail
cd "$(dirname "$0")/.."

DIR=${REGION_DIR:-var/region}
HOST=${HOST:-127.0.0.1}
PORT=${REGION_PORT:-8080}
PG_PORT=${REGION_PG_PORT:-55432}
REDIS_PORT=${REGION_REDIS_PORT:-56379}
read -r -a APP_PORTS <<< "${REGION_APP_PORTS:-5001 5002}"
PY=${PYTHON:-.venv/bin/python}
PG_BIN=${KEZEK_PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}
mkdir -p "$DIR"
DIR=$(cd "$DIR" && pwd)

if [ "$(id -u)" = "0" ]; then
  SERVICE_USER=postgres
  as_service() { runuser -u postgres -- "$@"; }
else
  SERVICE_USER=$(id -un)
  as_service() { "$@"; }
fi

healthy() { "$PY" -c "import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)" "$1" >/dev/null 2>&1; }

PIDS=()
stop_all() {
  trap - INT TERM EXIT
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  [ -s "$DIR/run/redis.pid" ] && as_service kill "$(cat "$DIR/run/redis.pid")" 2>/dev/null || true
  as_service "$PG_BIN/pg_ctl" -D "$DIR/pg" -m fast -w stop >/dev/null 2>&1 || true
  echo "region stopped"
}
trap stop_all INT TERM EXIT

# PostgreSQL: a cluster of its own in $DIR/pg, on 127.0.0.1 only, trusting local connections (a demo).
if [ ! -d "$DIR/pg" ]; then
  install -d -o "$SERVICE_USER" "$DIR/pg" "$DIR/run"
  as_service "$PG_BIN/initdb" -D "$DIR/pg" -U kezek --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
fi
as_service "$PG_BIN/pg_ctl" -D "$DIR/pg" -l "$DIR/run/postgresql.log" -w -t 60 \
  -o "-p $PG_PORT -c listen_addresses=127.0.0.1 -k $DIR/run" start >/dev/null
as_service "$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U kezek -d postgres -tAc \
  "SELECT 1 FROM pg_database WHERE datname = 'kezek'" | grep -q 1 \
  || as_service "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U kezek kezek
export KEZEK_DB="postgresql://kezek@127.0.0.1:$PG_PORT/kezek"

# Redis: no persistence (the database holds the truth; Redis only carries messages and marks).
as_service redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --save "" --appendonly no --daemonize yes \
  --dir "$DIR/run" --pidfile "$DIR/run/redis.pid" --logfile "$DIR/run/redis.log"
for _ in $(seq 50); do [ -s "$DIR/run/redis.pid" ] && break; sleep 0.1; done
export KEZEK_MESSAGE_QUEUE="redis://127.0.0.1:$REDIS_PORT/0"

# Every process shares the settings: one secret key, the public address (the balancer), one hop of proxy.
[ -f "$DIR/secret-key" ] || (umask 077 && "$PY" -c "import secrets; print(secrets.token_hex(32))" > "$DIR/secret-key")
export KEZEK_SECRET_KEY="$(cat "$DIR/secret-key")"
export KEZEK_PUBLIC_URL="http://$HOST:$PORT" KEZEK_PROXY_HOPS=1 KEZEK_DATA_DIR="$DIR/data"
mkdir -p "$DIR/data"

# The demo region: the demo office and two more district offices with its services, desks and hours.
"$PY" server.py demo --if-empty --credentials "$DIR/demo-credentials.txt" >/dev/null
first=$("$PY" -c "import sys; sys.path.insert(0, '.'); from kezek.base import database; from kezek.office import store
db = database.open_db('$KEZEK_DB'); print(store.offices(db)[0]['id']); db.close()")
if [ ! -f "$DIR/offices-made" ]; then
  "$PY" server.py export-office-config --office "$first" --to "$DIR/office-config.xlsx" >/dev/null
  "$PY" server.py create-office esil --name-kk "Есіл ауданы ХҚКО" --name-ru "ЦОН Есильского района" \
    --name-en "Esil District Front Office" >/dev/null
  "$PY" server.py import-office-config "$DIR/office-config.xlsx" --office esil >/dev/null
  "$PY" server.py create-office saryarka --name-kk "Сарыарқа ауданы ХҚКО" --name-ru "ЦОН района Сарыарка" \
    --name-en "Saryarka District Front Office" >/dev/null
  "$PY" server.py import-office-config "$DIR/office-config.xlsx" --office saryarka >/dev/null
  touch "$DIR/offices-made"
fi

# Two processes; the first is up before the second starts (each then does its own start-up work).
lb_env=(KEZEK_LB_BIND="$HOST:$PORT")
i=0
for app_port in "${APP_PORTS[@]}"; do
  i=$((i + 1))
  "$PY" server.py run --host 127.0.0.1 --port "$app_port" --access-log "$DIR/run/access-$i.log" \
    > "$DIR/run/server-$i.log" 2>&1 &
  PIDS+=($!)
  for _ in $(seq 300); do
    healthy "http://127.0.0.1:$app_port/api/v1/health" && break
    kill -0 "${PIDS[-1]}" 2>/dev/null || { echo "server $i did not start: $DIR/run/server-$i.log"; exit 1; }
    sleep 0.2
  done
  lb_env+=(KEZEK_APP$i="127.0.0.1:$app_port")
done

env "${lb_env[@]}" haproxy -db -f deploy/haproxy.cfg > "$DIR/run/haproxy.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 100); do healthy "http://$HOST:$PORT/api/v1/health" && break; sleep 0.1; done

"$PY" server.py addresses --base "http://$HOST:$PORT" --credentials "$DIR/demo-credentials.txt"
echo "Offices: $first, esil, saryarka (open board: http://$HOST:$PORT/board/<office>)"
echo "Region: ${#APP_PORTS[@]} processes (${APP_PORTS[*]}) behind HAProxy on $HOST:$PORT;" \
     "PostgreSQL $KEZEK_DB; Redis $KEZEK_MESSAGE_QUEUE. Ctrl-C stops it all. Logs: $DIR/run/"
wait -n "${PIDS[@]}"
