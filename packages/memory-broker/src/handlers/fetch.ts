/**
 * Fetch for consumers: the stored batches from the requested offset, byte for byte as they were
 * appended (offsets and leader epoch stamped), from the batch that holds the fetch offset on. Size
 * limits are applied per batch and loosely, as Kafka does since KIP-74: a partition's first batch is
 * returned even when it alone exceeds the limits, so a consumer is never stuck on a large batch.
 * With less than minBytes available the request waits, up to maxWaitMs on the cluster's clock, for
 * a Produce to append to one of its partitions. Fetch sessions (KIP-227) are declined: every answer
 * carries session id 0, so clients keep sending full fetch requests.
 */
import type {
  FetchRequest,
  FetchRequestFetchPartition,
  FetchResponse,
  FetchResponseNodeEndpoint,
  FetchResponsePartitionData,
} from '@idem/codec';
import { KafkaErrorCode } from '@idem/codec';
import type { Topic } from '../cluster/topic.js';
import type { Partition } from '../partition/partition.js';
import { consumerStateOf, type FetchWaiter } from './consumer-state.js';
import type { HandlerContext } from './context.js';
import { ZERO_UUID } from './metadata.js';

const TOPIC_IDS_FROM = 13;
const READ_COMMITTED = 1;

interface FetchRead {
  readonly response: FetchResponse;
  readonly bytes: number;
  /** Whether any partition answered with an error: Kafka then answers at once. */
  readonly anyError: boolean;
  /** The partitions the request reads (known, led here), to wait on. */
  readonly partitions: readonly Partition[];
}

export function handleFetch(
  ctx: HandlerContext,
  request: FetchRequest,
  version: number,
): FetchResponse | Promise<FetchResponse> {
  const first = readFetch(ctx, request, version);
  if (
    request.maxWaitMs <= 0 ||
    first.bytes >= request.minBytes ||
    first.anyError ||
    first.partitions.length === 0
  ) {
    return first.response;
  }
  return waitForData(ctx, request, version, first.partitions);
}

/** Parks the request until an append brings minBytes or maxWaitMs passes, then reads again. */
function waitForData(
  ctx: HandlerContext,
  request: FetchRequest,
  version: number,
  partitions: readonly Partition[],
): Promise<FetchResponse> {
  const state = consumerStateOf(ctx.cluster);
  const clock = ctx.cluster.clock;
  return new Promise((resolve) => {
    let timer: unknown;
    const finish = (read: FetchRead) => {
      state.unpark(waiter);
      clock.clearTimeout(timer);
      resolve(read.response);
    };
    const waiter: FetchWaiter = {
      partitions,
      wake: () => {
        const read = readFetch(ctx, request, version);
        if (read.bytes >= request.minBytes || read.anyError) finish(read);
      },
    };
    state.park(waiter);
    timer = clock.setTimeout(() => finish(readFetch(ctx, request, version)), request.maxWaitMs);
  });
}

function readFetch(ctx: HandlerContext, request: FetchRequest, version: number): FetchRead {
  const injected = ctx.plan.topLevelError?.errorCode;
  if (request.sessionId !== 0 || injected !== undefined) {
    // No sessions are ever created, so an incremental fetch names a session that does not exist.
    return {
      response: {
        throttleTimeMs: 0,
        errorCode: injected ?? KafkaErrorCode.FETCH_SESSION_ID_NOT_FOUND,
        sessionId: 0,
        responses: [],
        nodeEndpoints: [],
      },
      bytes: 0,
      anyError: true,
      partitions: [],
    };
  }
  const budget = { left: request.maxBytes, bytes: 0, anyError: false };
  const partitions: Partition[] = [];
  const endpoints = new Map<number, FetchResponseNodeEndpoint>();
  const responses = request.topics.map((t) => {
    const topic =
      version >= TOPIC_IDS_FROM ? ctx.cluster.topicsById.get(t.topicId) : ctx.cluster.topic(t.topic);
    return {
      topic: t.topic,
      topicId: version >= TOPIC_IDS_FROM ? t.topicId : ZERO_UUID,
      partitions: t.partitions.map((p) => {
        const data = readPartition(ctx, request, version, topic, p, budget, partitions, endpoints);
        if (data.errorCode !== KafkaErrorCode.NONE) budget.anyError = true;
        return data;
      }),
    };
  });
  return {
    response: {
      throttleTimeMs: 0,
      errorCode: KafkaErrorCode.NONE,
      sessionId: 0,
      responses,
      nodeEndpoints: [...endpoints.values()],
    },
    bytes: budget.bytes,
    anyError: budget.anyError,
    partitions,
  };
}

function readPartition(
  ctx: HandlerContext,
  request: FetchRequest,
  version: number,
  topic: Topic | undefined,
  wanted: FetchRequestFetchPartition,
  budget: { left: number; bytes: number },
  partitions: Partition[],
  endpoints: Map<number, FetchResponseNodeEndpoint>,
): FetchResponsePartitionData {
  const partition = topic?.partitions[wanted.partition];
  if (partition === undefined) {
    const errorCode =
      version >= TOPIC_IDS_FROM && topic === undefined
        ? KafkaErrorCode.UNKNOWN_TOPIC_ID
        : KafkaErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
    return partitionError(wanted.partition, errorCode);
  }
  if (partition.leaderId !== ctx.broker.nodeId) {
    const data = partitionError(wanted.partition, KafkaErrorCode.NOT_LEADER_OR_FOLLOWER);
    const leader = ctx.cluster.liveLeader(partition);
    // The leader hint (KIP-951) exists from v12, the endpoints that go with it from v16.
    if (version >= 12)
      data.currentLeader = { leaderId: leader?.nodeId ?? -1, leaderEpoch: partition.leaderEpoch };
    if (leader !== undefined && version >= 16) {
      endpoints.set(leader.nodeId, {
        nodeId: leader.nodeId,
        host: leader.host,
        port: leader.port,
        rack: leader.rack,
      });
    }
    return data;
  }
  const epochError = leaderEpochError(wanted.currentLeaderEpoch, partition.leaderEpoch);
  if (epochError !== undefined) return partitionError(wanted.partition, epochError);

  const log = partition.log;
  const offsets = {
    highWatermark: BigInt(log.highWatermark),
    lastStableOffset: BigInt(log.highWatermark),
    logStartOffset: BigInt(log.logStartOffset),
  };
  const fetchOffset = wanted.fetchOffset;
  if (fetchOffset < offsets.logStartOffset || fetchOffset > offsets.highWatermark) {
    // Kafka 4.3 answers an out-of-range fetch with every offset at -1 (ReplicaManager's error LogReadResult).
    return partitionError(wanted.partition, KafkaErrorCode.OFFSET_OUT_OF_RANGE);
  }
  partitions.push(partition);

  const chunks: Buffer[] = [];
  let partitionBytes = 0;
  for (const batch of log.read(Number(fetchOffset))) {
    if (batch.bytes === null) break; // the cluster keeps offsets only (storeRecords: false)
    const size = batch.bytes.length;
    const firstOfResponse = budget.bytes === 0 && chunks.length === 0;
    const fits = partitionBytes + size <= wanted.partitionMaxBytes && size <= budget.left;
    // KIP-74: the first batch goes out whole even if it alone breaks a limit, so nobody is stuck.
    if (!fits && !(chunks.length === 0 && (firstOfResponse || budget.left > 0))) break;
    chunks.push(batch.bytes);
    partitionBytes += size;
    budget.left -= size;
    budget.bytes += size;
  }
  return {
    partitionIndex: wanted.partition,
    errorCode: KafkaErrorCode.NONE,
    ...offsets,
    divergingEpoch: { epoch: -1, endOffset: -1n },
    currentLeader: { leaderId: -1, leaderEpoch: -1 },
    snapshotId: { endOffset: -1n, epoch: -1 },
    // Kafka lists aborted transactions only for read_committed (none here: no transactions).
    abortedTransactions: request.isolationLevel === READ_COMMITTED ? [] : null,
    preferredReadReplica: -1,
    records: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, partitionBytes),
  };
}

/** Kafka's check of the client's view of the leader epoch (KIP-320); -1 skips it. */
export function leaderEpochError(requested: number, current: number): number | undefined {
  if (requested < 0 || requested === current) return undefined;
  return requested < current ? KafkaErrorCode.FENCED_LEADER_EPOCH : KafkaErrorCode.UNKNOWN_LEADER_EPOCH;
}

function partitionError(partitionIndex: number, errorCode: number): FetchResponsePartitionData {
  return {
    partitionIndex,
    errorCode,
    highWatermark: -1n,
    lastStableOffset: -1n,
    logStartOffset: -1n,
    divergingEpoch: { epoch: -1, endOffset: -1n },
    currentLeader: { leaderId: -1, leaderEpoch: -1 },
    snapshotId: { endOffset: -1n, epoch: -1 },
    abortedTransactions: null,
    preferredReadReplica: -1,
    records: null,
  };
}
