/**
 * Inline varint helpers for the record hot paths: they write into / size raw bytes without a Writer
 * call per field. `z` arguments are already zigzag-encoded (non-negative).
 */

/** Bytes needed for the unsigned varint `z` (z < 2^32). */
export function uvarintSize(z: number): number {
  if (z < 0x80) return 1;
  if (z < 0x4000) return 2;
  if (z < 0x20_0000) return 3;
  if (z < 0x1000_0000) return 4;
  return 5;
}

/** Bytes needed for the zigzag varint of the int32 `v`. */
export function varintSize(v: number): number {
  return uvarintSize(v >= 0 ? v * 2 : -v * 2 - 1);
}

/** Bytes needed for the zigzag varlong of the safe integer `v`. */
export function varlongSizeNumber(v: number): number {
  let z = v >= 0 ? v * 2 : -v * 2 - 1;
  if (z < 0x1000_0000) return uvarintSize(z);
  let n = 4;
  z = Math.floor(z / 0x1000_0000);
  while (z > 0) {
    n++;
    z = Math.floor(z / 0x80);
  }
  return n;
}

/** Writes the unsigned varint `z` (< 2^32) at `p`; returns the next position. */
export function putUvarint(b: Uint8Array, p: number, z: number): number {
  while (z > 0x7f) {
    b[p++] = (z & 0x7f) | 0x80;
    z >>>= 7;
  }
  b[p++] = z;
  return p;
}

/** Writes the zigzag varint of the int32 `v` at `p`; returns the next position. */
export function putVarint(b: Uint8Array, p: number, v: number): number {
  return putUvarint(b, p, ((v << 1) ^ (v >> 31)) >>> 0);
}
