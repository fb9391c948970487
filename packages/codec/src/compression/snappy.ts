import { CompressionError, InvalidLengthError } from '../errors/codec-error.js';
import { limitExceeded } from './limits.js';
import { optionalModule } from './optional-module.js';
import type { CompressionCodec } from './types.js';

interface SnappyModule {
  compressSync(input: Buffer): Buffer;
  uncompressSync(input: Uint8Array, opts: { asBuffer: true }): Buffer;
}

const snappy = optionalModule<SnappyModule>('snappy', 'snappy');

/**
 * Java clients write snappy inside xerial snappy-java's stream framing: an 8-byte magic, two BE int32
 * version fields (1, 1), then one `BE int32 length + raw snappy block` per ≤ 32 KiB of input. We write
 * the same so that every Kafka reader accepts it, and read both that and a bare raw block (what
 * librdkafka writes; xerial's reader falls back to raw when the magic is absent).
 */
const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);
const XERIAL_HEADER_BYTES = 16;
const XERIAL_BLOCK_INPUT_BYTES = 32 * 1024;

function isXerial(bytes: Uint8Array): boolean {
  if (bytes.length < XERIAL_HEADER_BYTES) return false;
  for (let i = 0; i < 8; i++) if (bytes[i] !== XERIAL_MAGIC[i]) return false;
  return true;
}

/** The uncompressed length a raw snappy block declares in its uvarint preamble. */
function declaredLength(block: Uint8Array, at: number): number {
  let value = 0;
  for (let i = 0; i < 5; i++) {
    if (i >= block.length) break;
    const byte = block[i]!;
    value += (byte & 0x7f) * 2 ** (7 * i);
    if (byte < 0x80) return value;
  }
  throw new CompressionError('snappy: block has no valid length preamble', 'records', at);
}

function uncompressBlock(mod: SnappyModule, block: Uint8Array, at: number): Buffer {
  try {
    return mod.uncompressSync(block, { asBuffer: true });
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    throw new CompressionError(`snappy: corrupt block at offset ${at}: ${reason}`, 'records', at);
  }
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export const snappyCodec: CompressionCodec = {
  id: 2,
  name: 'snappy',
  compress(bytes) {
    const mod = snappy();
    const input = asBuffer(bytes);
    const parts: Buffer[] = [];
    const header = Buffer.alloc(XERIAL_HEADER_BYTES);
    XERIAL_MAGIC.copy(header, 0);
    header.writeInt32BE(1, 8);
    header.writeInt32BE(1, 12);
    parts.push(header);
    for (let at = 0; at < input.length; at += XERIAL_BLOCK_INPUT_BYTES) {
      const block = mod.compressSync(input.subarray(at, at + XERIAL_BLOCK_INPUT_BYTES));
      const length = Buffer.allocUnsafe(4);
      length.writeInt32BE(block.length, 0);
      parts.push(length, block);
    }
    return Buffer.concat(parts);
  },
  decompress(bytes, maxOutputBytes) {
    const mod = snappy();
    if (!isXerial(bytes)) {
      const size = declaredLength(bytes, 0);
      if (size > maxOutputBytes) limitExceeded('snappy', size, maxOutputBytes);
      return uncompressBlock(mod, bytes, 0);
    }
    const input = asBuffer(bytes);
    const blocks: Buffer[] = [];
    let total = 0;
    let at = XERIAL_HEADER_BYTES;
    while (at < input.length) {
      if (input.length - at < 4) {
        throw new CompressionError(`snappy: xerial block length cut short at offset ${at}`, 'records', at);
      }
      const length = input.readInt32BE(at);
      if (length < 0 || length > input.length - at - 4) {
        throw new InvalidLengthError(
          `snappy: xerial block length ${length} exceeds the ${input.length - at - 4} bytes left at offset ${at}`,
          'records',
          at,
        );
      }
      const block = input.subarray(at + 4, at + 4 + length);
      total += declaredLength(block, at + 4);
      if (total > maxOutputBytes) limitExceeded('snappy', `at least ${total}`, maxOutputBytes);
      blocks.push(uncompressBlock(mod, block, at + 4));
      at += 4 + length;
    }
    return blocks.length === 1 ? blocks[0]! : Buffer.concat(blocks, total);
  },
};
