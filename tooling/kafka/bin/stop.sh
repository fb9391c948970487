#!/usr/bin/env bash
# Stops the test broker started by start.sh from the same run dir.
# SIGTERM to its process group, up to 30 s for a clean shutdown, then SIGKILL.
# Also kills any leftover JVM whose command line names this run dir.
# Idempotent: exits 0 when nothing is running.
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
KAFKA_DIR=$(dirname "$SCRIPT_DIR")
RUN_DIR=${IDEM_KAFKA_RUN_DIR:-$KAFKA_DIR/.run}
GRACE_S=${IDEM_KAFKA_STOP_GRACE_S:-30}

log() { echo "[kafka stop] $*" >&2; }

if [ ! -d "$RUN_DIR" ]; then
  exit 0
fi
RUN_DIR=$(cd "$RUN_DIR" && pwd)
STATE_ENV=$RUN_DIR/state.env
# Every broker JVM from this run dir has "$RUN_DIR/server.properties" on its command line.
RUN_DIR_RE=$(printf '%s' "$RUN_DIR" | sed 's/[][\\.*^$+?(){}|]/\\&/g')
PATTERN="kafka\\.Kafka $RUN_DIR_RE/server\\.properties"

ours() { pgrep -f -- "$PATTERN" || true; }

alive() {
  # true while the group leader or any member of its group still exists
  kill -0 "$1" 2>/dev/null || kill -0 -- "-$1" 2>/dev/null
}

stop_group() {
  local pid=$1 waited=0
  alive "$pid" || return 0
  log "stopping broker pid $pid (SIGTERM to group)"
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
  while alive "$pid" && [ "$waited" -lt $((GRACE_S * 10)) ]; do
    sleep 0.1
    waited=$((waited + 1))
  done
  if alive "$pid"; then
    log "broker pid $pid still alive after ${GRACE_S}s, SIGKILL"
    kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
    sleep 0.5
  else
    log "broker stopped after $((waited / 10)).$((waited % 10)) s"
  fi
}

PID=
if [ -f "$STATE_ENV" ]; then
  PID=$(sed -n 's/^KAFKA_PID=//p' "$STATE_ENV")
elif [ -f "$RUN_DIR/kafka.pid" ]; then
  PID=$(cat "$RUN_DIR/kafka.pid")
fi
if [ -n "$PID" ]; then
  # Only signal the pid if it is still our broker (pids get reused).
  if ours | grep -qx "$PID"; then
    stop_group "$PID"
  fi
fi

# Orphans (state lost, or a start.sh killed half-way).
for p in $(ours); do
  stop_group "$p"
done

left=$(ours)
if [ -n "$left" ]; then
  log "ERROR: broker JVM(s) still running from $RUN_DIR: $left"
  exit 1
fi
rm -f "$STATE_ENV" "$RUN_DIR/state.json" "$RUN_DIR/kafka.pid"
exit 0
