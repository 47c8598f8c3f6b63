#!/usr/bin/env bash
# The benchmark suite: each scenario against OrleansChat, the SignalR peer and the bare WebSocket peer, each on a
# fresh server process on this machine, then one comparison table. About 35 minutes on 2 cores (Tsung included).
#
#   loadtest/run.sh                 # the fixed suite
#   PROFILE=1 loadtest/run.sh       # also records a thread-time profile of OrleansChat during its last fanout run (dotnet-trace)
#   PROFILE=direct-orleanschat-20 SCENARIOS=direct TARGETS=orleanschat DIRECT_RATES=20 loadtest/run.sh   # profile one run
#   SCENARIOS="fanout" TARGETS="orleanschat signalr" loadtest/run.sh
#   SCENARIOS="direct direct-mixed" TARGETS=orleanschat DIRECT_RATES=20 ROUNDS=3 loadtest/run.sh   # plain and mixed direct, alternating
#   loadtest/run.sh sse-vs-ws       # fanout with WebSocket receivers, then with SSE receivers, alternating for ROUNDS (3) rounds
#   loadtest/run.sh assistant       # issue 14: USERS (200) assistant jobs at once against the OpenAI-compatible stand-in
#   loadtest/run.sh cluster         # issue 15: fanout against the single process, then a 2-silo + gateway cluster on PostgreSQL, alternating for ROUNDS (3) rounds
#
# sse-vs-ws is SCENARIOS="fanout fanout-sse" TARGETS=orleanschat ROUNDS=${ROUNDS:-3} FANOUT_RATES=${FANOUT_RATES:-30}:
# fanout-sse is fanout against OrleansChat with --receivers sse (the members who only receive on GET /api/v1/events).
# The table ends with the pairs, delivered/s and p99 of each, and the ratio SSE/WS (issue 14: at least x0.8).
#
# assistant is SCENARIOS=assistant TARGETS=orleanschat: per round, a fresh stand-in (LoadGen stand-in on port 5191,
# STAND_IN_CHUNKS deltas at STAND_IN_RATE per second per request) and a fresh OrleansChat whose only provider is the
# stand-in (Assistant__Providers__0__Kind=OpenAI, Endpoint http://127.0.0.1:5191/v1, Model stand-in, ApiKey x, job
# limits raised); USERS users each send one message at the same moment. It prints chunk delivery p99 (stand-in to
# socket), the time the system adds to the first chunk at p50 (against the same request straight to the stand-in) and
# the checks (every chunk in order on every connection, every reply stored once).
#
# cluster is SCENARIOS=fanout TARGETS="orleanschat orleanschat-cluster" ROUNDS=${ROUNDS:-3}: per round and rate, the
# single process (SQLite), then the cluster that loadtest/cluster.sh starts fresh for each run (a new PostgreSQL under
# /tmp on PG_PORT, fsync on; silos with Gateway:Enabled=false; LoadGen on the standalone gateway at the same URL).
# Every fanout or direct run records each server process's CPU over the measured window (LoadGen --cpu: /proc stat at
# the end of the warm-up and of the window; PostgreSQL with all its backends); the table ends with the pairs, the
# ratios cluster/single of delivered/s and p99, and the CPU microseconds per delivery of every process.
#
# direct-mixed is direct with --mix "$DIRECT_MIX" (issue 12's 80% texts, 10% edits, 10% reactions), against
# OrleansChat only (the peers have no message changes). With ROUNDS above 1 the whole list runs that many times, each
# file named with its round (-r1, -r2, ...), so that plain and mixed runs alternate on the same machine state; the
# report pairs them in the order they ran.
#
# tsung-connections and tsung-fanout replay the connections and fanout shapes with Tsung (loadtest/tsung), an
# independent load tool, against OrleansChat only; they join the default list when `tsung` is installed.
#
# Sizes can be overridden with the variables below; RESULTS.md records the ones used.
set -euo pipefail
case "${1:-}" in
  sse-vs-ws)
    SCENARIOS="fanout fanout-sse" TARGETS=orleanschat ROUNDS="${ROUNDS:-3}" FANOUT_RATES="${FANOUT_RATES:-30}"
    ;;
  assistant) SCENARIOS=assistant TARGETS=orleanschat ;;
  cluster) SCENARIOS=fanout TARGETS="orleanschat orleanschat-cluster" ROUNDS="${ROUNDS:-3}" ;;
  "") ;;
  *) echo "usage: loadtest/run.sh [sse-vs-ws | assistant | cluster]" >&2; exit 64 ;;
esac
export PATH="$PATH:$HOME/.dotnet/tools"

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="${OUT:-$ROOT/loadtest/results}"
DEFAULT_SCENARIOS="connections fanout direct"
command -v tsung >/dev/null && DEFAULT_SCENARIOS="$DEFAULT_SCENARIOS tsung-connections tsung-fanout"
SCENARIOS="${SCENARIOS:-$DEFAULT_SCENARIOS}"
TARGETS="${TARGETS:-orleanschat signalr websocket}"

CONNECTIONS="${CONNECTIONS:-18000}"          # connections: idle sockets in all
PROCESSES="${PROCESSES:-3}"                  # connections: generator processes (each below the 20,000 open files limit)
SOURCES="${SOURCES:-2}"                      # connections: loopback source addresses per generator process
HOLD="${HOLD:-15}"                           # connections: seconds held once all are open
TSUNG_CONNECTIONS="${TSUNG_CONNECTIONS:-15000}"  # tsung-connections: one Erlang VM holds them all, below the open files limit
CHATS="${CHATS:-10}"                         # fanout: chats
MEMBERS="${MEMBERS:-100}"                    # fanout: members per chat
FANOUT_RATES="${FANOUT_RATES:-10 30 60 200}" # fanout: messages per second per chat, one run each (issue 15: 200, and 60 and below)
PAIRS="${PAIRS:-100}"                        # direct: pairs
DIRECT_RATES="${DIRECT_RATES:-20 50}"        # direct: messages per second per user, one run each (100 pairs x 50/s = 10,000 sends/s)
DIRECT_MIX="${DIRECT_MIX:-text=80,edit=10,reaction=10}"   # direct-mixed: the traffic mix
ROUNDS="${ROUNDS:-1}"                        # how many times the whole list runs
DURATION="${DURATION:-45}"                   # fanout, direct: seconds of sending (the first WARMUP not measured)
WARMUP="${WARMUP:-20}"                       # long enough for tiered PGO to settle on 2 shared cores (10 s was not: RESULTS.md)
TSUNG_FANOUT_RATES="${TSUNG_FANOUT_RATES:-10 30}"  # tsung-fanout: the rates one Erlang VM drives here (at 60 its senders fall behind)
USERS="${USERS:-200}"                        # assistant: users, one job each, all at once
ASSISTANT_CHAT="${ASSISTANT_CHAT:-direct}"   # assistant: direct (a direct chat, two devices) or group (2 users + assistant, @assistant)
STAND_IN_CHUNKS="${STAND_IN_CHUNKS:-50}"     # assistant: deltas per reply (20 characters each; Assistant:MaxOutputCharacters is 4,000)
STAND_IN_RATE="${STAND_IN_RATE:-50}"         # assistant: deltas per second per request
REPLY_TIMEOUT="${REPLY_TIMEOUT:-120}"        # assistant: seconds to wait for every reply (warm-up and measured jobs each)
WARMUP_JOBS="${WARMUP_JOBS:-50}"             # assistant: jobs per warm-up round, rounds run for ASSISTANT_WARMUP seconds
ASSISTANT_WARMUP="${ASSISTANT_WARMUP:-30}"   # assistant: seconds of warm-up rounds (tiered PGO settles on the job path after 20-40 s here)

KEY="loadtest-signing-key-0123456789-abcdefghijklmnop"
PORT="${LOADTEST_PORT:-5190}"                # the server's HTTP port (the cluster's silos take PORT+2 and PORT+3); the Orleans and PostgreSQL ports shift with it
PORT_OFFSET=$((PORT - 5190))
URL="http://127.0.0.1:$PORT"
SERVER_PID=""
CPU_PIDS=""
STAND_IN_PID=""
STAND_IN_URL="http://127.0.0.1:5191"

mkdir -p "$OUT"
rm -f "$OUT"/*.json "$OUT"/tsung-*.txt

echo "building (Release)..." >&2
projects="loadtest/LoadGen loadtest/peers/SignalRPeer loadtest/peers/WebSocketPeer Silo"
[[ " $TARGETS " != *" orleanschat-cluster "* ]] || projects="$projects WebSocketFrontend"
for project in $projects; do
  dotnet build "$ROOT/$project" -c Release -nologo -v q -clp:ErrorsOnly >&2
done
BIN="bin/Release/net10.0"
LOADGEN="$ROOT/loadtest/LoadGen/$BIN/LoadGen"
source "$ROOT/loadtest/cluster.sh"

{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "commit: $(git -C "$ROOT" rev-parse --short HEAD)$(git -C "$ROOT" diff --quiet HEAD -- . 2>/dev/null || echo ' (with uncommitted changes)')"
  echo "cpus: $(nproc)"
  echo "memory: $(free -m | awk '/^Mem:/ {print $2 " MiB"}')"
  echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "open files limit: $(ulimit -n)"
  echo "dotnet: $(dotnet --version)"
} | tee "$OUT/machine.txt" >&2

stop_server() {
  stop_cluster
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    # SIGTERM: a background job of a non-interactive shell ignores SIGINT, so INT left every server to the SIGKILL below.
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$SERVER_PID" 2>/dev/null || true
  fi
  SERVER_PID=""
}
stop_stand_in() {
  # TERM, not INT: a background job of a non-interactive shell ignores SIGINT, and the stand-in would outlive the run.
  if [[ -n "$STAND_IN_PID" ]] && kill -0 "$STAND_IN_PID" 2>/dev/null; then
    kill -TERM "$STAND_IN_PID" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$STAND_IN_PID" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$STAND_IN_PID" 2>/dev/null || true
  fi
  STAND_IN_PID=""
}
trap 'stop_server; stop_stand_in' EXIT

start_stand_in() {
  "$LOADGEN" stand-in --urls "$STAND_IN_URL" --chunks "$STAND_IN_CHUNKS" --chunks-per-second "$STAND_IN_RATE" >"$OUT/stand-in.log" 2>&1 &
  STAND_IN_PID=$!
  for _ in $(seq 1 100); do
    # Any answer (405 to a GET) means Kestrel listens.
    if curl -s -o /dev/null "$STAND_IN_URL/v1/chat/completions" 2>/dev/null; then return 0; fi
    sleep 0.2
  done
  echo "the stand-in did not start; see $OUT/stand-in.log" >&2
  exit 1
}

# The assistant scenario's server: its one provider is the stand-in, and no job waits for a limit.
assistant_env=()
if [[ " $SCENARIOS " == *" assistant "* ]]; then
  assistant_env=(Assistant__Providers__0__Kind=OpenAI "Assistant__Providers__0__Endpoint=$STAND_IN_URL/v1"
    Assistant__Providers__0__Model=stand-in Assistant__Providers__0__ApiKey=x
    Assistant__JobsPerMinute=100000 "Assistant__MaxConcurrentJobs=$((USERS * 2))")
fi

start_server() { # target
  local data
  data="$(mktemp -d)"
  case "$1" in
    orleanschat)
      (cd "$data" && exec env "${assistant_env[@]}" "$ROOT/Silo/$BIN/OrleansChat.Silo" --urls "$URL" \
        --Auth:SigningKey="$KEY" --Storage:DataDirectory="$data/data" \
        --Orleans:SiloPort=$((21111 + PORT_OFFSET)) --Orleans:GatewayPort=$((40000 + PORT_OFFSET)) \
        --RateLimit:SendsPerSecond=100000 --RateLimit:Burst=100000 --RateLimit:FramesPerSecond=100000 \
        --RateLimit:FrameBurst=100000 --Gateway:SendQueueLimit=65536 \
        --Logging:LogLevel:Default=Warning >"$OUT/server-$1.log" 2>&1) &
      ;;
    signalr) exec "$ROOT/loadtest/peers/SignalRPeer/$BIN/SignalRPeer" --urls "$URL" >"$OUT/server-$1.log" 2>&1 & ;;
    websocket) exec "$ROOT/loadtest/peers/WebSocketPeer/$BIN/WebSocketPeer" --urls "$URL" >"$OUT/server-$1.log" 2>&1 & ;;
    orleanschat-cluster) start_cluster; return 0 ;;
  esac
  SERVER_PID=$!
  CPU_PIDS="process=$SERVER_PID"
  for _ in $(seq 1 150); do
    if curl -sf "$URL/health" >/dev/null 2>&1; then
      if [[ "$1" != orleanschat ]] || curl -sf "$URL/health/ready" >/dev/null 2>&1; then return 0; fi
    fi
    sleep 0.2
  done
  echo "the $1 server did not start; see $OUT/server-$1.log" >&2
  exit 1
}

status=0
run_tsung() { # scenario rate name: loadtest/tsung/run-tsung.sh against a fresh OrleansChat server
  start_server orleanschat
  echo "== $3 ($(cut -d' ' -f1 /proc/loadavg) load)" >&2
  URL="$URL" KEY="$KEY" SERVER_PID="$SERVER_PID" OUT="$OUT" NAME="$3" LOADGEN="$LOADGEN" \
    CHATS="$CHATS" MEMBERS="$MEMBERS" RATE="${2:-10}" DURATION="$DURATION" CONNECTIONS="$TSUNG_CONNECTIONS" HOLD="$HOLD" \
    "$ROOT/loadtest/tsung/run-tsung.sh" "${1#tsung-}" >"$OUT/$3.log" 2>&1 || { local rc=$?; status=$rc; echo "   exit code $rc (see $OUT/$3.log)" >&2; }
  stop_server
}

run_one() { # scenario target rate [round]
  local scenario=$1 target=$2 rate=$3 name="$1-$2${3:+-$3}${4:+-r$4}"
  if [[ "$scenario" == tsung-* ]]; then
    run_tsung "$scenario" "$rate" "$name"
    return
  fi
  [[ "$scenario" == assistant ]] && start_stand_in
  start_server "$target"
  local args=(--target "${target%-cluster}" --url "$URL" --server-pid "$SERVER_PID" --cpu "$CPU_PIDS" --json "$OUT/$name.json")
  [[ "$target" != orleanschat-cluster ]] || args+=(--target-name "$target")
  if [[ "$scenario" == direct-mixed ]]; then
    scenario=direct
    args+=(--mix "$DIRECT_MIX")
  elif [[ "$scenario" == fanout-sse ]]; then
    scenario=fanout
    args+=(--receivers sse)
  fi
  args+=(--scenario "$scenario")
  [[ "$target" == orleanschat* ]] && args+=(--signing-key "$KEY")
  case "$scenario" in
    connections) args+=(--connections "$CONNECTIONS" --processes "$PROCESSES" --source-addresses "$SOURCES" --hold "$HOLD" --heartbeat 10 --connect-concurrency 300) ;;
    fanout) args+=(--chats "$CHATS" --members "$MEMBERS" --rate "$rate" --duration "$DURATION" --warmup "$WARMUP") ;;
    direct) args+=(--pairs "$PAIRS" --rate "$rate" --duration "$DURATION" --warmup "$WARMUP") ;;
    assistant) args+=(--users "$USERS" --assistant-chat "$ASSISTANT_CHAT" --stand-in "$STAND_IN_URL/v1" --model stand-in --reply-timeout "$REPLY_TIMEOUT" --warmup-jobs "$WARMUP_JOBS" --warmup "$ASSISTANT_WARMUP"
      --stand-in-shape "$STAND_IN_CHUNKS chunks at $STAND_IN_RATE/s") ;;
  esac
  local trace_pid=""
  if [[ "${PROFILE:-}" == "$name" || ( "${PROFILE:-}" == 1 && "$name" == "fanout-orleanschat-${FANOUT_RATES##* }" ) ]]; then
    (sleep 12 && dotnet-trace collect -p "$SERVER_PID" --profile dotnet-common,dotnet-sampled-thread-time --duration 00:00:00:10 \
      -o "$OUT/$name.nettrace" >"$OUT/trace.log" 2>&1) &
    trace_pid=$!
  fi
  echo "== $name ($(cut -d' ' -f1-3 /proc/loadavg) load)" >&2
  "$LOADGEN" "${args[@]}" >"$OUT/$name.txt" 2>&1 || { local rc=$?; status=$rc; echo "   exit code $rc (see $OUT/$name.txt)" >&2; }
  if [[ -n "$trace_pid" ]]; then
    wait "$trace_pid" || true
    dotnet-trace report "$OUT/$name.nettrace" topN -n 30 >"$OUT/$name.exclusive.txt" 2>&1 || true
    dotnet-trace report "$OUT/$name.nettrace" topN -n 60 --inclusive >"$OUT/$name.inclusive.txt" 2>&1 || true
  fi
  stop_server
  stop_stand_in
}

for round in $(seq 1 "$ROUNDS"); do
  round_suffix=""
  if ((ROUNDS > 1)); then round_suffix=$round; fi
  for scenario in $SCENARIOS; do
    case "$scenario" in
      fanout | fanout-sse) rates="$FANOUT_RATES" ;;
      tsung-fanout) rates="$TSUNG_FANOUT_RATES" ;;
      direct | direct-mixed) rates="$DIRECT_RATES" ;;
      *) rates="-" ;;
    esac
    for rate in $rates; do
      for target in $TARGETS; do
        [[ ( "$scenario" == direct-mixed || "$scenario" == fanout-sse || "$scenario" == tsung-* ) && "$target" != orleanschat ]] && continue
        [[ "$target" == orleanschat-cluster && "$scenario" != fanout && "$scenario" != direct ]] && continue
        run_one "$scenario" "$target" "${rate#-}" "$round_suffix"
      done
    done
  done
done

"$LOADGEN" report "$OUT"/*.json | tee "$OUT/table.md"
if compgen -G "$OUT/tsung-*.txt" >/dev/null; then
  { echo; echo "Tsung (loadtest/tsung), the same shapes against OrleansChat:"; cat "$OUT"/tsung-*.txt; } | tee -a "$OUT/table.md"
fi
exit $status
