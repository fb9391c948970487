// The few Kafka API keys the proxy itself reasons about (filters take any number).
export const ApiKey = {
  Produce: 0,
  Fetch: 1,
  Metadata: 3,
  FindCoordinator: 10,
  SaslHandshake: 17,
  ApiVersions: 18,
  InitProducerId: 22,
  SaslAuthenticate: 36,
  DescribeCluster: 60,
} as const;

/** First flexible version (compact strings, tagged fields, header v2/v1) of the APIs the proxy parses. */
export const FIRST_FLEXIBLE_VERSION: Readonly<Record<number, number>> = {
  [ApiKey.Produce]: 9,
  [ApiKey.Fetch]: 12,
  [ApiKey.Metadata]: 9,
  [ApiKey.FindCoordinator]: 3,
  [ApiKey.DescribeCluster]: 0,
};

export function isFlexible(apiKey: number, apiVersion: number): boolean {
  const first = FIRST_FLEXIBLE_VERSION[apiKey];
  return first !== undefined && apiVersion >= first;
}
