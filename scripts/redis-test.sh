#!/usr/bin/env bash
# Throwaway Redis for the replica tests (issue 11).
#
#   scripts/redis-test.sh start   # install (Debian package) if needed, start on 127.0.0.1:63790; idempotent
#   scripts/redis-test.sh stop
#   scripts/redis-test.sh status  # exit 0 when running: callers stop only a server they started
#   scripts/redis-test.sh url     # prints the REDIS_URL
#
# Loopback only, no persistence: never use it for real data.
set -euo pipefail

DIR=/tmp/atende-redis
PORT=63790
HOST=127.0.0.1
URL="redis://$HOST:$PORT/0"

install_redis() {
    echo "redis-test: installing redis-server from Debian packages" >&2
    export DEBIAN_FRONTEND=noninteractive
    if ! apt-get install -y redis-server >/dev/null 2>&1; then
        apt-get update >/dev/null
        apt-get install -y redis-server >/dev/null
    fi
}

is_running() {
    redis-cli -h "$HOST" -p "$PORT" ping 2>/dev/null | grep -q PONG
}

start() {
    command -v redis-server >/dev/null 2>&1 || install_redis
    mkdir -p "$DIR"
    chmod 700 "$DIR"
    if ! is_running; then
        redis-server --bind "$HOST" --port "$PORT" --protected-mode yes --save "" --appendonly no \
            --dir "$DIR" --pidfile "$DIR/redis.pid" --logfile "$DIR/redis.log" --daemonize yes
        for _ in $(seq 1 50); do is_running && break; sleep 0.1; done
    fi
    is_running || { echo "redis-test: did not start; see $DIR/redis.log" >&2; exit 1; }
    echo "redis-test: running on $HOST:$PORT" >&2
}

stop() {
    if is_running; then
        redis-cli -h "$HOST" -p "$PORT" shutdown nosave >/dev/null 2>&1 || true
        echo "redis-test: stopped" >&2
    else
        echo "redis-test: not running" >&2
    fi
}

status() {
    command -v redis-cli >/dev/null 2>&1 && is_running
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
