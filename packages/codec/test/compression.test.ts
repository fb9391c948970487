import { createRequire } from 'node:module';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { optionalModule } from '../src/compression/optional-module.js';
import {
  CompressionError,
  CompressionLibraryMissingError,
  type CompressionName,
  compressionCodec,
  DecompressionLimitError,
  getDefaultMaxDecompressedBytes,
  InvalidValueError,
  setDefaultMaxDecompressedBytes,
} from '../src/index.js';
import { goldenBatches } from './record-batch/golden.js';

const seed = process.env.IDEM_SEED ? Number(process.env.IDEM_SEED) : 0xc0de;
const require = createRequire(import.meta.url);
const CODECS: CompressionName[] = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];

describe('compression registry', () => {
  it('maps Kafka ids and names to the same codec', () => {
    CODECS.forEach((name, id) => {
      expect(compressionCodec(name).id).toBe(id);
      expect(compressionCodec(id as 0 | 1 | 2 | 3 | 4).name).toBe(name);
    });
    expect(() => compressionCodec(5 as never)).toThrow(InvalidValueError);
    expect(() => compressionCodec('brotli' as never)).toThrow(InvalidValueError);
  });

  it.each(CODECS)('%s round-trips arbitrary bytes', (name) => {
    const codec = compressionCodec(name);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 5000 }), (bytes) => {
        expect(codec.decompress(codec.compress(bytes), 1 << 20)).toEqual(Buffer.from(bytes));
      }),
      { seed, numRuns: 60 },
    );
  });

  it.each(['gzip', 'snappy', 'lz4', 'zstd'] as const)(
    '%s round-trips 200 KiB spanning several blocks',
    (name) => {
      const codec = compressionCodec(name);
      const input = Buffer.alloc(200 * 1024);
      for (let i = 0; i < input.length; i++) input[i] = ((i * 7) % 251) ^ (i >> 10);
      expect(codec.decompress(codec.compress(input), input.length).equals(input)).toBe(true);
      expect(() => codec.decompress(codec.compress(input), input.length - 1)).toThrow(
        DecompressionLimitError,
      );
    },
  );

  it.each(['gzip', 'snappy', 'lz4', 'zstd'] as const)('%s: garbage is a CompressionError', (name) => {
    const garbage = Buffer.from('this is not a compressed stream at all, not even close');
    expect(() => compressionCodec(name).decompress(garbage, 1 << 20)).toThrow(CompressionError);
  });

  it('the default cap is 64 MiB and can be changed', () => {
    expect(getDefaultMaxDecompressedBytes()).toBe(64 * 1024 * 1024);
    setDefaultMaxDecompressedBytes(1000);
    expect(getDefaultMaxDecompressedBytes()).toBe(1000);
    expect(() => setDefaultMaxDecompressedBytes(-1)).toThrow(RangeError);
  });

  afterEach(() => setDefaultMaxDecompressedBytes(64 * 1024 * 1024));
});

describe('snappy (xerial framing)', () => {
  const snappy = compressionCodec('snappy');
  const raw = require('snappy') as { compressSync(b: Buffer): Buffer };

  it('writes the xerial header and one length-prefixed block per 32 KiB of input', () => {
    const input = Buffer.alloc(70 * 1024, 'abc');
    const out = snappy.compress(input);
    expect(out.subarray(0, 16).toString('hex')).toBe('82534e41505059000000000100000001');
    let at = 16;
    let blocks = 0;
    while (at < out.length) {
      at += 4 + out.readInt32BE(at);
      blocks++;
    }
    expect(at).toBe(out.length);
    expect(blocks).toBe(3);
  });

  it('writes only the header for empty input', () => {
    expect(snappy.compress(Buffer.alloc(0)).length).toBe(16);
    expect(snappy.decompress(snappy.compress(Buffer.alloc(0)), 10).length).toBe(0);
  });

  it('reads a raw (unframed) snappy block, as librdkafka writes', () => {
    const input = Buffer.from('raw snappy from librdkafka '.repeat(20));
    expect(snappy.decompress(raw.compressSync(input), 1 << 20).equals(input)).toBe(true);
  });

  it('checks a raw block declared length against the cap before decompressing', () => {
    // Preamble uvarint 0xffffffff (4 GiB) followed by nothing useful.
    const hostile = Buffer.from('ffffffff0f00', 'hex');
    expect(() => snappy.decompress(hostile, 1 << 20)).toThrow(DecompressionLimitError);
  });

  it('rejects a xerial block length past the end', () => {
    const framed = snappy.compress(Buffer.from('hello'));
    framed.writeInt32BE(1000, 16);
    expect(() => snappy.decompress(framed, 1 << 20)).toThrow(/exceeds/);
  });

  it('decodes every golden snappy batch payload written by snappy-java', () => {
    for (const g of goldenBatches.filter((x) => x.compression === 'snappy')) {
      const payload = Buffer.from(g.hex, 'hex').subarray(61);
      expect(snappy.decompress(payload, 1 << 20).length).toBeGreaterThan(0);
    }
  });
});

describe('lz4 (frame format)', () => {
  const lz4 = compressionCodec('lz4');

  it('writes a frame with block independence and no checksums, like Java (FLG 0x60)', () => {
    const out = lz4.compress(Buffer.from('hello lz4 hello lz4 hello lz4'));
    expect(out.readUInt32LE(0)).toBe(0x184d2204);
    expect(out[4]).toBe(0x60);
    // Block max size id 4..7 (64 KiB .. 4 MiB), all accepted by Kafka's reader.
    expect((out[5]! >> 4) & 7).toBeGreaterThanOrEqual(4);
  });

  it('decodes every golden lz4 batch payload written by lz4-java', () => {
    for (const g of goldenBatches.filter((x) => x.compression === 'lz4')) {
      const payload = Buffer.from(g.hex, 'hex').subarray(61);
      expect(lz4.decompress(payload, 1 << 20).length).toBeGreaterThan(0);
    }
  });

  it('a frame declaring blocks beyond the cap is refused before decompressing', () => {
    const input = Buffer.alloc(300 * 1024, 1);
    const frame = lz4.compress(input);
    expect(() => lz4.decompress(frame, 1000)).toThrow(DecompressionLimitError);
  });

  it('a block size larger than the frame block size is corrupt', () => {
    const frame = Buffer.from(lz4.compress(Buffer.from('abc')));
    frame.writeUInt32LE(0x7fff_fff0, 7);
    expect(() => lz4.decompress(frame, 1 << 20)).toThrow(CompressionError);
  });
});

describe('optional libraries', () => {
  it('a missing package is a CompressionLibraryMissingError naming it', () => {
    const load = optionalModule('@idem/no-such-compressor', 'imaginary');
    let error: unknown;
    try {
      load();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CompressionLibraryMissingError);
    expect((error as CompressionLibraryMissingError).packageName).toBe('@idem/no-such-compressor');
    expect((error as Error).message).toContain('npm install @idem/no-such-compressor');
    // The failure is remembered, and reported the same way again.
    expect(() => load()).toThrow(CompressionLibraryMissingError);
  });
});
