/** The API versions this broker serves and advertises. */
import type { ServedApi } from '../faults/match.js';

/** The versions of one API this broker serves. */
export interface ServedRange {
  /** Kafka's api key of the API. */
  readonly apiKey: number;
  /** Lowest version actually served; lower ones are refused as Kafka refuses them (the connection closes). */
  readonly min: number;
  /** Highest version served, and the one MemoryCluster.request uses by default. */
  readonly max: number;
  /** What ApiVersions advertises as the minimum (Kafka 4 advertises Produce from 0, see KAFKA-18659). */
  readonly advertisedMin: number;
}

/** The versions served of each API (Kafka 4.3.0's ranges); a request at any other version closes the connection. */
export const SERVED_VERSIONS: Readonly<Record<ServedApi, ServedRange>> = {
  Produce: { apiKey: 0, min: 3, max: 13, advertisedMin: 0 },
  Metadata: { apiKey: 3, min: 0, max: 13, advertisedMin: 0 },
  ApiVersions: { apiKey: 18, min: 0, max: 4, advertisedMin: 0 },
  InitProducerId: { apiKey: 22, min: 0, max: 5, advertisedMin: 0 },
  DescribeProducers: { apiKey: 61, min: 0, max: 0, advertisedMin: 0 },
  // What consumers and admin clients need to read records back: every version the codec speaks
  // (Kafka 4.3.0's ranges; older versions were removed from Kafka 4 and are refused).
  Fetch: { apiKey: 1, min: 4, max: 18, advertisedMin: 4 },
  ListOffsets: { apiKey: 2, min: 1, max: 11, advertisedMin: 1 },
  OffsetCommit: { apiKey: 8, min: 2, max: 10, advertisedMin: 2 },
  OffsetFetch: { apiKey: 9, min: 1, max: 10, advertisedMin: 1 },
  FindCoordinator: { apiKey: 10, min: 0, max: 6, advertisedMin: 0 },
  JoinGroup: { apiKey: 11, min: 0, max: 9, advertisedMin: 0 },
  Heartbeat: { apiKey: 12, min: 0, max: 4, advertisedMin: 0 },
  LeaveGroup: { apiKey: 13, min: 0, max: 5, advertisedMin: 0 },
  SyncGroup: { apiKey: 14, min: 0, max: 5, advertisedMin: 0 },
  DescribeGroups: { apiKey: 15, min: 0, max: 6, advertisedMin: 0 },
  ListGroups: { apiKey: 16, min: 0, max: 5, advertisedMin: 0 },
  CreateTopics: { apiKey: 19, min: 2, max: 7, advertisedMin: 2 },
  DeleteTopics: { apiKey: 20, min: 1, max: 6, advertisedMin: 1 },
  DescribeConfigs: { apiKey: 32, min: 1, max: 4, advertisedMin: 1 },
  AlterConfigs: { apiKey: 33, min: 0, max: 2, advertisedMin: 0 },
  IncrementalAlterConfigs: { apiKey: 44, min: 0, max: 1, advertisedMin: 0 },
  CreatePartitions: { apiKey: 37, min: 0, max: 3, advertisedMin: 0 },
  DeleteRecords: { apiKey: 21, min: 0, max: 2, advertisedMin: 0 },
  DeleteGroups: { apiKey: 42, min: 0, max: 2, advertisedMin: 0 },
  DescribeCluster: { apiKey: 60, min: 0, max: 2, advertisedMin: 0 },
  DescribeTopicPartitions: { apiKey: 75, min: 0, max: 0, advertisedMin: 0 },
  ConsumerGroupHeartbeat: { apiKey: 68, min: 0, max: 1, advertisedMin: 0 },
  ConsumerGroupDescribe: { apiKey: 69, min: 0, max: 1, advertisedMin: 0 },
};

const BY_KEY = new Map<number, ServedApi>(
  (Object.entries(SERVED_VERSIONS) as [ServedApi, ServedRange][]).map(([api, range]) => [range.apiKey, api]),
);

export function servedApiByKey(apiKey: number): ServedApi | undefined {
  return BY_KEY.get(apiKey);
}

export function isServedVersion(api: ServedApi, version: number): boolean {
  const range = SERVED_VERSIONS[api];
  return version >= range.min && version <= range.max;
}
