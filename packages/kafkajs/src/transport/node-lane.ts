// Requests to one broker leave in the order they were asked for. kafkajs's Connection#send has awaits of its own
// before the socket write (authentication, encoding), so calling it N times in a row does not by itself promise
// that the bytes are written in that order; the lane hands request i+1 to kafkajs only once request i has been
// encoded, after which both follow the same path to the socket and the microtask queue keeps them in order.
//
// A request that fails before it was handed to the socket path was certainly not sent (`notSent`); the requests
// queued behind it then fail as not sent too, so what reaches the broker is always a prefix of what was asked —
// the core retries them in order instead of seeing a gap.
import { describeError, TransportError } from './transport-error.js';

/** Starts one request; calls `encoded` once kafkajs has taken its body for the socket. */
export type Dispatch<T> = (encoded: () => void) => Promise<T>;

interface Job<T> {
  readonly dispatch: Dispatch<T>;
  readonly resolve: (value: T) => void;
  readonly reject: (error: unknown) => void;
}

export class NodeLane {
  // biome-ignore lint/suspicious/noExplicitAny: jobs of any result type share the queue
  private readonly queue: Job<any>[] = [];
  private pumping = false;

  constructor(readonly nodeId: number) {}

  /** Queues a request; it is dispatched after every request queued before it has been encoded (or failed). */
  enqueue<T>(dispatch: Dispatch<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ dispatch, resolve, reject });
      void this.pump();
    });
  }

  /** Fails every request not yet dispatched (they were never sent). */
  failQueued(reason: string, cause?: unknown): void {
    for (const job of this.queue.splice(0)) {
      job.reject(
        new TransportError(`request to node ${this.nodeId} not sent: ${reason}`, {
          notSent: true,
          nodeId: this.nodeId,
          cause,
        }),
      );
    }
  }

  get queued(): number {
    return this.queue.length;
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      for (let job = this.queue.shift(); job !== undefined; job = this.queue.shift()) {
        await this.run(job);
      }
    } finally {
      this.pumping = false;
    }
  }

  /** Dispatches `job` and resolves once it was encoded or has failed. */
  private run<T>(job: Job<T>): Promise<void> {
    return new Promise<void>((handedOff) => {
      let encoded = false;
      let result: Promise<T>;
      try {
        result = job.dispatch(() => {
          encoded = true;
          handedOff();
        });
      } catch (error) {
        result = Promise.reject(error);
      }
      result.then(
        (value) => {
          job.resolve(value);
          handedOff();
        },
        (error: unknown) => {
          if (error instanceof TransportError) {
            job.reject(error);
          } else {
            const notSent = !encoded;
            job.reject(
              new TransportError(
                `${notSent ? 'request not sent' : 'outcome unknown'} (node ${this.nodeId}): ${describeError(error)}`,
                { notSent, nodeId: this.nodeId, cause: error },
              ),
            );
          }
          if (!encoded) this.failQueued('an earlier request to the same broker was not sent', error);
          handedOff();
        },
      );
    });
  }
}
