import { describe, expect, it } from 'vitest';
import {
  BrokerProducerIds,
  PRODUCER_ID_BLOCK_SIZE,
  ProducerIdController,
} from '../src/cluster/pid-allocator.js';

describe('producer-id blocks', () => {
  it('hands out dense ids from per-broker blocks of 1000, the first block starting at 0', () => {
    const controller = new ProducerIdController();
    const a = new BrokerProducerIds(controller);
    const b = new BrokerProducerIds(controller);
    expect(PRODUCER_ID_BLOCK_SIZE).toBe(1000);
    expect([a.next(), a.next()]).toEqual([0n, 1n]);
    expect(b.next()).toBe(1000n);
    expect(a.next()).toBe(2n);
  });

  it('prefetches the next block at 90% use and moves to it when the block is exhausted', () => {
    const controller = new ProducerIdController();
    const a = new BrokerProducerIds(controller);
    for (let i = 0; i < 900; i++) a.next();
    // the prefetch took block 1000..1999, so another broker now gets 2000
    expect(new BrokerProducerIds(controller).next()).toBe(2000n);
    for (let i = 900; i < 1000; i++) a.next();
    expect(a.next()).toBe(1000n);
  });

  it('a restarted broker never reuses the ids left in its old block', () => {
    const controller = new ProducerIdController();
    const a = new BrokerProducerIds(controller);
    a.next();
    a.reset();
    expect(a.next()).toBe(1000n);
  });
});
