export {
  type ApiName,
  ConnectionClosedError,
  type ConnectionOptions,
  KafkaConnection,
  parseAddress,
} from './connection.js';
export { negotiateVersions, type VersionChoice } from './versions.js';
export { WireTransport, type WireTransportOptions } from './wire-transport.js';
