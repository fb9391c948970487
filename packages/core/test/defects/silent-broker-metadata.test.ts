import { MemoryCluster, readRecords } from '@idem/memory-broker';
import { SeededScheduler } from '@idem/testkit';
import { describe, expect, it } from 'vitest';
import { ProducerEngine } from '../../src/engine/producer-engine.js';
import { drive, value } from '../support/harness.js';

// A broker that takes requests and answers none (a long GC pause, a half-open network path: the memory broker's
// silenceBroker, and here only its Metadata) stalled every failover whose refresh landed on it for the whole request
// timeout: 27 s here, against 1 s. A refresh unanswered for METADATA_HEDGE_MS now goes to another broker too, and the
// silent broker's connection is dropped once another one answered (docs/design.md §"Failover").

describe('a silent broker does not stall failover', () => {
  it.each([2, 3])(
    'leader 1 killed while broker %i accepts Metadata requests and never answers: sends resume within 1 s of the move',
    async (silent) => {
      const scheduler = new SeededScheduler(11);
      const clock = scheduler.clock;
      const cluster = new MemoryCluster({
        brokers: 3,
        clock,
        random: scheduler.random.fork(),
        topics: { t: { partitions: 1, leaders: [1] } },
      });
      const producer = new ProducerEngine({
        transport: cluster.connect(),
        clock,
        random: scheduler.random.fork(),
        lingerMs: 0,
        requestTimeoutMs: 30_000,
        deliveryTimeoutMs: 120_000,
      });
      const h = drive(scheduler, producer);
      value(await h.settle(producer.send({ topic: 't', partition: 0, value: 'w' })));

      cluster.faults.loseRequest(
        { api: 'Metadata', nodeId: silent },
        { count: Infinity, afterwards: 'blackhole' },
      );
      const failoverAfterMs = 3_000;
      const killedAt = clock.now();
      cluster.faults.stopBroker(1, { failoverAfterMs });
      const movedAt = killedAt + failoverAfterMs;

      const acks: number[] = [];
      const sends: Promise<unknown>[] = [];
      for (let i = 0; i < 200; i++) {
        clock.setTimeout(() => {
          sends.push(
            producer.send({ topic: 't', partition: 0, value: `v${i}` }).then(() => acks.push(clock.now())),
          );
        }, i * 50);
      }
      await h.runUntil(() => sends.length === 200);
      const results = value(await h.settle(Promise.allSettled(sends), 300_000));
      expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
      expect(cluster.leaderOf('t', 0)).not.toBe(1);
      const firstAfterMove = Math.min(...acks.filter((at) => at >= movedAt));
      expect(firstAfterMove - movedAt).toBeLessThanOrEqual(1_000);
      const log = readRecords(cluster, 't', 0).map((r) => r.value);
      expect(log).toEqual(['w', ...Array.from({ length: 200 }, (_, i) => `v${i}`)]);
      await h.settle(producer.close());
    },
  );
});
