import { compareText } from './cell-layout';
import { BrokerHeap, type SlotOrder } from './broker-heap';
import { CellsError } from './cells.error';
import type { BrokerInfo, BrokerLoad } from './types';

export interface PlaceReplicasRequest {
  /** The brokers of the tenant's cell, with their racks. Replicas go only here. */
  brokers: readonly BrokerInfo[];
  /** Current replica and leader counts in the cell; brokers not listed count as empty, others are ignored. */
  load?: readonly BrokerLoad[];
  partitions: number;
  replicationFactor: number;
}

export interface ReplicaPlacement {
  /** One list per partition, index = partition number; the first broker is the preferred leader. */
  assignment: number[][];
  /** The cell's counts after this placement, one entry per cell broker in input order: feed it to the next call. */
  load: BrokerLoad[];
}

/**
 * An explicit replica assignment for CreateTopics (or CreatePartitions) inside one cell.
 *
 * Choices are made in two steps, rack then broker, so that racks stay even with each
 * other as well as brokers within a rack (per-broker keys alone let the first rack in id
 * order collect leaders and, with them, extra replicas):
 * - the preferred leader comes from the rack leading the fewest partitions per broker
 *   (then hosting the fewest replicas per broker), and within it from the broker leading
 *   the fewest (then hosting the fewest replicas, then lowest id);
 * - each follower comes from a rack this partition uses least so far, so no two replicas
 *   share a rack while racks >= RF and they spread as evenly as possible when RF > racks;
 *   among those, the rack hosting the fewest replicas per broker, and within it the broker
 *   hosting the fewest replicas (then the one leading more, then lowest id).
 * Counts update after every partition, so existing load in the cell is evened out too.
 * Per-broker averages (not totals) compare racks, so uneven racks are filled in proportion
 * to their size wherever the rack rule leaves a choice.
 *
 * Cost: O(partitions x RF x (racks + log brokers)): indexed heaps per rack instead of
 * sorting the cell for every replica.
 */
export function placeReplicas(request: PlaceReplicasRequest): ReplicaPlacement {
  checkRequest(request);
  const { partitions, replicationFactor } = request;
  const cell = new CellModel(request.brokers, request.load);
  const assignment: number[][] = new Array<number[]>(partitions);
  for (let p = 0; p < partitions; p++) assignment[p] = cell.placePartition(replicationFactor);
  return { assignment, load: cell.load() };
}

/**
 * The cell's brokers as slots 0..n-1 in broker id order (so every tie-break is independent
 * of input order), their racks, their counts, and the heaps that order them. Methods rather
 * than per-call closures keep a call on a small cell cheap.
 */
class CellModel {
  private readonly order: { id: number; index: number }[];
  private readonly ids: Int32Array;
  private readonly rackOf: Int32Array;
  private readonly replicas: Float64Array;
  private readonly leaders: Float64Array;
  private readonly rackReplicas: Float64Array;
  private readonly rackLeaders: Float64Array;
  private readonly rackSize: Float64Array;
  private readonly usedInRack: Int32Array;
  /** Per rack: its brokers by leaders, then replicas. */
  private readonly leaderHeaps: BrokerHeap[];
  /** Per rack: its brokers not yet in the partition being placed, by replicas, then most leaders. */
  private readonly followerHeaps: BrokerHeap[];

  constructor(brokers: readonly BrokerInfo[], load: readonly BrokerLoad[] | undefined) {
    const n = brokers.length;
    this.order = brokers.map((b, index) => ({ id: b.id, index })).sort((a, b) => a.id - b.id);
    const rackNames = [...new Set(brokers.map((b) => b.rack))].sort(compareText);
    const racks = rackNames.length;
    this.ids = new Int32Array(n);
    this.rackOf = new Int32Array(n);
    this.replicas = new Float64Array(n);
    this.leaders = new Float64Array(n);
    this.rackReplicas = new Float64Array(racks);
    this.rackLeaders = new Float64Array(racks);
    this.rackSize = new Float64Array(racks);
    this.usedInRack = new Int32Array(racks);

    const loadOf = new Map<number, BrokerLoad>();
    for (const entry of load ?? []) loadOf.set(entry.brokerId, entry);
    for (let slot = 0; slot < n; slot++) {
      const { id, index } = this.order[slot] as { id: number; index: number };
      const rack = rackNames.indexOf((brokers[index] as BrokerInfo).rack);
      const given = loadOf.get(id);
      this.ids[slot] = id;
      this.rackOf[slot] = rack;
      this.replicas[slot] = given?.replicas ?? 0;
      this.leaders[slot] = given?.leaders ?? 0;
      this.rackReplicas[rack] = (this.rackReplicas[rack] as number) + (this.replicas[slot] as number);
      this.rackLeaders[rack] = (this.rackLeaders[rack] as number) + (this.leaders[slot] as number);
      this.rackSize[rack] = (this.rackSize[rack] as number) + 1;
    }

    // Heaps of one kind hold disjoint slots, so they share one position array.
    const leaderOrder: SlotOrder = { before: (a, b) => this.leaderFirst(a, b) };
    const followerOrder: SlotOrder = { before: (a, b) => this.followerFirst(a, b) };
    const leaderPositions = new Int32Array(n).fill(-1);
    const followerPositions = new Int32Array(n).fill(-1);
    this.leaderHeaps = rackNames.map(() => new BrokerHeap(leaderOrder, leaderPositions));
    this.followerHeaps = rackNames.map(() => new BrokerHeap(followerOrder, followerPositions));
    for (let slot = 0; slot < n; slot++) {
      (this.leaderHeaps[this.rackOf[slot] as number] as BrokerHeap).push(slot);
      (this.followerHeaps[this.rackOf[slot] as number] as BrokerHeap).push(slot);
    }
  }

  /** Chooses one partition's replicas, leader first, and counts them in. */
  placePartition(replicationFactor: number): number[] {
    const racks = this.rackSize.length;
    const chosen = new Array<number>(replicationFactor);

    let leaderRack = 0;
    for (let rack = 1; rack < racks; rack++) if (this.leaderRackFirst(rack, leaderRack)) leaderRack = rack;
    chosen[0] = this.take((this.leaderHeaps[leaderRack] as BrokerHeap).peek());

    for (let r = 1; r < replicationFactor; r++) {
      let best = -1;
      for (let rack = 0; rack < racks; rack++) {
        if ((this.followerHeaps[rack] as BrokerHeap).size === 0) continue;
        if (best < 0) {
          best = rack;
          continue;
        }
        const use = this.usedInRack[rack] as number;
        const bestUse = this.usedInRack[best] as number;
        if (use < bestUse || (use === bestUse && this.followerRackFirst(rack, best))) best = rack;
      }
      chosen[r] = this.take((this.followerHeaps[best] as BrokerHeap).peek());
    }

    const leader = chosen[0] as number;
    this.leaders[leader] = (this.leaders[leader] as number) + 1;
    this.rackLeaders[this.rackOf[leader] as number] = (this.rackLeaders[this.rackOf[leader] as number] as number) + 1;
    for (let r = 0; r < replicationFactor; r++) {
      const slot = chosen[r] as number;
      const rack = this.rackOf[slot] as number;
      this.replicas[slot] = (this.replicas[slot] as number) + 1;
      this.rackReplicas[rack] = (this.rackReplicas[rack] as number) + 1;
      this.usedInRack[rack] = 0;
      (this.leaderHeaps[rack] as BrokerHeap).update(slot);
      (this.followerHeaps[rack] as BrokerHeap).push(slot);
      chosen[r] = this.ids[slot] as number;
    }
    return chosen;
  }

  /** Counts per broker, in the caller's broker order. */
  load(): BrokerLoad[] {
    const load = new Array<BrokerLoad>(this.order.length);
    this.order.forEach(({ id, index }, slot) => {
      load[index] = { brokerId: id, replicas: this.replicas[slot] as number, leaders: this.leaders[slot] as number };
    });
    return load;
  }

  /** Puts `slot` in the partition: out of its rack's follower heap so it cannot be picked twice. */
  private take(slot: number): number {
    const rack = this.rackOf[slot] as number;
    this.usedInRack[rack] = (this.usedInRack[rack] as number) + 1;
    (this.followerHeaps[rack] as BrokerHeap).remove(slot);
    return slot;
  }

  private leaderFirst(a: number, b: number): boolean {
    const { leaders, replicas } = this;
    if (leaders[a] !== leaders[b]) return (leaders[a] as number) < (leaders[b] as number);
    if (replicas[a] !== replicas[b]) return (replicas[a] as number) < (replicas[b] as number);
    return a < b;
  }

  /**
   * Among equally loaded followers prefer the one leading more: a broker leading less is
   * about to be chosen as a leader and take a replica that way, so loading it now as a
   * follower as well would push its replica count ahead of the others.
   */
  private followerFirst(a: number, b: number): boolean {
    const { leaders, replicas } = this;
    if (replicas[a] !== replicas[b]) return (replicas[a] as number) < (replicas[b] as number);
    if (leaders[a] !== leaders[b]) return (leaders[a] as number) > (leaders[b] as number);
    return a < b;
  }

  private leaderRackFirst(a: number, b: number): boolean {
    const byLeaders = this.perBroker(this.rackLeaders, a, b);
    if (byLeaders !== 0) return byLeaders < 0;
    const byReplicas = this.perBroker(this.rackReplicas, a, b);
    return byReplicas !== 0 ? byReplicas < 0 : a < b;
  }

  private followerRackFirst(a: number, b: number): boolean {
    const byReplicas = this.perBroker(this.rackReplicas, a, b);
    if (byReplicas !== 0) return byReplicas < 0;
    const byLeaders = this.perBroker(this.rackLeaders, a, b);
    return byLeaders !== 0 ? byLeaders > 0 : a < b;
  }

  /** Compares per-broker averages x[a]/size[a] and x[b]/size[b] exactly, by cross-multiplying: -1, 0 or 1. */
  private perBroker(x: Float64Array, a: number, b: number): number {
    return Math.sign((x[a] as number) * (this.rackSize[b] as number) - (x[b] as number) * (this.rackSize[a] as number));
  }
}

function checkRequest({ brokers, load, partitions, replicationFactor }: PlaceReplicasRequest): void {
  const problems: string[] = [];
  if (brokers.length === 0) problems.push('the cell has no brokers');
  const seen = new Set<number>();
  for (const broker of brokers) {
    if (seen.has(broker.id)) problems.push(`broker ${broker.id} is listed twice`);
    seen.add(broker.id);
  }
  if (!Number.isInteger(partitions) || partitions < 0) problems.push(`partitions must be a non-negative integer, got ${partitions}`);
  if (!Number.isInteger(replicationFactor) || replicationFactor < 1) {
    problems.push(`replicationFactor must be a positive integer, got ${replicationFactor}`);
  }
  const loaded = new Set<number>();
  for (const entry of load ?? []) {
    if (loaded.has(entry.brokerId)) problems.push(`load lists broker ${entry.brokerId} twice`);
    loaded.add(entry.brokerId);
    if (!isCount(entry.replicas) || !isCount(entry.leaders)) {
      problems.push(`load of broker ${entry.brokerId}: replicas and leaders must be non-negative integers`);
    }
  }
  if (problems.length > 0) throw new CellsError('invalid_placement_request', `cannot place replicas: ${problems.join('; ')}`, { problems });
  if (replicationFactor > brokers.length) {
    throw new CellsError(
      'replication_factor_too_large',
      `replication factor ${replicationFactor} needs ${replicationFactor} brokers, but the cell has ${brokers.length}`,
      { replicationFactor, brokers: brokers.length },
    );
  }
}

function isCount(value: number): boolean {
  return Number.isInteger(value) && value >= 0;
}
