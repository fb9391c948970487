/**
 * Produce, for a leader, in Kafka's order of checks (docs/broker-rules.md §"Order of checks on Produce"; KafkaApis.handleProduceRequest, then
 * ReplicaManager and UnifiedLog.append): Write authorised on the topic → topic known → records framing
 * (ProduceRequest.validateRecords) → acks → leadership → the log append (partition/append.ts), whose size, CRC,
 * record and segment checks all come before the producer-state (duplicate) check.
 * Faults planned for the request are applied here: an injected error replaces a partition's answer,
 * before the append or (afterAppend) after a successful one (appended or a duplicate).
 */
import type { ProduceRequest, ProduceResponse, ProduceResponsePartitionProduceResponse } from '@idem/codec';
import { batchHeaderOf, KafkaErrorCode } from '@idem/codec';
import type { Topic } from '../cluster/topic.js';
import { appendBatch } from '../partition/append.js';
import { frameSingleBatch } from '../partition/batch-header.js';
import type { Partition } from '../partition/partition.js';
import { type PartitionResult, requestError } from '../partition/partition-result.js';
import type { HandlerContext } from './context.js';
import { ZERO_UUID } from './metadata.js';

/** What serving a Produce produced: the response, or (acks=0) whether Kafka would close the connection. */
export interface ProduceOutcome {
  readonly response: ProduceResponse;
  readonly anyError: boolean;
}

export function handleProduce(ctx: HandlerContext, request: ProduceRequest, version: number): ProduceOutcome {
  const validAcks = request.acks === -1 || request.acks === 0 || request.acks === 1;
  const byTopicId = version >= 13;
  let endpoints: Map<number, ProduceResponse['nodeEndpoints'][number]> | undefined;
  let anyError = false;

  // Kafka (KafkaApis.handleProduceRequest) refuses the whole request before any other check when it
  // carries a transactional batch but no transactional id: there is no id to authorise.
  if (request.transactionalId === null && hasTransactionalBatch(request)) {
    return {
      response: wholeRequestError(request, KafkaErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED),
      anyError: true,
    };
  }

  const responses = request.topicData.map((topicData) => {
    const topic = byTopicId
      ? ctx.cluster.topicsById.get(topicData.topicId)
      : ctx.cluster.topic(topicData.name);
    const topicName = topic?.name ?? topicData.name;
    const partitionResponses = topicData.partitionData.map((pd) => {
      const result = producePartition(
        ctx,
        topic,
        topicName,
        pd.index,
        pd.records,
        version,
        validAcks,
        byTopicId,
      );
      if (result.errorCode !== KafkaErrorCode.NONE) anyError = true;
      const entry = toResponse(pd.index, result, version);
      if (
        result.errorCode === KafkaErrorCode.NOT_LEADER_OR_FOLLOWER &&
        version >= 10 &&
        topic !== undefined
      ) {
        const partition = topic.partitions[pd.index]!;
        const leader = ctx.cluster.liveLeader(partition);
        entry.currentLeader = { leaderId: leader?.nodeId ?? -1, leaderEpoch: partition.leaderEpoch };
        if (leader !== undefined) {
          endpoints ??= new Map();
          endpoints.set(leader.nodeId, {
            nodeId: leader.nodeId,
            host: leader.host,
            port: leader.port,
            rack: leader.rack,
          });
        }
      }
      return entry;
    });
    return {
      name: byTopicId ? '' : topicData.name,
      topicId: byTopicId ? topicData.topicId : ZERO_UUID,
      partitionResponses,
    };
  });

  return {
    response: {
      responses,
      throttleTimeMs: 0,
      nodeEndpoints: endpoints === undefined ? [] : [...endpoints.values()],
    },
    anyError,
  };
}

function hasTransactionalBatch(request: ProduceRequest): boolean {
  return request.topicData.some((t) =>
    t.partitionData.some((pd) => {
      if (pd.records === null) return false;
      try {
        return batchHeaderOf(pd.records).isTransactional;
      } catch {
        return false; // malformed framing is answered per partition later
      }
    }),
  );
}

/** Kafka's ProduceRequest.getErrorResponse: every partition gets the code, offsets -1, no message. */
function wholeRequestError(request: ProduceRequest, errorCode: number): ProduceResponse {
  return {
    responses: request.topicData.map((t) => ({
      name: t.name,
      topicId: t.topicId,
      partitionResponses: t.partitionData.map((pd) => ({
        index: pd.index,
        errorCode,
        baseOffset: -1n,
        logAppendTimeMs: -1n,
        logStartOffset: -1n,
        recordErrors: [],
        errorMessage: null,
        currentLeader: { leaderId: -1, leaderEpoch: -1 },
      })),
    })),
    throttleTimeMs: 0,
    nodeEndpoints: [],
  };
}

function producePartition(
  ctx: HandlerContext,
  topic: Topic | undefined,
  topicName: string,
  index: number,
  records: Buffer | null,
  version: number,
  validAcks: boolean,
  byTopicId: boolean,
): PartitionResult {
  const tp = { topic: topicName, partition: index };
  const injected = ctx.plan.errors.length === 0 ? undefined : ctx.plan.errorFor(tp);
  if (injected !== undefined && !injected.afterAppend) {
    // An injected refusal stands for one of Kafka's checks before the duplicate check, so it comes first.
    recordInjected(ctx, topicName, index, injected.errorCode, injected.source);
    return requestError(injected.errorCode, 'injected fault');
  }

  // KafkaApis.handleProduceRequest authorises Write on the topic name before it looks the topic up.
  if (ctx.cluster.writeDenied.has(topicName)) {
    return requestError(KafkaErrorCode.TOPIC_AUTHORIZATION_FAILED, `no Write permission on ${topicName}`);
  }
  const partition: Partition | undefined = topic?.partitions[index];
  if (partition === undefined) {
    if (byTopicId && topic === undefined)
      return requestError(KafkaErrorCode.UNKNOWN_TOPIC_ID, 'unknown topic id');
    return requestError(KafkaErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `unknown partition ${topicName}-${index}`);
  }
  const framed = frameSingleBatch(records, version);
  if (framed.kind === 'error') return requestError(framed.errorCode, framed.reason);
  if (!validAcks) return requestError(KafkaErrorCode.INVALID_REQUIRED_ACKS, 'acks must be -1, 0 or 1');
  if (partition.leaderId !== ctx.broker.nodeId) {
    return requestError(
      KafkaErrorCode.NOT_LEADER_OR_FOLLOWER,
      `broker ${ctx.broker.nodeId} does not lead ${partition.name}`,
    );
  }
  if (framed.header.isTransactional) {
    const detail = `${partition.name}: transactional batches are not supported by @idem/memory-broker`;
    ctx.cluster.events.record({
      kind: 'unsupported',
      nodeId: ctx.broker.nodeId,
      api: 'Produce',
      topic: topicName,
      partition: index,
      detail,
    });
    return requestError(KafkaErrorCode.INVALID_TXN_STATE, detail, detail);
  }

  const result = appendBatch(partition, framed.batch, framed.header, {
    now: ctx.now,
    profile: ctx.cluster.profile,
    config: topic!.config,
  });
  if (result.appended !== null) {
    ctx.appended.push({ topic: topicName, partition: index, ...result.appended });
  }
  // After an append Kafka can still answer an error (acks=all timing out, the ISR shrinking: NOT_ENOUGH_REPLICAS_AFTER_APPEND),
  // but only for an append that happened: a batch the log refused is answered with the log's own error.
  if (injected !== undefined && result.errorCode === KafkaErrorCode.NONE) {
    recordInjected(ctx, topicName, index, injected.errorCode, `${injected.source}, after append`);
    return requestError(injected.errorCode, 'injected fault after append');
  }
  return result;
}

function recordInjected(
  ctx: HandlerContext,
  topic: string,
  partition: number,
  errorCode: number,
  detail: string,
): void {
  ctx.cluster.events.record({
    kind: detail === 'retry' ? 'retry-refused' : 'error-injected',
    nodeId: ctx.broker.nodeId,
    connectionId: ctx.connectionId,
    api: 'Produce',
    topic,
    partition,
    errorCode,
    detail,
  });
}

/** Shapes a result as a decoded response at `version` would hold it (fields the version lacks keep their defaults). */
function toResponse(
  index: number,
  r: PartitionResult,
  version: number,
): ProduceResponsePartitionProduceResponse {
  return {
    index,
    errorCode: r.errorCode,
    baseOffset: BigInt(r.baseOffset),
    logAppendTimeMs: BigInt(r.logAppendTime),
    logStartOffset: version >= 5 ? BigInt(r.logStartOffset) : -1n,
    recordErrors: version >= 8 ? r.recordErrors.map((e) => ({ ...e })) : [],
    errorMessage: version >= 8 ? r.errorMessage : null,
    currentLeader: { leaderId: -1, leaderEpoch: -1 },
  };
}
