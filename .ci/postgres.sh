#!/usr/bin/env bash
# Starts a throwaway PostgreSQL server for the tests and prints the
# CRMBOT_TEST_POSTGRES URL of it. Usage: .ci/postgres.sh start|stop [DIR]
# It installs PostgreSQL from Debian's packages when the machine has none.
set -euo pipefail
cmd=${1:-start}
dir=${2:-/tmp/crmbot-pg}
port=${PGPORT_TEST:-54329}

find_bin() {
  for d in /usr/local/bin /usr/lib/postgresql/*/bin; do
    [ -x "$d/initdb" ] && { echo "$d"; return; }
  done
}

bin=$(find_bin || true)
if [ -z "$bin" ]; then
  echo "PostgreSQL is not installed: installing it" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2 && apt-get install -y -qq postgresql >&2
  bin=$(find_bin)
fi

as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "$cmd" in
start)
  if [ "$(id -u)" = 0 ] && ! id postgres >/dev/null 2>&1; then
    useradd --system --home-dir "$dir" postgres
  fi
  if [ -f "$dir/data/postmaster.pid" ]; then
    as_pg "$bin/pg_ctl" -D "$dir/data" stop -m fast >&2 || true
  fi
  rm -rf "$dir"
  mkdir -p "$dir"
  [ "$(id -u)" = 0 ] && chown postgres "$dir"
  as_pg "$bin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null 2>&1 \
    || as_pg "$bin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 >/dev/null
  as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" start >&2
  echo "postgres://postgres@127.0.0.1:$port/postgres?sslmode=disable"
  ;;
stop)
  as_pg "$bin/pg_ctl" -D "$dir/data" stop -m fast >&2 || true
  rm -rf "$dir"
  ;;
esac
