import type { PrismaClient } from '@cellar/db';

/** One broker's load in one time bucket (the highest sample in it: peaks are what matter for load). */
export interface LoadPoint {
  /** Start of the bucket, epoch ms. */
  at: number;
  nodeId: number;
  load: number;
}

/**
 * Load over time in columns, as a chart wants it: `times[i]` with every series' value at `i`
 * (null where a broker had no sample in that bucket). A cell and the cluster are as loaded as
 * their most loaded broker, at each point, as in the live view.
 */
export interface LoadHistory {
  from: string;
  to: string;
  bucketSeconds: number;
  /** Epoch seconds of each point. */
  times: number[];
  cluster: (number | null)[];
  cells: { id: string; name: string; quarantine: boolean; load: (number | null)[] }[];
  brokers: { id: number; cellId: string | null; load: (number | null)[] }[];
}

export interface LoadHistoryShape {
  brokers: readonly { nodeId: number; cellId: string | null }[];
  cells: readonly { id: string; name: string; quarantine: boolean }[];
}

const round2 = (value: number) => Math.round(value * 100) / 100;

/** More empty buckets than this between two samples is a gap (the balancer was not sampling), not jitter. */
const GAP_BUCKETS = 3;

/**
 * Columns from bucketed points. Pure: the route and the spec share it. Where sampling stopped
 * for a while, one empty point goes in, so that a chart breaks the line there instead of
 * drawing a straight one across the time nothing was measured.
 */
export function loadHistoryColumns(points: readonly LoadPoint[], shape: LoadHistoryShape, window: { from: number; to: number; bucketSeconds: number }): LoadHistory {
  const bucketMs = window.bucketSeconds * 1000;
  const sampled = [...new Set(points.map((p) => p.at))].sort((a, b) => a - b);
  const times: number[] = [];
  for (const [i, at] of sampled.entries()) {
    const previous = sampled[i - 1];
    if (previous !== undefined && at - previous > GAP_BUCKETS * bucketMs) times.push(previous + bucketMs);
    times.push(at);
  }
  const index = new Map(times.map((t, i) => [t, i]));
  const byBroker = new Map(shape.brokers.map((b) => [b.nodeId, new Array<number | null>(times.length).fill(null)]));
  for (const p of points) {
    const series = byBroker.get(p.nodeId);
    if (series) series[index.get(p.at)!] = round2(p.load);
  }
  const maxOf = (series: (number | null)[][]) =>
    times.map((_, i) => {
      const values = series.map((s) => s[i]).filter((v): v is number => v !== null && v !== undefined);
      return values.length === 0 ? null : Math.max(...values);
    });
  return {
    from: new Date(window.from).toISOString(),
    to: new Date(window.to).toISOString(),
    bucketSeconds: window.bucketSeconds,
    times: times.map((t) => Math.round(t / 1000)),
    cluster: maxOf([...byBroker.values()]),
    cells: shape.cells.map((cell) => ({
      ...cell,
      load: maxOf(shape.brokers.filter((b) => b.cellId === cell.id).map((b) => byBroker.get(b.nodeId)!)),
    })),
    brokers: shape.brokers.map((b) => ({ id: b.nodeId, cellId: b.cellId, load: byBroker.get(b.nodeId)! })),
  };
}

/**
 * Load samples of one physical cluster between `from` and `to`, bucketed in PostgreSQL
 * (date_bin, the highest sample per broker and bucket) so that a day of a large cluster
 * stays a few hundred points per series.
 */
export async function clusterLoadHistory(
  prisma: PrismaClient,
  physicalClusterId: string,
  window: { from: number; to: number; maxPoints: number; minBucketSeconds: number },
): Promise<LoadHistory> {
  const bucketSeconds = Math.max(window.minBucketSeconds, Math.ceil((window.to - window.from) / 1000 / window.maxPoints));
  const [brokers, cells, rows] = await Promise.all([
    prisma.broker.findMany({ where: { clusterId: physicalClusterId }, orderBy: { nodeId: 'asc' }, select: { nodeId: true, cellId: true } }),
    prisma.cell.findMany({ where: { clusterId: physicalClusterId }, orderBy: { name: 'asc' }, select: { id: true, name: true, quarantine: true } }),
    prisma.$queryRaw<{ bucket: Date; node_id: number; load: number }[]>`
      SELECT date_bin(${bucketSeconds}::int * interval '1 second', at, to_timestamp(0)) AS bucket, node_id, max(load) AS load
      FROM load_samples
      WHERE physical_cluster_id = ${physicalClusterId} AND at >= ${new Date(window.from)} AND at <= ${new Date(window.to)}
      GROUP BY 1, 2
      ORDER BY 1`,
  ]);
  const points = rows.map((r) => ({ at: r.bucket.getTime(), nodeId: r.node_id, load: Number(r.load) }));
  return loadHistoryColumns(points, { brokers, cells }, { from: window.from, to: window.to, bucketSeconds });
}
