/**
 * Property: for any mix of in-order sends, retries, gaps, re-split retries, stale and bumped epochs
 * and restarts, the broker answers exactly like a small reference model of Kafka's rules written
 * here independently (plain modular arithmetic, its own cache), and ends with the same logs.
 */
import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeBatch, produce, setup } from './helpers.js';

const SEQ_SPACE = 2 ** 31;
const RETAINED = 5;

type Answer = { code: number; offset: number };

class ReferenceModel {
  private readonly state = new Map<
    string,
    { epoch: number; cache: { first: number; last: number; offset: number }[] }
  >();
  readonly logEnd = [0, 0];

  send(pid: number, partition: number, epoch: number, first: number, count: number): Answer {
    const key = `${pid}/${partition}`;
    const last = (first + count - 1) % SEQ_SPACE;
    const entry = this.state.get(key);
    if (entry !== undefined) {
      if (entry.epoch === epoch) {
        const hit = entry.cache.find((c) => c.first === first && c.last === last);
        if (hit !== undefined) return { code: 0, offset: hit.offset };
      }
      if (epoch < entry.epoch) return { code: 47, offset: -1 };
      if (epoch > entry.epoch && first !== 0) return { code: 45, offset: -1 };
      if (epoch === entry.epoch) {
        const tail = entry.cache[entry.cache.length - 1];
        const expected = tail === undefined ? 0 : (tail.last + 1) % SEQ_SPACE;
        if (first !== expected) return { code: 45, offset: -1 };
      }
    }
    const offset = this.logEnd[partition]!;
    this.logEnd[partition] = offset + count;
    const keep = entry !== undefined && entry.epoch === epoch ? entry.cache : [];
    this.state.set(key, { epoch, cache: [...keep, { first, last, offset }].slice(-RETAINED) });
    return { code: 0, offset };
  }

  restart(mode: 'clean' | 'snapshot' | 'lost'): void {
    if (mode === 'lost') this.state.clear();
    if (mode === 'snapshot') for (const entry of this.state.values()) entry.cache = entry.cache.slice(-1);
  }

  lastSequence(pid: number, partition: number): { epoch: number; last: number } | undefined {
    const entry = this.state.get(`${pid}/${partition}`);
    if (entry === undefined) return undefined;
    return { epoch: entry.epoch, last: entry.cache[entry.cache.length - 1]?.last ?? -1 };
  }
}

const pid = fc.constantFrom(0, 1);
const partition = fc.constantFrom(0, 1);
const count = fc.integer({ min: 1, max: 4 });
const command = fc.oneof(
  { weight: 10, arbitrary: fc.record({ kind: fc.constant('next' as const), pid, partition, count }) },
  {
    weight: 5,
    arbitrary: fc.record({ kind: fc.constant('retry' as const), pid, partition, back: fc.nat(6) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('gap' as const),
      pid,
      partition,
      skip: fc.integer({ min: 1, max: 3 }),
      count,
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('resplit' as const), pid, partition, back: fc.nat(3), count }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('stale' as const), pid, partition, count }) },
  // A client's epoch bump restarts every partition at 0 ...
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('bump' as const), pid }) },
  // ... a faulty one keeps its sequences (KAFKA-12152), until it restarts one partition at 0.
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('bumpKeepingSequences' as const), pid }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('restartSeq' as const), pid, partition }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('restart' as const),
      mode: fc.constantFrom('clean' as const, 'snapshot' as const, 'lost' as const),
    }),
  },
);
const startSequence = fc.oneof(
  fc.constant(0),
  fc.integer({ min: SEQ_SPACE - 8, max: SEQ_SPACE - 1 }),
  fc.nat(SEQ_SPACE - 1),
);

describe('broker vs reference model', () => {
  it('answers every produce attempt like the model', async () => {
    const seed = process.env.IDEM_SEED === undefined ? 20_240_611 : Number(process.env.IDEM_SEED);
    await fc.assert(
      fc.asyncProperty(
        fc.tuple(startSequence, startSequence),
        fc.array(command, { minLength: 30, maxLength: 120 }),
        async (starts, commands) => {
          const s = setup({ partitions: 2 });
          const model = new ReferenceModel();
          const epoch = [0, 0];
          const next = [
            [starts[0], starts[0]],
            [starts[1], starts[1]],
          ];
          const sent: { epoch: number; first: number; count: number; bytes: Buffer }[][] = [[], [], [], []];

          const attempt = async (
            p: number,
            part: number,
            e: number,
            first: number,
            n: number,
            bytes?: Buffer,
          ) => {
            const batch =
              bytes ?? makeBatch({ producerId: BigInt(p + 1), epoch: e, baseSequence: first, count: n });
            const r = await produce(s, batch, part);
            const expected = model.send(p, part, e, first, n);
            expect({ code: r.errorCode, offset: Number(r.baseOffset) }).toEqual(expected);
            return { expected, batch };
          };

          for (const c of commands) {
            if (c.kind === 'bump' || c.kind === 'bumpKeepingSequences') {
              epoch[c.pid]!++;
              if (c.kind === 'bump') next[c.pid] = [0, 0];
              continue;
            }
            if (c.kind === 'restart') {
              s.cluster.faults.restartBroker(1, { producerState: c.mode });
              model.restart(c.mode);
              continue;
            }
            const list = sent[c.pid * 2 + c.partition]!;
            const seq = next[c.pid]![c.partition]!;
            switch (c.kind) {
              case 'restartSeq':
                next[c.pid]![c.partition] = 0;
                break;
              case 'next': {
                const { expected, batch } = await attempt(c.pid, c.partition, epoch[c.pid]!, seq, c.count);
                list.push({ epoch: epoch[c.pid]!, first: seq, count: c.count, bytes: batch });
                if (expected.code === 0) next[c.pid]![c.partition] = (seq + c.count) % SEQ_SPACE;
                break;
              }
              case 'retry': {
                const old = list[list.length - 1 - c.back];
                if (old !== undefined)
                  await attempt(c.pid, c.partition, old.epoch, old.first, old.count, old.bytes);
                break;
              }
              case 'resplit': {
                const old = list[list.length - 1 - c.back];
                if (old !== undefined) await attempt(c.pid, c.partition, old.epoch, old.first, c.count);
                break;
              }
              case 'gap':
                await attempt(c.pid, c.partition, epoch[c.pid]!, (seq + c.skip) % SEQ_SPACE, c.count);
                break;
              case 'stale':
                if (epoch[c.pid]! > 0) await attempt(c.pid, c.partition, epoch[c.pid]! - 1, seq, c.count);
                break;
            }
          }

          for (const part of [0, 1]) {
            expect(s.cluster.readLog('t', part).logEndOffset).toBe(model.logEnd[part]);
            const described = new Map(
              s.cluster.describeProducers('t', part).map((d) => [Number(d.producerId) - 1, d]),
            );
            for (const p of [0, 1]) {
              const want = model.lastSequence(p, part);
              const got = described.get(p);
              expect(
                got === undefined ? undefined : { epoch: got.producerEpoch, last: got.lastSequence },
              ).toEqual(want);
            }
          }
        },
      ),
      { seed, numRuns: 150 },
    );
  });
});
