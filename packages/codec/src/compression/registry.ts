import { InvalidValueError } from '../errors/codec-error.js';
import { lz4Codec } from './lz4.js';
import { snappyCodec } from './snappy.js';
import type { CompressionCodec, CompressionId, CompressionName } from './types.js';
import { gzipCodec, zstdCodec } from './zlib-codecs.js';

const noneCodec: CompressionCodec = {
  id: 0,
  name: 'none',
  compress: (bytes) => Buffer.from(bytes),
  decompress: (bytes) => Buffer.from(bytes),
};

/** Codecs by Kafka codec id; index = id. Users may replace an entry with registerCompressionCodec. */
const codecs: CompressionCodec[] = [noneCodec, gzipCodec, snappyCodec, lz4Codec, zstdCodec];

export const COMPRESSION_IDS: Readonly<Record<CompressionName, CompressionId>> = {
  none: 0,
  gzip: 1,
  snappy: 2,
  lz4: 3,
  zstd: 4,
};

export const COMPRESSION_NAMES: readonly CompressionName[] = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];

/** The codec for a Kafka codec id (0..4) or name. */
export function compressionCodec(idOrName: CompressionId | CompressionName): CompressionCodec {
  const id = typeof idOrName === 'number' ? idOrName : COMPRESSION_IDS[idOrName];
  const codec = id === undefined ? undefined : codecs[id];
  if (codec === undefined) {
    throw new InvalidValueError(`compression: unknown codec ${String(idOrName)}`, 'compression', 0);
  }
  return codec;
}

/**
 * Replaces the implementation behind one codec id, e.g. to use a different snappy or lz4 library.
 * The replacement must produce and accept what Kafka does for that id.
 */
export function registerCompressionCodec(codec: CompressionCodec): void {
  if (!(codec.id >= 1 && codec.id <= 4)) throw new RangeError(`codec id ${codec.id} is not 1..4`);
  codecs[codec.id] = codec;
}
