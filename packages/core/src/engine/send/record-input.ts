import { InvalidRecordError } from '../../errors/send-errors.js';
import type { ProducerRecord, RecordData } from '../../producer/contract.js';
import type { EncodedHeader, PendingRecord } from './pending-record.js';
import type { SendCall } from './send-call.js';

/** Bytes a record adds beyond key, value and headers in the worst case (varints of RecordBatch v2). */
const RECORD_OVERHEAD = 21;
/** Per header in the worst case (two varint lengths). */
const HEADER_OVERHEAD = 10;

/** The headers of a record that has none: one shared, frozen list instead of one per record. */
const NO_HEADERS: readonly EncodedHeader[] = Object.freeze([]);

/**
 * Validates the `index`-th record of a send call and turns strings into bytes, ready for the accumulator. Throws
 * `InvalidRecordError` naming the field; field names are built only then, never on the hot path.
 */
export function toPendingRecord(
  record: ProducerRecord,
  call: SendCall,
  index: number,
  isArray: boolean,
  now: number,
): PendingRecord {
  const field = (name: string) => `${isArray ? `records[${index}]` : 'record'}${name}`;
  if (typeof record !== 'object' || record === null)
    throw new InvalidRecordError(field(''), 'must be an object');
  const { topic, partition } = record;
  if (typeof topic !== 'string' || topic.length === 0 || topic.length > 249) {
    throw new InvalidRecordError(field('.topic'), 'must be a topic name of 1 to 249 characters');
  }
  if (
    partition !== undefined &&
    !(Number.isInteger(partition) && partition >= 0 && partition <= 0x7fffffff)
  ) {
    throw new InvalidRecordError(
      field('.partition'),
      `must be a non-negative int32, got ${String(partition)}`,
    );
  }
  const key = bytes(record.key, field, '.key');
  const value = bytes(record.value, field, '.value');
  const headers = record.headers === undefined ? NO_HEADERS : normalizeHeaders(record.headers, field);
  const timestamp = normalizeTimestamp(record.timestamp, now, field);
  let sizeBytes = RECORD_OVERHEAD + (key?.length ?? 0) + (value?.length ?? 0);
  for (const header of headers) {
    sizeBytes += HEADER_OVERHEAD + Buffer.byteLength(header.key) + (header.value?.length ?? 0);
  }
  return { topic, partition, key, value, headers, timestamp, sizeBytes, call, index, sentAt: now };
}

type FieldName = (name: string) => string;

function bytes(data: RecordData | null | undefined, field: FieldName, name: string): Buffer | null {
  if (data === null || data === undefined) return null;
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  if (data instanceof Uint8Array)
    return Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  throw new InvalidRecordError(field(name), 'must be a string, a Uint8Array or null');
}

function normalizeHeaders(headers: ProducerRecord['headers'], field: FieldName): EncodedHeader[] {
  if (Array.isArray(headers)) {
    return (headers as readonly { key: unknown; value: RecordData | null }[]).map((header, i) => {
      if (typeof header?.key !== 'string')
        throw new InvalidRecordError(field(`.headers[${i}].key`), 'must be a string');
      return { key: header.key, value: bytes(header.value, field, `.headers[${i}].value`) };
    });
  }
  if (typeof headers !== 'object' || headers === null)
    throw new InvalidRecordError(field('.headers'), 'must be an object or a list');
  return Object.entries(headers as Record<string, RecordData>).map(([key, value]) => ({
    key,
    value: bytes(value, field, `.headers.${key}`),
  }));
}

/**
 * A timestamp as a number while it is a safe integer (every realistic one; the codec takes numbers without a
 * BigInt per record), as a bigint beyond that.
 */
function normalizeTimestamp(
  timestamp: number | bigint | undefined,
  now: number,
  field: FieldName,
): number | bigint {
  if (timestamp === undefined) return Math.floor(now);
  if (typeof timestamp === 'bigint') {
    if (timestamp < 0n || timestamp > 0x7fffffffffffffffn)
      throw new InvalidRecordError(field('.timestamp'), 'must be a non-negative int64');
    return timestamp <= 0x1f_ffff_ffff_ffffn ? Number(timestamp) : timestamp;
  }
  if (!Number.isSafeInteger(timestamp) || timestamp < 0) {
    throw new InvalidRecordError(
      field('.timestamp'),
      `must be a non-negative integer of milliseconds, got ${timestamp}`,
    );
  }
  return timestamp;
}
