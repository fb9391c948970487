export type { ProducerOptions } from './options.js';
export {
  MAX_IN_FLIGHT_FOR_IDEMPOTENCE,
  PRODUCER_DEFAULTS,
  type ProducerConfig,
  resolveProducerConfig,
} from './resolve.js';
