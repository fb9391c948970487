import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crc32cJs } from '../src/crc32c/js.js';
import { nativeCrc32c } from '../src/crc32c/native.js';
import { crc32c, crc32cBackend } from '../src/index.js';

const seed = process.env.IDEM_SEED ? Number(process.env.IDEM_SEED) : 0xc2c;

/** Bit-at-a-time reference straight from the polynomial, independent of the table code. */
function crc32cReference(bytes: Uint8Array): number {
  let crc = 0xffff_ffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f6_3b78 : crc >>> 1;
  }
  return (crc ^ 0xffff_ffff) >>> 0;
}

/** Deterministic pseudo-random bytes (xorshift32), so failures reproduce. */
function randomBytes(n: number, state: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = state | 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

const vectors: [string, Uint8Array, number][] = [
  ['32 bytes of zeros (RFC 3720 B.4)', new Uint8Array(32), 0x8a91_36aa],
  ['32 bytes of 0xFF (RFC 3720 B.4)', new Uint8Array(32).fill(0xff), 0x62a8_ab43],
  ['ascending 0..31 (RFC 3720 B.4)', Uint8Array.from({ length: 32 }, (_, i) => i), 0x46dd_794e],
  ['descending 31..0 (RFC 3720 B.4)', Uint8Array.from({ length: 32 }, (_, i) => 31 - i), 0x113f_db5c],
  ['"123456789" check value', new TextEncoder().encode('123456789'), 0xe306_9283],
  ['empty input', new Uint8Array(0), 0],
];

describe('crc32c', () => {
  it.each(vectors)('%s', (_name, bytes, expected) => {
    expect(crc32cJs(bytes)).toBe(expected);
    expect(crc32c(bytes)).toBe(expected);
    expect(crc32cReference(bytes)).toBe(expected);
  });

  it('a 1 KiB input crosses the word path and the native threshold and still matches', () => {
    const bytes = randomBytes(1024, 99);
    expect(crc32cJs(bytes)).toBe(crc32cReference(bytes));
    expect(crc32c(bytes)).toBe(crc32cReference(bytes));
  });

  it('JS agrees with the bit-wise reference for every length 0..1000 at unaligned offsets', () => {
    const backing = randomBytes(1000 + 8, 7);
    for (let len = 0; len <= 1000; len++) {
      const offset = len % 7;
      const view = backing.subarray(offset, offset + len);
      expect(crc32cJs(view), `length ${len} offset ${offset}`).toBe(crc32cReference(view));
    }
  });

  it('the `initial` argument continues a CRC over split input', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), fc.nat(), (bytes, cut) => {
        const at = bytes.length === 0 ? 0 : cut % (bytes.length + 1);
        const whole = crc32cJs(bytes);
        expect(crc32cJs(bytes.subarray(at), crc32cJs(bytes.subarray(0, at)))).toBe(whole);
        expect(crc32c(bytes.subarray(at), crc32c(bytes.subarray(0, at)))).toBe(whole);
      }),
      { seed, numRuns: 300 },
    );
  });

  it('reports which backend it uses', () => {
    expect(crc32cBackend).toBe(nativeCrc32c === undefined ? 'js' : 'native');
  });

  describe.skipIf(nativeCrc32c === undefined)('native backend (@node-rs/crc32)', () => {
    it('agrees with JS on random inputs of every length 0..1000 and unaligned offsets', () => {
      const backing = randomBytes(1000 + 16, 12345);
      for (let len = 0; len <= 1000; len++) {
        for (const offset of [0, 1, 3]) {
          const view = backing.subarray(offset, offset + len);
          expect(nativeCrc32c!(view, 0) >>> 0, `length ${len} offset ${offset}`).toBe(crc32cJs(view));
        }
      }
    });

    it('agrees with JS when continuing from an initial value', () => {
      const a = randomBytes(300, 1);
      const b = randomBytes(500, 2);
      expect(nativeCrc32c!(b, crc32cJs(a)) >>> 0).toBe(crc32cJs(b, crc32cJs(a)));
    });
  });
});
