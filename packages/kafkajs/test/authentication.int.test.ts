// Issue 9, defect 4 ("hidden authentication failure") on the real broker's SASL_PLAINTEXT listener: with a wrong
// password, connect() and send() must fail within 2 s with a typed, non-retriable error naming authentication —
// not after maxBlockMs (60 s) with "gave up waiting for metadata". kafkajs itself reports it in about 0.3 s.
import { ConnectionFailedError, isIdemError } from '@idem/core';
import { describeKafka, kafkaTarget, SASL_PLAIN_CREDENTIALS, uniqueTopic } from '@idem/kafka-tooling';
import { expect, it } from 'vitest';
import { idempotentProducer } from '../src/index.js';
import { kafkaOf } from './support/kafka-clients.js';

/** The bound of the issue: kafkajs answers in ~0.3 s; idem may take the same path plus its own bookkeeping. */
const WITHIN_MS = 2_000;
const WRONG = {
  mechanism: 'plain',
  username: SASL_PLAIN_CREDENTIALS.username,
  password: 'not-the-password',
} as const;

/** Settles `promise` and measures how long it took; never waits past `limitMs` (so a regression fails, not hangs). */
async function timed(promise: Promise<unknown>, limitMs = 10_000): Promise<{ error: unknown; ms: number }> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<{ error: unknown }>((resolve) => {
    timer = setTimeout(() => resolve({ error: new Error(`still pending after ${limitMs} ms`) }), limitMs);
  });
  const outcome = await Promise.race([
    promise.then(
      () => ({ error: new Error('resolved, expected a rejection') }),
      (error: unknown) => ({ error }),
    ),
    limit,
  ]);
  clearTimeout(timer);
  return { error: outcome.error, ms: performance.now() - started };
}

/** The error a send reports for its records: itself, or the one error of a BatchSendError. */
function recordError(error: unknown): unknown {
  const errors = (error as { errors?: readonly unknown[] }).errors;
  return Array.isArray(errors) && errors.length > 0 ? errors[0] : error;
}

/** disconnect() waits for pending sends; a regression that leaves them pending must not hold the suite 60 s. */
async function disconnectWithin(producer: { disconnect(): Promise<void> }, ms = 3_000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  await Promise.race([producer.disconnect(), limit]);
  clearTimeout(timer);
}

function expectAuthenticationFailure(error: unknown): void {
  expect(error, String(error)).toBeInstanceOf(ConnectionFailedError);
  const failure = error as ConnectionFailedError;
  expect(failure.code).toBe('ERR_CONNECTION_FAILED');
  expect(failure.reason).toBe('authentication');
  expect(failure.retriable).toBe(false);
  expect(failure.possiblyPersisted).toBe(false);
  expect(failure.message).toMatch(/authentication/i);
}

describeKafka('authentication: a wrong SASL password fails fast and says so', () => {
  function saslBootstrapOrSkip(ctx: { skip: (note: string) => void }): string | null {
    const { saslBootstrap } = kafkaTarget();
    if (!saslBootstrap) ctx.skip('no SASL listener (external KAFKA_BOOTSTRAP without KAFKA_SASL_BOOTSTRAP)');
    return saslBootstrap;
  }

  it('connect() rejects within 2 s with ConnectionFailedError (authentication)', async (ctx) => {
    const bootstrap = saslBootstrapOrSkip(ctx);
    if (!bootstrap) return;
    // kafkajs's default retry settings, as a user would have them: SASL refusals are not retried by kafkajs.
    const producer = idempotentProducer(kafkaOf(bootstrap, { sasl: { ...WRONG } }));
    try {
      const { error, ms } = await timed(producer.connect());
      expectAuthenticationFailure(error);
      expect(ms).toBeLessThan(WITHIN_MS);
      process.stderr.write(`[authentication] connect() rejected in ${Math.round(ms)} ms: ${String(error)}\n`);
    } finally {
      await disconnectWithin(producer);
    }
  });

  it('send() and sendBatch() without connect() reject within 2 s, every record with the same typed error', async (ctx) => {
    const bootstrap = saslBootstrapOrSkip(ctx);
    if (!bootstrap) return;
    const producer = idempotentProducer(kafkaOf(bootstrap, { sasl: { ...WRONG } }));
    try {
      const topic = uniqueTopic('auth-wrong-password');
      const single = await timed(producer.send({ topic, messages: [{ value: 'one' }] }));
      expectAuthenticationFailure(recordError(single.error));
      expect(single.ms).toBeLessThan(WITHIN_MS);

      // Two topics, several records: each record fails on its own with the same cause (no timeout hides it).
      const batch = await timed(
        producer.sendBatch({
          topicMessages: [
            { topic, messages: [{ value: 'a' }, { value: 'b' }] },
            { topic: `${topic}-other`, messages: [{ value: 'c' }] },
          ],
        }),
      );
      expect(batch.ms).toBeLessThan(WITHIN_MS);
      const errors = (batch.error as { errors?: readonly unknown[] }).errors ?? [batch.error];
      expect(isIdemError(batch.error)).toBe(true);
      for (const error of errors) expectAuthenticationFailure(error);
      process.stderr.write(
        `[authentication] send() rejected in ${Math.round(single.ms)} ms, sendBatch() in ${Math.round(batch.ms)} ms\n`,
      );
    } finally {
      await disconnectWithin(producer);
    }
  });

  it('the right password on the same listener connects and sends (the failure above is the password)', async (ctx) => {
    const bootstrap = saslBootstrapOrSkip(ctx);
    if (!bootstrap) return;
    const producer = idempotentProducer(kafkaOf(bootstrap, { sasl: { ...SASL_PLAIN_CREDENTIALS } }));
    try {
      await producer.connect();
      const [meta] = await producer.send({
        topic: uniqueTopic('auth-right-password'),
        messages: [{ value: 'x' }],
      });
      expect(meta?.errorCode).toBe(0);
    } finally {
      await producer.disconnect();
    }
  });
});
