import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  batchHeaderOf,
  CrcMismatchError,
  InvalidValueError,
  decodeRecordBatch,
  encodeRecordBatch,
  type RecordBatchInput,
  type RestampFields,
  readRecordBatch,
  restampRecordBatch,
  Writer,
} from '../../src/index.js';
import { batchArb, fcSeed } from './arbitraries.js';

const runs = Number(process.env.IDEM_PROPERTY_RUNS ?? 150);

function expectMatches(input: RecordBatchInput, bytes: Buffer): void {
  const batch = decodeRecordBatch(bytes);
  const n = input.records.length;
  expect(batch.baseOffset).toBe(input.baseOffset ?? 0n);
  expect(batch.batchLength).toBe(bytes.length - 12);
  expect(batch.partitionLeaderEpoch).toBe(input.partitionLeaderEpoch ?? -1);
  expect(batch.magic).toBe(2);
  expect(batch.compression).toBe(input.compression ?? 'none');
  expect(batch.timestampType).toBe(input.timestampType ?? 'CreateTime');
  expect(batch.isTransactional).toBe(input.isTransactional ?? false);
  expect(batch.isControl).toBe(false);
  expect(batch.hasDeleteHorizon).toBe(input.hasDeleteHorizon ?? false);
  expect(batch.lastOffsetDelta).toBe(n - 1);
  expect(batch.producerId).toBe(input.producerId ?? -1n);
  expect(batch.producerEpoch).toBe(input.producerEpoch ?? -1);
  expect(batch.baseSequence).toBe(input.baseSequence ?? -1);
  expect(batch.recordCount).toBe(n);
  const stamps = input.records.map((r) => BigInt(r.timestamp!));
  expect(batch.baseTimestamp).toBe(n === 0 ? -1n : stamps[0]);
  let max = -1n;
  for (const [i, t] of stamps.entries()) if (i === 0 || t > max) max = t;
  expect(batch.maxTimestamp).toBe(max);
  batch.records.forEach((r, i) => {
    const want = input.records[i]!;
    expect(r.offsetDelta).toBe(i);
    expect(r.attributes).toBe(0);
    expect(BigInt(r.timestampDelta) + batch.baseTimestamp).toBe(stamps[i]);
    expect(r.timestamp).toBe(batch.timestampType === 'LogAppendTime' ? max : stamps[i]);
    expect(r.key).toEqual(want.key ?? null);
    expect(r.value).toEqual(want.value);
    expect(r.headers).toEqual(want.headers ?? []);
  });
}

describe('encode → decode round trip', () => {
  it('decode(encode(x)) gives back every header field and record, for every compression', () => {
    fc.assert(
      fc.property(batchArb, (input) => {
        expectMatches(input, encodeRecordBatch(input));
      }),
      { seed: fcSeed, numRuns: runs },
    );
  });

  it('the lazy reader yields the same records as the eager decode', () => {
    fc.assert(
      fc.property(batchArb, (input) => {
        const bytes = encodeRecordBatch(input);
        expect([...readRecordBatch(bytes).records()]).toEqual(decodeRecordBatch(bytes).records);
      }),
      { seed: fcSeed + 1, numRuns: 50 },
    );
  });

  it('encoding into a shared writer appends each batch after the previous bytes', () => {
    fc.assert(
      fc.property(fc.array(batchArb, { minLength: 1, maxLength: 3 }), (inputs) => {
        const w = new Writer(8);
        w.int32(0x12345678);
        const views = inputs.map((input) => Buffer.from(encodeRecordBatch(input, { writer: w })));
        expect(w.view().readInt32BE(0)).toBe(0x12345678);
        expect(Buffer.concat([Buffer.from('12345678', 'hex'), ...views]).equals(w.view())).toBe(true);
        inputs.forEach((input, i) => {
          expectMatches(input, views[i]!);
        });
      }),
      { seed: fcSeed + 2, numRuns: 40 },
    );
  });

  it('large batches: thousands of records and headers, beyond every scratch buffer size', () => {
    const records = Array.from({ length: 3000 }, (_, i) => ({
      key: i % 3 === 0 ? null : Buffer.from(`k${i}`),
      value: Buffer.from(`value-${i}-`.repeat(1 + (i % 40))),
      headers:
        i % 2 === 1
          ? [
              { key: 'hé', value: Buffer.from('x') },
              { key: `n${i}`, value: null },
            ]
          : [],
      timestamp: 1_700_000_000_000 + i * 3,
    }));
    for (const compression of ['none', 'gzip'] as const) {
      const bytes = encodeRecordBatch({ records, compression });
      const batch = decodeRecordBatch(bytes);
      expect(batch.batchLength).toBe(bytes.length - 12);
      // One comparison of plain values (thousands of separate expects would be slow).
      const hex = (b: Uint8Array | null) => (b === null ? 'null' : Buffer.from(b).toString('hex'));
      const line = (
        d: number,
        ts: bigint,
        k: Uint8Array | null,
        v: Uint8Array | null,
        h: readonly { key: string; value: Uint8Array | null }[],
      ) => `${d} ${ts} ${hex(k)} ${hex(v)} ${h.map((x) => `${x.key}=${hex(x.value)}`).join(',')}`;
      const got = batch.records.map((r) => line(r.offsetDelta, r.timestamp, r.key, r.value, r.headers));
      const want = records.map((r, i) => line(i, BigInt(r.timestamp), r.key, r.value, r.headers));
      expect(got.join('\n')).toBe(want.join('\n'));
    }
  });

  it('timestamps beyond 2^53 work when their deltas are safe integers, and are refused otherwise', () => {
    const cases: RecordBatchInput[] = [
      {
        records: [
          { value: null, timestamp: 2n ** 60n },
          { value: null, timestamp: 2n ** 60n - 5n },
        ],
      },
      {
        records: [
          { value: null, timestamp: 5 },
          { value: null, timestamp: 2n ** 52n },
        ],
      },
      {
        records: [
          { value: null, timestamp: -(2n ** 62n) },
          { value: null, timestamp: -(2n ** 62n) + 1000n },
        ],
      },
      {
        baseTimestamp: 2n ** 53n + 1n,
        records: [
          { value: Buffer.from('a'), timestamp: 2n ** 53n + 100n },
          { value: null, timestamp: 2n ** 53n },
        ],
      },
    ];
    // Deltas beyond ±2^53 ms: the decoder would refuse them, so the encoder does too.
    expect(() =>
      encodeRecordBatch({
        records: [
          { value: null, timestamp: 2n ** 60n },
          { value: null, timestamp: 5 },
        ],
      }),
    ).toThrow(/records\[1\]\.timestamp/);
    expect(() =>
      encodeRecordBatch({
        records: [
          { value: null, timestamp: -(2 ** 53) + 1 },
          { value: null, timestamp: 2 ** 53 - 1 },
        ],
      }),
    ).toThrow(InvalidValueError);
    for (const input of cases) {
      const bytes = encodeRecordBatch(input);
      const batch = decodeRecordBatch(bytes);
      const base = BigInt(input.baseTimestamp ?? input.records[0]!.timestamp!);
      expect(batch.baseTimestamp).toBe(base);
      expect(batch.records.map((r) => base + BigInt(r.timestampDelta))).toEqual(
        input.records.map((r) => BigInt(r.timestamp!)),
      );
    }
  });

  it('records without timestamps take `now`', () => {
    const bytes = encodeRecordBatch(
      { records: [{ value: null }, { value: Buffer.from('x') }] },
      { now: 1234 },
    );
    const batch = decodeRecordBatch(bytes);
    expect(batch.baseTimestamp).toBe(1234n);
    expect(batch.maxTimestamp).toBe(1234n);
    expect(batch.records.map((r) => r.timestamp)).toEqual([1234n, 1234n]);
  });

  it('an empty batch has -1 timestamps and lastOffsetDelta -1', () => {
    const batch = decodeRecordBatch(encodeRecordBatch({ records: [] }));
    expect(batch.recordCount).toBe(0);
    expect(batch.baseTimestamp).toBe(-1n);
    expect(batch.maxTimestamp).toBe(-1n);
    expect(batch.lastOffsetDelta).toBe(-1);
    expect(batch.records).toEqual([]);
  });

  it('negative timestamp deltas and values of 64+ bytes with long varints', () => {
    const big = Buffer.alloc(70_000, 1);
    const input = {
      records: [
        { value: big, timestamp: 10_000n, key: Buffer.alloc(200, 2) },
        { value: Buffer.alloc(64), timestamp: 1n, headers: [{ key: 'é'.repeat(100), value: big }] },
      ],
    };
    expectMatches(input, encodeRecordBatch(input));
  });

  it('rejects values that are not bytes and out-of-range header fields', () => {
    expect(() => encodeRecordBatch({ records: [{ value: 'x' as unknown as Uint8Array }] })).toThrow(
      /Uint8Array/,
    );
    expect(() => encodeRecordBatch({ records: [], producerEpoch: 40000 })).toThrow(/producerEpoch/);
    expect(() => encodeRecordBatch({ records: [], baseSequence: 2 ** 31 })).toThrow(/baseSequence/);
    expect(() => encodeRecordBatch({ records: [{ value: null, timestamp: 2 ** 60 }] })).toThrow(
      /safe integer/,
    );
  });
});

describe('restampRecordBatch', () => {
  const restampArb = fc.record({
    producerId: fc.bigInt({ min: -1n, max: 2n ** 63n - 1n }),
    producerEpoch: fc.integer({ min: 0, max: 32767 }),
    baseSequence: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
    baseOffset: fc.option(fc.bigInt({ min: 0n, max: 2n ** 62n }), { nil: undefined }),
    partitionLeaderEpoch: fc.option(fc.integer({ min: -1, max: 1000 }), { nil: undefined }),
  });

  it('rewrites the producer fields, keeps the records, and leaves a valid CRC', () => {
    fc.assert(
      fc.property(batchArb, restampArb, fc.boolean(), (input, raw, copy) => {
        const fields = Object.fromEntries(
          Object.entries(raw).filter(([, v]) => v !== undefined),
        ) as unknown as RestampFields;
        const original = encodeRecordBatch(input);
        const before = decodeRecordBatch(Buffer.from(original));
        const snapshot = Buffer.from(original);
        const out = restampRecordBatch(original, fields, { copy });
        if (copy) {
          expect(original.equals(snapshot)).toBe(true);
          expect(out).not.toBe(original);
        } else {
          expect(out).toBe(original);
        }
        const after = decodeRecordBatch(out); // verifies the CRC
        expect(after.producerId).toBe(fields.producerId);
        expect(after.producerEpoch).toBe(fields.producerEpoch);
        expect(after.baseSequence).toBe(fields.baseSequence);
        expect(after.baseOffset).toBe(fields.baseOffset ?? before.baseOffset);
        expect(after.partitionLeaderEpoch).toBe(fields.partitionLeaderEpoch ?? before.partitionLeaderEpoch);
        expect(after.records).toEqual(before.records);
        // Only header bytes 0..60 may differ; the records are untouched.
        expect(out.subarray(61).equals(snapshot.subarray(61))).toBe(true);
        // Same bytes as encoding with those fields from scratch (CRC included).
        const direct = encodeRecordBatch({
          ...input,
          producerId: fields.producerId,
          producerEpoch: fields.producerEpoch,
          baseSequence: fields.baseSequence,
          baseOffset: fields.baseOffset ?? input.baseOffset ?? 0n,
          partitionLeaderEpoch: fields.partitionLeaderEpoch ?? input.partitionLeaderEpoch ?? -1,
        });
        if (input.compression === 'none' || input.compression === undefined)
          expect(out.equals(direct)).toBe(true);
        else expect(out.readUInt32BE(17)).not.toBe(-1);
      }),
      { seed: fcSeed + 3, numRuns: runs },
    );
  });

  it('refuses to re-sign a batch whose CRC is already wrong, unless told not to check', () => {
    const bytes = encodeRecordBatch({ records: [{ value: Buffer.from('abc'), timestamp: 1 }] });
    bytes[bytes.length - 2]! ^= 0xff;
    const fields = { producerId: 5n, producerEpoch: 1, baseSequence: 0 };
    expect(() => restampRecordBatch(bytes, fields)).toThrow(CrcMismatchError);
    const out = restampRecordBatch(bytes, fields, { verifyCrc: false });
    expect(batchHeaderOf(out).producerId).toBe(5n);
  });

  it('validates the new field values', () => {
    const bytes = encodeRecordBatch({ records: [{ value: null, timestamp: 1 }] });
    expect(() =>
      restampRecordBatch(bytes, { producerId: 1n, producerEpoch: 1 << 16, baseSequence: 0 }),
    ).toThrow(/producerEpoch/);
    expect(() => restampRecordBatch(bytes, { producerId: 1n, producerEpoch: 0, baseSequence: -2 })).toThrow(
      /baseSequence/,
    );
  });
});
