import type { ClusterModel } from './cluster-model';
import type { MoveDelta } from './goals';
import type { ResolvedSettings } from './settings';
import type { Goal, HardGoal, MoveKind } from './types';

/**
 * One partition's move in the plan, in slots until the result is built. Several steps on
 * the same partition (say a leadership move, then one of its followers moved) merge into one
 * record from its original replicas to its final ones: one reassignment for the executor.
 */
export interface RecordedMove {
  p: number;
  kind: MoveKind;
  from: number[];
  to: number[];
  bytes: number;
  /** The goal of its first step (the reason the partition moves). */
  goal: Goal | HardGoal;
  source: number;
  destination: number;
  /** Summed over its steps. */
  improvement: number;
  /** Leader before the plan touched it. */
  leaderBefore: number;
}

/** What one step changed, to undo it exactly. */
interface JournalEntry {
  p: number;
  replicas: number[];
  leader: number;
  inSync: number[];
  /** The record before the step; null when the step created it. */
  record: RecordedMove | null;
}

/** The budgets of one plan (the damping knobs) and the moves made so far. */
export class PlanState {
  readonly moves: RecordedMove[] = [];
  /** Index in `moves` of each partition's record, -1 while it has none. */
  readonly moveIndex: Int32Array;
  /** Replica moves per broker slot, this plan's plus the ones already in flight. */
  readonly concurrent: Int32Array;
  bytesUsed: number;
  stoppedBy: 'maxMovesPerRound' | 'maxBytesInFlight' | null = null;
  private readonly journal: JournalEntry[] = [];
  private readonly capacityFactor: number;

  constructor(
    readonly model: ClusterModel,
    readonly settings: ResolvedSettings,
  ) {
    this.concurrent = new Int32Array(model.brokerCount);
    this.moveIndex = new Int32Array(model.partitionCount).fill(-1);
    for (const [id, count] of Object.entries(settings.inFlightMovesPerBroker)) {
      const slot = model.slotOf.get(Number(id));
      if (slot !== undefined) this.concurrent[slot] = count;
    }
    this.bytesUsed = settings.inFlightBytes;
    this.capacityFactor = settings.capacityLimitPct / 100;
  }

  /** Steps taken so far (a mark for undoing back to). */
  get steps(): number {
    return this.journal.length;
  }

  /** May a step on partition p be taken? A new partition needs room in maxMovesPerRound; one already in the plan merges. */
  canMove(p = -1): boolean {
    if (p >= 0 && (this.moveIndex[p] as number) >= 0) return true;
    if (this.moves.length < this.settings.maxMovesPerRound) return true;
    this.stoppedBy ??= 'maxMovesPerRound';
    return false;
  }

  /** May a replica move of `bytes` between s and d start, under the bytes and per-broker limits? */
  canCopy(bytes: number, s: number, d: number): boolean {
    const limit = this.settings.maxConcurrentMovesPerBroker;
    if ((this.concurrent[s] as number) >= limit || (this.concurrent[d] as number) >= limit) return false;
    if (this.bytesUsed + bytes > this.settings.maxBytesInFlight) {
      this.stoppedBy ??= 'maxBytesInFlight';
      return false;
    }
    return true;
  }

  /** Is broker slot b still free to take part in a replica move? */
  brokerHasRoom(b: number): boolean {
    return (this.concurrent[b] as number) < this.settings.maxConcurrentMovesPerBroker;
  }

  /** Did broker slot b hold a replica of p before this plan, or leave it recently? (Soft goals never move a replica back.) */
  heldBefore(p: number, b: number): boolean {
    const index = this.moveIndex[p] as number;
    if (index >= 0 && (this.moves[index] as RecordedMove).from.includes(b)) return true;
    return this.model.recentlyLeft.get(p)?.includes(b) ?? false;
  }

  /** Did broker slot b lead p before this plan, or leave it recently? (Soft goals never hand leadership back.) */
  ledBefore(p: number, b: number): boolean {
    const index = this.moveIndex[p] as number;
    if (index >= 0 && (this.moves[index] as RecordedMove).leaderBefore === b) return true;
    return this.model.recentlyLeft.get(p)?.includes(b) ?? false;
  }

  /** Hard capacity goal: after receiving `delta`, d stays within capacityLimitPct of every capacity. */
  capacityAllows(d: number, delta: MoveDelta): boolean {
    const m = this.model;
    const f = this.capacityFactor;
    if (delta.in > 0 && (m.netIn[d] as number) + delta.in > f * (m.capIn[d] as number)) return false;
    if (delta.out > 0 && (m.netOut[d] as number) + delta.out > f * (m.capOut[d] as number)) return false;
    if (delta.disk > 0 && (m.disk[d] as number) + delta.disk > f * (m.capDisk[d] as number)) return false;
    return true;
  }

  /** Applies a step to the model and records it (merged into p's record if it has one). `to[0]` leads afterwards. */
  apply(p: number, to: number[], goal: Goal | HardGoal, source: number, destination: number, improvement: number): void {
    const m = this.model;
    const current = m.replicasOf(p);
    const index = this.moveIndex[p] as number;
    const record = index >= 0 ? (this.moves[index] as RecordedMove) : null;
    this.journal.push({ p, replicas: current, leader: m.leaderSlot[p] as number, inSync: m.inSyncOf(p), record: record === null ? null : { ...record } });
    const from = record === null ? current : record.from;
    if (record !== null) this.count(record.from, record.to, -1);
    this.count(from, to, 1);
    const bytes = to.filter((slot) => !from.includes(slot)).length * (m.size[p] as number);
    this.bytesUsed += bytes - (record?.bytes ?? 0);
    const kind: MoveKind = bytes > 0 || to.some((slot) => !from.includes(slot)) ? 'REPLICA' : 'LEADERSHIP';
    if (record === null) {
      this.moveIndex[p] = this.moves.length;
      this.moves.push({ p, kind, from, to, bytes, goal, source, destination, improvement, leaderBefore: m.leaderSlot[p] as number });
    } else {
      if (record.kind === 'LEADERSHIP' && kind === 'REPLICA') {
        record.source = source;
        record.destination = destination;
      }
      record.to = to;
      record.kind = kind;
      record.bytes = bytes;
      record.improvement += improvement;
    }
    m.reassign(p, to);
  }

  /** Undoes steps until `steps` remain (used when soft steps turn out to worsen the whole). */
  undoTo(steps: number): void {
    const m = this.model;
    while (this.journal.length > steps) {
      const entry = this.journal.pop() as JournalEntry;
      const index = this.moveIndex[entry.p] as number;
      const record = this.moves[index] as RecordedMove;
      this.count(record.from, record.to, -1);
      this.bytesUsed -= record.bytes;
      m.restore(entry.p, entry.replicas, entry.leader, entry.inSync);
      if (entry.record === null) {
        // Records are created in step order, so the one a step created is the last.
        this.moves.pop();
        this.moveIndex[entry.p] = -1;
      } else {
        this.moves[index] = entry.record;
        this.count(entry.record.from, entry.record.to, 1);
        this.bytesUsed += entry.record.bytes;
      }
    }
  }

  /** Adds `sign` to the replica-move count of every broker that `from → to` adds or removes. */
  private count(from: readonly number[], to: readonly number[], sign: number): void {
    for (const slot of from) if (!to.includes(slot)) this.concurrent[slot]! += sign;
    for (const slot of to) if (!from.includes(slot)) this.concurrent[slot]! += sign;
  }
}
