import { InvalidRecordError } from '../errors/send-errors.js';
import type { ProducerRecord, RecordData } from '../producer/contract.js';
import type { EncodedHeader } from './pending-record.js';

/** Bytes a record adds beyond key, value and headers in the worst case (varints of RecordBatch v2). */
const RECORD_OVERHEAD = 21;
/** Per header in the worst case (two varint lengths). */
const HEADER_OVERHEAD = 10;

export interface NormalizedRecord {
  readonly topic: string;
  readonly partition: number | undefined;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: readonly EncodedHeader[];
  readonly timestamp: bigint;
  readonly sizeBytes: number;
}

/** Validates a user record and turns strings into bytes. Throws `InvalidRecordError` naming the field. */
export function normalizeRecord(record: ProducerRecord, now: number, field = 'record'): NormalizedRecord {
  if (typeof record !== 'object' || record === null) throw new InvalidRecordError(field, 'must be an object');
  const { topic, partition } = record;
  if (typeof topic !== 'string' || topic.length === 0 || topic.length > 249) {
    throw new InvalidRecordError(`${field}.topic`, 'must be a topic name of 1 to 249 characters');
  }
  if (
    partition !== undefined &&
    !(Number.isInteger(partition) && partition >= 0 && partition <= 0x7fffffff)
  ) {
    throw new InvalidRecordError(
      `${field}.partition`,
      `must be a non-negative int32, got ${String(partition)}`,
    );
  }
  const key = bytes(record.key, `${field}.key`);
  const value = bytes(record.value, `${field}.value`);
  const headers = normalizeHeaders(record.headers, `${field}.headers`);
  const timestamp = normalizeTimestamp(record.timestamp, now, `${field}.timestamp`);
  let sizeBytes = RECORD_OVERHEAD + (key?.length ?? 0) + (value?.length ?? 0);
  for (const header of headers) {
    sizeBytes += HEADER_OVERHEAD + Buffer.byteLength(header.key) + (header.value?.length ?? 0);
  }
  return { topic, partition, key, value, headers, timestamp, sizeBytes };
}

function bytes(data: RecordData | null | undefined, field: string): Buffer | null {
  if (data === null || data === undefined) return null;
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  if (data instanceof Uint8Array)
    return Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  throw new InvalidRecordError(field, 'must be a string, a Uint8Array or null');
}

function normalizeHeaders(headers: ProducerRecord['headers'], field: string): EncodedHeader[] {
  if (headers === undefined) return [];
  if (Array.isArray(headers)) {
    return (headers as readonly { key: unknown; value: RecordData | null }[]).map((header, i) => {
      if (typeof header?.key !== 'string')
        throw new InvalidRecordError(`${field}[${i}].key`, 'must be a string');
      return { key: header.key, value: bytes(header.value, `${field}[${i}].value`) };
    });
  }
  if (typeof headers !== 'object' || headers === null)
    throw new InvalidRecordError(field, 'must be an object or a list');
  return Object.entries(headers as Record<string, RecordData>).map(([key, value]) => ({
    key,
    value: bytes(value, `${field}.${key}`),
  }));
}

function normalizeTimestamp(timestamp: number | bigint | undefined, now: number, field: string): bigint {
  if (timestamp === undefined) return BigInt(Math.floor(now));
  if (typeof timestamp === 'bigint') {
    if (timestamp < 0n || timestamp > 0x7fffffffffffffffn)
      throw new InvalidRecordError(field, 'must be a non-negative int64');
    return timestamp;
  }
  if (!Number.isSafeInteger(timestamp) || timestamp < 0) {
    throw new InvalidRecordError(field, `must be a non-negative integer of milliseconds, got ${timestamp}`);
  }
  return BigInt(timestamp);
}
