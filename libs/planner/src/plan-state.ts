import type { ClusterModel } from './cluster-model';
import type { MoveDelta } from './goals';
import type { ResolvedSettings } from './settings';
import type { Goal, HardGoal, MoveKind } from './types';

/** A move as the planner records it: slots, not ids, until the result is built. */
export interface RecordedMove {
  p: number;
  kind: MoveKind;
  from: number[];
  to: number[];
  bytes: number;
  goal: Goal | HardGoal;
  source: number;
  destination: number;
  improvement: number;
  /** Leader before the move (to undo it exactly). */
  leaderBefore: number;
}

/** The budgets of one plan (the damping knobs) and the moves made so far. */
export class PlanState {
  readonly moves: RecordedMove[] = [];
  /** Replica moves per broker slot, this plan's plus the ones already in flight. */
  readonly concurrent: Int32Array;
  bytesUsed: number;
  stoppedBy: 'maxMovesPerRound' | 'maxBytesInFlight' | null = null;
  private readonly capacityFactor: number;

  constructor(
    readonly model: ClusterModel,
    readonly settings: ResolvedSettings,
  ) {
    this.concurrent = new Int32Array(model.brokerCount);
    for (const [id, count] of Object.entries(settings.inFlightMovesPerBroker)) {
      const slot = model.slotOf.get(Number(id));
      if (slot !== undefined) this.concurrent[slot] = count;
    }
    this.bytesUsed = settings.inFlightBytes;
    this.capacityFactor = settings.capacityLimitPct / 100;
  }

  /** Any move left in the round's budget? */
  canMove(): boolean {
    if (this.moves.length < this.settings.maxMovesPerRound) return true;
    this.stoppedBy ??= 'maxMovesPerRound';
    return false;
  }

  /** May a replica move of `bytes` between s and d start, under the bytes and per-broker limits? */
  canCopy(bytes: number, s: number, d: number): boolean {
    const limit = this.settings.maxConcurrentMovesPerBroker;
    if ((this.concurrent[s] as number) >= limit || (this.concurrent[d] as number) >= limit) return false;
    if (this.bytesUsed + bytes > this.settings.maxBytesInFlight) {
      if (this.bytesUsed > 0 || bytes > 0) this.stoppedBy ??= 'maxBytesInFlight';
      return false;
    }
    return true;
  }

  /** Is broker slot b still free to take part in a replica move? */
  brokerHasRoom(b: number): boolean {
    return (this.concurrent[b] as number) < this.settings.maxConcurrentMovesPerBroker;
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

  /** Applies a move to the model and records it. `to[0]` leads afterwards. */
  apply(p: number, to: number[], kind: MoveKind, goal: Goal | HardGoal, source: number, destination: number, improvement: number): void {
    const m = this.model;
    const from = m.replicasOf(p);
    const leaderBefore = m.leaderSlot[p] as number;
    let bytes = 0;
    if (kind === 'REPLICA') {
      const added = to.filter((slot) => !from.includes(slot));
      bytes = added.length * (m.size[p] as number);
      for (const slot of new Set([...from, ...to])) if (from.includes(slot) !== to.includes(slot)) this.concurrent[slot]!++;
      this.bytesUsed += bytes;
    }
    m.reassign(p, to);
    m.moved[p] = 1;
    this.moves.push({ p, kind, from, to, bytes, goal, source, destination, improvement, leaderBefore });
  }

  /** Undoes the last move (used when a soft move turns out to worsen the whole). */
  undoLast(): void {
    const move = this.moves.pop();
    if (move === undefined) return;
    const m = this.model;
    m.reassign(move.p, move.from);
    m.addPartition(move.p, -1);
    m.leaderSlot[move.p] = move.leaderBefore;
    m.addPartition(move.p, 1);
    m.moved[move.p] = 0;
    if (move.kind === 'REPLICA') {
      for (const slot of new Set([...move.from, ...move.to])) if (move.from.includes(slot) !== move.to.includes(slot)) this.concurrent[slot]!--;
      this.bytesUsed -= move.bytes;
    }
  }
}
