import { ProducerEngine, type ProducerEngineOptions } from '../engine/producer-engine.js';
import { systemClock } from '../ports/system-clock.js';
import type { Clock } from '../ports/transport.js';
import type { Producer } from './contract.js';

/** ProducerOptions, the Transport to send through, and optionally a Clock and a Random (for simulations). */
export type CreateProducerOptions = Omit<ProducerEngineOptions, 'codec' | 'firstSequence' | 'clock'> & {
  /** Time and timers; default the wall clock. Simulations pass a virtual one. */
  readonly clock?: Clock;
};

/**
 * The core's own producer over any Transport. Options are validated here: a value that conflicts with
 * idempotence throws a ConfigError before anything connects.
 */
export function createProducer(options: CreateProducerOptions): Producer {
  return new ProducerEngine({ ...options, clock: options.clock ?? systemClock });
}
