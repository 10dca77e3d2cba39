import type { ClusterModel } from './cluster-model';
import type { MoveDelta } from './goals';
import type { PlanState } from './plan-state';
import type { HardGoal } from './types';

/** Which hard goal, if any, partition p breaks as it stands (first in repair order). */
export function hardViolation(model: ClusterModel, p: number): HardGoal | null {
  let outsideCell = false;
  for (let i = model.offset[p] as number; i < (model.offset[p + 1] as number); i++) {
    const slot = model.replicaSlots[i] as number;
    if (!model.replicasAllowed[slot]) return 'DRAIN';
    if (!model.cellAllows(p, slot)) outsideCell = true;
  }
  const leader = model.leaderSlot[p] as number;
  const preferred = model.replicaSlots[model.offset[p] as number] as number;
  if (outsideCell) return 'CELL_CONTAINMENT';
  if (!model.rackAware(p)) return 'RACK_AWARENESS';
  // A demoted broker first in the list would win the next preferred-leader election
  // (auto.leader.rebalance.enable), so it must neither lead nor be preferred.
  if (!model.leadersAllowed[leader] || !model.leadersAllowed[preferred]) return 'LEADERSHIP_NOT_ALLOWED';
  return null;
}

/** Counts partitions breaking a hard goal, whether or not the planner may move them. */
export function countHardViolations(model: ClusterModel): { movable: number; immovable: number } {
  let movable = 0;
  let immovable = 0;
  for (let p = 0; p < model.partitionCount; p++) {
    if ((model.leaderSlot[p] as number) < 0 || model.replicaSlots.subarray(model.offset[p] as number, model.offset[p + 1] as number).includes(-1)) continue;
    if (hardViolation(model, p) === null) continue;
    if (model.movable[p]) movable++;
    else immovable++;
  }
  return { movable, immovable };
}

/**
 * Repairs hard-goal violations before any soft goal runs: drained brokers first (so they
 * empty before anything else competes for the budgets), then cell containment, rack
 * awareness and leadership on demoted brokers. Each broken partition gets one move that
 * replaces every offending replica with the least loaded valid broker (by the cluster-load
 * metric after the move) and puts an in-sync, leadership-allowed replica first. Returns the
 * number of violations it could not repair within the budgets.
 */
export function repairHardGoals(state: PlanState): number {
  const model = state.model;
  const order: { p: number; goal: HardGoal; rank: number }[] = [];
  const rank: Record<HardGoal, number> = { DRAIN: 0, CELL_CONTAINMENT: 1, RACK_AWARENESS: 2, LEADERSHIP_NOT_ALLOWED: 3, CAPACITY: 4 };
  for (let p = 0; p < model.partitionCount; p++) {
    if (!model.movable[p]) continue;
    const goal = hardViolation(model, p);
    if (goal !== null) order.push({ p, goal, rank: rank[goal] });
  }
  // Drains lead with the partitions that carry the most traffic off the broker, then the rest by index.
  order.sort((a, b) => a.rank - b.rank || (a.goal === 'DRAIN' ? trafficOf(model, b.p) - trafficOf(model, a.p) : 0) || a.p - b.p);
  let unrepaired = 0;
  for (const { p, goal } of order) {
    if (state.canMove() && repairPartition(state, p, goal)) continue;
    unrepaired++;
    // Soft goals leave a partition they cannot make whole alone: the next round repairs it first.
    model.movable[p] = 0;
  }
  return unrepaired;
}

function trafficOf(model: ClusterModel, p: number): number {
  return (model.bytesIn[p] as number) + (model.leaderOut[p] as number);
}

function repairPartition(state: PlanState, p: number, goal: HardGoal): boolean {
  const model = state.model;
  const from = model.replicasOf(p);
  const to = [...from];
  const size = model.size[p] as number;
  const leader = model.leaderSlot[p] as number;
  const replaced: number[] = [];
  const added: number[] = [];
  for (let i = 0; i < to.length; i++) {
    const slot = to[i] as number;
    if (!offends(model, p, to, i)) continue;
    const delta: MoveDelta = { in: model.bytesIn[p] as number, out: slot === leader ? (model.leaderOut[p] as number) : 0, disk: size, leaders: slot === leader ? 1 : 0, replicas: 1 };
    const d = bestDestination(state, p, to, i, delta);
    if (d < 0) return false;
    to[i] = d;
    replaced.push(slot);
    added.push(d);
  }
  const ordered = orderForLeadership(state, p, to, leader, added);
  if (ordered === null) return false;
  if (added.length > 0) {
    const bytes = added.length * size;
    const limit = state.settings.maxConcurrentMovesPerBroker;
    if (state.bytesUsed + bytes > state.settings.maxBytesInFlight) {
      state.stoppedBy ??= 'maxBytesInFlight';
      return false;
    }
    if ([...replaced, ...added].some((slot) => (state.concurrent[slot] as number) >= limit)) return false;
  }
  // The same list with another leader is a preferred-leader election only (a LEADERSHIP move).
  if (sameList(ordered, from) && ordered[0] === leader) return false;
  const source = replaced[0] ?? leader;
  const destination = added[0] ?? (ordered[0] as number);
  state.apply(p, ordered, goal, source, destination, 0);
  return true;
}

/** Does the replica at position i of `list` break cell containment, a drain, or rack awareness? */
function offends(model: ClusterModel, p: number, list: number[], i: number): boolean {
  const slot = list[i] as number;
  if (!model.replicasAllowed[slot] || !model.cellAllows(p, slot)) return true;
  // Rack awareness: a replica offends when an earlier replica of the list already fills its rack's share.
  const rf = list.length;
  const racks = model.racksFor(p);
  const perRack = racks >= rf ? 1 : Math.ceil(rf / Math.max(1, racks));
  let same = 0;
  for (let j = 0; j < i; j++) if (model.rack[list[j] as number] === model.rack[slot]) same++;
  return same >= perRack;
}

/** The least loaded broker that may take position i of p's list, or -1. */
function bestDestination(state: PlanState, p: number, list: number[], i: number, delta: MoveDelta): number {
  const model = state.model;
  let best = -1;
  let bestLoad = Infinity;
  for (let d = 0; d < model.brokerCount; d++) {
    if (!model.replicasAllowed[d] || !model.cellAllows(p, d) || list.includes(d)) continue;
    if (!state.brokerHasRoom(d) || !state.capacityAllows(d, delta)) continue;
    if (!rackFits(model, p, list, i, d)) continue;
    const load = model.loadOf(d, delta.in, delta.out);
    if (load < bestLoad) {
      bestLoad = load;
      best = d;
    }
  }
  return best;
}

function rackFits(model: ClusterModel, p: number, list: number[], i: number, d: number): boolean {
  const rf = list.length;
  const racks = model.racksFor(p);
  const perRack = racks >= rf ? 1 : Math.ceil(rf / Math.max(1, racks));
  let same = 0;
  for (let j = 0; j < list.length; j++) if (j !== i && model.rack[list[j] as number] === model.rack[d]) same++;
  return same < perRack;
}

/**
 * Puts a replica that may lead first: the current leader if it stays and may lead; else a
 * replica new to the list that may lead (it leads once it has caught up and the executor
 * elects the preferred leader); else an in-sync replica that may lead. Brokers that may not
 * lead go last. null when no replica may lead.
 */
function orderForLeadership(state: PlanState, p: number, list: number[], leader: number, added: number[]): number[] | null {
  const model = state.model;
  const mayLead = (slot: number) => model.leadersAllowed[slot] === 1;
  // Capacity: a broker that starts leading takes the partition's network out (and, when new to it, its in and disk).
  const fits = (slot: number) => {
    if (slot === leader) return true;
    const isNew = added.includes(slot);
    return state.capacityAllows(slot, { in: isNew ? (model.bytesIn[p] as number) : 0, out: model.leaderOut[p] as number, disk: isNew ? (model.size[p] as number) : 0, leaders: 1, replicas: isNew ? 1 : 0 });
  };
  let first = -1;
  if (list.includes(leader) && mayLead(leader)) first = leader;
  else if (mayLead(list[0] as number) && added.includes(list[0] as number) && fits(list[0] as number)) first = list[0] as number;
  else {
    let bestLoad = Infinity;
    for (const slot of list) {
      if (!mayLead(slot) || added.includes(slot) || !model.isInSync(p, slot) || !fits(slot)) continue;
      const load = model.loadOf(slot, 0, model.leaderOut[p] as number);
      if (load < bestLoad) {
        bestLoad = load;
        first = slot;
      }
    }
    if (first < 0) first = added.find((slot) => mayLead(slot) && fits(slot)) ?? -1;
  }
  if (first < 0) return null;
  const rest = list.filter((slot) => slot !== first);
  return [first, ...rest.filter(mayLead), ...rest.filter((slot) => !mayLead(slot))];
}

function sameList(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
