/**
 * Which broker coordinates a group. Kafka hashes the group id onto a partition of
 * __consumer_offsets and the coordinator is that partition's leader; here the hash picks a broker
 * directly, and when it is down the next live broker takes over (as a new leader of that partition
 * would). Group state is cluster-wide, so a coordinator change loses nothing.
 */
import type { Broker } from '../../cluster/broker.js';
import type { ClusterModel } from '../../cluster/model.js';

export function coordinatorFor(model: ClusterModel, key: string): Broker | undefined {
  const brokers = model.brokers;
  const start = javaStringHash(key) % brokers.length;
  for (let i = 0; i < brokers.length; i++) {
    const broker = brokers[(start + i) % brokers.length]!;
    if (broker.up) return broker;
  }
  return undefined;
}

export function isCoordinator(model: ClusterModel, key: string, nodeId: number): boolean {
  return coordinatorFor(model, key)?.nodeId === nodeId;
}

/** Java's String.hashCode made non-negative the way Kafka's Utils.abs does (clears the sign bit). */
function javaStringHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  return h & 0x7fff_ffff;
}
