/** A bare Kafka socket for tests: writes bytes, reads whole response frames, reports the close. */
import { connect, type Socket } from 'node:net';
import { type AnyApiCodec, apis, FrameSplitter } from '@idem/codec';
import type { ServedApi } from '../../src/faults/match.js';

export class RawClient {
  private readonly frames: Buffer[] = [];
  private readonly waiters: ((frame: Buffer) => void)[] = [];
  private readonly splitter = new FrameSplitter();
  private correlationId = 0;
  /** Resolves when the broker (or the test) closes the socket, with the error seen, if any. */
  readonly closed: Promise<Error | undefined>;
  isClosed = false;

  private constructor(readonly socket: Socket) {
    let error: Error | undefined;
    socket.on('data', (chunk: Buffer) => {
      for (const frame of this.splitter.push(chunk)) {
        const waiter = this.waiters.shift();
        if (waiter === undefined) this.frames.push(frame);
        else waiter(frame);
      }
    });
    socket.on('error', (e) => {
      error = e;
    });
    this.closed = new Promise((resolve) =>
      socket.on('close', () => {
        this.isClosed = true;
        resolve(error);
      }),
    );
  }

  static connect(port: number, host = '127.0.0.1'): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = connect({ port, host }, () => {
        socket.off('error', reject);
        resolve(new RawClient(socket));
      });
      socket.once('error', reject);
    });
  }

  write(bytes: Uint8Array): void {
    this.socket.write(bytes);
  }

  /** Encodes and sends one request; returns its correlation id. */
  send(api: ServedApi, version: number, request: unknown): number {
    const correlationId = ++this.correlationId;
    const codec = apis[api] as unknown as AnyApiCodec;
    this.write(
      codec.request.encodeFrame({ apiVersion: version, correlationId, clientId: 'raw' }, request as never),
    );
    return correlationId;
  }

  /** The next response frame, or a rejection after `ms`. */
  nextFrame(ms = 5_000): Promise<Buffer> {
    const ready = this.frames.shift();
    if (ready !== undefined) return Promise.resolve(ready);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no response within ${ms} ms`)), ms);
      this.waiters.push((frame) => {
        clearTimeout(timer);
        resolve(frame);
      });
    });
  }

  /** Sends a request and decodes its response (the next frame must be it). */
  async request<T = unknown>(api: ServedApi, version: number, request: unknown): Promise<T> {
    const correlationId = this.send(api, version, request);
    return this.read<T>(api, version, correlationId);
  }

  async read<T = unknown>(api: ServedApi, version: number, correlationId: number): Promise<T> {
    const codec = apis[api] as unknown as AnyApiCodec;
    const decoded = codec.response.decodeFrame(version, await this.nextFrame());
    if (decoded.correlationId !== correlationId) {
      throw new Error(`expected correlation id ${correlationId}, got ${decoded.correlationId}`);
    }
    return decoded.body as T;
  }

  /** Resolves true if the socket closes within `ms`, false if it is still open then. */
  async closesWithin(ms: number): Promise<boolean> {
    return Promise.race([
      this.closed.then(() => true),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(false), ms)),
    ]);
  }

  destroy(): void {
    this.socket.destroy();
  }
}
