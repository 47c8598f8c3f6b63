#!/usr/bin/env bash
# Runs one Tsung scenario (fanout or connections) against an OrleansChat server that is already running, and prints
# one summary line comparable with LoadGen's. Called by loadtest/run.sh (scenarios tsung-fanout, tsung-connections);
# by hand:
#
#   URL=http://127.0.0.1:5190 KEY=<the server's Auth:SigningKey> SERVER_PID=<pid> OUT=/tmp/t loadtest/tsung/run-tsung.sh fanout
#
# The users, tokens and chats come from `LoadGen tsung-users` (the REST calls the generator makes), the configuration
# from fanout.xml / connections.xml with the sizes below filled in. Tsung counts received bytes, not frames, so the
# fanout's deliveries are the received bytes less each connection's upgrade answer and welcome and the acks, divided by
# the size of one message frame, all measured on the wire by tsung-users with the same content (the run's seqs and
# client message ids differ from the probe's by a digit or two: well under 1% of a frame).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
scenario="${1:?usage: run-tsung.sh fanout|connections}"
URL="${URL:?URL of the running server}"
KEY="${KEY:?the signing key of the server (Auth:SigningKey)}"
OUT="${OUT:-$ROOT/loadtest/results}"
NAME="${NAME:-tsung-$scenario}"
LOADGEN="${LOADGEN:-$ROOT/loadtest/LoadGen/bin/Release/net10.0/LoadGen}"
CHATS="${CHATS:-10}" MEMBERS="${MEMBERS:-100}" RATE="${RATE:-10}" DURATION="${DURATION:-25}"
CONNECTIONS="${CONNECTIONS:-15000}" HOLD="${HOLD:-15}" HEARTBEAT="${HEARTBEAT:-10}"
ARRIVAL_RATE="${ARRIVAL_RATE:-500}"          # users started per second
CONTENT_LENGTH="${CONTENT_LENGTH:-64}"       # as LoadGen's --content-length default
port="${URL##*:}"
work="$OUT/$NAME"
rm -rf "$work"
mkdir -p "$work/log"

command -v tsung >/dev/null || { echo "tsung is not installed (apt-get install tsung)" >&2; exit 3; }

case "$scenario" in
  fanout) "$LOADGEN" tsung-users --out "$work/users.csv" --url "$URL" --signing-key "$KEY" --scenario fanout \
            --chats "$CHATS" --members "$MEMBERS" --content-length "$CONTENT_LENGTH" >&2 ;;
  connections) "$LOADGEN" tsung-users --out "$work/users.csv" --url "$URL" --signing-key "$KEY" --scenario connections \
            --connections "$CONNECTIONS" >&2 ;;
  *) echo "unknown scenario $scenario" >&2; exit 64 ;;
esac

users=$(wc -l <"$work/users.csv")
arrival_seconds=$(( users / ARRIVAL_RATE + 5 ))             # Tsung stops at maxnumber; the slack covers its start
sends=$(awk -v r="$RATE" -v d="$DURATION" 'BEGIN { printf "%d", r * d }')
think=$(awk -v r="$RATE" 'BEGIN { printf "%.4f", 1 / r }')
settle=2 tail=3
receive_seconds=$(( arrival_seconds + settle + DURATION + tail + 5 ))
heartbeats=$(( (users / ARRIVAL_RATE + HOLD) / HEARTBEAT + 1 ))
sed -e "s|@PORT@|$port|g" -e "s|@USERS@|$users|g" -e "s|@MAXUSERS@|$((users + 10))|g" \
    -e "s|@USERS_FILE@|$work/users.csv|g" -e "s|@ARRIVAL_RATE@|$ARRIVAL_RATE|g" -e "s|@ARRIVAL_SECONDS@|$arrival_seconds|g" \
    -e "s|@SENDS@|$sends|g" -e "s|@THINK@|$think|g" -e "s|@SETTLE@|$settle|g" -e "s|@TAIL@|$tail|g" \
    -e "s|@RECEIVE_SECONDS@|$receive_seconds|g" -e "s|@CONTENT@|$(printf 'x%.0s' $(seq 1 "$CONTENT_LENGTH"))|g" \
    -e "s|@HEARTBEATS@|$heartbeats|g" -e "s|@HEARTBEAT@|$HEARTBEAT|g" -e "s|@HOLD@|$HOLD|g" \
    -e "s|@CHATS@|$CHATS|g" -e "s|@MEMBERS@|$MEMBERS|g" -e "s|@RATE@|$RATE|g" -e "s|@DURATION@|$DURATION|g" \
    "$HERE/$scenario.xml" >"$work/$scenario.xml"

rss() { awk '/^VmRSS:/ { print $2 * 1024 }' "/proc/$SERVER_PID/status" 2>/dev/null || echo 0; }
memory_before=""
sampler=""
if [[ "$scenario" == connections && -n "${SERVER_PID:-}" ]]; then
  memory_before=$(rss)
  # Sampled once every user is connected, halfway through the hold.
  (sleep $(( users / ARRIVAL_RATE + 2 + HOLD / 2 )) && rss >"$work/memory-after") &
  sampler=$!
fi

# -n: no web GUI (it would take port 8091); the Erlang VM may hold the users' sockets (ulimit -n bounds CONNECTIONS).
tsung -n -f "$work/$scenario.xml" -l "$work/log" start >"$work/tsung.out" 2>&1
[[ -n "$sampler" ]] && wait "$sampler"
log="$(ls -d "$work"/log/*/ | head -1)tsung.log"

# The last dump's running totals: counters "stats: name interval total"; samples
# "stats: name count mean stddev max min mean_from_start count_from_start".
total() { awk -v n="$1" '$1 == "stats:" && $2 == n { v = $4 } END { print v + 0 }' "$log"; }
sample() { awk -v n="$1" -v f="$2" '$1 == "stats:" && $2 == n { v = $f } END { print v + 0 }' "$log"; }
connected=$(total websocket_succ)
connect_ms=$(sample connect 8) connect_max_ms=$(sample connect 6)
errors=$(awk '$1 == "stats:" && $2 ~ /^error_/ { e[$2] = $4 } END { s = 0; for (k in e) s += e[k]; print s }' "$log")

summary="$OUT/$NAME.txt"
if [[ "$scenario" == fanout ]]; then
  . <(sed 's/^/size_/' "$work/users.csv.sizes")
  received=$(total size_rcv)
  window_ms=$(sample tr_sending 8)
  awk -v rcv="$received" -v acks=$((CHATS * sends)) -v ack="$size_ack" -v msg="$size_message" -v ms="$window_ms" \
      -v overhead=$((users * size_connection)) \
      -v sent=$((CHATS * sends)) -v members="$MEMBERS" -v rate="$RATE" -v users="$users" -v conn="$connected" -v cm="$connect_ms" \
      -v err="$errors" -v chats="$CHATS" -v d="$DURATION" 'BEGIN {
    delivered = (rcv - overhead - acks * ack) / msg
    if (ms <= 0) {
      # The sending transaction never ended inside the run: Tsung could not send at this rate, so there is no rate to report.
      printf "tsung fanout, %d chats x %d members, %s msg/s per chat, %s s: Tsung did not finish sending within the run (its senders fell behind the rate), %.0f deliveries of %d, %d of %d users connected, errors %d\n",
        chats, members, rate, d, delivered, sent * members, conn, users, err
      exit
    }
    printf "tsung fanout, %d chats x %d members, %s msg/s per chat, %s s: delivered %.0f msg/s (offered %.0f: sends x members over the window), %.0f deliveries of %d, %d of %d users connected, connect mean %.1f ms, errors %d, sending window %.1f s\n",
      chats, members, rate, d, delivered / (ms / 1000), sent * members / (ms / 1000), delivered, sent * members, conn, users, cm, err, ms / 1000
  }' | tee "$summary"
else
  memory_after=$(cat "$work/memory-after" 2>/dev/null || echo 0)
  awk -v users="$users" -v conn="$connected" -v cm="$connect_ms" -v cmax="$connect_max_ms" -v err="$errors" \
      -v before="${memory_before:-0}" -v after="$memory_after" -v rate="$ARRIVAL_RATE" -v pongs="$(sample tr_ping 8)" 'BEGIN {
    per = (after > 0 && before > 0 && conn > 0) ? (after - before) / conn / 1024 : 0
    printf "tsung connections: %d of %d connected at %d/s offered, connect mean %.1f ms max %.1f ms, ping-pong mean %.1f ms, errors %d, server memory %.1f -> %.1f MiB, %.2f KiB per connection\n",
      conn, users, rate, cm, cmax, pongs, err, before / 1048576, after / 1048576, per
  }' | tee "$summary"
fi
