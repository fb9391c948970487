/** Helpers for the consumer/admin API and TCP server tests. */
import { type AnyApiCodec, apis } from '@idem/codec';
import type { MemoryCluster } from '../../src/cluster/memory-cluster.js';
import type { ServedApi } from '../../src/faults/match.js';
import type { ResponseOf } from '../../src/handlers/dispatch.js';
import { makeBatch, produceRequest } from '../helpers.js';

let connections = 0;

/**
 * Sends `input` as `api` v`version` the way a client on the wire would: encoded and decoded by the
 * codec at that version (so fields the version lacks hold their defaults), on a fresh connection.
 * The response is encoded and decoded again at that version, so a response the version cannot
 * carry fails here as it would on a socket.
 */
export async function call<A extends ServedApi>(
  cluster: MemoryCluster,
  nodeId: number,
  api: A,
  version: number,
  input: unknown,
  connectionId = `test-${++connections}`,
): Promise<ResponseOf<A>> {
  const codec = apis[api] as unknown as AnyApiCodec;
  const request = codec.request.decode(version, codec.request.encode(version, input as never));
  const response = await cluster.request(nodeId, connectionId, api, request as never, version);
  if (response === null) throw new Error(`${api} v${version}: no response`);
  return codec.response.decode(version, codec.response.encode(version, response as never)) as ResponseOf<A>;
}

/** Every version of `api` this broker serves. */
export function versionsOf(min: number, max: number): number[] {
  return Array.from({ length: max - min + 1 }, (_, i) => min + i);
}

/** Appends `batches` idempotent batches of `perBatch` records (pid 1000) to t-`partition`. */
export async function fill(
  cluster: MemoryCluster,
  topic: string,
  partition: number,
  batches: number,
  perBatch: number,
  timestamp = 1_700_000_000_000,
): Promise<void> {
  for (let i = 0; i < batches; i++) {
    const batch = makeBatch({
      count: perBatch,
      baseSequence: i * perBatch,
      producerId: 1000n + BigInt(partition),
      timestamp: timestamp + i * 1000,
    });
    const response = await cluster.request(
      cluster.leaderOf(topic, partition),
      'filler',
      'Produce',
      produceRequest(topic, partition, batch),
      9,
    );
    const p = response!.responses[0]!.partitionResponses[0]!;
    if (p.errorCode !== 0) throw new Error(`fill: produce failed with ${p.errorCode}`);
  }
}

/** The node that coordinates `groupId`, as FindCoordinator reports it. */
export async function coordinatorOf(cluster: MemoryCluster, groupId: string): Promise<number> {
  const r = await call(cluster, cluster.nodeIds[0]!, 'FindCoordinator', 3, { key: groupId, keyType: 0 });
  if (r.errorCode !== 0) throw new Error(`FindCoordinator failed with ${r.errorCode}`);
  return r.nodeId;
}
