import { CodecError, InvalidLengthError } from '../errors/codec-error.js';

/** A frame's size prefix exceeds the configured maximum (a hostile or desynchronised peer). */
export class FrameTooLargeError extends CodecError {
  static override readonly errorCode = 'ERR_FRAME_TOO_LARGE';
}

/** Options for FrameSplitter. */
export interface FrameSplitterOptions {
  /** Largest frame accepted, counting the bytes after the 4-byte size prefix. Default 100 MiB (Kafka's socket.request.max.bytes). */
  readonly maxFrameSize?: number;
}

const DEFAULT_MAX_FRAME_SIZE = 104_857_600;

/**
 * Splits a TCP byte stream into Kafka frames (int32 size + that many bytes), whatever the chunking: bytes
 * arriving one at a time, several frames in one chunk, a frame spread over many. Each frame is returned
 * whole, size prefix included, ready for decodeRequestFrame / decodeResponseFrame. A frame inside a single
 * chunk is a view of that chunk (no copy); one spread over chunks is copied once. The size is checked
 * against `maxFrameSize` as soon as its four bytes are in, before anything is buffered for it; after an
 * error the stream cannot be resynchronised and every later push throws the same error.
 */
export class FrameSplitter {
  readonly maxFrameSize: number;
  #chunks: Buffer[] = [];
  /** Index of the first chunk still in use; consumed chunks are dropped in batches, not one shift at a time. */
  #first = 0;
  /** Bytes held from #chunks[#first] on, of which the first #head bytes of that chunk are already consumed. */
  #buffered = 0;
  #head = 0;
  #failure: CodecError | undefined;
  /** Total bytes taken from the stream, for error offsets. */
  #streamOffset = 0;

  constructor(options: FrameSplitterOptions = {}) {
    const max = options.maxFrameSize ?? DEFAULT_MAX_FRAME_SIZE;
    if (!Number.isInteger(max) || max < 0 || max > 0x7fff_ffff) {
      throw new RangeError(`maxFrameSize must be an integer in 0..2147483647, got ${max}`);
    }
    this.maxFrameSize = max;
  }

  /** Bytes received but not yet returned as part of a frame. */
  get bufferedBytes(): number {
    return this.#buffered;
  }

  /** Adds a chunk and returns the frames it completes, in stream order (often none). */
  push(chunk: Uint8Array): Buffer[] {
    if (this.#failure !== undefined) throw this.#failure;
    if (chunk.length > 0) {
      this.#chunks.push(
        Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length),
      );
      this.#buffered += chunk.length;
    }
    const frames: Buffer[] = [];
    while (this.#buffered >= 4) {
      const size = this.#peekSize();
      if (size < 0) {
        this.#fail(
          new InvalidLengthError(`frame: size: negative frame size ${size}`, 'size', this.#streamOffset),
        );
      }
      if (size > this.maxFrameSize) {
        this.#fail(
          new FrameTooLargeError(
            `frame: size: frame of ${size} bytes exceeds the ${this.maxFrameSize}-byte limit`,
            'size',
            this.#streamOffset,
          ),
        );
      }
      if (this.#buffered < 4 + size) break;
      frames.push(this.#take(4 + size));
    }
    return frames;
  }

  #fail(error: CodecError): never {
    this.#failure = error;
    this.#chunks = [];
    this.#first = 0;
    this.#buffered = 0;
    this.#head = 0;
    throw error;
  }

  #peekSize(): number {
    let value = 0;
    let chunk = this.#first;
    let at = this.#head;
    for (let i = 0; i < 4; i++) {
      while (at >= this.#chunks[chunk]!.length) {
        chunk++;
        at = 0;
      }
      value = (value << 8) | this.#chunks[chunk]![at++]!;
    }
    return value;
  }

  #take(n: number): Buffer {
    const first = this.#chunks[this.#first]!;
    let out: Buffer;
    if (first.length - this.#head >= n) {
      out = first.subarray(this.#head, this.#head + n);
      this.#advance(first, n);
    } else {
      out = Buffer.allocUnsafe(n);
      let filled = 0;
      while (filled < n) {
        const c = this.#chunks[this.#first]!;
        const count = Math.min(c.length - this.#head, n - filled);
        c.copy(out, filled, this.#head, this.#head + count);
        filled += count;
        this.#advance(c, count);
      }
    }
    this.#buffered -= n;
    this.#streamOffset += n;
    return out;
  }

  /** Consumes `count` bytes of the first chunk `c`, dropping it (and, in batches, its predecessors) when done. */
  #advance(c: Buffer, count: number): void {
    this.#head += count;
    if (this.#head < c.length) return;
    this.#head = 0;
    this.#first++;
    if (this.#first === this.#chunks.length) {
      this.#chunks = [];
      this.#first = 0;
    } else if (this.#first >= 1024) {
      this.#chunks = this.#chunks.slice(this.#first);
      this.#first = 0;
    }
  }
}
