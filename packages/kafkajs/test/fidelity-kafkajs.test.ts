// Where a user switching from kafkajs by one line would notice: each behaviour checked against kafkajs 2.2.4's own
// producer on the same memory broker (real sockets), or against what kafkajs documents where it has no counterpart.
import { CompressionLibraryMissingError, compressionCodec, registerCompressionCodec } from '@idem/codec';
import * as core from '@idem/core';
import { MemoryBrokerServer, readRecords, realClock, silentLogger } from '@idem/memory-broker';
import { type Kafka, Kafka as KafkaClient, type LogEntry, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as adapter from '../src/index.js';
import { idempotentProducer } from '../src/index.js';

const topic = 'fidelity';
let server: MemoryBrokerServer;

beforeAll(async () => {
  server = await MemoryBrokerServer.start({
    brokers: 1,
    clock: realClock,
    storeRecords: true,
    logger: silentLogger,
    topics: { [topic]: { partitions: 1 } },
  });
});
afterAll(async () => {
  await server?.close();
});

/** A Kafka client whose log entries land in `logs`. */
function kafkaWithLogs(logs: LogEntry[] = [], level = logLevel.DEBUG): Kafka {
  return new KafkaClient({
    clientId: 'fidelity',
    brokers: [server.bootstrapServers],
    logLevel: level,
    logCreator: () => (entry) => {
      logs.push(entry);
    },
    connectionTimeout: 3_000,
  });
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

function values(): (string | null)[] {
  return readRecords(server, topic).map((r) => r.value);
}

describe('a message without value (tombstones)', () => {
  it('is refused as kafkajs refuses it; only value: null writes a tombstone', async () => {
    const kafka = kafkaWithLogs([], logLevel.NOTHING);
    const theirs = kafka.producer();
    const ours = idempotentProducer(kafka);
    await theirs.connect();
    await ours.connect();
    try {
      const theirError = await rejection(theirs.send({ topic, messages: [{ key: 'k' } as never] }));
      const ourError = await rejection(ours.send({ topic, messages: [{ key: 'k' } as never] }));
      expect(theirError.message).toMatch(/Invalid message without value for topic "fidelity"/);
      expect(ourError).toBeInstanceOf(core.InvalidRecordError);
      expect(ourError.message).toMatch(/Invalid message without value for topic "fidelity"/);
      // sendBatch too, and nothing of the call is written.
      const before = values().length;
      await expect(
        ours.sendBatch({ topicMessages: [{ topic, messages: [{ value: 'a' }, { key: 'k' } as never] }] }),
      ).rejects.toBeInstanceOf(core.InvalidRecordError);
      expect(values().length).toBe(before);
      // An explicit null is a tombstone for both.
      await theirs.send({ topic, messages: [{ key: 'k', value: null }] });
      await ours.send({ topic, messages: [{ key: 'k', value: null }] });
      expect(values().slice(-2)).toEqual([null, null]);
    } finally {
      await theirs.disconnect();
      await ours.disconnect();
    }
  });
});

describe('a disconnected producer', () => {
  it('refuses sends before connect() and after disconnect(), as kafkajs does, and builds no new producer', async () => {
    const kafka = kafkaWithLogs([], logLevel.NOTHING);
    const theirs = kafka.producer();
    const ours = idempotentProducer(kafka);
    const message = { topic, messages: [{ value: 'x' }] };
    expect((await rejection(theirs.send(message))).message).toBe('The producer is disconnected');
    const before = await rejection(ours.send(message));
    expect(before).toBeInstanceOf(core.ProducerClosedError);
    expect(before.message).toMatch(/^The producer is disconnected/);
    await expect(ours.sendBatch({ topicMessages: [message] })).rejects.toBeInstanceOf(
      core.ProducerClosedError,
    );

    await ours.connect();
    await ours.send(message);
    const engine = ours.producer;
    const producerId = engine.state.producerId;
    expect(producerId).toBeGreaterThanOrEqual(0n);
    await ours.disconnect();
    await theirs.connect();
    await theirs.disconnect();
    expect((await rejection(theirs.send(message))).message).toBe('The producer is disconnected');
    await expect(ours.send(message)).rejects.toBeInstanceOf(core.ProducerClosedError);
    // The getter returns the closed producer, which refuses too; nothing got a new producer id.
    expect(ours.producer).toBe(engine);
    await expect(ours.producer.send({ topic, value: 'y' })).rejects.toBeInstanceOf(core.ProducerClosedError);
    expect(ours.producer.state.status).toBe('closed');
    // connect() again is a new producer, as with kafkajs.
    await ours.connect();
    await ours.send(message);
    expect(ours.producer).not.toBe(engine);
    expect(ours.producer.state.producerId).not.toBe(producerId);
    await ours.disconnect();
  });

  it('refuses a send made while disconnect() waits', async () => {
    const ours = idempotentProducer(kafkaWithLogs([], logLevel.NOTHING));
    await ours.connect();
    const closing = ours.disconnect();
    const error = await rejection(ours.send({ topic, messages: [{ value: 'x' }] }));
    expect(error).toBeInstanceOf(core.ProducerClosedError);
    expect(error.message).toMatch(/disconnecting/);
    await closing;
  });
});

describe('disconnect() is bounded', () => {
  it('returns after idem.disconnectTimeoutMs while responses are held, settling the send as possibly persisted', async () => {
    const ours = idempotentProducer(kafkaWithLogs([], logLevel.NOTHING), {
      idem: { disconnectTimeoutMs: 300, requestTimeoutMs: 20_000, deliveryTimeoutMs: 60_000 },
    });
    await ours.connect();
    await ours.send({ topic, messages: [{ value: 'warm' }] });
    const hold = server.cluster.faults.holdResponses({ api: 'Produce' });
    try {
      const pending = ours.send({ topic, messages: [{ value: 'held' }] }).then(
        () => null,
        (error: unknown) => error,
      );
      while (hold.held === 0) await new Promise((r) => setTimeout(r, 5));
      const started = Date.now();
      await ours.disconnect();
      const took = Date.now() - started;
      expect(took).toBeLessThan(2_000);
      const error = await pending;
      expect(error).toBeInstanceOf(core.ProducerClosedError);
      expect((error as core.IdemError).possiblyPersisted).toBe(true);
    } finally {
      hold.release();
    }
  });

  it('takes a per-call bound and refuses a bad option', () => {
    expect(() =>
      idempotentProducer(kafkaWithLogs([], logLevel.NOTHING), { idem: { disconnectTimeoutMs: -1 } }),
    ).toThrow(core.ConfigError);
  });
});

describe('exports', () => {
  it('re-exports every idem error and helper a user of this package touches', () => {
    const pairs: [unknown, unknown][] = [
      [adapter.BatchSendError, core.BatchSendError],
      [adapter.BrokerRejectedError, core.BrokerRejectedError],
      [adapter.ConfigError, core.ConfigError],
      [adapter.ConnectionFailedError, core.ConnectionFailedError],
      [adapter.DeliveryTimeoutError, core.DeliveryTimeoutError],
      [adapter.FatalProducerError, core.FatalProducerError],
      [adapter.FlushTimeoutError, core.FlushTimeoutError],
      [adapter.IdemError, core.IdemError],
      [adapter.InvalidRecordError, core.InvalidRecordError],
      [adapter.ProducerClosedError, core.ProducerClosedError],
      [adapter.RetriesExhaustedError, core.RetriesExhaustedError],
      [adapter.SendTimeoutError, core.SendTimeoutError],
      [adapter.SequenceConflictError, core.SequenceConflictError],
      [adapter.AuthorizationError, core.AuthorizationError],
      [adapter.isIdemError, core.isIdemError],
    ];
    for (const [ours, theirs] of pairs) expect(ours).toBe(theirs);
  });

  it('transaction() rejects with a typed idem error, as kafkajs rejects without a transactionalId', async () => {
    const kafka = kafkaWithLogs([], logLevel.NOTHING);
    const theirs = await rejection(kafka.producer().transaction());
    expect(theirs.name).toBe('KafkaJSNonRetriableError');
    const ours = await rejection(idempotentProducer(kafka).transaction());
    expect(ours).toBeInstanceOf(adapter.UnsupportedFeatureError);
    expect(adapter.isIdemError(ours)).toBe(true);
    expect(ours).toMatchObject({ code: 'ERR_UNSUPPORTED', feature: 'transaction()' });
  });
});

describe('options: honoured, refused or warned about', () => {
  const quiet = () => kafkaWithLogs([], logLevel.NOTHING);

  it('refuses an unknown idem key (a typo) with ConfigError', () => {
    expect(() => idempotentProducer(quiet(), { idem: { lingerMS: 5 } as never })).toThrow(
      expect.objectContaining({ key: 'idem.lingerMS', value: 5 }),
    );
    expect(() => idempotentProducer(quiet(), { idem: { transport: { flexible: true } as never } })).toThrow(
      core.ConfigError,
    );
  });

  it('refuses a send timeout other than the request timeout and accepts the equal one', async () => {
    const ours = idempotentProducer(quiet(), { idem: { requestTimeoutMs: 30_000 } });
    await ours.connect();
    try {
      await expect(ours.send({ topic, timeout: 1000, messages: [{ value: 'x' }] })).rejects.toMatchObject({
        key: 'timeout',
        value: 1000,
      });
      await expect(ours.send({ topic, timeout: 30_000, messages: [{ value: 'x' }] })).resolves.toHaveLength(
        1,
      );
    } finally {
      await ours.disconnect();
    }
  });

  it('warns once through the kafkajs logger about retry.factor, retry.multiplier and options it ignores', () => {
    const logs: LogEntry[] = [];
    idempotentProducer(kafkaWithLogs(logs), {
      retry: { factor: 0.5, multiplier: 3, initialRetryTime: 50 },
      transactionTimeout: 1000,
    });
    const warnings = logs.filter((l) => l.level === logLevel.WARN).map((l) => l.log.message);
    expect(warnings).toEqual([
      expect.stringMatching(/transactionTimeout/),
      expect.stringMatching(/retry\.factor=0\.5/),
      expect.stringMatching(/retry\.multiplier=3/),
    ]);
    expect(logs.every((l) => l.namespace === 'Producer')).toBe(true);
    // kafkajs's own defaults (factor 0.2, multiplier 2) are idem's backoff: no warning.
    const quietLogs: LogEntry[] = [];
    idempotentProducer(kafkaWithLogs(quietLogs), { retry: { factor: 0.2, multiplier: 2 } });
    expect(quietLogs.filter((l) => l.level === logLevel.WARN)).toEqual([]);
  });

  it('checks the compression package at construction, not at the first send', () => {
    const original = compressionCodec('lz4');
    // As lz4 behaves where its optional package is not installed.
    registerCompressionCodec({
      ...original,
      compress: () => {
        throw new CompressionLibraryMissingError('lz4 needs "lz4-napi"', 'compression', 0, 'lz4-napi');
      },
    });
    try {
      expect(() => idempotentProducer(quiet(), { idem: { compression: 'lz4' } })).toThrow(
        expect.objectContaining({
          key: 'idem.compression',
          value: 'lz4',
          message: expect.stringMatching(/lz4-napi/),
        }),
      );
    } finally {
      registerCompressionCodec(original);
    }
    expect(() => idempotentProducer(quiet(), { idem: { compression: 'lz4' } })).not.toThrow();
  });
});

describe('logs through kafka.logger()', () => {
  it('logs a retry at WARN and a throwing listener at ERROR under the Producer namespace', async () => {
    const logs: LogEntry[] = [];
    const ours = idempotentProducer(kafkaWithLogs(logs), { idem: { retryBackoffMs: 1 } });
    await ours.connect();
    ours.on(ours.events.REQUEST, () => {
      throw new Error('listener broke');
    });
    server.cluster.faults.injectError({ api: 'Produce', topic }, 6 /* NOT_LEADER_OR_FOLLOWER */);
    try {
      await ours.send({ topic, messages: [{ value: 'retried' }] });
    } finally {
      await ours.disconnect();
    }
    const retry = logs.find((l) => l.level === logLevel.WARN && /Retrying batch/.test(l.log.message));
    expect(retry?.namespace).toBe('Producer');
    expect(retry?.log).toMatchObject({ topic, partition: 0, retryCount: 1 });
    const listener = logs.find(
      (l) => l.level === logLevel.ERROR && /Failed to execute listener/.test(l.log.message),
    );
    expect(listener?.log).toMatchObject({ eventName: 'producer.network.request' });
    expect(
      logs.some((l) => l.level === logLevel.DEBUG && /Initialized producer id/.test(l.log.message)),
    ).toBe(true);
    expect(ours.logger().info).toBeTypeOf('function');
  });
});

describe('instrumentation events', () => {
  it('producer.network.request names the broker as kafkajs does and carries no fake apiVersion or correlationId', async () => {
    const kafka = kafkaWithLogs([], logLevel.NOTHING);
    const theirs = kafka.producer();
    const ours = idempotentProducer(kafka);
    // biome-ignore lint/suspicious/noExplicitAny: kafkajs's payloads are untyped.
    const theirEvents: any[] = [];
    // biome-ignore lint/suspicious/noExplicitAny: as above.
    const ourEvents: any[] = [];
    theirs.on(theirs.events.REQUEST, (e) => theirEvents.push(e));
    ours.on(ours.events.REQUEST, (e) => ourEvents.push(e));
    await theirs.connect();
    await ours.connect();
    await theirs.send({ topic, messages: [{ value: 'a' }] });
    await ours.send({ topic, messages: [{ value: 'b' }] });
    await theirs.disconnect();
    await ours.disconnect();
    const theirProduce = theirEvents.find((e) => e.payload.apiName === 'Produce');
    const ourProduce = ourEvents.find((e) => e.payload.apiName === 'Produce');
    expect(ourProduce.type).toBe(theirProduce.type);
    expect(ourProduce.payload.broker).toBe(theirProduce.payload.broker);
    expect(ourProduce.payload).not.toHaveProperty('apiVersion');
    expect(ourProduce.payload).not.toHaveProperty('correlationId');
    const shared = Object.keys(ourProduce.payload).filter((k) => k !== 'clientId');
    for (const key of shared) expect(theirProduce.payload, key).toHaveProperty(key);
  });

  it('emits producer.network.request_timeout and refuses producer.network.request_queue_size', async () => {
    const ours = idempotentProducer(kafkaWithLogs([], logLevel.NOTHING), {
      idem: { requestTimeoutMs: 200, deliveryTimeoutMs: 10_000, retryBackoffMs: 1 },
    });
    expect(() => ours.on(ours.events.REQUEST_QUEUE_SIZE, () => {})).toThrow(adapter.UnsupportedFeatureError);
    // biome-ignore lint/suspicious/noExplicitAny: kafkajs's payloads are untyped.
    const timeouts: any[] = [];
    ours.on(ours.events.REQUEST_TIMEOUT, (e) => timeouts.push(e));
    await ours.connect();
    server.cluster.faults.loseResponse({ api: 'Produce', topic }, { afterwards: 'blackhole' });
    try {
      await ours.send({ topic, messages: [{ value: 'timed out once' }] });
    } finally {
      await ours.disconnect();
    }
    expect(timeouts).toHaveLength(1);
    expect(timeouts[0]).toMatchObject({
      type: 'producer.network.request_timeout',
      payload: { apiName: 'Produce', apiKey: 0 },
    });
  });
});
