import { IdemError } from './idem-error.js';

/** A producer option is invalid or conflicts with idempotence. Thrown at construction, never later. */
export class ConfigError extends IdemError {
  /** The option's name, e.g. 'maxInFlightRequestsPerConnection'. */
  readonly key: string;
  /** The value that was given. */
  readonly value: unknown;
  /** What the option must be, e.g. 'at most 5 when idempotence is enabled'. */
  readonly requirement: string;

  constructor(key: string, value: unknown, requirement: string) {
    super('ERR_CONFIG', `Invalid producer option ${key}=${describe(value)}: it must be ${requirement}`);
    this.key = key;
    this.value = value;
    this.requirement = requirement;
  }
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'bigint') return `${value}n`;
  return String(value);
}
