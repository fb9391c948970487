/**
 * Hand-built idempotent produce traffic for the conformance cases: batches made by the codec, one
 * partition per request, and the InitProducerId call every case starts from.
 */
import {
  type CompressionName,
  encodeRecordBatch,
  isRetriable,
  KafkaErrorCode,
  lastSequence,
} from '@idem/codec';
import { type ProducerEntry, type Response, sleep, type Target } from './targets.js';

export type PartitionResponse = Response<'Produce'>['responses'][number]['partitionResponses'][number];

/**
 * Record timestamps: recent enough for Kafka's default `message.timestamp.*.max.ms` bounds and for
 * producer-id expiry (1 day by record time), and distinct per batch so a DescribeProducers
 * lastTimestamp names the batch it came from.
 */
let clock = Date.now() - 60_000;

export interface Batch {
  readonly producerId: bigint;
  readonly epoch: number;
  readonly baseSequence: number;
  readonly count: number;
  readonly lastSequence: number;
  readonly maxTimestamp: number;
  readonly bytes: Buffer;
}

export function batch(
  producerId: bigint,
  epoch: number,
  baseSequence: number,
  count = 1,
  firstTimestamp?: number,
  compression: CompressionName = 'none',
): Batch {
  const first = firstTimestamp ?? clock;
  clock += count;
  const bytes = encodeRecordBatch({
    producerId,
    producerEpoch: epoch,
    baseSequence,
    compression,
    records: Array.from({ length: count }, (_, i) => ({
      key: null,
      value: Buffer.from(`seq ${baseSequence}+${i}`),
      timestamp: first + i,
    })),
  });
  return {
    producerId,
    epoch,
    baseSequence,
    count,
    lastSequence: lastSequence(baseSequence, count),
    maxTimestamp: first + count - 1,
    bytes,
  };
}

/** A one-record transactional batch, or a (transactional) control batch. */
export function transactionalBatch(producerId: bigint, control = false): Buffer {
  return encodeRecordBatch({
    producerId,
    producerEpoch: 0,
    baseSequence: 0,
    isTransactional: true,
    isControl: control,
    records: [{ key: null, value: Buffer.from('txn'), timestamp: clock++ }],
  });
}

/** Sends one batch to `topic`-`partition` (acks=-1) without waiting, so calls back to back are pipelined. */
export function send(
  target: Target,
  version: number,
  topic: string,
  b: Batch,
  partition = 0,
): Promise<PartitionResponse> {
  return sendBytes(target, version, topic, b.bytes, partition);
}

/** `send` for raw record bytes. */
export async function sendBytes(
  target: Target,
  version: number,
  topic: string,
  records: Buffer,
  partition = 0,
): Promise<PartitionResponse> {
  const response = await target.request('Produce', version, {
    transactionalId: null,
    acks: -1,
    timeoutMs: 10_000,
    topicData: [{ name: topic, partitionData: [{ index: partition, records }] }],
  });
  const answer = response.responses[0]?.partitionResponses[0];
  if (answer === undefined) throw new Error(`Produce v${version}: no partition in the response`);
  return answer;
}

/** A fresh producer id from the target (InitProducerId v4, no transactional id), retrying the broker's "not ready yet". */
export async function initProducerId(
  target: Target,
  version = 4,
  pair: { producerId: bigint; producerEpoch: number } = { producerId: -1n, producerEpoch: -1 },
): Promise<Response<'InitProducerId'>> {
  for (let attempt = 0; ; attempt++) {
    const response = await target.request('InitProducerId', version, {
      transactionalId: null,
      transactionTimeoutMs: 60_000,
      ...pair,
    });
    // A freshly started Kafka answers COORDINATOR_LOAD_IN_PROGRESS until its first PID block arrives.
    if (!isRetriable(response.errorCode) || attempt >= 50) return response;
    await sleep(100);
  }
}

export async function freshProducerId(target: Target): Promise<bigint> {
  const response = await initProducerId(target);
  if (response.errorCode !== KafkaErrorCode.NONE) {
    throw new Error(`${target.name}: InitProducerId failed with ${response.errorCode}`);
  }
  return response.producerId;
}

// ---- what Kafka answers (the same expectation for both targets) ----

const NO_LEADER_HINT = { leaderId: -1, leaderEpoch: -1 };

/** LogStartOffset exists from Produce v5; older versions decode to the field's default, -1. */
function logStart(version: number): bigint {
  return version >= 5 ? 0n : -1n;
}

/** A fresh append to a CreateTime topic: the offset assigned, LogAppendTime -1. */
export function appendedAt(baseOffset: number, version: number): PartitionResponse {
  return {
    index: 0,
    errorCode: KafkaErrorCode.NONE,
    baseOffset: BigInt(baseOffset),
    logAppendTimeMs: -1n,
    logStartOffset: logStart(version),
    recordErrors: [],
    errorMessage: null,
    currentLeader: NO_LEADER_HINT,
  };
}

/**
 * A retry of a retained batch: NONE with the original base offset, and LogAppendTime set to the stored
 * batch's max timestamp even on a CreateTime topic (UnifiedLog rewrites the append info from the
 * cached BatchMetadata).
 */
export function duplicateOf(b: Batch, baseOffset: number, version: number): PartitionResponse {
  return { ...appendedAt(baseOffset, version), logAppendTimeMs: BigInt(b.maxTimestamp) };
}

/** A batch refused by the producer-state checks: offsets -1, LogStartOffset still filled in (v5+). */
export function rejectedWith(errorCode: number, version: number): PartitionResponse {
  return { ...appendedAt(-1, version), errorCode, logAppendTimeMs: -1n };
}

/** The DescribeProducers entry an idempotent (non-transactional) producer leaves after `last` was appended. */
export function producerState(last: Batch): ProducerEntry {
  return {
    producerId: last.producerId,
    producerEpoch: last.epoch,
    lastSequence: last.lastSequence,
    lastTimestamp: BigInt(last.maxTimestamp),
    coordinatorEpoch: -1,
    currentTxnStartOffset: -1n,
  };
}
