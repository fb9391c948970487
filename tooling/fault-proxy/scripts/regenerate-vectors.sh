#!/usr/bin/env bash
# Regenerates test/fixtures/wire-vectors.json from Apache Kafka 4.3.0's own message classes.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
jar="${KAFKA_CLIENTS_JAR:-$HOME/.m2/repository/org/apache/kafka/kafka-clients/4.3.0/kafka-clients-4.3.0.jar}"
[ -f "$jar" ] || { echo "kafka-clients 4.3.0 jar not found at $jar (set KAFKA_CLIENTS_JAR)" >&2; exit 1; }
java -cp "$jar" "$here/WireVectors.java" "$here/../test/fixtures/wire-vectors.json"
