import { describe, expect, it } from 'vitest';
import {
  batchHeaderOf,
  decodeRecordBatch,
  encodeRecordBatch,
  lastSequence,
  type RecordBatchInput,
  readRecordBatch,
} from '../../src/index.js';
import { type GoldenBatch, goldenBatches, hexOrNull } from './golden.js';

function toHex(b: Buffer | null): string | null {
  return b === null ? null : b.toString('hex');
}

/** The stored timestamp of a record: what the JSON shows Kafka reporting, unless LogAppendTime. */
function storedTimestamp(r: GoldenBatch['records'][number]): bigint {
  return BigInt(r.storedTimestamp ?? r.timestamp);
}

/** Rebuilds the encoder input from the JSON's values only. */
function inputOf(g: GoldenBatch): RecordBatchInput {
  return {
    compression: g.compression,
    baseOffset: BigInt(g.baseOffset),
    partitionLeaderEpoch: g.partitionLeaderEpoch,
    producerId: BigInt(g.producerId),
    producerEpoch: g.producerEpoch,
    baseSequence: g.baseSequence,
    isTransactional: g.isTransactional,
    isControl: g.isControl,
    timestampType: g.timestampType,
    baseTimestamp: BigInt(g.baseTimestamp),
    maxTimestamp: BigInt(g.maxTimestamp),
    records: g.records.map((r) => ({
      key: hexOrNull(r.key),
      value: hexOrNull(r.value),
      headers: r.headers.map((h) => ({ key: h.key, value: hexOrNull(h.value) })),
      timestamp: storedTimestamp(r),
    })),
  };
}

/**
 * Compressed cases where our compressor writes exactly what Java's does. snappy: the npm snappy block
 * compressor matches snappy-java and we write xerial's framing. lz4: lz4-napi's frame matches
 * lz4-java's for inputs under one block; for many-records its block split differs. gzip (OS byte,
 * deflate strategy) and zstd (frame header flags) differ from Java and are compared by decoding.
 */
const BYTE_EXACT_COMPRESSED = new Set(
  goldenBatches
    .filter((g) => g.compression === 'snappy' || (g.compression === 'lz4' && g.name !== 'many-records/lz4'))
    .map((g) => g.name),
);

describe('golden record batches written by Kafka 4.3.0', () => {
  it('the fixture file is present and covers every codec', () => {
    expect(goldenBatches.length).toBeGreaterThanOrEqual(47);
    expect(new Set(goldenBatches.map((g) => g.compression))).toEqual(
      new Set(['none', 'gzip', 'snappy', 'lz4', 'zstd']),
    );
  });

  describe.each(goldenBatches.map((g) => [g.name, g] as const))('%s', (_name, g) => {
    const bytes = Buffer.from(g.hex, 'hex');

    it('decodes to exactly the JSON values', () => {
      const batch = decodeRecordBatch(bytes);
      expect({
        baseOffset: batch.baseOffset,
        batchLength: batch.batchLength,
        partitionLeaderEpoch: batch.partitionLeaderEpoch,
        magic: batch.magic,
        crc: batch.crc,
        attributes: batch.attributes,
        compression: batch.compression,
        timestampType: batch.timestampType,
        isTransactional: batch.isTransactional,
        isControl: batch.isControl,
        lastOffsetDelta: batch.lastOffsetDelta,
        baseTimestamp: batch.baseTimestamp,
        maxTimestamp: batch.maxTimestamp,
        producerId: batch.producerId,
        producerEpoch: batch.producerEpoch,
        baseSequence: batch.baseSequence,
        recordCount: batch.recordCount,
      }).toEqual({
        baseOffset: BigInt(g.baseOffset),
        batchLength: bytes.length - 12,
        partitionLeaderEpoch: g.partitionLeaderEpoch,
        magic: g.magic,
        crc: g.crc,
        attributes: g.attributes,
        compression: g.compression,
        timestampType: g.timestampType,
        isTransactional: g.isTransactional,
        isControl: g.isControl,
        lastOffsetDelta: g.lastOffsetDelta,
        baseTimestamp: BigInt(g.baseTimestamp),
        maxTimestamp: BigInt(g.maxTimestamp),
        producerId: BigInt(g.producerId),
        producerEpoch: g.producerEpoch,
        baseSequence: g.baseSequence,
        recordCount: g.recordCount,
      });
      expect(batch.hasDeleteHorizon).toBe(false);
      expect(lastSequence(batch.baseSequence, batch.recordCount)).toBe(g.lastSequence);
      expect(batch.records.length).toBe(g.records.length);
      batch.records.forEach((r, i) => {
        const want = g.records[i]!;
        expect(r.offsetDelta).toBe(want.offsetDelta);
        expect(r.timestamp).toBe(BigInt(want.timestamp));
        expect(BigInt(g.baseTimestamp) + BigInt(r.timestampDelta)).toBe(storedTimestamp(want));
        expect(toHex(r.key)).toBe(want.key);
        expect(toHex(r.value)).toBe(want.value);
        expect(r.headers.map((h) => ({ key: h.key, value: toHex(h.value) }))).toEqual(want.headers);
      });
      if (g.control !== undefined) {
        expect(batch.control).toEqual({ ...g.control, version: 0 });
      } else {
        expect(batch.control).toBeUndefined();
      }
    });

    it('the lazy reader and the header-only read agree with the eager decode', () => {
      const eager = decodeRecordBatch(bytes);
      const lazy = readRecordBatch(bytes);
      const { records: _records, control: _control, ...header } = eager;
      expect(batchHeaderOf(bytes)).toEqual(header);
      const { records: _fn, bytes: lazyBytes, ...lazyHeader } = lazy;
      expect(lazyHeader).toEqual(header);
      expect(lazyBytes.equals(bytes)).toBe(true);
      expect([...lazy.records()]).toEqual(eager.records);
    });

    if (g.compression === 'none' || BYTE_EXACT_COMPRESSED.has(g.name)) {
      it('re-encodes from the JSON values to the same bytes', () => {
        expect(encodeRecordBatch(inputOf(g)).toString('hex')).toBe(g.hex);
      });
    } else {
      it('re-encodes with our compressor to a batch that decodes to the same records', () => {
        const ours = encodeRecordBatch(inputOf(g));
        const a = decodeRecordBatch(ours);
        const b = decodeRecordBatch(bytes);
        expect(a.records).toEqual(b.records);
        expect(a.attributes).toBe(b.attributes);
        expect(a.maxTimestamp).toBe(b.maxTimestamp);
      });
    }
  });
});
