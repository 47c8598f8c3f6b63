# Sourced by loadtest/run.sh: the target orleanschat-cluster, three processes on a private PostgreSQL on this machine.
# Per run: a fresh PostgreSQL (initdb into a new directory under /tmp, fsync on, loopback, port PG_PORT), two silos
# (Gateway:Enabled=false) and one standalone gateway serving $URL, all with the same signing key, as
# scripts/local-cluster.sh starts them; stop_cluster stops them and PostgreSQL and removes the directory (its log is
# kept as $OUT/server-cluster-postgres.log). Reads ROOT, BIN, OUT, KEY, URL, PORT and PORT_OFFSET (run.sh's); sets SERVER_PID (the gateway,
# whose memory LoadGen reads) and CPU_PIDS (LoadGen's --cpu: silo1, silo2, gateway and postgres, the postmaster, whose
# backends count as its descendants).

PG_PORT="${PG_PORT:-$((55490 + PORT_OFFSET))}"
CLUSTER_PIDS=()
CLUSTER_PG=""

start_cluster() {
  CLUSTER_PG="$(mktemp -d /tmp/orleanschat-bench-pg.XXXXXX)"
  chmod 755 "$CLUSTER_PG"  # the postgres user, when run.sh runs as root, must reach the data directory inside
  local connection
  connection="$("$ROOT/scripts/postgres.sh" start "$CLUSTER_PG/data" "$PG_PORT" "$CLUSTER_PG/postgres.log")" \
    || { echo "PostgreSQL did not start; see $CLUSTER_PG/postgres.log" >&2; exit 1; }
  local common=(--ConnectionStrings:Postgres="$connection" --Auth:SigningKey="$KEY" --Orleans:ClusterId=loadtest
    --Orleans:AdvertisedIPAddress=127.0.0.1 --Logging:LogLevel:Default=Warning)
  local silo="$ROOT/Silo/$BIN/OrleansChat.Silo" i
  for i in 1 2; do
    "$silo" "${common[@]}" --Gateway:Enabled=false --urls "http://127.0.0.1:$((PORT + 1 + i))" \
      --Orleans:SiloPort=$((21111 + PORT_OFFSET + i)) --Orleans:GatewayPort=$((40000 + PORT_OFFSET + i)) \
      >"$OUT/server-cluster-silo$i.log" 2>&1 &
    CLUSTER_PIDS+=($!)
  done
  "$ROOT/WebSocketFrontend/$BIN/OrleansChat.WebSocketFrontend" "${common[@]}" --urls "$URL" \
    --RateLimit:SendsPerSecond=100000 --RateLimit:Burst=100000 --RateLimit:FramesPerSecond=100000 \
    --RateLimit:FrameBurst=100000 --Gateway:SendQueueLimit=65536 >"$OUT/server-cluster-gateway.log" 2>&1 &
  CLUSTER_PIDS+=($!)
  SERVER_PID=${CLUSTER_PIDS[2]}
  CPU_PIDS="silo1=${CLUSTER_PIDS[0]},silo2=${CLUSTER_PIDS[1]},gateway=$SERVER_PID,postgres=$(head -n 1 "$CLUSTER_PG/data/postmaster.pid")"
  local url
  for url in "http://127.0.0.1:$((PORT + 2))" "http://127.0.0.1:$((PORT + 3))" "$URL"; do
    for _ in $(seq 1 300); do
      curl -sf "$url/health/ready" >/dev/null 2>&1 && continue 2
      sleep 0.2
    done
    echo "the cluster did not start ($url is not ready); see $OUT/server-cluster-*.log" >&2
    exit 1
  done
}

stop_pids() { # pid...: TERM, then KILL whatever is left after 10 s
  local pid
  for pid in "$@"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "$@"; do
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$pid" 2>/dev/null || true
  done
}

stop_cluster() {
  # The gateway first: its cluster client, stopped while the silos are gone, waited 10 s for them and was killed.
  if ((${#CLUSTER_PIDS[@]} == 3)); then stop_pids "${CLUSTER_PIDS[2]}"; fi
  stop_pids "${CLUSTER_PIDS[@]}"
  CLUSTER_PIDS=()
  if [[ -n "$CLUSTER_PG" ]]; then
    "$ROOT/scripts/postgres.sh" stop "$CLUSTER_PG/data" 2>/dev/null || true
    cp "$CLUSTER_PG/postgres.log" "$OUT/server-cluster-postgres.log" 2>/dev/null || true
    rm -rf "$CLUSTER_PG"
    CLUSTER_PG=""
  fi
}
