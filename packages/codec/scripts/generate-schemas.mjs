#!/usr/bin/env node
// Generates the protocol message tables and their TypeScript shapes from Apache Kafka's own JSON message
// specs (common/message/*.json inside the kafka-clients jar).
//
//   node packages/codec/scripts/generate-schemas.mjs
//
// To support another API: add its name to APIS below (or a header to HEADERS) and rerun. To support a new
// Kafka release: bump KAFKA_VERSION and rerun; the diff of src/protocol/schemas shows what changed.
// Output (committed): src/protocol/schemas/<kebab-name>.ts per message, src/protocol/schemas/index.ts and
// src/protocol/apis.generated.ts (the typed per-API codec registry).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatWithBiome } from './format-generated.mjs';

const KAFKA_VERSION = process.env.KAFKA_VERSION ?? '4.3.0';

/** Request/response pairs, by Kafka's API name (the JSON files are <Name>Request.json and <Name>Response.json). */
const APIS = [
  'Produce',
  'Fetch',
  'ListOffsets',
  'Metadata',
  'OffsetCommit',
  'OffsetFetch',
  'FindCoordinator',
  'JoinGroup',
  'Heartbeat',
  'LeaveGroup',
  'SyncGroup',
  'DescribeGroups',
  'ListGroups',
  'ApiVersions',
  'CreateTopics',
  'DeleteTopics',
  'InitProducerId',
  'DescribeConfigs',
  'DescribeProducers',
  'AlterConfigs',
  'IncrementalAlterConfigs',
  'CreatePartitions',
  'DeleteRecords',
  'DeleteGroups',
  'DescribeCluster',
  'DescribeTopicPartitions',
  'ConsumerGroupHeartbeat',
  'ConsumerGroupDescribe',
];

/** Single-schema messages (the JSON file is <Name>.json). */
const HEADERS = ['RequestHeader', 'ResponseHeader'];

/** JSON keys the interpreter understands. Anything else fails generation rather than being silently ignored. */
const KNOWN_FIELD_KEYS = new Set([
  'name',
  'type',
  'versions',
  'nullableVersions',
  'taggedVersions',
  'tag',
  'flexibleVersions',
  'default',
  'ignorable',
  'fields',
  // Documentation or Java-generator hints with no effect on the bytes:
  'about',
  'entityType',
  'mapKey',
  'zeroCopy',
]);
const KNOWN_MESSAGE_KEYS = new Set([
  'apiKey',
  'type',
  'listeners',
  'name',
  'validVersions',
  'flexibleVersions',
  'latestVersionUnstable',
  'fields',
  'commonStructs',
  'deprecatedVersions',
]);
const SCALARS = new Set([
  'bool',
  'int8',
  'int16',
  'uint16',
  'int32',
  'uint32',
  'int64',
  'float64',
  'string',
  'bytes',
  'records',
  'uuid',
]);

const here = dirname(fileURLToPath(import.meta.url));
const packageRoot = join(here, '..');
const schemasDir = join(packageRoot, 'src', 'protocol', 'schemas');
const registryFile = join(packageRoot, 'src', 'protocol', 'apis.generated.ts');

function kafkaClientsJar() {
  const repo = process.env.MAVEN_REPO ?? join(homedir(), '.m2', 'repository');
  const jar = join(
    repo,
    'org/apache/kafka/kafka-clients',
    KAFKA_VERSION,
    `kafka-clients-${KAFKA_VERSION}.jar`,
  );
  if (!existsSync(jar)) {
    execFileSync(
      'mvn',
      [
        '-q',
        'dependency:get',
        '-Dtransitive=false',
        `-Dartifact=org.apache.kafka:kafka-clients:${KAFKA_VERSION}`,
      ],
      { stdio: 'inherit' },
    );
  }
  return jar;
}

function readSpec(jar, name) {
  const text = execFileSync('unzip', ['-p', jar, `common/message/${name}.json`], { encoding: 'utf8' });
  if (text.trim() === '') throw new Error(`${name}.json not found in ${jar}`);
  return JSON.parse(stripComments(text));
}

/** Kafka's specs are JSON with // comments (Jackson ALLOW_COMMENTS); drop them outside string literals. */
function stripComments(text) {
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      out += c;
      if (c === '\\') out += text[++i];
      else if (c === '"') inString = false;
    } else if (c === '"') {
      inString = true;
      out += c;
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      out += '\n';
    } else if (c === '/' && text[i + 1] === '*') {
      i = text.indexOf('*/', i + 2) + 1;
      if (i === 0) throw new Error('unterminated block comment');
    } else {
      out += c;
    }
  }
  return out;
}

const lowerFirst = (s) => s.charAt(0).toLowerCase() + s.slice(1);
const kebab = (s) => s.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();

/** Kafka's version notation: 'none', 'N', 'N+', 'N-M'. Returns [lo, hi] with hi = Infinity for 'N+'. */
function parseRange(spec, where) {
  if (spec === 'none') return null;
  let m = /^(\d+)\+$/.exec(spec);
  if (m) return [Number(m[1]), Number.POSITIVE_INFINITY];
  m = /^(\d+)-(\d+)$/.exec(spec);
  if (m) return [Number(m[1]), Number(m[2])];
  m = /^(\d+)$/.exec(spec);
  if (m) return [Number(m[1]), Number(m[1])];
  throw new Error(`${where}: bad version range '${spec}'`);
}

/** Converts one spec field to the table's form; returns { table, struct } where struct describes a TS type. */
function convertField(raw, ctx, path) {
  const where = `${ctx.message}.${path}${raw.name}`;
  for (const key of Object.keys(raw)) {
    if (!KNOWN_FIELD_KEYS.has(key)) throw new Error(`${where}: unsupported key '${key}'`);
  }
  const isArray = raw.type.startsWith('[]');
  const elem = isArray ? raw.type.slice(2) : raw.type;
  const isStruct = !SCALARS.has(elem);
  if (!isStruct && raw.fields) throw new Error(`${where}: scalar with fields`);
  const field = { name: lowerFirst(raw.name) };
  field.type = isStruct ? (isArray ? '[]struct' : 'struct') : raw.type;
  field.versions = raw.versions;
  parseRange(raw.versions, where);
  if (raw.nullableVersions !== undefined) {
    parseRange(raw.nullableVersions, where);
    field.nullableVersions = raw.nullableVersions;
  }
  if (raw.taggedVersions !== undefined || raw.tag !== undefined) {
    if (raw.taggedVersions === undefined || typeof raw.tag !== 'number')
      throw new Error(`${where}: tag and taggedVersions go together`);
    parseRange(raw.taggedVersions, where);
    field.taggedVersions = raw.taggedVersions;
    field.tag = raw.tag;
  }
  if (raw.flexibleVersions !== undefined) {
    if (!['string', 'bytes'].includes(raw.type)) throw new Error(`${where}: flexibleVersions on ${raw.type}`);
    parseRange(raw.flexibleVersions, where);
    field.flexibleVersions = raw.flexibleVersions;
  }
  if (raw.default !== undefined)
    field.default = convertDefault(String(raw.default), field, isArray, isStruct, where);
  if (raw.ignorable === true) field.ignorable = true;
  let struct = null;
  if (isStruct) {
    const rawFields = raw.fields ?? ctx.commonStructs.get(elem);
    if (!rawFields) throw new Error(`${where}: unknown struct type ${elem}`);
    struct = convertStruct(elem, rawFields, ctx, `${path}${raw.name}.`);
    field.fields = struct.fields;
  }
  return { field, struct, about: raw.about ?? '', elem, isArray };
}

function convertStruct(structName, rawFields, ctx, path) {
  const converted = rawFields.map((raw) => convertField(raw, ctx, path));
  const tags = new Set();
  for (const c of converted) {
    if (c.field.tag === undefined) continue;
    if (tags.has(c.field.tag)) throw new Error(`${ctx.message}.${path}: duplicate tag ${c.field.tag}`);
    tags.add(c.field.tag);
  }
  return { name: structName, fields: converted.map((c) => c.field), members: converted };
}

/** Kafka's explicit defaults, as JS values (bigint for int64). Implicit defaults are left to the runtime. */
function convertDefault(text, field, isArray, isStruct, where) {
  if (text === 'null') {
    if (field.nullableVersions === undefined)
      throw new Error(`${where}: null default on a non-nullable field`);
    return null;
  }
  if (isArray || isStruct) throw new Error(`${where}: only null defaults are supported for ${field.type}`);
  switch (field.type) {
    case 'bool':
      if (text !== 'true' && text !== 'false') throw new Error(`${where}: bad bool default ${text}`);
      return text === 'true';
    case 'int8':
    case 'int16':
    case 'uint16':
    case 'int32':
    case 'uint32':
    case 'float64': {
      const n = Number(text);
      if (!Number.isFinite(n)) throw new Error(`${where}: bad numeric default ${text}`);
      return n;
    }
    case 'int64':
      return BigInt(text);
    case 'string':
      return text;
    default:
      throw new Error(`${where}: explicit default on ${field.type} not supported`);
  }
}

// ---------------------------------------------------------------------------------------------------------
// TypeScript output

/** Writes a JS value of the table as TS source. */
function literal(value) {
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'string') return `'${value.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
  return String(value);
}

function fieldLiteral(f, indent) {
  const parts = [`name: ${literal(f.name)}`, `type: ${literal(f.type)}`, `versions: ${literal(f.versions)}`];
  for (const key of [
    'nullableVersions',
    'taggedVersions',
    'tag',
    'flexibleVersions',
    'default',
    'ignorable',
  ]) {
    if (f[key] !== undefined) parts.push(`${key}: ${literal(f[key])}`);
  }
  if (f.fields) parts.push(`fields: ${fieldsLiteral(f.fields, `${indent}  `)}`);
  return `{ ${parts.join(', ')} }`;
}

function fieldsLiteral(fields, indent) {
  if (fields.length === 0) return '[]';
  return `[\n${fields.map((f) => `${indent}  ${fieldLiteral(f, indent)},`).join('\n')}\n${indent}]`;
}

/** Set of versions (within the message's valid range) at which a range matches. */
function versionsIn(spec, valid) {
  const r = parseRange(spec, 'range');
  const out = [];
  for (let v = valid[0]; v <= valid[1]; v++) if (r && v >= r[0] && v <= r[1]) out.push(v);
  return out;
}

function describeVersions(spec, valid) {
  const vs = versionsIn(spec, valid);
  if (vs.length === 0) return 'no valid version';
  if (vs.length === valid[1] - valid[0] + 1) return 'all versions';
  const lo = vs[0];
  const hi = vs[vs.length - 1];
  return lo === hi ? `v${lo} only` : hi === valid[1] ? `v${lo}+` : `v${lo}-${hi}`;
}

function docComment(text, indent) {
  const clean = text.replaceAll('*/', '* /').trim();
  return `${indent}/** ${clean} */\n`;
}

const SCALAR_TS = {
  bool: ['boolean', 'boolean'],
  int8: ['number', 'number'],
  int16: ['number', 'number'],
  uint16: ['number', 'number'],
  int32: ['number', 'number'],
  uint32: ['number', 'number'],
  int64: ['bigint', 'bigint'],
  float64: ['number', 'number'],
  string: ['string', 'string'],
  uuid: ['string', 'string'],
  bytes: ['Buffer', 'Uint8Array'],
  records: ['Buffer', 'Uint8Array'],
};

/** Emits the decoded and input interfaces for a struct and, first, for every struct nested in it. */
function emitInterfaces(message, struct, typeName, valid, scope, flexible, out) {
  // A struct shared through commonStructs is emitted once, at its first use.
  if (out.emitted.has(typeName)) return;
  out.emitted.add(typeName);
  const decoded = [];
  const input = [];
  for (const m of struct.members) {
    const f = m.field;
    const nullable = f.nullableVersions !== undefined && versionsIn(f.nullableVersions, valid).length > 0;
    let dType;
    let iType;
    if (m.struct) {
      const nested = nestedTypeName(message, m.struct.name);
      const inner = scope.filter((v) => versionsIn(f.versions, valid).includes(v));
      emitInterfaces(message, m.struct, nested, valid, inner, flexible, out);
      dType = nested;
      iType = `${nested}Input`;
    } else {
      const elem = m.isArray ? m.elem : f.type;
      [dType, iType] = SCALAR_TS[elem];
    }
    if (m.isArray) {
      dType = `${dType}[]`;
      iType = `readonly ${iType}[]`;
    }
    if (nullable) {
      dType = `${dType} | null`;
      iType = `${iType} | null`;
    }
    // Required in the input type only if present wherever the enclosing struct is, with no Kafka default.
    const present = versionsIn(f.versions, valid);
    const presentAlways = scope.every((v) => present.includes(v));
    const optional = !presentAlways || f.default !== undefined || f.taggedVersions !== undefined;
    const notes = [describeVersions(f.versions, valid)];
    if (f.taggedVersions !== undefined)
      notes.push(`tag ${f.tag} (${describeVersions(f.taggedVersions, valid)})`);
    if (nullable) notes.push(`nullable ${describeVersions(f.nullableVersions, valid)}`);
    if (f.default !== undefined) notes.push(`default ${literal(f.default)}`);
    if (f.type === 'uuid') notes.push('lowercase dashed hex');
    if (f.type === 'records') notes.push('raw record batch bytes');
    const about = `${m.about.trim()} [${notes.join('; ')}]`;
    decoded.push(`${docComment(about, '  ')}  ${f.name}: ${dType};`);
    input.push(`  ${f.name}${optional ? '?' : ''}: ${iType};`);
  }
  if (flexible) {
    decoded.push('  /** Tagged fields this schema does not know, kept so a re-encode preserves them. */');
    decoded.push('  _unknownTaggedFields?: TaggedField[];');
    input.push('  _unknownTaggedFields?: readonly TaggedField[];');
  }
  out.lines.push(
    `/** ${typeName === message ? `${message} as decoded` : `${struct.name} in ${message}, as decoded`}: every field of the schema is present; fields absent at the decoded version hold their defaults. */`,
    `export interface ${typeName} {\n${decoded.join('\n')}\n}`,
    '',
    `/** What encoding ${typeName} accepts: optional fields (tagged, version-dependent or with a Kafka default) fall back to their defaults when undefined. */`,
    `export interface ${typeName}Input {\n${input.join('\n')}\n}`,
    '',
  );
}

function nestedTypeName(message, structName) {
  return structName.startsWith(message) ? structName : `${message}${structName}`;
}

function generateMessage(jar, fileName) {
  const spec = readSpec(jar, fileName);
  for (const key of Object.keys(spec)) {
    if (!KNOWN_MESSAGE_KEYS.has(key)) throw new Error(`${fileName}: unsupported top-level key '${key}'`);
  }
  const commonStructs = new Map((spec.commonStructs ?? []).map((s) => [s.name, s.fields]));
  const ctx = { message: spec.name, commonStructs };
  const top = convertStruct(spec.name, spec.fields ?? [], ctx, '');
  const validRange = parseRange(spec.validVersions, spec.name);
  const flexibleRange = parseRange(spec.flexibleVersions ?? 'none', spec.name);
  const anyFlexible = flexibleRange !== null && validRange[1] >= flexibleRange[0];
  const schemaConst = `${spec.name}Schema`;
  const lines = [
    `// GENERATED by packages/codec/scripts/generate-schemas.mjs from Apache Kafka ${KAFKA_VERSION}`,
    `// (kafka-clients jar, common/message/${fileName}.json). Do not edit: rerun the script to regenerate.`,
    '',
    anyFlexible
      ? "import type { MessageSchema, TaggedField } from '../schema/types.js';"
      : "import type { MessageSchema } from '../schema/types.js';",
    '',
    `/** Field table of ${spec.name}, interpreted by encodeMessage/decodeMessage. */`,
    `export const ${schemaConst}: MessageSchema = {`,
    `  name: ${literal(spec.name)},`,
    `  apiKey: ${spec.apiKey ?? 'null'},`,
    `  type: ${literal(spec.type)},`,
    `  validVersions: ${literal(spec.validVersions)},`,
    `  flexibleVersions: ${literal(spec.flexibleVersions ?? 'none')},`,
  ];
  if (spec.latestVersionUnstable === true) lines.push('  latestVersionUnstable: true,');
  lines.push(`  fields: ${fieldsLiteral(top.fields, '  ')},`, '};', '');
  const all = versionsIn(spec.validVersions, validRange);
  emitInterfaces(spec.name, top, spec.name, validRange, all, anyFlexible, { lines, emitted: new Set() });
  const file = `${kebab(spec.name)}.ts`;
  writeFileSync(join(schemasDir, file), `${lines.join('\n')}\n`);
  return {
    name: spec.name,
    module: `./${kebab(spec.name)}.js`,
    file,
    schemaConst,
    apiKey: spec.apiKey,
    validVersions: spec.validVersions,
  };
}

function main() {
  const jar = kafkaClientsJar();
  mkdirSync(schemasDir, { recursive: true });
  for (const old of readdirSync(schemasDir)) rmSync(join(schemasDir, old));
  const header = `// GENERATED by packages/codec/scripts/generate-schemas.mjs from Apache Kafka ${KAFKA_VERSION}. Do not edit:\n// add names to the lists in that script and rerun it.\n`;

  const messages = [];
  for (const name of HEADERS) messages.push(generateMessage(jar, name));
  const apis = [];
  for (const api of APIS) {
    const request = generateMessage(jar, `${api}Request`);
    const response = generateMessage(jar, `${api}Response`);
    if (request.apiKey !== response.apiKey || request.validVersions !== response.validVersions) {
      throw new Error(`${api}: request and response disagree on apiKey or validVersions`);
    }
    messages.push(request, response);
    apis.push({ api, request, response });
  }

  const index = [header];
  for (const m of messages) index.push(`export * from '${m.module}';`);
  writeFileSync(join(schemasDir, 'index.ts'), `${index.join('\n')}\n`);

  const reg = [header];
  reg.push("import { defineApi } from './api-codec.js';");
  for (const { request, response } of apis) {
    for (const m of [request, response]) {
      reg.push(
        `import { type ${m.name}, type ${m.name}Input, ${m.schemaConst} } from './schemas/${m.module.slice(2)}';`,
      );
    }
  }
  reg.push('', '/** Every API this codec speaks, by Kafka API name. */', 'export const apis = {');
  for (const { api, request, response } of apis) {
    reg.push(
      `  ${api}: defineApi<${request.name}Input, ${request.name}, ${response.name}Input, ${response.name}>(${literal(api)}, ${request.schemaConst}, ${response.schemaConst}),`,
    );
  }
  reg.push('} as const;', '', '/** Kafka API keys of the APIs in `apis`. */', 'export const ApiKey = {');
  for (const { api, request } of apis) reg.push(`  ${api}: ${request.apiKey},`);
  reg.push('} as const;', '');
  writeFileSync(registryFile, reg.join('\n'));

  formatWithBiome(schemasDir, registryFile);
  console.error(`generated ${messages.length} message schemas for ${apis.length} APIs into ${schemasDir}`);
}

main();
