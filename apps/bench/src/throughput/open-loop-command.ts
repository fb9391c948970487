// `pnpm bench throughput --open-loop [records]`: the options of the throughput command, read for the open loop.
import { OPEN_LOOP_CLIENTS, runOpenLoop } from './open-loop.js';

export { OPEN_LOOP_CLIENTS };

/** Clients only the open loop has: a --clients list naming none of them is the closed loop's default list. */
const OPEN_LOOP_ONLY = new Set(['java', 'idem-core']);

export async function runOpenLoopCommand(opts: {
  broker: string;
  clients: string;
  quick: boolean;
  json: boolean;
  openLoop?: string | true;
}): Promise<void> {
  const records = opts.openLoop === true || opts.openLoop === undefined ? 1_000_000 : Number(opts.openLoop);
  if (!Number.isSafeInteger(records) || records < 1)
    throw new Error('--open-loop takes a positive record count');
  const given = opts.clients.split(',').map((c) => c.trim());
  const clients = given.some((c) => OPEN_LOOP_ONLY.has(c)) ? given : OPEN_LOOP_CLIENTS;
  await runOpenLoop({
    broker: opts.broker as 'kafka' | 'memory',
    clients: clients.filter(Boolean),
    records: opts.quick ? Math.min(records, 100_000) : records,
    rounds: opts.quick ? 1 : 3,
    json: opts.json,
  });
}
