#!/usr/bin/env bash
# Regenerates src/protocol/error-table.generated.ts from Kafka's own Errors enum (kafka-clients jar), so the
# codes, names, retriability and messages are Kafka's and not transcribed by hand.
# Usage: bash packages/codec/scripts/generate-error-codes.sh   (KAFKA_VERSION overrides 4.3.0)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
kafka_version="${KAFKA_VERSION:-4.3.0}"
slf4j_version=1.7.36 # the version kafka-clients' pom depends on; Errors logs through it
m2="${MAVEN_REPO:-$HOME/.m2/repository}"
clients_jar="$m2/org/apache/kafka/kafka-clients/$kafka_version/kafka-clients-$kafka_version.jar"
slf4j_jar="$m2/org/slf4j/slf4j-api/$slf4j_version/slf4j-api-$slf4j_version.jar"

fetch() { # groupId:artifactId:version, only when the jar is not in the local repository yet
  mvn -q dependency:get -Dtransitive=false -Dartifact="$1"
}
[[ -f "$clients_jar" ]] || fetch "org.apache.kafka:kafka-clients:$kafka_version"
[[ -f "$slf4j_jar" ]] || fetch "org.slf4j:slf4j-api:$slf4j_version"

# The NOP-logger notice SLF4J prints goes to stderr; only the JSON goes on.
java --class-path "$clients_jar:$slf4j_jar" "$here/ErrorCodes.java" 2>/dev/null \
  | node "$here/write-error-table.mjs" "$kafka_version" "$here/../src/protocol/error-table.generated.ts"
