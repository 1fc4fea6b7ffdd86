#!/usr/bin/env bash
# Starts (or stops) a throwaway PostgreSQL server for the API tests: a non-root user, loopback
# only, a free port, a data directory under /tmp, password authentication (scram-sha-256, so a
# wrong password really fails with 28P01) and a random superuser password.
#
#   eval "$(bash scripts/postgres.sh start)"   # exports DROP_TEST_PG_URL and DROP_TEST_PG_DIR
#   bash scripts/postgres.sh stop "$DROP_TEST_PG_DIR"
#
# Used by .ci/run and by hand, so tests see the same server in both.
set -euo pipefail

PG_USER=${DROP_PG_OS_USER:-droppg}
BIN=${PG_BIN:-$(dirname "$(command -v initdb || echo /usr/local/bin/initdb)")}

as_pg() {
  if [ "$(id -u)" = 0 ]; then
    runuser -u "$PG_USER" -- "$@"
  else
    "$@"
  fi
}

case "${1:-}" in
  start)
    if [ "$(id -u)" = 0 ] && ! id "$PG_USER" >/dev/null 2>&1; then
      useradd --system --no-create-home --shell /usr/sbin/nologin "$PG_USER"
    fi
    dir=$(mktemp -d /tmp/drop-pg.XXXXXX)
    chmod 700 "$dir"
    [ "$(id -u)" = 0 ] && chown "$PG_USER" "$dir"
    password=$(node -e "process.stdout.write(require('node:crypto').randomBytes(18).toString('hex'))")
    port=$(node -e "const s=require('node:net').createServer();s.listen(0,'127.0.0.1',()=>{process.stdout.write(String(s.address().port));s.close()})")
    printf '%s' "$password" > "$dir/pwfile"
    [ "$(id -u)" = 0 ] && chown "$PG_USER" "$dir/pwfile"
    as_pg "$BIN/initdb" -D "$dir/data" -U postgres --pwfile="$dir/pwfile" --auth=scram-sha-256 --encoding=UTF8 --no-sync >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; exit 1; }
    rm -f "$dir/pwfile"
    as_pg "$BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
      -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" start >/dev/null \
      || { cat "$dir/server.log" >&2; exit 1; }
    echo "export DROP_TEST_PG_URL='postgres://postgres:${password}@127.0.0.1:${port}/postgres'"
    echo "export DROP_TEST_PG_DIR='$dir'"
    ;;
  stop)
    dir=${2:-${DROP_TEST_PG_DIR:-}}
    [ -n "$dir" ] && [ -d "$dir/data" ] || { echo "usage: $0 stop <dir printed by start>" >&2; exit 2; }
    as_pg "$BIN/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null || true
    rm -rf "$dir"
    ;;
  *)
    echo "usage: $0 start | stop <dir>" >&2
    exit 2
    ;;
esac
