import { apis } from '@idem/codec';
import type { ApiName, KafkaConnection } from './connection.js';

/** The version used per API on one connection. */
export type VersionChoice = Record<'Metadata' | 'InitProducerId' | 'Produce' | 'DescribeProducers', number>;

// Produce stays on topic names (v12 is the last before topic ids) and InitProducerId on the last
// stable version; the rest take the highest both sides speak.
const preferred: VersionChoice = { Metadata: 12, InitProducerId: 5, Produce: 12, DescribeProducers: 0 };

/** Asks the broker which versions it serves (ApiVersions v0, readable by every broker) and picks ours. */
export async function negotiateVersions(
  connection: KafkaConnection,
  caps: Partial<Record<ApiName, number>>,
): Promise<VersionChoice> {
  const response = await connection.request('ApiVersions', 0, {});
  if (response.errorCode !== 0) throw new Error(`ApiVersions failed with error code ${response.errorCode}`);
  const choice = { ...preferred };
  for (const name of Object.keys(preferred) as (keyof VersionChoice)[]) {
    const api = apis[name];
    const broker = response.apiKeys.find((k) => k.apiKey === api.apiKey);
    if (broker === undefined) continue;
    const want = Math.min(caps[name] ?? preferred[name], api.maxVersion, broker.maxVersion);
    if (want < Math.max(api.minVersion, broker.minVersion)) {
      throw new Error(`${name}: no common version (broker ${broker.minVersion}-${broker.maxVersion})`);
    }
    choice[name] = want;
  }
  return choice;
}
