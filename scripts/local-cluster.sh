#!/usr/bin/env bash
# A local three-process cluster on PostgreSQL: two silos and one standalone gateway on loopback.
#
#   scripts/local-cluster.sh                      # starts a throwaway PostgreSQL in ./cluster-data/pg
#   ORLEANSCHAT_POSTGRES="Host=…;Username=…;Password=…;Database=…" scripts/local-cluster.sh
#
# The gateway serves http://127.0.0.1:5100 (/ws, /api/v1); the silos' dashboards are on :5001 and :5002.
# Ctrl+C stops everything. Logs are in ./cluster-data/*.log.
set -euo pipefail
cd "$(dirname "$0")/.."
state="$PWD/cluster-data"
mkdir -p "$state"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if [ -n "${pg_dir:-}" ]; then as_postgres "$pg_bin/pg_ctl" -D "$pg_dir" -m fast stop >/dev/null 2>&1 || true; fi
}
trap cleanup EXIT INT TERM

as_postgres() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

connection="${ORLEANSCHAT_POSTGRES:-}"
if [ -z "$connection" ]; then
  pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -n "$pg_bin" ] || { echo "PostgreSQL is not installed (apt-get install postgresql), or set ORLEANSCHAT_POSTGRES." >&2; exit 1; }
  pg_dir="$state/pg"
  port=55432
  if [ ! -f "$pg_dir/PG_VERSION" ]; then
    mkdir -p "$pg_dir"
    [ "$(id -u)" -ne 0 ] || chown postgres "$state" "$pg_dir"
    as_postgres "$pg_bin/initdb" -D "$pg_dir" -U postgres --auth=trust -E UTF8 >/dev/null
  fi
  as_postgres "$pg_bin/pg_ctl" -D "$pg_dir" -l "$state/postgres.log" -w \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $pg_dir" start >/dev/null
  as_postgres "$pg_bin/psql" -h 127.0.0.1 -p "$port" -U postgres -tc "SELECT 1 FROM pg_database WHERE datname='orleanschat'" | grep -q 1 \
    || as_postgres "$pg_bin/psql" -h 127.0.0.1 -p "$port" -U postgres -c "CREATE DATABASE orleanschat" >/dev/null
  connection="Host=127.0.0.1;Port=$port;Username=postgres;Database=orleanschat"
fi

key="${Auth__SigningKey:-local-cluster-signing-key-0123456789abcdef}"
common=(--ConnectionStrings:Postgres="$connection" --Auth:SigningKey="$key" --Orleans:ClusterId=local --Orleans:AdvertisedIPAddress=127.0.0.1)

dotnet build Silo -c Release -v quiet -nologo
dotnet build WebSocketFrontend -c Release -v quiet -nologo

start() { local name=$1; shift; "$@" >"$state/$name.log" 2>&1 & pids+=($!); echo "started $name (pid $!)"; }
start silo1 dotnet Silo/bin/Release/net10.0/OrleansChat.Silo.dll "${common[@]}" --Gateway:Enabled=false \
  --Orleans:SiloPort=11111 --Orleans:GatewayPort=30000 --urls=http://127.0.0.1:5001
start silo2 dotnet Silo/bin/Release/net10.0/OrleansChat.Silo.dll "${common[@]}" --Gateway:Enabled=false \
  --Orleans:SiloPort=11112 --Orleans:GatewayPort=30001 --urls=http://127.0.0.1:5002
start gateway dotnet WebSocketFrontend/bin/Release/net10.0/OrleansChat.WebSocketFrontend.dll "${common[@]}" \
  --Auth:DevTokens=true --urls=http://127.0.0.1:5100

# The gateway waits for the silos by itself (it retries until the cluster answers).
for url in http://127.0.0.1:5001 http://127.0.0.1:5002 http://127.0.0.1:5100; do
  until curl -sf "$url/health/ready" >/dev/null; do sleep 1; done
  echo "ready: $url"
done
echo "Gateway: http://127.0.0.1:5100  (ws://127.0.0.1:5100/ws). Ctrl+C stops the cluster."
wait
