import { InvalidValueError } from '../errors/codec-error.js';
import { CONTEXT } from './header.js';
import type { ControlRecordInfo, DecodedRecord } from './types.js';

/**
 * Interprets a control record: key = {version int16, type int16}; for ABORT (0) and COMMIT (1) the
 * value is an EndTransactionMarker {version int16, coordinatorEpoch int32}. The key shape was already
 * checked while reading the record.
 */
export function controlRecordInfo(record: DecodedRecord): ControlRecordInfo {
  const key = record.key!;
  const version = key.readInt16BE(0);
  const typeId = key.readInt16BE(2);
  if (typeId !== 0 && typeId !== 1) return { type: 'UNKNOWN', typeId, version };
  const value = record.value;
  if (value === null || value.length < 6 || value.readInt16BE(0) < 0) {
    throw new InvalidValueError(
      `${CONTEXT}: records[0].value: a transaction marker value needs version (>= 0) and coordinatorEpoch (6 bytes)`,
      'records[0].value',
      0,
    );
  }
  return {
    type: typeId === 0 ? 'ABORT' : 'COMMIT',
    typeId,
    version,
    coordinatorEpoch: value.readInt32BE(2),
  };
}
