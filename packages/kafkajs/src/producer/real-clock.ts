import { systemClock } from '@idem/core';

/** Wall-clock time for the core, which reads time only through a Clock. */
export const realClock = systemClock;
