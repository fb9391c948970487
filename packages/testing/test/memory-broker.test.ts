import { createProducer } from '@idem/core';
import { describe, expect, it } from 'vitest';
import { checkDelivery, startMemoryBroker } from '../src/index.js';

// The harness on its own: a server with the topics asked for, what it stored, and stop(). A producer on the
// in-process connection of the same cluster writes; readLog reads back through the stored batches.
describe('startMemoryBroker', () => {
  it('serves the given topics on loopback, reads back what it stored, and stops once', async () => {
    const broker = await startMemoryBroker({ topics: { orders: { partitions: 2 } } });
    try {
      expect(broker.bootstrapServers).toMatch(/^127\.0\.0\.1:\d+,127\.0\.0\.1:\d+$/);
      const producer = createProducer({ transport: broker.server.cluster.connect() });
      const sent = await Promise.all([
        producer.send({ topic: 'orders', partition: 1, key: 'k', value: 'a' }),
        producer.send({ topic: 'orders', partition: 1, value: 'b' }),
      ]);
      await producer.close();
      expect(broker.readLog('orders', 1)).toEqual([
        { offset: 0n, key: 'k', value: 'a' },
        { offset: 1n, key: null, value: 'b' },
      ]);
      expect(broker.readLog('orders', 0)).toEqual([]);
      const verdict = checkDelivery(
        sent.map((m, i) => ({
          id: `r${i}`,
          producer: 'p',
          topic: m.topic,
          order: i,
          outcome: { status: 'acked', partition: m.partition, offset: m.offset },
        })),
        [
          {
            topic: 'orders',
            partition: 1,
            records: broker.readLog('orders', 1).map((r, i) => ({ offset: r.offset, id: `r${i}` })),
          },
        ],
      );
      expect(verdict.ok).toBe(true);
    } finally {
      await broker.stop();
    }
    await broker.stop();
  });
});
