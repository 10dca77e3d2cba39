import { ClusterModel } from './cluster-model';
import { optimizeGoal } from './goal-pass';
import type { GoalBand } from './goals';
import { countHardViolations, repairHardGoals } from './hard-goals';
import { ratio } from './load-model';
import { PlanState, type RecordedMove } from './plan-state';
import { resolveSettings, type ResolvedSettings } from './settings';
import { cellImbalances, summarizeModel, worstRatio } from './summary';
import type { BrokerLoadInput, PartitionLoadInput, PlannedMove, PlannerSettings, PlanResult } from './types';
import { validateInput } from './validate-input';

/**
 * Plans one balancing round. Pure and deterministic: the same brokers, partitions (in the
 * same order) and settings give the same plan.
 *
 * 1. Nothing happens unless a hard goal is broken or some cell is imbalanced beyond the
 *    trigger threshold (most loaded broker above the cell mean, or least loaded below it).
 * 2. Hard goals first: drained brokers are emptied, then cell containment, rack awareness
 *    and leadership off demoted brokers are repaired.
 * 3. If the cluster is (still) imbalanced beyond the trigger, the soft goals run in order,
 *    each until its brokers are within the stop threshold of their cell's mean.
 * 4. A soft move that would leave the load max/mean worse than before is dropped.
 */
export function plan(brokers: readonly BrokerLoadInput[], partitions: readonly PartitionLoadInput[], settings: PlannerSettings): PlanResult {
  const resolved = resolveSettings(settings);
  validateInput(brokers, partitions);
  const model = new ClusterModel(brokers, partitions);
  const before = summarizeModel(model);
  const violations = countHardViolations(model);
  const imbalance = assessImbalance(model, resolved);

  const state = new PlanState(model, resolved);
  const stats = { skippedPartitions: model.skipped, bytesLowerBound: bytesLowerBound(model, resolved.stopThresholdPct) };
  if (violations.movable === 0 && !imbalance.triggered) {
    const reason = violations.immovable > 0 ? `${imbalance.reason}; ${violations.immovable} partitions break a hard goal but may not move now` : imbalance.reason;
    return result(model, state, before, false, reason, stats, violations.immovable);
  }

  const unrepaired = violations.movable > 0 ? repairHardGoals(state) : 0;
  const repairs = state.moves.length;
  const repairSteps = state.steps;
  const reasons: string[] = [];
  if (violations.movable > 0) reasons.push(`${violations.movable} partitions break a hard goal (${repairs} repaired${unrepaired > 0 ? `, ${unrepaired} left: no broker may take them or a budget ran out` : ''})`);

  const afterRepairs = assessImbalance(model, resolved);
  if (imbalance.triggered || afterRepairs.triggered) {
    reasons.unshift(imbalance.triggered ? imbalance.reason : afterRepairs.reason);
    // Only the cells beyond the trigger are rebalanced: a calm cell is left alone.
    const active = Uint8Array.from(imbalance.cells, (on, cell) => (on || afterRepairs.cells[cell] ? 1 : 0));
    const ratiosBefore = balanceRatios(model);
    const earlier: GoalBand[] = [];
    for (const goal of resolved.goals) {
      if (!state.canMove()) break;
      earlier.push(optimizeGoal(state, goal, earlier, active));
    }
    // Later goals keep the load inside its band, but the band's mean drifts as they move
    // things (load is a max of utilisations): one more load pass, under every goal's band,
    // takes back what crept over the stop threshold.
    if (state.canMove() && worstRatio(model, false) > 1 + resolved.stopThresholdPct / 100) optimizeGoal(state, 'CLUSTER_LOAD', earlier, active);
    // The bands keep every broker near its mean, but the mean itself can shift (load is the
    // max of three utilisations); never hand back a plan that leaves a ratio worse.
    const worse = () => balanceRatios(model).some((r, i) => r > (ratiosBefore[i] as number) + 1e-9);
    while (state.steps > repairSteps && worse()) state.undoTo(state.steps - 1);
    if (state.moves.length === repairs) reasons.push('no move improves the balance within the hard goals and budgets');
  }
  return result(model, state, before, true, reasons.join('; '), stats, unrepaired + violations.immovable);
}

interface Assessment {
  triggered: boolean;
  /** Per cell group: beyond the trigger? */
  cells: boolean[];
  reason: string;
}

/**
 * Is some cell's most (least) loaded broker beyond the trigger above (below) the cell mean,
 * by more than the dead band? Judged on the load as reported (0..100), like the summaries.
 */
export function assessImbalance(model: ClusterModel, settings: ResolvedSettings): Assessment {
  const trigger = settings.triggerThresholdPct;
  const triggered = model.cellIds.map(() => false);
  let worst: { text: string; excess: number } | null = null;
  let calmest = 0;
  for (const cell of cellImbalances(model, true)) {
    const name = model.cellIds[cell.cell] === null ? 'brokers outside every cell' : `cell ${model.cellIds[cell.cell]}`;
    const overPct = cell.mean > 0 ? (100 * (cell.max - cell.mean)) / cell.mean : 0;
    const underPct = cell.mean > 0 ? (100 * (cell.mean - cell.min)) / cell.mean : 0;
    calmest = Math.max(calmest, overPct, underPct);
    const over = overPct > trigger && cell.max - cell.mean > settings.minImbalancePct;
    const under = underPct > trigger && cell.mean - cell.min > settings.minImbalancePct;
    triggered[cell.cell] = over || under;
    if (over && (worst === null || overPct > worst.excess)) {
      worst = { excess: overPct, text: `${name}: broker ${model.brokerIds[cell.maxSlot]} at ${cell.max.toFixed(1)}% load is ${overPct.toFixed(1)}% above the cell mean ${cell.mean.toFixed(1)}% (trigger ${trigger}%)` };
    }
    if (under && (worst === null || underPct > worst.excess)) {
      worst = { excess: underPct, text: `${name}: broker ${model.brokerIds[cell.minSlot]} at ${cell.min.toFixed(1)}% load is ${underPct.toFixed(1)}% below the cell mean ${cell.mean.toFixed(1)}% (trigger ${trigger}%)` };
    }
  }
  if (worst !== null) return { triggered: true, cells: triggered, reason: worst.text };
  if (calmest > trigger) return { triggered: false, cells: triggered, reason: `imbalance of up to ${calmest.toFixed(1)}% is within the dead band of ${settings.minImbalancePct} load points` };
  return { triggered: false, cells: triggered, reason: `balanced: every broker is within ${calmest.toFixed(1)}% of its cell's mean load (trigger ${trigger}%)` };
}

/** max/mean overall and of the worst cell, on the load as reported (clamped) and unclamped. */
function balanceRatios(model: ClusterModel): number[] {
  return [worstRatio(model, true), worstRatio(model, false), overallRatio(model, true), overallRatio(model, false)];
}

function overallRatio(model: ClusterModel, clamp: boolean): number {
  let max = 0;
  let sum = 0;
  let count = 0;
  for (let b = 0; b < model.brokerCount; b++) {
    const raw = model.loadOf(b);
    const load = clamp ? Math.min(100, raw) : raw;
    max = Math.max(max, load);
    if (!model.replicasAllowed[b]) continue;
    sum += load;
    count++;
  }
  return ratio(max, count > 0 ? sum / count : 0);
}

/**
 * Bytes any plan must copy so that no broker's network in exceeds its cell's mean (as a
 * share of capacity) by more than the stop threshold, plus everything on drained brokers.
 * Network in moves only with replicas (every replica receives the produce bytes; leadership
 * moves change network out only), and the cheapest way to shed it is the replicas with the
 * most bytes in per byte stored: a fractional knapsack over each over-band broker's replicas
 * gives the bound.
 */
function bytesLowerBound(model: ClusterModel, stopPct: number): number {
  const groups = model.cellIds.length;
  const used = new Float64Array(groups);
  const capacity = new Float64Array(groups);
  let bound = 0;
  for (let b = 0; b < model.brokerCount; b++) {
    if (!model.replicasAllowed[b]) {
      bound += model.disk[b] as number;
      continue;
    }
    used[model.cellOf[b] as number]! += model.netIn[b] as number;
    capacity[model.cellOf[b] as number]! += model.capIn[b] as number;
  }
  for (let b = 0; b < model.brokerCount; b++) {
    if (!model.replicasAllowed[b]) continue;
    const cell = model.cellOf[b] as number;
    const allowed = ((used[cell] as number) / (capacity[cell] as number)) * (1 + stopPct / 100) * (model.capIn[b] as number);
    let excess = (model.netIn[b] as number) - allowed;
    if (excess <= 0) continue;
    const replicas = Array.from(model.hosted.subarray(model.hostStart[b] as number, model.hostStart[b + 1] as number));
    replicas.sort((x, y) => (model.bytesIn[y] as number) * (model.size[x] as number) - (model.bytesIn[x] as number) * (model.size[y] as number) || x - y);
    for (const p of replicas) {
      const rate = model.bytesIn[p] as number;
      if (rate <= 0) break;
      const share = Math.min(1, excess / rate);
      bound += share * (model.size[p] as number);
      excess -= share * rate;
      if (excess <= 1e-9) break;
    }
  }
  return bound;
}

function result(
  model: ClusterModel,
  state: PlanState,
  before: PlanResult['before'],
  triggered: boolean,
  reason: string,
  stats: { skippedPartitions: number; bytesLowerBound: number },
  unrepaired: number,
): PlanResult {
  const moves = state.moves.map((move) => toPlannedMove(model, move));
  let leadershipMoves = 0;
  let bytesMoved = 0;
  for (const move of moves) {
    if (move.kind === 'LEADERSHIP') leadershipMoves++;
    bytesMoved += move.bytes;
  }
  return {
    moves,
    before,
    predictedAfter: moves.length === 0 ? before : summarizeModel(model),
    triggered,
    reason,
    stats: {
      leadershipMoves,
      replicaMoves: moves.length - leadershipMoves,
      bytesMoved,
      bytesLowerBound: stats.bytesLowerBound,
      stoppedBy: state.stoppedBy,
      skippedPartitions: stats.skippedPartitions,
      unrepaired,
    },
  };
}

function toPlannedMove(model: ClusterModel, move: RecordedMove): PlannedMove {
  const partition = model.partitions[move.p] as PartitionLoadInput;
  return {
    topic: partition.topic,
    partition: partition.partition,
    kind: move.kind,
    fromReplicas: model.idsOf(move.from),
    toReplicas: model.idsOf(move.to),
    bytes: move.bytes,
    goal: move.goal,
    source: model.brokerIds[move.source] as number,
    destination: model.brokerIds[move.destination] as number,
    improvement: move.improvement,
  };
}
