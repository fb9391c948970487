/**
 * CreatePartitions and DeleteRecords (Kafka's ReplicationControlManager.createPartitions and
 * ReplicaManager.deleteRecords / UnifiedLog.deleteRecordsOnLeader). New partitions are usable at once and
 * Metadata names them; DeleteRecords moves the log start offset, which ListOffsets, Fetch and Produce
 * responses report. As in Kafka since 2.5 (KIP-360), the producers' state is kept when records are deleted.
 */
import type {
  CreatePartitionsRequest,
  CreatePartitionsResponse,
  DeleteRecordsRequest,
  DeleteRecordsResponse,
} from '@idem/codec';
import { KafkaErrorCode } from '@idem/codec';
import type { HandlerContext } from './context.js';

const { NONE } = KafkaErrorCode;
/** QuorumController.MAX_RECORDS_PER_USER_OP: one request may write at most this many metadata records. */
export const MAX_RECORDS_PER_USER_OP = 10_000;
export const EXCESSIVE_BATCH = 'Unable to perform excessively large batch operation.';
/** DeleteRecordsRequest.HIGH_WATERMARK: delete everything up to the high watermark. */
const HIGH_WATERMARK = -1n;

export function handleCreatePartitions(
  ctx: HandlerContext,
  request: CreatePartitionsRequest,
): CreatePartitionsResponse {
  const { cluster } = ctx;
  const injected = ctx.plan.topLevelError?.errorCode;
  const count = new Map<string, number>();
  for (const t of request.topics) count.set(t.name, (count.get(t.name) ?? 0) + 1);
  // ControllerApis.createPartitions: each duplicated name is answered once, first; then the others in order.
  const duplicated = [...count].filter(([, n]) => n > 1).map(([name]) => name);
  const duplicates = duplicated.map((name) => ({
    name,
    errorCode: KafkaErrorCode.INVALID_REQUEST,
    errorMessage: 'Duplicate topic name.',
  }));
  const rest = request.topics.filter((t) => count.get(t.name) === 1);
  // One PartitionRecord per new partition; past the controller's bound the whole operation fails.
  const records = rest.reduce((sum, t) => {
    const current = cluster.topic(t.name)?.partitions.length ?? t.count;
    return sum + Math.max(0, t.count - current);
  }, 0);
  if (injected === undefined && records > MAX_RECORDS_PER_USER_OP) {
    return {
      throttleTimeMs: 0,
      results: [
        ...duplicates,
        ...rest.map((t) => ({
          name: t.name,
          errorCode: KafkaErrorCode.POLICY_VIOLATION,
          errorMessage: EXCESSIVE_BATCH,
        })),
      ],
    };
  }
  return {
    throttleTimeMs: 0,
    results: [
      ...duplicates,
      ...rest.map((t) => {
        const fail = (errorCode: number, errorMessage: string | null) => ({
          name: t.name,
          errorCode,
          errorMessage,
        });
        if (injected !== undefined) return fail(injected, null);
        const topic = cluster.topic(t.name);
        if (topic === undefined) return fail(KafkaErrorCode.UNKNOWN_TOPIC_OR_PARTITION, null);
        const current = topic.partitions.length;
        if (t.count < current) {
          return fail(
            KafkaErrorCode.INVALID_PARTITIONS,
            `The topic ${t.name} currently has ${current} partition(s); ${t.count} would not be an increase.`,
          );
        }
        if (t.count === current) {
          return fail(KafkaErrorCode.INVALID_PARTITIONS, `Topic already has ${current} partition(s).`);
        }
        let leaders: number[] | undefined;
        if (t.assignments !== null) {
          const added = t.count - current;
          if (t.assignments.length !== added) {
            return fail(
              KafkaErrorCode.INVALID_REPLICA_ASSIGNMENT,
              `Attempted to add ${added} additional partition(s), but only ${t.assignments.length} assignment(s) were specified.`,
            );
          }
          for (const a of t.assignments) {
            const unknown = a.brokerIds.find((id) => cluster.broker(id) === undefined);
            if (a.brokerIds.length === 0 || unknown !== undefined) {
              return fail(
                KafkaErrorCode.INVALID_REPLICA_ASSIGNMENT,
                unknown === undefined
                  ? 'An empty replica assignment was given.'
                  : `The manual partition assignment includes broker ${unknown}, but no such broker is registered.`,
              );
            }
          }
          leaders = t.assignments.map((a) => a.brokerIds[0]!);
        }
        if (!request.validateOnly) cluster.addPartitions(t.name, t.count, leaders);
        return fail(NONE, null);
      }),
    ],
  };
}

export function handleDeleteRecords(
  ctx: HandlerContext,
  request: DeleteRecordsRequest,
): DeleteRecordsResponse {
  const { cluster } = ctx;
  const injected = ctx.plan.topLevelError?.errorCode;
  return {
    throttleTimeMs: 0,
    topics: request.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p) => {
        const result = (errorCode: number, lowWatermark = -1n) => ({
          partitionIndex: p.partitionIndex,
          lowWatermark,
          errorCode,
        });
        if (injected !== undefined) return result(injected);
        const partition = cluster.partition(t.name, p.partitionIndex);
        if (partition === undefined) return result(KafkaErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
        if (partition.leaderId !== ctx.broker.nodeId) return result(KafkaErrorCode.NOT_LEADER_OR_FOLLOWER);
        const { log } = partition;
        const target = p.offset === HIGH_WATERMARK ? BigInt(log.highWatermark) : p.offset;
        if (target < 0n || target > BigInt(log.highWatermark))
          return result(KafkaErrorCode.OFFSET_OUT_OF_RANGE);
        const before = log.logStartOffset;
        log.deleteBefore(Number(target));
        if (log.logStartOffset !== before) {
          cluster.events.record({
            kind: 'records-deleted',
            topic: t.name,
            partition: p.partitionIndex,
            detail: `log start offset ${before} -> ${log.logStartOffset}`,
          });
        }
        return result(NONE, BigInt(log.logStartOffset));
      }),
    })),
  };
}
