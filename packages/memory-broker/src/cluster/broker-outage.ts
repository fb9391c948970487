/**
 * A broker that dies (kill -9, a lost host) rather than shutting down cleanly. Kafka's controller notices only when
 * the broker's heartbeats stop for broker.session.timeout.ms (9 s by default): until then Metadata still names the
 * dead broker and its leaderships, and clients that follow it are refused. Then the controller fences it and elects
 * a new leader for each partition it led among the live replicas (every broker holds a replica here, and acks=all
 * data is on all of them, so the new leader has the log and the producer state). A broker that comes back later
 * rejoins as a follower.
 */

import type { StopBrokerOptions } from '../faults/control.js';
import { resetConnections } from './admin.js';
import type { ClusterModel } from './model.js';

export type { StopBrokerOptions };

/**
 * Kafka's default broker.session.timeout.ms: how long, in ms, a stopped broker keeps its leaderships unless
 * `failoverAfterMs` says otherwise.
 */
export const DEFAULT_SESSION_TIMEOUT_MS = 9_000;

export function stopBroker(model: ClusterModel, nodeId: number, options: StopBrokerOptions = {}): void {
  const broker = model.broker(nodeId);
  if (broker === undefined) throw new RangeError(`no broker ${nodeId}`);
  if (!broker.up) return; // already down: one outage at a time
  const downMs = options.downMs ?? Number.POSITIVE_INFINITY;
  const failoverAfterMs = options.failoverAfterMs ?? DEFAULT_SESSION_TIMEOUT_MS;
  const now = model.clock.now();
  model.events.record({
    kind: 'broker-stopped',
    nodeId,
    detail: `down ${Number.isFinite(downMs) ? `${downMs} ms` : 'for good'}, failover after ${failoverAfterMs} ms`,
  });
  resetConnections(model, { nodeId }, 'broker died', false);
  broker.up = false;
  broker.upAt = Number.isFinite(downMs) ? now + downMs : Number.POSITIVE_INFINITY;
  const outage = broker.outages + 1;
  broker.outages = outage;
  if (Number.isFinite(failoverAfterMs)) {
    model.clock.setTimeout(() => {
      if (broker.up || broker.outages !== outage) return; // it came back before the session timed out
      fence(model, nodeId);
    }, failoverAfterMs);
  }
  if (Number.isFinite(downMs)) {
    model.clock.setTimeout(() => {
      if (broker.outages !== outage) return;
      broker.up = true;
      broker.registered = true;
      broker.upAt = -1;
      model.events.record({ kind: 'broker-up', nodeId });
    }, downMs);
  }
}

/** The controller fences a dead broker: it leaves Metadata, and each partition it led gets a live leader if any. */
function fence(model: ClusterModel, nodeId: number): void {
  const broker = model.broker(nodeId)!;
  broker.registered = false;
  const live = model.brokers.filter((b) => b.up && b.nodeId !== nodeId);
  let moved = 0;
  for (const topic of model.topics.values()) {
    for (const partition of topic.partitions) {
      if (partition.leaderId !== nodeId) continue;
      partition.leaderEpoch++; // an election bumps the epoch even when no replica can take over
      const next = live[(partition.index + moved) % Math.max(1, live.length)];
      if (next === undefined) continue; // no live replica: the partition stays offline
      const from = partition.leaderId;
      partition.leaderId = next.nodeId;
      moved++;
      model.events.record({
        kind: 'leader-moved',
        topic: topic.name,
        partition: partition.index,
        nodeId: next.nodeId,
        detail: `from ${from} (failover)`,
      });
    }
  }
  model.events.record({ kind: 'broker-fenced', nodeId, detail: `${moved} leadership(s) moved` });
}
