import type { PrismaClient } from '@cellar/db';
import fp from 'fastify-plugin';
import { Gauge } from 'prom-client';

/**
 * Balancer gauges on the API's /metrics, read from PostgreSQL at scrape time (every API
 * replica reports the same): the latest load per broker, cell and cluster, plans by state,
 * partition moves by reason, kind and state, and bytes moved. Labels: cluster and cell ids,
 * broker node ids, states; never a topic.
 */
export const balancerMetricsPlugin = fp<{ prisma: PrismaClient }>(
  async (app, { prisma }) => {
    const registers = [app.metrics.registry];
    // prom-client collects every metric of a scrape at once: the gauges of one family of
    // queries share one snapshot per scrape instead of each querying PostgreSQL.
    const loads = oncePerScrape(() => loadSnapshot(prisma));
    const moves = oncePerScrape(() => prisma.partitionMove.groupBy({ by: ['physicalClusterId', 'reason', 'kind', 'state'], _count: { _all: true }, _sum: { bytes: true } }));

    new Gauge({
      name: 'cellar_broker_load_percent',
      help: 'Cluster-load metric of each broker, 0..100 (latest smoothed sample of the balancer).',
      labelNames: ['cluster', 'broker'] as const,
      registers,
      async collect() {
        this.reset();
        for (const s of (await loads()).brokers) this.set({ cluster: s.cluster, broker: String(s.broker) }, s.load);
      },
    });
    new Gauge({
      name: 'cellar_cell_load_percent',
      help: 'Load of each cell: its most loaded broker (latest sample).',
      labelNames: ['cluster', 'cell'] as const,
      registers,
      async collect() {
        this.reset();
        for (const c of (await loads()).cells) this.set({ cluster: c.cluster, cell: c.cell }, c.load);
      },
    });
    new Gauge({
      name: 'cellar_cluster_load_percent',
      help: 'Load of each physical cluster: its most loaded broker (latest sample).',
      labelNames: ['cluster'] as const,
      registers,
      async collect() {
        this.reset();
        for (const c of (await loads()).clusters) this.set({ cluster: c.cluster }, c.load);
      },
    });
    new Gauge({
      name: 'cellar_rebalance_plans',
      help: 'Rebalance plans by cluster and state (dry runs included).',
      labelNames: ['cluster', 'state'] as const,
      registers,
      async collect() {
        this.reset();
        const rows = await prisma.rebalancePlan.groupBy({ by: ['physicalClusterId', 'state'], _count: { _all: true } });
        for (const row of rows) this.set({ cluster: row.physicalClusterId, state: row.state }, row._count._all);
      },
    });
    new Gauge({
      name: 'cellar_partition_moves',
      help: 'Partition moves recorded, by cluster, reason (QUARANTINE, REBALANCE, MITIGATION), kind and state.',
      labelNames: ['cluster', 'reason', 'kind', 'state'] as const,
      registers,
      async collect() {
        this.reset();
        for (const row of await moves()) this.set({ cluster: row.physicalClusterId, reason: row.reason, kind: row.kind, state: row.state }, row._count._all);
      },
    });
    new Gauge({
      name: 'cellar_partition_moved_bytes',
      help: 'Bytes copied by finished partition moves (sizes known at planning), by cluster and reason.',
      labelNames: ['cluster', 'reason'] as const,
      registers,
      async collect() {
        this.reset();
        for (const row of await moves()) if (row.state === 'DONE') this.inc({ cluster: row.physicalClusterId, reason: row.reason }, Number(row._sum.bytes ?? 0));
      },
    });
  },
  { name: 'cellar-balancer-metrics', fastify: '5.x', dependencies: ['cellar-metrics'] },
);

/** Runs `query` once for all callers until it settles; the next call after that runs it again. */
function oncePerScrape<T>(query: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | null = null;
  return () => {
    pending ??= query().finally(() => setImmediate(() => (pending = null)));
    return pending;
  };
}

interface LoadSnapshot {
  brokers: { cluster: string; broker: number; load: number }[];
  cells: { cluster: string; cell: string; load: number }[];
  clusters: { cluster: string; load: number }[];
}

/** The latest LoadSample of every broker of every cluster, with cell and cluster maxima. */
async function loadSnapshot(prisma: PrismaClient): Promise<LoadSnapshot> {
  const snapshot: LoadSnapshot = { brokers: [], cells: [], clusters: [] };
  const latest = await prisma.loadSample.groupBy({ by: ['physicalClusterId'], _max: { at: true } });
  for (const { physicalClusterId: cluster, _max } of latest) {
    if (!_max.at) continue;
    const [samples, brokers] = await Promise.all([
      prisma.loadSample.findMany({ where: { physicalClusterId: cluster, at: _max.at } }),
      prisma.broker.findMany({ where: { clusterId: cluster }, select: { nodeId: true, cellId: true } }),
    ]);
    const cellOf = new Map(brokers.map((b) => [b.nodeId, b.cellId]));
    const byCell = new Map<string, number>();
    for (const s of samples) {
      snapshot.brokers.push({ cluster, broker: s.nodeId, load: s.load });
      const cell = cellOf.get(s.nodeId);
      if (cell) byCell.set(cell, Math.max(byCell.get(cell) ?? 0, s.load));
    }
    for (const [cell, load] of byCell) snapshot.cells.push({ cluster, cell, load });
    snapshot.clusters.push({ cluster, load: Math.max(0, ...samples.map((s) => s.load)) });
  }
  return snapshot;
}
