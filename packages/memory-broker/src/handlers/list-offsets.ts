/**
 * ListOffsets: the offset for a timestamp, or for one of Kafka's special timestamps — latest (-1,
 * the high watermark, which is also the last stable offset: there are no transactions), earliest
 * (-2) and earliest-local (-4, the same without tiered storage), max-timestamp (-3). Tiered-storage
 * lookups (-5, -6) find nothing. A real timestamp gives the first record at or after it, found from
 * the stored batches' headers and, inside the batch, the records themselves.
 */
import type {
  ListOffsetsRequest,
  ListOffsetsRequestListOffsetsPartition,
  ListOffsetsResponse,
  ListOffsetsResponseListOffsetsPartitionResponse,
} from '@idem/codec';
import { KafkaErrorCode, readRecordBatch } from '@idem/codec';
import type { StoredBatch } from '../partition/log.js';
import type { Partition } from '../partition/partition.js';
import type { HandlerContext } from './context.js';
import { leaderEpochError } from './fetch.js';

const LATEST = -1n;
const EARLIEST = -2n;
const MAX_TIMESTAMP = -3n;
const EARLIEST_LOCAL = -4n;

// Byte positions in a stored RecordBatch v2 header (docs/broker-rules.md §"The RecordBatch v2 header").
const LEADER_EPOCH_AT = 12;
const ATTRIBUTES_AT = 21;
const MAX_TIMESTAMP_AT = 35;
const LOG_APPEND_TIME_FLAG = 0x08;

export function handleListOffsets(
  ctx: HandlerContext,
  request: ListOffsetsRequest,
  version: number,
): ListOffsetsResponse {
  const injected = ctx.plan.topLevelError?.errorCode;
  return {
    throttleTimeMs: 0,
    topics: request.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p) => {
        if (injected !== undefined) return notFound(p.partitionIndex, injected);
        const found = listPartition(ctx, ctx.cluster.partition(t.name, p.partitionIndex), p);
        // The leader epoch exists from v4 (KIP-320).
        return version >= 4 ? found : { ...found, leaderEpoch: -1 };
      }),
    })),
  };
}

function listPartition(
  ctx: HandlerContext,
  partition: Partition | undefined,
  wanted: ListOffsetsRequestListOffsetsPartition,
): ListOffsetsResponseListOffsetsPartitionResponse {
  const index = wanted.partitionIndex;
  if (partition === undefined) return notFound(index, KafkaErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  if (partition.leaderId !== ctx.broker.nodeId) return notFound(index, KafkaErrorCode.NOT_LEADER_OR_FOLLOWER);
  const epochError = leaderEpochError(wanted.currentLeaderEpoch, partition.leaderEpoch);
  if (epochError !== undefined) return notFound(index, epochError);

  const log = partition.log;
  const found = (offset: number, timestamp: bigint, leaderEpoch: number) => ({
    partitionIndex: index,
    errorCode: KafkaErrorCode.NONE,
    timestamp,
    offset: BigInt(offset),
    leaderEpoch,
  });
  switch (wanted.timestamp) {
    case LATEST:
      return found(log.highWatermark, -1n, partition.leaderEpoch);
    case EARLIEST:
    case EARLIEST_LOCAL: {
      const first = log.read(log.logStartOffset)[0];
      const epoch = first?.bytes ? first.bytes.readInt32BE(LEADER_EPOCH_AT) : partition.leaderEpoch;
      return found(log.logStartOffset, -1n, epoch);
    }
    case MAX_TIMESTAMP:
      return byTimestamp(partition, null) ?? notFound(index, KafkaErrorCode.NONE);
    default:
      if (wanted.timestamp < 0n) return notFound(index, KafkaErrorCode.NONE);
      return byTimestamp(partition, wanted.timestamp) ?? notFound(index, KafkaErrorCode.NONE);
  }
}

/**
 * The first record with a timestamp at or after `target`, or (target null) the first record with
 * the largest timestamp. Undefined when there is none (or record bytes are not kept).
 */
function byTimestamp(
  partition: Partition,
  target: bigint | null,
): ListOffsetsResponseListOffsetsPartitionResponse | undefined {
  let chosen: StoredBatch | undefined;
  let chosenMax = -1n;
  for (const batch of partition.log.read()) {
    if (batch.bytes === null) return undefined;
    const max = batch.bytes.readBigInt64BE(MAX_TIMESTAMP_AT);
    if (target === null ? max > chosenMax : max >= target) {
      chosen = batch;
      chosenMax = max;
      if (target !== null) break;
    }
  }
  if (chosen?.bytes == null) return undefined;
  const want = target ?? chosenMax;
  const leaderEpoch = chosen.bytes.readInt32BE(LEADER_EPOCH_AT);
  const logAppendTime = (chosen.bytes.readInt16BE(ATTRIBUTES_AT) & LOG_APPEND_TIME_FLAG) !== 0;
  for (const record of readRecordBatch(chosen.bytes).records()) {
    // Under LogAppendTime every record carries the batch's (broker-assigned) max timestamp.
    const timestamp = logAppendTime ? chosenMax : record.timestamp;
    const offset = chosen.baseOffset + record.offsetDelta;
    if (offset < partition.log.logStartOffset) continue;
    if (target === null ? timestamp === want : timestamp >= want) {
      return {
        partitionIndex: partition.index,
        errorCode: KafkaErrorCode.NONE,
        timestamp,
        offset: BigInt(offset),
        leaderEpoch,
      };
    }
  }
  return undefined;
}

function notFound(
  partitionIndex: number,
  errorCode: number,
): ListOffsetsResponseListOffsetsPartitionResponse {
  return { partitionIndex, errorCode, timestamp: -1n, offset: -1n, leaderEpoch: -1 };
}
