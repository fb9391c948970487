/**
 * The one delivery checker of idem, shared by the core's simulation and the adapters' chaos suites. It knows
 * nothing about producers or brokers: it takes what was sent and what each send reported, and what the log
 * holds, as plain data, and says what went wrong.
 */

/** How one record's send ended, as the producer reported it. */
export type SendOutcome =
  | { readonly status: 'acked'; readonly partition: number; readonly offset: bigint }
  | {
      readonly status: 'failed';
      /** The error's `code` (an IdemError code such as 'ERR_DELIVERY_TIMEOUT'); null if it had none. */
      readonly code: string | null;
      /** The error said the record may be in the log anyway. */
      readonly possiblyPersisted: boolean;
      /** The error was a typed (branded) error of the library under test. */
      readonly typed: boolean;
    }
  /** The promise never settled. */
  | { readonly status: 'pending' };

export interface SentRecord {
  /** Unique per run; the log's records carry it back (e.g. encoded in the value). */
  readonly id: string;
  /** Which producer sent it; ordering is only promised among one producer's records. */
  readonly producer: string;
  readonly topic: string;
  /** Position in that producer's send() call order (array sends: call order, then index). */
  readonly order: number;
  readonly outcome: SendOutcome;
}

export interface LogRecord {
  readonly offset: bigint;
  /** The id of the record stored there, or null for data the checker does not track. */
  readonly id: string | null;
}

export interface PartitionLog {
  readonly topic: string;
  readonly partition: number;
  /**
   * Which generation of the topic this log belongs to (e.g. its topic id), when the topic was deleted, and maybe
   * created again, during the run. Pass the logs of deleted generations too: what was written there was written
   * (an ack or a false failure is judged against them). A record is a duplicate when one generation holds it
   * twice; a copy in a deleted generation and another in a later one is not, because deleting the topic removed
   * the first copy together with the producer state that could have recognised the retry, so no client can avoid
   * it. Such copies are counted as `regeneratedCopies`. Absent: the topic had one generation.
   */
  readonly generation?: string;
  /** In offset order. */
  readonly records: readonly LogRecord[];
}

export type ViolationKind =
  /** A record is in the log more than once. */
  | 'duplicate'
  /** An acked record is not in the log, or not at the partition/offset it was acked with. */
  | 'loss'
  /** Two acked records of one producer and partition are in the log in the opposite order they were sent. */
  | 'reorder'
  /** A record was reported failed with possiblyPersisted=false but is in the log. */
  | 'falseFailure'
  /** A failure without a typed error (no code, or not the library's error type). */
  | 'untypedFailure'
  /** A send whose promise never settled. */
  | 'unsettled'
  /** The log holds a tracked id that was never sent. */
  | 'phantom';

export interface Violation {
  readonly kind: ViolationKind;
  readonly id: string;
  readonly detail: string;
}

export interface CheckOptions {
  /** Keep at most this many violation details (counts are always complete). Default 50. */
  readonly maxDetails?: number;
}

export interface Verdict {
  readonly ok: boolean;
  readonly records: number;
  readonly acked: number;
  readonly failed: number;
  readonly failedPossiblyPersisted: number;
  readonly duplicates: number;
  readonly losses: number;
  readonly reorders: number;
  readonly falseFailures: number;
  readonly untypedFailures: number;
  readonly unsettled: number;
  readonly phantoms: number;
  /** Records found in more than one generation of a topic (see PartitionLog.generation); not violations. */
  readonly regeneratedCopies: number;
  readonly violations: readonly Violation[];
}

interface Placement {
  readonly topic: string;
  readonly partition: number;
  readonly offset: bigint;
  /** Index in the partition log: a total order even where offsets are sparse. */
  readonly position: number;
  readonly generation: string;
}

/** Checks one run. Pure: same input, same verdict. */
export function checkDelivery(
  sent: readonly SentRecord[],
  logs: readonly PartitionLog[],
  options: CheckOptions = {},
): Verdict {
  const maxDetails = options.maxDetails ?? 50;
  const violations: Violation[] = [];
  const counts: Record<ViolationKind, number> = {
    duplicate: 0,
    loss: 0,
    reorder: 0,
    falseFailure: 0,
    untypedFailure: 0,
    unsettled: 0,
    phantom: 0,
  };
  const report = (kind: ViolationKind, id: string, detail: string): void => {
    counts[kind]++;
    if (violations.length < maxDetails) violations.push({ kind, id, detail });
  };

  const byId = new Map<string, SentRecord>();
  for (const record of sent) {
    if (byId.has(record.id))
      throw new Error(`checkDelivery: id ${record.id} was sent twice; ids must be unique`);
    byId.set(record.id, record);
  }

  // Where each id landed in the logs.
  const placements = new Map<string, Placement[]>();
  for (const log of logs) {
    log.records.forEach((entry, position) => {
      if (entry.id === null) return;
      if (!byId.has(entry.id)) {
        report('phantom', entry.id, `${log.topic}-${log.partition}@${entry.offset} holds an id never sent`);
        return;
      }
      const list = placements.get(entry.id) ?? [];
      list.push({
        topic: log.topic,
        partition: log.partition,
        offset: entry.offset,
        position,
        generation: log.generation ?? '',
      });
      placements.set(entry.id, list);
    });
  }

  let acked = 0;
  let failed = 0;
  let regeneratedCopies = 0;
  let failedPossiblyPersisted = 0;
  // Per producer and partition: acked records with their send order and log position.
  const ackedByStream = new Map<string, { order: number; position: number; id: string }[]>();

  for (const record of sent) {
    const found = placements.get(record.id) ?? [];
    if (found.length > 1) {
      const perGeneration = new Map<string, number>();
      for (const p of found) perGeneration.set(p.generation, (perGeneration.get(p.generation) ?? 0) + 1);
      if ([...perGeneration.values()].some((n) => n > 1)) {
        const where = found.map((p) => `${p.topic}-${p.partition}@${p.offset}`).join(', ');
        report('duplicate', record.id, `in the log ${found.length} times: ${where}`);
      } else {
        regeneratedCopies++;
      }
    }
    const outcome = record.outcome;
    if (outcome.status === 'pending') {
      report('unsettled', record.id, 'the send never settled');
      continue;
    }
    if (outcome.status === 'failed') {
      failed++;
      if (outcome.possiblyPersisted) failedPossiblyPersisted++;
      if (!outcome.typed || outcome.code === null) {
        report(
          'untypedFailure',
          record.id,
          `failed with ${outcome.code ?? 'no code'} (typed: ${outcome.typed})`,
        );
      }
      if (!outcome.possiblyPersisted && found.length > 0) {
        report(
          'falseFailure',
          record.id,
          `reported ${outcome.code} with possiblyPersisted=false but it is in the log`,
        );
      }
      continue;
    }
    acked++;
    const at = found.find(
      (p) => p.topic === record.topic && p.partition === outcome.partition && p.offset === outcome.offset,
    );
    // Offset -1 is an old broker's duplicate acknowledgement (DUPLICATE_SEQUENCE_NUMBER): presence is enough.
    const placement =
      at ??
      (outcome.offset === -1n
        ? found.find((p) => p.topic === record.topic && p.partition === outcome.partition)
        : undefined);
    if (placement === undefined) {
      const where =
        found.length === 0
          ? 'not in the log'
          : `found at ${found.map((p) => `${p.partition}@${p.offset}`).join(', ')}`;
      report(
        'loss',
        record.id,
        `acked at ${record.topic}-${outcome.partition}@${outcome.offset} but ${where}`,
      );
      continue;
    }
    const stream = `${record.producer}\u0000${record.topic}\u0000${outcome.partition}\u0000${placement.generation}`;
    const list = ackedByStream.get(stream) ?? [];
    list.push({ order: record.order, position: placement.position, id: record.id });
    ackedByStream.set(stream, list);
  }

  for (const [stream, list] of ackedByStream) {
    list.sort((x, y) => x.order - y.order);
    for (let i = 1; i < list.length; i++) {
      const before = list[i - 1]!;
      const after = list[i]!;
      if (after.position <= before.position) {
        const [producer, topic, partition] = stream.split('\u0000');
        report(
          'reorder',
          after.id,
          `${producer} sent ${before.id} before ${after.id}, but ${topic}-${partition} holds them the other way round`,
        );
      }
    }
  }

  const ok = Object.values(counts).every((n) => n === 0);
  return {
    ok,
    records: sent.length,
    acked,
    failed,
    failedPossiblyPersisted,
    duplicates: counts.duplicate,
    losses: counts.loss,
    reorders: counts.reorder,
    falseFailures: counts.falseFailure,
    untypedFailures: counts.untypedFailure,
    unsettled: counts.unsettled,
    phantoms: counts.phantom,
    regeneratedCopies,
    violations,
  };
}
