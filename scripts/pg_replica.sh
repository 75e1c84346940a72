#!/usr/bin/env bash
# A real PostgreSQL streaming replica of the local cluster, on this machine (README, "Read
# replica, PgBouncer and the sharding path"): a second cluster on port 5433, copied with
# `pg_basebackup -R` from the primary at 127.0.0.1:5432 and streaming from it.
#
#   scripts/pg_replica.sh          set it up if needed and start it (idempotent); waits until it
#                                  streams and has caught up, then prints DATABASE_REPLICA_URL
#   scripts/pg_replica.sh status   streaming or not, and how far behind the primary
#   scripts/pg_replica.sh stop     stop it, delete its data directory, remove the pg_hba line
#
# Run as root (as CI does); the replica runs as the postgres user. The primary is never
# restarted: the only change to it is one `host replication` line in its pg_hba.conf (added
# once, checked by PostgreSQL before the reload, taken back on error) and a configuration
# reload. No replication slot is kept, so a stopped or broken replica never makes the primary
# hold WAL; a replica that fell too far behind is made again with `stop` then a start.
set -euo pipefail

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
PRIMARY_HOST=${PRIMARY_HOST:-127.0.0.1}
PRIMARY_PORT=${PRIMARY_PORT:-5432}
REPLICA_PORT=${REPLICA_PORT:-5433}
REPLICA_DIR=${REPLICA_DIR:-/var/lib/postgresql/ce-replica}
REPLICA_LOG=${REPLICA_LOG:-/var/lib/postgresql/ce-replica.log}
HBA_MARK="# ce-replica: streaming replication to scripts/pg_replica.sh's cluster"
HBA_LINE="host replication postgres 127.0.0.1/32 trust"

as_postgres() { runuser -u postgres -- "$@"; }
primary() { psql -h "$PRIMARY_HOST" -p "$PRIMARY_PORT" -U postgres -d postgres -XAtqc "$1"; }
replica() { psql -h 127.0.0.1 -p "$REPLICA_PORT" -U postgres -d postgres -XAtqc "$1"; }
running() { [ -f "$REPLICA_DIR/PG_VERSION" ] && as_postgres "$PG_BIN/pg_ctl" -D "$REPLICA_DIR" status >/dev/null 2>&1; }

# Reload the primary's configuration only if PostgreSQL reads the pg_hba.conf it would load
# without an error; otherwise put the previous file back.
reload_hba() {
  local hba=$1 backup=$2
  if [ "$(primary "SELECT count(*) FROM pg_hba_file_rules WHERE error IS NOT NULL")" != "0" ]; then
    cp -p "$backup" "$hba"
    echo "pg_hba.conf would not load; left as it was" >&2
    exit 1
  fi
  primary "SELECT pg_reload_conf()" >/dev/null
}

allow_replication() {
  local hba
  hba=$(primary "SHOW hba_file")
  if grep -qxF "$HBA_LINE" "$hba"; then
    return
  fi
  cp -p "$hba" "$hba.before-ce-replica"
  printf '%s\n%s\n' "$HBA_MARK" "$HBA_LINE" >>"$hba"
  reload_hba "$hba" "$hba.before-ce-replica"
  echo "pg_hba.conf: replication from 127.0.0.1 allowed, configuration reloaded"
}

forbid_replication() {
  local hba
  hba=$(primary "SHOW hba_file")
  if ! grep -qxF "$HBA_LINE" "$hba"; then
    return
  fi
  cp -p "$hba" "$hba.before-ce-replica"
  grep -vxF -e "$HBA_MARK" -e "$HBA_LINE" "$hba.before-ce-replica" >"$hba" || true
  reload_hba "$hba" "$hba.before-ce-replica"
  echo "pg_hba.conf: replication line removed, configuration reloaded"
}

# A standby needs at least the primary's values of these, or it refuses to start.
copied_settings() {
  primary "SELECT name || ' = ' || setting FROM pg_settings WHERE name IN ('max_connections',
    'max_worker_processes', 'max_wal_senders', 'max_prepared_transactions',
    'max_locks_per_transaction') ORDER BY name"
}

make_replica() {
  [ -f "$REPLICA_DIR/standby.signal" ] && return
  rm -rf "$REPLICA_DIR" "$REPLICA_DIR.partial" # what an interrupted copy left
  echo "pg_basebackup from $PRIMARY_HOST:$PRIMARY_PORT into $REPLICA_DIR …"
  # -R writes standby.signal and primary_conninfo; -X stream copies the WAL of the copy itself.
  as_postgres "$PG_BIN/pg_basebackup" -h "$PRIMARY_HOST" -p "$PRIMARY_PORT" -U postgres \
    -D "$REPLICA_DIR.partial" -R -X stream -c fast 2>&1 || {
    rm -rf "$REPLICA_DIR.partial"
    exit 1
  }
  mv "$REPLICA_DIR.partial" "$REPLICA_DIR"
  # Debian keeps the primary's configuration in /etc, so the copy has none of its own.
  {
    echo "# scripts/pg_replica.sh: a hot standby of $PRIMARY_HOST:$PRIMARY_PORT"
    echo "port = $REPLICA_PORT"
    echo "listen_addresses = '127.0.0.1'"
    echo "unix_socket_directories = '/var/run/postgresql'"
    echo "cluster_name = 'ce-replica'"
    echo "hot_standby = on"
    # Long export queries are not cancelled by the primary's vacuum of rows they still read.
    echo "hot_standby_feedback = on"
    echo "shared_buffers = 64MB"
    copied_settings
  } >"$REPLICA_DIR/postgresql.conf"
  printf 'local all all trust\nhost all all 127.0.0.1/32 trust\n' >"$REPLICA_DIR/pg_hba.conf"
  : >"$REPLICA_DIR/pg_ident.conf"
  chown postgres:postgres "$REPLICA_DIR"/{postgresql.conf,pg_hba.conf,pg_ident.conf}
}

wait_caught_up() {
  local target
  for _ in $(seq 120); do
    if [ "$(replica "SELECT count(*) FROM pg_stat_wal_receiver WHERE status = 'streaming'" 2>/dev/null)" = "1" ]; then
      target=$(primary "SELECT pg_current_wal_lsn()")
      if [ "$(replica "SELECT pg_last_wal_replay_lsn() >= '$target'::pg_lsn")" = "t" ]; then
        return
      fi
    fi
    sleep 1
  done
  echo "the replica does not stream or catch up; see $REPLICA_LOG" >&2
  exit 1
}

start() {
  allow_replication
  make_replica
  if ! running; then
    touch "$REPLICA_LOG" && chown postgres:postgres "$REPLICA_LOG"
    as_postgres "$PG_BIN/pg_ctl" -D "$REPLICA_DIR" -l "$REPLICA_LOG" -w -t 120 start >/dev/null
  fi
  # A test that failed between pg_wal_replay_pause() and its resume leaves replay paused.
  if [ "$(replica "SELECT pg_get_wal_replay_pause_state()")" != "not paused" ]; then
    replica "SELECT pg_wal_replay_resume()" >/dev/null
  fi
  wait_caught_up
  echo "replica streaming on 127.0.0.1:$REPLICA_PORT, caught up"
  echo "export DATABASE_REPLICA_URL=postgres://postgres@127.0.0.1:$REPLICA_PORT/<the DATABASE_URL database>"
}

status() {
  if ! running; then
    echo "not running"
    return 1
  fi
  replica "SELECT 'receiver ' || status || ', replay ' || pg_get_wal_replay_pause_state()
    || ', replayed up to ' || pg_last_wal_replay_lsn() FROM pg_stat_wal_receiver"
  primary "SELECT 'primary at ' || pg_current_wal_lsn() || ', replica behind by '
    || pg_size_pretty(pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)) FROM pg_stat_replication
    WHERE application_name = 'ce-replica'"
}

stop() {
  if running; then
    as_postgres "$PG_BIN/pg_ctl" -D "$REPLICA_DIR" -m fast -w stop >/dev/null
    echo "replica stopped"
  fi
  rm -rf "$REPLICA_DIR" "$REPLICA_DIR.partial"
  forbid_replication
}

if [ "$(id -u)" != "0" ]; then
  echo "run as root (the replica's cluster runs as the postgres user)" >&2
  exit 1
fi
case "${1:-start}" in
start) start ;;
status) status ;;
stop) stop ;;
*)
  echo "usage: $0 [start|status|stop]" >&2
  exit 2
  ;;
esac
