// SIGTERM while sends are pending: stop accepting new work, flush with a bound, close with a bound, and
// report each pending send's honest fate: acknowledged (with its offset), or failed with possiblyPersisted
// saying whether it may be in the log anyway. Then the log is read back to check each fate.
//   pnpm example graceful-shutdown [--bootstrap host:port]
import { createProducer, isIdemError, type RecordMetadata } from '@idem/core';
import { openBroker, show } from './support/broker.ts';

// Two brokers, each leading one partition. On the memory broker, broker 2's Produce responses are held
// (appended, not answered: a broker stalling under load), so orders/1's sends are still in flight at SIGTERM.
const broker = await openBroker({ topic: 'orders', partitions: 2, brokers: 2 });
console.log(`broker: ${broker.where}, topic ${broker.topic}`);
const held = broker.cluster?.faults.holdResponses({ api: 'Produce', partition: 1 });
const producer = createProducer({
  transport: broker.transport(),
  clientId: 'shutdown-demo',
  lingerMs: 10,
  maxInFlightRequestsPerConnection: 1,
  requestTimeoutMs: 10_000,
});

let accepting = true;
const fates = new Map<string, Promise<string>>();
function handle(value: string, partition: number): void {
  if (!accepting) {
    console.log(`refused ${value}: shutting down, not accepted`);
    return;
  }
  fates.set(
    value,
    producer.send({ topic: broker.topic, partition, value }).then(
      (m: RecordMetadata) => `acked at ${broker.topic}/${m.partition} offset ${m.offset}`,
      (e: unknown) =>
        isIdemError(e) ? `failed ${e.code}, possiblyPersisted=${e.possiblyPersisted}` : `failed ${String(e)}`,
    ),
  );
}

const shutdown = new Promise<void>((resolve) => {
  process.once('SIGTERM', async () => {
    console.log(`SIGTERM: ${fates.size} sends pending; no longer accepting`);
    accepting = false;
    handle('late', 0);
    try {
      await producer.flush({ timeoutMs: 500 });
      console.log('flush: every pending send settled');
    } catch (error) {
      console.log(
        `flush: ${isIdemError(error) ? error.code : String(error)} after 500 ms; closing with a bound`,
      );
    }
    await producer.close({ timeoutMs: 300 });
    console.log(`close: status ${producer.state.status}`);
    resolve();
  });
});

handle('b-1', 1); // sent, response held: in flight
await new Promise((r) => setTimeout(r, 50));
handle('b-2', 1); // queued behind b-1 (one request in flight per connection): never sent
handle('a-1', 0); // a-1 and a-2 are lingering for their batch at SIGTERM; broker 1 answers them
handle('a-2', 0);
process.kill(process.pid, 'SIGTERM');
await shutdown;

const inLog = new Set([...(await broker.readLog(0)), ...(await broker.readLog(1))].map((r) => r.value));
for (const [value, fate] of fates) {
  console.log(`fate: ${value} ${await fate}; in the log: ${inLog.has(value)}`);
}
console.log(`log: ${broker.topic}/0 [${(await broker.readLog(0)).map(show).join(', ')}]`);
console.log(`log: ${broker.topic}/1 [${(await broker.readLog(1)).map(show).join(', ')}]`);
console.log(
  'why: acked means written; possiblyPersisted=true means the request reached the broker and may be in the log (check or resend with a business id), false means it certainly is not.',
);
held?.release();
await broker.close();
