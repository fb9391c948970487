/**
 * @idem/testing: what an adapter author needs to prove an idem adapter — the `Producer` contract suite (vitest), the
 * delivery checker and a harness that runs the memory broker over TCP.
 */
/** This package's name on npm. */
export const packageName = '@idem/testing';

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
export { type MemoryBroker, type MemoryBrokerOptions, startMemoryBroker } from './memory-broker.js';
export {
  type ContractFixture,
  type ContractOptions,
  type ContractSetup,
  type MakeProducer,
  runProducerContract,
  type StoredRecord,
} from './producer-contract.js';
