/** Which requests a fault applies to. Every field given must match; an empty match matches everything. */

/** The APIs this broker serves. */
export type ServedApi = ProducerApi | ConsumerAdminApi;

/** What an idempotent producer (and the conformance suite) sends. */
export type ProducerApi = 'Produce' | 'InitProducerId' | 'Metadata' | 'ApiVersions' | 'DescribeProducers';

/** What consumers and admin clients send to create topics and read records back. */
export type ConsumerAdminApi =
  | 'Fetch'
  | 'ListOffsets'
  | 'FindCoordinator'
  | 'JoinGroup'
  | 'SyncGroup'
  | 'Heartbeat'
  | 'LeaveGroup'
  | 'OffsetCommit'
  | 'OffsetFetch'
  | 'DescribeGroups'
  | 'ListGroups'
  | 'CreateTopics'
  | 'DeleteTopics'
  | 'DescribeConfigs'
  | 'AlterConfigs'
  | 'IncrementalAlterConfigs'
  | 'CreatePartitions'
  | 'DeleteRecords'
  | 'DeleteGroups'
  | 'DescribeCluster'
  | 'DescribeTopicPartitions'
  | 'ConsumerGroupHeartbeat'
  | 'ConsumerGroupDescribe';

/** Which requests a fault rule applies to: every field given must match; `{}` matches every request. */
export interface RequestMatch {
  /** The request's API, or any of these. */
  readonly api?: ServedApi | readonly ServedApi[];
  /** The broker the request is sent to. */
  readonly nodeId?: number;
  /** The connection the request arrives on. */
  readonly connectionId?: string;
  /** For Produce (and DescribeProducers): the request touches this topic ... */
  readonly topic?: string;
  /** ... and this partition. */
  readonly partition?: number;
}

/** What a fault rule sees of a request. */
export interface RequestFacts {
  readonly api: ServedApi;
  readonly nodeId: number;
  readonly connectionId: string;
  /** Topic-partitions the request names (Produce, DescribeProducers); empty for the others. */
  readonly partitions: readonly TopicPartitionRef[];
  /** Produce only: the idempotent batches it carries, by identity (what a retry resends unchanged). */
  readonly batches: readonly BatchIdentity[];
  /** The client id the connection was opened with, when the client told the broker (the in-process client does). */
  readonly clientId: string | null;
}

/** Who wrote a batch and which sequences it holds: a retry carries the same identity. */
export interface BatchIdentity extends TopicPartitionRef {
  readonly producerId: bigint;
  readonly epoch: number;
  readonly baseSequence: number;
}

export interface TopicPartitionRef {
  readonly topic: string;
  readonly partition: number;
}

export function matchesRequest(match: RequestMatch, facts: RequestFacts): boolean {
  if (match.api !== undefined) {
    const apis: readonly ServedApi[] = typeof match.api === 'string' ? [match.api] : match.api;
    if (!apis.includes(facts.api)) return false;
  }
  if (match.nodeId !== undefined && match.nodeId !== facts.nodeId) return false;
  if (match.connectionId !== undefined && match.connectionId !== facts.connectionId) return false;
  if (match.topic === undefined && match.partition === undefined) return true;
  return facts.partitions.some((tp) => matchesPartition(match, tp));
}

export function matchesPartition(match: RequestMatch, tp: TopicPartitionRef): boolean {
  if (match.topic !== undefined && match.topic !== tp.topic) return false;
  if (match.partition !== undefined && match.partition !== tp.partition) return false;
  return true;
}
