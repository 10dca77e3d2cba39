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
    const cellLoad = new Gauge({ name: 'cellar_cell_load_percent', help: 'Load of each cell: its most loaded broker (latest sample).', labelNames: ['cluster', 'cell'] as const, registers: [] });
    const clusterLoad = new Gauge({ name: 'cellar_cluster_load_percent', help: 'Load of each physical cluster: its most loaded broker (latest sample).', labelNames: ['cluster'] as const, registers: [] });
    new Gauge({
      name: 'cellar_broker_load_percent',
      help: 'Cluster-load metric of each broker, 0..100 (latest smoothed sample of the balancer).',
      labelNames: ['cluster', 'broker'] as const,
      registers,
      async collect() {
        this.reset();
        cellLoad.reset();
        clusterLoad.reset();
        const latest = await prisma.loadSample.groupBy({ by: ['physicalClusterId'], _max: { at: true } });
        for (const { physicalClusterId, _max } of latest) {
          if (!_max.at) continue;
          const [samples, brokers] = await Promise.all([
            prisma.loadSample.findMany({ where: { physicalClusterId, at: _max.at } }),
            prisma.broker.findMany({ where: { clusterId: physicalClusterId }, select: { nodeId: true, cellId: true } }),
          ]);
          const cellOf = new Map(brokers.map((b) => [b.nodeId, b.cellId]));
          const byCell = new Map<string, number>();
          for (const s of samples) {
            this.set({ cluster: physicalClusterId, broker: String(s.nodeId) }, s.load);
            const cell = cellOf.get(s.nodeId);
            if (cell) byCell.set(cell, Math.max(byCell.get(cell) ?? 0, s.load));
          }
          for (const [cell, load] of byCell) cellLoad.set({ cluster: physicalClusterId, cell }, load);
          clusterLoad.set({ cluster: physicalClusterId }, Math.max(0, ...samples.map((s) => s.load)));
        }
      },
    });
    // Filled by the collect above, which runs first because its gauge was registered first.
    app.metrics.registry.registerMetric(cellLoad);
    app.metrics.registry.registerMetric(clusterLoad);
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
    const bytesMoved = new Gauge({ name: 'cellar_partition_moved_bytes', help: 'Bytes copied by finished partition moves (sizes known at planning), by cluster and reason.', labelNames: ['cluster', 'reason'] as const, registers: [] });
    new Gauge({
      name: 'cellar_partition_moves',
      help: 'Partition moves recorded, by cluster, reason (QUARANTINE, REBALANCE, MITIGATION), kind and state.',
      labelNames: ['cluster', 'reason', 'kind', 'state'] as const,
      registers,
      async collect() {
        this.reset();
        bytesMoved.reset();
        const rows = await prisma.partitionMove.groupBy({ by: ['physicalClusterId', 'reason', 'kind', 'state'], _count: { _all: true }, _sum: { bytes: true } });
        for (const row of rows) {
          this.set({ cluster: row.physicalClusterId, reason: row.reason, kind: row.kind, state: row.state }, row._count._all);
          if (row.state === 'DONE') bytesMoved.inc({ cluster: row.physicalClusterId, reason: row.reason }, Number(row._sum.bytes ?? 0));
        }
      },
    });
    app.metrics.registry.registerMetric(bytesMoved);
  },
  { name: 'cellar-balancer-metrics', fastify: '5.x', dependencies: ['cellar-metrics'] },
);
