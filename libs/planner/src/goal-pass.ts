import type { ClusterModel } from './cluster-model';
import { eligible, goalMetric, GoalBand, leadershipMatters, type MoveDelta } from './goals';
import type { PlanState } from './plan-state';
import { SortedSlots } from './sorted-slots';
import type { Goal } from './types';

/** Candidate entries looked at per move chosen, and valid ones compared among them. */
const SCAN_LIMIT = 128;
const VALID_LIMIT = 8;
/** Donors a broker under the band looks at before it gives up. */
const DONOR_LIMIT = 8;

interface Candidate {
  p: number;
  s: number;
  d: number;
  to: number[];
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
export function optimizeGoal(state: PlanState, goal: Goal, earlier: readonly GoalBand[]): GoalBand {
  const band = new GoalBand(goal, state.model, state.settings.stopThresholdPct);
  const pass = new GoalPass(state, goal, band, earlier);
  pass.sweepOver();
  pass.sweepUnder();
  return band;
}

class GoalPass {
  private readonly model: ClusterModel;
  /** Deviation of each broker's metric from its cell's mean. */
  private readonly key: Float64Array;
  private readonly cellLists: SortedSlots[];
  private readonly everyBroker: SortedSlots;
  private readonly exhausted: Uint8Array;
  /** Per broker: hosted/led segments sorted for this goal yet? cursor past the dead prefix. */
  private readonly hostedSorted: Int8Array;
  private readonly hostedCursor: Int32Array;
  private readonly hostedDead: Uint8Array;
  private readonly ledSorted: Uint8Array;
  private readonly ledCursor: Int32Array;
  private readonly ledDead: Uint8Array;
  private readonly moveCost: number;

  constructor(
    private readonly state: PlanState,
    private readonly goal: Goal,
    private readonly band: GoalBand,
    private readonly earlier: readonly GoalBand[],
  ) {
    const model = state.model;
    this.model = model;
    const B = model.brokerCount;
    this.key = new Float64Array(B);
    const members: number[][] = model.cellIds.map(() => []);
    const all: number[] = [];
    for (let b = 0; b < B; b++) {
      this.key[b] = this.metric(b) - band.meanOf(model, b);
      if (!eligible(goal, model, b) || !state.brokerHasRoom(b)) continue;
      members[model.cellOf[b] as number]!.push(b);
      all.push(b);
    }
    this.cellLists = members.map((m) => new SortedSlots(m, this.key, B));
    this.everyBroker = new SortedSlots(all, this.key, B);
    this.exhausted = new Uint8Array(B);
    this.hostedSorted = new Int8Array(B).fill(-1);
    this.hostedCursor = new Int32Array(B);
    this.hostedDead = new Uint8Array(model.hosted.length);
    this.ledSorted = new Uint8Array(B);
    this.ledCursor = new Int32Array(B);
    this.ledDead = new Uint8Array(model.led.length);
    this.moveCost = state.settings.moveCostBytes;
  }

  sweepOver(): void {
    const model = this.model;
    this.exhausted.fill(0);
    while (this.state.canMove()) {
      let s = -1;
      let worst = 0;
      for (let b = 0; b < model.brokerCount; b++) {
        if (this.exhausted[b] || !eligible(this.goal, model, b)) continue;
        const excess = (this.metric(b) - this.band.upperOf(model, b)) / Math.max(Math.abs(this.band.meanOf(model, b)), 1e-12);
        if (excess > worst + 1e-12) {
          worst = excess;
          s = b;
        }
      }
      if (s < 0) return;
      const move = this.bestMoveOff(s);
      if (move === null) this.exhausted[s] = 1;
      else this.apply(move);
    }
  }

  sweepUnder(): void {
    const model = this.model;
    this.exhausted.fill(0);
    while (this.state.canMove()) {
      let t = -1;
      let worst = 0;
      for (let b = 0; b < model.brokerCount; b++) {
        if (this.exhausted[b] || !eligible(this.goal, model, b) || !this.list(model.cellOf[b] as number, b).has(b)) continue;
        const shortfall = (this.band.lowerOf(model, b) - this.metric(b)) / Math.max(Math.abs(this.band.meanOf(model, b)), 1e-12);
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
    const bands = [...this.earlier, this.band];
    const before = bands.map((band) => [band.metricOf(this.model, move.s), band.metricOf(this.model, move.d)] as const);
    state.apply(move.p, move.to, move.kind, this.goal, move.s, move.d, move.improvement);
    bands.forEach((band, i) => {
      band.noteChange(this.model, move.s, before[i]![0], band.metricOf(this.model, move.s));
      band.noteChange(this.model, move.d, before[i]![1], band.metricOf(this.model, move.d));
    });
    for (const b of [move.s, move.d]) {
      this.key[b] = this.metric(b) - this.band.meanOf(this.model, b);
      const cellList = this.cellLists[this.model.cellOf[b] as number] as SortedSlots;
      if (move.kind === 'REPLICA' && !state.brokerHasRoom(b)) {
        cellList.remove(b);
        this.everyBroker.remove(b);
      } else {
        cellList.update(b);
        this.everyBroker.update(b);
      }
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
    for (let i = start + (this.ledCursor[s] as number); i < end && scanned < SCAN_LIMIT && valid < VALID_LIMIT; i++) {
      if (this.ledDead[i]) continue;
      scanned++;
      const p = model.led[i] as number;
      const candidate = model.moved[p] || !model.movable[p] || model.leaderSlot[p] !== s ? null : this.leadershipTo(p, s, -1);
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
    const delta: MoveDelta = { in: 0, out: model.leaderOut[p] as number, disk: 0, leaders: 1, replicas: 0 };
    let best: Candidate | null = null;
    for (let i = model.offset[p] as number; i < (model.offset[p + 1] as number); i++) {
      const f = model.replicaSlots[i] as number;
      if (f === s || (only >= 0 && f !== only)) continue;
      if (!model.inSync[i] || !model.leadersAllowed[f] || !model.replicasAllowed[f]) continue;
      if (!this.fits(p, s, f, delta)) continue;
      const improvement = this.band.improvement(model, s, f, delta);
      if (improvement <= 1e-12) continue;
      if (best === null || improvement > best.improvement) {
        const from = model.replicasOf(p);
        best = { p, s, d: f, to: [f, ...from.filter((x) => x !== f)], kind: 'LEADERSHIP', improvement, score: Infinity };
      }
    }
    return best;
  }

  private bestReplicaOff(s: number): Candidate | null {
    const model = this.model;
    const start = model.hostStart[s] as number;
    const end = model.hostStart[s + 1] as number;
    const binding = this.binding(s);
    if (this.hostedSorted[s] !== binding) this.sortHosted(s, start, end, binding);
    let best: Candidate | null = null;
    let valid = 0;
    let scanned = 0;
    for (let i = start + (this.hostedCursor[s] as number); i < end && scanned < SCAN_LIMIT && valid < VALID_LIMIT; i++) {
      if (this.hostedDead[i]) continue;
      scanned++;
      const p = model.hosted[i] as number;
      const candidate = model.moved[p] || !model.movable[p] ? null : this.replicaToLeastLoaded(p, s);
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
    if (this.metric(s, -1, delta) === this.metric(s)) return null; // the move does nothing for this goal
    if (!this.state.canCopy(model.size[p] as number, s, s)) return null;
    const cell = model.partitionCell[p] as number;
    const list = this.list(cell);
    const keyS = this.key[s] as number;
    for (const d of list.slots) {
      if ((this.key[d] as number) >= keyS) break;
      if (d === s || model.hosts(p, d) || !model.rackAllows(p, s, d)) continue;
      if (delta.leaders > 0 && !model.leadersAllowed[d]) continue;
      if (!this.state.canCopy(model.size[p] as number, s, d)) continue;
      if (this.metric(d, 1, delta) > this.band.upperOf(model, d) + 1e-9) {
        if (cell >= 0) break; // every broker after d in this cell is at least as loaded
        continue;
      }
      if (!this.fits(p, s, d, delta)) continue;
      const improvement = this.band.improvement(model, s, d, delta);
      if (improvement <= 1e-12) return null;
      return this.replicaCandidate(p, s, d, improvement);
    }
    return null;
  }

  // ---- under the band: take load ------------------------------------------------------

  private bestMoveOnto(t: number): Candidate | null {
    const model = this.model;
    if (leadershipMatters(this.goal)) {
      let best: Candidate | null = null;
      const start = model.hostStart[t] as number;
      const end = model.hostStart[t + 1] as number;
      for (let i = start, scanned = 0; i < end && scanned < SCAN_LIMIT * 4; i++) {
        const p = model.hosted[i] as number;
        const leader = model.leaderSlot[p] as number;
        if (leader === t || leader < 0 || model.moved[p] || !model.movable[p]) continue;
        scanned++;
        const candidate = this.leadershipTo(p, leader, t);
        if (candidate !== null && this.sourceStaysInBand(candidate) && (best === null || candidate.improvement > best.improvement)) best = candidate;
      }
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
    const binding = this.binding(s);
    if (this.hostedSorted[s] !== binding) this.sortHosted(s, start, end, binding);
    let best: Candidate | null = null;
    let valid = 0;
    let scanned = 0;
    for (let i = start + (this.hostedCursor[s] as number); i < end && scanned < SCAN_LIMIT && valid < VALID_LIMIT; i++) {
      if (this.hostedDead[i]) continue;
      scanned++;
      const p = model.hosted[i] as number;
      if (model.moved[p] || !model.movable[p] || !model.cellAllows(p, t) || model.hosts(p, t) || !model.rackAllows(p, s, t)) continue;
      const delta = this.replicaDelta(p, s);
      if (delta.leaders > 0 && !model.leadersAllowed[t]) continue;
      if (!this.state.canCopy(model.size[p] as number, s, t)) continue;
      if (this.metric(t, 1, delta) > this.band.upperOf(model, t) + 1e-9) continue;
      if (this.metric(s, -1, delta) < this.band.lowerOf(model, s) - 1e-9) continue;
      if (!this.fits(p, s, t, delta)) continue;
      const improvement = this.band.improvement(model, s, t, delta);
      if (improvement <= 1e-12) continue;
      valid++;
      const candidate = this.replicaCandidate(p, s, t, improvement);
      if (best === null || candidate.score > best.score) best = candidate;
    }
    return best;
  }

  private sourceStaysInBand(move: Candidate): boolean {
    const delta: MoveDelta = { in: 0, out: this.model.leaderOut[move.p] as number, disk: 0, leaders: 1, replicas: 0 };
    return this.metric(move.s, -1, delta) >= this.band.lowerOf(this.model, move.s) - 1e-9;
  }

  // ---- shared checks ------------------------------------------------------------------

  /** Hard capacity and the bands of the goals already optimised; the current goal's band on d. */
  private fits(p: number, s: number, d: number, delta: MoveDelta): boolean {
    void p;
    if (!this.state.capacityAllows(d, delta)) return false;
    if (this.metric(d, 1, delta) > Math.max(this.band.upperOf(this.model, d), this.metric(d)) + 1e-9) return false;
    for (const band of this.earlier) if (!band.accepts(this.model, s, d, delta)) return false;
    return true;
  }

  private replicaDelta(p: number, s: number): MoveDelta {
    const model = this.model;
    const leads = model.leaderSlot[p] === s;
    return { in: model.bytesIn[p] as number, out: leads ? (model.leaderOut[p] as number) : 0, disk: model.size[p] as number, leaders: leads ? 1 : 0, replicas: 1 };
  }

  /** s's replica of p replaced by d; the current leader stays first (d when s led). */
  private replicaCandidate(p: number, s: number, d: number, improvement: number): Candidate {
    const model = this.model;
    const leader = model.leaderSlot[p] as number;
    const replaced = model.replicasOf(p).map((x) => (x === s ? d : x));
    const first = leader === s ? d : leader;
    const to = [first, ...replaced.filter((x) => x !== first)];
    const score = improvement / ((model.size[p] as number) + this.moveCost);
    return { p, s, d, to, kind: 'REPLICA', improvement, score };
  }

  /**
   * Which resource the cluster-load metric of s is bound by (0 in, 1 out, 2 handler busy);
   * other goals have one resource. Candidates are sorted by what they carry of it per byte.
   */
  private binding(s: number): number {
    if (this.goal !== 'CLUSTER_LOAD') return 0;
    const model = this.model;
    const inU = (model.netIn[s] as number) / (model.capIn[s] as number);
    const outU = (model.netOut[s] as number) / (model.capOut[s] as number);
    const busy = model.busyOf(s);
    return inU >= outU && inU >= busy ? 0 : outU >= busy ? 1 : 2;
  }

  private sortHosted(s: number, start: number, end: number, binding: number): void {
    const model = this.model;
    const goal = this.goal;
    const entries: { p: number; density: number }[] = [];
    for (let i = start; i < end; i++) {
      const p = model.hosted[i] as number;
      const leads = model.leaderSlot[p] === s;
      const bytesIn = model.bytesIn[p] as number;
      const out = leads ? (model.leaderOut[p] as number) : 0;
      let value: number;
      switch (goal) {
        case 'CLUSTER_LOAD':
          value = binding === 0 ? bytesIn : binding === 1 ? out : bytesIn + out;
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
      entries.push({ p, density: value / ((model.size[p] as number) + this.moveCost) });
    }
    entries.sort((a, b) => b.density - a.density || a.p - b.p);
    for (let i = 0; i < entries.length; i++) {
      model.hosted[start + i] = (entries[i] as { p: number }).p;
      this.hostedDead[start + i] = 0;
    }
    this.hostedSorted[s] = binding;
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
