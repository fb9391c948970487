/** @idem/testkit: test-only helpers shared by the core's simulation and the adapters' chaos suites. */
export {
  type CheckOptions,
  checkDelivery,
  type LogRecord,
  type PartitionLog,
  type SendOutcome,
  type SentRecord,
  type Verdict,
  type Violation,
  type ViolationKind,
} from './checker.js';
export { Prng } from './prng.js';
export {
  type ConsumedMessage,
  highWatermarks,
  type StoredMessage,
  TopicReadBack,
  toPartitionLogs,
  type WatermarkAdmin,
} from './read-back.js';
export { REPO_ROOT, runTsScript, type ScriptRun, TS_NODE_ARGS } from './run-ts-script.js';
export { type RunOptions, type RunResult, SeededScheduler, settleMicrotasks } from './scheduler.js';
export { expectUsageErrors, type UsageErrorCase } from './usage-errors.js';
export { VirtualClock } from './virtual-clock.js';
