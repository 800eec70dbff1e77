#!/usr/bin/env bash
# A throwaway PostgreSQL for the storage tests (tests/test_store_storage.py runs against it when
# CHATBOT_TEST_POSTGRES_URL is set). A private cluster in a temp folder on its own port, not the
# system's service, so it needs no config changes and leaves nothing behind. From .ci/run:
#
#   eval "$(bash scripts/ci_postgres.sh start)"     # installs postgresql if missing; prints the export line
#   trap 'bash scripts/ci_postgres.sh stop' EXIT
#
# Everything but the export line goes to stderr, so the eval sees only that line.
set -euo pipefail
DIR=${CHATBOT_PG_DIR:-/tmp/finaid-ci-postgres}
PORT=${CHATBOT_PG_PORT:-55432}
DB=finaid_test
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"

pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }
# initdb refuses to run as root: as root, run the server as Debian's postgres user.
as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

stop() {
    local bin; bin=$(pg_bin)
    if [ -n "$bin" ] && [ -f "$DIR/data/postmaster.pid" ]; then
        as_pg "$bin/pg_ctl" -D "$DIR/data" -m fast -w stop >&2 || true
    fi
    rm -rf "$DIR"
}

start() {
    if [ -z "$(pg_bin)" ]; then
        $SUDO apt-get update -qq >&2
        $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
    fi
    local bin; bin=$(pg_bin)
    stop
    mkdir -p "$DIR"
    [ "$(id -u)" -ne 0 ] || chown postgres: "$DIR"
    as_pg "$bin/initdb" -D "$DIR/data" -U postgres --auth=trust -E UTF8 --no-sync >/dev/null
    # fsync off: a test database is thrown away, and it makes the suite's many commits fast.
    as_pg "$bin/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w \
        -o "-p $PORT -k $DIR -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >&2
    as_pg "$bin/createdb" -h 127.0.0.1 -p "$PORT" -U postgres "$DB"
    echo "export CHATBOT_TEST_POSTGRES_URL=postgresql+psycopg://postgres@127.0.0.1:$PORT/$DB"
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
