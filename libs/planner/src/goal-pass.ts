import type { ClusterModel } from './cluster-model';
import { eligible, goalMetric, GoalBand, leadershipMatters, type MoveDelta } from './goals';
import type { PlanState } from './plan-state';
import { BrokerHeap } from '@cellar/cells';
import { SortedSlots } from './sorted-slots';
import type { Goal } from './types';

/** Candidate entries looked at per move chosen (more while none is valid: those are marked dead), and valid ones compared. */
const SCAN_LIMIT = 128;
const VALID_LIMIT = 4;
/** Destinations that pass the cheap checks, tried per candidate before it counts as having none. */
const WALK_LIMIT = 16;
/** Donors a broker under the band looks at before it gives up. */
const DONOR_LIMIT = 8;

interface Candidate {
  p: number;
  s: number;
  d: number;
  kind: 'LEADERSHIP' | 'REPLICA';
  improvement: number;
  score: number;
}

/**
 * Optimises one soft goal, Cruise Control style: `earlier` are the bands of the goals
 * already optimised, and no move may push a broker out of one of them. Returns the goal's
 * band for the goals after it.
 *
 * Two sweeps. Over the band: the broker furthest above it gives load away — leadership
 * first (no data copied), then the replica move with the best improvement per byte among
 * its densest candidates, each going to the least loaded broker that takes it. Under the
 * band: the broker furthest below takes load from the most loaded brokers of its cell.
 * Each sweep ends when every broker is inside the band or no move helps.
 */
export function optimizeGoal(state: PlanState, goal: Goal, earlier: readonly GoalBand[], activeCells: Uint8Array): GoalBand {
  const band = new GoalBand(goal, state.model, state.settings.stopThresholdPct);
  const pass = new GoalPass(state, goal, band, earlier, activeCells);
  pass.sweepOver();
  pass.sweepUnder();
  return band;
}

class GoalPass {
  private readonly model: ClusterModel;
  /** Each broker's goal metric, kept current as moves are applied. */
  private readonly value: Float64Array;
  /**
   * Sort key of the destination lists: the metric less its cell's mean *as the pass began*.
   * A fixed offset per cell keeps keys of brokers updated at different times comparable
   * (the live mean drifts), and still lets cells of different means share one list.
   */
  private readonly key: Float64Array;
  private readonly keyOffset: Float64Array;
  /** All brokers that may receive replicas are in one cell group: a band failure ends any destination walk. */
  private readonly oneGroup: boolean;
  /** Destination lists: per cell group, the whole cluster, and each of those split by rack. */
  private readonly cellLists: SortedSlots[];
  private readonly everyBroker: SortedSlots;
  private readonly cellRackLists: SortedSlots[];
  private readonly rackLists: SortedSlots[];
  private readonly eligibleMask: Uint8Array;
  private readonly exhausted: Uint8Array;
  /** Per broker: hosted/led segments sorted for this goal yet? cursor past the dead prefix. */
  private readonly hostedSorted: Uint8Array;
  private readonly hostedCursor: Int32Array;
  private readonly hostedDead: Uint8Array;
  private readonly ledSorted: Uint8Array;
  private readonly ledCursor: Int32Array;
  private readonly ledDead: Uint8Array;
  private readonly moveCost: number;
  /** The CLUSTER_LOAD band when that goal ran before this one. */
  private readonly loadBand: GoalBand | null;
  /** Under-the-band leadership scan over each broker's own replicas: cursor and dead marks. */
  private readonly takeCursor: Int32Array;
  private readonly takeDead: Uint8Array;
  /** Priority of each broker in the over-the-band sweep, and the heap while it runs. */
  private readonly excess: Float64Array;
  private overHeap: BrokerHeap | null = null;
  /** Reused move deltas: candidates are evaluated one at a time. */
  private readonly replicaScratch: MoveDelta = { in: 0, out: 0, disk: 0, leaders: 0, replicas: 0 };
  private readonly leadershipScratch: MoveDelta = { in: 0, out: 0, disk: 0, leaders: 1, replicas: 0 };
  private readonly bandScratchS = new Float64Array(8);
  private readonly bandScratchD = new Float64Array(8);

  constructor(
    private readonly state: PlanState,
    private readonly goal: Goal,
    private readonly band: GoalBand,
    private readonly earlier: readonly GoalBand[],
    activeCells: Uint8Array,
  ) {
    const model = state.model;
    this.model = model;
    const B = model.brokerCount;
    this.key = new Float64Array(B);
    this.keyOffset = Float64Array.from(band.mean);
    this.value = new Float64Array(B);
    const R = model.rackCount;
    const members: number[][] = model.cellIds.map(() => []);
    const cellRackMembers: number[][] = Array.from({ length: model.cellIds.length * R }, () => []);
    const rackMembers: number[][] = Array.from({ length: R }, () => []);
    const all: number[] = [];
    this.eligibleMask = new Uint8Array(B);
    for (let b = 0; b < B; b++) {
      this.value[b] = this.metric(b);
      this.key[b] = (this.value[b] as number) - (this.keyOffset[model.cellOf[b] as number] as number);
      if (!eligible(goal, model, b) || !activeCells[model.cellOf[b] as number]) continue;
      this.eligibleMask[b] = 1;
      if (!state.brokerHasRoom(b)) continue;
      members[model.cellOf[b] as number]!.push(b);
      cellRackMembers[(model.cellOf[b] as number) * R + (model.rack[b] as number)]!.push(b);
      rackMembers[model.rack[b] as number]!.push(b);
      all.push(b);
    }
    this.cellLists = members.map((m) => new SortedSlots(m, this.key, B));
    this.cellRackLists = cellRackMembers.map((m) => new SortedSlots(m, this.key, B));
    this.rackLists = rackMembers.map((m) => new SortedSlots(m, this.key, B));
    this.oneGroup = members.filter((m) => m.length > 0).length <= 1;
    this.everyBroker = new SortedSlots(all, this.key, B);
    this.exhausted = new Uint8Array(B);
    this.hostedSorted = new Uint8Array(B);
    this.hostedCursor = new Int32Array(B);
    this.hostedDead = new Uint8Array(model.hosted.length);
    this.ledSorted = new Uint8Array(B);
    this.ledCursor = new Int32Array(B);
    this.ledDead = new Uint8Array(model.led.length);
    this.moveCost = state.settings.moveCostBytes;
    this.loadBand = earlier.find((b) => b.goal === 'CLUSTER_LOAD') ?? null;
    this.excess = new Float64Array(B);
    this.takeCursor = new Int32Array(B);
    this.takeDead = new Uint8Array(model.hosted.length);
  }

  sweepOver(): void {
    const model = this.model;
    // Most excess first; ties to the lower slot, so plans are deterministic.
    const excess = this.excess;
    const heap = new BrokerHeap(
      { before: (a, b) => (excess[a] as number) > (excess[b] as number) || (excess[a] === excess[b] && a < b) },
      new Int32Array(model.brokerCount).fill(-1),
    );
    this.overHeap = heap;
    for (let b = 0; b < model.brokerCount; b++) {
      if (!this.eligibleMask[b]) continue;
      this.excess[b] = this.excessOf(b);
      heap.push(b);
    }
    let fresh = true;
    while (this.state.canMove()) {
      const s = heap.peek();
      if (s < 0) return;
      // Cell means drift as moves change a max of utilisations: refresh a stale priority first.
      const current = this.excessOf(s);
      if (current < (this.excess[s] as number) - 1e-12) {
        this.excess[s] = current;
        heap.update(s);
        continue;
      }
      if (current <= 1e-12) {
        if (fresh) return;
        // Priorities of other cells may be stale the other way: refresh them all once before stopping.
        for (let b = 0; b < model.brokerCount; b++) {
          if (!heap.has(b)) continue;
          this.excess[b] = this.excessOf(b);
          heap.update(b);
        }
        fresh = true;
        continue;
      }
      fresh = false;
      const move = this.bestMoveOff(s);
      if (move === null) heap.remove(s);
      else this.apply(move);
    }
    this.overHeap = null;
  }

  /** How far above its band broker b is, relative to its cell's mean (> 0: over). */
  private excessOf(b: number): number {
    const g = this.model.cellOf[b] as number;
    return ((this.value[b] as number) - (this.band.upper[g] as number)) / Math.max(Math.abs(this.band.mean[g] as number), 1e-12);
  }

  sweepUnder(): void {
    const model = this.model;
    this.exhausted.fill(0);
    while (this.state.canMove()) {
      let t = -1;
      let worst = 0;
      for (let b = 0; b < model.brokerCount; b++) {
        if (this.exhausted[b] || !eligible(this.goal, model, b) || !this.list(model.cellOf[b] as number, b).has(b)) continue;
        const shortfall = (this.band.lowerOf(model, b) - (this.value[b] as number)) / Math.max(Math.abs(this.band.meanOf(model, b)), 1e-12);
        if (shortfall > worst + 1e-12) {
          worst = shortfall;
          t = b;
        }
      }
      if (t < 0) return;
      const move = this.bestMoveOnto(t);
      if (move === null) this.exhausted[t] = 1;
      else this.apply(move);
    }
  }

  private metric(b: number, sign = 0, delta: MoveDelta | null = null): number {
    return goalMetric(this.goal, this.model, b, sign, delta);
  }

  /** The list of brokers a partition of cell group `cell` may go to (the whole cluster for cell -1). */
  private list(cell: number, b?: number): SortedSlots {
    if (cell < 0) return this.everyBroker;
    // A broker outside every cell only takes partitions of no cell, from anywhere.
    if (b !== undefined && this.model.cellIds[cell] === null) return this.everyBroker;
    return this.cellLists[cell] as SortedSlots;
  }

  private apply(move: Candidate): void {
    const state = this.state;
    const model = this.model;
    const { s, d } = move;
    const earlier = this.earlier;
    const beforeS = this.bandScratchS;
    const beforeD = this.bandScratchD;
    for (let i = 0; i < earlier.length; i++) {
      beforeS[i] = (earlier[i] as GoalBand).metricOf(model, s);
      beforeD[i] = (earlier[i] as GoalBand).metricOf(model, d);
    }
    const ownS = this.value[s] as number;
    const ownD = this.value[d] as number;
    state.apply(move.p, this.targetReplicas(move), this.goal, s, d, move.improvement);
    for (let i = 0; i < earlier.length; i++) {
      const band = earlier[i] as GoalBand;
      band.noteChange(model, s, beforeS[i] as number, band.metricOf(model, s));
      band.noteChange(model, d, beforeD[i] as number, band.metricOf(model, d));
    }
    this.value[s] = this.metric(s);
    this.value[d] = this.metric(d);
    this.band.noteChange(model, s, ownS, this.value[s] as number);
    this.band.noteChange(model, d, ownD, this.value[d] as number);
    const full = move.kind === 'REPLICA';
    this.reposition(s, full && !state.brokerHasRoom(s));
    this.reposition(d, full && !state.brokerHasRoom(d));
  }

  /** Re-sorts broker b in every list after its metric changed, or takes it out when it has no room left. */
  private reposition(b: number, remove: boolean): void {
    const model = this.model;
    this.key[b] = (this.value[b] as number) - (this.keyOffset[model.cellOf[b] as number] as number);
    const g = model.cellOf[b] as number;
    const r = model.rack[b] as number;
    const cellList = this.cellLists[g] as SortedSlots;
    const cellRackList = this.cellRackLists[g * model.rackCount + r] as SortedSlots;
    const rackList = this.rackLists[r] as SortedSlots;
    if (remove) {
      cellList.remove(b);
      this.everyBroker.remove(b);
      cellRackList.remove(b);
      rackList.remove(b);
    } else {
      cellList.update(b);
      this.everyBroker.update(b);
      cellRackList.update(b);
      rackList.update(b);
    }
    const heap = this.overHeap;
    if (heap !== null && heap.has(b)) {
      this.excess[b] = this.excessOf(b);
      heap.update(b);
    }
  }

  // ---- over the band: give load away -------------------------------------------------

  private bestMoveOff(s: number): Candidate | null {
    if (leadershipMatters(this.goal)) {
      const leadership = this.bestLeadershipOff(s);
      if (leadership !== null) return leadership;
    }
    if (!this.state.brokerHasRoom(s)) return null;
    return this.bestReplicaOff(s);
  }

  private bestLeadershipOff(s: number): Candidate | null {
    const model = this.model;
    const start = model.ledStart[s] as number;
    const end = model.ledStart[s + 1] as number;
    if (!this.ledSorted[s]) this.sortLed(s, start, end);
    let best: Candidate | null = null;
    let valid = 0;
    let scanned = 0;
    for (let i = start + (this.ledCursor[s] as number); i < end && (scanned < SCAN_LIMIT || valid === 0) && valid < VALID_LIMIT; i++) {
      if (this.ledDead[i]) continue;
      scanned++;
      const p = model.led[i] as number;
      const candidate = !model.movable[p] || model.leaderSlot[p] !== s ? null : this.leadershipTo(p, s, -1);
      if (candidate === null) {
        this.ledDead[i] = 1;
        continue;
      }
      valid++;
      if (best === null || candidate.improvement > best.improvement) best = candidate;
    }
    while (start + (this.ledCursor[s] as number) < end && this.ledDead[start + (this.ledCursor[s] as number)]) this.ledCursor[s]!++;
    return best;
  }

  /** Best leadership move of p from its leader s to an in-sync follower (or to `only`). */
  private leadershipTo(p: number, s: number, only: number): Candidate | null {
    const model = this.model;
    const delta = this.leadershipScratch;
    delta.out = model.leaderOut[p] as number;
    let best: Candidate | null = null;
    for (let i = model.offset[p] as number; i < (model.offset[p + 1] as number); i++) {
      const f = model.replicaSlots[i] as number;
      if (f === s || (only >= 0 && f !== only)) continue;
      if (!model.inSync[i] || !model.leadersAllowed[f] || !this.eligibleMask[f] || this.state.ledBefore(p, f)) continue;
      if (!this.fits(s, f, delta)) continue;
      const improvement = this.band.improvement(model, s, f, delta);
      if (improvement <= 1e-12) continue;
      if (best === null || improvement > best.improvement) best = { p, s, d: f, kind: 'LEADERSHIP', improvement, score: Infinity };
    }
    return best;
  }

  private bestReplicaOff(s: number): Candidate | null {
    const model = this.model;
    const start = model.hostStart[s] as number;
    const end = model.hostStart[s + 1] as number;
    if (!this.hostedSorted[s]) this.sortHosted(s, start, end);
    let best: Candidate | null = null;
    let valid = 0;
    let scanned = 0;
    for (let i = start + (this.hostedCursor[s] as number); i < end && (scanned < SCAN_LIMIT || valid === 0) && valid < VALID_LIMIT; i++) {
      if (this.hostedDead[i]) continue;
      scanned++;
      const p = model.hosted[i] as number;
      const candidate = !model.movable[p] || !model.hosts(p, s) || !this.state.canMove(p) ? null : this.replicaToLeastLoaded(p, s);
      if (candidate === null) {
        this.hostedDead[i] = 1;
        continue;
      }
      valid++;
      if (best === null || candidate.score > best.score) best = candidate;
    }
    while (start + (this.hostedCursor[s] as number) < end && this.hostedDead[start + (this.hostedCursor[s] as number)]) this.hostedCursor[s]!++;
    return best;
  }

  /** Moves p's replica off s to the least loaded broker of p's cell that takes it. */
  private replicaToLeastLoaded(p: number, s: number): Candidate | null {
    const model = this.model;
    const delta = this.replicaDelta(p, s);
    if (this.metric(s, -1, delta) === this.value[s]) return null; // the move does nothing for this goal
    if (!this.sourceFits(s, delta)) return null;
    if (!this.state.canCopy(model.size[p] as number, s, s)) return null;
    const cell = model.partitionCell[p] as number;
    const forbidden = model.forbiddenRacks(p, s);
    const R = model.rackCount;
    let best: Candidate | null = null;
    for (let r = 0; r < R; r++) {
      if (forbidden >= 0 && forbidden & (1 << r)) continue;
      const list = (cell >= 0 ? this.cellRackLists[cell * R + r] : this.rackLists[r]) as SortedSlots;
      const found = this.firstTaker(p, s, delta, list, forbidden < 0, cell >= 0 || this.oneGroup);
      if (found !== null && (best === null || found.improvement > best.improvement)) best = found;
    }
    return best;
  }

  /**
   * Walks one rack's destinations from the least loaded and returns the first that takes p's
   * replica from s within every hard goal and band, or null. The walk ends at the first broker
   * at least as loaded as s (nothing to gain beyond) or, within one cell, at the first that the
   * goal's band refuses (every broker after it is at least as loaded).
   */
  private firstTaker(p: number, s: number, delta: MoveDelta, list: SortedSlots, checkRack: boolean, upperBreaks: boolean): Candidate | null {
    const model = this.model;
    const keyS = this.key[s] as number;
    const size = model.size[p] as number;
    let tried = 0;
    for (const d of list.slots) {
      if ((this.key[d] as number) >= keyS) break;
      if (checkRack && !model.rackAllows(p, s, d)) continue;
      if (d === s || model.hosts(p, d) || this.state.heldBefore(p, d)) continue;
      if (delta.leaders > 0 && !model.leadersAllowed[d]) continue;
      if (!this.state.canCopy(size, s, d)) continue;
      if (this.metric(d, 1, delta) > this.band.upperOf(model, d) + 1e-9) {
        if (upperBreaks) break;
        continue;
      }
      if (!this.destinationFits(s, d, delta)) {
        if (++tried >= WALK_LIMIT) break;
        continue;
      }
      const improvement = this.band.improvement(model, s, d, delta);
      if (improvement <= 1e-12) return null;
      return { p, s, d, kind: 'REPLICA', improvement, score: improvement / (size + this.moveCost) };
    }
    return null;
  }

  // ---- under the band: take load ------------------------------------------------------

  private bestMoveOnto(t: number): Candidate | null {
    const model = this.model;
    if (leadershipMatters(this.goal)) {
      // t's own follower replicas, each a leadership t could take. One that cannot be taken
      // now cannot later in this sweep either (leaders only lose load to brokers under the
      // band), so it is marked dead and the scan resumes past it next time.
      let best: Candidate | null = null;
      const start = model.hostStart[t] as number;
      const end = model.hostStart[t + 1] as number;
      let valid = 0;
      for (let i = start + (this.takeCursor[t] as number), scanned = 0; i < end && (scanned < SCAN_LIMIT || valid === 0) && valid < VALID_LIMIT; i++) {
        if (this.takeDead[i]) continue;
        scanned++;
        const p = model.hosted[i] as number;
        const leader = model.leaderSlot[p] as number;
        const candidate = leader === t || leader < 0 || !this.eligibleMask[leader] || !model.movable[p] || !model.hosts(p, t) ? null : this.leadershipTo(p, leader, t);
        if (candidate === null || !this.sourceStaysInBand(candidate)) {
          this.takeDead[i] = 1;
          continue;
        }
        valid++;
        if (best === null || candidate.improvement > best.improvement) best = candidate;
      }
      while (start + (this.takeCursor[t] as number) < end && this.takeDead[start + (this.takeCursor[t] as number)]) this.takeCursor[t]!++;
      if (best !== null) return best;
    }
    if (!this.state.brokerHasRoom(t)) return null;
    const donors = this.list(model.cellOf[t] as number, t).slots;
    let best: Candidate | null = null;
    let examined = 0;
    for (let k = donors.length - 1; k >= 0 && examined < DONOR_LIMIT; k--) {
      const s = donors[k] as number;
      if ((this.key[s] as number) <= (this.key[t] as number)) break;
      if (s === t || !this.state.brokerHasRoom(s)) continue;
      examined++;
      const found = this.bestReplicaFromTo(s, t);
      if (found !== null && (best === null || found.score > best.score)) best = found;
      if (best !== null && examined >= 2) break;
    }
    return best;
  }

  private bestReplicaFromTo(s: number, t: number): Candidate | null {
    const model = this.model;
    const start = model.hostStart[s] as number;
    const end = model.hostStart[s + 1] as number;
    if (!this.hostedSorted[s]) this.sortHosted(s, start, end);
    let best: Candidate | null = null;
    let valid = 0;
    let scanned = 0;
    for (let i = start + (this.hostedCursor[s] as number); i < end && scanned < SCAN_LIMIT && valid < VALID_LIMIT; i++) {
      if (this.hostedDead[i]) continue;
      scanned++;
      const p = model.hosted[i] as number;
      if (!model.movable[p] || !model.hosts(p, s) || !this.state.canMove(p) || !model.cellAllows(p, t) || model.hosts(p, t) || this.state.heldBefore(p, t) || !model.rackAllows(p, s, t)) continue;
      const delta = this.replicaDelta(p, s);
      if (delta.leaders > 0 && !model.leadersAllowed[t]) continue;
      if (!this.state.canCopy(model.size[p] as number, s, t)) continue;
      if (this.metric(t, 1, delta) > this.band.upperOf(model, t) + 1e-9) continue;
      if (this.metric(s, -1, delta) < this.band.lowerOf(model, s) - 1e-9) continue;
      if (!this.fits(s, t, delta)) continue;
      const improvement = this.band.improvement(model, s, t, delta);
      if (improvement <= 1e-12) continue;
      valid++;
      const candidate: Candidate = { p, s, d: t, kind: 'REPLICA', improvement, score: improvement / ((model.size[p] as number) + this.moveCost) };
      if (best === null || candidate.score > best.score) best = candidate;
    }
    return best;
  }

  private sourceStaysInBand(move: Candidate): boolean {
    const delta = this.leadershipScratch;
    delta.out = this.model.leaderOut[move.p] as number;
    return this.metric(move.s, -1, delta) >= this.band.lowerOf(this.model, move.s) - 1e-9;
  }

  // ---- shared checks ------------------------------------------------------------------

  /** Hard capacity and the bands of the goals already optimised; the current goal's band on d. */
  private fits(s: number, d: number, delta: MoveDelta): boolean {
    return this.sourceFits(s, delta) && this.destinationFits(s, d, delta);
  }

  /** The earlier goals' bands on the source side: checked once per candidate, before any walk. */
  private sourceFits(s: number, delta: MoveDelta): boolean {
    for (const band of this.earlier) if (!band.acceptsSource(this.model, s, delta)) return false;
    return true;
  }

  private destinationFits(s: number, d: number, delta: MoveDelta): boolean {
    if (!this.state.capacityAllows(d, delta)) return false;
    if (this.metric(d, 1, delta) > Math.max(this.band.upperOf(this.model, d), this.value[d] as number) + 1e-9) return false;
    for (const band of this.earlier) if (!band.acceptsDestination(this.model, d, delta)) return false;
    // Goals after CLUSTER_LOAD refine without making the load less even: every move lowers
    // (or keeps) Σ(load − mean)², so under a steady load no sequence of plans can cycle.
    const load = this.loadBand;
    if (load !== null && load.improvement(this.model, s, d, delta) < -1e-9) return false;
    return true;
  }

  /** What moving p's replica off s carries (in a reused object: valid until the next call). */
  private replicaDelta(p: number, s: number): MoveDelta {
    const model = this.model;
    const leads = model.leaderSlot[p] === s;
    const delta = this.replicaScratch;
    delta.in = model.bytesIn[p] as number;
    delta.out = leads ? (model.leaderOut[p] as number) : 0;
    delta.disk = model.size[p] as number;
    delta.leaders = leads ? 1 : 0;
    delta.replicas = 1;
    return delta;
  }

  /**
   * The replica list after a move. Leadership: d first, the others in their order. Replica:
   * s replaced by d, the current leader first (d when s led), so exactly s and d change.
   */
  private targetReplicas(move: Candidate): number[] {
    const model = this.model;
    const from = model.replicasOf(move.p);
    if (move.kind === 'LEADERSHIP') return [move.d, ...from.filter((x) => x !== move.d)];
    const leader = model.leaderSlot[move.p] as number;
    const replaced = from.map((x) => (x === move.s ? move.d : x));
    const first = leader === move.s ? move.d : leader;
    return [first, ...replaced.filter((x) => x !== first)];
  }

  /**
   * Orders s's replicas by what the goal cares about per byte moved, densest first: the
   * scan for a move reads from the front. For CLUSTER_LOAD that is the share of s's network
   * capacities (in plus out) the replica carries — the handler busy follows the same bytes.
   */
  private sortHosted(s: number, start: number, end: number): void {
    const model = this.model;
    const goal = this.goal;
    const n = end - start;
    const density = new Float64Array(n);
    const order = new Uint32Array(n);
    const capIn = model.capIn[s] as number;
    const capOut = model.capOut[s] as number;
    for (let k = 0; k < n; k++) {
      const p = model.hosted[start + k] as number;
      const leads = model.leaderSlot[p] === s;
      const bytesIn = model.bytesIn[p] as number;
      const out = leads ? (model.leaderOut[p] as number) : 0;
      let value: number;
      switch (goal) {
        case 'CLUSTER_LOAD':
          value = bytesIn / capIn + out / capOut;
          break;
        case 'NETWORK_IN':
          value = bytesIn;
          break;
        case 'NETWORK_OUT':
          value = out;
          break;
        case 'DISK':
          value = model.size[p] as number;
          break;
        case 'LEADER_COUNT':
          value = leads ? 1 : 0;
          break;
        case 'REPLICA_COUNT':
          value = 1;
          break;
      }
      density[k] = value / ((model.size[p] as number) + this.moveCost);
      order[k] = k;
    }
    const segment = model.hosted.slice(start, end);
    order.sort((a, b) => (density[b] as number) - (density[a] as number) || (segment[a] as number) - (segment[b] as number));
    for (let k = 0; k < n; k++) model.hosted[start + k] = segment[order[k] as number] as number;
    this.hostedDead.fill(0, start, end);
    this.hostedSorted[s] = 1;
    this.hostedCursor[s] = 0;
  }

  private sortLed(s: number, start: number, end: number): void {
    const model = this.model;
    const entries = Array.from(model.led.subarray(start, end));
    // Leader counts: move the leaderships that carry least, to disturb the load goals least.
    const sign = this.goal === 'LEADER_COUNT' ? 1 : -1;
    entries.sort((a, b) => sign * ((model.leaderOut[a] as number) - (model.leaderOut[b] as number)) || a - b);
    model.led.set(entries, start);
    this.ledSorted[s] = 1;
    this.ledCursor[s] = 0;
  }
}
