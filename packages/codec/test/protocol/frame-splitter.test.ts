import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { InvalidLengthError } from '../../src/errors/codec-error.js';
import { FrameSplitter, FrameTooLargeError } from '../../src/protocol/frame-splitter.js';
import { fcParams } from './arbitrary-from-schema.js';

function frame(payload: Uint8Array): Buffer {
  const size = Buffer.alloc(4);
  size.writeInt32BE(payload.length);
  return Buffer.concat([size, payload]);
}

const payloads = [
  Buffer.from('hello'),
  Buffer.alloc(0),
  Buffer.from('0102030405060708', 'hex'),
  Buffer.alloc(300, 7),
];
const stream = Buffer.concat(payloads.map(frame));

describe('FrameSplitter', () => {
  test('bytes arriving one at a time', () => {
    const s = new FrameSplitter();
    const out: Buffer[] = [];
    for (const byte of stream) out.push(...s.push(Buffer.from([byte])));
    expect(out).toStrictEqual(payloads.map(frame));
    expect(s.bufferedBytes).toBe(0);
  });

  test('several frames in one chunk are views of that chunk, not copies', () => {
    const s = new FrameSplitter();
    const out = s.push(stream);
    expect(out).toStrictEqual(payloads.map(frame));
    for (const f of out) expect(f.buffer).toBe(stream.buffer);
  });

  test('a chunk ending mid-size-prefix and mid-frame', () => {
    const s = new FrameSplitter();
    expect(s.push(stream.subarray(0, 2))).toStrictEqual([]);
    expect(s.push(stream.subarray(2, 7))).toStrictEqual([]);
    expect(s.bufferedBytes).toBe(7);
    expect(s.push(stream.subarray(7, 14))).toStrictEqual([frame(payloads[0]!), frame(payloads[1]!)]);
    expect(s.push(stream.subarray(14))).toStrictEqual([frame(payloads[2]!), frame(payloads[3]!)]);
  });

  test('any chunking yields the same frames', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 64 }), { maxLength: 40 }), (cuts) => {
        const s = new FrameSplitter();
        const out: Buffer[] = [];
        let at = 0;
        for (const n of cuts) {
          out.push(...s.push(stream.subarray(at, at + n)));
          at = Math.min(stream.length, at + n);
        }
        out.push(...s.push(stream.subarray(at)));
        expect(out).toStrictEqual(payloads.map(frame));
      }),
      fcParams(200),
    );
  });

  test('an oversize frame is refused as soon as its size is known, and the stream stays failed', () => {
    const s = new FrameSplitter({ maxFrameSize: 299 });
    const sizeAt = stream.length - 304; // where the 300-byte frame's size prefix starts
    expect(s.push(stream.subarray(0, sizeAt + 3))).toHaveLength(3);
    expect(() => s.push(stream.subarray(sizeAt + 3, sizeAt + 4))).toThrow(FrameTooLargeError);
    try {
      s.push(Buffer.alloc(1));
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(FrameTooLargeError);
      expect((e as FrameTooLargeError).code).toBe('ERR_FRAME_TOO_LARGE');
      expect((e as FrameTooLargeError).offset).toBe(sizeAt);
    }
    expect(s.bufferedBytes).toBe(0);
    // Exactly at the limit is fine.
    expect(new FrameSplitter({ maxFrameSize: 300 }).push(stream)).toHaveLength(4);
  });

  test('a huge size is refused without waiting for (or buffering) its bytes', () => {
    const s = new FrameSplitter({ maxFrameSize: 1024 });
    expect(() => s.push(Buffer.from('7fffffff', 'hex'))).toThrow(FrameTooLargeError);
  });

  test('a negative size is an InvalidLengthError', () => {
    expect(() => new FrameSplitter().push(Buffer.from('ffffffff00', 'hex'))).toThrow(InvalidLengthError);
  });

  test('the limit must be a sane integer', () => {
    expect(() => new FrameSplitter({ maxFrameSize: -1 })).toThrow(RangeError);
    expect(() => new FrameSplitter({ maxFrameSize: 2 ** 31 })).toThrow(RangeError);
  });
});
