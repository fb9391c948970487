import { createRequire } from 'node:module';
import { type CompressionName, decodeRecordBatch, encodeRecordBatch } from '@idem/codec';
import { createRecordsBatch, Reader, readRecordsBatch } from '@platformatic/kafka';
import { BASE_TIMESTAMP, type WorkloadRecord } from './workload.js';

/**
 * One RecordBatch implementation under test. `prepare` turns the workload into whatever the library
 * takes as input, outside the timed loop; `encode` is what a producer does per batch; `decode`
 * reads back a batch that the same library encoded (each decodes its own output, since not every
 * library reads every other's compressed framing).
 */
export interface Implementation {
  name: 'idem' | 'idem-nocrc' | 'kafkajs' | 'platformatic';
  /** Which operations to measure; default both. */
  ops?: readonly ('encode' | 'decode')[];
  supports(compression: CompressionName): boolean;
  prepare(records: WorkloadRecord[], compression: CompressionName): PreparedCase;
}

export interface PreparedCase {
  encode(): unknown;
  /** One encoded batch, for the decode benchmark. */
  encoded(): Promise<Buffer>;
  decode(bytes: Buffer): unknown;
}

const PRODUCER = { producerId: 4242n, producerEpoch: 1, baseSequence: 0 };

export const idem: Implementation = {
  name: 'idem',
  supports: () => true,
  prepare(records, compression) {
    const input = {
      compression,
      ...PRODUCER,
      records: records.map((r) => ({ key: r.key, value: r.value, timestamp: r.timestamp })),
    };
    return {
      encode: () => encodeRecordBatch(input),
      encoded: async () => Buffer.from(encodeRecordBatch(input)),
      decode: (bytes) => decodeRecordBatch(bytes),
    };
  },
};

/**
 * idem decoding with CRC verification off: the same work kafkajs and platformatic do (neither checks
 * the CRC), for a like-for-like decode comparison. The `idem` rows keep the default (verify).
 */
export const idemNoCrc: Implementation = {
  name: 'idem-nocrc',
  ops: ['decode'],
  supports: () => true,
  prepare(records, compression) {
    const prepared = idem.prepare(records, compression);
    return { ...prepared, decode: (bytes) => decodeRecordBatch(bytes, { verifyCrc: false }) };
  },
};

// kafkajs 2.2.4 internals (CommonJS, untyped): the record and batch encoders its producer uses.
const require = createRequire(import.meta.url);
interface KafkajsEncoder {
  buffer: Buffer;
}
const KafkajsRecord = require('kafkajs/src/protocol/recordBatch/record/v0') as (r: {
  offsetDelta: number;
  timestampDelta: number;
  key: Buffer;
  value: Buffer;
  headers?: Record<string, Buffer>;
}) => KafkajsEncoder;
const { RecordBatch: KafkajsRecordBatch } = require('kafkajs/src/protocol/recordBatch/v0') as {
  RecordBatch: (batch: Record<string, unknown>) => Promise<KafkajsEncoder>;
};
const KafkajsDecoder = require('kafkajs/src/protocol/decoder') as new (buffer: Buffer) => unknown;
const kafkajsDecodeBatch = require('kafkajs/src/protocol/recordBatch/v0/decoder') as (
  d: unknown,
) => Promise<unknown>;
const KafkajsLong = require('kafkajs/src/utils/long') as { fromValue(v: string | number): unknown };
const KAFKAJS_CODECS: Partial<Record<CompressionName, number>> = { none: 0, gzip: 1 };

export const kafkajs: Implementation = {
  name: 'kafkajs',
  // kafkajs ships gzip only; snappy, lz4 and zstd need third-party codec plugins.
  supports: (c) => c in KAFKAJS_CODECS,
  prepare(records, compression) {
    const producerId = KafkajsLong.fromValue(String(PRODUCER.producerId));
    const encode = async () => {
      // As kafkajs' producer does per batch: build each record, then the batch.
      const encodedRecords = records.map((r, i) =>
        KafkajsRecord({
          offsetDelta: i,
          timestampDelta: r.timestamp - BASE_TIMESTAMP,
          key: r.key,
          value: r.value,
        }),
      );
      let max = records[0]!.timestamp;
      for (const r of records) if (r.timestamp > max) max = r.timestamp;
      const batch = await KafkajsRecordBatch({
        compression: KAFKAJS_CODECS[compression],
        firstTimestamp: records[0]!.timestamp,
        maxTimestamp: max,
        lastOffsetDelta: records.length - 1,
        producerId,
        producerEpoch: PRODUCER.producerEpoch,
        firstSequence: PRODUCER.baseSequence,
        records: encodedRecords,
      });
      return batch.buffer;
    };
    return {
      encode,
      encoded: encode,
      decode: (bytes) => kafkajsDecodeBatch(new KafkajsDecoder(bytes)),
    };
  },
};

export const platformatic: Implementation = {
  name: 'platformatic',
  supports: () => true,
  prepare(records, compression) {
    const messages = records.map((r) => ({
      key: r.key,
      value: r.value,
      timestamp: BigInt(r.timestamp),
      topic: 'bench',
      partition: 0,
    }));
    const options = { compression, producerId: PRODUCER.producerId, producerEpoch: PRODUCER.producerEpoch };
    // createRecordsBatch returns a Writer over a list of chunks; `.buffer` joins them as a producer
    // must before writing to the socket.
    const encode = () => createRecordsBatch(messages, options).buffer;
    return {
      encode,
      encoded: async () => Buffer.from(encode()),
      decode: (bytes) => readRecordsBatch(Reader.from(bytes)),
    };
  },
};

export const IMPLEMENTATIONS: Implementation[] = [idem, idemNoCrc, kafkajs, platformatic];
