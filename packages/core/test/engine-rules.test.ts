import { describe, expect, it } from 'vitest';
import {
  AuthorizationError,
  BatchSendError,
  BrokerRejectedError,
  DeliveryTimeoutError,
  FatalProducerError,
  InvalidRecordError,
  ProducerClosedError,
  RetriesExhaustedError,
  SendTimeoutError,
  SequenceConflictError,
} from '../src/index.js';
import { createHarness, reason, value } from './support/harness.js';

const MESSAGE_TOO_LARGE = 10;
const NOT_LEADER = 6;
const COORDINATOR_LOAD_IN_PROGRESS = 14;
const CLUSTER_AUTHORIZATION_FAILED = 31;
const UNSUPPORTED_VERSION = 35;
const OUT_OF_ORDER = 45;
const INVALID_RECORD = 87;

describe('strict (gapless) mode', () => {
  it('makes a head-of-line sequence gap fatal instead of bumping', async () => {
    const h = createHarness({ topics: { t: { partitions: 1 } } }, { lingerMs: 0, strict: true });
    value(await h.settle(h.producer.send({ topic: 't', partition: 0, value: 'a' })));
    h.cluster.errorRules.push({ topic: 't', partition: 0, code: OUT_OF_ORDER, times: 1 });
    const failed = reason(await h.settle(h.producer.send({ topic: 't', partition: 0, value: 'b' })));
    expect(failed).toBeInstanceOf(FatalProducerError);
    expect((failed as FatalProducerError).reason).toBe('gapless');
    expect(h.events.dataLoss).toHaveLength(1);
    expect(h.events.epochBump ?? []).toHaveLength(0);
    expect(reason(await h.settle(h.producer.send({ topic: 't', partition: 0, value: 'c' })))).toBeInstanceOf(
      FatalProducerError,
    );
  });

  it('makes a non-retriable rejection fatal (a gap would follow)', async () => {
    const h = createHarness({ topics: { t: { partitions: 1 } } }, { lingerMs: 0, strict: true });
    h.cluster.errorRules.push({ topic: 't', partition: 0, code: INVALID_RECORD, times: 1 });
    const failed = reason(await h.settle(h.producer.send({ topic: 't', partition: 0, value: 'a' })));
    expect(failed).toBeInstanceOf(FatalProducerError);
    expect(h.producer.state.status).toBe('fatal');
  });
});

describe('batches and requests', () => {
  it('splits a multi-record batch on MESSAGE_TOO_LARGE, keeping its sequence range and order', async () => {
    const h = createHarness({ topics: { t: { partitions: 1 } } }, { lingerMs: 5 });
    h.cluster.errorRules.push({ topic: 't', partition: 0, code: MESSAGE_TOO_LARGE, times: 1 });
    const results = value(
      await h.settle(
        Promise.all(
          Array.from({ length: 4 }, (_, i) => h.producer.send({ topic: 't', partition: 0, value: `m${i}` })),
        ),
      ),
    );
    expect(results.map((r) => r.offset)).toEqual([0n, 1n, 2n, 3n]);
    expect(h.cluster.values('t', 0)).toEqual(['m0', 'm1', 'm2', 'm3']);
    const batches = h.cluster.produceLog.flatMap((r) => r.batches);
    expect(batches[0]).toMatchObject({ baseSequence: 0, count: 4 });
    expect(batches.slice(1).map((b) => [b.baseSequence, b.count])).toEqual([
      [0, 2],
      [2, 2],
    ]);
  });

  it('fails a single-record MESSAGE_TOO_LARGE batch with a typed broker error, then continues', async () => {
    const h = createHarness({ topics: { t: { partitions: 1 } } }, { lingerMs: 0 });
    h.cluster.errorRules.push({ topic: 't', partition: 0, code: MESSAGE_TOO_LARGE, times: 1 });
    const failed = reason(await h.settle(h.producer.send({ topic: 't', partition: 0, value: 'big' })));
    expect(failed).toBeInstanceOf(BrokerRejectedError);
    expect(failed).toMatchObject({ kafkaCode: MESSAGE_TOO_LARGE, possiblyPersisted: false });
    value(await h.settle(h.producer.send({ topic: 't', partition: 0, value: 'ok' })));
    expect(h.cluster.values('t', 0)).toEqual(['ok']);
  });

  it('follows a KIP-951 leader hint at once', async () => {
    const h = createHarness({ topics: { t: { partitions: 1 } }, nodes: [1, 2] }, { lingerMs: 0 });
    value(await h.settle(h.producer.send({ topic: 't', partition: 0, value: 'a' })));
    h.cluster.moveLeader('t', 0, 2);
    value(await h.settle(h.producer.send({ topic: 't', partition: 0, value: 'b' })));
    const nodes = h.cluster.produceLog.map((r) => r.node);
    expect(nodes).toEqual([1, 1, 2]);
  });

  it('rejects an oversized record and a bad partition without sending', async () => {
    const h = createHarness({ topics: { t: { partitions: 2 } } }, { maxRequestSize: 1000 });
    expect(reason(await h.settle(h.producer.send({ topic: 't', value: 'x'.repeat(2000) })))).toBeInstanceOf(
      InvalidRecordError,
    );
    expect(reason(await h.settle(h.producer.send({ topic: 't', partition: 5, value: 'x' })))).toBeInstanceOf(
      InvalidRecordError,
    );
    expect(reason(await h.settle(h.producer.send({ topic: '', value: 'x' })))).toBeInstanceOf(
      InvalidRecordError,
    );
    expect(h.cluster.produceLog).toHaveLength(0);
  });

  it('reports per-record outcomes when part of an array send fails', async () => {
    const h = createHarness({ topics: { t: { partitions: 2 } } }, { lingerMs: 0 });
    h.cluster.errorRules.push({ topic: 't', partition: 1, code: INVALID_RECORD, times: 1 });
    const failed = reason(
      await h.settle(
        h.producer.send([
          { topic: 't', partition: 0, value: 'ok' },
          { topic: 't', partition: 1, value: 'bad' },
        ]),
      ),
    ) as BatchSendError;
    expect(failed).toBeInstanceOf(BatchSendError);
    expect(failed.results[0]).toMatchObject({ partition: 0, offset: 0n });
    expect(failed.results[1]).toBeInstanceOf(BrokerRejectedError);
    expect(failed.possiblyPersisted).toBe(false);
  });

  it('uses the broker’s LogAppendTime when the response carries one', async () => {
    const h = createHarness({ topics: { t: { partitions: 1 } } }, { lingerMs: 0 }, 1, (transport) => ({
      ...transport,
      produce: async (node, request) => {
        const response = await transport.produce(node, request);
        for (const topic of response.responses)
          for (const p of topic.partitionResponses) p.logAppendTimeMs = 99n;
        return response;
      },
    }));
    const result = value(
      await h.settle(h.producer.send({ topic: 't', partition: 0, value: 'a', timestamp: 5 })),
    );
    expect(result.timestamp).toBe(99n);
  });
});

describe('a broker that lost our state mid-pipeline (o1 shape)', () => {
  it('fails the batch that can no longer go in order instead of spinning until the delivery timeout', async () => {
    const h = createHarness({ topics: { t: { partitions: 1 } } }, { batchSize: 80, lingerMs: 0 });
    value(await h.settle(h.producer.send({ topic: 't', partition: 0, value: 'w' })));
    h.cluster.errorRules.push({ topic: 't', partition: 0, code: NOT_LEADER, times: 1, sequence: 1 });
    // The broker forgets the producer just before the second batch: it takes it with no state (KIP-360).
    h.cluster.chaos = () => {
      if (h.cluster.produceLog.length === 2) h.cluster.forgetProducers('t', 0);
      return {};
    };
    const [a, b] = value(
      await h.settle(
        Promise.allSettled([
          h.producer.send({ topic: 't', partition: 0, value: 'a' }),
          h.producer.send({ topic: 't', partition: 0, value: 'b' }),
        ]),
      ),
    );
    expect(a?.status).toBe('rejected');
    expect((a as PromiseRejectedResult).reason).toBeInstanceOf(SequenceConflictError);
    expect((a as PromiseRejectedResult).reason).toMatchObject({ possiblyPersisted: false });
    expect(b).toMatchObject({ status: 'fulfilled', value: { offset: 1n } });
    expect(h.events.dataLoss).toEqual([expect.objectContaining({ reason: 'orderingViolation' })]);
    expect(h.cluster.values('t', 0)).toEqual(['w', 'b']);
    expect(h.scheduler.clock.now() - 1_700_000_000_000).toBeLessThan(10_000);
  });
});

describe('producer id', () => {
  it('retries InitProducerId on COORDINATOR_LOAD_IN_PROGRESS', async () => {
    const h = createHarness({ topics: { t: { partitions: 1 } } }, { lingerMs: 0 });
    h.cluster.initErrors.push(COORDINATOR_LOAD_IN_PROGRESS, COORDINATOR_LOAD_IN_PROGRESS);
    value(await h.settle(h.producer.send({ topic: 't', value: 'a' })));
    expect(h.cluster.initLog).toHaveLength(3);
  });

  it('fails queued records on CLUSTER_AUTHORIZATION_FAILED and tries again on the next send', async () => {
    const h = createHarness({ topics: { t: { partitions: 1 } } }, { lingerMs: 0 });
    h.cluster.initErrors.push(CLUSTER_AUTHORIZATION_FAILED);
    expect(reason(await h.settle(h.producer.send({ topic: 't', value: 'a' })))).toBeInstanceOf(
      AuthorizationError,
    );
    value(await h.settle(h.producer.send({ topic: 't', value: 'b' })));
    expect(h.cluster.values('t', 0)).toEqual(['b']);
  });

  it('is fatal on a non-retriable InitProducerId error', async () => {
    const h = createHarness({ topics: { t: { partitions: 1 } } }, { lingerMs: 0 });
    h.cluster.initErrors.push(UNSUPPORTED_VERSION);
    const failed = reason(await h.settle(h.producer.send({ topic: 't', value: 'a' })));
    expect(failed).toBeInstanceOf(FatalProducerError);
    expect(failed).toMatchObject({ reason: 'initProducerId', kafkaCode: UNSUPPORTED_VERSION });
  });
});

describe('back-pressure, metadata and timeouts', () => {
  it('makes send() wait for buffer space and keeps send order', async () => {
    const h = createHarness(
      { topics: { t: { partitions: 1 } }, latencyMs: 20 },
      { lingerMs: 0, bufferMemory: 200, batchSize: 200 },
    );
    const sends = Array.from({ length: 20 }, (_, i) =>
      h.producer.send({ topic: 't', partition: 0, value: `b${i}` }),
    );
    expect(h.producer.state.bufferedBytes).toBeLessThanOrEqual(200);
    value(await h.settle(Promise.all(sends)));
    expect(h.cluster.values('t', 0)).toEqual(Array.from({ length: 20 }, (_, i) => `b${i}`));
    expect(h.producer.state.bufferedBytes).toBe(0);
  });

  it('fails a send with SendTimeoutError when buffer space does not free up within maxBlockMs', async () => {
    const h = createHarness(
      { topics: { t: { partitions: 1 } } },
      { lingerMs: 0, bufferMemory: 100, maxBlockMs: 50, requestTimeoutMs: 1000 },
    );
    h.cluster.produceFaults.push({ fault: 'hang' });
    const first = h.producer.send({ topic: 't', partition: 0, value: 'x'.repeat(60) });
    const second = h.producer.send({ topic: 't', partition: 0, value: 'y'.repeat(60) });
    const blocked = reason(await h.settle(second));
    expect(blocked).toBeInstanceOf(SendTimeoutError);
    expect(blocked).toMatchObject({ reason: 'bufferFull', possiblyPersisted: false });
    value(await h.settle(first));
  });

  it('fails a send to an unknown topic with SendTimeoutError after maxBlockMs', async () => {
    const h = createHarness({ topics: { t: { partitions: 1 } } }, { maxBlockMs: 500 });
    const failed = reason(await h.settle(h.producer.send({ topic: 'missing', value: 'x' })));
    expect(failed).toMatchObject({ reason: 'metadata', code: 'ERR_SEND_TIMEOUT' });
  });

  it('fails never-sent batches after deliveryTimeoutMs, not possibly persisted', async () => {
    const h = createHarness(
      { topics: { t: { partitions: 1 } }, nodes: [1] },
      { lingerMs: 0, requestTimeoutMs: 100, deliveryTimeoutMs: 300 },
    );
    h.cluster.hungNodes.add(1); // no producer id, so nothing can be sent
    const failed = reason(await h.settle(h.producer.send({ topic: 't', value: 'x' })));
    expect(failed).toBeInstanceOf(DeliveryTimeoutError);
    expect(failed).toMatchObject({ possiblyPersisted: false });
  });

  it('fails a stamped batch that was never written (only NOT_LEADER answers) at the delivery timeout', async () => {
    const h = createHarness(
      { topics: { t: { partitions: 1 } } },
      { lingerMs: 0, requestTimeoutMs: 100, deliveryTimeoutMs: 300, retryBackoffMs: 20 },
    );
    value(await h.settle(h.producer.send({ topic: 't', partition: 0, value: 'a' })));
    h.cluster.errorRules.push({ topic: 't', partition: 0, code: NOT_LEADER, times: 1000 });
    const failed = reason(await h.settle(h.producer.send({ topic: 't', partition: 0, value: 'b' })));
    expect(failed).toMatchObject({ code: 'ERR_DELIVERY_TIMEOUT', possiblyPersisted: false });
    h.cluster.errorRules.length = 0;
    value(await h.settle(h.producer.send({ topic: 't', partition: 0, value: 'c' })));
    expect(h.cluster.values('t', 0)).toEqual(['a', 'c']);
    expect(h.events.epochBump).toHaveLength(1);
  });

  it('close({ timeoutMs }) settles stuck sends as possibly persisted', async () => {
    const h = createHarness({ topics: { t: { partitions: 1 } } }, { lingerMs: 0, requestTimeoutMs: 100 });
    value(await h.settle(h.producer.send({ topic: 't', partition: 0, value: 'a' })));
    for (let i = 0; i < 1000; i++) h.cluster.produceFaults.push({ fault: 'hangAfterAppend' });
    const stuck = Promise.allSettled([h.producer.send({ topic: 't', partition: 0, value: 'b' })]);
    await h.runUntil(() => h.cluster.produceLog.length >= 2);
    value(await h.settle(h.producer.close({ timeoutMs: 1000 })));
    const failed = reason(value(await h.settle(stuck))[0]!);
    expect(failed).toBeInstanceOf(ProducerClosedError);
    expect(failed).toMatchObject({ possiblyPersisted: true });
    expect(h.producer.state.status).toBe('closed');
  });
});

describe('retries', () => {
  const NOT_ENOUGH_REPLICAS = 19;
  const REQUEST_TIMED_OUT = 7;

  it('fails a never-written batch after `retries` retriable failures', async () => {
    const h = createHarness(
      { topics: { t: { partitions: 1 } } },
      { lingerMs: 0, retries: 2, retryBackoffMs: 1 },
    );
    h.cluster.errorRules.push({ topic: 't', partition: 0, code: NOT_ENOUGH_REPLICAS, times: 3 });
    const failed = reason(await h.settle(h.producer.send({ topic: 't', partition: 0, value: 'a' })));
    expect(failed).toBeInstanceOf(RetriesExhaustedError);
    expect(failed).toMatchObject({ possiblyPersisted: false, retries: 2 });
    expect(h.cluster.produceLog).toHaveLength(3);
  });

  it('holds a possibly-persisted batch that ran out of retries until a later ack proves it written', async () => {
    const h = createHarness(
      { topics: { t: { partitions: 1 } } },
      { lingerMs: 0, retries: 1, retryBackoffMs: 1, batchSize: 80 },
    );
    value(await h.settle(h.producer.send({ topic: 't', partition: 0, value: 'w' })));
    // a (sequence 1) is appended but answered REQUEST_TIMED_OUT twice: out of retries, it may be in the log.
    // b, pipelined right behind it, is acknowledged: the broker takes only the next sequence, so a is in.
    h.cluster.errorRules.push({
      topic: 't',
      partition: 0,
      code: REQUEST_TIMED_OUT,
      times: 2,
      sequence: 1,
      afterAppend: true,
    });
    const a = h.producer.send({ topic: 't', partition: 0, value: 'a' });
    const b = h.producer.send({ topic: 't', partition: 0, value: 'b' });
    const [ra, rb] = value(await h.settle(Promise.all([a, b])));
    expect(ra.offset).toBe(-1n);
    expect(rb.offset).toBe(2n);
    expect(h.cluster.values('t', 0)).toEqual(['w', 'a', 'b']);
    expect(h.events.epochBump ?? []).toHaveLength(0);
  });

  it('reports it as possibly persisted when no later batch can settle it', async () => {
    const h = createHarness(
      { topics: { t: { partitions: 1 } } },
      { lingerMs: 0, retries: 1, retryBackoffMs: 1 },
    );
    h.cluster.errorRules.push({
      topic: 't',
      partition: 0,
      code: REQUEST_TIMED_OUT,
      times: 4,
      afterAppend: true,
    });
    const failed = reason(await h.settle(h.producer.send({ topic: 't', partition: 0, value: 'a' })));
    expect(failed).toBeInstanceOf(RetriesExhaustedError);
    expect(failed).toMatchObject({ possiblyPersisted: true });
  });
});

describe('idempotence off (for the bench)', () => {
  it('duplicates a record whose response was lost, as a non-idempotent producer does', async () => {
    const h = createHarness(
      { topics: { t: { partitions: 1 } } },
      { lingerMs: 0, idempotent: false, acks: 1 },
    );
    h.cluster.produceFaults.push({ fault: 'dropResponse' });
    value(await h.settle(h.producer.send({ topic: 't', partition: 0, value: 'a' })));
    expect(h.cluster.values('t', 0)).toEqual(['a', 'a']);
    expect(h.cluster.initLog).toHaveLength(0);
    expect(h.producer.state.producerId).toBe(-1n);
  });
});
