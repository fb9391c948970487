// A minimal adapter: idem's Transport port over raw TCP (node:net), framed and encoded by @idem/codec. It speaks
// ApiVersions, Metadata, InitProducerId and Produce; no TLS, no SASL. docs/writing-an-adapter.md walks through it.
import { connect, type Socket } from 'node:net';
import {
  apis,
  FrameSplitter,
  type InitProducerIdRequest,
  type InitProducerIdResponse,
  type MetadataResponse,
  type ProduceRequest,
  type ProduceResponse,
} from '@idem/codec';
import type { Transport } from '@idem/core';

/** A transport rejection. `notSent: true` promises the request never reached the socket; otherwise the outcome is unknown. */
export class TcpTransportError extends Error {
  readonly notSent: boolean;
  constructor(message: string, notSent: boolean) {
    super(message);
    this.name = 'TcpTransportError';
    this.notSent = notSent;
  }
}

export interface TcpTransportOptions {
  /** `host:port` of any broker. */
  readonly bootstrap: string;
  readonly clientId?: string;
  /** Connect timeout; default 5000 ms. */
  readonly connectTimeoutMs?: number;
  /** Longest wait for any response; default 30000 ms (the core times Produce out earlier on its own). */
  readonly requestTimeoutMs?: number;
  /** Largest response frame accepted; default 64 MiB. */
  readonly maxFrameBytes?: number;
}

type Api = 'ApiVersions' | 'Metadata' | 'InitProducerId' | 'Produce';
/** The versions this adapter encodes, highest first wins when the broker serves it. */
const WANTED: Record<Exclude<Api, 'ApiVersions'>, readonly [number, number]> = {
  Metadata: [4, 12],
  InitProducerId: [0, 4],
  Produce: [3, 9],
};

interface Waiter {
  readonly api: Api;
  readonly version: number;
  readonly resolve: (body: unknown) => void;
  readonly reject: (error: Error) => void;
  readonly timer: NodeJS.Timeout;
}

/** One broker connection: requests are written in order and answered in order, matched by correlation id. */
class Connection {
  private readonly waiting = new Map<number, Waiter>();
  private nextId = 1;
  private closed = false;
  private constructor(
    private readonly socket: Socket,
    private readonly options: Required<Omit<TcpTransportOptions, 'bootstrap'>>,
    private readonly onClose: () => void,
  ) {
    const splitter = new FrameSplitter({ maxFrameSize: options.maxFrameBytes });
    socket.on('data', (chunk) => {
      try {
        for (const frame of splitter.push(chunk)) this.answer(frame);
      } catch (error) {
        this.destroy(`bad frame: ${(error as Error).message}`);
      }
    });
    socket.on('error', (error) => this.destroy(error.message));
    socket.on('close', () => this.destroy('connection closed'));
  }

  static open(
    host: string,
    port: number,
    options: Connection['options'],
    onClose: () => void,
  ): Promise<Connection> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host, port, noDelay: true });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new TcpTransportError(`connect ${host}:${port}: timed out`, true));
      }, options.connectTimeoutMs);
      socket.once('error', (error) => {
        clearTimeout(timer);
        reject(new TcpTransportError(`connect ${host}:${port}: ${error.message}`, true));
      });
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        resolve(new Connection(socket, options, onClose));
      });
    });
  }

  request(api: Api, version: number, body: unknown): Promise<unknown> {
    if (this.closed) return Promise.reject(new TcpTransportError(`${api}: connection closed`, true));
    const correlationId = this.nextId++;
    const codec = apis[api].request as { encodeFrame(h: object, v: unknown): Buffer };
    // Encoding errors happen before anything is written: not sent.
    let frame: Buffer;
    try {
      frame = codec.encodeFrame(
        { apiVersion: version, correlationId, clientId: this.options.clientId },
        body,
      );
    } catch (error) {
      return Promise.reject(new TcpTransportError(`${api}: ${(error as Error).message}`, true));
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.destroy(`${api}: no response in ${this.options.requestTimeoutMs} ms`);
      }, this.options.requestTimeoutMs);
      this.waiting.set(correlationId, { api, version, resolve, reject, timer });
      this.socket.write(frame);
    });
  }

  private answer(frame: Buffer): void {
    const id = frame.readInt32BE(4);
    const waiter = this.waiting.get(id);
    if (waiter === undefined) throw new Error(`unexpected correlation id ${id}`);
    const codec = apis[waiter.api].response as { decodeFrame(v: number, f: Uint8Array): { body: unknown } };
    // A body that does not decode throws here, with the waiter still registered: destroy() rejects it.
    const body = codec.decodeFrame(waiter.version, frame).body;
    this.waiting.delete(id);
    clearTimeout(waiter.timer);
    waiter.resolve(body);
  }

  /** Every request in flight rejects with an unknown outcome: each was written, its answer never read. */
  destroy(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.socket.destroy();
    for (const waiter of this.waiting.values()) {
      clearTimeout(waiter.timer);
      waiter.reject(new TcpTransportError(`${waiter.api}: ${reason}`, false));
    }
    this.waiting.clear();
    this.onClose();
  }
}

/** idem's Transport over one TCP connection per broker. */
export class TcpTransport implements Transport {
  private readonly options: Required<Omit<TcpTransportOptions, 'bootstrap'>>;
  private readonly addresses = new Map<number, { host: string; port: number }>();
  private readonly connections = new Map<number | 'bootstrap', Promise<Connection>>();
  private versions: Promise<Map<string, number>> | null = null;

  constructor(
    private readonly bootstrap: string,
    options: Omit<TcpTransportOptions, 'bootstrap'> = {},
  ) {
    this.options = {
      clientId: options.clientId ?? 'idem-minimal-adapter',
      connectTimeoutMs: options.connectTimeoutMs ?? 5_000,
      requestTimeoutMs: options.requestTimeoutMs ?? 30_000,
      maxFrameBytes: options.maxFrameBytes ?? 64 * 1024 * 1024,
    };
  }

  async metadata(topics: readonly string[]): Promise<MetadataResponse> {
    return this.call('bootstrap', 'Metadata', {
      topics: topics.map((name) => ({ name, topicId: '00000000-0000-0000-0000-000000000000' })),
      allowAutoTopicCreation: false,
      includeTopicAuthorizedOperations: false,
    }) as Promise<MetadataResponse>;
  }

  initProducerId(request: InitProducerIdRequest): Promise<InitProducerIdResponse> {
    return this.call('bootstrap', 'InitProducerId', request) as Promise<InitProducerIdResponse>;
  }

  produce(nodeId: number, request: ProduceRequest): Promise<ProduceResponse> {
    return this.call(nodeId, 'Produce', request) as Promise<ProduceResponse>;
  }

  disconnect(nodeId: number): void {
    const connection = this.connections.get(nodeId);
    this.connections.delete(nodeId);
    void connection?.then(
      (c) => c.destroy('disconnected'),
      () => undefined,
    );
  }

  async close(): Promise<void> {
    for (const key of [...this.connections.keys()]) {
      const connection = this.connections.get(key);
      this.connections.delete(key);
      await connection?.then(
        (c) => c.destroy('closed'),
        () => undefined,
      );
    }
  }

  private async call(
    node: number | 'bootstrap',
    api: Exclude<Api, 'ApiVersions'>,
    body: unknown,
  ): Promise<unknown> {
    const connection = await this.connection(node);
    const served = await this.negotiated();
    const version = served.get(api);
    if (version === undefined) throw new TcpTransportError(`${api}: no version both sides speak`, true);
    const response = await connection.request(api, version, body);
    if (api === 'Metadata') {
      for (const b of (response as MetadataResponse).brokers) this.addresses.set(b.nodeId, b);
    }
    return response;
  }

  /** ApiVersions v0 once, on the bootstrap connection: the highest version of each API both sides speak. */
  private negotiated(): Promise<Map<string, number>> {
    this.versions ??= this.connection('bootstrap')
      .then((c) => c.request('ApiVersions', 0, {}))
      .then((r) => {
        const chosen = new Map<string, number>();
        for (const [api, [min, max]] of Object.entries(WANTED)) {
          const range = (
            r as { apiKeys: { apiKey: number; minVersion: number; maxVersion: number }[] }
          ).apiKeys.find((k) => k.apiKey === apis[api as keyof typeof WANTED].apiKey);
          const version = range === undefined ? -1 : Math.min(max, range.maxVersion);
          if (range !== undefined && version >= Math.max(min, range.minVersion)) chosen.set(api, version);
        }
        return chosen;
      });
    this.versions.catch(() => {
      this.versions = null; // ask again on the next call
    });
    return this.versions;
  }

  private connection(node: number | 'bootstrap'): Promise<Connection> {
    let connection = this.connections.get(node);
    if (connection === undefined) {
      const [host, port] =
        node === 'bootstrap'
          ? [
              this.bootstrap.slice(0, this.bootstrap.lastIndexOf(':')),
              Number(this.bootstrap.split(':').pop()),
            ]
          : [this.addresses.get(node)?.host, this.addresses.get(node)?.port];
      if (host === undefined || port === undefined) {
        return Promise.reject(new TcpTransportError(`no address for broker ${String(node)}`, true));
      }
      connection = Connection.open(host, port, this.options, () => {
        if (this.connections.get(node) === connection) this.connections.delete(node);
      });
      connection.catch(() => {
        if (this.connections.get(node) === connection) this.connections.delete(node);
      });
      this.connections.set(node, connection);
    }
    return connection;
  }
}
