import { InvalidLengthError } from '../errors/codec-error.js';
import { Reader } from '../primitives/reader.js';

/**
 * A Reader over one size-prefixed frame, positioned after the size. The size must account for exactly the
 * bytes given: a frame splitter hands out whole frames, so a mismatch means corrupt input.
 */
export function frameReader(frame: Uint8Array, context = 'frame'): Reader {
  const r = new Reader(frame);
  r.context = context;
  const size = r.int32('size');
  if (size !== r.remaining) {
    throw new InvalidLengthError(
      `${context}: size: the prefix says ${size} bytes but the frame holds ${r.remaining} after it`,
      'size',
      0,
    );
  }
  return r;
}

/** A message must end where its frame ends. */
export function requireConsumed(r: Reader, what: string): void {
  if (r.remaining !== 0) {
    throw new InvalidLengthError(
      `${what}: ${r.remaining} bytes left over after the message at offset ${r.offset}`,
      '',
      r.offset,
    );
  }
}
