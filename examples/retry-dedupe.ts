// The memory broker loses a Produce response after appending the batch; the producer retries it and reading
// the log shows the record once. The same fault with idempotence off writes it twice.
//   pnpm example retry-dedupe     (formerly lost-response, which still runs it)
import { createProducer, isIdemError, type ProducerOptions } from '@idem/core';
import { MemoryCluster, readRecords } from '@idem/memory-broker';
import { parseArgs } from './support/broker.ts';

if (parseArgs().bootstrap !== null) {
  console.log(
    'skipped: retry-dedupe needs a lost response, which only the memory broker can inject; run it without --bootstrap',
  );
  process.exit(0);
}

/** The records in a partition's log, in offset order, as `offset:value`. */
function readValues(cluster: MemoryCluster, topic: string, partition = 0): string[] {
  return readRecords(cluster, topic, partition).map((r) => `${r.offset}:${r.value}`);
}

async function run(label: string, options: ProducerOptions): Promise<void> {
  const cluster = new MemoryCluster({ brokers: 1, topics: { payments: { partitions: 1 } } });
  cluster.onEvent((e) => {
    if (e.kind === 'ack-lost') {
      const at = e.appended?.map((a) => `offset ${a.baseOffset}`).join(', ');
      console.log(
        `${label}: broker appended the batch at ${at}, then lost the response (connection ${e.detail})`,
      );
    }
  });
  // The fault: the next Produce request to the topic is processed, and its response never arrives.
  cluster.faults.loseResponse({ api: 'Produce', topic: 'payments' }, { count: 1 });

  const producer = createProducer({ transport: cluster.connect(), retryBackoffMs: 20, ...options });
  producer.on('retry', (r) =>
    console.log(
      `${label}: retry (${r.reason}), attempt ${r.attempt}, possiblyPersisted ${r.possiblyPersisted}`,
    ),
  );
  const first = await producer.send({ topic: 'payments', value: 'charge-1' });
  const second = await producer.send({ topic: 'payments', value: 'charge-2' });
  await producer.close();
  console.log(
    `${label}: charge-1 acknowledged at offset ${first.offset}, charge-2 at offset ${second.offset}`,
  );
  const log = readValues(cluster, 'payments');
  const copies = log.filter((v) => v.endsWith(':charge-1')).length;
  console.log(`${label}: log [${log.join(', ')}], charge-1 written ${copies} time(s)`);
}

await run('idempotent', {});
await run('idempotence off', { idempotent: false, maxInFlightRequestsPerConnection: 1 });
console.log(
  'why: the retry carries the same producer id and sequence, so the broker answers it with the first offset instead of appending; without idempotence it has nothing to compare.',
);

// When no answer ever comes, the send still settles by deliveryTimeoutMs, with a typed error that says the
// record may be in the log anyway. Here it is: the first attempt was appended.
const cluster = new MemoryCluster({ brokers: 1, topics: { audit: { partitions: 1 } } });
cluster.faults.loseResponse(
  { api: 'Produce', topic: 'audit' },
  { count: Number.POSITIVE_INFINITY, afterwards: 'blackhole' },
);
const producer = createProducer({
  transport: cluster.connect(),
  lingerMs: 0,
  requestTimeoutMs: 300,
  deliveryTimeoutMs: 1_000,
  retryBackoffMs: 20,
});
const started = Date.now();
const failed = await producer.send({ topic: 'audit', value: 'entry-1' }).catch((e: unknown) => e);
if (!isIdemError(failed)) throw new Error(`expected an idem error, got ${String(failed)}`);
console.log(
  `no answer: ${failed.name} ${failed.code} after ${Date.now() - started} ms, possiblyPersisted=${failed.possiblyPersisted}`,
);
await producer.close();
console.log(`no answer: log [${readValues(cluster, 'audit').join(', ')}]`);
