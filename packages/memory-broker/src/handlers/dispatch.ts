/** Routes a decoded request to its handler. */
import type {
  AlterConfigsRequest,
  AlterConfigsResponse,
  ApiVersionsRequest,
  ApiVersionsResponse,
  ConsumerGroupDescribeRequest,
  ConsumerGroupDescribeResponse,
  ConsumerGroupHeartbeatRequest,
  ConsumerGroupHeartbeatResponse,
  CreatePartitionsRequest,
  CreatePartitionsResponse,
  CreateTopicsRequest,
  CreateTopicsResponse,
  DeleteGroupsRequest,
  DeleteGroupsResponse,
  DeleteRecordsRequest,
  DeleteRecordsResponse,
  DeleteTopicsRequest,
  DeleteTopicsResponse,
  DescribeClusterRequest,
  DescribeClusterResponse,
  DescribeConfigsRequest,
  DescribeConfigsResponse,
  DescribeGroupsRequest,
  DescribeGroupsResponse,
  DescribeProducersRequest,
  DescribeProducersResponse,
  DescribeTopicPartitionsRequest,
  DescribeTopicPartitionsResponse,
  FetchRequest,
  FetchResponse,
  FindCoordinatorRequest,
  FindCoordinatorResponse,
  HeartbeatRequest,
  HeartbeatResponse,
  IncrementalAlterConfigsRequest,
  IncrementalAlterConfigsResponse,
  InitProducerIdRequest,
  InitProducerIdResponse,
  JoinGroupRequest,
  JoinGroupResponse,
  LeaveGroupRequest,
  LeaveGroupResponse,
  ListGroupsRequest,
  ListGroupsResponse,
  ListOffsetsRequest,
  ListOffsetsResponse,
  MetadataRequest,
  MetadataResponse,
  OffsetCommitRequest,
  OffsetCommitResponse,
  OffsetFetchRequest,
  OffsetFetchResponse,
  ProduceRequest,
  ProduceResponse,
  SyncGroupRequest,
  SyncGroupResponse,
} from '@idem/codec';
import type { ServedApi } from '../faults/match.js';
import { handleApiVersions } from './api-versions.js';
import { handleDescribeCluster, handleDescribeTopicPartitions } from './cluster-admin.js';
import { handleAlterConfigs, handleDescribeConfigs, handleIncrementalAlterConfigs } from './configs.js';
import { handleConsumerGroupDescribe } from './consumer-group-describe.js';
import { handleConsumerGroupHeartbeat } from './consumer-group-heartbeat.js';
import { consumerStateOf } from './consumer-state.js';
import type { HandlerContext } from './context.js';
import { handleDescribeProducers } from './describe-producers.js';
import { handleFetch } from './fetch.js';
import { handleFindCoordinator } from './find-coordinator.js';
import { handleDeleteGroups, handleDescribeGroups, handleListGroups } from './group-admin.js';
import { handleHeartbeat, handleJoinGroup, handleLeaveGroup, handleSyncGroup } from './group-membership.js';
import { handleOffsetCommit, handleOffsetFetch } from './group-offsets.js';
import { handleInitProducerId } from './init-producer-id.js';
import { handleListOffsets } from './list-offsets.js';
import { handleMetadata } from './metadata.js';
import { handleCreatePartitions, handleDeleteRecords } from './partition-admin.js';
import { handleProduce } from './produce.js';
import { handleCreateTopics, handleDeleteTopics } from './topic-admin.js';

/** Request and response types of each served API, as the codec decodes them. */
export interface ApiTypes {
  Produce: { request: ProduceRequest; response: ProduceResponse };
  InitProducerId: { request: InitProducerIdRequest; response: InitProducerIdResponse };
  Metadata: { request: MetadataRequest; response: MetadataResponse };
  ApiVersions: { request: ApiVersionsRequest; response: ApiVersionsResponse };
  DescribeProducers: { request: DescribeProducersRequest; response: DescribeProducersResponse };
  Fetch: { request: FetchRequest; response: FetchResponse };
  ListOffsets: { request: ListOffsetsRequest; response: ListOffsetsResponse };
  FindCoordinator: { request: FindCoordinatorRequest; response: FindCoordinatorResponse };
  JoinGroup: { request: JoinGroupRequest; response: JoinGroupResponse };
  SyncGroup: { request: SyncGroupRequest; response: SyncGroupResponse };
  Heartbeat: { request: HeartbeatRequest; response: HeartbeatResponse };
  LeaveGroup: { request: LeaveGroupRequest; response: LeaveGroupResponse };
  OffsetCommit: { request: OffsetCommitRequest; response: OffsetCommitResponse };
  OffsetFetch: { request: OffsetFetchRequest; response: OffsetFetchResponse };
  DescribeGroups: { request: DescribeGroupsRequest; response: DescribeGroupsResponse };
  ListGroups: { request: ListGroupsRequest; response: ListGroupsResponse };
  CreateTopics: { request: CreateTopicsRequest; response: CreateTopicsResponse };
  DeleteTopics: { request: DeleteTopicsRequest; response: DeleteTopicsResponse };
  DescribeConfigs: { request: DescribeConfigsRequest; response: DescribeConfigsResponse };
  AlterConfigs: { request: AlterConfigsRequest; response: AlterConfigsResponse };
  IncrementalAlterConfigs: {
    request: IncrementalAlterConfigsRequest;
    response: IncrementalAlterConfigsResponse;
  };
  CreatePartitions: { request: CreatePartitionsRequest; response: CreatePartitionsResponse };
  DeleteRecords: { request: DeleteRecordsRequest; response: DeleteRecordsResponse };
  DeleteGroups: { request: DeleteGroupsRequest; response: DeleteGroupsResponse };
  DescribeCluster: { request: DescribeClusterRequest; response: DescribeClusterResponse };
  DescribeTopicPartitions: {
    request: DescribeTopicPartitionsRequest;
    response: DescribeTopicPartitionsResponse;
  };
  ConsumerGroupHeartbeat: {
    request: ConsumerGroupHeartbeatRequest;
    response: ConsumerGroupHeartbeatResponse;
  };
  ConsumerGroupDescribe: { request: ConsumerGroupDescribeRequest; response: ConsumerGroupDescribeResponse };
}

/** The request object of API `A`, as the codec decodes it (what MemoryCluster.request takes). */
export type RequestOf<A extends ServedApi> = ApiTypes[A]['request'];
/** The response object of API `A`, as the codec encodes it (what MemoryCluster.request resolves with). */
export type ResponseOf<A extends ServedApi> = ApiTypes[A]['response'];

/**
 * What a handler produced: a response, a response still to come (a long-polling Fetch, a JoinGroup
 * waiting for its group), no response (acks=0), or "close the connection" (acks=0 with an error).
 */
export type Handled =
  | { readonly kind: 'response'; readonly response: unknown }
  | { readonly kind: 'deferred'; readonly response: Promise<unknown> }
  | { readonly kind: 'none' }
  | { readonly kind: 'close'; readonly reason: string };

export function dispatch(ctx: HandlerContext, api: ServedApi, version: number, request: unknown): Handled {
  switch (api) {
    case 'Produce': {
      const produce = request as ProduceRequest;
      const outcome = handleProduce(ctx, produce, version);
      if (ctx.appended.length > 0) consumerStateOf(ctx.cluster).appended(ctx.appended);
      if (produce.acks !== 0) return { kind: 'response', response: outcome.response };
      // acks=0: Kafka never answers; on any partition error it closes the connection instead.
      return outcome.anyError ? { kind: 'close', reason: 'acks=0 produce failed' } : { kind: 'none' };
    }
    case 'InitProducerId':
      return { kind: 'response', response: handleInitProducerId(ctx, request as InitProducerIdRequest) };
    case 'Metadata':
      return { kind: 'response', response: handleMetadata(ctx, request as MetadataRequest) };
    case 'ApiVersions':
      return { kind: 'response', response: handleApiVersions(request as ApiVersionsRequest, version) };
    case 'DescribeProducers':
      return {
        kind: 'response',
        response: handleDescribeProducers(ctx, request as DescribeProducersRequest),
      };
    default:
      return dispatchConsumerAdmin(ctx, api, version, request);
  }
}

/** The consumer and admin APIs; JoinGroup, SyncGroup and a waiting Fetch answer later. */
function dispatchConsumerAdmin(
  ctx: HandlerContext,
  api: ServedApi,
  version: number,
  request: unknown,
): Handled {
  const now = (response: unknown): Handled => ({ kind: 'response', response });
  switch (api) {
    case 'Fetch': {
      const response = handleFetch(ctx, request as FetchRequest, version);
      return response instanceof Promise ? { kind: 'deferred', response } : now(response);
    }
    case 'ListOffsets':
      return now(handleListOffsets(ctx, request as ListOffsetsRequest, version));
    case 'FindCoordinator':
      return now(handleFindCoordinator(ctx, request as FindCoordinatorRequest, version));
    case 'JoinGroup':
      return { kind: 'deferred', response: handleJoinGroup(ctx, request as JoinGroupRequest, version) };
    case 'SyncGroup':
      return { kind: 'deferred', response: handleSyncGroup(ctx, request as SyncGroupRequest) };
    case 'Heartbeat':
      return now(handleHeartbeat(ctx, request as HeartbeatRequest));
    case 'LeaveGroup':
      return now(handleLeaveGroup(ctx, request as LeaveGroupRequest, version));
    case 'OffsetCommit':
      return now(handleOffsetCommit(ctx, request as OffsetCommitRequest, version));
    case 'OffsetFetch':
      return now(handleOffsetFetch(ctx, request as OffsetFetchRequest, version));
    case 'DescribeGroups':
      return now(handleDescribeGroups(ctx, request as DescribeGroupsRequest, version));
    case 'ListGroups':
      return now(handleListGroups(ctx, request as ListGroupsRequest));
    case 'CreateTopics':
      return now(handleCreateTopics(ctx, request as CreateTopicsRequest));
    case 'DeleteTopics':
      return now(handleDeleteTopics(ctx, request as DeleteTopicsRequest, version));
    case 'DescribeConfigs':
      return now(handleDescribeConfigs(ctx, request as DescribeConfigsRequest));
    case 'AlterConfigs':
      return now(handleAlterConfigs(ctx, request as AlterConfigsRequest));
    case 'IncrementalAlterConfigs':
      return now(handleIncrementalAlterConfigs(ctx, request as IncrementalAlterConfigsRequest));
    case 'CreatePartitions':
      return now(handleCreatePartitions(ctx, request as CreatePartitionsRequest));
    case 'DeleteRecords':
      return now(handleDeleteRecords(ctx, request as DeleteRecordsRequest));
    case 'DeleteGroups':
      return now(handleDeleteGroups(ctx, request as DeleteGroupsRequest));
    case 'DescribeCluster':
      return now(handleDescribeCluster(ctx, request as DescribeClusterRequest, version));
    case 'DescribeTopicPartitions':
      return now(handleDescribeTopicPartitions(ctx, request as DescribeTopicPartitionsRequest));
    case 'ConsumerGroupHeartbeat':
      return now(handleConsumerGroupHeartbeat(ctx, request as ConsumerGroupHeartbeatRequest, version));
    case 'ConsumerGroupDescribe':
      return now(handleConsumerGroupDescribe(ctx, request as ConsumerGroupDescribeRequest));
    default:
      throw new Error(`no handler for ${api}`);
  }
}
