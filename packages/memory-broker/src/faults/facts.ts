/** Extracts what fault rules match on from a decoded request. */
import type { DescribeProducersRequest, ProduceRequest } from '@idem/codec';
import type { ClusterModel } from '../cluster/model.js';
import type { RequestFacts, ServedApi, TopicPartitionRef } from './match.js';

const NONE: readonly TopicPartitionRef[] = Object.freeze([]);

export function requestFacts(
  model: ClusterModel,
  api: ServedApi,
  version: number,
  request: unknown,
  nodeId: number,
  connectionId: string,
): RequestFacts {
  return { api, nodeId, connectionId, partitions: partitionsOf(model, api, version, request) };
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
