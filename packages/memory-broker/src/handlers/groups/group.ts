/**
 * A classic consumer group as Kafka's group coordinator keeps it: members with the protocols they
 * support, a generation, a leader, and the offsets committed for it. The state machine lives in
 * coordinator.ts; this file holds the data and the questions asked of it.
 */

/** Kafka's classic group states, spelt as DescribeGroups and ListGroups report them. */
export type GroupState = 'Empty' | 'PreparingRebalance' | 'CompletingRebalance' | 'Stable' | 'Dead';

export interface GroupProtocol {
  readonly name: string;
  readonly metadata: Buffer;
}

/** What a JoinGroup is answered with (errors carry generation -1 and empty fields). */
export interface JoinResult {
  readonly errorCode: number;
  readonly generationId: number;
  readonly protocolType: string | null;
  readonly protocolName: string | null;
  readonly leader: string;
  readonly memberId: string;
  /** Every member with its metadata for the chosen protocol, for the leader only. */
  readonly members: readonly { memberId: string; groupInstanceId: string | null; metadata: Buffer }[];
}

/** What a SyncGroup is answered with. */
export interface SyncResult {
  readonly errorCode: number;
  readonly protocolType: string | null;
  readonly protocolName: string | null;
  readonly assignment: Buffer;
}

export interface CommittedOffset {
  readonly offset: bigint;
  readonly leaderEpoch: number;
  readonly metadata: string;
}

export class Member {
  /** Set while the member waits in JoinGroup for the rebalance to complete. */
  awaitingJoin: ((result: JoinResult) => void) | null = null;
  /** Set while the member waits in SyncGroup for the leader's assignment. */
  awaitingSync: ((result: SyncResult) => void) | null = null;
  assignment: Buffer = Buffer.alloc(0);
  /** Clock handle of the session-expiry timer. */
  sessionTimer: unknown;

  constructor(
    readonly memberId: string,
    readonly groupInstanceId: string | null,
    readonly clientId: string,
    readonly clientHost: string,
    public rebalanceTimeoutMs: number,
    public sessionTimeoutMs: number,
    public protocols: readonly GroupProtocol[],
  ) {}

  /** The member's metadata for `protocolName` (empty if it does not support it). */
  metadataFor(protocolName: string | null): Buffer {
    return this.protocols.find((p) => p.name === protocolName)?.metadata ?? Buffer.alloc(0);
  }

  /** Same protocols, same order, same metadata: a rejoin that changes nothing. */
  matches(protocols: readonly GroupProtocol[]): boolean {
    return (
      protocols.length === this.protocols.length &&
      protocols.every(
        (p, i) => p.name === this.protocols[i]!.name && p.metadata.equals(this.protocols[i]!.metadata),
      )
    );
  }
}

export class Group {
  state: GroupState = 'Empty';
  generationId = 0;
  protocolType: string | null = null;
  protocolName: string | null = null;
  leaderId: string | null = null;
  readonly members = new Map<string, Member>();
  /** Member ids handed out with MEMBER_ID_REQUIRED and not yet used to join (KIP-394), with their expiry timers. */
  readonly pendingMembers = new Map<string, unknown>();
  /** Clock handle of the timer that ends the join phase of a rebalance. */
  rebalanceTimer: unknown;
  /** Committed offsets by topic, then partition. */
  readonly offsets = new Map<string, Map<number, CommittedOffset>>();

  constructor(readonly groupId: string) {}

  get isEmpty(): boolean {
    return this.members.size === 0;
  }

  /** Whether a member offering these protocols may join: same protocol type and a protocol every member supports. */
  supportsProtocols(protocolType: string, protocols: readonly GroupProtocol[]): boolean {
    if (this.isEmpty) return protocolType !== '' && protocols.length > 0;
    return protocolType === this.protocolType && protocols.some((p) => this.supportedByAll(p.name));
  }

  /** The protocol the group uses next: among those all members support, the one most members prefer. */
  selectProtocol(): string | null {
    const members = [...this.members.values()];
    const candidates = members[0]?.protocols.map((p) => p.name).filter((n) => this.supportedByAll(n)) ?? [];
    if (candidates.length === 0) return null;
    const votes = new Map<string, number>();
    for (const member of members) {
      const choice = member.protocols.find((p) => candidates.includes(p.name))!.name;
      votes.set(choice, (votes.get(choice) ?? 0) + 1);
    }
    // Ties go to the candidate the first member prefers, so the choice is deterministic.
    let best = candidates[0]!;
    for (const name of candidates) if ((votes.get(name) ?? 0) > (votes.get(best) ?? 0)) best = name;
    return best;
  }

  allMembersJoined(): boolean {
    if (this.pendingMembers.size > 0) return false;
    for (const member of this.members.values()) if (member.awaitingJoin === null) return false;
    return true;
  }

  /** Longest rebalance timeout among the members: how long the join phase waits for stragglers. */
  rebalanceTimeoutMs(): number {
    let max = 0;
    for (const member of this.members.values()) max = Math.max(max, member.rebalanceTimeoutMs);
    return max; // never negative: a hostile -1 must not become a negative timer
  }

  private supportedByAll(name: string): boolean {
    for (const member of this.members.values()) {
      if (!member.protocols.some((p) => p.name === name)) return false;
    }
    return true;
  }
}
