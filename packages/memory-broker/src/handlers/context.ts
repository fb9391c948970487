/** What a request handler gets: the cluster state, the broker answering, and the faults planned for this request. */
import type { Broker } from '../cluster/broker.js';
import type { AppendedBatch } from '../cluster/events.js';
import type { ClusterModel } from '../cluster/model.js';
import type { RequestPlan } from '../faults/plan.js';

export interface HandlerContext {
  readonly cluster: ClusterModel;
  readonly broker: Broker;
  readonly connectionId: string;
  /** The client id of the connection's requests (null before any), which Kafka reports for group members. */
  readonly clientId?: string | null;
  readonly plan: RequestPlan;
  /** Clock time the request is processed at. */
  readonly now: number;
  /** Filled by the produce handler: what this request appended (the ack-lost event reports it). */
  readonly appended: AppendedBatch[];
}
