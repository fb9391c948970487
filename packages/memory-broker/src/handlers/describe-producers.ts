/**
 * DescribeProducers v0 (KIP-664): the producer state of each requested partition, answered by its
 * leader. Tests use it to read the state a case left behind, from this broker and a real one alike.
 */
import type {
  DescribeProducersRequest,
  DescribeProducersResponse,
  DescribeProducersResponsePartitionResponse,
} from '@idem/codec';
import { KafkaErrorCode, kafkaErrorByCode } from '@idem/codec';
import type { HandlerContext } from './context.js';

export function handleDescribeProducers(
  ctx: HandlerContext,
  request: DescribeProducersRequest,
): DescribeProducersResponse {
  return {
    throttleTimeMs: 0,
    topics: request.topics.map((t) => ({
      name: t.name,
      partitions: t.partitionIndexes.map((index) => describePartition(ctx, t.name, index)),
    })),
  };
}

function describePartition(
  ctx: HandlerContext,
  topic: string,
  index: number,
): DescribeProducersResponsePartitionResponse {
  // Kafka explains a missing topic with the error's default message, but leaves a missing partition
  // of a known topic without one (seen on 4.3.0 by the conformance suite).
  if (ctx.cluster.topic(topic) === undefined) {
    const code = KafkaErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
    return { ...failure(index, code), errorMessage: kafkaErrorByCode(code).message };
  }
  const partition = ctx.cluster.partition(topic, index);
  if (partition === undefined) return failure(index, KafkaErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  if (partition.leaderId !== ctx.broker.nodeId) return failure(index, KafkaErrorCode.NOT_LEADER_OR_FOLLOWER);
  return {
    partitionIndex: index,
    errorCode: KafkaErrorCode.NONE,
    errorMessage: null,
    activeProducers: partition.producers.describe().map((p) => ({
      producerId: p.producerId,
      producerEpoch: p.producerEpoch,
      lastSequence: p.lastSequence,
      lastTimestamp: BigInt(p.lastTimestamp),
      coordinatorEpoch: p.coordinatorEpoch,
      currentTxnStartOffset: p.currentTxnStartOffset,
    })),
  };
}

function failure(index: number, errorCode: number): DescribeProducersResponsePartitionResponse {
  return { partitionIndex: index, errorCode, errorMessage: null, activeProducers: [] };
}
