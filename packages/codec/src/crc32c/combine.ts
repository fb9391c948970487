/**
 * CRC-32C of a concatenation from the CRCs of its parts: `crc32cCombine(crc(A), crc(B), len(B))` is
 * `crc(A ‖ B)`. Appending len(B) zero bytes to A is a linear map over GF(2); the map for 2^k bytes is
 * obtained by squaring a 32×32 matrix, so the cost is O(log len) whatever the size of B. Restamping a
 * batch uses it to recompute the CRC after changing header bytes without hashing the records twice.
 */
const POLY = 0x82f6_3b78;

function times(mat: Uint32Array, vec: number): number {
  let sum = 0;
  let i = 0;
  while (vec !== 0) {
    if (vec & 1) sum ^= mat[i]!;
    vec >>>= 1;
    i++;
  }
  return sum >>> 0;
}

function square(out: Uint32Array, mat: Uint32Array): void {
  for (let n = 0; n < 32; n++) out[n] = times(mat, mat[n]!);
}

export function crc32cCombine(crc1: number, crc2: number, len2: number): number {
  if (len2 <= 0) return crc1 >>> 0;
  const odd = new Uint32Array(32);
  const even = new Uint32Array(32);
  // Operator for one zero bit.
  odd[0] = POLY;
  let row = 1;
  for (let n = 1; n < 32; n++) {
    odd[n] = row;
    row <<= 1;
  }
  square(even, odd); // two zero bits
  square(odd, even); // four zero bits
  let c = crc1 >>> 0;
  let len = len2;
  // Each round squares the operator (doubling the zero run) and applies it when the bit is set.
  for (;;) {
    square(even, odd);
    if (len % 2 === 1) c = times(even, c);
    len = Math.floor(len / 2);
    if (len === 0) break;
    square(odd, even);
    if (len % 2 === 1) c = times(odd, c);
    len = Math.floor(len / 2);
    if (len === 0) break;
  }
  return (c ^ crc2) >>> 0;
}
