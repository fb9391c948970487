/** Public API of @idem/kafkajs. Everything a user may import is re-exported here; other modules are internal. */
export const packageName = '@idem/kafkajs';

export {
  createKafkajsTransport,
  KafkajsTransport,
  type KafkajsTransportOptions,
  TransportError,
} from './transport/index.js';
