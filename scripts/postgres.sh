#!/usr/bin/env bash
# A private PostgreSQL on loopback for local clusters and benchmarks (scripts/local-cluster.sh, loadtest/run.sh cluster).
#
#   scripts/postgres.sh start DIR PORT LOG   # initdb into DIR if it is empty, start (fsync on), create the database
#                                            # orleanschat; prints the connection string
#   scripts/postgres.sh stop DIR             # fast shutdown
#
# As root, the server runs as the postgres user (PostgreSQL refuses root), so DIR's parent must let it in.
set -euo pipefail

as_postgres() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -n "$pg_bin" ] || { echo "PostgreSQL is not installed (apt-get install postgresql)." >&2; exit 1; }

case "${1:-}" in
  start)
    dir=$2 port=$3 log=$4
    if [ ! -f "$dir/PG_VERSION" ]; then
      mkdir -p "$dir"
      [ "$(id -u)" -ne 0 ] || chown postgres "$dir"
      as_postgres "$pg_bin/initdb" -D "$dir" -U postgres --auth=trust -E UTF8 >/dev/null
    fi
    touch "$log"
    [ "$(id -u)" -ne 0 ] || chown postgres "$log"
    # fsync and synchronous_commit are PostgreSQL's defaults; named so that no one benchmarks without them unawares.
    # max_connections: three processes with Npgsql's default pool of 100 each would pass the default of 100 under load.
    as_postgres "$pg_bin/pg_ctl" -D "$dir" -l "$log" -w \
      -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=on -c synchronous_commit=on -c max_connections=300" start >/dev/null
    as_postgres "$pg_bin/psql" -h 127.0.0.1 -p "$port" -U postgres -tc "SELECT 1 FROM pg_database WHERE datname='orleanschat'" | grep -q 1 \
      || as_postgres "$pg_bin/psql" -h 127.0.0.1 -p "$port" -U postgres -c "CREATE DATABASE orleanschat" >/dev/null
    echo "Host=127.0.0.1;Port=$port;Username=postgres;Database=orleanschat"
    ;;
  stop)
    as_postgres "$pg_bin/pg_ctl" -D "$2" -m fast -w stop >/dev/null
    ;;
  *)
    echo "usage: scripts/postgres.sh start DIR PORT LOG | stop DIR" >&2
    exit 64
    ;;
esac
