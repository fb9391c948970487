import { ProducerEngine, type ProducerEngineOptions } from '../engine/producer-engine.js';
import type { Producer } from './contract.js';

export type CreateProducerOptions = Omit<ProducerEngineOptions, 'codec' | 'firstSequence'>;

/**
 * The core's own producer over any Transport. Options are validated here: a value that conflicts with
 * idempotence throws a ConfigError before anything connects.
 */
export function createProducer(options: CreateProducerOptions): Producer {
  return new ProducerEngine(options);
}
