/** Kafka's compression codec ids (the low 3 bits of the batch attributes). */
export type CompressionId = 0 | 1 | 2 | 3 | 4;
/** Kafka's `compression.type` names, in codec id order. */
export type CompressionName = 'none' | 'gzip' | 'snappy' | 'lz4' | 'zstd';

/** One compression codec as the record batch codec uses it. */
export interface CompressionCodec {
  readonly id: CompressionId;
  readonly name: CompressionName;
  /** `bytes` compressed in the stream format Kafka's readers expect for this id (snappy: xerial framing). */
  compress(bytes: Uint8Array): Buffer;
  /** Throws DecompressionLimitError rather than produce more than `maxOutputBytes`. */
  decompress(bytes: Uint8Array, maxOutputBytes: number): Buffer;
}
