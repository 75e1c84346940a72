#!/usr/bin/env bash
# PgBouncer in transaction pooling mode in front of the local PostgreSQL (README, "Read replica,
# PgBouncer and the sharding path"). Point DATABASE_URL at it and set DATABASE_POOLER=pgbouncer:
#
#   scripts/pgbouncer.sh           start it (idempotent) on 127.0.0.1:6432
#   scripts/pgbouncer.sh status    its pools (SHOW POOLS on the admin console)
#   scripts/pgbouncer.sh stop
#
#   DATABASE_URL=postgres://postgres@127.0.0.1:6432/ce DATABASE_POOLER=pgbouncer make run
#
# Every database of the server is reachable through it under its own name. Run as root (it
# then runs as the postgres user; PgBouncer refuses root) or as any other user.
set -euo pipefail

PGBOUNCER=${PGBOUNCER:-/usr/sbin/pgbouncer}
PG_HOST=${PG_HOST:-127.0.0.1}
PG_PORT=${PG_PORT:-5432}
POOL_PORT=${POOL_PORT:-6432}
# Server connections per database and user: a few per core of the database server is enough
# for short transactions; clients beyond them wait in PgBouncer instead of in PostgreSQL.
POOL_SIZE=${POOL_SIZE:-20}
MAX_CLIENTS=${MAX_CLIENTS:-2000}
DIR=${PGBOUNCER_DIR:-/tmp/ce-pgbouncer-$POOL_PORT}

run() {
  if [ "$(id -u)" = "0" ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
admin() { psql -h 127.0.0.1 -p "$POOL_PORT" -U postgres -d pgbouncer -XAtqc "$1"; }
running() { [ -f "$DIR/pgbouncer.pid" ] && kill -0 "$(cat "$DIR/pgbouncer.pid")" 2>/dev/null; }

start() {
  if running; then
    echo "pgbouncer already running on 127.0.0.1:$POOL_PORT"
    return
  fi
  mkdir -p "$DIR"
  cat >"$DIR/pgbouncer.ini" <<EOF
; scripts/pgbouncer.sh
[databases]
* = host=$PG_HOST port=$PG_PORT

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $POOL_PORT
unix_socket_dir =
auth_type = trust
auth_file = $DIR/userlist.txt
admin_users = postgres
pool_mode = transaction
default_pool_size = $POOL_SIZE
max_client_conn = $MAX_CLIENTS
; Django sends none of these, other clients may (psycopg2, JDBC)
ignore_startup_parameters = extra_float_digits,options
logfile = $DIR/pgbouncer.log
pidfile = $DIR/pgbouncer.pid
EOF
  echo '"postgres" ""' >"$DIR/userlist.txt"
  [ "$(id -u)" = "0" ] && chown -R postgres:postgres "$DIR"
  run "$PGBOUNCER" -d "$DIR/pgbouncer.ini"
  for _ in $(seq 50); do
    admin "SHOW VERSION" >/dev/null 2>&1 && break
    sleep 0.1
  done
  echo "pgbouncer (transaction pooling, $POOL_SIZE server connections per database) on 127.0.0.1:$POOL_PORT"
}

stop() {
  if running; then
    kill "$(cat "$DIR/pgbouncer.pid")"
    for _ in $(seq 50); do
      running || break
      sleep 0.1
    done
    echo "pgbouncer stopped"
  fi
}

case "${1:-start}" in
start) start ;;
stop) stop ;;
status)
  if running; then admin "SHOW POOLS"; else
    echo "not running"
    exit 1
  fi
  ;;
*)
  echo "usage: $0 [start|status|stop]" >&2
  exit 2
  ;;
esac
