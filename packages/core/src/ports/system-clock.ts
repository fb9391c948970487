import type { Clock } from './transport.js';

/**
 * The wall clock and Node's timers, for adapters and applications. This is the one module of the core
 * allowed to touch the global clock (lint exempts it by name); everything else gets a Clock injected, so
 * that simulations can run the same code on virtual time. Timers stay ref'd: a pending retry must keep
 * the process alive until its send settles.
 */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};
