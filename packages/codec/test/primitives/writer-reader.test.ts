import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CodecError,
  InvalidLengthError,
  InvalidValueError,
  Reader,
  TruncatedInputError,
  Writer,
} from '../../src/index.js';

const fcOptions = { seed: process.env.IDEM_SEED ? Number(process.env.IDEM_SEED) : 0x1de3, numRuns: 300 };

function hex(b: Uint8Array): string {
  return Buffer.from(b).toString('hex');
}

describe('fixed-width integers', () => {
  it('writes big-endian and reads back signed values', () => {
    const w = new Writer(16);
    w.int8(-128)
      .int16(-2)
      .int32(-0x8000_0000)
      .uint32(0xffff_ffff)
      .int64(-(2n ** 63n))
      .int64(2n ** 63n - 1n);
    w.float64(1.5).bool(true).bool(false);
    expect(hex(w.view().subarray(0, 7))).toBe('80fffe80000000');
    const r = new Reader(w.view());
    expect(r.int8('a')).toBe(-128);
    expect(r.int16('b')).toBe(-2);
    expect(r.int32('c')).toBe(-0x8000_0000);
    expect(r.uint32('d')).toBe(0xffff_ffff);
    expect(r.int64('e')).toBe(-(2n ** 63n));
    expect(r.int64('f')).toBe(2n ** 63n - 1n);
    expect(r.float64('g')).toBe(1.5);
    expect(r.bool('h')).toBe(true);
    expect(r.bool('i')).toBe(false);
    expect(r.remaining).toBe(0);
  });

  it('int64 out of range is rejected on write', () => {
    expect(() => new Writer().int64(2n ** 63n)).toThrow(InvalidValueError);
  });

  it('int64 round-trips arbitrary values', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), (v) => {
        const w = new Writer(8).int64(v);
        expect(new Reader(w.view()).int64('x')).toBe(v);
        expect(w.view().readBigInt64BE(0)).toBe(v);
      }),
      fcOptions,
    );
  });

  it('int64Number agrees with int64 for safe integers', () => {
    fc.assert(
      fc.property(fc.maxSafeInteger(), (v) => {
        const w = new Writer(8).int64Number(v);
        expect(w.view().readBigInt64BE(0)).toBe(BigInt(v));
        expect(new Reader(w.view()).int64Number('x')).toBe(v);
      }),
      fcOptions,
    );
  });
});

describe('varints', () => {
  it('zigzag varint matches the documented encodings', () => {
    const cases: [number, string][] = [
      [0, '00'],
      [-1, '01'],
      [1, '02'],
      [5, '0a'],
      [1000, 'd00f'],
      [63, '7e'],
      [-64, '7f'],
      [64, '8001'],
      [2147483647, 'feffffff0f'],
      [-2147483648, 'ffffffff0f'],
    ];
    for (const [v, h] of cases) {
      const w = new Writer().varint(v);
      expect(hex(w.view()), `varint ${v}`).toBe(h);
      expect(new Reader(w.view()).varint('x')).toBe(v);
    }
  });

  it('varint rejects non-int32 on write', () => {
    expect(() => new Writer().varint(2 ** 31)).toThrow(InvalidValueError);
    expect(() => new Writer().varint(1.5)).toThrow(InvalidValueError);
  });

  it('uvarint covers 0 to 2^32-1', () => {
    const cases: [number, string][] = [
      [0, '00'],
      [127, '7f'],
      [128, '8001'],
      [300, 'ac02'],
      [2 ** 32 - 1, 'ffffffff0f'],
    ];
    for (const [v, h] of cases) {
      const w = new Writer().uvarint(v);
      expect(hex(w.view())).toBe(h);
      expect(new Reader(w.view()).uvarint('x')).toBe(v);
    }
    expect(() => new Writer().uvarint(2 ** 32)).toThrow(InvalidValueError);
    expect(() => new Writer().uvarint(-1)).toThrow(InvalidValueError);
  });

  it('uvarint longer than 5 bytes or above 32 bits is invalid', () => {
    expect(() => new Reader(Buffer.from('ffffffff1f', 'hex')).uvarint('n')).toThrow(InvalidValueError);
    expect(() => new Reader(Buffer.from('ffffffff8f01', 'hex')).uvarint('n')).toThrow(InvalidValueError);
  });

  it('varint round-trips every int32', () => {
    fc.assert(
      fc.property(fc.integer({ min: -0x8000_0000, max: 0x7fff_ffff }), (v) => {
        const w = new Writer(4).varint(v);
        const r = new Reader(w.view());
        expect(r.varint('x')).toBe(v);
        expect(r.remaining).toBe(0);
      }),
      fcOptions,
    );
  });

  it('varlong edge values', () => {
    const cases: [bigint, string][] = [
      [0n, '00'],
      [-1n, '01'],
      [1n, '02'],
      [2n ** 63n - 1n, 'feffffffffffffffff01'],
      [-(2n ** 63n), 'ffffffffffffffffff01'],
      [2n ** 53n - 1n, 'feffffffffffff1f'],
      [-(2n ** 53n) + 1n, 'fdffffffffffff1f'],
    ];
    for (const [v, h] of cases) {
      const w = new Writer().varlong(v);
      expect(hex(w.view()), `varlong ${v}`).toBe(h);
      expect(new Reader(w.view()).varlong('x')).toBe(v);
    }
  });

  it('varlong and varlongNumber agree on the bytes and round-trip', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), (v) => {
        const w = new Writer(4).varlong(v);
        const r = new Reader(w.view());
        expect(r.varlong('x')).toBe(v);
        expect(r.remaining).toBe(0);
        // Reference encoding computed independently with bigint zigzag.
        let z = BigInt.asUintN(64, (v << 1n) ^ (v >> 63n));
        const bytes: number[] = [];
        while (z >= 0x80n) {
          bytes.push(Number(z & 0x7fn) | 0x80);
          z >>= 7n;
        }
        bytes.push(Number(z));
        expect(hex(w.view())).toBe(Buffer.from(bytes).toString('hex'));
      }),
      fcOptions,
    );
    fc.assert(
      fc.property(fc.oneof(fc.maxSafeInteger(), fc.integer({ min: -(2 ** 40), max: 2 ** 40 })), (v) => {
        const a = new Writer(4).varlongNumber(v).toBuffer();
        const b = new Writer(4).varlong(BigInt(v)).toBuffer();
        expect(hex(a)).toBe(hex(b));
        expect(new Reader(a).varlongNumber('x')).toBe(v);
      }),
      fcOptions,
    );
  });

  it('varlongNumber rejects unsafe values; varlong rejects more than 64 bits', () => {
    const big = new Writer().varlong(2n ** 60n).view();
    expect(() => new Reader(big).varlongNumber('ts')).toThrow(InvalidValueError);
    expect(() => new Reader(Buffer.from('ffffffffffffffffff02', 'hex')).varlong('ts')).toThrow(
      InvalidValueError,
    );
    expect(() => new Reader(Buffer.from('ffffffffffffffffffff01', 'hex')).varlong('ts')).toThrow(
      InvalidValueError,
    );
    expect(() => new Writer().varlongNumber(2 ** 53)).toThrow(InvalidValueError);
  });

  it('a varint cut short is a TruncatedInputError at the varint start', () => {
    const r = new Reader(Buffer.from('0080', 'hex'));
    r.int8('pad');
    const err = catchError(() => r.varint('records[0].length'));
    expect(err).toBeInstanceOf(TruncatedInputError);
    expect((err as TruncatedInputError).offset).toBe(1);
    expect((err as TruncatedInputError).field).toBe('records[0].length');
    expect(() => new Reader(Buffer.from('80808080', 'hex')).varlong('x')).toThrow(TruncatedInputError);
    expect(() => new Reader(Buffer.alloc(0)).uvarint('x')).toThrow(TruncatedInputError);
  });
});

describe('strings and bytes', () => {
  const samples = ['', 'a', 'héllo', '日本語', '🙂 emoji', 'x'.repeat(31), 'é'.repeat(40), 'y'.repeat(300)];

  it('round-trips multi-byte UTF-8 in every string encoding', () => {
    for (const s of samples) {
      const w = new Writer(4).string(s).nullableString(s).compactString(s).compactNullableString(s);
      const r = new Reader(w.view());
      expect(r.string('a')).toBe(s);
      expect(r.nullableString('b')).toBe(s);
      expect(r.compactString('c')).toBe(s);
      expect(r.compactNullableString('d')).toBe(s);
      expect(r.remaining).toBe(0);
      // The int16 prefix holds the UTF-8 byte count, not the UTF-16 length.
      expect(w.view().readInt16BE(0)).toBe(Buffer.byteLength(s));
    }
  });

  it('arbitrary unicode strings round-trip', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), (s) => {
        const w = new Writer(2).string(s).compactString(s);
        const r = new Reader(w.view());
        expect(r.string('a')).toBe(s);
        expect(r.compactString('b')).toBe(s);
      }),
      fcOptions,
    );
  });

  it('null strings and bytes', () => {
    const w = new Writer()
      .nullableString(null)
      .compactNullableString(null)
      .nullableBytes(null)
      .compactNullableBytes(null);
    expect(hex(w.view())).toBe('ffff00ffffffff00');
    const r = new Reader(w.view());
    expect(r.nullableString('a')).toBeNull();
    expect(r.compactNullableString('b')).toBeNull();
    expect(r.nullableBytes('c')).toBeNull();
    expect(r.compactNullableBytes('d')).toBeNull();
    expect(() => new Reader(Buffer.from('ffff', 'hex')).string('name')).toThrow(InvalidValueError);
    expect(() => new Reader(Buffer.from('00', 'hex')).compactString('name')).toThrow(InvalidValueError);
    expect(() => new Reader(Buffer.from('ffffffff', 'hex')).bytes('v')).toThrow(InvalidValueError);
  });

  it('bytes are views into the input, not copies', () => {
    const w = new Writer().bytes(Buffer.from('abc')).compactBytes(Buffer.from('de')).raw(Buffer.from('f'));
    const input = w.toBuffer();
    const r = new Reader(input);
    const a = r.bytes('a');
    expect(a.toString()).toBe('abc');
    expect(a.buffer).toBe(input.buffer);
    expect(r.compactBytes('b').toString()).toBe('de');
    expect(r.raw(1, 'c').toString()).toBe('f');
  });

  it('a string length larger than what remains throws InvalidLengthError before allocating', () => {
    const input = Buffer.from('00007fff4142', 'hex');
    const r = new Reader(input);
    r.context = 'Produce v9 response';
    r.int16('pad');
    const err = catchError(() => r.string('topicData[0].name'));
    expect(err).toBeInstanceOf(InvalidLengthError);
    expect((err as InvalidLengthError).offset).toBe(2);
    expect((err as Error).message).toBe(
      'Produce v9 response: topicData[0].name: length 32767 exceeds the 2 bytes left at offset 2',
    );
  });

  it('a huge bytes length is rejected without allocation', () => {
    const input = Buffer.from('7fffffff00', 'hex');
    const before = process.memoryUsage().arrayBuffers;
    expect(() => new Reader(input).bytes('value')).toThrow(InvalidLengthError);
    expect(() => new Reader(Buffer.from('fffffff0', 'hex')).nullableBytes('value')).toThrow(
      InvalidLengthError,
    );
    expect(() => new Reader(Buffer.from('ffffffff0f', 'hex')).compactBytes('value')).toThrow(
      InvalidLengthError,
    );
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(1 << 20);
  });

  it('array lengths are bounded by the bytes left', () => {
    expect(new Reader(Buffer.from('ffffffff', 'hex')).arrayLength('a')).toBe(-1);
    expect(new Reader(Buffer.from('00', 'hex')).compactArrayLength('a')).toBe(-1);
    expect(new Reader(Buffer.from('000000020102', 'hex')).arrayLength('a')).toBe(2);
    expect(() => new Reader(Buffer.from('000000030102', 'hex')).arrayLength('a')).toThrow(InvalidLengthError);
    expect(() => new Reader(Buffer.from('fffffffe', 'hex')).arrayLength('a')).toThrow(InvalidLengthError);
    expect(() => new Reader(Buffer.from('0401', 'hex')).compactArrayLength('a')).toThrow(InvalidLengthError);
    expect(new Reader(Buffer.from('030102', 'hex')).compactArrayLength('a')).toBe(2);
  });
});

describe('truncation', () => {
  it('every fixed-width read reports the offset where input ran out', () => {
    const reads: [string, (r: Reader) => unknown][] = [
      ['int8', (r) => r.int8('f')],
      ['int16', (r) => r.int16('f')],
      ['int32', (r) => r.int32('f')],
      ['uint32', (r) => r.uint32('f')],
      ['int64', (r) => r.int64('f')],
      ['float64', (r) => r.float64('f')],
      ['uuid', (r) => r.uuid('f')],
    ];
    for (const [name, read] of reads) {
      const r = new Reader(Buffer.from('00', 'hex'), 1);
      const err = catchError(() => read(r));
      expect(err, name).toBeInstanceOf(TruncatedInputError);
      expect((err as TruncatedInputError).offset, name).toBe(1);
      expect((err as TruncatedInputError).code).toBe('ERR_TRUNCATED');
    }
  });

  it('sub() bounds a child reader and advances the parent', () => {
    const r = new Reader(Buffer.from('000000010000000200', 'hex'));
    const child = r.sub(4, 'first');
    expect(child.int32('x')).toBe(1);
    expect(() => child.int8('y')).toThrow(TruncatedInputError);
    expect(r.int32('z')).toBe(2);
    expect(() => r.sub(2, 'tail')).toThrow(InvalidLengthError);
    expect(() => r.skip(2, 'tail')).toThrow(InvalidLengthError);
  });

  it('reader respects an explicit end', () => {
    const r = new Reader(Buffer.from('0102030405', 'hex'), 1, 3);
    expect(r.remaining).toBe(2);
    expect(r.int16('x')).toBe(0x0203);
    expect(() => r.int8('y')).toThrow(TruncatedInputError);
  });
});

describe('uuid', () => {
  it('round-trips and rejects malformed text', () => {
    const id = '0123abcd-4567-89ef-0011-223344556677';
    const w = new Writer().uuid(id);
    expect(hex(w.view())).toBe('0123abcd456789ef0011223344556677');
    expect(new Reader(w.view()).uuid('id')).toBe(id);
    expect(() => new Writer().uuid('0123ABCD-4567-89ef-0011-223344556677')).toThrow(InvalidValueError);
    expect(() => new Writer().uuid('nope')).toThrow(InvalidValueError);
  });
});

describe('Writer growth and patching', () => {
  it('grows from a tiny buffer and keeps earlier bytes', () => {
    const w = new Writer(1);
    const expected: number[] = [];
    for (let i = 0; i < 10_000; i++) {
      w.int8(i & 0xff);
      expected.push(i & 0xff);
    }
    w.raw(Buffer.alloc(100_000, 7));
    expect(w.length).toBe(110_000);
    expect(Buffer.from(w.view().subarray(0, 10_000)).equals(Buffer.from(expected))).toBe(true);
    expect(w.view()[109_999]).toBe(7);
  });

  it('reserve + set*At patch earlier bytes; reset reuses the buffer', () => {
    const w = new Writer(4);
    const at = w.reserve(4 + 2 + 1 + 8);
    w.int8(9);
    w.setInt32At(at, -2);
    w.setInt16At(at + 4, 0x1234);
    w.setInt8At(at + 6, -1);
    w.setInt64At(at + 7, -5n);
    expect(hex(w.view())).toBe('fffffffe1234fffffffffffffffffb09');
    w.setUint32At(0, 0xdeadbeef);
    expect(w.view().readUInt32BE(0)).toBe(0xdeadbeef);
    const copy = w.toBuffer();
    w.reset();
    expect(w.length).toBe(0);
    w.int8(1);
    expect(copy[0]).toBe(0xde);
    expect(hex(w.view())).toBe('01');
  });

  it('string length over int16 is rejected', () => {
    expect(() => new Writer().string('x'.repeat(0x8000))).toThrow(InvalidValueError);
  });
});

describe('CodecError', () => {
  it('subclasses are CodecErrors with codes, fields and offsets', () => {
    const e = new InvalidLengthError('m', 'f', 3);
    expect(e).toBeInstanceOf(CodecError);
    expect(e).toBeInstanceOf(Error);
    expect(e).not.toBeInstanceOf(TruncatedInputError);
    expect(e.code).toBe('ERR_INVALID_LENGTH');
    expect(e.name).toBe('InvalidLengthError');
    expect(e.field).toBe('f');
    expect(e.offset).toBe(3);
  });

  it('instanceof works for an error from another copy of the module (same brand, other classes)', () => {
    // A structurally separate object carrying the global brand stands in for an error built by the
    // CJS copy of the package: its prototype chain shares nothing with these classes.
    const foreign = Object.assign(Object.create(Error.prototype), { code: 'ERR_TRUNCATED' });
    Object.defineProperty(foreign, Symbol.for('idem.CodecError'), { value: true });
    expect(foreign).toBeInstanceOf(CodecError);
    expect(foreign).toBeInstanceOf(TruncatedInputError);
    expect(foreign).not.toBeInstanceOf(InvalidLengthError);
    expect({ code: 'ERR_TRUNCATED' }).not.toBeInstanceOf(CodecError);
    expect(null).not.toBeInstanceOf(CodecError);
  });
});

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected a throw');
}
