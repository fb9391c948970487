// A stand-in broker and client that speak only Kafka framing, so proxy behaviour can be tested exactly (what the
// broker received, when, what the client got) without a JVM.
import { createServer, type Server, type Socket, connect } from 'node:net';
import { Writer } from '@idem/codec';
import { FrameSplitter } from '../../src/frame-splitter.js';
import { type RequestInfo, readRequestInfo } from '../../src/request-header.js';

export interface Received {
  readonly apiKey: number;
  readonly correlationId: number;
  readonly at: number;
}

/** Answers every request by echoing its body, except Metadata (v1: itself as node 1) and Produce with acks=0. */
export class FakeBroker {
  readonly received: Received[] = [];
  private readonly sockets = new Set<Socket>();
  private readonly held: (() => void)[] = [];
  /** While true, responses are kept until release(). */
  holding = false;
  /** When set and it returns a frame, that whole frame (size prefix included) is the answer instead of the echo. */
  respond: ((info: RequestInfo, frame: Buffer) => Buffer | null) | null = null;

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(): Promise<FakeBroker> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen({ host: '127.0.0.1', port: 0 }, resolve));
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('no address');
    const broker = new FakeBroker(server, address.port);
    server.on('connection', (socket) => broker.serve(socket));
    return broker;
  }

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  get connections(): number {
    return this.sockets.size;
  }

  release(): void {
    this.holding = false;
    for (const answer of this.held.splice(0)) answer();
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private serve(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => {});
    const splitter = new FrameSplitter(
      1 << 20,
      (frame) => {
        const info = readRequestInfo(frame);
        this.received.push({ apiKey: info.apiKey, correlationId: info.correlationId, at: performance.now() });
        if (!info.expectsResponse) return;
        const body = info.apiKey === 3 ? this.metadataV1() : frame.subarray(4);
        const response =
          this.respond?.(info, frame) ??
          new Writer()
            .int32(4 + body.length)
            .int32(info.correlationId)
            .raw(body)
            .toBuffer();
        const answer = () => {
          if (!socket.destroyed) socket.write(response);
        };
        if (this.holding) this.held.push(answer);
        else answer();
      },
      () => socket.destroy(),
    );
    socket.on('data', (chunk: Buffer) => splitter.push(chunk));
  }

  private metadataV1(): Buffer {
    return new Writer()
      .int32(1) // brokers
      .int32(1)
      .string('127.0.0.1')
      .int32(this.port)
      .nullableString(null)
      .int32(1) // controllerId
      .int32(0) // topics
      .toBuffer();
  }
}

export interface Response {
  readonly correlationId: number;
  readonly body: Buffer;
  /** The whole frame, size prefix included. */
  readonly frame: Buffer;
  readonly at: number;
}

/** A raw Kafka client: sends hand-built requests, collects responses, notices when the connection closes. */
export class FakeClient {
  readonly responses: Response[] = [];
  readonly closed: Promise<void>;
  isClosed = false;
  private waiters: (() => void)[] = [];

  private constructor(private readonly socket: Socket) {
    const splitter = new FrameSplitter(
      1 << 20,
      (frame) => {
        this.responses.push({
          correlationId: frame.readInt32BE(4),
          body: frame.subarray(8),
          frame,
          at: performance.now(),
        });
        this.wake();
      },
      () => socket.destroy(),
    );
    socket.on('data', (chunk: Buffer) => splitter.push(chunk));
    socket.on('error', () => {});
    this.closed = new Promise((resolve) =>
      socket.on('close', () => {
        this.isClosed = true;
        this.wake();
        resolve();
      }),
    );
  }

  static async connect(address: string): Promise<FakeClient> {
    const [host, port] = address.split(':');
    const socket = connect({ host: host as string, port: Number(port) });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    return new FakeClient(socket);
  }

  /** Request header v1 (non-flexible) + body. Produce bodies start with transactionalId (null) and acks. */
  send(
    apiKey: number,
    correlationId: number,
    options: { apiVersion?: number; acks?: number; body?: Buffer } = {},
  ): void {
    const body = new Writer();
    if (apiKey === 0)
      body
        .nullableString(null)
        .int16(options.acks ?? -1)
        .int32(30_000);
    if (options.body) body.raw(options.body);
    const payload = new Writer()
      .int16(apiKey)
      .int16(options.apiVersion ?? (apiKey === 3 ? 1 : 7))
      .int32(correlationId)
      .nullableString('fake')
      .raw(body.view())
      .toBuffer();
    this.socket.write(new Writer().int32(payload.length).raw(payload).toBuffer());
  }

  /** Writes raw bytes (for malformed input). */
  sendRaw(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  /** Resolves once `n` responses arrived or the connection closed, or rejects after `timeoutMs`. */
  async waitFor(n: number, timeoutMs = 2_000): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    while (this.responses.length < n && !this.isClosed) {
      const left = deadline - performance.now();
      if (left <= 0) throw new Error(`timed out waiting for ${n} responses (have ${this.responses.length})`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  close(): void {
    this.socket.destroy();
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `condition` until true or `timeoutMs` passes. */
export async function eventually(
  condition: () => boolean,
  timeoutMs = 2_000,
  what = 'condition',
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}
