#!/usr/bin/env bash
# Stops the cluster in RUN_DIR once the process that asked for it (a vitest run) is gone, however it ended:
# a test run killed with SIGKILL runs no teardown, and its cluster must not outlive it.
#   watchdog.sh OWNER_PID RUN_DIR
set -uo pipefail
SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OWNER=$1
RUN_DIR=$2
while kill -0 "$OWNER" 2>/dev/null; do sleep 1; done
# stop.sh would kill this watchdog too: tell it not to.
IDEM_KAFKA_RUN_DIR=$RUN_DIR IDEM_KAFKA_FROM_WATCHDOG=1 bash "$SCRIPT_DIR/stop.sh" >>"$RUN_DIR/watchdog.log" 2>&1
