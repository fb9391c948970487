#!/usr/bin/env bash
# Stops the test broker(s) started by start.sh / start-cluster.sh from one run dir, by PID: SIGTERM to each JVM's
# process group (all nodes at once), up to the grace period for a clean shutdown, then SIGKILL. Also kills any
# leftover JVM whose command line names that run dir, and the cluster's watchdog.
# Idempotent: exits 0 when nothing is running.
#
#   stop.sh            with IDEM_KAFKA_RUN_DIR set: that run dir only;
#                      otherwise the single broker (tooling/kafka/.run) and every cluster (.run/cluster*)
#   stop.sh --nodes N  the same (accepted so `pnpm kafka:stop --nodes 3` mirrors kafka:start)
#
# Env: IDEM_KAFKA_STOP_GRACE_S  grace before SIGKILL (default 30 for one broker, 10 for a cluster: its data is
#                               disposable, and the last nodes of a quorum cannot finish a controlled shutdown)
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
KAFKA_DIR=$(dirname "$SCRIPT_DIR")
while [ $# -gt 0 ]; do
  case "$1" in
    --nodes) shift 2 ;;
    --nodes=*) shift ;;
    *) echo "[kafka stop] ERROR: unknown argument $1" >&2; exit 2 ;;
  esac
done

log() { echo "[kafka stop] $*" >&2; }

if [ -z "${IDEM_KAFKA_RUN_DIR:-}" ]; then
  status=0
  for dir in "$KAFKA_DIR"/.run/cluster "$KAFKA_DIR"/.run/cluster-*; do
    [ -d "$dir" ] || continue
    IDEM_KAFKA_RUN_DIR=$dir bash "$0" || status=1
  done
  IDEM_KAFKA_RUN_DIR=$KAFKA_DIR/.run bash "$0" || status=1
  exit $status
fi

RUN_DIR=$IDEM_KAFKA_RUN_DIR
if [ ! -d "$RUN_DIR" ]; then
  exit 0
fi
RUN_DIR=$(cd "$RUN_DIR" && pwd)
STATE_ENV=$RUN_DIR/state.env
CLUSTER=0
if [ -f "$RUN_DIR/cluster.env" ] || compgen -G "$RUN_DIR/node-*" >/dev/null; then CLUSTER=1; fi
GRACE_S=${IDEM_KAFKA_STOP_GRACE_S:-$([ "$CLUSTER" = 1 ] && echo 10 || echo 30)}

# Every broker JVM from this run dir has "$RUN_DIR/server.properties" (one broker) or
# "$RUN_DIR/node-<id>/server.properties" (a cluster node) on its command line.
RUN_DIR_RE=$(printf '%s' "$RUN_DIR" | sed 's/[][\\.*^$+?(){}|]/\\&/g')
PATTERN="kafka\\.Kafka $RUN_DIR_RE/(node-[0-9]+/)?server\\.properties"

ours() { pgrep -f -- "$PATTERN" || true; }

alive() {
  # true while the group leader or any member of its group still exists
  kill -0 "$1" 2>/dev/null || kill -0 -- "-$1" 2>/dev/null
}

# The watchdog would otherwise outlive the cluster it guards; it is ours only if its command line says so.
if [ -z "${IDEM_KAFKA_FROM_WATCHDOG:-}" ] && [ -f "$RUN_DIR/watchdog.pid" ]; then
  wd=$(cat "$RUN_DIR/watchdog.pid")
  if tr '\0' ' ' 2>/dev/null <"/proc/$wd/cmdline" | grep -qF "watchdog.sh"; then kill -TERM "$wd" 2>/dev/null || true; fi
  rm -f "$RUN_DIR/watchdog.pid"
fi

stop_groups() {
  local waited=0 pid left
  [ $# -gt 0 ] || return 0
  log "stopping broker pid(s) $* (SIGTERM to each group)"
  for pid in "$@"; do kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true; done
  while [ "$waited" -lt $((GRACE_S * 10)) ]; do
    left=
    for pid in "$@"; do if alive "$pid"; then left=1; fi; done
    [ -n "$left" ] || break
    sleep 0.1
    waited=$((waited + 1))
  done
  for pid in "$@"; do
    if alive "$pid"; then
      log "broker pid $pid still alive after ${GRACE_S}s, SIGKILL"
      kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
    fi
  done
  sleep 0.2
  log "stopped after $((waited / 10)).$((waited % 10)) s"
}

# The recorded pids, each only if it is still one of our JVMs (pids get reused).
PIDS=()
CANDIDATES=$( { sed -n 's/^KAFKA_PID=//p' "$STATE_ENV" 2>/dev/null; cat "$RUN_DIR/kafka.pid" "$RUN_DIR"/node-*/kafka.pid 2>/dev/null; } | sort -u || true)
for pid in $CANDIDATES; do
  if ours | grep -qx "$pid"; then PIDS+=("$pid"); fi
done
stop_groups "${PIDS[@]}"

# Orphans (state lost, or a start killed half-way).
# shellcheck disable=SC2046
stop_groups $(ours)

left=$(ours)
if [ -n "$left" ]; then
  log "ERROR: broker JVM(s) still running from $RUN_DIR: $left"
  exit 1
fi
rm -f "$STATE_ENV" "$RUN_DIR/state.json" "$RUN_DIR/kafka.pid" "$RUN_DIR/cluster.env" "$RUN_DIR"/node-*/kafka.pid
exit 0
