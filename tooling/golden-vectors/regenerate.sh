#!/usr/bin/env bash
# Rebuilds the golden vectors from Apache Kafka (kafka-clients 4.3.0) into
# packages/codec/test/fixtures/golden/. Deterministic: re-running gives identical files.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
OUT="$ROOT/packages/codec/test/fixtures/golden"

command -v mvn >/dev/null || { echo "regenerate.sh: mvn not found (needs Maven + JDK 17)" >&2; exit 1; }

TMP="$(mktemp -d "${TMPDIR:-/tmp}/golden-vectors.XXXXXX")"
trap 'rm -rf "$TMP"' EXIT

# Generate into a scratch dir first so a failed run never leaves a half-written fixture folder.
(cd "$HERE" && mvn -q -B -Dstyle.color=never compile exec:java -Dgolden.out="$TMP/golden")

expected=(record-batches.json
          messages/ApiVersions.json messages/InitProducerId.json messages/Produce.json
          messages/Metadata.json messages/DescribeProducers.json
          messages/RequestHeader.json messages/ResponseHeader.json)
for f in "${expected[@]}"; do
  [[ -s "$TMP/golden/$f" ]] || { echo "regenerate.sh: generator did not write $f" >&2; exit 1; }
done

rm -rf "$OUT"
mkdir -p "$(dirname "$OUT")"
cp -R "$TMP/golden" "$OUT"

echo "wrote $OUT ($(du -sh "$OUT" | cut -f1))"
for f in "${expected[@]}"; do
  n=$(grep -c '^  {$' "$OUT/$f" || true)
  printf '%5s cases  %s\n' "$n" "$f"
done
