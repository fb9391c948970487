/**
 * Changes an operator (or a fault) makes to the running cluster: moving a leader, restarting a
 * broker, resetting connections. Each is written to the event log.
 */
import type { ConnectionFilter, RestartOptions } from '../faults/control.js';
import type { ClusterModel } from './model.js';

/** Moves leadership of a partition (default: to the next broker) and bumps its leader epoch; producer state stays. */
export function moveLeader(model: ClusterModel, topic: string, partition: number, toNodeId?: number): number {
  const p = model.partition(topic, partition);
  if (p === undefined) throw new RangeError(`no partition ${topic}-${partition}`);
  const ids = model.nodeIds;
  const target = toNodeId ?? ids[(ids.indexOf(p.leaderId) + 1) % ids.length]!;
  if (model.broker(target) === undefined) throw new RangeError(`no broker ${target}`);
  const from = p.leaderId;
  p.leaderId = target;
  p.leaderEpoch++;
  model.events.record({ kind: 'leader-moved', topic, partition, nodeId: target, detail: `from ${from}` });
  return target;
}

/**
 * Restarts a broker: its connections reset, it forgets its producer-id block, and the producer state
 * of the partitions it leads follows `producerState` (docs/broker-rules.md §"Restarts and producer state"). With `downMs` it stays down
 * that long on the cluster's clock.
 */
export function restartBroker(model: ClusterModel, nodeId: number, options: RestartOptions = {}): void {
  const broker = model.broker(nodeId);
  if (broker === undefined) throw new RangeError(`no broker ${nodeId}`);
  const mode = options.producerState ?? 'clean';
  const now = model.clock.now();
  model.events.record({ kind: 'broker-restarted', nodeId, detail: mode });
  resetConnections(model, { nodeId }, 'broker restart', false);
  broker.producerIds.reset();
  for (const topic of model.topics.values()) {
    for (const p of topic.partitions) {
      if (p.leaderId !== nodeId) continue;
      if (mode === 'lost') p.producers.clear();
      else if (mode === 'snapshot')
        p.producers.reloadFromSnapshot(now, model.producerIdExpirationMsOn(nodeId));
    }
  }
  const downMs = options.downMs ?? 0;
  if (downMs > 0) {
    // A restart is a controlled shutdown: the controller knows at once, so its partitions show no leader.
    broker.up = false;
    broker.registered = false;
    broker.upAt = now + downMs;
    model.clock.setTimeout(() => {
      broker.up = true;
      broker.registered = true;
      broker.upAt = -1;
      model.events.record({ kind: 'broker-up', nodeId });
    }, downMs);
  }
}

/** Resets matching connections; requests in flight on them reject with ECONNRESET. Returns how many were reset. */
export function resetConnections(
  model: ClusterModel,
  filter: ConnectionFilter,
  reason: string,
  record: boolean,
): number {
  let count = 0;
  for (const broker of model.brokers) {
    if (filter.nodeId !== undefined && broker.nodeId !== filter.nodeId) continue;
    for (const connection of [...broker.connections.values()]) {
      if (filter.connectionId !== undefined && connection.id !== filter.connectionId) continue;
      if (record) {
        model.events.record({
          kind: 'connection-reset',
          nodeId: broker.nodeId,
          connectionId: connection.id,
          detail: `${reason}; ${connection.inFlight} request(s) in flight`,
        });
      }
      connection.reset(reason);
      count++;
    }
  }
  return count;
}
