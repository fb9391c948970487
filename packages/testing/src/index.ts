/**
 * @idem/testing: what an adapter author needs to prove an idem adapter — the `Producer` contract suite (vitest), the
 * delivery checker and a harness that runs the memory broker over TCP.
 */
/** This package's name on npm. */
export const packageName = '@idem/testing';

// The delivery checker lives in the private @idem/testkit (the core's simulation and the chaos suites use it). It is
// imported by path, not by package name, so that tsup bundles it into this package's dist, JavaScript and
// declarations alike (tsup's declaration bundler keeps a package import external even when `noExternal` names it):
// the published package depends on no private one. checker.ts imports nothing, so nothing else comes along.
// @idem/testkit stays a devDependency so turbo rebuilds this package when it changes.
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
} from '../../../tooling/testkit/src/checker.js';
export { type MemoryBroker, type MemoryBrokerOptions, startMemoryBroker } from './memory-broker.js';
export {
  type ContractFixture,
  type ContractOptions,
  type ContractSetup,
  type MakeProducer,
  runProducerContract,
  type StoredRecord,
} from './producer-contract.js';
