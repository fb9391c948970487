import type { Random } from './transport.js';

/** The default source of randomness (sticky partition choice, backoff jitter) when none is injected. */
export const defaultRandom: Random = { next: () => Math.random() };
