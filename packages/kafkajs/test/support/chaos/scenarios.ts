// The fault schedules of the chaos suite. Each installs rules on a fresh proxy; probabilities draw from the
// proxy's seeded generator, and the randomized schedule from a Prng of the same seed, so a run replays.
import type { FaultRuleSpec } from '@idem/fault-proxy';
import { Prng } from '@idem/testkit';
import { configChangedDuringRetry } from './config-change.js';
import type { ChaosScenario } from './scenario.js';

export type { ChaosScenario } from './scenario.js';

const PRODUCE = 0;
const METADATA = 3;

function rules(name: string, description: string, specs: readonly FaultRuleSpec[]): ChaosScenario {
  return {
    name,
    description,
    install: (proxy) => {
      for (const spec of specs) proxy.addFault(spec);
    },
  };
}

export const SCENARIOS: readonly ChaosScenario[] = [
  rules('ackLost', 'Produce appended by the broker, response dropped, connection cut (8 times)', [
    { kind: 'ackLost', apiKeys: [PRODUCE], skip: 10, probability: 0.08, count: 8 },
  ]),
  rules('cut', 'connection cut when a Produce arrives, earlier requests still in flight (8 times)', [
    { kind: 'cut', apiKeys: [PRODUCE], skip: 10, probability: 0.08, count: 8 },
  ]),
  rules('delay', 'Produce responses held 250 ms (20 times, 10% of requests)', [
    { kind: 'delay', apiKeys: [PRODUCE], delayMs: 250, probability: 0.1, count: 20 },
  ]),
  rules('blackhole', 'connection frozen 1.5 s from a Produce on: once released, twice cut', [
    { kind: 'blackhole', apiKeys: [PRODUCE], skip: 20, durationMs: 1_500, end: 'release' },
    { kind: 'blackhole', apiKeys: [PRODUCE], skip: 60, durationMs: 1_500, end: 'cut' },
    { kind: 'blackhole', apiKeys: [PRODUCE], skip: 120, durationMs: 1_500, end: 'cut', probability: 0.2 },
  ]),
  // A broker that takes requests and answers none (docs/design.md §"Failover"): every cut makes the client refresh
  // metadata, and the refresh's connection goes silent for 2 s, then is cut.
  rules('metadataSilent', 'Metadata connections frozen 2 s, then cut (3 times), after Produce cuts (6 times)', [
    { kind: 'cut', apiKeys: [PRODUCE], skip: 10, probability: 0.08, count: 6 },
    { kind: 'blackhole', apiKeys: [METADATA], skip: 1, durationMs: 2_000, end: 'cut', count: 3 },
  ]),
  {
    name: 'random',
    description: 'seeded mix: 12 faults of every kind at random points',
    install(proxy, seed) {
      const prng = new Prng(seed);
      let at = 5;
      for (let i = 0; i < 12; i++) {
        at += prng.int(3, 25);
        const kind = prng.pick(['ackLost', 'cut', 'delay', 'blackhole'] as const);
        proxy.addFault({
          kind,
          apiKeys: [PRODUCE],
          skip: at,
          ...(kind === 'delay' ? { delayMs: prng.int(50, 400) } : {}),
          ...(kind === 'blackhole'
            ? { durationMs: prng.int(300, 1_500), end: prng.chance(0.5) ? 'cut' : 'release' }
            : {}),
        });
      }
    },
  },
  configChangedDuringRetry,
];
