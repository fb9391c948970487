// resolveConfluentConfig: idem's options → librdkafka properties, and the misconfigurations refused before
// librdkafka sees them. No native binding needed.
import { describe, expect, it } from 'vitest';
import { ConfigError, type ConfluentProducerConfig, resolveConfluentConfig } from '../src/index.js';

const base: ConfluentProducerConfig = { bootstrapServers: '127.0.0.1:39400' };

function refused(config: unknown): ConfigError {
  try {
    resolveConfluentConfig(config as ConfluentProducerConfig);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('resolveConfluentConfig', () => {
  it('maps the defaults onto an idempotent librdkafka producer', () => {
    const { properties, deliveryTimeoutMs, statisticsIntervalMs } = resolveConfluentConfig(base);
    expect(properties).toMatchObject({
      'bootstrap.servers': '127.0.0.1:39400',
      'enable.idempotence': true,
      acks: 'all',
      'max.in.flight.requests.per.connection': 5,
      'delivery.timeout.ms': 120_000,
      'linger.ms': 5,
      'enable.gapless.guarantee': false,
      partitioner: 'murmur2_random',
      'statistics.interval.ms': 1_000,
    });
    expect(deliveryTimeoutMs).toBe(120_000);
    expect(statisticsIntervalMs).toBe(1_000);
    // librdkafka's own batch and buffer sizes unless given.
    expect(properties).not.toHaveProperty('batch.size');
    expect(properties).not.toHaveProperty('queue.buffering.max.kbytes');
    expect(Object.isFrozen(properties)).toBe(true);
  });

  it('maps given options, joins server lists and passes safe raw properties through', () => {
    const { properties } = resolveConfluentConfig({
      bootstrapServers: [' a:1', 'b:2 '],
      clientId: 'me',
      maxInFlightRequestsPerConnection: 3,
      deliveryTimeoutMs: 60_000,
      lingerMs: 20,
      batchSize: 65_536,
      bufferMemory: 4_194_305,
      maxRequestSize: 2_000_000,
      strict: true,
      statisticsIntervalMs: 250,
      rdkafka: { 'socket.keepalive.enable': true, 'compression.codec': 'lz4' },
    });
    expect(properties).toMatchObject({
      'bootstrap.servers': 'a:1,b:2',
      'client.id': 'me',
      'max.in.flight.requests.per.connection': 3,
      'delivery.timeout.ms': 60_000,
      'linger.ms': 20,
      'batch.size': 65_536,
      'queue.buffering.max.kbytes': 4_097,
      'message.max.bytes': 2_000_000,
      'enable.gapless.guarantee': true,
      'statistics.interval.ms': 250,
      'socket.keepalive.enable': true,
      'compression.codec': 'lz4',
    });
  });

  it('refuses invalid servers and statistics intervals', () => {
    expect(refused({ bootstrapServers: 'localhost' }).key).toBe('bootstrapServers');
    expect(refused({ bootstrapServers: [] }).key).toBe('bootstrapServers');
    expect(refused({ bootstrapServers: 'a:1,b' }).key).toBe('bootstrapServers');
    expect(refused({ ...base, statisticsIntervalMs: 5 }).key).toBe('statisticsIntervalMs');
    expect(refused({ ...base, statisticsIntervalMs: 1.5 }).key).toBe('statisticsIntervalMs');
    expect(refused(null).key).toBe('config');
  });

  it("refuses the core's invalid options with the core's ConfigError", () => {
    expect(refused({ ...base, idempotent: false }).key).toBe('idempotent');
    expect(refused({ ...base, maxInFlightRequestsPerConnection: 6 }).key).toBe(
      'maxInFlightRequestsPerConnection',
    );
    expect(refused({ ...base, acks: 1 }).key).toBe('acks');
  });

  it('refuses raw librdkafka properties that would weaken idempotence or the contract', () => {
    const raw = (rdkafka: Record<string, unknown>) => refused({ ...base, rdkafka });
    expect(raw({ 'enable.idempotence': false }).key).toBe('enable.idempotence');
    expect(raw({ acks: 1 }).key).toBe('acks');
    expect(raw({ 'request.required.acks': 0 }).key).toBe('request.required.acks');
    expect(raw({ 'max.in.flight': 6 }).key).toBe('max.in.flight');
    expect(raw({ 'max.in.flight.requests.per.connection': 0 }).key).toBe(
      'max.in.flight.requests.per.connection',
    );
    expect(raw({ retries: 0 }).key).toBe('retries');
    expect(raw({ 'message.send.max.retries': 0 }).key).toBe('message.send.max.retries');
    expect(raw({ 'transactional.id': 't' }).key).toBe('transactional.id');
    expect(raw({ 'queuing.strategy': 'lifo' }).key).toBe('queuing.strategy');
    expect(raw({ partitioner: 'random' }).key).toBe('partitioner');
    expect(raw({ 'statistics.interval.ms': 0 }).key).toBe('statistics.interval.ms');
    expect(raw({ dr_cb: true }).key).toBe('dr_cb');
    expect(raw({ dr_msg_cb: true }).key).toBe('dr_msg_cb');
    expect(raw({ event_cb: true }).key).toBe('event_cb');
    expect(raw({ 'socket.timeout.ms': {} }).key).toBe('rdkafka.socket.timeout.ms');
    expect(refused({ ...base, strict: false, rdkafka: { 'enable.gapless.guarantee': true } }).key).toBe(
      'enable.gapless.guarantee',
    );
    // Values that keep idempotence are accepted.
    expect(() =>
      resolveConfluentConfig({
        ...base,
        rdkafka: { acks: -1, 'enable.idempotence': 'true', 'max.in.flight': 5 },
      }),
    ).not.toThrow();
  });
});
