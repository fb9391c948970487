import { KafkaErrorCode } from '@idem/codec';
import { describe, expect, it } from 'vitest';
import { logShape, makeBatch, produce, setup, T0 } from './helpers.js';

const { NONE, OUT_OF_ORDER_SEQUENCE_NUMBER } = KafkaErrorCode;

async function threeBatches(s: ReturnType<typeof setup>): Promise<Buffer[]> {
  const batches = [0, 1, 2].map((i) => makeBatch({ baseSequence: i }));
  for (const b of batches) expect((await produce(s, b)).errorCode).toBe(NONE);
  return batches;
}

describe('broker restarts (docs/broker-rules.md, restarts)', () => {
  it('clean restart keeps every retained batch: all retries are still duplicates', async () => {
    const s = setup();
    const batches = await threeBatches(s);
    s.cluster.faults.restartBroker(1, { producerState: 'clean' });
    for (const [i, b] of batches.entries()) expect((await produce(s, b)).baseOffset).toBe(BigInt(i));
    expect(logShape(s).end).toBe(3);
  });

  it('restart from snapshot keeps only the last batch: its retry dedups, an older retry gets OUT_OF_ORDER', async () => {
    const s = setup();
    const batches = await threeBatches(s);
    s.cluster.faults.restartBroker(1, { producerState: 'snapshot' });
    expect((await produce(s, batches[2]!)).baseOffset).toBe(2n);
    expect((await produce(s, batches[1]!)).errorCode).toBe(OUT_OF_ORDER_SEQUENCE_NUMBER);
    expect((await produce(s, makeBatch({ baseSequence: 3 }))).baseOffset).toBe(3n);
    expect(s.cluster.events.find((e) => e.kind === 'broker-restarted')).toMatchObject({
      nodeId: 1,
      detail: 'snapshot',
    });
  });

  it('lost state: a retry is appended again — a real duplicate in the log', async () => {
    const s = setup();
    const batches = await threeBatches(s);
    s.cluster.faults.restartBroker(1, { producerState: 'lost' });
    const again = await produce(s, batches[2]!);
    expect([again.errorCode, again.baseOffset]).toEqual([NONE, 3n]);
    expect(logShape(s).end).toBe(4);
  });

  it('a restart resets the connections to that broker; a down broker refuses connections (notSent)', async () => {
    const s = setup({ brokers: 2 });
    const hold = s.cluster.faults.holdResponses({ nodeId: 1 });
    const inFlight = produce(s, makeBatch());
    s.cluster.faults.restartBroker(1, { downMs: 100 });
    hold.cancel();
    await expect(inFlight).rejects.toMatchObject({ code: 'ECONNRESET', notSent: false });
    await expect(produce(s, makeBatch({ baseSequence: 1 }))).rejects.toMatchObject({
      code: 'ECONNREFUSED',
      notSent: true,
    });
    s.clock.advance(100);
    // the held request was appended before the restart; its successor continues the sequence
    expect((await produce(s, makeBatch({ baseSequence: 1 }))).errorCode).toBe(NONE);
    expect(s.cluster.events.map((e) => e.kind)).toContain('broker-up');
  });

  it('a leader move keeps the producer state: a retry to the new leader is still a duplicate', async () => {
    const s = setup({ brokers: 3 });
    const batches = await threeBatches(s);
    const to = s.cluster.faults.moveLeader('t', 0, 3);
    expect(to).toBe(3);
    expect((await produce(s, batches[0]!, 0, { nodeId: 1 })).errorCode).toBe(
      KafkaErrorCode.NOT_LEADER_OR_FOLLOWER,
    );
    expect((await produce(s, batches[0]!, 0, { nodeId: 3 })).baseOffset).toBe(0n);
    expect((await produce(s, makeBatch({ baseSequence: 3 }), 0, { nodeId: 3 })).baseOffset).toBe(3n);
    const stored = s.cluster.readLog('t', 0).batches.at(-1)!.bytes!;
    expect(stored.readInt32BE(12)).toBe(1); // stamped with the new leader epoch
  });
});

describe('producer-id expiration (docs/broker-rules.md, expiration)', () => {
  it('drops a producer at the first check after lastTimestamp + producer.id.expiration.ms; a retry is then appended again', async () => {
    const s = setup({ producerIdExpirationMs: 10_000, producerIdExpirationCheckIntervalMs: 3_000 });
    const batch = makeBatch({ timestamp: T0 });
    await produce(s, batch);
    s.clock.advance(9_999);
    expect((await produce(s, batch)).baseOffset).toBe(0n); // checks ran at +3s, +6s, +9s: not expired yet
    s.clock.advance(2_000); // now +11.999s; the +12s check has not run
    expect((await produce(s, batch)).baseOffset).toBe(0n);
    s.clock.advance(1);
    const again = await produce(s, batch);
    expect([again.errorCode, again.baseOffset]).toEqual([NONE, 1n]);
    expect(s.cluster.events.find((e) => e.kind === 'producers-expired')).toMatchObject({
      topic: 't',
      partition: 0,
      producerIds: [1000n],
    });
  });

  it('measures age from the record timestamps, not from when the batch arrived', async () => {
    const s = setup({ producerIdExpirationMs: 10_000, producerIdExpirationCheckIntervalMs: 0 });
    await produce(s, makeBatch({ timestamp: T0 - 10_000 })); // stamped 10 s in the past
    expect((await produce(s, makeBatch({ baseSequence: 7 }))).errorCode).toBe(NONE); // any sequence: state is gone
  });

  it('expires on demand with expireProducers()', async () => {
    const s = setup();
    await produce(s, makeBatch());
    s.cluster.expireProducers(T0 + 86_400_000);
    expect(s.cluster.describeProducers('t', 0)).toEqual([]);
  });

  it.each([
    ['broker 1 itself', '1'],
    ['the cluster-wide default', ''],
  ])(
    'follows a dynamic producer.id.expiration.ms set on %s (KIP-854), and the static value once it is deleted',
    async (_, resourceName) => {
      const s = setup({ producerIdExpirationCheckIntervalMs: 1_000 });
      const alter = async (value: string | null) => {
        const response = await s.cluster.request(1, 'admin', 'IncrementalAlterConfigs', {
          resources: [
            {
              resourceType: 4,
              resourceName,
              configs: [
                { name: 'producer.id.expiration.ms', configOperation: value === null ? 1 : 0, value },
              ],
            },
          ],
          validateOnly: false,
        });
        expect(response!.responses[0]!.errorCode).toBe(NONE);
      };
      await alter('1000');
      await produce(s, makeBatch({ timestamp: T0 }));
      s.clock.advance(1_000);
      expect((await produce(s, makeBatch({ baseSequence: 5, timestamp: s.clock.now() }))).errorCode).toBe(
        NONE,
      ); // state gone: any sequence
      await alter(null);
      s.clock.advance(10_000); // the static day applies again: the producer of sequence 5 is kept
      expect((await produce(s, makeBatch({ baseSequence: 5, timestamp: T0 + 1_000 }))).baseOffset).toBe(1n); // a duplicate
    },
  );
});
