/**
 * Loads the golden message vectors written by Kafka 4.3.0 (tooling/golden-vectors) and turns the
 * `json` of each case — Kafka's JsonConverter output — into the values this codec decodes to.
 *
 * JsonConverter conventions handled here (and only here, not in src):
 * - int64 is a JSON number, possibly beyond 2^53 (parsed from its source text into a bigint);
 * - uuid is Kafka's Uuid.toString(): 22 characters of URL-safe base64 without padding;
 * - bytes are standard base64;
 * - records are written as "" (the bytes are in the case's `recordsHex`, by JSON path) or null;
 * - fields absent at the version, and tagged fields holding their default, are left out: they hold the
 *   schema default;
 * - unknown tagged fields are not in `json` but in the case's `unknownTaggedFields`, by JSON path.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FieldSchema, MessageSchema } from '../../src/protocol/schema/types.js';
import { inVersions } from '../../src/protocol/schema/versions.js';

export interface GoldenCase {
  api: string;
  apiKey: number | null;
  kind: 'request' | 'response';
  version: number;
  name: string;
  flexible: boolean;
  json: unknown;
  hex: string;
  recordsHex?: { path: string; hex: string }[];
  unknownTaggedFields?: { path: string; tag: number; hex: string }[];
}

const here = dirname(fileURLToPath(import.meta.url));
/** Kafka's vectors; IDEM_GOLDEN_DIR points elsewhere (e.g. a scratch run of the generator with more APIs). */
export const GOLDEN_DIR = process.env.IDEM_GOLDEN_DIR ?? join(here, '..', 'fixtures', 'golden', 'messages');

type Reviver = (this: unknown, key: string, value: unknown, context?: { source?: string }) => unknown;

/** JSON.parse that keeps integers beyond 2^53 exact, as bigints (Node's JSON.parse source access). */
export function parseJsonExact(text: string): unknown {
  const reviver: Reviver = (_key, value, context) => {
    if (typeof value === 'number' && !Number.isSafeInteger(value) && context?.source !== undefined) {
      if (/^-?\d+$/.test(context.source)) return BigInt(context.source);
    }
    return value;
  };
  return JSON.parse(text, reviver as (key: string, value: unknown) => unknown);
}

export function goldenFiles(): string[] {
  if (!existsSync(GOLDEN_DIR)) return [];
  return readdirSync(GOLDEN_DIR)
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -'.json'.length))
    .sort();
}

export function loadGolden(api: string): GoldenCase[] {
  const file = join(GOLDEN_DIR, `${api}.json`);
  if (!existsSync(file)) return [];
  return parseJsonExact(readFileSync(file, 'utf8')) as GoldenCase[];
}

export function kafkaUuidToString(text: string): string {
  const bytes = Buffer.from(text, 'base64url');
  if (bytes.length !== 16) throw new Error(`not a Kafka uuid: ${text}`);
  const h = bytes.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

type Obj = Record<string, unknown>;

/** The default the codec fills in for a field missing from Kafka's JSON. */
function defaultOf(field: FieldSchema): unknown {
  if (field.default === null) return null;
  if (field.type.startsWith('[]')) return [];
  if (field.type === 'struct') {
    const o: Obj = {};
    for (const f of field.fields ?? []) o[f.name] = defaultOf(f);
    return o;
  }
  if (field.default !== undefined) return field.default;
  switch (field.type) {
    case 'bool':
      return false;
    case 'int64':
      return 0n;
    case 'string':
      return '';
    case 'uuid':
      return '00000000-0000-0000-0000-000000000000';
    case 'bytes':
      return Buffer.alloc(0);
    case 'records':
      return null;
    default:
      return 0;
  }
}

function scalarFromJson(type: string, value: unknown, path: string, c: GoldenCase): unknown {
  if (value === null) return null;
  switch (type) {
    case 'int64':
      return BigInt(value as number | bigint);
    case 'uuid':
      return kafkaUuidToString(value as string);
    case 'bytes':
      return Buffer.from(value as string, 'base64');
    case 'records': {
      const found = c.recordsHex?.find((r) => r.path === path);
      if (found === undefined) {
        if (value === '') return Buffer.alloc(0);
        throw new Error(`${c.api} v${c.version} ${c.name}: no recordsHex for ${path}`);
      }
      return Buffer.from(found.hex, 'hex');
    }
    default:
      return value;
  }
}

function structFromJson(fields: readonly FieldSchema[], json: Obj, path: string, c: GoldenCase): Obj {
  const out: Obj = {};
  for (const field of fields) {
    const present = inVersions(field.versions, c.version) && Object.hasOwn(json, field.name);
    out[field.name] = present
      ? fieldFromJson(field, json[field.name], `${path}.${field.name}`, c)
      : defaultOf(field);
  }
  const unknown = (c.unknownTaggedFields ?? []).filter((u) => u.path === path);
  if (unknown.length > 0) {
    out._unknownTaggedFields = unknown.map((u) => ({ tag: u.tag, data: Buffer.from(u.hex, 'hex') }));
  }
  return out;
}

function fieldFromJson(field: FieldSchema, value: unknown, path: string, c: GoldenCase): unknown {
  if (value === null) return null;
  if (field.type === 'struct') return structFromJson(field.fields ?? [], value as Obj, path, c);
  if (field.type === '[]struct') {
    return (value as Obj[]).map((e, i) => structFromJson(field.fields ?? [], e, `${path}[${i}]`, c));
  }
  if (field.type.startsWith('[]')) {
    const elem = field.type.slice(2);
    return (value as unknown[]).map((e, i) => scalarFromJson(elem, e, `${path}[${i}]`, c));
  }
  return scalarFromJson(field.type, value, path, c);
}

/** The decoded value the codec must produce for this case (and encode back to `hex`). */
export function expectedValue(schema: MessageSchema, c: GoldenCase): Obj {
  return structFromJson(schema.fields, c.json as Obj, '$', c);
}
