/**
 * OffsetCommit and OffsetFetch: committed offsets kept per group by the coordinator. A commit is
 * checked as Kafka checks a classic group's (generation, membership, rebalance state); a consumer
 * that assigns its own partitions commits with generation -1 to a group with no members. v10 names
 * topics by id.
 */
import type {
  OffsetCommitRequest,
  OffsetCommitResponse,
  OffsetFetchRequest,
  OffsetFetchResponse,
  OffsetFetchResponsePartitions,
} from '@idem/codec';
import { KafkaErrorCode } from '@idem/codec';
import type { Topic } from '../cluster/topic.js';
import { consumerStateOf, type GroupOffsets } from './consumer-state.js';
import type { HandlerContext } from './context.js';
import { MAX_OFFSET_METADATA_LENGTH } from './groups/coordinator.js';
import { isCoordinator } from './groups/coordinator-node.js';
import type { CommittedOffset } from './groups/group.js';
import { ZERO_UUID } from './metadata.js';

const TOPIC_IDS_FROM = 10;

function groupError(ctx: HandlerContext, groupId: string): number | undefined {
  const injected = ctx.plan.topLevelError;
  if (injected !== undefined) return injected.errorCode;
  if (groupId === '') return KafkaErrorCode.INVALID_GROUP_ID;
  if (!isCoordinator(ctx.cluster, groupId, ctx.broker.nodeId)) return KafkaErrorCode.NOT_COORDINATOR;
  return undefined;
}

function topicOf(ctx: HandlerContext, name: string, topicId: string, version: number): Topic | undefined {
  return version >= TOPIC_IDS_FROM ? ctx.cluster.topicsById.get(topicId) : ctx.cluster.topic(name);
}

export function handleOffsetCommit(
  ctx: HandlerContext,
  request: OffsetCommitRequest,
  version: number,
): OffsetCommitResponse {
  const state = consumerStateOf(ctx.cluster);
  const { coordinator } = state;
  const modern = state.consumerGroups.groups.get(request.groupId);
  const requestError =
    groupError(ctx, request.groupId) ??
    (modern === undefined
      ? coordinator.validateCommit(request.groupId, request.memberId, request.generationIdOrMemberEpoch)
      : state.consumerGroups.validateCommit(
          modern,
          request.memberId,
          request.generationIdOrMemberEpoch,
          version,
        ));
  return {
    throttleTimeMs: 0,
    topics: request.topics.map((t) => {
      const topic = topicOf(ctx, t.name, t.topicId, version);
      return {
        name: t.name,
        topicId: t.topicId,
        partitions: t.partitions.map((p) => {
          let errorCode = requestError;
          if (errorCode === KafkaErrorCode.NONE) {
            if (topic?.partitions[p.partitionIndex] === undefined) {
              errorCode =
                version >= TOPIC_IDS_FROM && topic === undefined
                  ? KafkaErrorCode.UNKNOWN_TOPIC_ID
                  : KafkaErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
            } else if ((p.committedMetadata?.length ?? 0) > MAX_OFFSET_METADATA_LENGTH) {
              errorCode = KafkaErrorCode.OFFSET_METADATA_TOO_LARGE;
            } else {
              offsetsIn(state.offsetsOf(request.groupId, true)!, topic.name).set(p.partitionIndex, {
                offset: p.committedOffset,
                leaderEpoch: p.committedLeaderEpoch,
                metadata: p.committedMetadata ?? '',
              });
            }
          }
          return { partitionIndex: p.partitionIndex, errorCode };
        }),
      };
    }),
  };
}

interface WantedTopic {
  readonly name: string;
  /** v10+ only. */
  readonly topicId?: string;
  readonly partitionIndexes: readonly number[];
}

export function handleOffsetFetch(
  ctx: HandlerContext,
  request: OffsetFetchRequest,
  version: number,
): OffsetFetchResponse {
  if (version < 8) {
    const group = fetchGroup(ctx, request.groupId, request.topics, version);
    return {
      throttleTimeMs: 0,
      topics: group.topics.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((p) => ({
          partitionIndex: p.partitionIndex,
          committedOffset: p.committedOffset,
          committedLeaderEpoch: p.committedLeaderEpoch,
          metadata: p.metadata,
          errorCode: p.errorCode,
        })),
      })),
      errorCode: group.errorCode,
      groups: [],
    };
  }
  return {
    throttleTimeMs: 0,
    topics: [],
    errorCode: KafkaErrorCode.NONE,
    groups: request.groups.map((g) =>
      fetchGroup(ctx, g.groupId, g.topics, version, g.memberId, g.memberEpoch),
    ),
  };
}

function fetchGroup(
  ctx: HandlerContext,
  groupId: string,
  wanted: readonly WantedTopic[] | null,
  version: number,
  memberId: string | null = null,
  memberEpoch = -1,
): {
  groupId: string;
  errorCode: number;
  topics: { name: string; topicId: string; partitions: OffsetFetchResponsePartitions[] }[];
} {
  const error = groupError(ctx, groupId);
  if (error !== undefined) {
    // The error goes at the group level; v1 has none there, so each partition carries it too.
    const topics = (wanted ?? []).map((t) => ({
      name: t.name,
      topicId: t.topicId ?? ZERO_UUID,
      partitions: t.partitionIndexes.map((index) => noOffset(index, error)),
    }));
    return { groupId, errorCode: error, topics };
  }
  const state = consumerStateOf(ctx.cluster);
  const modern = state.consumerGroups.groups.get(groupId);
  // A consumer group checks the member (v9+): a stale epoch or unknown member fails the group, no topics.
  const memberError =
    modern === undefined
      ? KafkaErrorCode.NONE
      : state.consumerGroups.validateFetch(modern, memberId, memberEpoch);
  if (memberError !== KafkaErrorCode.NONE) return { groupId, errorCode: memberError, topics: [] };
  const offsets: GroupOffsets = state.offsetsOf(groupId, false) ?? new Map();
  if (wanted === null) {
    const topics = [...offsets].map(([name, byPartition]) => ({
      name,
      topicId: ctx.cluster.topic(name)?.topicId ?? ZERO_UUID,
      partitions: [...byPartition].map(([index, c]) => ({
        partitionIndex: index,
        committedOffset: c.offset,
        committedLeaderEpoch: c.leaderEpoch,
        metadata: c.metadata,
        errorCode: KafkaErrorCode.NONE,
      })),
    }));
    return { groupId, errorCode: KafkaErrorCode.NONE, topics };
  }
  const topics = wanted.map((t) => {
    const name = topicOf(ctx, t.name, t.topicId ?? ZERO_UUID, version)?.name ?? t.name;
    return {
      name: t.name,
      topicId: t.topicId ?? ZERO_UUID,
      partitions: t.partitionIndexes.map((index) => {
        const c = offsets.get(name)?.get(index);
        if (c === undefined) return noOffset(index, KafkaErrorCode.NONE);
        return {
          partitionIndex: index,
          committedOffset: c.offset,
          committedLeaderEpoch: c.leaderEpoch,
          metadata: c.metadata,
          errorCode: KafkaErrorCode.NONE,
        };
      }),
    };
  });
  return { groupId, errorCode: KafkaErrorCode.NONE, topics };
}

/** Kafka's answer for a partition with nothing committed: offset -1, empty metadata. */
function noOffset(partitionIndex: number, errorCode: number): OffsetFetchResponsePartitions {
  return { partitionIndex, committedOffset: -1n, committedLeaderEpoch: -1, metadata: '', errorCode };
}

function offsetsIn(offsets: GroupOffsets, topic: string): Map<number, CommittedOffset> {
  let byPartition = offsets.get(topic);
  if (byPartition === undefined) {
    byPartition = new Map();
    offsets.set(topic, byPartition);
  }
  return byPartition;
}
