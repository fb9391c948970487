/**
 * A Buffer over `length` bytes of `ab` at `offset`, without copying. `buf.subarray()` goes through
 * argument normalisation that costs twice as much as constructing Node's internal FastBuffer (the
 * class behind every Buffer, exposed as `Buffer[Symbol.species]`); record decoding makes three such
 * views per record, so it matters. Falls back to `Buffer.from` if the species is ever not a Buffer.
 */
type BufferCtor = new (ab: ArrayBufferLike, offset: number, length: number) => Buffer;

const species = (Buffer as unknown as { [Symbol.species]?: BufferCtor })[Symbol.species];

function speciesWorks(ctor: BufferCtor | undefined): ctor is BufferCtor {
  if (typeof ctor !== 'function') return false;
  try {
    const probe = new ctor(new ArrayBuffer(4), 1, 2);
    return Buffer.isBuffer(probe) && probe.length === 2 && probe.byteOffset === 1;
  } catch {
    return false;
  }
}

export const FastBuffer: BufferCtor = speciesWorks(species)
  ? species
  : (function Fallback(ab: ArrayBufferLike, offset: number, length: number) {
      return Buffer.from(ab as ArrayBuffer, offset, length);
    } as unknown as BufferCtor);

/** A view of `b[start, start + length)`; the caller has bounds-checked the range. */
export function viewOf(b: Buffer, start: number, length: number): Buffer {
  return new FastBuffer(b.buffer, b.byteOffset + start, length);
}
