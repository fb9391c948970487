export { UnsupportedFeatureError } from './errors.js';
export {
  type DisconnectOptions,
  IdempotentKafkajsProducer,
  idempotentProducer,
} from './idempotent-producer.js';
export type { InstrumentationListener, KafkajsProducerEventName } from './instrumentation.js';
export type { IdemProducerOptions, IdempotentProducerConfig } from './options.js';
