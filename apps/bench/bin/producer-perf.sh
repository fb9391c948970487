#!/usr/bin/env bash
# Kafka's own producer benchmark, ProducerPerformance from org.apache.kafka:kafka-tools (Maven Central), run with
# plain java. Jars are fetched once (mvn dependency:copy-dependencies) into $IDEM_CACHE/bench-java-<sha of pom>.
# Usage: producer-perf.sh --check              exits 0 when java and the jars are ready (fetching them if needed)
#        producer-perf.sh <ProducerPerformance arguments...>
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
POM=$HERE/../java/pom.xml
CACHE=${IDEM_CACHE:-$HOME/.cache/idem}
command -v java >/dev/null 2>&1 || { echo "java not found on PATH" >&2; exit 3; }
SUM=$(sha256sum "$POM" | cut -c1-16)
LIBS=$CACHE/bench-java-$SUM
mkdir -p "$CACHE"
exec 8>"$CACHE/.bench-java.lock"
flock -w 600 8 || { echo "timed out waiting for another fetch into $LIBS" >&2; exit 3; }
if [ ! -f "$LIBS/.complete" ]; then
  command -v mvn >/dev/null 2>&1 || { echo "mvn not found on PATH (needed once to fetch kafka-tools)" >&2; exit 3; }
  tmp=$(mktemp -d "$CACHE/bench-java.tmp.XXXXXX")
  if ! MAVEN_OPTS=${MAVEN_OPTS:--Xmx256m} mvn -q -B -Dstyle.color=never -f "$POM" \
    dependency:copy-dependencies -DoutputDirectory="$tmp" >&2; then
    rm -rf "$tmp"
    echo "maven could not fetch kafka-tools" >&2
    exit 3
  fi
  rm -rf "$LIBS"
  mv "$tmp" "$LIBS"
  touch "$LIBS/.complete"
fi
exec 8>&-
[ "${1:-}" = "--check" ] && exit 0
exec java -Xmx512m -cp "$LIBS/*" org.apache.kafka.tools.ProducerPerformance "$@"
