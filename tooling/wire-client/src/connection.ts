import { connect, type Socket } from 'node:net';
import { type AnyApiCodec, apis, FrameSplitter, peekCorrelationId } from '@idem/codec';

/** Every API this client can call, by its codec name. */
export type ApiName = keyof typeof apis;

type RequestOf<N extends ApiName> = Parameters<(typeof apis)[N]['request']['encode']>[1];
type ResponseOf<N extends ApiName> = ReturnType<(typeof apis)[N]['response']['decode']>;

export interface ConnectionOptions {
  readonly host: string;
  readonly port: number;
  readonly clientId?: string;
  /** Rejects a request whose response takes longer (ms); the connection is then closed, as Kafka clients do. */
  readonly requestTimeoutMs?: number;
  readonly maxFrameBytes?: number;
}

/** The error a request rejects with when its connection ends before the response arrived. */
export class ConnectionClosedError extends Error {
  readonly code = 'ECONNRESET';
  /** True only when the request was never written to the socket. */
  readonly notSent: boolean;
  constructor(message: string, notSent: boolean) {
    super(message);
    this.name = 'ConnectionClosedError';
    this.notSent = notSent;
  }
}

interface Pending {
  readonly api: AnyApiCodec;
  readonly version: number;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: Error) => void;
  readonly timer: NodeJS.Timeout | undefined;
}

/**
 * One TCP connection to one Kafka broker. Requests are written in call order and pipelined; Kafka
 * answers each connection's requests in order, and responses are matched by correlation id anyway.
 */
export class KafkaConnection {
  private readonly socket: Socket;
  private readonly splitter: FrameSplitter;
  private readonly pending = new Map<number, Pending>();
  private readonly ready: Promise<void>;
  private nextCorrelationId = 1;
  private closedWith: Error | undefined;

  private constructor(private readonly options: ConnectionOptions) {
    this.splitter = new FrameSplitter({ maxFrameSize: options.maxFrameBytes ?? 64 * 1024 * 1024 });
    this.socket = connect({ host: options.host, port: options.port, noDelay: true });
    this.ready = new Promise((resolve, reject) => {
      this.socket.once('connect', resolve);
      this.socket.once('error', reject);
    });
    this.socket.on('data', (chunk) => this.onData(chunk));
    this.socket.on('error', (error) => this.fail(error));
    this.socket.on('close', () =>
      this.fail(new ConnectionClosedError('connection closed by the broker', false)),
    );
  }

  static async open(options: ConnectionOptions): Promise<KafkaConnection> {
    const connection = new KafkaConnection(options);
    await connection.ready;
    return connection;
  }

  get closed(): boolean {
    return this.closedWith !== undefined;
  }

  /** Sends one request and resolves with the decoded response body. */
  request<N extends ApiName>(name: N, version: number, body: RequestOf<N>): Promise<ResponseOf<N>> {
    const api = apis[name] as unknown as AnyApiCodec;
    if (this.closedWith !== undefined) {
      return Promise.reject(new ConnectionClosedError(`${name}: connection already closed`, true));
    }
    const correlationId = this.nextCorrelationId++;
    const frame = api.request.encodeFrame(
      { apiVersion: version, correlationId, clientId: this.options.clientId ?? 'idem-wire-client' },
      body as never,
    );
    return new Promise((resolve, reject) => {
      const timeoutMs = this.options.requestTimeoutMs;
      const timer =
        timeoutMs === undefined
          ? undefined
          : setTimeout(
              () => this.close(new Error(`${name} v${version}: no response within ${timeoutMs} ms`)),
              timeoutMs,
            );
      this.pending.set(correlationId, {
        api,
        version,
        resolve: resolve as (v: unknown) => void,
        reject,
        timer,
      });
      this.socket.write(frame);
    });
  }

  /** Sends a request whose response is not awaited (acks=0 Produce). */
  sendOnly<N extends ApiName>(name: N, version: number, body: RequestOf<N>): void {
    const api = apis[name] as unknown as AnyApiCodec;
    const correlationId = this.nextCorrelationId++;
    this.socket.write(
      api.request.encodeFrame(
        { apiVersion: version, correlationId, clientId: 'idem-wire-client' },
        body as never,
      ),
    );
  }

  /** Writes raw bytes (hostile-input tests). */
  writeRaw(bytes: Uint8Array): void {
    this.socket.write(bytes);
  }

  close(reason: Error = new ConnectionClosedError('connection closed by the client', false)): void {
    this.fail(reason);
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    let frames: Buffer[];
    try {
      frames = this.splitter.push(chunk);
    } catch (error) {
      this.close(error as Error);
      return;
    }
    for (const frame of frames) {
      const correlationId = peekCorrelationId(frame);
      const entry = this.pending.get(correlationId);
      if (entry === undefined) continue; // a response to a request that already timed out
      this.pending.delete(correlationId);
      if (entry.timer !== undefined) clearTimeout(entry.timer);
      try {
        entry.resolve(entry.api.response.decodeFrame(entry.version, frame).body);
      } catch (error) {
        entry.reject(error as Error);
      }
    }
  }

  private fail(error: Error): void {
    if (this.closedWith === undefined) this.closedWith = error;
    for (const [id, entry] of this.pending) {
      this.pending.delete(id);
      if (entry.timer !== undefined) clearTimeout(entry.timer);
      entry.reject(error);
    }
  }
}

/** Parses `host:port` (IPv6 in brackets allowed). */
export function parseAddress(address: string): { host: string; port: number } {
  const match = /^\[?([^\]]+)\]?:(\d+)$/.exec(address.trim());
  if (match === null) throw new Error(`not a host:port address: ${JSON.stringify(address)}`);
  return { host: match[1]!, port: Number(match[2]) };
}
