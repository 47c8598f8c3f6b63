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
  if [ -n "${pg_dir:-}" ]; then scripts/postgres.sh stop "$pg_dir" 2>/dev/null || true; fi
}
trap cleanup EXIT INT TERM

connection="${ORLEANSCHAT_POSTGRES:-}"
if [ -z "$connection" ]; then
  pg_dir="$state/pg"
  connection=$(scripts/postgres.sh start "$pg_dir" 55432 "$state/postgres.log")
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
