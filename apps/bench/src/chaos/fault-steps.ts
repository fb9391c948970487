// What a cluster scenario really did to the nodes, and how long each step took, so a reader of the matrix sees the
// fault happened (the leader was killed, another node took over, the node came back) and how long it lasted. The
// cluster's own start and stop are timed too: a run that reused a cluster says so instead of a start time.

/** One step of a fault on the cluster. */
export interface FaultStep {
  /**
   * killed: kill -9 of `node` until its process was gone. new-leader-visible: from the kill (or the start of the
   * move) until the brokers' metadata named `node` as the partition's leader. restarted: from starting `node` again
   * until it answered Metadata. leader-moved: the reassignment and preferred election that made `node` the leader.
   */
  readonly step: 'killed' | 'new-leader-visible' | 'restarted' | 'leader-moved';
  readonly node: number;
  readonly ms: number;
}

/** How the cluster of a `--broker cluster` run came and went. */
export interface ClusterTimings {
  /** started: by this run; reused: its run dir's nodes were already up; given: a running cluster at --bootstrap. */
  readonly origin: 'started' | 'reused' | 'given';
  /** From starting the nodes until every one answered (null unless this run started them). */
  readonly startMs: number | null;
  /** From stopping the nodes until every process was gone (null unless this run stopped them). */
  readonly stopMs: number | null;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

const STEP_TEXT: Record<FaultStep['step'], (node: number, took: string) => string> = {
  killed: (node, took) => `node ${node} killed (kill -9) in ${took}`,
  'new-leader-visible': (node, took) => `node ${node} seen leading ${took} after the fault began`,
  restarted: (node, took) => `node ${node} restarted, answering after ${took}`,
  'leader-moved': (node, took) => `leadership moved to node ${node} in ${took}`,
};

/** The steps in one line, in the order they happened; a fault with no other leader seen after it says so. */
export function describeFaultSteps(steps: readonly FaultStep[]): string {
  const faulted = steps.some((s) => s.step === 'killed' || s.step === 'leader-moved');
  const unseen = faulted && !steps.some((s) => s.step === 'new-leader-visible');
  const lines = steps.map((s) => STEP_TEXT[s.step](s.node, seconds(s.ms)));
  return [...lines, ...(unseen ? ['no other leader seen in the metadata'] : [])].join('; ');
}

/** The cluster's start and stop in one line. */
export function describeClusterTimings(t: ClusterTimings): string {
  const start =
    t.origin === 'started'
      ? `started in ${seconds(t.startMs ?? 0)}`
      : t.origin === 'reused'
        ? 'reused (already running in its run dir)'
        : 'given (--bootstrap)';
  const stop = t.stopMs === null ? 'left running' : `stopped in ${seconds(t.stopMs)}`;
  return `cluster ${start}, ${stop}`;
}

/** Runs `action` and returns how long it took, in whole ms. */
export async function timed(action: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await action();
  return Math.round(performance.now() - started);
}

/**
 * Asks `leaderOf` every `everyMs` until it names a node other than `previous` (a question that fails, as one to a
 * dead node can, is asked again); resolves with that node and the ms since `since`, or null past `limitMs`.
 */
export async function awaitNewLeader(
  leaderOf: () => Promise<number>,
  previous: number,
  since: number,
  limitMs: number,
  everyMs = 200,
): Promise<{ node: number; ms: number } | null> {
  const until = since + limitMs;
  while (performance.now() < until) {
    const node = await leaderOf().catch(() => previous);
    if (node !== previous) return { node, ms: Math.round(performance.now() - since) };
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
  return null;
}
