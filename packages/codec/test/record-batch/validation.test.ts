import { describe, expect, it } from 'vitest';
import { crc32cJs } from '../../src/crc32c/js.js';
import {
  batchHeaderOf,
  CrcMismatchError,
  decodeRecordBatch,
  encodeRecordBatch,
  InvalidLengthError,
  InvalidValueError,
  readRecordBatch,
  readRecordBatches,
  TruncatedInputError,
} from '../../src/index.js';
import { goldenBytes } from './golden.js';

function resign(bytes: Buffer): Buffer {
  bytes.writeUInt32BE(crc32cJs(bytes.subarray(21)), 17);
  return bytes;
}

function errorOf(fn: () => unknown): Error & { code?: string; field?: string; offset?: number } {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a throw');
}

const small = () =>
  encodeRecordBatch({
    records: [
      { key: Buffer.from('a'), value: Buffer.from('1'), timestamp: 10 },
      { key: Buffer.from('b'), value: Buffer.from('2'), timestamp: 11 },
    ],
  });

describe('batch validation', () => {
  it('magic other than 2 is an InvalidValueError naming magic', () => {
    const bytes = Buffer.from(small());
    bytes[16] = 1;
    const e = errorOf(() => decodeRecordBatch(bytes));
    expect(e).toBeInstanceOf(InvalidValueError);
    expect(e.field).toBe('magic');
    expect(e.offset).toBe(16);
    expect(() => batchHeaderOf(bytes)).toThrow(/magic/);
  });

  it('a CRC mismatch reports expected and actual', () => {
    const bytes = Buffer.from(small());
    bytes.writeUInt32BE(0xdeadbeef, 17);
    const e = errorOf(() => decodeRecordBatch(bytes)) as CrcMismatchError;
    expect(e).toBeInstanceOf(CrcMismatchError);
    expect(e.expected).toBe(0xdeadbeef);
    expect(e.actual).toBe(crc32cJs(bytes.subarray(21)));
    // Skipping the check is possible for bytes checked elsewhere.
    expect(decodeRecordBatch(bytes, { verifyCrc: false }).records).toHaveLength(2);
  });

  it('batchLength must match the input for a single batch', () => {
    const bytes = Buffer.from(small());
    expect(errorOf(() => decodeRecordBatch(Buffer.concat([bytes, Buffer.alloc(1)]))).field).toBe(
      'batchLength',
    );
    const shorter = Buffer.from(bytes);
    shorter.writeInt32BE(10, 8);
    expect(errorOf(() => decodeRecordBatch(shorter))).toBeInstanceOf(InvalidLengthError);
    expect(errorOf(() => decodeRecordBatch(bytes.subarray(0, 40)))).toBeInstanceOf(TruncatedInputError);
  });

  it('compression codes 5-7 are invalid', () => {
    for (const code of [5, 6, 7]) {
      const bytes = Buffer.from(small());
      bytes.writeInt16BE(code, 21);
      const e = errorOf(() => decodeRecordBatch(resign(bytes)));
      expect(e).toBeInstanceOf(InvalidValueError);
      expect(e.field).toBe('attributes');
    }
  });

  it('recordCount must agree with lastOffsetDelta and with the records present', () => {
    const more = Buffer.from(small());
    more.writeInt32BE(3, 57);
    expect(errorOf(() => decodeRecordBatch(resign(more))).field).toBe('lastOffsetDelta');
    const fewer = Buffer.from(small());
    fewer.writeInt32BE(1, 57);
    expect(errorOf(() => decodeRecordBatch(resign(fewer))).field).toBe('records');
    // Two records of 40+ bytes claim to be three: the count passes the size bound, the data runs out.
    const missing = Buffer.from(
      encodeRecordBatch({
        records: [
          { value: Buffer.alloc(40), timestamp: 1 },
          { value: Buffer.alloc(40), timestamp: 2 },
        ],
      }),
    );
    missing.writeInt32BE(5, 23);
    missing.writeInt32BE(3, 57);
    expect(errorOf(() => decodeRecordBatch(resign(missing))).field).toBe('records[2]');
    // A count that cannot fit in the bytes at all is refused before reading any record.
    const impossible = Buffer.from(small());
    impossible.writeInt32BE(1000, 23);
    impossible.writeInt32BE(1000, 57);
    expect(errorOf(() => decodeRecordBatch(resign(impossible))).field).toBe('recordCount');
    const negative = Buffer.from(small());
    negative.writeInt32BE(-1, 57);
    expect(errorOf(() => decodeRecordBatch(resign(negative))).field).toBe('recordCount');
  });

  it('a record whose fields do not fill its declared length is invalid', () => {
    const bytes = Buffer.from(small());
    // First record: length varint at 61. Grow it by one and shrink the second record's view.
    const length = bytes[61]! >> 1;
    bytes[61] = (length - 1) << 1;
    const e = errorOf(() => decodeRecordBatch(resign(bytes)));
    expect(e).toBeInstanceOf(TruncatedInputError);
    expect(e.field).toMatch(/^records\[0\]/);
  });

  it('offset deltas must increase within lastOffsetDelta', () => {
    const bytes = Buffer.from(small());
    // Record layout: length(1) attributes(1) timestampDelta(1) offsetDelta(1) …; second record follows.
    const secondStart = 61 + 1 + (bytes[61]! >> 1);
    bytes[secondStart + 3] = 0; // offsetDelta 0 again
    expect(errorOf(() => decodeRecordBatch(resign(bytes))).field).toBe('records[1].offsetDelta');
  });

  it('control batches need a control key', () => {
    const bytes = Buffer.from(goldenBytes('control-commit/none'));
    expect(decodeRecordBatch(bytes).control).toEqual({
      type: 'COMMIT',
      typeId: 1,
      version: 0,
      coordinatorEpoch: 17,
    });
    const plain = encodeRecordBatch({
      isControl: true,
      records: [{ key: Buffer.from('ab'), value: null, timestamp: 1 }],
    });
    expect(errorOf(() => decodeRecordBatch(plain)).field).toBe('records[0].key');
    const nullKey = encodeRecordBatch({
      isControl: true,
      records: [{ key: null, value: null, timestamp: 1 }],
    });
    expect(errorOf(() => decodeRecordBatch(nullKey)).field).toBe('records[0].key');
    const badMarker = encodeRecordBatch({
      isControl: true,
      records: [{ key: Buffer.from('00000000', 'hex'), value: Buffer.from('00'), timestamp: 1 }],
    });
    expect(errorOf(() => decodeRecordBatch(badMarker)).field).toBe('records[0].value');
    const kraft = encodeRecordBatch({
      isControl: true,
      records: [{ key: Buffer.from('00000003', 'hex'), value: Buffer.from('anything'), timestamp: 1 }],
    });
    expect(decodeRecordBatch(kraft).control).toEqual({ type: 'UNKNOWN', typeId: 3, version: 0 });
  });

  it('header counts and keys are bounded by the record', () => {
    const bytes = Buffer.from(
      encodeRecordBatch({
        records: [{ key: null, value: null, headers: [{ key: 'k', value: null }], timestamp: 0 }],
      }),
    );
    // Record: len attrs ts offset key(-1) value(-1) headerCount …
    const headerCountAt = 61 + 6;
    expect(bytes[headerCountAt]).toBe(2);
    bytes[headerCountAt] = 0x7e; // 63 headers in a few bytes
    expect(errorOf(() => decodeRecordBatch(resign(Buffer.from(bytes)))).field).toBe('records[0].headers');
    bytes[headerCountAt] = 0x01; // -1 headers
    expect(errorOf(() => decodeRecordBatch(resign(Buffer.from(bytes)))).field).toBe('records[0].headers');
    bytes[headerCountAt] = 2;
    bytes[headerCountAt + 1] = 1; // header key length -1 (null)
    expect(errorOf(() => decodeRecordBatch(resign(Buffer.from(bytes)))).field).toBe(
      'records[0].headers[0].key',
    );
  });
});

describe('readRecordBatches', () => {
  it('iterates concatenated batches lazily and flags a cut-off last one', () => {
    const a = goldenBytes('idempotent/none');
    const b = goldenBytes('mixed-records/gzip');
    const c = goldenBytes('many-records/none');
    const all = Buffer.concat([a, b, c.subarray(0, 500)]);
    const seq = readRecordBatches(all);
    expect(seq.batches.map((x) => x.recordCount)).toEqual([3, 5]);
    expect(seq.partialTrailingBatch).toBe(true);
    expect(seq.completeBytes).toBe(a.length + b.length);
    expect([...seq].map((x) => x.bytes.length)).toEqual([a.length, b.length]);
    expect([...seq.batches[1]!.records()].map((r) => r.offsetDelta)).toEqual([0, 1, 2, 3, 4]);
    const whole = readRecordBatches(Buffer.concat([a, c]));
    expect(whole.partialTrailingBatch).toBe(false);
    expect(whole.batches).toHaveLength(2);
    expect(readRecordBatches(Buffer.alloc(0)).batches).toEqual([]);
  });

  it('still rejects a complete batch that is corrupt, or a wrong magic', () => {
    const a = Buffer.from(goldenBytes('idempotent/none'));
    a[70]! ^= 1;
    expect(() => readRecordBatches(a)).toThrow(CrcMismatchError);
    const legacy = Buffer.from(goldenBytes('idempotent/none'));
    legacy[16] = 1;
    expect(() => readRecordBatches(Buffer.concat([goldenBytes('idempotent/none'), legacy]))).toThrow(/magic/);
  });

  it('the lazy iterator reads records one at a time', () => {
    const lazy = readRecordBatch(goldenBytes('many-records/none'));
    const it = lazy.records();
    expect(it.next().value?.offsetDelta).toBe(0);
    expect(it.next().value?.offsetDelta).toBe(1);
    let n = 2;
    for (const _ of it) n++;
    expect(n).toBe(200);
  });
});
