import { describe, expect, it } from 'vitest';
import { DeliveryTimeoutError, FlushTimeoutError } from '../../src/index.js';
import { createHarness, reason, value } from '../support/harness.js';

// Issue 9, defect 2: every wait has a bound, possibly-written batches included (docs/design.md §"Bounded delivery").

const UNKNOWN_TOPIC_OR_PARTITION = 3;
const NOT_LEADER_OR_FOLLOWER = 6;

describe('defect 2: bounded waits', () => {
  it('topic deleted while a possibly-written batch is out: settles possibly persisted by deliveryTimeoutMs', async () => {
    const h = createHarness(
      { topics: { t: { partitions: 1 } } },
      { lingerMs: 0, requestTimeoutMs: 1000, deliveryTimeoutMs: 30_000 },
    );
    value(await h.settle(h.producer.send({ topic: 't', partition: 0, value: 'w' })));
    h.cluster.produceFaults.push({ fault: 'hangAfterAppend' });
    const start = h.scheduler.clock.now();
    const a = h.producer.send({ topic: 't', partition: 0, value: 'A' });
    await h.runUntil(() => h.cluster.produceLog.length === 2);
    // The topic goes away: every retry and every metadata answer says UNKNOWN_TOPIC_OR_PARTITION from now on.
    h.cluster.topicPartitions.delete('t');
    h.cluster.errorRules.push({ topic: 't', partition: 0, code: UNKNOWN_TOPIC_OR_PARTITION, times: 1e9 });
    const failed = reason(await h.settle(a, 60_000));
    expect(failed).toBeInstanceOf(DeliveryTimeoutError);
    expect(failed).toMatchObject({ possiblyPersisted: true });
    expect(h.scheduler.clock.now() - start).toBeLessThanOrEqual(30_000);
    // Leadership-style errors back off like any retry: about one attempt per retryBackoffMaxMs, not per 100 ms.
    const attempts = h.cluster.produceLog.filter((r) => r.batches.some((b) => b.baseSequence === 1)).length;
    expect(attempts).toBeLessThan(45);
    expect((await h.settle(h.producer.flush(), 1000)).status).toBe('fulfilled');
    expect((await h.settle(h.producer.close(), 1000)).status).toBe('fulfilled');
  });

  it('NOT_LEADER for ever: the backoff grows to retryBackoffMaxMs although the retries are not counted', async () => {
    const h = createHarness(
      { topics: { t: { partitions: 1 } } },
      {
        lingerMs: 0,
        requestTimeoutMs: 1000,
        deliveryTimeoutMs: 20_000,
        retryBackoffMs: 100,
        retryBackoffMaxMs: 1000,
      },
    );
    h.cluster.errorRules.push({ topic: 't', partition: 0, code: NOT_LEADER_OR_FOLLOWER, times: 1e9 });
    const failed = reason(await h.settle(h.producer.send({ topic: 't', partition: 0, value: 'a' }), 60_000));
    expect(failed).toBeInstanceOf(DeliveryTimeoutError);
    expect(failed).toMatchObject({ possiblyPersisted: false });
    expect(h.cluster.produceLog.length).toBeLessThan(35);
  });

  it('flush({ timeoutMs }) rejects with FlushTimeoutError when sends are still pending; the sends go on', async () => {
    const h = createHarness(
      { topics: { t: { partitions: 1 } } },
      { lingerMs: 0, requestTimeoutMs: 1000, deliveryTimeoutMs: 5000 },
    );
    value(await h.settle(h.producer.send({ topic: 't', partition: 0, value: 'w' })));
    h.cluster.produceFaults.push({ fault: 'hang' });
    const a = h.producer.send({ topic: 't', partition: 0, value: 'a' });
    const flushed = reason(await h.settle(h.producer.flush({ timeoutMs: 200 })));
    expect(flushed).toBeInstanceOf(FlushTimeoutError);
    expect(flushed).toMatchObject({ pendingSends: 1, timeoutMs: 200 });
    value(await h.settle(a));
    expect(h.cluster.values('t', 0)).toEqual(['w', 'a']);
  });
});
