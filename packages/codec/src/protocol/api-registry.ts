import type { AnyApiCodec } from './api-codec.js';
import { apis } from './apis.generated.js';

const byKey = new Map<number, AnyApiCodec>();
for (const api of Object.values(apis)) byKey.set(api.apiKey, api as AnyApiCodec);

/** The API with this Kafka API key, or undefined if this codec does not speak it. */
export function apiByKey(apiKey: number): AnyApiCodec | undefined {
  return byKey.get(apiKey);
}

/** Every API this codec speaks, ordered by API key. */
export function allApis(): AnyApiCodec[] {
  return [...byKey.values()].sort((a, b) => a.apiKey - b.apiKey);
}
