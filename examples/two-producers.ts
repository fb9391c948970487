// Two instances of a service (two producers) both send the same order event, say because both picked up
// the same job. Each has its own producer id and its own sequences, so the broker keeps both: 2 copies.
//   pnpm example two-producers [--bootstrap host:port]
import { createProducer } from '@idem/core';
import { openBroker, show } from './support/broker.ts';

const broker = await openBroker({ topic: 'orders' });
console.log(`broker: ${broker.where}, topic ${broker.topic}`);
const record = { topic: broker.topic, partition: 0, key: 'order-42', value: 'order-42 shipped' };

const a = createProducer({ transport: broker.transport(), clientId: 'instance-a' });
const b = createProducer({ transport: broker.transport(), clientId: 'instance-b' });
const [sentA, sentB] = await Promise.all([a.send(record), b.send(record)]);
for (const [name, p, sent] of [
  ['instance-a', a, sentA],
  ['instance-b', b, sentB],
] as const) {
  const next = p.state.partitions.find((s) => s.partition === 0)?.nextSequence ?? 0;
  console.log(`${name}: PID ${p.state.producerId} sequence ${next - 1}, acked at offset ${sent.offset}`);
}
const pids = [a.state.producerId, b.state.producerId];
await Promise.all([a.close(), b.close()]);

const log = (await broker.readLog()).filter((r) => r.key === 'order-42');
console.log(`log: [${log.map(show).join(', ')}]`);
console.log(`outcome: order-42 written ${log.length} time(s), PIDs differ: ${pids[0] !== pids[1]}`);
console.log(
  'why: the broker dedupes by (producer id, partition, sequence); two producers are two ids, each at sequence 0.',
);
console.log(
  'prevent it: make one owner send each record (partition the work by key), or dedupe in the consumer by a business id (order-42).',
);
await broker.close();
