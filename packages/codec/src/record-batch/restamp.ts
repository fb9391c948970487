import { crc32cCombine } from '../crc32c/combine.js';
import { crc32c } from '../crc32c/index.js';
import { CrcMismatchError, InvalidValueError } from '../errors/codec-error.js';
import { asBuffer, CONTEXT, checkBatchFrame } from './header.js';
import {
  ATTRIBUTES_OFFSET,
  BASE_OFFSET_OFFSET,
  BASE_SEQUENCE_OFFSET,
  CRC_OFFSET,
  HEADER_SIZE,
  PARTITION_LEADER_EPOCH_OFFSET,
  PRODUCER_EPOCH_OFFSET,
  PRODUCER_ID_OFFSET,
} from './layout.js';
import type { RestampFields, RestampOptions } from './types.js';

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

function invalid(field: string, detail: string): never {
  throw new InvalidValueError(`${CONTEXT}: ${field}: ${detail}`, field, 0);
}

/**
 * Rewrites the producer fields (and optionally baseOffset / partitionLeaderEpoch) of an encoded batch
 * and re-signs it, without touching the records. The records are hashed once: their CRC is combined
 * with the old header bytes to verify the stored CRC and with the new ones to compute the new CRC.
 * Used when an idempotent producer re-sends a batch under a new epoch or sequence.
 */
export function restampRecordBatch(
  bytes: Uint8Array,
  fields: RestampFields,
  options?: RestampOptions,
): Buffer {
  const { producerId, producerEpoch, baseSequence } = fields;
  if (typeof producerId !== 'bigint' || producerId < INT64_MIN || producerId > INT64_MAX) {
    invalid('producerId', `${String(producerId)} is not an int64 bigint`);
  }
  if (!Number.isInteger(producerEpoch) || producerEpoch < -0x8000 || producerEpoch > 0x7fff) {
    invalid('producerEpoch', `${producerEpoch} is not an int16`);
  }
  if (!Number.isInteger(baseSequence) || baseSequence < -1 || baseSequence > 0x7fff_ffff) {
    invalid('baseSequence', `${baseSequence} is not -1 or a sequence number`);
  }
  const ple = fields.partitionLeaderEpoch;
  if (ple !== undefined && (!Number.isInteger(ple) || ple < -0x8000_0000 || ple > 0x7fff_ffff)) {
    invalid('partitionLeaderEpoch', `${ple} is not an int32`);
  }
  const baseOffset = fields.baseOffset;
  if (
    baseOffset !== undefined &&
    (typeof baseOffset !== 'bigint' || baseOffset < INT64_MIN || baseOffset > INT64_MAX)
  ) {
    invalid('baseOffset', `${String(baseOffset)} is not an int64 bigint`);
  }

  const input = asBuffer(bytes);
  const end = checkBatchFrame(input, 0, true);
  const tail = input.subarray(HEADER_SIZE, end);
  const tailCrc = crc32c(tail);
  if (options?.verifyCrc !== false) {
    const stored = input.readUInt32BE(CRC_OFFSET);
    const actual = crc32cCombine(
      crc32c(input.subarray(ATTRIBUTES_OFFSET, HEADER_SIZE)),
      tailCrc,
      tail.length,
    );
    if (actual !== stored) {
      throw new CrcMismatchError(
        `${CONTEXT}: crc: stored 0x${stored.toString(16)} but the bytes give 0x${actual.toString(16)}; refusing to re-sign a corrupt batch`,
        'crc',
        CRC_OFFSET,
        stored,
        actual,
      );
    }
  }
  const out = options?.copy ? Buffer.from(input) : input;
  out.writeBigInt64BE(producerId, PRODUCER_ID_OFFSET);
  out.writeInt16BE(producerEpoch, PRODUCER_EPOCH_OFFSET);
  out.writeInt32BE(baseSequence, BASE_SEQUENCE_OFFSET);
  if (baseOffset !== undefined) out.writeBigInt64BE(baseOffset, BASE_OFFSET_OFFSET);
  if (ple !== undefined) out.writeInt32BE(ple, PARTITION_LEADER_EPOCH_OFFSET);
  const crc = crc32cCombine(crc32c(out.subarray(ATTRIBUTES_OFFSET, HEADER_SIZE)), tailCrc, tail.length);
  out.writeUInt32BE(crc, CRC_OFFSET);
  return out;
}
