/** Routes a decoded request to its handler. */
import type {
  ApiVersionsRequest,
  ApiVersionsResponse,
  DescribeProducersRequest,
  DescribeProducersResponse,
  InitProducerIdRequest,
  InitProducerIdResponse,
  MetadataRequest,
  MetadataResponse,
  ProduceRequest,
  ProduceResponse,
} from '@idem/codec';
import type { ServedApi } from '../faults/match.js';
import { handleApiVersions } from './api-versions.js';
import type { HandlerContext } from './context.js';
import { handleDescribeProducers } from './describe-producers.js';
import { handleInitProducerId } from './init-producer-id.js';
import { handleMetadata } from './metadata.js';
import { handleProduce } from './produce.js';

/** Request and response types of each served API, as the codec decodes them. */
export interface ApiTypes {
  Produce: { request: ProduceRequest; response: ProduceResponse };
  InitProducerId: { request: InitProducerIdRequest; response: InitProducerIdResponse };
  Metadata: { request: MetadataRequest; response: MetadataResponse };
  ApiVersions: { request: ApiVersionsRequest; response: ApiVersionsResponse };
  DescribeProducers: { request: DescribeProducersRequest; response: DescribeProducersResponse };
}

export type RequestOf<A extends ServedApi> = ApiTypes[A]['request'];
export type ResponseOf<A extends ServedApi> = ApiTypes[A]['response'];

/** What a handler produced: a response, no response (acks=0), or "close the connection" (acks=0 with an error). */
export type Handled =
  | { readonly kind: 'response'; readonly response: unknown }
  | { readonly kind: 'none' }
  | { readonly kind: 'close'; readonly reason: string };

export function dispatch(ctx: HandlerContext, api: ServedApi, version: number, request: unknown): Handled {
  switch (api) {
    case 'Produce': {
      const produce = request as ProduceRequest;
      const outcome = handleProduce(ctx, produce, version);
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
  }
}
