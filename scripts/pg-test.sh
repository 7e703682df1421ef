#!/usr/bin/env bash
# Throwaway PostgreSQL for the data-layer tests.
#
#   scripts/pg-test.sh start   # install (Debian package) if needed, init, start; idempotent
#   scripts/pg-test.sh stop
#   scripts/pg-test.sh status  # exit 0 when running: callers stop only a server they started
#   scripts/pg-test.sh url     # prints the SQLAlchemy URL for ATENDE_TEST_POSTGRES_URL
#
# The cluster lives in /tmp/atende-pg, owned by the postgres user, listens only on
# 127.0.0.1:54329 and trusts loopback connections: never use it for real data.
set -euo pipefail

PGROOT=/tmp/atende-pg
PGDATA="$PGROOT/data"
PGLOG="$PGROOT/server.log"
PORT=54329
HOST=127.0.0.1
DBNAME=atende_test
URL="postgresql+psycopg2://postgres@$HOST:$PORT/$DBNAME"

find_bindir() {
    local dir
    dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
    if [[ -n "$dir" && -x "$dir/initdb" ]]; then
        echo "$dir"
        return 0
    fi
    if command -v initdb >/dev/null 2>&1; then
        dirname "$(readlink -f "$(command -v initdb)")"
        return 0
    fi
    return 1
}

install_postgres() {
    echo "pg-test: installing PostgreSQL from Debian packages" >&2
    export DEBIAN_FRONTEND=noninteractive
    if ! apt-get install -y postgresql >/dev/null 2>&1; then
        apt-get update >/dev/null
        apt-get install -y postgresql >/dev/null
    fi
}

as_postgres() {
    if [[ "$(id -un)" == postgres ]]; then
        "$@"
    else
        runuser -u postgres -- "$@"
    fi
}

is_running() {
    [[ -f "$PGDATA/PG_VERSION" ]] && as_postgres "$BINDIR/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1
}

start() {
    BINDIR=$(find_bindir || true)
    if [[ -z "$BINDIR" ]]; then
        install_postgres
        BINDIR=$(find_bindir)
    fi
    mkdir -p "$PGROOT"
    chown postgres: "$PGROOT"
    chmod 700 "$PGROOT"
    if [[ ! -f "$PGDATA/PG_VERSION" ]]; then
        as_postgres "$BINDIR/initdb" -D "$PGDATA" -U postgres --auth=trust --encoding=UTF8 \
            --locale=C.UTF-8 >/dev/null 2>&1 \
            || as_postgres "$BINDIR/initdb" -D "$PGDATA" -U postgres --auth=trust --encoding=UTF8 \
                --locale=C >/dev/null
        # Only loopback, trusted: the server is for tests and never listens elsewhere.
        cat >"$PGDATA/pg_hba.conf" <<HBA
local   all all              trust
host    all all 127.0.0.1/32 trust
HBA
        chown postgres: "$PGDATA/pg_hba.conf"
    fi
    if ! is_running; then
        as_postgres "$BINDIR/pg_ctl" -D "$PGDATA" -l "$PGLOG" -w -t 60 \
            -o "-c listen_addresses=$HOST -p $PORT -k $PGROOT -c fsync=off -c synchronous_commit=off" \
            start >/dev/null
    fi
    if ! as_postgres "$BINDIR/psql" -h "$HOST" -p "$PORT" -U postgres -d postgres -tAc \
        "SELECT 1 FROM pg_database WHERE datname = '$DBNAME'" | grep -q 1; then
        as_postgres "$BINDIR/createdb" -h "$HOST" -p "$PORT" -U postgres "$DBNAME"
    fi
    echo "pg-test: running on $HOST:$PORT (database $DBNAME)" >&2
}

stop() {
    BINDIR=$(find_bindir || true)
    if [[ -n "$BINDIR" ]] && is_running; then
        as_postgres "$BINDIR/pg_ctl" -D "$PGDATA" -m fast -w stop >/dev/null
        echo "pg-test: stopped" >&2
    else
        echo "pg-test: not running" >&2
    fi
}

status() {
    BINDIR=$(find_bindir || true)
    [[ -n "$BINDIR" ]] && is_running
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    status) status ;;
    url) echo "$URL" ;;
    *)
        echo "usage: $0 start|stop|status|url" >&2
        exit 2
        ;;
esac
