import fc from 'fast-check';
import type { CompressionName, RecordBatchInput, RecordInput } from '../../src/index.js';

export const fcSeed = process.env.IDEM_SEED ? Number(process.env.IDEM_SEED) : 0x1dea;

const bytes = (max: number) => fc.uint8Array({ maxLength: max }).map((u) => Buffer.from(u));
const nullableBytes = (max: number) => fc.option(bytes(max), { nil: null, freq: 4 });

const timestamp = fc.oneof(
  fc.integer({ min: 1_600_000_000_000, max: 1_800_000_000_000 }),
  fc.bigInt({ min: -(2n ** 62n), max: 2n ** 62n }),
  fc.constantFrom(-1, 0, 2 ** 53 - 1, -(2 ** 53) + 1),
);

export const recordArb: fc.Arbitrary<RecordInput> = fc.record({
  key: fc.option(bytes(40), { nil: null, freq: 4 }),
  value: nullableBytes(300),
  headers: fc.array(
    fc.record({ key: fc.string({ unit: 'grapheme', maxLength: 20 }), value: nullableBytes(30) }),
    { maxLength: 4 },
  ),
  timestamp,
});

export const compressionArb = fc.constantFrom<CompressionName>('none', 'gzip', 'snappy', 'lz4', 'zstd');

export const batchArb: fc.Arbitrary<RecordBatchInput> = fc
  .record({
    records: fc.array(recordArb, { minLength: 0, maxLength: 12 }),
    compression: compressionArb,
    baseOffset: fc.bigInt({ min: 0n, max: 2n ** 63n - 1n }),
    partitionLeaderEpoch: fc.integer({ min: -1, max: 2 ** 31 - 1 }),
    producerId: fc.bigInt({ min: -1n, max: 2n ** 63n - 1n }),
    producerEpoch: fc.integer({ min: -1, max: 32767 }),
    baseSequence: fc.integer({ min: -1, max: 2 ** 31 - 1 }),
    isTransactional: fc.boolean(),
    timestampType: fc.constantFrom('CreateTime' as const, 'LogAppendTime' as const),
    hasDeleteHorizon: fc.boolean(),
  })
  // Timestamps far apart would need deltas beyond 2^53 ms; keep each batch's timestamps near the first.
  .map((b): RecordBatchInput => {
    const first = b.records[0]?.timestamp;
    if (first === undefined) return b;
    const base = BigInt(first);
    return {
      ...b,
      records: b.records.map((r, i) => ({
        ...r,
        timestamp: i === 0 ? first : base + (BigInt(r.timestamp ?? 0) % 1_000_000_000n),
      })),
    };
  });
