import { describe, expect, it } from 'vitest';
import { ConnectionFailedError } from '../../src/index.js';
import type { Transport } from '../../src/ports/transport.js';
import { createHarness, reason, value } from '../support/harness.js';

// Issue 9, defect 4: a connection error no retry can fix reaches the caller at once, typed and named
// (docs/design.md §"Connection errors no retry can fix").

const badPassword = () =>
  Promise.reject(
    Object.assign(new Error('SASL PLAIN authentication failed: Invalid username or password'), {
      notSent: true as const,
      fatalConnection: 'authentication' as const,
    }),
  );

/** Every request fails SASL authentication while `refusing.on` holds. */
function refusingAuth(refusing: { on: boolean }) {
  return (transport: Transport): Transport => ({
    metadata: (topics) => (refusing.on ? badPassword() : transport.metadata(topics)),
    initProducerId: (request) => (refusing.on ? badPassword() : transport.initProducerId(request)),
    produce: (node, request) => (refusing.on ? badPassword() : transport.produce(node, request)),
    disconnect: (node) => transport.disconnect(node),
    close: () => transport.close(),
  });
}

describe('defect 4: connection errors no retry can fix', () => {
  it('a wrong password fails send() within a second with ConnectionFailedError naming authentication', async () => {
    const refusing = { on: true };
    const h = createHarness({ topics: { t: { partitions: 1 } } }, {}, 1, refusingAuth(refusing));
    const start = h.scheduler.clock.now();
    const failed = reason(await h.settle(h.producer.send({ topic: 't', value: 'a' })));
    expect(failed).toBeInstanceOf(ConnectionFailedError);
    expect(failed).toMatchObject({ reason: 'authentication', retriable: false, possiblyPersisted: false });
    expect((failed as Error).message).toMatch(/SASL/);
    expect(h.scheduler.clock.now() - start).toBeLessThan(1000);
    // Credentials fixed (e.g. rotated back): the next send connects again.
    refusing.on = false;
    value(await h.settle(h.producer.send({ topic: 't', partition: 0, value: 'b' })));
    expect(h.cluster.values('t', 0)).toEqual(['b']);
  });

  it('authentication refused on produce (the leader’s listener) fails the batch at once, certainly not written', async () => {
    const refusing = { on: false };
    const h = createHarness({ topics: { t: { partitions: 1 } } }, { lingerMs: 0 }, 1, refusingAuth(refusing));
    value(await h.settle(h.producer.send({ topic: 't', partition: 0, value: 'w' })));
    refusing.on = true;
    const start = h.scheduler.clock.now();
    const failed = reason(await h.settle(h.producer.send({ topic: 't', partition: 0, value: 'a' })));
    expect(failed).toBeInstanceOf(ConnectionFailedError);
    expect(failed).toMatchObject({ reason: 'authentication', possiblyPersisted: false });
    expect(h.scheduler.clock.now() - start).toBeLessThan(1000);
    refusing.on = false;
    value(await h.settle(h.producer.send({ topic: 't', partition: 0, value: 'b' })));
    expect(h.cluster.values('t', 0)).toEqual(['w', 'b']);
  });
});
