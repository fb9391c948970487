import { describe, expect, it } from 'vitest';
import { ConfigError, isIdemError, PRODUCER_DEFAULTS, resolveProducerConfig } from '../src/index.js';

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('resolveProducerConfig', () => {
  it('defaults to idempotence with acks=-1, unbounded retries, 5 in flight', () => {
    const config = resolveProducerConfig();
    expect(config.idempotent).toBe(true);
    expect(config.acks).toBe(-1);
    expect(config.retries).toBe(Number.POSITIVE_INFINITY);
    expect(config.maxInFlightRequestsPerConnection).toBe(5);
    expect(config.deliveryTimeoutMs).toBeGreaterThanOrEqual(config.lingerMs + config.requestTimeoutMs);
    expect(config.strict).toBe(false);
  });

  it('refuses boundedDelivery: false, since delivery is always bounded by deliveryTimeoutMs', () => {
    expect(() => resolveProducerConfig({ boundedDelivery: false as never })).toThrow(/deliveryTimeoutMs/);
    expect(() => resolveProducerConfig({ boundedDelivery: true })).not.toThrow();
  });

  it.each([
    ['acks', 1, '-1'],
    ['acks', 0, '-1'],
    ['retries', 0, '≥ 1'],
    ['maxInFlightRequestsPerConnection', 6, '≤ 5'],
  ] as const)('rejects %s=%s under idempotence, naming key, value and requirement', (key, value, needs) => {
    const error = configError(() => resolveProducerConfig({ [key]: value }));
    expect(error.key).toBe(key);
    expect(error.value).toBe(value);
    expect(error.requirement).toContain(needs);
    expect(error.requirement).toContain('idempotence');
    expect(error.message).toContain(`${key}=${value}`);
    expect(error.code).toBe('ERR_CONFIG');
    expect(isIdemError(error)).toBe(true);
  });

  it('lifts the idempotence limits when idempotence is switched off explicitly', () => {
    const config = resolveProducerConfig({
      idempotent: false,
      acks: 1,
      retries: 0,
      maxInFlightRequestsPerConnection: 20,
    });
    expect(config).toMatchObject({
      idempotent: false,
      acks: 1,
      retries: 0,
      maxInFlightRequestsPerConnection: 20,
    });
  });

  it("accepts acks 'all' as -1", () => {
    expect(resolveProducerConfig({ acks: 'all' }).acks).toBe(-1);
  });

  it('rejects an explicit delivery timeout below linger + request timeout', () => {
    const error = configError(() =>
      resolveProducerConfig({ lingerMs: 100, requestTimeoutMs: 1000, deliveryTimeoutMs: 1099 }),
    );
    expect(error.key).toBe('deliveryTimeoutMs');
    expect(error.value).toBe(1099);
    expect(error.requirement).toContain('1100');
    expect(
      resolveProducerConfig({ lingerMs: 100, requestTimeoutMs: 1000, deliveryTimeoutMs: 1100 })
        .deliveryTimeoutMs,
    ).toBe(1100);
  });

  it('raises the default delivery timeout to linger + request timeout instead of failing', () => {
    const config = resolveProducerConfig({ lingerMs: 60_000, requestTimeoutMs: 90_000 });
    expect(config.deliveryTimeoutMs).toBe(150_000);
  });

  it.each([
    ['batchSize', 0],
    ['batchSize', 1.5],
    ['lingerMs', -1],
    ['bufferMemory', Number.NaN],
    ['requestTimeoutMs', '100'],
    ['idempotent', 'yes'],
    ['acks', 2],
    ['strict', 1],
  ])('rejects malformed %s=%s', (key, value) => {
    const error = configError(() => resolveProducerConfig({ [key]: value } as never));
    expect(error.key).toBe(key);
    expect(Object.is(error.value, value)).toBe(true);
  });

  it('keeps the defaults frozen', () => {
    expect(Object.isFrozen(PRODUCER_DEFAULTS)).toBe(true);
    expect(Object.isFrozen(resolveProducerConfig())).toBe(true);
  });
});
