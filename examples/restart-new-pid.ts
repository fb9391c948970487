// A producer sends a payment, and its process dies before it sees the acknowledgement. The restarted
// process builds a new producer, which gets a new producer id, and sends the payment again. Idempotence
// dedupes retries within one producer id, so the broker cannot tell the resend from new data: 2 copies.
//   pnpm example restart-new-pid [--bootstrap host:port]
import { createProducer } from '@idem/core';
import { openBroker, show } from './support/broker.ts';

const broker = await openBroker({ topic: 'payments' });
console.log(`broker: ${broker.where}, topic ${broker.topic}`);
const record = { topic: broker.topic, partition: 0, key: 'payment-17', value: 'charge 40 EUR' };

// Before the restart. On the memory broker the response is lost after the append, and the process
// "crashes" (the producer is closed) before any retry; on a real Kafka the ack arrives, but the
// process dies before acting on it (committing its input, telling the user), which is the same thing.
const before = createProducer({ transport: broker.transport(), clientId: 'before-restart' });
broker.cluster?.faults.loseResponse(
  { api: 'Produce' },
  { count: Number.POSITIVE_INFINITY, afterwards: 'blackhole' },
);
const pending = before.send(record).then(
  (m) => `acked at offset ${m.offset}, but the process dies before acting on it`,
  (e: { code?: string; possiblyPersisted?: boolean }) =>
    `${e.code}, possiblyPersisted=${e.possiblyPersisted}`,
);
// Wait until the batch is in the log (bounded), then crash.
for (let i = 0; i < 100 && (await broker.readLog()).length === 0; i++)
  await new Promise((r) => setTimeout(r, 20));
const pidBefore = before.state.producerId;
await before.close({ timeoutMs: 0 }).catch(() => undefined);
broker.cluster?.faults.clear();
console.log(`before restart: PID ${pidBefore} sent payment-17; outcome seen by the app: ${await pending}`);

// After the restart: a new producer instance, a new producer id, the same record sent again.
const after = createProducer({ transport: broker.transport(), clientId: 'after-restart' });
const resent = await after.send(record);
console.log(
  `after restart: PID ${after.state.producerId} resent payment-17, acked at offset ${resent.offset}`,
);
await after.close();

const log = (await broker.readLog()).filter((r) => r.key === 'payment-17');
console.log(`log: [${log.map(show).join(', ')}]`);
console.log(
  `outcome: payment-17 written ${log.length} time(s), by ${new Set([pidBefore, after.state.producerId].map(String)).size} producer ids`,
);
console.log(
  'why: sequence numbers dedupe retries of one producer id; a new process gets a new id, so its resend is new data.',
);
console.log(
  'prevent it: Kafka transactions with a stable transactional.id (the new instance fences the old one; idem does not offer them), or a consumer that dedupes by a business id (here the key payment-17).',
);
await broker.close();
