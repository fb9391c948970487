/**
 * Public API of @idem/memory-broker. Everything a user may import is re-exported here; other modules are internal.
 *
 * @packageDocumentation
 */
/** This package's name on npm. */
export const packageName = '@idem/memory-broker';

export { type Clock, ManualClock, realClock } from './clock.js';
export type { AppendedBatch, ClusterEvent, ClusterEventKind } from './cluster/events.js';
export { DEFAULT_SESSION_TIMEOUT_MS, type StopBrokerOptions } from './cluster/broker-outage.js';
export { type LogView, MemoryCluster, type TopicGeneration } from './cluster/memory-cluster.js';
export { PRODUCER_ID_BLOCK_SIZE } from './cluster/pid-allocator.js';
export {
  type CreateTopicOptions,
  DEFAULT_TOPIC_CONFIG,
  type MemoryClusterOptions,
  type TimestampType,
  type TopicConfig,
} from './config.js';
export type { ConnectOptions, MemoryClient } from './connection/client.js';
export { BrokerConnectionError } from './connection/errors.js';
export type { AuthMatch, AuthRefusalOptions } from './faults/auth-refusals.js';
export type { ClusterFaultOptions, ValueRange } from './faults/cluster-schedule.js';
export type { ConnectionFilter, RestartMode, RestartOptions } from './faults/control.js';
export type { CountOption, Faults, LossOptions } from './faults/faults.js';
export type {
  BatchIdentity,
  ConsumerAdminApi,
  ProducerApi,
  RequestMatch,
  ServedApi,
} from './faults/match.js';
export type { AfterLoss } from './faults/plan.js';
export type { FaultProbabilities, RandomScheduleOptions } from './faults/random-schedule.js';
export { PRE_DUPLICATE_CHECK_CODES } from './faults/retry-refusals.js';
export type { FaultHandle, HoldHandle } from './faults/rules.js';
export type { ApiTypes, RequestOf, ResponseOf } from './handlers/dispatch.js';
export { SERVED_VERSIONS, type ServedRange } from './handlers/versions.js';
export type { StoredBatch } from './partition/log.js';
export type { ProducerStateView } from './partition/producer-state.js';
export { BATCHES_RETAINED, type BatchMetadata } from './partition/producer-state-entry.js';
export { BROKER_PROFILES, type BrokerProfile, DEFAULT_PROFILE } from './partition/profile.js';
export { type Random, seededRandom } from './random.js';
export {
  type RecordSource,
  readGenerationRecords,
  readRecords,
  type StoredRecordView,
} from './read-records.js';
export {
  type BrokerAddress,
  type BrokerServerOptions,
  type ListenOptions,
  MemoryBrokerServer,
} from './server/broker-server.js';
export { type BrokerServerLogger, silentLogger, stderrLogger } from './server/logger.js';
