import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crc32cJs } from '../../src/crc32c/js.js';
import {
  batchHeaderOf,
  CodecError,
  type CompressionCodec,
  type CompressionId,
  compressionCodec,
  decodeRecordBatch,
  readRecordBatch,
  readRecordBatches,
  registerCompressionCodec,
  restampRecordBatch,
} from '../../src/index.js';
import { fcSeed } from './arbitraries.js';
import { goldenBytes } from './golden.js';

/**
 * Hostile input: every outcome must be a decoded value or a CodecError, never another exception or
 * a hang, and nothing may be allocated beyond what the input justifies. IDEM_FUZZ_RUNS scales it
 * (`pnpm fuzz` runs 200k); the default keeps CI well under 20 s. The seed is fixed (IDEM_SEED).
 */
const RUNS = Number(process.env.IDEM_FUZZ_RUNS ?? 3000);
/** Single-byte mutations: all 256 values per position when fuzzing hard, a spread of 12 otherwise. */
const MUTATION_VALUES =
  RUNS >= 50_000
    ? Array.from({ length: 256 }, (_, i) => i)
    : [0x00, 0x01, 0x02, 0x7f, 0x80, 0x81, 0xfe, 0xff, 0x3f, 0x40, 0x10, 0x0f];

/** Long fuzz runs (`pnpm fuzz`) take minutes; the default run stays within seconds. */
const TIMEOUT = Math.max(30_000, RUNS * 20);

const FIXTURES = [
  'single-record/none',
  'mixed-records/none',
  'idempotent/none',
  'control-commit/none',
  'mixed-records/gzip',
  'idempotent/snappy',
  'idempotent/lz4',
  'mixed-records/zstd',
];

let largestAllocation = 0;
/** Decompressors allocate fixed-size working chunks (zlib: 16 KiB); their output is checked separately. */
let inDecompressor = false;
let largestDecompression = 0;
let decompressionCap = 0;
const restorers: (() => void)[] = [];
const originalCodecs: CompressionCodec[] = [];

beforeAll(() => {
  // Every Buffer the decoder allocates goes through one of these; record the largest request. (Plain
  // wrappers rather than vi.spyOn, which would keep every call's arguments for the whole run.)
  for (const name of ['alloc', 'allocUnsafe', 'allocUnsafeSlow'] as const) {
    const original = Buffer[name] as (...a: unknown[]) => Buffer;
    restorers.push(() => {
      (Buffer as unknown as Record<string, unknown>)[name] = original;
    });
    (Buffer as unknown as Record<string, unknown>)[name] = (size: number, ...rest: unknown[]) => {
      if (!inDecompressor) largestAllocation = Math.max(largestAllocation, size);
      return original.call(Buffer, size, ...rest);
    };
  }
  // Each decompressor must stop at the cap it is given, whatever the stream claims.
  for (const id of [1, 2, 3, 4] as const) {
    const codec = compressionCodec(id);
    originalCodecs.push(codec);
    registerCompressionCodec({
      ...codec,
      decompress(bytes, max) {
        decompressionCap = max;
        inDecompressor = true;
        let out: Buffer;
        try {
          out = codec.decompress(bytes, max);
        } finally {
          inDecompressor = false;
        }
        largestDecompression = Math.max(largestDecompression, out.length - max);
        return out;
      },
    });
  }
});

afterAll(() => {
  for (const restore of restorers) restore();
  for (const c of originalCodecs) registerCompressionCodec(c);
});

/** Re-signs a mutated batch so that decoding goes past the CRC check into the records. */
function resign(bytes: Buffer): Buffer {
  if (bytes.length >= 61) bytes.writeUInt32BE(crc32cJs(bytes.subarray(21)), 17);
  return bytes;
}

function attempt(bytes: Buffer): void {
  const cap = 4 * bytes.length + 1024;
  largestAllocation = 0;
  for (const op of [
    () => decodeRecordBatch(bytes, { maxDecompressedBytes: cap }),
    () => {
      const lazy = readRecordBatch(bytes, { maxDecompressedBytes: cap });
      for (const _ of lazy.records()) {
        // drain
      }
    },
    () => batchHeaderOf(bytes),
    () => {
      const seq = readRecordBatches(bytes, { maxDecompressedBytes: cap });
      for (const batch of seq)
        for (const _ of batch.records()) {
          // drain
        }
    },
    () => restampRecordBatch(Buffer.from(bytes), { producerId: 1n, producerEpoch: 0, baseSequence: 0 }),
  ]) {
    try {
      op();
    } catch (e) {
      if (!(e instanceof CodecError)) {
        throw new Error(`non-CodecError for input ${bytes.toString('hex')}: ${String(e)}`, { cause: e });
      }
    }
  }
  // restamp copies its input (Buffer.from is not spied); nothing else may allocate more than the input.
  expect(largestAllocation, `allocation for input ${bytes.toString('hex')}`).toBeLessThanOrEqual(
    bytes.length,
  );
  expect(largestDecompression, 'decompressed output over its cap').toBeLessThanOrEqual(0);
}

describe('hostile record batches', { timeout: TIMEOUT }, () => {
  it('the allocation probe would notice a decoder that trusts a length prefix', () => {
    const trusting = (bytes: Buffer) => Buffer.alloc(bytes.readInt32BE(0));
    largestAllocation = 0;
    trusting(Buffer.from('00100000', 'hex'));
    expect(largestAllocation).toBe(0x100000);
  });

  it.each(FIXTURES)('%s: every truncation ends in a CodecError', (name) => {
    const valid = goldenBytes(name);
    for (let n = 0; n < valid.length; n++) {
      const cut = Buffer.from(valid.subarray(0, n));
      expect(() => decodeRecordBatch(cut)).toThrow(CodecError);
      attempt(cut);
      // A cut-off batch in a Fetch is flagged, not thrown.
      const seq = readRecordBatches(Buffer.concat([valid, cut]));
      expect(seq.batches.length).toBe(1);
      expect(seq.partialTrailingBatch).toBe(n > 0);
      expect(seq.completeBytes).toBe(valid.length);
    }
  });

  it.each(FIXTURES)(
    '%s: every single-byte mutation, CRC intact or re-signed, is a value or a CodecError',
    (name) => {
      const valid = goldenBytes(name);
      for (let i = 0; i < valid.length; i++) {
        for (const v of MUTATION_VALUES) {
          if (valid[i] === v) continue;
          const mutated = Buffer.from(valid);
          mutated[i] = v;
          attempt(mutated);
          if (i >= 21) attempt(resign(Buffer.from(mutated)));
        }
      }
    },
  );

  it('a mutation inside the CRC-covered bytes is caught by the CRC', () => {
    const valid = goldenBytes('mixed-records/none');
    for (let i = 21; i < valid.length; i++) {
      const mutated = Buffer.from(valid);
      mutated[i]! ^= 0x01;
      expect(() => decodeRecordBatch(mutated)).toThrow(/crc/);
    }
  });

  it('random bytes, with and without a plausible v2 header, are a value or a CodecError', () => {
    const header = goldenBytes('single-record/none').subarray(0, 61);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.boolean(), (raw, withHeader) => {
        let bytes = Buffer.from(raw);
        if (withHeader) {
          bytes = Buffer.concat([header, bytes]);
          bytes.writeInt32BE(bytes.length - 12, 8);
          bytes.writeInt32BE(1 + ((raw[0] ?? 0) % 4), 57);
          bytes.writeInt32BE(8, 23);
          resign(bytes);
        }
        attempt(bytes);
      }),
      { seed: fcSeed, numRuns: RUNS },
    );
  });

  it('random bytes inside compressed batches stop at the decompression cap or fail as CodecError', () => {
    const template = goldenBytes('idempotent/none');
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), fc.uint8Array({ maxLength: 200 }), (codec, raw) => {
        const body = compressionCodec(codec as CompressionId).compress(raw);
        const bytes = Buffer.concat([template.subarray(0, 61), body]);
        bytes.writeInt32BE(bytes.length - 12, 8);
        bytes.writeInt16BE(codec, 21);
        resign(bytes);
        attempt(bytes);
      }),
      { seed: fcSeed + 1, numRuns: Math.ceil(RUNS / 4) },
    );
  });

  it('a decompression bomb is stopped at the cap for every codec', () => {
    const zeros = Buffer.alloc(8 * 1024 * 1024);
    for (const codec of [1, 2, 3, 4] as const) {
      const body = compressionCodec(codec).compress(zeros);
      const bytes = Buffer.concat([goldenBytes('idempotent/none').subarray(0, 61), body]);
      bytes.writeInt32BE(bytes.length - 12, 8);
      bytes.writeInt16BE(codec, 21);
      resign(bytes);
      expect(() => decodeRecordBatch(bytes, { maxDecompressedBytes: 1024 * 1024 })).toThrow(
        expect.objectContaining({ code: 'ERR_DECOMPRESSION_LIMIT' }),
      );
      expect(decompressionCap).toBe(1024 * 1024);
    }
  });

  it('a huge record length or header count is rejected without allocating', () => {
    // One record whose length varint claims 2^30 bytes, re-signed so the CRC passes.
    const valid = goldenBytes('single-record/none');
    const bytes = Buffer.from(valid);
    bytes[61] = 0x80;
    bytes[62] = 0x80;
    bytes[63] = 0x80;
    bytes[64] = 0x80;
    bytes[65] = 0x08;
    resign(bytes);
    expect(() => decodeRecordBatch(bytes)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_LENGTH' }));
  });
});
