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
  // Built only when a check fails: a closure per record would cost an allocation on the hot path.
  const at = isArray ? index : -1;
  if (typeof record !== 'object' || record === null)
    throw new InvalidRecordError(fieldName(at, ''), 'must be an object');
  const { topic, partition } = record;
  if (typeof topic !== 'string' || topic.length === 0 || topic.length > 249) {
    throw new InvalidRecordError(fieldName(at, '.topic'), 'must be a topic name of 1 to 249 characters');
  }
  if (
    partition !== undefined &&
    !(Number.isInteger(partition) && partition >= 0 && partition <= 0x7fffffff)
  ) {
    throw new InvalidRecordError(
      fieldName(at, '.partition'),
      `must be a non-negative int32, got ${String(partition)}`,
    );
  }
  const key = bytes(record.key, at, '.key');
  const value = bytes(record.value, at, '.value');
  const headers = record.headers === undefined ? NO_HEADERS : normalizeHeaders(record.headers, at);
  const timestamp = normalizeTimestamp(record.timestamp, now, at);
  let sizeBytes = RECORD_OVERHEAD + (key?.length ?? 0) + (value?.length ?? 0);
  for (const header of headers) {
    sizeBytes += HEADER_OVERHEAD + Buffer.byteLength(header.key) + (header.value?.length ?? 0);
  }
  return { topic, partition, key, value, headers, timestamp, sizeBytes, call, index, sentAt: now };
}

/** `records[i].name` for the i-th record of an array send (`at` = i), `record.name` for a single one (`at` = -1). */
function fieldName(at: number, name: string): string {
  return `${at >= 0 ? `records[${at}]` : 'record'}${name}`;
}

function bytes(data: RecordData | null | undefined, at: number, name: string): Buffer | null {
  if (data === null || data === undefined) return null;
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  if (data instanceof Uint8Array)
    return Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  throw new InvalidRecordError(fieldName(at, name), 'must be a string, a Uint8Array or null');
}

function normalizeHeaders(headers: ProducerRecord['headers'], at: number): EncodedHeader[] {
  if (Array.isArray(headers)) {
    return (headers as readonly { key: unknown; value: RecordData | null }[]).map((header, i) => {
      if (typeof header?.key !== 'string')
        throw new InvalidRecordError(fieldName(at, `.headers[${i}].key`), 'must be a string');
      return { key: header.key, value: bytes(header.value, at, `.headers[${i}].value`) };
    });
  }
  if (typeof headers !== 'object' || headers === null)
    throw new InvalidRecordError(fieldName(at, '.headers'), 'must be an object or a list');
  return Object.entries(headers as Record<string, RecordData>).map(([key, value]) => ({
    key,
    value: bytes(value, at, `.headers.${key}`),
  }));
}

/**
 * A timestamp as a number while it is a safe integer (every realistic one; the codec takes numbers without a
 * BigInt per record), as a bigint beyond that.
 */
function normalizeTimestamp(
  timestamp: number | bigint | undefined,
  now: number,
  at: number,
): number | bigint {
  if (timestamp === undefined) return Math.floor(now);
  if (typeof timestamp === 'bigint') {
    if (timestamp < 0n || timestamp > 0x7fffffffffffffffn)
      throw new InvalidRecordError(fieldName(at, '.timestamp'), 'must be a non-negative int64');
    return timestamp <= 0x1f_ffff_ffff_ffffn ? Number(timestamp) : timestamp;
  }
  if (!Number.isSafeInteger(timestamp) || timestamp < 0) {
    throw new InvalidRecordError(
      fieldName(at, '.timestamp'),
      `must be a non-negative integer of milliseconds, got ${timestamp}`,
    );
  }
  return timestamp;
}
