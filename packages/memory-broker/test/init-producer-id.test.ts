import { type InitProducerIdRequest, KafkaErrorCode } from '@idem/codec';
import { describe, expect, it } from 'vitest';
import { makeBatch, produce, setup } from './helpers.js';

const idempotent = (over: Partial<InitProducerIdRequest> = {}): InitProducerIdRequest => ({
  transactionalId: null,
  transactionTimeoutMs: 2_147_483_647,
  producerId: -1n,
  producerEpoch: -1,
  enable2Pc: false,
  keepPreparedTxn: false,
  ...over,
});

describe('InitProducerId for idempotent producers (docs/broker-rules.md)', () => {
  it('gives a fresh producer id with epoch 0 every time, from the answering broker block', async () => {
    const s = setup({ brokers: 2 });
    const a = await s.client.initProducerIdOn(1, idempotent());
    const b = await s.client.initProducerIdOn(1, idempotent());
    const c = await s.client.initProducerIdOn(2, idempotent());
    expect([a.errorCode, a.producerId, a.producerEpoch]).toEqual([0, 0n, 0]);
    expect([b.producerId, b.producerEpoch]).toEqual([1n, 0]);
    expect([c.producerId, c.producerEpoch]).toEqual([1000n, 0]);
  });

  it('ignores a valid v3+ producer id/epoch pair for a non-transactional producer: new id, epoch 0', async () => {
    const s = setup();
    const first = await s.client.initProducerId(idempotent());
    const again = await s.client.initProducerId(
      idempotent({ producerId: first.producerId, producerEpoch: 4 }),
    );
    expect([again.errorCode, again.producerEpoch]).toEqual([0, 0]);
    expect(again.producerId).not.toBe(first.producerId);
  });

  it('answers INVALID_REQUEST when exactly one of producer id and epoch is -1', async () => {
    const s = setup();
    for (const over of [{ producerId: 5n }, { producerEpoch: 3 }]) {
      const r = await s.client.initProducerId(idempotent(over));
      expect([r.errorCode, r.producerId, r.producerEpoch]).toEqual([KafkaErrorCode.INVALID_REQUEST, -1n, -1]);
    }
  });

  it('answers a transactional id with an error response and an explaining event, not a crash', async () => {
    const s = setup();
    const r = await s.client.initProducerId(idempotent({ transactionalId: 'tx-1' }));
    expect([r.errorCode, r.producerId]).toEqual([KafkaErrorCode.INVALID_REQUEST, -1n]);
    expect(s.cluster.events.at(-1)).toMatchObject({ kind: 'unsupported', api: 'InitProducerId' });
    expect(s.cluster.events.at(-1)!.detail).toContain('tx-1');
    const empty = await s.client.initProducerId(idempotent({ transactionalId: '' }));
    expect(empty.errorCode).toBe(KafkaErrorCode.INVALID_REQUEST);
  });

  it('COORDINATOR_LOAD_IN_PROGRESS while the producer-id block is not ready (fault), recorded', async () => {
    const s = setup({ brokers: 2 });
    s.cluster.faults.producerIdNotReady({ nodeId: 1, count: 2 });
    expect((await s.client.initProducerIdOn(1, idempotent())).errorCode).toBe(
      KafkaErrorCode.COORDINATOR_LOAD_IN_PROGRESS,
    );
    expect((await s.client.initProducerIdOn(2, idempotent())).errorCode).toBe(0);
    expect((await s.client.initProducerIdOn(1, idempotent())).errorCode).toBe(
      KafkaErrorCode.COORDINATOR_LOAD_IN_PROGRESS,
    );
    const ok = await s.client.initProducerIdOn(1, idempotent());
    expect([ok.errorCode, ok.producerId]).toEqual([0, 1000n]); // broker 2 asked first and took block 0
    expect(s.cluster.events.filter((e) => e.kind === 'producer-id-not-ready')).toHaveLength(2);
  });

  it('serves every InitProducerId version 0-5 with a fresh id (v0-2 have no producer id fields)', async () => {
    const s = setup();
    const seen = new Set<bigint>();
    for (let version = 0; version <= 5; version++) {
      const client = s.cluster.connect({ versions: { InitProducerId: version }, wire: true });
      const r = await client.initProducerId(idempotent());
      expect([r.errorCode, r.producerEpoch]).toEqual([0, 0]);
      seen.add(r.producerId);
    }
    expect(seen.size).toBe(6);
  });

  it('a partition accepts a producer id no broker ever issued', async () => {
    const s = setup();
    expect((await produce(s, makeBatch({ producerId: 123_456_789_012n }))).errorCode).toBe(0);
  });
});
