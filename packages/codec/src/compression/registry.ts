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

/**
 * Codecs by Kafka codec id; index = id. Users may replace an entry with registerCompressionCodec.
 * The package ships as ESM and CJS, and a process may load both copies (one user file `require`s it,
 * a dependency `import`s it): the table lives on `globalThis` under a registered symbol so that both
 * copies read and write the same one, and a codec registered through either is used by both.
 */
const REGISTRY_KEY = Symbol.for('@idem/codec/compression-codecs/v1');
const shared = globalThis as typeof globalThis & { [REGISTRY_KEY]?: CompressionCodec[] };
shared[REGISTRY_KEY] ??= [noneCodec, gzipCodec, snappyCodec, lz4Codec, zstdCodec];
const codecs: CompressionCodec[] = shared[REGISTRY_KEY];

/** Kafka's codec id for each compression.type name (the low 3 bits of the batch attributes). */
export const COMPRESSION_IDS: Readonly<Record<CompressionName, CompressionId>> = {
  none: 0,
  gzip: 1,
  snappy: 2,
  lz4: 3,
  zstd: 4,
};

/** The compression.type names indexed by codec id. */
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
