// idem's core producer on the in-process memory broker: send, per-record offsets, a typed error, flush, close.
//   pnpm example core-producer
import { createProducer, isIdemError } from '@idem/core';
import { MemoryCluster } from '@idem/memory-broker';

// A 3-broker Kafka cluster in this process, with one 3-partition topic. Real timers, no sockets.
const cluster = new MemoryCluster({ brokers: 3, topics: { orders: { partitions: 3 } } });
// `cluster.connect()` is shaped like the core's Transport port; an adapter (e.g. @idem/kafkajs) provides one
// over real connections.
const producer = createProducer({ transport: cluster.connect(), clientId: 'example-core', lingerMs: 5 });

// One record: resolves once acknowledged, with where it was written.
const one = await producer.send({ topic: 'orders', key: 'customer-42', value: 'paid' });
console.log(`send: key customer-42 -> orders/${one.partition} at offset ${one.offset}`);

// An array send: one metadata per record, in input order.
const many = await producer.send([
  { topic: 'orders', partition: 0, value: 'a' },
  { topic: 'orders', partition: 1, value: 'b' },
  { topic: 'orders', partition: 0, value: 'c' },
]);
console.log(`send([a, b, c]): ${many.map((m) => `orders/${m.partition}@${m.offset}`).join(' ')}`);

// A failed send rejects with a typed idem error: a stable `code`, and `possiblyPersisted` saying whether the
// record may be in the log anyway (false: certainly not written).
try {
  await producer.send({ topic: 'orders', partition: 7, value: 'nowhere' });
} catch (error) {
  if (!isIdemError(error)) throw error;
  console.log(`typed error: ${error.name} ${error.code} possiblyPersisted=${error.possiblyPersisted}`);
}

// Sends not awaited one by one; flush() resolves once every send made before it has settled.
let settled = 0;
const pending = Array.from({ length: 100 }, (_, i) =>
  producer.send({ topic: 'orders', partition: i % 3, value: `r${i}` }).then((m) => {
    settled++;
    return m;
  }),
);
await producer.flush();
const offsets = (await Promise.all(pending)).filter((m) => m.partition === 2).map((m) => m.offset);
const inOrder = offsets.every((o, i) => o === offsets[0]! + BigInt(i));
console.log(
  `flush: ${settled}/100 settled; orders/2 offsets ${offsets[0]}..${offsets.at(-1)} in send order: ${inOrder}`,
);

// The producer's state: its producer id and epoch, and each partition's sequences.
const { producerId, epoch, partitions } = producer.state;
const p0 = partitions.find((p) => p.topic === 'orders' && p.partition === 0);
console.log(`state: producerId ${producerId} epoch ${epoch}; orders/0 nextSequence ${p0?.nextSequence}`);

// close() settles what is pending, then refuses new sends.
await producer.close();
const late = await producer.send({ topic: 'orders', value: 'late' }).catch((e: unknown) => e);
console.log(
  `close: status ${producer.state.status}; a later send fails with ${isIdemError(late) ? late.code : late}`,
);
