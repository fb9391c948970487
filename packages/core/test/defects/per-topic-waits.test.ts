import { describe, expect, it } from 'vitest';
import { SendTimeoutError } from '../../src/index.js';
import { createHarness, reason, value } from '../support/harness.js';

// Issue 9, defect 3: a send waiting for one topic's metadata never delays another topic's records
// (docs/design.md §"Placement").

describe('defect 3: waiting per topic', () => {
  it('a send to a topic without metadata does not delay a later send to another topic', async () => {
    const h = createHarness({ topics: { t: { partitions: 1 } } }, { lingerMs: 0, maxBlockMs: 60_000 });
    const start = h.scheduler.clock.now();
    const missing = h.producer.send({ topic: 'no-such-topic', value: 'x' });
    const other = value(await h.settle(h.producer.send({ topic: 't', value: 'a' })));
    expect(other.offset).toBe(0n);
    // One metadata backoff (retryBackoffMs) at most, not maxBlockMs.
    expect(h.scheduler.clock.now() - start).toBeLessThan(1000);
    const failed = reason(await h.settle(missing, 120_000));
    expect(failed).toBeInstanceOf(SendTimeoutError);
    expect(h.scheduler.clock.now() - start).toBeGreaterThanOrEqual(60_000);
  });

  it('sends to a topic that appears later keep their order, and other topics flow meanwhile', async () => {
    const h = createHarness(
      { topics: { t: { partitions: 1 }, u: { partitions: 1 } } },
      { lingerMs: 0, batchSize: 80 },
    );
    // The topic is created two seconds in.
    h.scheduler.clock.setTimeout(() => {
      h.cluster.topicPartitions.set('late', 1);
      h.cluster.partitions.set('late/0', {
        leader: 1,
        leaderEpoch: 0,
        log: [],
        logStartOffset: 0n,
        producers: new Map(),
      });
    }, 2000);
    const start = h.scheduler.clock.now();
    const late = [0, 1, 2].map((i) => h.producer.send({ topic: 'late', partition: 0, value: `L${i}` }));
    // One call spanning two topics waits with the late one (order within a call)...
    const mixed = h.producer.send([
      { topic: 't', partition: 0, value: 'M0' },
      { topic: 'late', partition: 0, value: 'M1' },
    ]);
    // ... and so does a later send to 't', which must land after M0; a send to 'u' does not wait.
    const afterMixed = h.producer.send({ topic: 't', partition: 0, value: 'T1' });
    const u = value(await h.settle(h.producer.send({ topic: 'u', partition: 0, value: 'U' })));
    expect(u.offset).toBe(0n);
    expect(h.scheduler.clock.now() - start).toBeLessThan(1000);
    value(await h.settle(Promise.all([...late, mixed, afterMixed])));
    expect(h.scheduler.clock.now() - start).toBeGreaterThanOrEqual(2000);
    expect(h.cluster.values('late', 0)).toEqual(['L0', 'L1', 'L2', 'M1']);
    expect(h.cluster.values('t', 0)).toEqual(['M0', 'T1']);
  });
});
