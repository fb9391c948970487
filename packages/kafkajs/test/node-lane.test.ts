import { isNotSent } from '@idem/core';
import { describe, expect, it } from 'vitest';
import { NodeLane } from '../src/transport/node-lane.js';
import { TransportError } from '../src/transport/transport-error.js';

const tick = () => new Promise((resolve) => setImmediate(resolve));

/** A dispatch that is encoded at once and answers `value`. */
const sendsAndReturns =
  <T>(value: T) =>
  async (encoded: () => void): Promise<T> => {
    encoded();
    return value;
  };

describe('NodeLane', () => {
  it('hands a request over only after the one before it was encoded, whatever their delays', async () => {
    const lane = new NodeLane(1);
    const order: number[] = [];
    const results = Array.from({ length: 20 }, (_, i) =>
      lane.enqueue(async (encoded) => {
        // Uneven work before encoding (broker lookup, connecting) must not reorder anything.
        for (let k = 0; k < (i * 7) % 5; k++) await tick();
        order.push(i);
        encoded();
        await tick();
        return i;
      }),
    );
    expect(await Promise.all(results)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(order).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it('lets the next request go while the previous one waits for its response', async () => {
    const lane = new NodeLane(1);
    let releaseFirst: () => void = () => {};
    const first = lane.enqueue(
      (encoded) =>
        new Promise<string>((resolve) => {
          encoded();
          releaseFirst = () => resolve('first');
        }),
    );
    const second = await lane.enqueue(async (encoded) => {
      encoded();
      return 'second';
    });
    expect(second).toBe('second');
    releaseFirst();
    expect(await first).toBe('first');
  });

  it('a failure before encoding is notSent, and fails the requests queued behind it as notSent', async () => {
    const lane = new NodeLane(3);
    const first = lane.enqueue(async () => {
      await tick();
      throw new Error('connect ECONNREFUSED');
    });
    let secondRan = false;
    const second = lane.enqueue(async (encoded) => {
      secondRan = true;
      encoded();
      return 1;
    });
    const [a, b] = await Promise.allSettled([first, second]);
    expect(a.status === 'rejected' && isNotSent(a.reason)).toBe(true);
    expect(b.status === 'rejected' && isNotSent(b.reason)).toBe(true);
    expect(secondRan).toBe(false);
    expect((a as PromiseRejectedResult).reason).toBeInstanceOf(TransportError);
    // The lane recovers for requests queued afterwards.
    expect(await lane.enqueue(sendsAndReturns('later'))).toBe('later');
  });

  it('a failure after encoding is an unknown outcome and does not touch the requests behind it', async () => {
    const lane = new NodeLane(3);
    const first = lane.enqueue(async (encoded) => {
      encoded();
      await tick();
      throw new Error('Closed connection');
    });
    const second = lane.enqueue(sendsAndReturns('ok'));
    const [a, b] = await Promise.allSettled([first, second]);
    expect(a.status).toBe('rejected');
    const error = (a as PromiseRejectedResult).reason as TransportError;
    expect(isNotSent(error)).toBe(false);
    expect(error.possiblyPersisted).toBe(true);
    expect(b).toEqual({ status: 'fulfilled', value: 'ok' });
  });

  it('a dispatch that throws synchronously is notSent', async () => {
    const lane = new NodeLane(1);
    const failing = lane.enqueue(() => {
      throw new Error('encode failed');
    });
    await expect(failing).rejects.toSatisfy(isNotSent);
  });

  it('failQueued rejects what has not been dispatched yet', async () => {
    const lane = new NodeLane(1);
    let release: () => void = () => {};
    const first = lane.enqueue(() => new Promise<number>((resolve) => (release = () => resolve(1))));
    const second = lane.enqueue(sendsAndReturns(2));
    lane.failQueued('closing');
    release();
    await expect(second).rejects.toSatisfy(isNotSent);
    expect(await first).toBe(1);
  });
});
