// Issue 9, defect 1 on the real broker: "configuration changed during a retry". Batch A's response is held past the
// client's request timeout, so A may be in the log (it is: the broker appended it before answering). Batch B follows
// A on the same partition and is appended too. Then the topic's max.message.bytes is lowered below A's size, so A's
// retry is refused with MESSAGE_TOO_LARGE (10) — which Kafka checks before its duplicate check, so the refusal says
// nothing about whether A is in the log. A producer that takes it as "A not written", bumps its epoch and renumbers
// B writes B twice: the log reads `[w, A×500, B, B]`. The verdict must show no duplicate.
import { ConfigResourceTypes, type Kafka } from 'kafkajs';
import type { ChaosScenario } from './scenario.js';

const PRODUCE = 0;
/** Longer than every client's request timeout (idem's chaos client 5 s, kafkajs's 10 s): each gives A up as unknown. */
const HOLD_MS = 11_000;
/** One batch for every client (idem's 16 KB batchSize holds ~1,000 of these records), well over the lowered limit. */
const A_RECORDS = 500;
/** Below A's batch (~7 KB), above B's (one record, ~80 bytes). */
const LOWERED_MAX_MESSAGE_BYTES = 1_024;

export const configChangedDuringRetry: ChaosScenario = {
  name: 'configChangedDuringRetry',
  description: `A's response held ${HOLD_MS} ms (past the request timeout), B appended behind it, then the topic's max.message.bytes lowered to ${LOWERED_MAX_MESSAGE_BYTES} so A's retry gets MESSAGE_TOO_LARGE`,
  records: 1 + A_RECORDS + 1,
  install: () => {},
  async workload(context) {
    const { proxy } = context;
    // The producer id, metadata and connection in place first, so A is the only thing the hold can catch.
    const [warm] = await context.send(0, ['w']);
    if (!warm?.ok) throw new Error(`the warm-up send failed: ${JSON.stringify(warm)}`);

    proxy.addFault({ kind: 'delay', apiKeys: [PRODUCE], delayMs: HOLD_MS });
    const forwarded = proxy.requestsForwarded({ apiKey: PRODUCE });
    const a = context.send(
      0,
      Array.from({ length: A_RECORDS }, (_, i) => `A-${i}`),
    );
    // The proxy counts the delay when the broker's answer comes back: A is in the log from here on.
    if (!(await waitFor(() => proxy.count('delay') >= 1, 5_000)))
      throw new Error("A's Produce never reached the broker");
    const b = context.send(0, ['B']);
    // B goes out behind A on clients that pipeline; one that sends a single request at a time (kafkajs with
    // idempotence) holds B until A settles, and is measured as it is.
    await waitFor(() => proxy.requestsForwarded({ apiKey: PRODUCE }) >= forwarded + 2, 1_000);
    await setMaxMessageBytes(context.direct, context.topic, LOWERED_MAX_MESSAGE_BYTES);
    context.countFault('configChanged');
    const beforeRetry = proxy.requestsForwarded({ apiKey: PRODUCE });
    await Promise.all([a, b]);
    // Settling without a Produce after the change would mean A's fate was decided before the config changed: the
    // scenario did not happen, and a clean log would prove nothing.
    if (proxy.requestsForwarded({ apiKey: PRODUCE }) === beforeRetry)
      throw new Error(
        'no Produce reached the broker after max.message.bytes was lowered: A was never retried',
      );
  },
};

async function setMaxMessageBytes(kafka: Kafka, topic: string, bytes: number): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.alterConfigs({
      validateOnly: false,
      resources: [
        {
          type: ConfigResourceTypes.TOPIC,
          name: topic,
          configEntries: [{ name: 'max.message.bytes', value: String(bytes) }],
        },
      ],
    });
  } finally {
    await admin.disconnect();
  }
}

/** Polls `condition` every 10 ms for at most `limitMs`; says whether it came true. */
async function waitFor(condition: () => boolean, limitMs: number): Promise<boolean> {
  const until = performance.now() + limitMs;
  while (!condition()) {
    if (performance.now() >= until) return false;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return true;
}
