// How big a failover run is. The full suite (IDEM_FAILOVER_FULL=1) is what issue 10 asks for: 100,000 records per
// scenario, real outage lengths, four clients. CI runs a bounded slice: idem only, fewer records, outages scaled
// down (a 60 s outage becomes 10 s), so the slice stays within its ~6 minute budget on 2 cores.
export interface FailoverSettings {
  readonly full: boolean;
  readonly records: number;
  readonly partitions: number;
  readonly messagesPerSend: number;
  /** `send` calls outstanding per partition (idem and librdkafka pipeline them, 5 requests in flight). */
  readonly workersPerPartition: number;
  /** Steady sends before the first fault. */
  readonly warmupMs: number;
  /** Sends go on this long after the scenario's last fault, so a resume can be seen. */
  readonly tailMs: number;
  /** After the last send starts: how long pending sends get to settle before they count as unsettled. */
  readonly settleMs: number;
  /** The "leader killed for 60 s" outage. */
  readonly longOutageMs: number;
  /** How long "killed and never restarted" runs without the node. */
  readonly deadRunMs: number;
  /** The pause between a kill and the restart in "two kills in a row". */
  readonly shortOutageMs: number;
}

export function failoverSettings(env: NodeJS.ProcessEnv = process.env): FailoverSettings {
  const full = env.IDEM_FAILOVER_FULL === '1';
  const records = Number(env.IDEM_FAILOVER_RECORDS ?? (full ? 100_000 : 6_000));
  return {
    full,
    records,
    partitions: 6,
    messagesPerSend: full ? 50 : 20,
    workersPerPartition: 3,
    warmupMs: full ? 5_000 : 2_000,
    tailMs: full ? 10_000 : 4_000,
    settleMs: full ? 60_000 : 20_000,
    longOutageMs: Number(env.IDEM_FAILOVER_OUTAGE_MS ?? (full ? 60_000 : 10_000)),
    deadRunMs: full ? 30_000 : 8_000,
    shortOutageMs: full ? 5_000 : 3_000,
  };
}
