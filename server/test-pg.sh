#!/usr/bin/env bash
# Throwaway PostgreSQL cluster on loopback for the server tests and benchmark.
#   server/test-pg.sh start   -> prints DATABASE_URL=... (eval-able with `export`)
#   server/test-pg.sh stop
# Debian's postgresql 15 binaries; the cluster lives in a temp dir and uses trust auth on
# 127.0.0.1 only. PostgreSQL refuses to run as root, so as root it runs as `postgres`.
set -euo pipefail

PG_BIN=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}
PG_PORT=${PG_PORT:-54329}
PG_DIR=${PG_DIR:-${TMPDIR:-/tmp}/qm9-test-pg-$PG_PORT}
PG_DB=${PG_DB:-qm9_test}

if [ -z "$PG_BIN" ] || [ ! -x "$PG_BIN/postgres" ]; then
  echo "test-pg.sh: no PostgreSQL binaries found (apt-get install postgresql)" >&2
  exit 1
fi

as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

start() {
  if [ -f "$PG_DIR/data/postmaster.pid" ] && as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" status >/dev/null 2>&1; then
    echo "DATABASE_URL=postgres://postgres@127.0.0.1:$PG_PORT/$PG_DB"
    return
  fi
  rm -rf "$PG_DIR"
  mkdir -p "$PG_DIR"
  if [ "$(id -u)" = 0 ]; then chown postgres "$PG_DIR"; fi
  as_pg "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres -A trust --no-sync >/dev/null
  as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w \
    -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $PG_DIR -c max_connections=50" start >/dev/null
  as_pg "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres "$PG_DB"
  echo "DATABASE_URL=postgres://postgres@127.0.0.1:$PG_PORT/$PG_DB"
}

stop() {
  if [ -d "$PG_DIR/data" ]; then
    as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$PG_DIR"
  fi
}

case "${1:-start}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
