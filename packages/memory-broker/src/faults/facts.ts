/** Extracts what fault rules match on from a decoded request. */
import { batchHeaderOf, type DescribeProducersRequest, type ProduceRequest } from '@idem/codec';
import type { ClusterModel } from '../cluster/model.js';
import type { BatchIdentity, RequestFacts, ServedApi, TopicPartitionRef } from './match.js';

const NONE: readonly TopicPartitionRef[] = Object.freeze([]);
const NO_BATCHES: readonly BatchIdentity[] = Object.freeze([]);

export function requestFacts(
  model: ClusterModel,
  api: ServedApi,
  version: number,
  request: unknown,
  nodeId: number,
  connectionId: string,
  clientId: string | null = null,
): RequestFacts {
  return {
    api,
    nodeId,
    connectionId,
    clientId,
    partitions: partitionsOf(model, api, version, request),
    batches: api === 'Produce' ? batchesOf(model, version, request as ProduceRequest) : NO_BATCHES,
  };
}

/** The idempotent batches of a Produce; framing errors are the handler's to answer, so such data is skipped. */
function batchesOf(model: ClusterModel, version: number, request: ProduceRequest): readonly BatchIdentity[] {
  const out: BatchIdentity[] = [];
  for (const t of request.topicData) {
    const topic = version >= 13 ? (model.topicsById.get(t.topicId)?.name ?? t.topicId) : t.name;
    for (const p of t.partitionData) {
      if (p.records === null) continue;
      try {
        const header = batchHeaderOf(p.records);
        if (header.producerId < 0n) continue;
        out.push({
          topic,
          partition: p.index,
          producerId: header.producerId,
          epoch: header.producerEpoch,
          baseSequence: header.baseSequence,
        });
      } catch {
        // not a well-framed batch
      }
    }
  }
  return out;
}

function partitionsOf(
  model: ClusterModel,
  api: ServedApi,
  version: number,
  request: unknown,
): readonly TopicPartitionRef[] {
  if (api === 'Produce') {
    const out: TopicPartitionRef[] = [];
    for (const t of (request as ProduceRequest).topicData) {
      const topic = version >= 13 ? (model.topicsById.get(t.topicId)?.name ?? t.topicId) : t.name;
      for (const p of t.partitionData) out.push({ topic, partition: p.index });
    }
    return out;
  }
  if (api === 'DescribeProducers') {
    const out: TopicPartitionRef[] = [];
    for (const t of (request as DescribeProducersRequest).topics) {
      for (const partition of t.partitionIndexes) out.push({ topic: t.name, partition });
    }
    return out;
  }
  return NONE;
}
