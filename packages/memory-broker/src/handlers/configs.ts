/**
 * DescribeConfigs, IncrementalAlterConfigs and AlterConfigs on topics and brokers (Kafka's ConfigHelper,
 * ConfigAdminManager.preprocess and the controller's ConfigurationControlManager). The configs are the
 * ones in cluster/configs.ts; a change to one the broker honours (max.message.bytes, segment.bytes,
 * message.timestamp.*) applies to the next append. Other resource types (groups, loggers, client
 * metrics) are answered INVALID_REQUEST.
 */
import type {
  AlterConfigsRequest,
  AlterConfigsResponse,
  DescribeConfigsRequest,
  DescribeConfigsResponse,
  DescribeConfigsResponseDescribeConfigsResult,
  IncrementalAlterConfigsRequest,
  IncrementalAlterConfigsResponse,
} from '@idem/codec';
import { KafkaErrorCode } from '@idem/codec';
import {
  BROKER_CONFIG_BY_NAME,
  BROKER_CONFIGS,
  type ConfigDef,
  ConfigType,
  describeBrokerConfig,
  describeTopicConfig,
  invalidValue,
  ResourceType,
  TOPIC_CONFIG_BY_NAME,
  TOPIC_CONFIGS,
} from '../cluster/configs.js';
import { validateTopicName } from '../cluster/topic-name.js';
import type { HandlerContext } from './context.js';

const { NONE, INVALID_REQUEST, INVALID_CONFIG, UNKNOWN_TOPIC_OR_PARTITION, INVALID_TOPIC_EXCEPTION } =
  KafkaErrorCode;

/** AlterConfigOp.OpType ids. */
const OP = { SET: 0, DELETE: 1, APPEND: 2, SUBTRACT: 3 } as const;

class ResourceError extends Error {
  constructor(
    readonly errorCode: number,
    message: string | null,
  ) {
    super(message ?? '');
  }
}

export function handleDescribeConfigs(
  ctx: HandlerContext,
  request: DescribeConfigsRequest,
): DescribeConfigsResponse {
  const injected = ctx.plan.topLevelError?.errorCode;
  return {
    throttleTimeMs: 0,
    results: request.resources.map((resource): DescribeConfigsResponseDescribeConfigsResult => {
      const base = { resourceType: resource.resourceType, resourceName: resource.resourceName };
      if (injected !== undefined) return { ...base, errorCode: injected, errorMessage: null, configs: [] };
      try {
        const wanted = resource.configurationKeys;
        const keep = (name: string) => wanted === null || wanted.length === 0 || wanted.includes(name);
        const described = describeResource(ctx, resource.resourceType, resource.resourceName).filter((c) =>
          keep(c.name),
        );
        return {
          ...base,
          errorCode: NONE,
          errorMessage: null,
          configs: described.map((c) => ({
            ...c,
            synonyms: request.includeSynonyms ? c.synonyms : [],
          })),
        };
      } catch (error) {
        if (!(error instanceof ResourceError)) throw error;
        return { ...base, errorCode: error.errorCode, errorMessage: error.message || null, configs: [] };
      }
    }),
  };
}

function describeResource(ctx: HandlerContext, type: number, name: string) {
  const { cluster } = ctx;
  switch (type) {
    case ResourceType.TOPIC: {
      const nameError = validateTopicName(name);
      if (nameError !== null) throw new ResourceError(INVALID_TOPIC_EXCEPTION, nameError);
      const topic = cluster.topic(name);
      if (topic === undefined) throw new ResourceError(UNKNOWN_TOPIC_OR_PARTITION, null);
      const layers = cluster.configLayers(ctx.broker.nodeId);
      return TOPIC_CONFIGS.map((def) => describeTopicConfig(def, topic.overrides, layers));
    }
    case ResourceType.BROKER: {
      const perBroker = name !== '';
      if (perBroker) requireThisBroker(ctx, name);
      const layers = cluster.configLayers(ctx.broker.nodeId);
      return BROKER_CONFIGS.filter((def) => perBroker || layers.clusterDefault.has(def.name)).map((def) =>
        describeBrokerConfig(def, layers, perBroker),
      );
    }
    default:
      throw new ResourceError(INVALID_REQUEST, `Unsupported resource type: ${type}`);
  }
}

/** ConfigHelper.resourceNameToBrokerId: a broker resource names the broker the request went to. */
function requireThisBroker(ctx: HandlerContext, name: string): void {
  if (!/^-?\d+$/.test(name)) {
    throw new ResourceError(INVALID_REQUEST, `Broker id must be an integer, but it is: ${name}`);
  }
  if (Number(name) !== ctx.broker.nodeId) {
    throw new ResourceError(
      INVALID_REQUEST,
      `Unexpected broker id, expected ${ctx.broker.nodeId} or empty string, but received ${name}`,
    );
  }
}

interface Change {
  readonly name: string;
  readonly op: number;
  readonly value: string | null;
}

export function handleIncrementalAlterConfigs(
  ctx: HandlerContext,
  request: IncrementalAlterConfigsRequest,
): IncrementalAlterConfigsResponse {
  return {
    throttleTimeMs: 0,
    responses: alterEach(
      ctx,
      request.resources.map((r) => ({
        resourceType: r.resourceType,
        resourceName: r.resourceName,
        changes: r.configs.map((c) => ({ name: c.name, op: c.configOperation, value: c.value })),
        replace: false,
      })),
      request.validateOnly,
    ),
  };
}

/** The legacy AlterConfigs: the resource's dynamic configs become exactly the ones given. */
export function handleAlterConfigs(ctx: HandlerContext, request: AlterConfigsRequest): AlterConfigsResponse {
  return {
    throttleTimeMs: 0,
    responses: alterEach(
      ctx,
      request.resources.map((r) => ({
        resourceType: r.resourceType,
        resourceName: r.resourceName,
        changes: r.configs.map((c) => ({ name: c.name, op: OP.SET, value: c.value })),
        replace: true,
      })),
      request.validateOnly,
    ),
  };
}

interface AlterResource {
  readonly resourceType: number;
  readonly resourceName: string;
  readonly changes: readonly Change[];
  readonly replace: boolean;
}

function alterEach(ctx: HandlerContext, resources: readonly AlterResource[], validateOnly: boolean) {
  const injected = ctx.plan.topLevelError?.errorCode;
  const count = new Map<string, number>();
  const key = (r: AlterResource) => `${r.resourceType}:${r.resourceName}`;
  for (const r of resources) count.set(key(r), (count.get(key(r)) ?? 0) + 1);
  return resources.map((r) => {
    const base = { resourceType: r.resourceType, resourceName: r.resourceName };
    if (injected !== undefined) return { ...base, errorCode: injected, errorMessage: null };
    if (count.get(key(r))! > 1) {
      return { ...base, errorCode: INVALID_REQUEST, errorMessage: 'Each resource must appear at most once.' };
    }
    try {
      alterResource(ctx, r, validateOnly);
      return { ...base, errorCode: NONE, errorMessage: null };
    } catch (error) {
      if (!(error instanceof ResourceError)) throw error;
      return { ...base, errorCode: error.errorCode, errorMessage: error.message || null };
    }
  });
}

function alterResource(ctx: HandlerContext, r: AlterResource, validateOnly: boolean): void {
  const { cluster } = ctx;
  const names = r.changes.map((c) => c.name);
  if (new Set(names).size !== names.length)
    throw new ResourceError(INVALID_REQUEST, 'Error due to duplicate config keys');
  const nulls = r.changes.filter((c) => c.op !== OP.DELETE && c.value === null).map((c) => c.name);
  if (nulls.length > 0)
    throw new ResourceError(INVALID_REQUEST, `Null value not supported for : ${nulls.join(', ')}`);
  switch (r.resourceType) {
    case ResourceType.TOPIC: {
      const nameError = validateTopicName(r.resourceName);
      if (nameError !== null) throw new ResourceError(INVALID_TOPIC_EXCEPTION, nameError);
      const topic = cluster.topic(r.resourceName);
      if (topic === undefined) throw new ResourceError(UNKNOWN_TOPIC_OR_PARTITION, null);
      const next = applyChanges(r, topic.overrides, (name) => {
        const def = TOPIC_CONFIG_BY_NAME.get(name);
        if (def === undefined) throw new ResourceError(INVALID_CONFIG, `Unknown topic config name: ${name}`);
        return def;
      });
      if (validateOnly) return;
      cluster.setTopicOverrides(topic, next);
      cluster.events.record({
        kind: 'topic-config-changed',
        topic: topic.name,
        detail: JSON.stringify(Object.fromEntries(next)),
      });
      return;
    }
    case ResourceType.BROKER: {
      const perBroker = r.resourceName !== '';
      if (perBroker) requireThisBroker(ctx, r.resourceName);
      const target = perBroker ? ctx.broker.dynamicConfigs : cluster.clusterConfigs;
      const next = applyChanges(r, target, (name) => {
        const def = BROKER_CONFIG_BY_NAME.get(name);
        if (def === undefined)
          throw new ResourceError(INVALID_REQUEST, `Unknown broker config name: ${name}`);
        if (!def.dynamic) {
          throw new ResourceError(INVALID_REQUEST, `Cannot update these configs dynamically: Set(${name})`);
        }
        return def;
      });
      if (validateOnly) return;
      target.clear();
      for (const [name, value] of next) target.set(name, value);
      for (const topic of cluster.topics.values()) cluster.refreshTopicConfig(topic);
      return;
    }
    default:
      throw new ResourceError(INVALID_REQUEST, `Unknown resource type ${r.resourceType}`);
  }
}

/** The configs after the changes, each validated; throws the resource's error. */
function applyChanges(
  r: AlterResource,
  current: ReadonlyMap<string, string>,
  definition: (name: string) => ConfigDef,
): Map<string, string> {
  const next = r.replace ? new Map<string, string>() : new Map(current);
  for (const change of r.changes) {
    const def = definition(change.name);
    switch (change.op) {
      case OP.SET:
        next.set(change.name, change.value!);
        break;
      case OP.DELETE:
        next.delete(change.name);
        break;
      case OP.APPEND:
      case OP.SUBTRACT: {
        if (def.type !== ConfigType.LIST) {
          throw new ResourceError(
            INVALID_CONFIG,
            `Config value append is not allowed for config key: ${change.name}`,
          );
        }
        const have = (next.get(change.name) ?? def.defaultValue ?? '').split(',').filter((s) => s !== '');
        const given = change.value!.split(',').map((s) => s.trim());
        const result =
          change.op === OP.APPEND
            ? [...have, ...given.filter((g) => !have.includes(g))]
            : have.filter((h) => !given.includes(h));
        next.set(change.name, result.join(','));
        break;
      }
      default:
        throw new ResourceError(INVALID_REQUEST, `Unknown operations type ${change.op}`);
    }
    const value = next.get(change.name);
    if (value !== undefined) {
      const error = invalidValue(def, value);
      if (error !== null) throw new ResourceError(INVALID_CONFIG, error);
    }
  }
  return next;
}
