import { describe, expect, it } from 'vitest';
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
});
