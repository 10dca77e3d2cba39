/**
 * Named clusters and a synthetic-cluster generator for tests, demos and the benchmark, in the
 * spirit of Cruise Control's DeterministicCluster. Each call returns fresh objects.
 * Exported as `@cellar/planner/fixtures`, not from the main entry point.
 */
import { partitionTraffic } from './load-model';
import type { BrokerCapacity, BrokerLoadInput, PartitionLoadInput, PlannerSettings } from './types';
import { seededRandom } from '@cellar/cells';

export { seededRandom };

const MB = 1_000_000;
const GB = 1_000_000_000;

/** 100 MB/s in, 300 MB/s out, 2 TB disk. */
export function standardCapacity(): BrokerCapacity {
  return { networkInBytesPerSecond: 100 * MB, networkOutBytesPerSecond: 300 * MB, diskBytes: 2000 * GB };
}

export function broker(id: number, rack: string, cellId: string | null, extra: Partial<BrokerLoadInput> = {}): BrokerLoadInput {
  return { id, rack, cellId, capacity: standardCapacity(), requestHandlerBusy: 0, leadersAllowed: true, replicasAllowed: true, ...extra };
}

/** The local harness cluster: brokers 1..6 on az1, az1, az2, az2, az3, az3; cell-1 = [1, 3, 5], cell-2 = [2, 4, 6]. */
export function sixBrokersTwoCells(): BrokerLoadInput[] {
  return [1, 2, 3, 4, 5, 6].map((id) => broker(id, `az${Math.ceil(id / 2)}`, id % 2 === 1 ? 'cell-1' : 'cell-2'));
}

export function partitionOn(topic: string, partition: number, replicas: number[], load: Partial<PartitionLoadInput> = {}): PartitionLoadInput {
  return { topic, partition, replicas, leader: replicas[0] as number, bytesInPerSecond: MB, bytesOutPerSecond: MB, sizeBytes: GB, cellId: null, movable: true, ...load };
}

/** Settings for tests: the table's defaults with room for every move a small cluster needs. */
export function generousSettings(extra: Partial<PlannerSettings> = {}): PlannerSettings {
  return {
    goals: ['NETWORK_IN', 'NETWORK_OUT', 'DISK', 'LEADER_COUNT', 'REPLICA_COUNT'],
    triggerThresholdPct: 20,
    stopThresholdPct: 10,
    maxMovesPerRound: 1_000_000,
    maxConcurrentMovesPerBroker: 1_000_000,
    maxBytesInFlight: Number.MAX_SAFE_INTEGER,
    ...extra,
  };
}

/**
 * cell-1 of the local cluster with every leader on broker 1: the replicas are spread evenly
 * (each partition on 1, 3 and 5), so only leadership is out of balance.
 */
export function leadersOnOneBroker(partitions = 12): { brokers: BrokerLoadInput[]; partitions: PartitionLoadInput[] } {
  const brokers = sixBrokersTwoCells();
  const list = Array.from({ length: partitions }, (_, i) => partitionOn('lkc-a.orders', i, [1, 3, 5], { cellId: 'cell-1', bytesInPerSecond: 2 * MB, bytesOutPerSecond: 6 * MB }));
  return { brokers, partitions: list };
}

export interface SyntheticClusterOptions {
  brokers: number;
  partitions: number;
  replicationFactor?: number;
  racks?: number;
  /** Brokers per cell (a multiple of racks keeps every cell on every rack); omit for no cells. */
  cellSize?: number;
  /** Fraction of brokers that are "hot" (preferred by placement). Default 0.1. */
  hotFraction?: number;
  /** How much likelier a hot broker is to get a replica (leaders: twice that). Default 4. */
  skew?: number;
  /** Mean load of the cluster after scaling, percent. Default 35. */
  meanLoadPct?: number;
  seed?: number;
}

/**
 * A skewed synthetic cluster: topics of 12 partitions with log-normal produce rates (a few hot
 * topics carry most bytes), 0–3 consumer groups each, sizes = rate × 1–24 h of retention;
 * replicas placed rack-aware (inside the cell) but with hot brokers `skew` times likelier to
 * get a replica and `2 × skew` likelier to lead. Rates are then scaled so the mean broker
 * load is `meanLoadPct`, and each broker's request-handler busy follows its bytes.
 */
export function syntheticCluster(options: SyntheticClusterOptions): { brokers: BrokerLoadInput[]; partitions: PartitionLoadInput[] } {
  const rf = options.replicationFactor ?? 3;
  const racks = options.racks ?? 3;
  const random = seededRandom(options.seed ?? 1);
  const hotFraction = options.hotFraction ?? 0.1;
  const skew = options.skew ?? 4;
  const brokers: BrokerLoadInput[] = [];
  for (let i = 0; i < options.brokers; i++) {
    const cellId = options.cellSize === undefined ? null : `cell-${String(Math.floor(i / options.cellSize) + 1).padStart(3, '0')}`;
    brokers.push(broker(i + 1, `az${(i % racks) + 1}`, cellId));
  }
  const hot = new Uint8Array(options.brokers);
  for (let i = 0; i < options.brokers; i++) hot[i] = random() < hotFraction ? 1 : 0;
  const cells = new Map<string | null, number[]>();
  brokers.forEach((b, i) => {
    if (!cells.has(b.cellId)) cells.set(b.cellId, []);
    cells.get(b.cellId)!.push(i);
  });
  const cellList = [...cells.entries()].map(([id, members]) => [id, cellWeights(members, brokers, hot, skew)] as const);

  const partitions: PartitionLoadInput[] = [];
  const perTopic = 12;
  for (let t = 0; partitions.length < options.partitions; t++) {
    const topicRate = Math.exp(gaussian(random) * 1.2) * MB * 0.2;
    const consumers = Math.floor(random() * 4);
    const retentionSeconds = 3600 * (1 + random() * 23);
    const [cellId, weights] = cellList[t % cellList.length] as (typeof cellList)[number];
    const topic = `${cellId ?? 'shared'}.topic-${t}`;
    for (let k = 0; k < perTopic && partitions.length < options.partitions; k++) {
      const rate = topicRate * (0.5 + random());
      const replicas = placeSkewed(weights, brokers, rf, random);
      partitions.push({
        topic,
        partition: k,
        replicas,
        leader: replicas[0] as number,
        bytesInPerSecond: rate,
        bytesOutPerSecond: rate * consumers,
        sizeBytes: rate * retentionSeconds,
        cellId,
        movable: true,
      });
    }
  }
  scaleToMeanLoad(brokers, partitions, options.meanLoadPct ?? 35);
  return { brokers, partitions };
}

/** Cumulative placement weights of a cell's brokers: hot ones `skew` (leaders `2 × skew`) times likelier. */
interface CellWeights {
  members: number[];
  leader: Float64Array;
  follower: Float64Array;
  racks: number;
}

function cellWeights(members: number[], brokers: BrokerLoadInput[], hot: Uint8Array, skew: number): CellWeights {
  const leader = new Float64Array(members.length);
  const follower = new Float64Array(members.length);
  let l = 0;
  let f = 0;
  members.forEach((i, k) => {
    l += hot[i] ? 2 * skew : 1;
    f += hot[i] ? skew : 1;
    leader[k] = l;
    follower[k] = f;
  });
  return { members, leader, follower, racks: new Set(members.map((i) => (brokers[i] as BrokerLoadInput).rack)).size };
}

function drawWeighted(cumulative: Float64Array, random: () => number): number {
  const target = random() * (cumulative[cumulative.length - 1] as number);
  let lo = 0;
  let hi = cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((cumulative[mid] as number) < target) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Rack-aware weighted draw by rejection: redraw while the broker or (racks permitting) its rack is taken. */
function placeSkewed(cell: CellWeights, brokers: BrokerLoadInput[], rf: number, random: () => number): number[] {
  const chosen: number[] = [];
  const usedRacks: string[] = [];
  for (let r = 0; r < rf; r++) {
    const cumulative = r === 0 ? cell.leader : cell.follower;
    for (;;) {
      const b = brokers[cell.members[drawWeighted(cumulative, random)] as number] as BrokerLoadInput;
      if (chosen.includes(b.id)) continue;
      if (usedRacks.length < cell.racks && usedRacks.includes(b.rack)) continue;
      chosen.push(b.id);
      usedRacks.push(b.rack);
      break;
    }
  }
  return chosen;
}

/** Scales every rate so the mean broker load is `meanPct` (the hottest kept under 95%), then sets handler busy from bytes. */
function scaleToMeanLoad(brokers: BrokerLoadInput[], partitions: PartitionLoadInput[], meanPct: number): void {
  const index = new Map(brokers.map((b, i) => [b.id, i]));
  const netIn = new Float64Array(brokers.length);
  const netOut = new Float64Array(brokers.length);
  for (const p of partitions) {
    const { replicaIn, leaderOut } = partitionTraffic(p);
    for (const id of p.replicas) netIn[index.get(id) as number]! += replicaIn;
    netOut[index.get(p.leader) as number]! += leaderOut;
  }
  const loads = brokers.map((b, i) => 100 * Math.max((netIn[i] as number) / b.capacity.networkInBytesPerSecond, (netOut[i] as number) / b.capacity.networkOutBytesPerSecond));
  const mean = loads.reduce((a, b) => a + b, 0) / loads.length;
  const max = Math.max(...loads);
  const factor = Math.min(meanPct / mean, 95 / max);
  const disk = new Float64Array(brokers.length);
  for (const p of partitions) {
    p.bytesInPerSecond *= factor;
    p.bytesOutPerSecond *= factor;
    for (const id of p.replicas) disk[index.get(id) as number]! += p.sizeBytes;
  }
  // Sizes likewise: mean disk use at the same percentage as the load, the fullest under 95%.
  const meanDisk = disk.reduce((a, b) => a + b, 0) / brokers.length;
  const capacity = (brokers[0] as BrokerLoadInput).capacity.diskBytes;
  const diskFactor = Math.min((meanPct / 100) * (capacity / meanDisk), (0.95 * capacity) / Math.max(...disk));
  for (const p of partitions) p.sizeBytes *= diskFactor;
  // Handlers cost about 0.5 busy per (capacity in + capacity out) of bytes: below network in practice.
  brokers.forEach((b, i) => {
    const traffic = factor * ((netIn[i] as number) + (netOut[i] as number));
    b.requestHandlerBusy = Math.min(0.95, (0.5 * traffic) / (b.capacity.networkInBytesPerSecond + b.capacity.networkOutBytesPerSecond));
  });
}

function gaussian(random: () => number): number {
  const u = Math.max(random(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}
