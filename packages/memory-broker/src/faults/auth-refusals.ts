/**
 * Authentication failures: a broker refusing a client's credentials when it opens a connection (SASL handshake
 * or re-authentication). Nothing is sent on a refused connection, and no retry can fix wrong credentials, so the
 * client sees a rejection shaped as @idem/core's FatalConnectionError ({ notSent: true, fatalConnection:
 * 'authentication', message }). Connections already open stay open, as they do in Kafka until re-authentication.
 */

export interface AuthMatch {
  /** The client id the connection is opened with; any client when absent. */
  readonly clientId?: string;
  readonly nodeId?: number;
}

/** How many connection attempts Faults.refuseAuthentication refuses, or for how long; either ends the refusal. */
export interface AuthRefusalOptions {
  /** How many connection attempts to refuse; default `Infinity` (bad credentials). */
  readonly count?: number;
  /** Refuse only for this long from now (clock ms): a window, as while credentials are being rotated. */
  readonly forMs?: number;
}

interface AuthRule {
  readonly match: AuthMatch;
  remaining: number;
  /** Clock time the window ends; Infinity for none. */
  readonly until: number;
}

export class AuthRefusals {
  private rules: AuthRule[] = [];

  add(match: AuthMatch, options: AuthRefusalOptions, now: number): AuthRule {
    const rule: AuthRule = {
      match,
      remaining: options.count ?? Number.POSITIVE_INFINITY,
      until: options.forMs === undefined ? Number.POSITIVE_INFINITY : now + options.forMs,
    };
    if (!(rule.remaining > 0)) throw new RangeError(`refusal count must be positive, got ${rule.remaining}`);
    this.rules.push(rule);
    return rule;
  }

  cancel(rule: AuthRule): void {
    rule.remaining = 0;
    this.rules = this.rules.filter((r) => r !== rule);
  }

  get idle(): boolean {
    return this.rules.length === 0;
  }

  /** Whether a connection attempt of `clientId` to `nodeId` at `now` is refused; spends one of the rule's count. */
  refuses(nodeId: number, clientId: string, now: number): boolean {
    this.rules = this.rules.filter((r) => r.remaining > 0 && now < r.until);
    const rule = this.rules.find(
      (r) =>
        (r.match.clientId === undefined || r.match.clientId === clientId) &&
        (r.match.nodeId === undefined || r.match.nodeId === nodeId),
    );
    if (rule === undefined) return false;
    rule.remaining--;
    return true;
  }
}
