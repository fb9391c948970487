import { MemoryCluster, readRecords } from '@idem/memory-broker';
import { SeededScheduler } from '@idem/testkit';
import { describe, expect, it } from 'vitest';
import { ProducerEngine } from '../../src/engine/producer-engine.js';
import type { Transport } from '../../src/ports/transport.js';
import { drive, value } from '../support/harness.js';

// Issue 9, defect 5: a transport failure to a leader triggers a metadata refresh, and batches follow the new
// leader within a second of metadata showing it (docs/design.md §"Failover").

/** A transport that sees `dead` nodes as a killed process would look: every connection refused, nothing sent. */
function withDeadNodes(transport: Transport, dead: Set<number>): Transport {
  const refused = (node: number) =>
    Promise.reject(Object.assign(new Error(`connect ECONNREFUSED (node ${node})`), { notSent: true }));
  return {
    metadata: (topics) => transport.metadata(topics),
    initProducerId: (request) => transport.initProducerId(request),
    disconnect: (node) => transport.disconnect(node),
    close: () => transport.close(),
    produce: (node, request) => (dead.has(node) ? refused(node) : transport.produce(node, request)),
    ...(transport.metadataOn === undefined
      ? {}
      : {
          metadataOn: (node: number, topics: readonly string[]) =>
            dead.has(node) ? refused(node) : transport.metadataOn!(node, topics),
        }),
    ...(transport.initProducerIdOn === undefined
      ? {}
      : {
          initProducerIdOn: (node: number, request: Parameters<Transport['initProducerId']>[0]) =>
            dead.has(node) ? refused(node) : transport.initProducerIdOn!(node, request),
        }),
  };
}

describe('defect 5: failover', () => {
  it.each([
    ['10 s', 10_000, 6_000],
    ['10 minutes', 600_000, 9_400],
  ])(
    'leader dead for %s, leadership moved after the election delay: sends resume within 1 s of the move',
    async (_, outageMs, electionMs) => {
      const scheduler = new SeededScheduler(7);
      const clock = scheduler.clock;
      const cluster = new MemoryCluster({
        brokers: 2,
        clock,
        random: scheduler.random.fork(),
        topics: { t: { partitions: 2, leaders: [1, 2] } },
      });
      const dead = new Set<number>();
      const producer = new ProducerEngine({
        transport: withDeadNodes(cluster.connect(), dead),
        clock,
        random: scheduler.random.fork(),
        lingerMs: 0,
        batchSize: 200,
        deliveryTimeoutMs: 120_000,
      });
      const h = drive(scheduler, producer);
      value(
        await h.settle(
          Promise.all([0, 1].map((partition) => producer.send({ topic: 't', partition, value: 'w' }))),
        ),
      );

      // Node 1 dies; the cluster still names it leader of partition 0 until the controller moves leadership.
      const killedAt = clock.now();
      dead.add(1);
      clock.setTimeout(() => cluster.moveLeader('t', 0, 2), electionMs);
      clock.setTimeout(() => dead.delete(1), outageMs);
      const movedAt = killedAt + electionMs;

      // A steady stream of sends to both partitions, one every 50 ms, for the first 20 s of the outage.
      const acks: { partition: number; at: number }[] = [];
      const sends: Promise<unknown>[] = [];
      for (let i = 0; i < 400; i++) {
        clock.setTimeout(() => {
          for (const partition of [0, 1]) {
            sends.push(
              producer.send({ topic: 't', partition, value: `v${partition}-${i}` }).then(() => {
                acks.push({ partition, at: clock.now() });
              }),
            );
          }
        }, i * 50);
      }
      await h.runUntil(() => sends.length === 800);
      const results = value(await h.settle(Promise.allSettled(sends), 300_000));
      expect(results.filter((r) => r.status === 'rejected')).toEqual([]);

      const firstAfterMove = Math.min(
        ...acks.filter((a) => a.partition === 0 && a.at >= movedAt).map((a) => a.at),
      );
      expect(firstAfterMove - movedAt).toBeLessThanOrEqual(1000);
      // Nothing written twice, nothing out of order.
      const log = readRecords(cluster, 't', 0).map((r) => r.value);
      expect(log).toEqual(['w', ...Array.from({ length: 400 }, (_, i) => `v0-${i}`)]);
      await h.settle(producer.close());
    },
  );
});
