// A broker that takes requests and answers none must not stall a failover behind it (docs/design.md §"Failover"):
// over real sockets, the kafkajs transport's metadataOn lets the core hedge a refresh stuck on the silent broker to
// another one. Without the hedge, the first ack after the leader moved came only when the request timeout (30 s)
// dropped the silent connection.
import { startMemoryBroker } from '@idem/testing';
import { describe, expect, it } from 'vitest';
import { idempotentProducer } from '../src/index.js';
import { kafkaOf } from './support/kafka-clients.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('idem-kafkajs with a silent broker', () => {
  it.each([
    [2, 3],
    [3, 2],
  ])(
    'leader 1 killed while broker %i is silent: sends resume within 1.5 s of the move to broker %i',
    async (silent, newLeader) => {
      const broker = await startMemoryBroker({ brokers: 3, topics: { t: { partitions: 1, leaders: [1] } } });
      const adapter = idempotentProducer(kafkaOf(broker.bootstrapServers, { requestTimeout: 30_000 }), {
        idem: { lingerMs: 0, requestTimeoutMs: 30_000, deliveryTimeoutMs: 60_000 },
      });
      try {
        await adapter.connect();
        await adapter.send({ topic: 't', messages: [{ value: 'w' }] });
        const faults = broker.server.cluster.faults;
        faults.silenceBroker(silent, 60_000);
        faults.stopBroker(1, { failoverAfterMs: Number.POSITIVE_INFINITY });
        const moveAfterMs = 1_500;
        let movedAt = Number.POSITIVE_INFINITY;
        const mover = sleep(moveAfterMs).then(() => {
          faults.moveLeader('t', 0, newLeader);
          movedAt = performance.now();
        });
        const acks: number[] = [];
        const sends: Promise<unknown>[] = [];
        for (let i = 0; i < 60; i++) {
          sends.push(
            adapter
              .send({ topic: 't', messages: [{ value: `v${i}` }] })
              .then(() => acks.push(performance.now())),
          );
          await sleep(50);
        }
        await mover;
        const results = await Promise.race([
          Promise.allSettled(sends),
          sleep(20_000).then(() => 'timed out' as const),
        ]);
        expect(results).not.toBe('timed out');
        expect((results as PromiseSettledResult<unknown>[]).filter((r) => r.status === 'rejected')).toEqual(
          [],
        );
        const firstAfterMove = Math.min(...acks.filter((at) => at >= movedAt));
        expect(firstAfterMove - movedAt).toBeLessThanOrEqual(1_500);
        expect(broker.readLog('t', 0).map((r) => r.value?.toString())).toEqual([
          'w',
          ...Array.from({ length: 60 }, (_, i) => `v${i}`),
        ]);
      } finally {
        await Promise.race([adapter.disconnect(), sleep(5_000)]);
        await broker.stop();
      }
    },
    40_000,
  );
});
