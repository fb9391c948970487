import { describe, expect, test } from 'vitest';
import { apis } from '../../src/protocol/apis.generated.js';
import { decodeWholeMessage, encodeMessage } from '../../src/protocol/schema/message-codec.js';
import type { MessageSchema } from '../../src/protocol/schema/types.js';
import { parseVersionRange } from '../../src/protocol/schema/versions.js';
import { RequestHeaderSchema } from '../../src/protocol/schemas/request-header.js';
import { ResponseHeaderSchema } from '../../src/protocol/schemas/response-header.js';
import { Writer } from '../../src/primitives/writer.js';
import { expectedValue, type GoldenCase, goldenFiles, loadGolden } from './golden-fixtures.js';

/** The APIs whose every version must be backed by Kafka's own bytes (tooling/golden-vectors). */
const MUST_BE_COVERED = ['ApiVersions', 'InitProducerId', 'Produce', 'Metadata', 'DescribeProducers'];
const HEADERS: Record<string, MessageSchema> = {
  RequestHeader: RequestHeaderSchema,
  ResponseHeader: ResponseHeaderSchema,
};

function schemaOf(c: GoldenCase): MessageSchema {
  const header = HEADERS[c.api];
  if (header !== undefined) return header;
  const api = apis[c.api as keyof typeof apis];
  if (api === undefined) throw new Error(`fixture for an API the codec does not have: ${c.api}`);
  return c.kind === 'request' ? api.request.schema : api.response.schema;
}

function encode(schema: MessageSchema, version: number, value: unknown): string {
  const w = new Writer(16);
  encodeMessage(schema, version, value, w);
  return w.view().toString('hex');
}

function versionsOf(schema: MessageSchema): number[] {
  const { lowest, highest } = parseVersionRange(schema.validVersions);
  return Array.from({ length: highest - lowest + 1 }, (_, i) => lowest + i);
}

const files = goldenFiles();

describe.each(files)('golden %s', (file) => {
  const cases = loadGolden(file);
  test.each(cases.map((c) => [`${c.kind} v${c.version} ${c.name}`, c] as const))('%s', (_label, c) => {
    const schema = schemaOf(c);
    const expected = expectedValue(schema, c);
    const bytes = Buffer.from(c.hex, 'hex');
    // Kafka's bytes decode to what Kafka's JSON says they hold...
    const decoded = decodeWholeMessage(schema, c.version, bytes);
    expect(decoded).toStrictEqual(expected);
    // ...and the value built from Kafka's JSON encodes to exactly Kafka's bytes.
    expect(encode(schema, c.version, expected)).toBe(c.hex);
  });
});

describe('golden coverage', () => {
  test('every version of the producer APIs, the headers and any API with fixtures has Kafka-written fixtures', () => {
    const missing: string[] = [];
    // [fixture file, schema, whether its latest version is unstable (Kafka flags the API on the request)]
    const schemas: [string, MessageSchema, boolean][] = [
      ['RequestHeader', RequestHeaderSchema, false],
      ['ResponseHeader', ResponseHeaderSchema, false],
    ];
    // Any other API with a fixture file must be covered at every version too.
    const withFixtures = files.filter((f) => f in apis && !MUST_BE_COVERED.includes(f));
    for (const name of [...MUST_BE_COVERED, ...withFixtures]) {
      const api = apis[name as keyof typeof apis];
      schemas.push([name, api.request.schema, api.latestVersionUnstable]);
      schemas.push([name, api.response.schema, api.latestVersionUnstable]);
    }
    for (const [file, schema, latestUnstable] of schemas) {
      const kind =
        schema.type === 'header' ? (schema.name === 'RequestHeader' ? 'request' : 'response') : schema.type;
      const have = new Set(
        loadGolden(file)
          .filter((c) => c.kind === kind)
          .map((c) => c.version),
      );
      const highest = parseVersionRange(schema.validVersions).highest;
      for (const v of versionsOf(schema)) {
        // Kafka's golden generator stops at the last stable version; an unstable latest version
        // (InitProducerId v6 in 4.3.0) is checked by the round-trip properties only.
        if (latestUnstable && v === highest) continue;
        if (!have.has(v)) missing.push(`${schema.name} v${v}`);
      }
    }
    expect(missing).toStrictEqual([]);
  });

  test('each fixture case is one of the kinds Kafka generates, and every version has a full case', () => {
    for (const file of files) {
      const cases = loadGolden(file);
      const full = new Set(cases.filter((c) => c.name === 'full').map((c) => `${c.kind}:${c.version}`));
      for (const c of cases)
        expect(full.has(`${c.kind}:${c.version}`), `${file} ${c.kind} v${c.version}`).toBe(true);
    }
  });
});
