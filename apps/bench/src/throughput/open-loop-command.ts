// `pnpm bench throughput --open-loop [records]`: the options of the throughput command, read for the open loop.
import { UsageError } from '../usage-error.js';
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
  rounds?: string;
}): Promise<void> {
  const records = opts.openLoop === true || opts.openLoop === undefined ? 1_000_000 : Number(opts.openLoop);
  if (!Number.isSafeInteger(records) || records < 1)
    throw new UsageError(`--open-loop takes a positive record count, got '${String(opts.openLoop)}'`);
  const rounds = opts.rounds === undefined ? (opts.quick ? 1 : 3) : Number(opts.rounds);
  if (!Number.isSafeInteger(rounds) || rounds < 1 || rounds > 50)
    throw new UsageError(`--rounds takes a whole number from 1 to 50, got '${opts.rounds}'`);
  const clients =
    opts.clients === CLOSED_LOOP_DEFAULT ? OPEN_LOOP_CLIENTS : opts.clients.split(',').map((c) => c.trim());
  const unknown = clients.filter((c) => c !== '' && !(OPEN_LOOP_CLIENTS as readonly string[]).includes(c));
  if (unknown.length > 0)
    throw new UsageError(
      `unknown open-loop client '${unknown[0]}'; clients: ${OPEN_LOOP_CLIENTS.join(', ')}`,
    );
  await runOpenLoop({
    broker: opts.broker as 'kafka' | 'memory',
    clients: clients.filter(Boolean),
    records: opts.quick ? Math.min(records, 100_000) : records,
    rounds,
    json: opts.json,
  });
}
