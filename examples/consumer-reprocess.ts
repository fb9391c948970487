// The log holds the payment once. A consumer charges the card, then crashes before committing its offset;
// restarted, it resumes from the last committed offset and charges again. Then the fix: commit after
// processing, with a side effect keyed by the record's business id, so the second delivery is a no-op.
//   pnpm example consumer-reprocess [--bootstrap host:port]
import { createProducer } from '@idem/core';
import { type LoggedRecord, openBroker, show } from './support/broker.ts';

const broker = await openBroker({ topic: 'payments' });
console.log(`broker: ${broker.where}, topic ${broker.topic}`);
const producer = createProducer({ transport: broker.transport(), clientId: 'checkout' });
await producer.send({ topic: broker.topic, partition: 0, key: 'payment-7', value: 'charge 25 EUR' });
await producer.close();
const log = await broker.readLog();
console.log(`log: [${log.map(show).join(', ')}], payment-7 written ${log.length} time(s)`);

/**
 * A consumer loop over the log as read back: from the committed offset, process each record, commit.
 * `crashBeforeCommit` makes it die after processing, before committing (kill -9, an OOM, a deploy).
 */
function consume(
  records: readonly LoggedRecord[],
  group: { committed: bigint },
  process: (r: LoggedRecord) => void,
  crashBeforeCommit: boolean,
): void {
  for (const r of records.filter((x) => x.offset >= group.committed)) {
    process(r);
    if (crashBeforeCommit) return; // the offset is never committed
    group.committed = r.offset + 1n;
  }
}

// Naive: the side effect is not idempotent.
const charges: string[] = [];
const naive = { committed: 0n };
const charge = (r: LoggedRecord) => charges.push(`${r.key}@${r.offset}`);
consume(log, naive, charge, true);
console.log(`naive: processed, crashed before committing; committed offset still ${naive.committed}`);
consume(log, naive, charge, false);
console.log(`naive: restarted from offset 0; card charged ${charges.length} time(s) [${charges.join(', ')}]`);

// Fixed: commit after processing, and the side effect is keyed by the record's id (a unique key in the
// payments table, or an idempotency key passed to the payment provider): doing it twice changes nothing.
const payments = new Map<string, string>();
const fixed = { committed: 0n };
const chargeOnce = (r: LoggedRecord) => {
  if (!payments.has(r.key!)) payments.set(r.key!, `${r.key}@${r.offset}`);
};
consume(log, fixed, chargeOnce, true);
consume(log, fixed, chargeOnce, false);
console.log(
  `fixed: processed twice (a crash before the commit), card charged ${payments.size} time(s); committed offset ${fixed.committed}`,
);
console.log(
  'why: idempotence covers the producer writing to Kafka; what a consumer does with a record is outside it, and offsets committed after processing mean at-least-once.',
);
await broker.close();
