/** Kafka's version-range notation ('none', '3', '3+', '0-12') parsed to inclusive bounds. */
export interface VersionRange {
  readonly lowest: number;
  readonly highest: number;
}

const NONE: VersionRange = { lowest: 1, highest: 0 };
const cache = new Map<string, VersionRange>();

export function parseVersionRange(spec: string): VersionRange {
  const hit = cache.get(spec);
  if (hit !== undefined) return hit;
  let range: VersionRange;
  const plus = /^(\d+)\+$/.exec(spec);
  const span = /^(\d+)-(\d+)$/.exec(spec);
  if (spec === 'none') range = NONE;
  else if (plus) range = { lowest: Number(plus[1]), highest: Number.POSITIVE_INFINITY };
  else if (span) range = { lowest: Number(span[1]), highest: Number(span[2]) };
  else if (/^\d+$/.test(spec)) range = { lowest: Number(spec), highest: Number(spec) };
  else throw new Error(`invalid Kafka version range '${spec}'`);
  cache.set(spec, range);
  return range;
}

/** Whether `version` is in the range; an absent range (undefined) contains nothing. */
export function inVersions(spec: string | undefined, version: number): boolean {
  if (spec === undefined) return false;
  const r = parseVersionRange(spec);
  return version >= r.lowest && version <= r.highest;
}
