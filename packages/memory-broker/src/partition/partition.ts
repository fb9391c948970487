/** One partition: its leader, its log and its producers' state. */
import { PartitionLog } from './log.js';
import { ProducerStateManager } from './producer-state.js';

export class Partition {
  readonly log: PartitionLog;
  readonly producers = new ProducerStateManager();
  /** Bumped on every leader change, as Kafka's controller does. */
  leaderEpoch = 0;

  constructor(
    readonly topic: string,
    readonly index: number,
    public leaderId: number,
    keepBytes: boolean,
  ) {
    this.log = new PartitionLog(keepBytes);
  }

  get name(): string {
    return `${this.topic}-${this.index}`;
  }
}
