import type { BrokerCapacity, CellLoadSummary, PartitionLoadInput } from './types';

/** What a broker does, measured or predicted. */
export interface BrokerTraffic {
  networkInBytesPerSecond: number;
  networkOutBytesPerSecond: number;
  /** 0..1 */
  requestHandlerBusy: number;
}

/**
 * The cluster-load metric of one broker, 0..100:
 *
 *     load = 100 × min(1, max(netIn / capIn, netOut / capOut, requestHandlerBusy))
 *
 * A broker is as loaded as its most saturated resource. Queueing is why the max and not a
 * sum or mean: a request waits behind the busiest stage it passes through (network threads,
 * request handlers), and that stage's waiting time grows like ρ / (1 − ρ) with its
 * utilisation ρ — so the bottleneck dominates latency, and a broker at 90% of its network
 * with idle handlers is as close to trouble as one at 90% handler busy with idle network.
 * Kora derives its load from request queueing for the same reason. Disk *space* is a
 * capacity, not a rate, so it is a hard limit and a soft goal but not part of this number.
 */
export function brokerLoad(traffic: BrokerTraffic, capacity: BrokerCapacity): number {
  return Math.min(100, rawLoad(traffic.networkInBytesPerSecond / capacity.networkInBytesPerSecond, traffic.networkOutBytesPerSecond / capacity.networkOutBytesPerSecond, traffic.requestHandlerBusy));
}

/** The same formula from utilisations, unclamped (an over-capacity broker still ranks above a full one). */
export function rawLoad(networkInUtilisation: number, networkOutUtilisation: number, requestHandlerBusy: number): number {
  return 100 * Math.max(networkInUtilisation, networkOutUtilisation, requestHandlerBusy, 0);
}

/**
 * What one partition puts on its brokers:
 * - every replica, leader or follower, receives the produce traffic: the leader from
 *   producers, each follower by fetching it from the leader (`in` on every replica);
 * - the leader sends the consumer traffic and one copy of the produce traffic to each
 *   follower: `leaderOut = bytesOut + (RF − 1) × bytesIn`; followers send nothing;
 * - every replica holds `sizeBytes` on disk.
 */
export function partitionTraffic(partition: Pick<PartitionLoadInput, 'bytesInPerSecond' | 'bytesOutPerSecond' | 'replicas'>): {
  replicaIn: number;
  leaderOut: number;
} {
  const followers = Math.max(0, partition.replicas.length - 1);
  return { replicaIn: partition.bytesInPerSecond, leaderOut: partition.bytesOutPerSecond + followers * partition.bytesInPerSecond };
}

/**
 * Request-handler busy after a broker's traffic changes from `trafficNow` to `trafficAfter`
 * (bytes/s in + out): busy grows at the broker's own observed cost per byte
 * (`busyNow / trafficNow`), so a broker that is slow per byte stays slow per byte. A broker
 * with no traffic yet takes the cluster's average cost per byte. Clamped to 0..1.
 */
export function predictRequestHandlerBusy(busyNow: number, trafficNow: number, trafficAfter: number, costPerByte: number): number {
  const busy = busyNow + costPerByte * (trafficAfter - trafficNow);
  return busy < 0 ? 0 : busy > 1 ? 1 : busy;
}

/** Per cell: the most loaded broker is the cell's load (Kora), with the mean for the trigger. */
export function summarizeCells(brokers: ReadonlyArray<{ cellId: string | null; load: number; countsInMean?: boolean }>): CellLoadSummary[] {
  const byCell = new Map<string | null, { max: number; min: number; sum: number; count: number }>();
  for (const broker of brokers) {
    let cell = byCell.get(broker.cellId);
    if (cell === undefined) {
      cell = { max: 0, min: Infinity, sum: 0, count: 0 };
      byCell.set(broker.cellId, cell);
    }
    cell.max = Math.max(cell.max, broker.load);
    if (broker.countsInMean === false) continue;
    cell.min = Math.min(cell.min, broker.load);
    cell.sum += broker.load;
    cell.count += 1;
  }
  const ids = [...byCell.keys()].sort(compareCellIds);
  return ids.map((cellId) => {
    const cell = byCell.get(cellId) as { max: number; min: number; sum: number; count: number };
    const mean = cell.count === 0 ? 0 : cell.sum / cell.count;
    return { cellId, load: cell.max, mean, maxOverMean: ratio(cell.max, mean), min: cell.count === 0 ? 0 : cell.min };
  });
}

/** Cells in id order, brokers outside every cell (null) last. */
export function compareCellIds(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return a < b ? -1 : 1;
}

/** max / mean, 1 when the mean is 0 (nothing to balance). */
export function ratio(max: number, mean: number): number {
  return mean > 0 ? max / mean : 1;
}
