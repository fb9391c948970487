// The transport's half of "connection errors no retry can fix": which kafkajs failures carry the core's
// FatalConnectionError shape ({ notSent: true, fatalConnection, message }) and which stay retriable. kafkajs's own
// error classes are used, wrapped the way kafkajs wraps them; the TLS case is a real handshake on loopback.
import { once } from 'node:events';
import { createServer, type Server } from 'node:net';
import { fatalConnectionCause, isNotSent } from '@idem/core';
import {
  Kafka,
  KafkaJSConnectionError,
  KafkaJSError,
  KafkaJSNumberOfRetriesExceeded,
  KafkaJSProtocolError,
  KafkaJSRequestTimeoutError,
  KafkaJSSASLAuthenticationError,
  logLevel,
} from 'kafkajs';
import { afterEach, describe, expect, it } from 'vitest';
import { createKafkajsTransport, TransportError } from '../src/index.js';
import { fatalConnectionCauseOf } from '../src/transport/fatal-connection.js';
import { NodeLane } from '../src/transport/node-lane.js';

/** kafkajs's SASL error; its typings declare no constructor arguments, the class takes a message. */
function saslError(message: string): Error {
  return new (KafkaJSSASLAuthenticationError as unknown as new (message: string) => Error)(message);
}

/** kafkajs's protocol error as its SaslAuthenticate response parser throws it. */
function protocolError(type: string, code: number): KafkaJSProtocolError {
  return new KafkaJSProtocolError({
    type,
    code,
    retriable: false,
    message: `${type} from the broker`,
  } as never);
}

describe('fatalConnectionCauseOf', () => {
  it('names authentication for every SASL refusal kafkajs reports', () => {
    expect(fatalConnectionCauseOf(saslError('SASL PLAIN authentication failed'))).toBe('authentication');
    expect(fatalConnectionCauseOf(protocolError('SASL_AUTHENTICATION_FAILED', 58))).toBe('authentication');
    expect(fatalConnectionCauseOf(protocolError('UNSUPPORTED_SASL_MECHANISM', 33))).toBe('authentication');
  });

  it('names authorization and TLS', () => {
    expect(fatalConnectionCauseOf(protocolError('CLUSTER_AUTHORIZATION_FAILED', 31))).toBe('authorization');
    for (const code of [
      'DEPTH_ZERO_SELF_SIGNED_CERT',
      'ERR_TLS_CERT_ALTNAME_INVALID',
      'ERR_SSL_WRONG_VERSION_NUMBER',
    ]) {
      expect(fatalConnectionCauseOf(new KafkaJSConnectionError('Connection error', { code })), code).toBe(
        'tls',
      );
    }
  });

  it('looks through the wrappers kafkajs puts around the first failure', () => {
    const sasl = saslError('SASL SCRAM SHA256 authentication failed');
    // The retrier's wrapper, after retries ran out.
    const exhausted = new KafkaJSNumberOfRetriesExceeded(sasl, { retryCount: 5, retryTime: 3_000 });
    expect(fatalConnectionCauseOf(exhausted)).toBe('authentication');
    // A wrapper that keeps the failure as its `cause` (kafkajs's `{ cause }` option; its typings omit it).
    const outer = Object.assign(new KafkaJSError('outer'), { cause: exhausted });
    expect(fatalConnectionCauseOf(outer)).toBe('authentication');
  });

  it('leaves failures a retry can fix alone', () => {
    for (const error of [
      new KafkaJSConnectionError('Connection error: connect ECONNREFUSED', { code: 'ECONNREFUSED' }),
      new KafkaJSConnectionError('Connection timeout'),
      new KafkaJSConnectionError('TLS handshake timed out', { code: 'ERR_TLS_HANDSHAKE_TIMEOUT' }),
      // kafkajs rebuilds the connection pool on this one and tries again.
      protocolError('ILLEGAL_SASL_STATE', 34),
      protocolError('NOT_LEADER_OR_FOLLOWER', 6),
      new KafkaJSRequestTimeoutError('Request Metadata(key: 3, version: 6) timed out'),
      new Error('socket hang up'),
      'a string',
      null,
    ]) {
      expect(fatalConnectionCauseOf(error)).toBeNull();
    }
  });
});

describe('TransportError carries the shape the core reads', () => {
  const sasl = saslError('SASL PLAIN authentication failed: Invalid username or password');

  it('a not-sent failure caused by a refused login is fatal, not retriable, and says why', () => {
    const error = new TransportError(
      'metadata: KafkaJSSASLAuthenticationError: SASL PLAIN authentication failed',
      {
        notSent: true,
        cause: sasl,
      },
    );
    expect(error.fatalConnection).toBe('authentication');
    expect(fatalConnectionCause(error)).toBe('authentication');
    expect(isNotSent(error)).toBe(true);
    expect(error.retriable).toBe(false);
    expect(error.message).toContain('authentication failed');
  });

  it('an outcome-unknown failure is never marked fatal (the core would treat the batch as not written)', () => {
    const error = new TransportError('produce: outcome unknown', { notSent: false, cause: sasl });
    expect(fatalConnectionCause(error)).toBeNull();
    expect(error.retriable).toBe(true);
  });

  it('a retriable cause stays retriable', () => {
    const error = new TransportError('metadata: refused', {
      notSent: true,
      cause: new KafkaJSConnectionError('Connection error: connect ECONNREFUSED', { code: 'ECONNREFUSED' }),
    });
    expect(fatalConnectionCause(error)).toBeNull();
    expect(error.retriable).toBe(true);
  });
});

describe('a real TLS failure through the transport', () => {
  let server: Server | undefined;
  afterEach(async () => {
    server?.close();
    server = undefined;
  });

  it('metadata, initProducerId and produce reject with fatalConnection "tls" when the peer does not speak TLS', async () => {
    // A loopback peer that answers the ClientHello with plain text, as a non-TLS listener or a proxy would.
    server = createServer((socket) => {
      socket.once('data', () => socket.end('HTTP/1.1 400 Bad Request\r\n\r\n'));
      socket.on('error', () => {});
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    const kafka = new Kafka({
      clientId: 'idem-fatal-connection-test',
      brokers: [`127.0.0.1:${address.port}`],
      ssl: { rejectUnauthorized: false },
      logLevel: logLevel.NOTHING,
      connectionTimeout: 2_000,
      retry: { retries: 0 },
    });
    const transport = createKafkajsTransport(kafka);
    try {
      const calls = [
        transport.metadata([]),
        transport.initProducerId({
          transactionalId: null,
          transactionTimeoutMs: -1,
          producerId: -1n,
          producerEpoch: -1,
          enable2Pc: false,
          keepPreparedTxn: false,
        }),
        transport.produce(1, { transactionalId: null, acks: -1, timeoutMs: 1_000, topicData: [] }),
      ];
      for (const outcome of await Promise.allSettled(calls)) {
        expect(outcome.status).toBe('rejected');
        const reason = (outcome as PromiseRejectedResult).reason as TransportError;
        expect(fatalConnectionCause(reason), reason.message).toBe('tls');
        expect(isNotSent(reason)).toBe(true);
      }
    } finally {
      await transport.close();
    }
  }, 15_000);
});

describe('requests queued behind a refused one', () => {
  it('fail with the same cause, so the core fails every affected send at once', async () => {
    const lane = new NodeLane(1);
    const refusal = saslError('SASL PLAIN authentication failed: Invalid username or password');
    // The first request fails while connecting (before kafkajs took its body); two more wait behind it.
    const first = lane.enqueue<never>(async () => {
      await new Promise((resolve) => setImmediate(resolve));
      throw refusal;
    });
    const queued = [1, 2].map(() =>
      lane.enqueue<never>(async () => Promise.reject(new Error('not reached'))),
    );
    for (const outcome of await Promise.allSettled([first, ...queued])) {
      expect(outcome.status).toBe('rejected');
      const reason = (outcome as PromiseRejectedResult).reason;
      expect(isNotSent(reason)).toBe(true);
      expect(fatalConnectionCause(reason)).toBe('authentication');
    }
  });
});
