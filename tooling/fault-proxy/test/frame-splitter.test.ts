import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FrameSplitter, FrameTooLargeError } from '../src/frame-splitter.js';

const seed = process.env.IDEM_SEED ? Number(process.env.IDEM_SEED) : 20_240_601;

function frameOf(payload: Uint8Array): Buffer {
  const frame = Buffer.alloc(4 + payload.length);
  frame.writeInt32BE(payload.length, 0);
  frame.set(payload, 4);
  return frame;
}

/** Splits `bytes` at the given cut points (taken modulo the length). */
function chunk(bytes: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let from = 0;
  for (const p of [...points, bytes.length]) {
    chunks.push(bytes.subarray(from, p));
    from = p;
  }
  return chunks;
}

describe('FrameSplitter', () => {
  it('yields the same frames, in order, however the stream is chunked', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 20 }),
        fc.array(fc.nat(), { maxLength: 40 }),
        (payloads, cuts) => {
          const frames = payloads.map(frameOf);
          const got: Buffer[] = [];
          const splitter = new FrameSplitter(
            1_000,
            (f) => got.push(Buffer.from(f)),
            (e) => {
              throw e;
            },
          );
          for (const piece of chunk(Buffer.concat(frames), cuts)) splitter.push(piece);
          expect(got.map((f) => f.toString('hex'))).toEqual(frames.map((f) => f.toString('hex')));
          expect(splitter.bufferedBytes).toBe(0);
        },
      ),
      { seed, numRuns: 500 },
    );
  });

  it('refuses a frame above the bound before buffering it, once, and then ignores the stream', () => {
    const got: Buffer[] = [];
    const errors: FrameTooLargeError[] = [];
    const splitter = new FrameSplitter(
      16,
      (f) => got.push(f),
      (e) => errors.push(e),
    );
    splitter.push(frameOf(new Uint8Array(16)));
    const header = Buffer.alloc(4);
    header.writeInt32BE(17, 0);
    splitter.push(header);
    splitter.push(frameOf(new Uint8Array(1)));
    expect(got).toHaveLength(1);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(FrameTooLargeError);
    expect(errors[0]?.size).toBe(17);
    expect(splitter.bufferedBytes).toBe(0);
  });

  it('refuses a negative size', () => {
    const errors: FrameTooLargeError[] = [];
    const splitter = new FrameSplitter(
      16,
      () => {},
      (e) => errors.push(e),
    );
    splitter.push(Buffer.from([0xff, 0xff, 0xff, 0xfe]));
    expect(errors.map((e) => e.size)).toEqual([-2]);
  });

  it('waits for a size prefix split across chunks', () => {
    const got: Buffer[] = [];
    const splitter = new FrameSplitter(
      16,
      (f) => got.push(f),
      () => {},
    );
    const frame = frameOf(Uint8Array.from([1, 2, 3]));
    for (const byte of frame) splitter.push(Buffer.from([byte]));
    expect(got.map((f) => f.toString('hex'))).toEqual([frame.toString('hex')]);
  });
});
