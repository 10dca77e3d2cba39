import type { ClusterModel } from './cluster-model';
import type { Goal } from './types';

/**
 * What a move carries from its source broker to its destination: the same amounts leave
 * one and arrive at the other, whatever the kind of move.
 * - replica move of a follower: in = bytesIn, disk = size, replicas = 1;
 * - replica move of the leader replica (the destination takes its slot and leads): also
 *   out = leaderOut, leaders = 1;
 * - leadership move: out = leaderOut, leaders = 1 (in and disk stay: both remain replicas).
 */
export interface MoveDelta {
  in: number;
  out: number;
  disk: number;
  leaders: number;
  replicas: number;
}

/** A goal's per-broker metric before or after a move: % of capacity for resources, a count for counts. */
export function goalMetric(goal: Goal, model: ClusterModel, b: number, sign: number, delta: MoveDelta | null): number {
  const dIn = delta === null ? 0 : sign * delta.in;
  const dOut = delta === null ? 0 : sign * delta.out;
  switch (goal) {
    case 'CLUSTER_LOAD':
      return model.loadOf(b, dIn, dOut);
    case 'NETWORK_IN':
      return (100 * ((model.netIn[b] as number) + dIn)) / (model.capIn[b] as number);
    case 'NETWORK_OUT':
      return (100 * ((model.netOut[b] as number) + dOut)) / (model.capOut[b] as number);
    case 'DISK':
      return (100 * ((model.disk[b] as number) + (delta === null ? 0 : sign * delta.disk))) / (model.capDisk[b] as number);
    case 'LEADER_COUNT':
      return (model.leaders[b] as number) + (delta === null ? 0 : sign * delta.leaders);
    case 'REPLICA_COUNT':
      return (model.replicaCount[b] as number) + (delta === null ? 0 : sign * delta.replicas);
  }
}

/** Goals that leadership moves can change (the others count or carry only what every replica has). */
export function leadershipMatters(goal: Goal): boolean {
  return goal === 'CLUSTER_LOAD' || goal === 'NETWORK_OUT' || goal === 'LEADER_COUNT';
}

/** Whether broker b takes part in a goal's mean and may receive what the goal moves. */
export function eligible(goal: Goal, model: ClusterModel, b: number): boolean {
  if (!model.replicasAllowed[b]) return false;
  return goal !== 'LEADER_COUNT' || model.leadersAllowed[b] === 1;
}

/**
 * A goal's balance band per cell group, from the mean of its eligible brokers and the stop
 * threshold. Counts get whole-number bands (mean 1.5 leaders, 10% → 1..2) so that a goal
 * over small counts can be met at all.
 */
export class GoalBand {
  readonly mean: Float64Array;
  readonly upper: Float64Array;
  readonly lower: Float64Array;
  /** Each broker's metric as it stands, kept current through noteChange. */
  private readonly current: Float64Array;
  private readonly sum: Float64Array;
  private readonly count: Float64Array;
  private readonly counts: boolean;

  constructor(
    readonly goal: Goal,
    model: ClusterModel,
    private readonly stopPct: number,
  ) {
    const groups = model.cellIds.length;
    this.sum = new Float64Array(groups);
    this.count = new Float64Array(groups);
    this.mean = new Float64Array(groups);
    this.upper = new Float64Array(groups);
    this.lower = new Float64Array(groups);
    this.counts = goal === 'LEADER_COUNT' || goal === 'REPLICA_COUNT';
    this.current = new Float64Array(model.brokerCount);
    for (let b = 0; b < model.brokerCount; b++) {
      this.current[b] = goalMetric(goal, model, b, 0, null);
      if (!eligible(goal, model, b)) continue;
      this.sum[model.cellOf[b] as number]! += this.current[b] as number;
      this.count[model.cellOf[b] as number]! += 1;
    }
    for (let g = 0; g < groups; g++) this.refreshGroup(g);
  }

  /**
   * Keeps the mean current after a broker's metric changed from `before` to `after`: the
   * load metric is a max of utilisations, so moves shift its mean, and a stale mean would
   * make the band refuse moves that are fine (or accept ones that are not).
   */
  noteChange(model: ClusterModel, b: number, before: number, after: number): void {
    this.current[b] = after;
    if (!eligible(this.goal, model, b)) return;
    const g = model.cellOf[b] as number;
    this.sum[g]! += after - before;
    this.refreshGroup(g);
  }

  /** b's metric now, computed afresh from the model. */
  metricOf(model: ClusterModel, b: number): number {
    return goalMetric(this.goal, model, b, 0, null);
  }

  private refreshGroup(g: number): void {
    const count = this.count[g] as number;
    const mean = count > 0 ? (this.sum[g] as number) / count : 0;
    this.mean[g] = mean;
    this.upper[g] = this.counts ? Math.ceil(mean * (1 + this.stopPct / 100) - 1e-9) : mean * (1 + this.stopPct / 100);
    this.lower[g] = this.counts ? Math.floor(mean * (1 - this.stopPct / 100) + 1e-9) : mean * (1 - this.stopPct / 100);
  }

  meanOf(model: ClusterModel, b: number): number {
    return this.mean[model.cellOf[b] as number] as number;
  }

  upperOf(model: ClusterModel, b: number): number {
    return this.upper[model.cellOf[b] as number] as number;
  }

  lowerOf(model: ClusterModel, b: number): number {
    return this.lower[model.cellOf[b] as number] as number;
  }

  /**
   * Cruise Control's acceptance test for a goal already optimised: the move must not push
   * the destination above the band (or further above, when it already is) nor the source
   * below it.
   */
  accepts(model: ClusterModel, s: number, d: number, delta: MoveDelta): boolean {
    return this.acceptsSource(model, s, delta) && this.acceptsDestination(model, d, delta);
  }

  acceptsDestination(model: ClusterModel, d: number, delta: MoveDelta): boolean {
    const dAfter = goalMetric(this.goal, model, d, 1, delta);
    return dAfter <= Math.max(this.upperOf(model, d), this.current[d] as number) + 1e-9;
  }

  acceptsSource(model: ClusterModel, s: number, delta: MoveDelta): boolean {
    if (!model.replicasAllowed[s]) return true; // draining: the source may go to zero
    const sAfter = goalMetric(this.goal, model, s, -1, delta);
    return sAfter >= Math.min(this.lowerOf(model, s), this.current[s] as number) - 1e-9;
  }

  /** Change of Σ (metric − mean)² over source and destination: positive = better balanced. */
  improvement(model: ClusterModel, s: number, d: number, delta: MoveDelta): number {
    const ms = (this.current[s] as number) - this.meanOf(model, s);
    const md = (this.current[d] as number) - this.meanOf(model, d);
    const ms2 = goalMetric(this.goal, model, s, -1, delta) - this.meanOf(model, s);
    const md2 = goalMetric(this.goal, model, d, 1, delta) - this.meanOf(model, d);
    return ms * ms + md * md - ms2 * ms2 - md2 * md2;
  }
}
