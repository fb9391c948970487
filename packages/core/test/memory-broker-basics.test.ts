import { MemoryCluster } from '@idem/memory-broker';
import { describe, expect, it } from 'vitest';
import { createProducer } from '../src/index.js';
import { value } from './support/harness.js';
import { createMemoryHarness } from './support/memory-harness.js';

describe('core on the memory broker', () => {
  it('produces in order with offsets', async () => {
    const h = createMemoryHarness({ brokers: 1, topics: { t: { partitions: 2 } } }, { lingerMs: 0 });
    const results = value(
      await h.settle(
        Promise.all(
          Array.from({ length: 30 }, (_, i) =>
            h.producer.send({ topic: 't', partition: i % 2, value: `v${i}` }),
          ),
        ),
      ),
    );
    expect(results.filter((r) => r.partition === 0).map((r) => r.offset)).toEqual(
      Array.from({ length: 15 }, (_, i) => BigInt(i)),
    );
    expect(h.values('t', 0)).toEqual(Array.from({ length: 15 }, (_, i) => `v${2 * i}`));
  });

  it('createProducer runs on the wall clock when none is given (the README example)', async () => {
    const cluster = new MemoryCluster({ brokers: 3, topics: { orders: { partitions: 6 } } });
    const producer = createProducer({ transport: cluster.connect() });
    const before = BigInt(Date.now());
    const meta = await producer.send({ topic: 'orders', key: 'customer-42', value: 'paid' });
    expect(meta.offset).toBe(0n);
    expect(meta.timestamp >= before).toBe(true);
    await producer.close();
    expect(producer.state.status).toBe('closed');
    expect(cluster.readLog('orders', meta.partition).logEndOffset).toBe(1);
  });
});
