import { CompressionError } from '../errors/codec-error.js';
import { limitExceeded } from './limits.js';
import { optionalModule } from './optional-module.js';
import type { CompressionCodec } from './types.js';

interface Lz4Module {
  compressFrameSync(data: Buffer): Buffer;
  decompressFrameSync(data: Buffer): Buffer;
}

const lz4 = optionalModule<Lz4Module>('lz4-napi', 'lz4');

const FRAME_MAGIC = 0x184d_2204;
/** Max block size by the BD byte's size id (4..7): 64 KiB, 256 KiB, 1 MiB, 4 MiB. */
const BLOCK_MAX = [0, 0, 0, 0, 64 << 10, 256 << 10, 1 << 20, 4 << 20];

function corrupt(detail: string, at: number): never {
  throw new CompressionError(`lz4: ${detail} at offset ${at}`, 'records', at);
}

/**
 * The exact decompressed size of one LZ4 block, found by walking its sequences (token, literal
 * lengths, match lengths) without producing any output. Linear in the compressed size and much
 * cheaper than decompressing.
 */
function blockOutputSize(f: Buffer, start: number, end: number): number {
  let p = start;
  let out = 0;
  while (p < end) {
    const token = f[p++]!;
    let literals = token >> 4;
    if (literals === 15) {
      let x: number;
      do {
        if (p >= end) corrupt('literal length runs past the block', p);
        x = f[p++]!;
        literals += x;
      } while (x === 255);
    }
    p += literals;
    out += literals;
    if (p >= end) {
      if (p > end) corrupt('literals run past the block', end);
      break; // the last sequence carries literals only
    }
    p += 2; // match offset
    let match = token & 15;
    if (match === 15) {
      let x: number;
      do {
        if (p >= end) corrupt('match length runs past the block', p);
        x = f[p++]!;
        match += x;
      } while (x === 255);
    }
    if (p > end) corrupt('sequence runs past the block', end);
    out += match + 4;
  }
  return out;
}

/**
 * Walks the LZ4 frame's blocks without decompressing and returns the output size, so that the cap is
 * enforced before the library allocates anything (lz4-napi has no output limit of its own).
 */
function frameOutputBound(f: Buffer): number {
  if (f.length < 7 || f.readUInt32LE(0) !== FRAME_MAGIC) corrupt('not an LZ4 frame (bad magic)', 0);
  const flg = f[4]!;
  const bd = f[5]!;
  if (flg >> 6 !== 1) corrupt(`unsupported frame version ${flg >> 6}`, 4);
  const blockMax = BLOCK_MAX[(bd >> 4) & 7] ?? 0;
  if (blockMax === 0) corrupt(`invalid block size id ${(bd >> 4) & 7}`, 5);
  const blockChecksum = (flg & 0x10) !== 0;
  const hasContentSize = (flg & 0x08) !== 0;
  const contentChecksum = (flg & 0x04) !== 0;
  let at = 6;
  let contentSize = -1;
  if (hasContentSize) {
    if (f.length < at + 8) corrupt('frame header cut short', at);
    contentSize = Number(f.readBigUInt64LE(at));
    at += 8;
  }
  if (flg & 0x01) at += 4; // dictionary id
  at += 1; // header checksum
  let bound = 0;
  for (;;) {
    if (f.length < at + 4) corrupt('block size cut short', at);
    const word = f.readUInt32LE(at);
    at += 4;
    if (word === 0) break;
    const size = word & 0x7fff_ffff;
    const stored = word >>> 31 === 1;
    if (size > blockMax)
      corrupt(`block of ${size} bytes exceeds the frame's ${blockMax}-byte block size`, at - 4);
    if (size > f.length - at) corrupt(`block of ${size} bytes runs past the end`, at - 4);
    const blockSize = stored ? size : blockOutputSize(f, at, at + size);
    if (blockSize > blockMax)
      corrupt(`block decompresses to ${blockSize} bytes, over the frame's ${blockMax}`, at - 4);
    bound += blockSize;
    at += size + (blockChecksum ? 4 : 0);
  }
  if (contentChecksum) at += 4;
  if (at > f.length) corrupt('frame cut short', f.length);
  return contentSize >= 0 ? Math.min(contentSize, bound) : bound;
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export const lz4Codec: CompressionCodec = {
  id: 3,
  name: 'lz4',
  // lz4-napi writes FLG 0x60 (version 1, independent blocks, no checksums) like Java, with 256 KiB
  // blocks (BD 0x50) where Java uses 64 KiB; Kafka's reader accepts block sizes 64 KiB..4 MiB.
  compress: (bytes) => lz4().compressFrameSync(asBuffer(bytes)),
  decompress(bytes, maxOutputBytes) {
    const mod = lz4();
    const input = asBuffer(bytes);
    const bound = frameOutputBound(input);
    if (bound > maxOutputBytes) limitExceeded('lz4', `up to ${bound}`, maxOutputBytes);
    let out: Buffer;
    try {
      out = mod.decompressFrameSync(input);
    } catch (e) {
      return corrupt(`corrupt frame (${e instanceof Error ? e.message : String(e)})`, 0);
    }
    if (out.length > maxOutputBytes) limitExceeded('lz4', out.length, maxOutputBytes);
    return out;
  },
};
