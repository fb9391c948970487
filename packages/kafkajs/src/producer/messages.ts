// kafkajs messages → idem records. kafkajs's shapes (string|Buffer keys and values, headers whose values may be
// arrays, timestamps as strings) are accepted as they are, so code written for kafkajs needs no change.
import { InvalidRecordError, type ProducerRecord, type RecordHeader } from '@idem/core';
import type { IHeaders, Message } from 'kafkajs';

/** One kafkajs message as an idem record of `topic`. `now` is the timestamp kafkajs would have given it. */
export function toIdemRecord(topic: string, message: Message, now: number, field: string): ProducerRecord {
  if (typeof message !== 'object' || message === null)
    throw new InvalidRecordError(field, 'must be an object');
  // kafkajs refuses a message without `value`; only an explicit `value: null` writes a tombstone.
  if (message.value === undefined) {
    throw new InvalidRecordError(
      `${field}.value`,
      `Invalid message without value for topic "${topic}" (set value: null to write a tombstone)`,
    );
  }
  const record: {
    topic: string;
    value: Message['value'];
    key?: Buffer | string | null;
    partition?: number;
    headers?: RecordHeader[];
    timestamp: number;
  } = {
    topic,
    value: message.value,
    timestamp:
      message.timestamp === undefined ? now : parseTimestamp(message.timestamp, `${field}.timestamp`),
  };
  if (message.key !== undefined) record.key = message.key;
  if (message.partition !== undefined && message.partition !== null) record.partition = message.partition;
  if (message.headers !== undefined) record.headers = toHeaders(message.headers, `${field}.headers`);
  return record;
}

/** kafkajs sends timestamps as decimal strings of milliseconds (it also tolerates numbers). */
function parseTimestamp(value: unknown, field: string): number {
  const ms =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && /^\d+$/.test(value)
        ? Number(value)
        : Number.NaN;
  if (!Number.isSafeInteger(ms) || ms < 0) {
    throw new InvalidRecordError(
      field,
      `must be a string of non-negative milliseconds, got ${String(value)}`,
    );
  }
  return ms;
}

/** Header values may be lists (kafkajs writes one header per element, in order); undefined values are skipped. */
function toHeaders(headers: IHeaders, field: string): RecordHeader[] {
  if (typeof headers !== 'object' || headers === null)
    throw new InvalidRecordError(field, 'must be an object');
  const list: RecordHeader[] = [];
  for (const [key, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) {
      for (const element of value) list.push({ key, value: element });
    } else {
      list.push({ key, value });
    }
  }
  return list;
}
