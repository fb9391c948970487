/**
 * The core's Producer contract for this adapter (librdkafka's idempotent producer through
 * @confluentinc/kafka-javascript) against the memory broker's TCP server: librdkafka's own connections, ApiVersions,
 * InitProducerId and Produce talking to idem's in-memory Kafka over real sockets. Needs the native binding; skipped,
 * with the reason, where it does not load. Ports 39500–39539.
 */
import { MemoryBrokerServer, readRecords, realClock, silentLogger } from '@idem/memory-broker';
import { runProducerContract } from '@idem/testing';
import { describe, expect, it } from 'vitest';
import { confluentProducer, loadNative, resolveConfluentConfig } from '../src/index.js';
import { LIBRDKAFKA_CONTRACT_SKIPS } from './support/contract-skips.js';

const native = loadNative();
const skipReason = 'reason' in native ? native.reason : null;
if (skipReason !== null) console.info(`[confluent contract] skipped: ${skipReason}`);
const FIRST_PORT = 39_500;
const LAST_PORT = 39_539;
let nextPort = FIRST_PORT;

/** Two brokers per fixture, a fresh pair of ports each time (no reuse of a port a closing server still holds). */
function ports(): number {
  if (nextPort + 1 > LAST_PORT) nextPort = FIRST_PORT;
  const port = nextPort;
  nextPort += 2;
  return port;
}

/**
 * The fixed range lies among the ephemeral ports, so another process's connection can hold one of a pair (CI saw
 * EADDRINUSE): move on to the next pair then.
 */
async function startOnFreshPorts(partitions: number, topic: string): Promise<MemoryBrokerServer> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await MemoryBrokerServer.start({
        brokers: 2,
        clock: realClock,
        storeRecords: true,
        logger: silentLogger,
        port: ports(),
        topics: { [topic]: { partitions } },
      });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || attempt >= 10) throw error;
    }
  }
}

async function memoryFixture(partitions: number, options: object, statisticsIntervalMs = 1_000) {
  const topic = 'contract';
  // Options are checked before any broker exists: a ConfigError must come from confluentProducer's own validation.
  resolveConfluentConfig({ bootstrapServers: '127.0.0.1:1', ...options });
  // Two brokers, so partitions have different leaders and librdkafka opens a connection to each.
  const server = await startOnFreshPorts(partitions, topic);
  const adapter = confluentProducer({
    bootstrapServers: server.bootstrapServers,
    ...options,
    statisticsIntervalMs,
    rdkafka: { log_level: 0 },
  });
  try {
    await adapter.connect();
  } catch (error) {
    await adapter.close({ timeoutMs: 1_000 });
    await server.close();
    throw error;
  }
  return {
    producer: adapter,
    server,
    topic,
    readLog: async (partition: number) => readRecords(server, topic, partition),
    settle: <T>(promise: Promise<T>) => promise,
    dispose: async () => {
      await adapter.close({ timeoutMs: 5_000 });
      await server.close();
    },
  };
}

if (skipReason === null) {
  runProducerContract(
    'idem-confluent on the memory broker TCP server',
    ({ partitions, options }) => memoryFixture(partitions, options),
    { skip: LIBRDKAFKA_CONTRACT_SKIPS },
  );

  // What the skipped sequence case can still say of librdkafka: the producer id and epoch it was given, the partition
  // it wrote, and honest "unknown" sequences rather than made-up ones.
  describe('idem-confluent state on the memory broker TCP server', () => {
    it('shows the producer id and epoch the broker assigned, the partition written, sequences as unknown (-1)', async () => {
      const fixture = await memoryFixture(3, {}, 50);
      try {
        const { producer, topic } = fixture;
        await Promise.all(
          Array.from({ length: 4 }, (_, i) => producer.send({ topic, partition: 0, value: `s${i}` })),
        );
        await producer.flush();
        const deadline = Date.now() + 5_000;
        while (producer.state.producerId < 0n && Date.now() < deadline)
          await new Promise((resolve) => setTimeout(resolve, 20));
        const state = producer.state;
        // The broker's own view of who wrote partition 0: the same producer id and epoch, sequences 0..3.
        const stored = readRecords(fixture.server, topic, 0);
        expect(stored.map((r) => r.sequence)).toEqual([0, 1, 2, 3]);
        const first = stored[0]!;
        expect(
          stored.every((r) => r.producerId === first.producerId && r.producerEpoch === first.producerEpoch),
        ).toBe(true);
        expect(state.producerId).toBe(first.producerId);
        expect(state.epoch).toBe(first.producerEpoch);
        const p0 = state.partitions.find((p) => p.topic === topic && p.partition === 0);
        expect(p0).toMatchObject({
          producerId: first.producerId,
          epoch: first.producerEpoch,
          lastAckedOffset: 3n,
          nextSequence: -1,
          lastAckedSequence: -1,
          inFlight: [],
          queuedRecords: 0,
        });
        expect(Object.isFrozen(state)).toBe(true);
      } finally {
        await fixture.dispose();
      }
    });
  });
} else {
  describe.skip(`Producer contract: idem-confluent on the memory broker TCP server (skipped: ${skipReason})`, () => {
    it('needs @confluentinc/kafka-javascript', () => {});
  });
}
