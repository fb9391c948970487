import { describe, expect, it } from 'vitest';
import { SendCall } from '../src/engine/send/send-call.js';
import { UnsettledCalls } from '../src/engine/send/unsettled-calls.js';

const metadata = { topic: 't', partition: 0, offset: 0n, timestamp: 0n };

describe('UnsettledCalls (what flush and close wait for)', () => {
  it('lists exactly the unsettled calls in call order, across prunes', () => {
    const tracked = new UnsettledCalls();
    const calls = Array.from(
      { length: 5000 },
      () =>
        new SendCall(
          1,
          false,
          () => {},
          () => {},
        ),
    );
    calls.forEach((call, i) => {
      tracked.add(call);
      // Settle two of every three as they go, so the list prunes several times while calls stay pending.
      if (i % 3 !== 0) call.succeed(0, metadata);
    });
    // Compared by identity (index in `calls`), not by shape: every pending call looks alike.
    const indexes = () => tracked.list().map((call) => calls.indexOf(call));
    const expected = calls.flatMap((_, i) => (i % 3 === 0 ? [i] : []));
    expect(indexes()).toEqual(expected);
    for (const i of expected.slice(0, 100)) calls[i]!.succeed(0, metadata);
    expect(indexes()).toEqual(expected.slice(100));
  });
});
