// What a chaos scenario is: proxy rules to install, and optionally a workload of its own.
import type { FaultProxy } from '@idem/fault-proxy';
import type { Workload } from './workload.js';

export interface ChaosScenario {
  readonly name: string;
  /** What the scenario does, for the report. */
  readonly description: string;
  install(proxy: FaultProxy, seed: number): void;
  /** The scenario's own script instead of the stock concurrent sends (which it then needs no proxy rule for). */
  readonly workload?: Workload;
  /** With its own workload: how many records it sends. */
  readonly records?: number;
}
