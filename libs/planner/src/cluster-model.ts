import { compareCellIds, partitionTraffic, predictRequestHandlerBusy, rawLoad } from './load-model';
import type { BrokerLoadInput, PartitionLoadInput } from './types';

/**
 * The planner's working copy of a cluster, in typed arrays indexed by broker slot (brokers in
 * id order) and partition index (input order). Moves mutate it; per-broker sums are kept
 * current so that every figure a goal needs is O(1) to read.
 */
export class ClusterModel {
  readonly brokerCount: number;
  readonly brokerIds: Int32Array;
  readonly slotOf = new Map<number, number>();
  readonly rack: Int32Array;
  readonly rackCount: number;
  /** Cell group of each broker: 0..cellIds.length-1; brokers outside every cell form the last group. */
  readonly cellOf: Int32Array;
  /** Cell ids in order; the last entry is null (brokers outside every cell). */
  readonly cellIds: (string | null)[];
  readonly capIn: Float64Array;
  readonly capOut: Float64Array;
  readonly capDisk: Float64Array;
  readonly leadersAllowed: Uint8Array;
  readonly replicasAllowed: Uint8Array;
  readonly busyNow: Float64Array;
  readonly trafficNow: Float64Array;
  readonly costPerByte: Float64Array;

  readonly netIn: Float64Array;
  readonly netOut: Float64Array;
  readonly disk: Float64Array;
  readonly leaders: Int32Array;
  readonly replicaCount: Int32Array;

  readonly partitionCount: number;
  readonly partitions: readonly PartitionLoadInput[];
  readonly bytesIn: Float64Array;
  readonly leaderOut: Float64Array;
  readonly size: Float64Array;
  /** Replica slots of partition p: replicaSlots[offset[p] .. offset[p+1]). */
  readonly offset: Int32Array;
  readonly replicaSlots: Int32Array;
  readonly inSync: Uint8Array;
  /** Broker slot leading p, -1 when offline. */
  readonly leaderSlot: Int32Array;
  /** Cell group the partition must stay in; -1: anywhere. */
  readonly partitionCell: Int32Array;
  /** Broker slots each partition recently left (sparse: most partitions have none). */
  readonly recentlyLeft = new Map<number, number[]>();
  /** 1 when the planner may move it (movable, known brokers, online, known cell). */
  readonly movable: Uint8Array;
  readonly skipped: number;

  /** Partitions hosted by each broker (CSR): hosted[hostStart[b] .. hostStart[b+1]). */
  readonly hostStart: Int32Array;
  readonly hosted: Int32Array;
  /** Partitions led by each broker (CSR). */
  readonly ledStart: Int32Array;
  readonly led: Int32Array;

  /** Distinct racks (of brokers that may hold replicas) per cell group, and overall. */
  readonly racksInCell: Int32Array;
  readonly racksOverall: number;

  constructor(brokers: readonly BrokerLoadInput[], partitions: readonly PartitionLoadInput[]) {
    const sorted = [...brokers].sort((a, b) => a.id - b.id);
    const B = sorted.length;
    this.brokerCount = B;
    this.brokerIds = Int32Array.from(sorted, (b) => b.id);
    sorted.forEach((b, slot) => this.slotOf.set(b.id, slot));
    const racks = [...new Set(sorted.map((b) => b.rack))].sort();
    const rackIndex = new Map(racks.map((r, i) => [r, i]));
    this.rackCount = racks.length;
    this.rack = Int32Array.from(sorted, (b) => rackIndex.get(b.rack) as number);
    const cells = [...new Set(sorted.map((b) => b.cellId).filter((c): c is string => c !== null))].sort(compareCellIds);
    this.cellIds = [...cells, null];
    const cellIndex = new Map<string | null, number>(this.cellIds.map((c, i) => [c, i]));
    this.cellOf = Int32Array.from(sorted, (b) => cellIndex.get(b.cellId) as number);
    this.capIn = Float64Array.from(sorted, (b) => b.capacity.networkInBytesPerSecond);
    this.capOut = Float64Array.from(sorted, (b) => b.capacity.networkOutBytesPerSecond);
    this.capDisk = Float64Array.from(sorted, (b) => b.capacity.diskBytes);
    this.leadersAllowed = Uint8Array.from(sorted, (b) => (b.leadersAllowed ? 1 : 0));
    this.replicasAllowed = Uint8Array.from(sorted, (b) => (b.replicasAllowed ? 1 : 0));
    this.busyNow = Float64Array.from(sorted, (b) => b.requestHandlerBusy);
    this.netIn = new Float64Array(B);
    this.netOut = new Float64Array(B);
    this.disk = new Float64Array(B);
    this.leaders = new Int32Array(B);
    this.replicaCount = new Int32Array(B);

    const P = partitions.length;
    this.partitionCount = P;
    this.partitions = partitions;
    this.bytesIn = new Float64Array(P);
    this.leaderOut = new Float64Array(P);
    this.size = new Float64Array(P);
    this.offset = new Int32Array(P + 1);
    this.leaderSlot = new Int32Array(P);
    this.partitionCell = new Int32Array(P);
    this.movable = new Uint8Array(P);
    let total = 0;
    for (let p = 0; p < P; p++) total += (partitions[p] as PartitionLoadInput).replicas.length;
    this.replicaSlots = new Int32Array(total);
    this.inSync = new Uint8Array(total);
    const hostCount = new Int32Array(B + 1);
    const ledCount = new Int32Array(B + 1);
    let skipped = 0;
    let at = 0;
    for (let p = 0; p < P; p++) {
      const input = partitions[p] as PartitionLoadInput;
      this.offset[p] = at;
      const traffic = partitionTraffic(input);
      this.bytesIn[p] = traffic.replicaIn;
      this.leaderOut[p] = traffic.leaderOut;
      this.size[p] = input.sizeBytes;
      let known = true;
      const isr = input.isr === undefined ? null : new Set(input.isr);
      for (const id of input.replicas) {
        const slot = this.slotOf.get(id);
        if (slot === undefined) known = false;
        this.replicaSlots[at] = slot ?? -1;
        this.inSync[at] = isr === null || isr.has(id) ? 1 : 0;
        at++;
      }
      if (input.recentlyLeft !== undefined && input.recentlyLeft.length > 0) {
        const slots = input.recentlyLeft.map((id) => this.slotOf.get(id)).filter((s): s is number => s !== undefined);
        if (slots.length > 0) this.recentlyLeft.set(p, slots);
      }
      const leader = this.slotOf.get(input.leader);
      this.leaderSlot[p] = leader !== undefined && input.replicas.includes(input.leader) ? leader : -1;
      const cell = input.cellId === null ? -1 : cellIndex.get(input.cellId);
      this.partitionCell[p] = cell ?? -1;
      const ok = known && this.leaderSlot[p] !== -1 && (input.cellId === null || cell !== undefined);
      if (!ok) skipped++;
      this.movable[p] = ok && input.movable ? 1 : 0;
      for (let i = this.offset[p] as number; i < at; i++) {
        const slot = this.replicaSlots[i] as number;
        if (slot >= 0) hostCount[slot + 1]!++;
      }
      if (this.leaderSlot[p]! >= 0) ledCount[(this.leaderSlot[p] as number) + 1]!++;
    }
    this.offset[P] = at;
    this.skipped = skipped;

    for (let b = 0; b < B; b++) {
      hostCount[b + 1]! += hostCount[b] as number;
      ledCount[b + 1]! += ledCount[b] as number;
    }
    this.hostStart = hostCount;
    this.ledStart = ledCount;
    this.hosted = new Int32Array(hostCount[B] as number);
    this.led = new Int32Array(ledCount[B] as number);
    const hostFill = hostCount.slice(0, B);
    const ledFill = ledCount.slice(0, B);
    for (let p = 0; p < P; p++) {
      for (let i = this.offset[p] as number; i < (this.offset[p + 1] as number); i++) {
        const slot = this.replicaSlots[i] as number;
        if (slot >= 0) this.hosted[hostFill[slot]!++] = p;
      }
      const leader = this.leaderSlot[p] as number;
      if (leader >= 0) this.led[ledFill[leader]!++] = p;
      this.addPartition(p, 1);
    }

    this.trafficNow = new Float64Array(B);
    let busySum = 0;
    let trafficSum = 0;
    for (let b = 0; b < B; b++) {
      this.trafficNow[b] = (this.netIn[b] as number) + (this.netOut[b] as number);
      if ((this.trafficNow[b] as number) > 0) {
        busySum += this.busyNow[b] as number;
        trafficSum += this.trafficNow[b] as number;
      }
    }
    const averageCost = trafficSum > 0 ? busySum / trafficSum : 0;
    this.costPerByte = Float64Array.from(this.trafficNow, (t, b) => (t > 0 ? (this.busyNow[b] as number) / t : averageCost));

    const racksPerCell = this.cellIds.map(() => new Set<number>());
    const allRacks = new Set<number>();
    for (let b = 0; b < B; b++) {
      if (!this.replicasAllowed[b]) continue;
      racksPerCell[this.cellOf[b] as number]!.add(this.rack[b] as number);
      allRacks.add(this.rack[b] as number);
    }
    this.racksInCell = Int32Array.from(racksPerCell, (s) => s.size);
    this.racksOverall = allRacks.size;
  }

  /** Adds (sign 1) or removes (sign -1) partition p's contribution with its current replicas and leader. */
  addPartition(p: number, sign: 1 | -1): void {
    const bytesIn = sign * (this.bytesIn[p] as number);
    const size = sign * (this.size[p] as number);
    for (let i = this.offset[p] as number; i < (this.offset[p + 1] as number); i++) {
      const slot = this.replicaSlots[i] as number;
      if (slot < 0) continue;
      this.netIn[slot]! += bytesIn;
      this.disk[slot]! += size;
      this.replicaCount[slot]! += sign;
    }
    const leader = this.leaderSlot[p] as number;
    if (leader >= 0) {
      this.netOut[leader]! += sign * (this.leaderOut[p] as number);
      this.leaders[leader]! += sign;
    }
  }

  /**
   * Rewrites partition p's replicas (same replication factor) with `slots[0]` as leader.
   * Replicas that stay keep their in-sync flag; new ones are not in sync (they must catch up).
   */
  reassign(p: number, slots: readonly number[]): void {
    const start = this.offset[p] as number;
    const inSync = slots.map((slot) => {
      for (let i = start; i < (this.offset[p + 1] as number); i++) if (this.replicaSlots[i] === slot) return this.inSync[i] as number;
      return 0;
    });
    this.restore(p, slots, slots[0] as number, inSync);
  }

  /** Sets p's replicas, leader and in-sync flags exactly (reassign, or undoing one). */
  restore(p: number, slots: readonly number[], leader: number, inSync: readonly number[]): void {
    this.addPartition(p, -1);
    const start = this.offset[p] as number;
    for (let i = 0; i < slots.length; i++) {
      this.replicaSlots[start + i] = slots[i] as number;
      this.inSync[start + i] = inSync[i] as number;
    }
    this.leaderSlot[p] = leader;
    this.addPartition(p, 1);
  }

  inSyncOf(p: number): number[] {
    return Array.from(this.inSync.subarray(this.offset[p] as number, this.offset[p + 1] as number));
  }

  replicasOf(p: number): number[] {
    return Array.from(this.replicaSlots.subarray(this.offset[p] as number, this.offset[p + 1] as number));
  }

  /** Partition p's replica slots as broker ids. */
  idsOf(slots: readonly number[]): number[] {
    return slots.map((s) => this.brokerIds[s] as number);
  }

  hosts(p: number, slot: number): boolean {
    for (let i = this.offset[p] as number; i < (this.offset[p + 1] as number); i++) if (this.replicaSlots[i] === slot) return true;
    return false;
  }

  isInSync(p: number, slot: number): boolean {
    for (let i = this.offset[p] as number; i < (this.offset[p + 1] as number); i++) if (this.replicaSlots[i] === slot) return this.inSync[i] === 1;
    return false;
  }

  busyOf(b: number, deltaTraffic = 0): number {
    return predictRequestHandlerBusy(this.busyNow[b] as number, this.trafficNow[b] as number, (this.netIn[b] as number) + (this.netOut[b] as number) + deltaTraffic, this.costPerByte[b] as number);
  }

  /** Unclamped cluster-load metric of broker b, optionally after adding a delta. */
  loadOf(b: number, dIn = 0, dOut = 0): number {
    return rawLoad(((this.netIn[b] as number) + dIn) / (this.capIn[b] as number), ((this.netOut[b] as number) + dOut) / (this.capOut[b] as number), this.busyOf(b, dIn + dOut));
  }

  /** Cell group whose brokers may host partition p (-1: any broker). */
  racksFor(p: number): number {
    const cell = this.partitionCell[p] as number;
    return cell < 0 ? this.racksOverall : (this.racksInCell[cell] as number);
  }

  /** May slot d host a replica of p in place of `leaving` without breaking rack awareness? */
  rackAllows(p: number, leaving: number, d: number): boolean {
    const rf = (this.offset[p + 1] as number) - (this.offset[p] as number);
    const racks = this.racksFor(p);
    const perRack = racks >= rf ? 1 : Math.ceil(rf / Math.max(1, racks));
    const rackOfD = this.rack[d] as number;
    let same = 0;
    for (let i = this.offset[p] as number; i < (this.offset[p + 1] as number); i++) {
      const slot = this.replicaSlots[i] as number;
      if (slot === leaving || slot < 0) continue;
      if (this.rack[slot] === rackOfD) same++;
    }
    return same < perRack;
  }

  /**
   * Racks a replica of p replacing `leaving` may not go to, as a bit mask — when every rack may
   * hold one replica of p (racks >= RF) and there are at most 31 racks; -1 otherwise (then ask
   * rackAllows). One AND per destination instead of a scan of p's replicas.
   */
  forbiddenRacks(p: number, leaving: number): number {
    const rf = (this.offset[p + 1] as number) - (this.offset[p] as number);
    if (this.racksFor(p) < rf || this.rackCount > 31) return -1;
    let mask = 0;
    for (let i = this.offset[p] as number; i < (this.offset[p + 1] as number); i++) {
      const slot = this.replicaSlots[i] as number;
      if (slot !== leaving && slot >= 0) mask |= 1 << (this.rack[slot] as number);
    }
    return mask;
  }

  /** Is p's placement rack-aware (no rack holds more replicas of p than the racks force)? */
  rackAware(p: number): boolean {
    const rf = (this.offset[p + 1] as number) - (this.offset[p] as number);
    const racks = this.racksFor(p);
    const perRack = racks >= rf ? 1 : Math.ceil(rf / Math.max(1, racks));
    const counts = new Map<number, number>();
    for (let i = this.offset[p] as number; i < (this.offset[p + 1] as number); i++) {
      const slot = this.replicaSlots[i] as number;
      if (slot < 0) continue;
      const rack = this.rack[slot] as number;
      const count = (counts.get(rack) ?? 0) + 1;
      if (count > perRack) return false;
      counts.set(rack, count);
    }
    return true;
  }

  /** May slot d hold a replica of p under cell containment? */
  cellAllows(p: number, d: number): boolean {
    const cell = this.partitionCell[p] as number;
    return cell < 0 || this.cellOf[d] === cell;
  }
}
