/** Every message table the codec ships, with every valid version: what the exhaustive tests iterate. */
import { apis } from '../../src/protocol/apis.generated.js';
import type { MessageSchema } from '../../src/protocol/schema/types.js';
import { parseVersionRange } from '../../src/protocol/schema/versions.js';
import { RequestHeaderSchema } from '../../src/protocol/schemas/request-header.js';
import { ResponseHeaderSchema } from '../../src/protocol/schemas/response-header.js';

export const ALL_SCHEMAS: readonly MessageSchema[] = [
  RequestHeaderSchema,
  ResponseHeaderSchema,
  ...Object.values(apis).flatMap((api) => [api.request.schema, api.response.schema]),
];

export function validVersions(schema: MessageSchema): number[] {
  const { lowest, highest } = parseVersionRange(schema.validVersions);
  return Array.from({ length: highest - lowest + 1 }, (_, i) => lowest + i);
}

/** [label, schema, version] for every valid version of every table. */
export const ALL_SCHEMA_VERSIONS: readonly (readonly [string, MessageSchema, number])[] = ALL_SCHEMAS.flatMap(
  (schema) => validVersions(schema).map((v) => [`${schema.name} v${v}`, schema, v] as const),
);
