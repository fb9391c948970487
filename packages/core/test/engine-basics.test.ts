import { describe, expect, it } from 'vitest';
import { createHarness, value } from './support/harness.js';

describe('engine basics (fake cluster)', () => {
  it('acknowledges a record with its offset and timestamp', async () => {
    const h = createHarness({ topics: { t: { partitions: 1 } } });
    const result = value(await h.settle(h.producer.send({ topic: 't', value: 'a', timestamp: 42 })));
    expect(result).toEqual({ topic: 't', partition: 0, offset: 0n, timestamp: 42n });
    expect(h.cluster.values('t', 0)).toEqual(['a']);
    expect(h.events.producerId).toHaveLength(1);
  });

  it('gives 200 concurrent single-record sends 200 distinct offsets in call order (b10)', async () => {
    const h = createHarness({ topics: { t: { partitions: 1 } } });
    const sends = Array.from({ length: 200 }, (_, i) =>
      h.producer.send({ topic: 't', partition: 0, value: `v${i}` }),
    );
    const all = value(await h.settle(Promise.all(sends)));
    const offsets = all.map((m) => m.offset);
    expect(new Set(offsets).size).toBe(200);
    expect(offsets).toEqual([...offsets].sort((a, b) => (a < b ? -1 : 1)));
    expect(h.cluster.values('t', 0)).toEqual(Array.from({ length: 200 }, (_, i) => `v${i}`));
  });

  it('resolves an array send with one metadata per record in input order', async () => {
    const h = createHarness({ topics: { t: { partitions: 3 } } });
    const records = Array.from({ length: 9 }, (_, i) => ({ topic: 't', partition: i % 3, value: `v${i}` }));
    const result = value(await h.settle(h.producer.send(records)));
    expect(result.map((m) => m.partition)).toEqual([0, 1, 2, 0, 1, 2, 0, 1, 2]);
    expect(result.map((m) => m.offset)).toEqual([0n, 0n, 0n, 1n, 1n, 1n, 2n, 2n, 2n]);
  });

  it('sendWith() settles through its callbacks as send() would: metadata once, a refused call rejected', async () => {
    const h = createHarness({ topics: { t: { partitions: 1 } } });
    const ok = new Promise((resolve, reject) =>
      h.producer.sendWith({ topic: 't', partition: 0, value: 'a', timestamp: 7 }, resolve, reject),
    );
    expect(value(await h.settle(ok))).toEqual({ topic: 't', partition: 0, offset: 0n, timestamp: 7n });
    const many = new Promise((resolve, reject) =>
      h.producer.sendWith(
        [
          { topic: 't', partition: 0, value: 'b' },
          { topic: 't', partition: 0, value: 'c' },
        ],
        resolve,
        reject,
      ),
    );
    expect((value(await h.settle(many)) as { offset: bigint }[]).map((m) => m.offset)).toEqual([1n, 2n]);
    const invalid = new Promise((resolve, reject) =>
      h.producer.sendWith({ topic: 't', partition: 0, value: 'x'.repeat(2_000_000) }, resolve, reject),
    );
    const refused = await h.settle(invalid);
    expect(refused.status).toBe('rejected');
    expect(h.cluster.values('t', 0)).toEqual(['a', 'b', 'c']);
  });

  it('sendTo() settles its sink exactly once: resolved with the metadata, rejected for an invalid or refused call', async () => {
    const h = createHarness({ topics: { t: { partitions: 1 } } });
    const calls: string[] = [];
    const sinkOf = (name: string, done: (value: unknown) => void) => ({
      resolved: (m: unknown) => {
        calls.push(`${name} resolved`);
        done(m);
      },
      rejected: (e: unknown) => {
        calls.push(`${name} rejected: ${(e as Error).name}`);
        done(e);
      },
    });
    const one = new Promise((done) =>
      h.producer.sendTo({ topic: 't', partition: 0, value: 'a', timestamp: 7 }, sinkOf('one', done)),
    );
    expect(value(await h.settle(one))).toEqual({ topic: 't', partition: 0, offset: 0n, timestamp: 7n });
    const many = new Promise((done) =>
      h.producer.sendTo(
        [
          { topic: 't', partition: 0, value: 'b' },
          { topic: 't', partition: 0, value: 'c' },
        ],
        sinkOf('many', done),
      ),
    );
    expect((value(await h.settle(many)) as { offset: bigint }[]).map((m) => m.offset)).toEqual([1n, 2n]);
    // An invalid record is refused before sendTo returns.
    h.producer.sendTo({ topic: '', value: 'x' }, sinkOf('invalid', () => {}));
    expect(calls.at(-1)).toBe('invalid rejected: InvalidRecordError');
    await h.settle(h.producer.close());
    h.producer.sendTo({ topic: 't', value: 'late' }, sinkOf('closed', () => {}));
    expect(calls.at(-1)).toBe('closed rejected: ProducerClosedError');
    expect(calls).toEqual([
      'one resolved',
      'many resolved',
      'invalid rejected: InvalidRecordError',
      'closed rejected: ProducerClosedError',
    ]);
    expect(h.cluster.values('t', 0)).toEqual(['a', 'b', 'c']);
  });
});
