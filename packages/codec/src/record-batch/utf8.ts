/** UTF-8 byte length of a string as Buffer.write would encode it (lone surrogates become U+FFFD). */
export function utf8Length(s: string): number {
  const n = s.length;
  if (n > 64) return Buffer.byteLength(s, 'utf8');
  let bytes = n;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) bytes += 1;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < n) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        // A surrogate pair: 2 UTF-16 units, 4 UTF-8 bytes.
        bytes += 2;
        i++;
      } else bytes += 2;
    } else bytes += 2;
  }
  return bytes;
}

/** Writes `s`, whose UTF-8 length is `byteLength`, at `p`; returns the next position. */
export function putUtf8(b: Buffer, p: number, s: string, byteLength: number): number {
  if (byteLength === s.length && byteLength < 32) {
    // Pure ASCII and short: a plain loop beats the native call.
    for (let i = 0; i < byteLength; i++) b[p + i] = s.charCodeAt(i);
    return p + byteLength;
  }
  b.write(s, p, byteLength, 'utf8');
  return p + byteLength;
}

/** Decodes `b[start, end)` as UTF-8. */
export function getUtf8(b: Buffer, start: number, end: number): string {
  const n = end - start;
  if (n < 16) {
    // Short ASCII keys are the norm for record headers; avoid the native decoder for them.
    let s = '';
    for (let i = start; i < end; i++) {
      const c = b[i]!;
      if (c >= 0x80) return b.toString('utf8', start, end);
      s += String.fromCharCode(c);
    }
    return s;
  }
  return b.toString('utf8', start, end);
}
