/**
 * One client socket of one broker. Bytes are split into frames (bounded size), and frames are served
 * one at a time through `cluster.handleFrame`: the next is read only after the previous response
 * was written, as Kafka mutes a connection while it processes a request. Responses therefore go out
 * strictly in request order. Whatever the client sends, the worst outcome is this socket closing.
 */
import type { Socket } from 'node:net';
import { FrameSplitter } from '@idem/codec';
import type { MemoryCluster } from '../cluster/memory-cluster.js';
import { BrokerConnectionError } from '../connection/errors.js';
import { FrameRejectedError } from '../wire/frames.js';
import { describeFrame } from './frame-summary.js';
import type { BrokerServerLogger } from './logger.js';

/** Frames read ahead of the one being served before the socket is paused (a pipelining client). */
const MAX_QUEUED_FRAMES = 64;

export interface SessionHost {
  readonly cluster: MemoryCluster;
  readonly logger: BrokerServerLogger;
  readonly maxFrameSize: number;
  /** The socket is gone; forget the session. */
  ended(session: SocketSession): void;
}

export class SocketSession {
  private readonly splitter: FrameSplitter;
  private readonly queue: Buffer[] = [];
  private queuedBytes = 0;
  private busy = false;
  private paused = false;
  private closed = false;

  constructor(
    private readonly host: SessionHost,
    readonly nodeId: number,
    readonly connectionId: string,
    private readonly socket: Socket,
  ) {
    this.splitter = new FrameSplitter({ maxFrameSize: host.maxFrameSize });
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.received(chunk));
    // Errors (ECONNRESET from the client, EPIPE) are followed by 'close', which does the cleanup.
    socket.on('error', () => {});
    socket.on('close', () => this.cleanup());
  }

  get remote(): string {
    return `${this.socket.remoteAddress ?? '?'}:${this.socket.remotePort ?? '?'}`;
  }

  /** Closes the socket. `reset` sends a TCP RST, so the client sees ECONNRESET as after a crash. */
  close(reset = false): void {
    if (this.closed) return;
    this.closed = true;
    if (reset && !this.socket.destroyed) this.socket.resetAndDestroy();
    else this.socket.destroy();
  }

  private received(chunk: Buffer): void {
    if (this.closed) return;
    let frames: Buffer[];
    try {
      frames = this.splitter.push(chunk);
    } catch (error) {
      this.refuse(`unreadable frame: ${(error as Error).message}`);
      return;
    }
    for (const frame of frames) {
      this.queue.push(frame);
      this.queuedBytes += frame.length;
    }
    if (
      !this.paused &&
      (this.queue.length > MAX_QUEUED_FRAMES || this.queuedBytes > this.host.maxFrameSize)
    ) {
      this.paused = true;
      this.socket.pause();
    }
    this.next();
  }

  private next(): void {
    if (this.busy || this.closed) return;
    const frame = this.queue.shift();
    if (frame === undefined) return;
    this.queuedBytes -= frame.length;
    if (this.paused && this.queue.length <= MAX_QUEUED_FRAMES / 2) {
      this.paused = false;
      this.socket.resume();
    }
    this.busy = true;
    this.host.cluster.handleFrame(this.nodeId, this.connectionId, frame).then(
      (response) => this.answered(response),
      (error: unknown) => this.failed(error, frame),
    );
  }

  private answered(response: Buffer | null): void {
    this.busy = false;
    if (this.closed) return;
    if (response !== null && !this.socket.write(response)) {
      this.busy = true; // until the client has taken the response (Kafka unmutes after the send)
      this.socket.once('drain', () => {
        this.busy = false;
        this.next();
      });
      return;
    }
    this.next();
  }

  private failed(error: unknown, frame: Buffer): void {
    this.busy = false;
    if (this.closed) return;
    if (error instanceof FrameRejectedError) {
      this.refuse(`${error.message} (${describeFrame(frame)})`);
    } else if (error instanceof BrokerConnectionError) {
      // A fault reset the connection, or the broker is down: the client sees a dropped connection.
      this.close(error.code === 'ECONNRESET');
    } else {
      this.refuse(
        `internal error serving ${describeFrame(frame)}: ${(error as Error)?.stack ?? String(error)}`,
      );
    }
  }

  /** Kafka closes a connection that sends what it cannot serve; the rest of the broker carries on. */
  private refuse(reason: string): void {
    this.host.logger.warn(
      `broker ${this.nodeId}: closing connection ${this.connectionId} from ${this.remote}: ${reason}`,
    );
    this.close();
  }

  private cleanup(): void {
    this.closed = true;
    this.queue.length = 0;
    this.host.cluster.closeConnection(this.nodeId, this.connectionId);
    this.host.ended(this);
  }
}
