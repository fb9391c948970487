import { describe, expect, it } from 'vitest';
import { ManualClock } from '../src/clock.js';
import {
  BrokerConnection,
  type ConnectionHost,
  type RequestEnvelope,
  type ServeOutcome,
} from '../src/connection/broker-connection.js';

/** A host that answers each request with its payload after the delay the payload asks for. */
function fakeHost(clock: ManualClock, served: string[]): ConnectionHost {
  return {
    clock,
    serve(_connection, envelope: RequestEnvelope): ServeOutcome {
      const { name, delay } = envelope.request as { name: string; delay: number };
      served.push(name);
      return { kind: 'answer', response: name, delayMs: delay, hold: null };
    },
    forget() {},
  };
}

function send(
  connection: BrokerConnection,
  name: string,
  delay: number,
  answers: string[],
): Promise<unknown> {
  return new Promise((resolve, reject) => {
    connection.submit({
      api: 'Produce',
      version: 11,
      request: { name, delay },
      resolve: (r) => {
        answers.push(r as string);
        resolve(r);
      },
      reject,
    });
  });
}

describe('BrokerConnection', () => {
  it('processes the next request only after the previous one was answered, and answers in order', async () => {
    const clock = new ManualClock(0);
    const served: string[] = [];
    const answers: string[] = [];
    const connection = new BrokerConnection(fakeHost(clock, served), 1, 'c');
    const all = [
      send(connection, 'a', 50, answers),
      send(connection, 'b', 0, answers),
      send(connection, 'c', 10, answers),
    ];
    expect(served).toEqual(['a']); // b waits: the connection is muted while a's answer is pending
    clock.advance(50);
    expect(served).toEqual(['a', 'b', 'c']);
    expect(answers).toEqual(['a', 'b']);
    clock.advance(10);
    await Promise.all(all);
    expect(answers).toEqual(['a', 'b', 'c']);
  });

  it('a reset rejects every request in flight with ECONNRESET, processed or not', async () => {
    const clock = new ManualClock(0);
    const served: string[] = [];
    const connection = new BrokerConnection(fakeHost(clock, served), 1, 'c');
    const a = send(connection, 'a', 50, []);
    const b = send(connection, 'b', 0, []);
    connection.reset('test');
    await expect(a).rejects.toMatchObject({ code: 'ECONNRESET', notSent: false });
    await expect(b).rejects.toMatchObject({ code: 'ECONNRESET' });
    expect(served).toEqual(['a']);
    clock.advance(100);
    await expect(send(connection, 'c', 0, [])).rejects.toMatchObject({ code: 'ECONNRESET' });
  });
});
