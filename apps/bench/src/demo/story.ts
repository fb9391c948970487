import { readRecordBatches } from '@idem/codec';
import { createProducer, systemClock as realClock } from '@idem/core';
import { MemoryCluster } from '@idem/memory-broker';

/** One arrow or note of the sequence diagram: producer ↔ broker. */
export interface StoryStep {
  readonly from: 'producer' | 'broker' | 'app';
  readonly to: 'producer' | 'broker' | 'app';
  readonly text: string;
  /** 'lost' arrows are drawn broken; 'decision' notes are the broker's dedupe verdict. */
  readonly kind: 'message' | 'lost' | 'decision' | 'note';
}

export interface StoryCopy {
  readonly offset: number;
  readonly producerId: string;
  readonly sequence: number;
}

export interface StoryScene {
  readonly scene: string;
  readonly title: string;
  readonly idempotent: boolean;
  readonly steps: readonly StoryStep[];
  /** Copies of the record in the log after the scene. */
  readonly copies: number;
  readonly log: readonly StoryCopy[];
}

const TOPIC = 'orders';
const VALUE = 'order-42';

function newCluster(): MemoryCluster {
  return new MemoryCluster({ brokers: 1, clock: realClock, seed: 1, topics: { [TOPIC]: { partitions: 1 } } });
}

function producerFor(cluster: MemoryCluster, idempotent: boolean, clientId: string) {
  return createProducer({
    transport: cluster.connect(),
    clock: realClock,
    clientId,
    idempotent,
    ...(idempotent ? {} : { maxInFlightRequestsPerConnection: 1, retries: 5 }),
    lingerMs: 0,
    requestTimeoutMs: 1_000,
    retryBackoffMs: 5,
  });
}

function readCopies(cluster: MemoryCluster, value: string): StoryCopy[] {
  const copies: StoryCopy[] = [];
  for (const stored of cluster.readLog(TOPIC, 0).batches) {
    if (stored.bytes === null) continue;
    for (const batch of readRecordBatches(stored.bytes)) {
      for (const record of batch.records()) {
        const v = record.value === null ? null : Buffer.from(record.value).toString('utf8');
        if (v !== value) continue;
        copies.push({
          offset: Number(batch.baseOffset) + record.offsetDelta,
          producerId: String(batch.producerId),
          sequence: batch.baseSequence + record.offsetDelta,
        });
      }
    }
  }
  return copies;
}

function pidText(copy: StoryCopy | undefined): string {
  if (copy === undefined) return '';
  return copy.producerId === '-1'
    ? 'no producer id, no sequence'
    : `PID ${copy.producerId}, seq ${copy.sequence}`;
}

/**
 * The duplicate idempotence prevents: one record whose ack is lost, then retried. With idempotence the retry carries
 * the same producer id and sequence and the broker answers it with the first offset; without, it is appended again
 * (docs/broker-rules.md §"The producer-state decision").
 */
export async function lostAckScene(idempotent: boolean): Promise<StoryScene> {
  const cluster = newCluster();
  const producer = producerFor(cluster, idempotent, idempotent ? 'idem' : 'plain');
  cluster.faults.loseResponse({ api: 'Produce' }, { count: 1 });
  const ack = await producer.send({ topic: TOPIC, key: 'k', value: VALUE });
  await producer.close();
  const log = readCopies(cluster, VALUE);
  const first = log[0];
  const steps: StoryStep[] = [];
  if (idempotent && first !== undefined)
    steps.push(
      { from: 'producer', to: 'broker', text: 'InitProducerId', kind: 'message' },
      {
        from: 'broker',
        to: 'producer',
        text: `PID ${first.producerId}, epoch 0`,
        kind: 'message',
      },
    );
  steps.push(
    { from: 'producer', to: 'broker', text: `Produce ${VALUE} (${pidText(first)})`, kind: 'message' },
    { from: 'broker', to: 'broker', text: `appended at offset ${first?.offset ?? '?'}`, kind: 'note' },
    { from: 'broker', to: 'producer', text: 'ack lost (connection reset)', kind: 'lost' },
    {
      from: 'producer',
      to: 'broker',
      text: `retry, the same batch (${pidText(first)})`,
      kind: 'message',
    },
  );
  if (idempotent) {
    const state = cluster.describeProducers(TOPIC, 0)[0];
    const last = state?.lastSequence ?? 0;
    steps.push({
      from: 'broker',
      to: 'broker',
      text: `seq ${first?.sequence ?? 0} received, ${last + 1} expected: a duplicate of the batch at offset ${first?.offset ?? 0}; not appended`,
      kind: 'decision',
    });
  } else {
    steps.push({
      from: 'broker',
      to: 'broker',
      text: `no sequence to check: appended again at offset ${log[1]?.offset ?? '?'}`,
      kind: 'decision',
    });
  }
  steps.push({ from: 'broker', to: 'producer', text: `ack, offset ${ack.offset}`, kind: 'message' });
  return {
    scene: idempotent ? 'lost-ack-idempotent' : 'lost-ack-plain',
    title: idempotent ? 'Lost ack, idempotence on' : 'Lost ack, idempotence off',
    idempotent,
    steps,
    copies: log.length,
    log,
  };
}

/** Limit 1: the producer dies before the retry; the restarted one has a new PID, so its resend is new data. */
export async function restartScene(): Promise<StoryScene> {
  const cluster = newCluster();
  const first = createProducer({
    transport: cluster.connect(),
    clock: realClock,
    clientId: 'before-restart',
    idempotent: true,
    lingerMs: 0,
    requestTimeoutMs: 200,
    deliveryTimeoutMs: 300,
    retryBackoffMs: 5,
  });
  cluster.faults.loseResponse(
    { api: 'Produce' },
    { count: Number.POSITIVE_INFINITY, afterwards: 'blackhole' },
  );
  const outcome = await first.send({ topic: TOPIC, key: 'k', value: VALUE }).then(
    () => 'acked',
    (e: { code?: string }) => e.code ?? 'failed',
  );
  await first.close().catch(() => undefined);
  cluster.faults.clear();
  const second = producerFor(cluster, true, 'after-restart');
  await second.send({ topic: TOPIC, key: 'k', value: VALUE });
  await second.close();
  const log = readCopies(cluster, VALUE);
  return {
    scene: 'limit-restart',
    title: 'Limit: a restarted producer (new PID)',
    idempotent: true,
    steps: [
      { from: 'producer', to: 'broker', text: `Produce ${VALUE} (${pidText(log[0])})`, kind: 'message' },
      { from: 'broker', to: 'broker', text: `appended at offset ${log[0]?.offset ?? '?'}`, kind: 'note' },
      { from: 'broker', to: 'producer', text: `ack lost; the send fails (${outcome})`, kind: 'lost' },
      { from: 'app', to: 'producer', text: 'the process restarts and sends the record again', kind: 'note' },
      { from: 'producer', to: 'broker', text: `Produce ${VALUE} (${pidText(log[1])})`, kind: 'message' },
      {
        from: 'broker',
        to: 'broker',
        text: 'a new PID starts at seq 0: nothing to compare with, appended',
        kind: 'decision',
      },
    ],
    copies: log.length,
    log,
  };
}

/** Limit 2: two producer instances send the same record; each has its own PID and sequence. */
export async function secondInstanceScene(): Promise<StoryScene> {
  const cluster = newCluster();
  const a = producerFor(cluster, true, 'instance-a');
  const b = producerFor(cluster, true, 'instance-b');
  await a.send({ topic: TOPIC, key: 'k', value: VALUE });
  await b.send({ topic: TOPIC, key: 'k', value: VALUE });
  await Promise.all([a.close(), b.close()]);
  const log = readCopies(cluster, VALUE);
  return {
    scene: 'limit-second-instance',
    title: 'Limit: a second producer instance',
    idempotent: true,
    steps: [
      {
        from: 'producer',
        to: 'broker',
        text: `instance A: Produce ${VALUE} (${pidText(log[0])})`,
        kind: 'message',
      },
      {
        from: 'producer',
        to: 'broker',
        text: `instance B: Produce ${VALUE} (${pidText(log[1])})`,
        kind: 'message',
      },
      {
        from: 'broker',
        to: 'broker',
        text: 'two PIDs, each in sequence: both appended',
        kind: 'decision',
      },
    ],
    copies: log.length,
    log,
  };
}

/** Limit 3: a consumer processes an input, produces, crashes before committing, and processes it again. */
export async function reprocessScene(): Promise<StoryScene> {
  const cluster = newCluster();
  const producer = producerFor(cluster, true, 'processor');
  // Two deliveries of the same input (the offset was never committed): each is a new send with a new sequence.
  await producer.send({ topic: TOPIC, key: 'k', value: VALUE });
  await producer.send({ topic: TOPIC, key: 'k', value: VALUE });
  await producer.close();
  const log = readCopies(cluster, VALUE);
  return {
    scene: 'limit-reprocess',
    title: 'Limit: a consumer that reprocesses',
    idempotent: true,
    steps: [
      { from: 'app', to: 'producer', text: 'consume input #7, send the result', kind: 'note' },
      { from: 'producer', to: 'broker', text: `Produce ${VALUE} (${pidText(log[0])})`, kind: 'message' },
      {
        from: 'app',
        to: 'app',
        text: 'crash before the offset commit; input #7 is read again',
        kind: 'note',
      },
      { from: 'producer', to: 'broker', text: `Produce ${VALUE} (${pidText(log[1])})`, kind: 'message' },
      {
        from: 'broker',
        to: 'broker',
        text: 'the next sequence, not a retry: appended',
        kind: 'decision',
      },
    ],
    copies: log.length,
    log,
  };
}

export async function runStory(): Promise<StoryScene[]> {
  return [
    await lostAckScene(false),
    await lostAckScene(true),
    await restartScene(),
    await secondInstanceScene(),
    await reprocessScene(),
  ];
}
