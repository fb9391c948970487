import type { Random } from '../../ports/transport.js';

/**
 * Exponential backoff with ±20% jitter (Java's retry.backoff.ms / retry.backoff.max.ms scheme): attempt 1 waits
 * about `baseMs`, each further attempt doubles it, capped at `maxMs`.
 */
export function backoffMs(attempt: number, baseMs: number, maxMs: number, random: Random): number {
  if (baseMs <= 0) return 0;
  const exp = Math.min(maxMs, baseMs * 2 ** Math.max(0, Math.min(attempt - 1, 30)));
  const jitter = 0.8 + 0.4 * random.next();
  return Math.max(0, Math.round(Math.min(maxMs, exp * jitter)));
}
