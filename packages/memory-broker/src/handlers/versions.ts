/** The API versions this broker serves and advertises. */
import type { ServedApi } from '../faults/match.js';

export interface ServedRange {
  readonly apiKey: number;
  /** Lowest version actually served; lower ones are refused as Kafka refuses them (the connection closes). */
  readonly min: number;
  readonly max: number;
  /** What ApiVersions advertises as the minimum (Kafka 4 advertises Produce from 0, see KAFKA-18659). */
  readonly advertisedMin: number;
}

export const SERVED_VERSIONS: Readonly<Record<ServedApi, ServedRange>> = {
  Produce: { apiKey: 0, min: 3, max: 13, advertisedMin: 0 },
  Metadata: { apiKey: 3, min: 0, max: 12, advertisedMin: 0 },
  ApiVersions: { apiKey: 18, min: 0, max: 4, advertisedMin: 0 },
  InitProducerId: { apiKey: 22, min: 0, max: 5, advertisedMin: 0 },
  DescribeProducers: { apiKey: 61, min: 0, max: 0, advertisedMin: 0 },
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
