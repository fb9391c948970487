// `pnpm bench throughput --open-loop [records]`: the options of the throughput command, read for the open loop.
import { OPEN_LOOP_CLIENTS, runOpenLoop } from './open-loop.js';

export { OPEN_LOOP_CLIENTS };

/** The closed loop's default --clients list: given unchanged with --open-loop, the open loop's own list runs. */
export const CLOSED_LOOP_DEFAULT = 'idem-kafkajs,kafkajs-idempotent,kafkajs,librdkafka';

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
  const clients =
    opts.clients === CLOSED_LOOP_DEFAULT ? OPEN_LOOP_CLIENTS : opts.clients.split(',').map((c) => c.trim());
  await runOpenLoop({
    broker: opts.broker as 'kafka' | 'memory',
    clients: clients.filter(Boolean),
    records: opts.quick ? Math.min(records, 100_000) : records,
    rounds: opts.quick ? 1 : 3,
    json: opts.json,
  });
}
