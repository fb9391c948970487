/**
 * Producer-id allocation as Kafka does it since 3.0 (KIP-730): the controller hands out blocks of
 * 1,000 consecutive ids, the first block starting at 0; each broker serves ids from its block in
 * order and fetches the next block once 90% of the current one is used.
 */

/** Kafka's ProducerIdsBlock.PRODUCER_ID_BLOCK_SIZE. */
export const PRODUCER_ID_BLOCK_SIZE = 1000;

/** The controller's side: the next block start, shared by all brokers. */
export class ProducerIdController {
  private nextBlockStart = 0n;

  allocateBlock(): ProducerIdBlock {
    const block = { first: this.nextBlockStart, size: PRODUCER_ID_BLOCK_SIZE };
    this.nextBlockStart += BigInt(PRODUCER_ID_BLOCK_SIZE);
    return block;
  }
}

export interface ProducerIdBlock {
  readonly first: bigint;
  readonly size: number;
}

/** One broker's side. "No block ready" (COORDINATOR_LOAD_IN_PROGRESS) is a fault the cluster injects, not modelled here. */
export class BrokerProducerIds {
  private current: ProducerIdBlock | null = null;
  private used = 0;
  private prefetched: ProducerIdBlock | null = null;

  constructor(private readonly controller: ProducerIdController) {}

  next(): bigint {
    if (this.current === null || this.used >= this.current.size) {
      this.current = this.prefetched ?? this.controller.allocateBlock();
      this.prefetched = null;
      this.used = 0;
    }
    const id = this.current.first + BigInt(this.used);
    this.used++;
    if (this.prefetched === null && this.used >= this.current.size * 0.9) {
      this.prefetched = this.controller.allocateBlock();
    }
    return id;
  }

  /** A restarted broker forgets its blocks; the ids left in them are never handed out (as in Kafka). */
  reset(): void {
    this.current = null;
    this.prefetched = null;
    this.used = 0;
  }
}
