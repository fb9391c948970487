/** @idem/fault-proxy: a loopback TCP proxy that speaks just enough Kafka to hurt chosen requests. */
export {
  type AddressSlot,
  type AdvertisedAddresses,
  findAdvertisedAddresses,
  rewriteAddresses,
} from './advertised-addresses.js';
export { ApiKey } from './api-keys.js';
export type { ProxyEvent, ProxyEventKind } from './event-log.js';
export {
  type ConnectionFilter,
  FaultProxy,
  type FaultProxyOptions,
  type ProxiedNode,
  startFaultProxy,
} from './fault-proxy.js';
export type { FaultFilter, FaultKind, FaultRule, FaultRuleSpec } from './faults.js';
export { FrameSplitter, FrameTooLargeError } from './frame-splitter.js';
export { type HostPort, isLoopbackHost, NotLoopbackError } from './loopback.js';
export { seededRandom } from './prng.js';
export { type RequestInfo, readRequestInfo } from './request-header.js';
