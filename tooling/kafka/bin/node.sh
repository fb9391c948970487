#!/usr/bin/env bash
# One node of a cluster started by start-cluster.sh: the fault controls tests use, over the real JVM.
#
#   node.sh launch ID     start the node's JVM in its own session (data kept: a restart recovers its log)
#   node.sh start ID      launch, then wait until it answers Metadata (up to IDEM_KAFKA_START_TIMEOUT_MS)
#   node.sh kill ID       SIGKILL its process group: a crash, nothing flushed, no controlled shutdown
#   node.sh term ID       SIGTERM: controlled shutdown (leadership handed off first); waits for exit, bounded
#   node.sh pid ID        prints its pid if it runs, else nothing (exit 1)
#
# Env: IDEM_KAFKA_CLUSTER_RUN_DIR (default tooling/kafka/.run/cluster), IDEM_KAFKA_TERM_GRACE_S (default 60)
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
KAFKA_DIR=$(dirname "$SCRIPT_DIR")
log() { echo "[kafka node] $*" >&2; }
die() { log "ERROR: $*"; exit 1; }
# shellcheck source=lib/common.sh
. "$SCRIPT_DIR/lib/common.sh"

CMD=${1:-}
ID=${2:-}
case "$ID" in ''|*[!0-9]*) die "usage: node.sh launch|start|kill|term|pid ID" ;; esac
RUN_DIR=${IDEM_KAFKA_CLUSTER_RUN_DIR:-$KAFKA_DIR/.run/cluster}
DIR=$RUN_DIR/node-$ID
[ -f "$DIR/server.properties" ] || die "no node $ID in $RUN_DIR"
PID_FILE=$DIR/kafka.pid

# The pid only counts while it is still this node's JVM (pids get reused).
running_pid() {
  local pid
  pid=$(cat "$PID_FILE" 2>/dev/null || true)
  [ -n "$pid" ] || return 1
  tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline" | grep -qF "kafka.Kafka $DIR/server.properties" || return 1
  echo "$pid"
}

wait_gone() {
  local pid=$1 limit=$2 waited=0
  while kill -0 "$pid" 2>/dev/null && [ "$waited" -lt $((limit * 10)) ]; do
    sleep 0.1
    waited=$((waited + 1))
  done
  ! kill -0 "$pid" 2>/dev/null
}

launch() {
  if pid=$(running_pid); then die "node $ID already runs (pid $pid)"; fi
  rm -f "$PID_FILE"
  # shellcheck disable=SC2206
  local extra=(${IDEM_KAFKA_JAVA_OPTS:-})
  # setsid: own process group, so kill/stop signal the whole group; the inner shell writes its pid and execs java.
  setsid bash -c 'echo $$ >"$0/kafka.pid"; exec "$@"' "$DIR" \
    java -Xms128m -Xmx512m "${JAVA_COMMON[@]}" "${extra[@]}" \
    -Dlog4j2.configurationFile="$DIR/log4j2.properties" -Dkafka.logs.dir="$DIR/logs" \
    -cp "$LIBS/*" kafka.Kafka "$DIR/server.properties" \
    >>"$DIR/logs/console.log" 2>&1 </dev/null 8>&- 9>&- &
  for _ in $(seq 1 50); do [ -s "$PID_FILE" ] && break; sleep 0.1; done
  [ -s "$PID_FILE" ] || die "node $ID did not start"
  log "node $ID launched (pid $(cat "$PID_FILE"))"
}

case "$CMD" in
  launch) launch ;;
  start)
    launch
    port=$(sed -n 's#^listeners=PLAINTEXT://127\.0\.0\.1:\([0-9]*\),.*#\1#p' "$DIR/server.properties")
    node "$SCRIPT_DIR/wait-ready.mjs" "127.0.0.1:$port" --pid "$(cat "$PID_FILE")" --quiet \
      --timeout-ms "${IDEM_KAFKA_START_TIMEOUT_MS:-120000}" || die "node $ID did not answer after restart"
    log "node $ID answers on 127.0.0.1:$port"
    ;;
  kill)
    pid=$(running_pid) || die "node $ID is not running"
    kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid"
    wait_gone "$pid" 10 || die "node $ID (pid $pid) survived SIGKILL"
    log "node $ID killed (pid $pid, SIGKILL)"
    ;;
  term)
    pid=$(running_pid) || die "node $ID is not running"
    kill -TERM "$pid"
    if ! wait_gone "$pid" "${IDEM_KAFKA_TERM_GRACE_S:-60}"; then
      kill -KILL -- "-$pid" 2>/dev/null || true
      die "node $ID (pid $pid) did not finish its controlled shutdown, SIGKILLed"
    fi
    log "node $ID stopped (pid $pid, SIGTERM, controlled shutdown)"
    ;;
  pid) running_pid ;;
  *) die "usage: node.sh launch|start|kill|term|pid ID" ;;
esac
