/** Shared test helpers: batches built by the codec, a cluster on a manual clock, one-partition produce. */
import {
  type CompressionName,
  crc32c,
  encodeRecordBatch,
  type ProduceRequest,
  type ProduceResponsePartitionProduceResponse,
} from '@idem/codec';
import { ManualClock } from '../src/clock.js';
import { MemoryCluster } from '../src/cluster/memory-cluster.js';
import type { MemoryClusterOptions } from '../src/config.js';
import type { MemoryClient } from '../src/connection/client.js';

export const T0 = 1_700_000_000_000;

export interface BatchSpec {
  producerId?: bigint;
  epoch?: number;
  baseSequence?: number;
  count?: number;
  timestamp?: number;
  compression?: CompressionName;
  transactional?: boolean;
  control?: boolean;
}

/** An idempotent batch by default (pid 1000, epoch 0): `count` records of `value-i`. */
export function makeBatch(spec: BatchSpec = {}): Buffer {
  const count = spec.count ?? 1;
  const timestamp = spec.timestamp ?? T0;
  const records = Array.from({ length: count }, (_, i) => ({
    key: null,
    value: Buffer.from(`value-${i}`),
    timestamp: timestamp + i,
  }));
  return encodeRecordBatch({
    records,
    producerId: spec.producerId ?? 1000n,
    producerEpoch: spec.epoch ?? 0,
    baseSequence: spec.baseSequence ?? 0,
    compression: spec.compression ?? 'none',
    isTransactional: spec.transactional ?? false,
    isControl: spec.control ?? false,
  });
}

/** A plain (non-idempotent) batch. */
export function plainBatch(count = 1): Buffer {
  return makeBatch({ producerId: -1n, epoch: -1, baseSequence: -1, count });
}

/** Rewrites header bytes of a copy of `batch` and re-signs it with a valid CRC (to reach checks after the CRC). */
export function tamper(batch: Buffer, edit: (b: Buffer) => void, resign = true): Buffer {
  const copy = Buffer.from(batch);
  edit(copy);
  if (resign) copy.writeUInt32BE(crc32c(copy.subarray(21)), 17);
  return copy;
}

export function produceRequest(
  topic: string,
  partition: number,
  records: Buffer | null,
  acks = -1,
): ProduceRequest {
  return {
    transactionalId: null,
    acks,
    timeoutMs: 30_000,
    topicData: [
      {
        name: topic,
        topicId: '00000000-0000-0000-0000-000000000000',
        partitionData: [{ index: partition, records }],
      },
    ],
  };
}

export interface Setup {
  readonly cluster: MemoryCluster;
  readonly clock: ManualClock;
  readonly client: MemoryClient;
}

/** A cluster on a manual clock at T0 with topic `t` (partitions given, leaders round-robin from node 1). */
export function setup(options: MemoryClusterOptions & { partitions?: number } = {}): Setup {
  const clock = new ManualClock(T0);
  const cluster = new MemoryCluster({ clock, ...options });
  if (!cluster.topicNames.includes('t')) cluster.createTopic('t', { partitions: options.partitions ?? 1 });
  return { cluster, clock, client: cluster.connect() };
}

/** Produces one batch to t-<partition> on its leader and returns that partition's response. */
export async function produce(
  s: Setup,
  batch: Buffer | null,
  partition = 0,
  options: { topic?: string; nodeId?: number; client?: MemoryClient } = {},
): Promise<ProduceResponsePartitionProduceResponse> {
  const topic = options.topic ?? 't';
  const nodeId = options.nodeId ?? s.cluster.leaderOf(topic, partition);
  const response = await (options.client ?? s.client).produce(
    nodeId,
    produceRequest(topic, partition, batch),
  );
  return response.responses[0]!.partitionResponses[0]!;
}

/** Record count of every batch in the log, in order. */
export function logShape(s: Setup, partition = 0, topic = 't'): { offsets: number[]; end: number } {
  const view = s.cluster.readLog(topic, partition);
  return { offsets: view.batches.map((b) => b.baseOffset), end: view.logEndOffset };
}
