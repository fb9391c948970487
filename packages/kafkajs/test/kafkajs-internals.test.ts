// Fails loudly when a kafkajs upgrade moves anything src/transport/kafkajs-internals.ts relies on: the objects and
// arities it calls, the request header kafkajs writes, and the way Connection#send queues requests.
import { createRequire } from 'node:module';
import { apis } from '@idem/codec';
import { Kafka, logLevel } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import {
  brokerInternalsProblems,
  KAFKAJS_INTERNALS,
  kafkajsInternalsProblems,
} from '../src/transport/kafkajs-internals.js';

const require = createRequire(import.meta.url);
const kafkajsPackage = require('kafkajs/package.json') as { version: string };

/** kafkajs's private modules, for checks only (the transport itself reaches them through live objects). */
const Broker = require('kafkajs/src/broker') as new (options: object) => unknown;
const ConnectionPool = require('kafkajs/src/network/connectionPool') as new (options: object) => unknown;
const Connection = require('kafkajs/src/network/connection') as { prototype: Record<string, unknown> };
const RequestQueue = require('kafkajs/src/network/requestQueue') as new (
  options: object,
) => { canSendSocketRequestImmediately(): boolean; inflight: Map<number, unknown> };
const createRequest = require('kafkajs/src/protocol/request') as (args: {
  correlationId: number;
  clientId: string;
  request: { apiKey: number; apiVersion: number; encode: () => Promise<{ buf: Buffer; buffer: Buffer }> };
}) => Promise<{ buffer: Buffer }>;
const { createLogger } = require('kafkajs/src/loggers') as {
  createLogger: (options: object) => { namespace(name: string): unknown };
};

const quietLogger = () => createLogger({ level: 0, logCreator: () => () => {} });

function kafka(): Kafka {
  return new Kafka({ brokers: ['127.0.0.1:1'], logLevel: logLevel.NOTHING });
}

describe('kafkajs internals used by the transport', () => {
  it('is kafkajs 2.2.x (the version the internals were written against)', () => {
    expect(kafkajsPackage.version).toMatch(/^2\.2\./);
  });

  it('Kafka, Cluster and BrokerPool have what the transport calls, with the expected arity', () => {
    expect(kafkajsInternalsProblems(kafka())).toEqual([]);
  });

  it('Broker, ConnectionPool and Connection have what the transport calls, with the expected arity', () => {
    const connectionPool = new ConnectionPool({
      host: '127.0.0.1',
      port: 1,
      logger: quietLogger(),
      socketFactory: () => {
        throw new Error('no sockets in this test');
      },
      connectionTimeout: 1_000,
      requestTimeout: 1_000,
    });
    const broker = new Broker({ connectionPool, logger: quietLogger(), nodeId: 1 });
    expect(brokerInternalsProblems(broker)).toEqual([]);
  });

  it('the checks do fail when something moved', () => {
    const broken = kafka() as unknown as Record<symbol, unknown>;
    for (const symbol of Object.getOwnPropertySymbols(broken)) delete broken[symbol];
    expect(kafkajsInternalsProblems(broken as unknown as Kafka)).not.toEqual([]);
    expect(brokerInternalsProblems({ connectionPool: { pool: [{}] } })).toEqual(
      expect.arrayContaining(['Broker#isConnected is not a function', 'Connection#send is not a function']),
    );
  });

  it('Connection#send takes the arguments the transport passes', () => {
    const source = String(Connection.prototype.send);
    const params = /send\(\{([^}]*)\}\)/.exec(source)?.[1] ?? '';
    for (const name of KAFKAJS_INTERNALS.connectionSendArguments) expect(params).toContain(name);
    // The request object: expectResponse() is optional, encode() is awaited, and decode/parse handle the response.
    expect(source).toContain('request.expectResponse');
    expect(source).toContain('response.decode(payload)');
    expect(source).toContain('response.parse(payloadDecoded)');
    expect(source).toContain('payloadDecoded.clientSideThrottleTime');
  });

  it('kafkajs writes request header v1, byte for byte what the codec writes for a non-flexible version', async () => {
    const value = {
      transactionalId: null,
      acks: -1,
      timeoutMs: 30_000,
      topicData: [{ name: 'topic-a', partitionData: [{ index: 2, records: Buffer.from('0102', 'hex') }] }],
    };
    const body = apis.Produce.request.encode(8, value);
    const framed = await createRequest({
      correlationId: 77,
      clientId: 'client-ü',
      request: { apiKey: 0, apiVersion: 8, encode: async () => ({ buf: body, buffer: body }) },
    });
    const expected = apis.Produce.request.encodeFrame(
      { apiVersion: 8, correlationId: 77, clientId: 'client-ü' },
      value,
    );
    expect(framed.buffer.toString('hex')).toBe(Buffer.from(expected).toString('hex'));
  });

  it('a leading empty tagged-field byte turns that header into request header v2 (flexible versions)', async () => {
    const value = {
      transactionalId: null,
      acks: 1,
      timeoutMs: 1_000,
      topicData: [{ name: 't', partitionData: [{ index: 0, records: null }] }],
    };
    const body = Buffer.concat([Buffer.of(0), apis.Produce.request.encode(9, value)]);
    const framed = await createRequest({
      correlationId: 5,
      clientId: 'c',
      request: { apiKey: 0, apiVersion: 9, encode: async () => ({ buf: body, buffer: body }) },
    });
    const expected = apis.Produce.request.encodeFrame(
      { apiVersion: 9, correlationId: 5, clientId: 'c' },
      value,
    );
    expect(framed.buffer.toString('hex')).toBe(Buffer.from(expected).toString('hex'));
  });

  it('with maxInFlightRequests null a connection never holds requests back (idem bounds in-flight itself)', () => {
    const queue = new RequestQueue({
      maxInFlightRequests: null,
      requestTimeout: 1_000,
      enforceRequestTimeout: false,
      clientId: 'c',
      broker: 'b',
      logger: { debug() {}, warn() {} },
    });
    for (let i = 0; i < 100; i++) queue.inflight.set(i, {});
    expect(queue.canSendSocketRequestImmediately()).toBe(true);
  });
});
