/**
 * A broker's older view of the cluster. A KRaft broker answers Metadata from the metadata image it has replayed
 * so far; a broker that lags behind the controller's log answers with leaders, partitions and topics as they were
 * some time ago. The memory broker models that by freezing one broker's answer for a while.
 */
import type { MetadataResponse, MetadataResponseTopic } from '@idem/codec';

export interface StaleMetadataImage {
  /** Clock time the broker catches up again. */
  readonly until: number;
  /** When the image was taken. */
  readonly takenAt: number;
  readonly brokers: MetadataResponse['brokers'];
  readonly controllerId: number;
  /** Every topic as it was described then, by name. */
  readonly topics: ReadonlyMap<string, MetadataResponseTopic>;
}
