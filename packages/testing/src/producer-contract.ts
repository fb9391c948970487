import {
  isIdemError,
  keyedPartition,
  type Producer,
  type ProducerOptions,
  type RecordMetadata,
} from '@idem/core';
import { describe, expect, it as vit } from './vitest-api.js';

/**
 * The `Producer` contract every idem adapter must pass (the core's own producer, @idem/kafkajs, @idem/confluent):
 * ordering, offsets, partitioning, flush/close semantics, config errors and the state snapshot. One suite,
 * parameterised by how an adapter builds a producer against a fresh cluster.
 */

/** One record as the broker stores it, key and value as UTF-8 strings. */
export interface StoredRecord {
  readonly offset: bigint;
  readonly key: string | null;
  readonly value: string | null;
}

/** What `make` returns for one contract case: the adapter's producer on a fresh cluster. */
export interface ContractFixture {
  /** The core's `Producer` as the adapter built it. */
  readonly producer: Producer;
  /** A topic created for this fixture with `partitions` partitions. */
  readonly topic: string;
  /** What the broker holds for a partition, in offset order. */
  readLog(partition: number): Promise<StoredRecord[]>;
  /** Waits until `promise` settles, driving a virtual clock if the fixture has one; settles like `promise`. */
  settle<T>(promise: Promise<T>): Promise<T>;
  /** Closes the producer and the cluster. */
  dispose(): Promise<void>;
}

/** What one contract case asks `make` for. */
export interface ContractSetup {
  /** Partitions of the fixture's topic. */
  readonly partitions: number;
  /** Producer options for the adapter's producer (invalid ones for the ConfigError cases). */
  readonly options: ProducerOptions;
}

/** Builds a producer and cluster; must throw (or reject) with the producer's ConfigError for invalid options. */
export type MakeProducer = (setup: ContractSetup) => Promise<ContractFixture>;

/** How {@link runProducerContract} runs. */
export interface ContractOptions {
  /**
   * Cases an adapter cannot meet because of the client it wraps, by title, each with the reason (shown in the test
   * name). For a client's own documented behaviour only, never to hide a bug; the adapter should test what it can
   * of the case on its own.
   */
  readonly skip?: Readonly<Record<string, string>>;
}

/**
 * Declares the contract as a vitest `describe` block named `Producer contract: <name>`; call it at the top level of
 * a test file. Each case calls `make` for a fresh fixture and disposes of it afterwards.
 */
export function runProducerContract(name: string, make: MakeProducer, contract: ContractOptions = {}): void {
  const skip = contract.skip ?? {};
  const titles = new Set<string>();
  const it = Object.assign(
    (title: string, fn: () => Promise<void>) => {
      titles.add(title);
      const reason = skip[title];
      if (reason === undefined) vit(title, fn);
      else vit.skip(`${title} (skipped: ${reason})`, fn);
    },
    { each: vit.each.bind(vit) as typeof vit.each },
  );
  const withFixture = async (
    setup: Partial<ContractSetup>,
    body: (fixture: ContractFixture) => Promise<void>,
  ): Promise<void> => {
    const fixture = await make({ partitions: setup.partitions ?? 3, options: setup.options ?? {} });
    try {
      await body(fixture);
    } finally {
      await fixture.dispose();
    }
  };

  describe(`Producer contract: ${name}`, () => {
    it('acknowledges records in send order with increasing offsets per partition', async () => {
      await withFixture({}, async ({ producer, topic, settle, readLog }) => {
        const sends = Array.from({ length: 50 }, (_, i) =>
          producer.send({ topic, partition: 1, value: `v${i}` }),
        );
        const results = await settle(Promise.all(sends));
        const offsets = results.map((r) => r.offset);
        expect(offsets).toEqual(offsets.map((_, i) => offsets[0]! + BigInt(i)));
        const log = await readLog(1);
        expect(log.map((r) => r.value)).toEqual(sends.map((_, i) => `v${i}`));
        expect(log.map((r) => r.offset)).toEqual(offsets);
      });
    });

    it('reports topic, partition, offset and the given timestamp', async () => {
      await withFixture({}, async ({ producer, topic, settle }) => {
        const metadata = await settle(
          producer.send({ topic, partition: 2, value: 'x', timestamp: 1_700_000_000_123 }),
        );
        expect(metadata).toEqual({ topic, partition: 2, offset: 0n, timestamp: 1_700_000_000_123n });
      });
    });

    it('returns one metadata per record of an array send, in input order', async () => {
      await withFixture({}, async ({ producer, topic, settle }) => {
        const records = [0, 1, 2, 0, 1].map((p, i) => ({ topic, partition: p, value: `r${i}` }));
        const results: RecordMetadata[] = await settle(producer.send(records));
        expect(results.map((r) => [r.partition, r.offset])).toEqual([
          [0, 0n],
          [1, 0n],
          [2, 0n],
          [0, 1n],
          [1, 1n],
        ]);
      });
    });

    it('partitions keyed records like the Java client (murmur2)', async () => {
      await withFixture({ partitions: 7 }, async ({ producer, topic, settle }) => {
        const keys = ['alpha', 'beta', 'gamma', 'delta', 'user-12345', ''];
        const results = await settle(
          Promise.all(keys.map((key) => producer.send({ topic, key, value: key }))),
        );
        expect(results.map((r) => r.partition)).toEqual(keys.map((k) => keyedPartition(Buffer.from(k), 7)));
      });
    });

    it('keeps the records of one unkeyed array send together on one partition', async () => {
      await withFixture({ partitions: 5 }, async ({ producer, topic, settle }) => {
        const results = await settle(
          producer.send(Array.from({ length: 10 }, (_, i) => ({ topic, value: `u${i}` }))),
        );
        expect(new Set(results.map((r) => r.partition)).size).toBe(1);
      });
    });

    it('rejects a partition that does not exist with a typed error', async () => {
      await withFixture({ partitions: 2 }, async ({ producer, topic, settle }) => {
        const error = await settle(producer.send({ topic, partition: 9, value: 'x' })).catch(
          (e: unknown) => e,
        );
        expect(isIdemError(error)).toBe(true);
      });
    });

    it('flush() resolves only after every earlier send settled', async () => {
      await withFixture({ options: { lingerMs: 50 } }, async ({ producer, topic, settle }) => {
        let settled = 0;
        for (let i = 0; i < 20; i++)
          void producer.send({ topic, partition: i % 3, value: `f${i}` }).then(() => settled++);
        await settle(producer.flush());
        expect(settled).toBe(20);
      });
    });

    it('close() settles pending sends, refuses later ones and is idempotent', async () => {
      await withFixture({ options: { lingerMs: 50 } }, async ({ producer, topic, settle }) => {
        const pending = Array.from({ length: 10 }, (_, i) =>
          producer.send({ topic, partition: 0, value: `c${i}` }),
        );
        const closing = producer.close();
        expect(producer.close()).toBe(closing);
        await settle(closing);
        const outcomes = await settle(Promise.allSettled(pending));
        expect(outcomes.every((o) => o.status === 'fulfilled')).toBe(true);
        const refused = await settle(producer.send({ topic, partition: 0, value: 'late' })).catch(
          (e: unknown) => e,
        );
        expect(isIdemError(refused)).toBe(true);
        expect((refused as { code: string }).code).toBe('ERR_PRODUCER_CLOSED');
      });
    });

    it.each([
      ['acks', 1],
      ['maxInFlightRequestsPerConnection', 6],
      ['retries', 0],
    ] as const)('refuses %s=%s at construction under idempotence', async (key, value) => {
      const error = await make({ partitions: 1, options: { [key]: value } }).then(
        async (fixture) => {
          await fixture.dispose();
          return null;
        },
        (e: unknown) => e,
      );
      // The brand and code rather than instanceof: an adapter built as CJS and this suite loaded as ESM hold two
      // copies of @idem/core's classes.
      expect(isIdemError(error)).toBe(true);
      expect(error).toMatchObject({ code: 'ERR_CONFIG', key, value });
    });

    it('exposes producer id, epoch and per-partition sequences', async () => {
      await withFixture({}, async ({ producer, topic, settle }) => {
        await settle(
          Promise.all(
            Array.from({ length: 4 }, (_, i) => producer.send({ topic, partition: 0, value: `s${i}` })),
          ),
        );
        await settle(producer.flush());
        const state = producer.state;
        expect(state.producerId).toBeGreaterThanOrEqual(0n);
        expect(state.epoch).toBeGreaterThanOrEqual(0);
        const p0 = state.partitions.find((p) => p.topic === topic && p.partition === 0);
        expect(p0).toMatchObject({ nextSequence: 4, lastAckedSequence: 3, inFlight: [] });
        expect(Object.isFrozen(state)).toBe(true);
      });
    });

    // A skip naming no case (a typo, a renamed case) would silently skip nothing; refuse it.
    const unknown = Object.keys(skip).filter((title) => !titles.has(title));
    if (unknown.length > 0) throw new Error(`no contract case to skip named: ${unknown.join('; ')}`);
  });
}
