/** Public API of @idem/kafkajs. Everything a user may import is re-exported here; other modules are internal. */
export const packageName = '@idem/kafkajs';

export {
  IdempotentKafkajsProducer,
  type IdemProducerOptions,
  type IdempotentProducerConfig,
  type InstrumentationListener,
  idempotentProducer,
  type KafkajsProducerEventName,
} from './producer/index.js';
export {
  createKafkajsTransport,
  KafkajsTransport,
  type KafkajsTransportOptions,
  TransportError,
} from './transport/index.js';
