// Kafka frames on a TCP stream: a 4-byte big-endian size, then that many bytes. The splitter turns arbitrary chunks
// into whole frames (size prefix included, so a frame can be forwarded untouched) and refuses sizes above a bound
// before buffering them, so a corrupt or hostile peer cannot make the proxy allocate without limit.

/** Raised (through `onError`) when a peer announces a frame larger than the bound, or a negative size. */
export class FrameTooLargeError extends Error {
  constructor(
    readonly size: number,
    readonly maxFrameBytes: number,
  ) {
    super(`fault proxy: frame of ${size} bytes exceeds the ${maxFrameBytes}-byte bound`);
    this.name = 'FrameTooLargeError';
  }
}

export class FrameSplitter {
  private chunks: Buffer[] = [];
  private buffered = 0;
  /** Size of the frame being assembled (payload only), or -1 while its 4-byte prefix is incomplete. */
  private pending = -1;
  private failed = false;

  constructor(
    private readonly maxFrameBytes: number,
    private readonly onFrame: (frame: Buffer) => void,
    private readonly onError: (error: FrameTooLargeError) => void,
  ) {}

  /** Feeds one chunk read from the socket; calls `onFrame` for every frame it completes, in order. */
  push(chunk: Buffer): void {
    if (this.failed || chunk.length === 0) return;
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    while (!this.failed) {
      if (this.pending < 0) {
        if (this.buffered < 4) return;
        const size = this.peekInt32();
        if (size < 0 || size > this.maxFrameBytes) {
          this.failed = true;
          this.chunks = [];
          this.buffered = 0;
          this.onError(new FrameTooLargeError(size, this.maxFrameBytes));
          return;
        }
        this.pending = size;
      }
      const total = 4 + this.pending;
      if (this.buffered < total) return;
      this.pending = -1;
      this.onFrame(this.take(total));
    }
  }

  /** Bytes received but not yet part of a whole frame (for diagnostics). */
  get bufferedBytes(): number {
    return this.buffered;
  }

  private peekInt32(): number {
    const first = this.chunks[0] as Buffer;
    if (first.length >= 4) return first.readInt32BE(0);
    const joined = Buffer.concat(this.chunks);
    this.chunks = [joined];
    return joined.readInt32BE(0);
  }

  /** Removes the first `n` buffered bytes as one Buffer (a view when they sit in one chunk). */
  private take(n: number): Buffer {
    const first = this.chunks[0] as Buffer;
    let out: Buffer;
    if (first.length >= n) {
      out = first.subarray(0, n);
      if (first.length === n) this.chunks.shift();
      else this.chunks[0] = first.subarray(n);
    } else {
      const joined = Buffer.concat(this.chunks);
      out = joined.subarray(0, n);
      this.chunks = joined.length > n ? [joined.subarray(n)] : [];
    }
    this.buffered -= n;
    return out;
  }
}
