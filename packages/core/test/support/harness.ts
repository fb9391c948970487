import { SeededScheduler } from '@idem/testkit';
import { ProducerEngine, type ProducerEngineOptions } from '../../src/engine/producer-engine.js';
import type { Transport } from '../../src/ports/transport.js';
import type { ProducerEventName, ProducerEvents } from '../../src/producer/contract.js';
import { FakeCluster, type FakeClusterOptions } from './fake-cluster.js';
import { testCodec } from './test-codec.js';

/** What every harness offers on top of its producer: recorded events and the virtual clock's driver. */
export interface Driven {
  events: { [E in ProducerEventName]?: ProducerEvents[E][] };
  /** Runs the virtual clock until `promise` settles; throws if it cannot (deadlock or time limit). */
  settle<T>(promise: Promise<T>, maxTimeMs?: number): Promise<PromiseSettledResult<T>>;
  /** Runs the virtual clock until `until` holds. */
  runUntil(until: () => boolean, maxTimeMs?: number): Promise<void>;
}

export interface Harness extends Driven {
  scheduler: SeededScheduler;
  cluster: FakeCluster;
  producer: ProducerEngine;
}

/** Records the producer's events and runs `scheduler`'s virtual clock for it. */
export function drive(scheduler: SeededScheduler, producer: ProducerEngine): Driven {
  const events: Driven['events'] = {};
  for (const name of ['dataLoss', 'epochBump', 'producerId', 'retry', 'lateAck', 'error'] as const) {
    producer.on(name, (payload) => {
      const list = (events[name] ?? []) as unknown[];
      list.push(payload);
      (events as Record<string, unknown[]>)[name] = list;
    });
  }
  const runUntil = async (until: () => boolean, maxTimeMs = 600_000) => {
    const result = await scheduler.run(until, { maxTimeMs });
    if (!result.completed) {
      throw new Error(
        `did not finish: ${result.deadlocked ? 'deadlock (nothing scheduled)' : 'time limit'} at +${result.timeMs}`,
      );
    }
  };
  const settle = async <T>(promise: Promise<T>, maxTimeMs?: number) => {
    let outcome: PromiseSettledResult<T> | undefined;
    promise.then(
      (value) => {
        outcome = { status: 'fulfilled', value };
      },
      (reason: unknown) => {
        outcome = { status: 'rejected', reason };
      },
    );
    await runUntil(() => outcome !== undefined, maxTimeMs);
    return outcome!;
  };
  return { events, settle, runUntil };
}

export function createHarness(
  cluster: Omit<FakeClusterOptions, 'clock'>,
  options: Omit<ProducerEngineOptions, 'transport' | 'clock'> = {},
  seed = 1,
  wrapTransport: (transport: Transport) => Transport = (t) => t,
): Harness {
  const scheduler = new SeededScheduler(seed);
  const fake = new FakeCluster({ ...cluster, clock: scheduler.clock });
  const producer = new ProducerEngine({
    transport: wrapTransport(fake.transport()),
    clock: scheduler.clock,
    random: scheduler.random.fork(),
    codec: testCodec,
    ...options,
  });
  return { scheduler, cluster: fake, producer, ...drive(scheduler, producer) };
}

export function value<T>(result: PromiseSettledResult<T>): T {
  if (result.status === 'rejected') throw result.reason;
  return result.value;
}

export function reason<T>(result: PromiseSettledResult<T>): unknown {
  if (result.status === 'fulfilled')
    throw new Error(
      `expected a rejection, got ${JSON.stringify(result.value, (_, v) => (typeof v === 'bigint' ? `${v}n` : v))}`,
    );
  return result.reason;
}
