export {
  createKafkajsTransport,
  KafkajsTransport,
  type KafkajsTransportOptions,
} from './kafkajs-transport.js';
export { TransportError } from './transport-error.js';
