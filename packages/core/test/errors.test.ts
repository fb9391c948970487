import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import {
  BatchSendError,
  DeliveryTimeoutError,
  FatalProducerError,
  IdemError,
  isIdemError,
  ProducerClosedError,
} from '../src/index.js';

describe('IdemError', () => {
  it('carries code, retriable and possiblyPersisted', () => {
    const error = new DeliveryTimeoutError(5000, true, 'batch never acknowledged');
    expect(error).toBeInstanceOf(IdemError);
    expect(error.code).toBe('ERR_DELIVERY_TIMEOUT');
    expect(error.retriable).toBe(true);
    expect(error.possiblyPersisted).toBe(true);
    expect(error.name).toBe('DeliveryTimeoutError');
  });

  it('is recognised across realms through the Symbol.for brand, not instanceof', () => {
    const brand = Symbol.for('@idem/error');
    const foreign = runInNewContext(
      '(brand) => { const e = new Error("x"); e[brand] = true; e.code = "ERR_X"; return e; }',
    )(brand);
    expect(foreign instanceof IdemError).toBe(false);
    expect(isIdemError(foreign)).toBe(true);
    expect(isIdemError(new Error('plain'))).toBe(false);
    expect(isIdemError(null)).toBe(false);
    expect(isIdemError(new ProducerClosedError())).toBe(true);
  });

  it('copies a fatal error per send with that send’s possiblyPersisted', () => {
    const fatal = new FatalProducerError('fenced', 'fenced by a newer producer', { kafkaCode: 90 });
    const copy = fatal.forSend(true);
    expect(copy.possiblyPersisted).toBe(true);
    expect(copy.kafkaCode).toBe(90);
    expect(copy.reason).toBe('fenced');
    expect(copy.cause).toBe(fatal);
  });

  it('aggregates per-record outcomes of an array send', () => {
    const failure = new DeliveryTimeoutError(10, false, 'x');
    const error = new BatchSendError([{ offset: 1n }, failure], [failure]);
    expect(error.possiblyPersisted).toBe(false);
    expect(error.results[1]).toBe(failure);
    expect(error.cause).toBe(failure);
  });
});
