/** ApiVersions: the ranges in SERVED_VERSIONS, no features. */
import type { ApiVersionsRequest, ApiVersionsResponse } from '@idem/codec';
import { KafkaErrorCode } from '@idem/codec';
import { SERVED_VERSIONS } from './versions.js';

/** Kafka's check on the v3+ client software name and version (ApiVersionsRequest.isValid). */
const SOFTWARE_PATTERN = /^[a-zA-Z0-9](?:[a-zA-Z0-9\-.]*[a-zA-Z0-9])?$/;

export function handleApiVersions(request: ApiVersionsRequest, version: number): ApiVersionsResponse {
  if (
    version >= 3 &&
    !(
      SOFTWARE_PATTERN.test(request.clientSoftwareName) &&
      SOFTWARE_PATTERN.test(request.clientSoftwareVersion)
    )
  ) {
    return { ...apiVersionsResponse(KafkaErrorCode.INVALID_REQUEST), apiKeys: [] };
  }
  return apiVersionsResponse(KafkaErrorCode.NONE);
}

function apiVersionsResponse(errorCode: number): ApiVersionsResponse {
  return {
    errorCode,
    apiKeys: Object.values(SERVED_VERSIONS)
      .map((r) => ({ apiKey: r.apiKey, minVersion: r.advertisedMin, maxVersion: r.max }))
      .sort((a, b) => a.apiKey - b.apiKey),
    throttleTimeMs: 0,
    supportedFeatures: [],
    finalizedFeaturesEpoch: -1n,
    finalizedFeatures: [],
    zkMigrationReady: false,
  };
}
