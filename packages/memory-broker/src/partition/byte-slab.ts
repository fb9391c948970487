/**
 * Copies of stored batches, carved out of 1 MiB slabs: one allocation per slab instead of one
 * ArrayBuffer per batch keeps the append path light on the garbage collector. Logs only grow, so
 * a slab lives as long as the batches in it.
 */
const SLAB_SIZE = 1 << 20;
/** Larger batches get their own buffer rather than wasting the end of a slab. */
const OWN_BUFFER_ABOVE = SLAB_SIZE / 8;

export class ByteSlab {
  private slab: Buffer = Buffer.alloc(0);
  private used = 0;

  /** A private copy of `bytes`. */
  copy(bytes: Uint8Array): Buffer {
    const n = bytes.length;
    if (n > OWN_BUFFER_ABOVE) return Buffer.from(bytes);
    if (this.used + n > this.slab.length) {
      this.slab = Buffer.allocUnsafeSlow(SLAB_SIZE);
      this.used = 0;
    }
    const out = this.slab.subarray(this.used, this.used + n);
    this.used += n;
    out.set(bytes);
    return out;
  }
}
