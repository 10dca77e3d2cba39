import type { PrismaClient } from '@cellar/db';
import fp from 'fastify-plugin';
import { Gauge } from 'prom-client';
import { cellCapacityCkus, committedCkusByCell } from '../cell-capacity';

const STATUSES = ['PROVISIONING', 'READY', 'UPDATING', 'DELETING', 'FAILED'] as const;

/**
 * Provisioning gauges read from PostgreSQL at scrape time (the source of truth, so every
 * API replica reports the same numbers). Labels are bounded: status, physical cluster and
 * cell ids, a physical cluster's name and region, never a tenant or logical cluster id. Requests
 * are counted by route and status in cellar_http_request_duration_seconds; job outcomes by the
 * worker's cellar_tenancy_jobs_total.
 */
export const tenancyMetricsPlugin = fp<{ prisma: PrismaClient }>(
  async (app, { prisma }) => {
    const registers = [app.metrics.registry];
    new Gauge({
      name: 'cellar_logical_clusters',
      help: 'Logical clusters by status (deleted ones are not counted).',
      labelNames: ['status'] as const,
      registers,
      async collect() {
        const rows = await prisma.logicalCluster.groupBy({ by: ['status'], _count: { _all: true }, where: { status: { not: 'DELETED' } } });
        for (const status of STATUSES) this.set({ status }, rows.find((row) => row.status === status)?._count._all ?? 0);
      },
    });

    // An info metric: every other cellar_ series labels its cluster by id, which dashboards
    // join with this for the name; the brokers' JMX series carry that name as cluster_name.
    new Gauge({
      name: 'cellar_kafka_cluster_info',
      help: 'One series per registered physical cluster, always 1: its id (cluster), name and region.',
      labelNames: ['cluster', 'name', 'region'] as const,
      registers,
      async collect() {
        const clusters = await prisma.physicalCluster.findMany({ select: { id: true, name: true, region: true } });
        // Reset first, so a series lasts only as long as its row.
        this.reset();
        for (const cluster of clusters) this.set({ cluster: cluster.id, name: cluster.name, region: cluster.region }, 1);
      },
    });

    // One query pair fills both cell gauges; the first one registered collects, so both are
    // current when the registry serializes them in order.
    const cellLabels = ['cluster', 'cell', 'quarantine'] as const;
    const capacity = new Gauge({ name: 'cellar_cell_capacity_ckus', help: 'What each cell can host, in CKUs (brokers x CKUs per broker).', labelNames: cellLabels });
    new Gauge({
      name: 'cellar_cell_committed_ckus',
      help: 'CKUs of the logical clusters placed in each cell.',
      labelNames: cellLabels,
      registers,
      async collect() {
        const cells = await prisma.cell.findMany({
          select: { id: true, clusterId: true, quarantine: true, cluster: { select: { ckusPerBroker: true } }, _count: { select: { brokers: true } } },
        });
        const committed = await committedCkusByCell(prisma);
        this.reset();
        capacity.reset();
        for (const cell of cells) {
          const labels = { cluster: cell.clusterId, cell: cell.id, quarantine: String(cell.quarantine) };
          capacity.set(labels, cellCapacityCkus(cell._count.brokers, cell.cluster.ckusPerBroker));
          this.set(labels, committed.get(cell.id) ?? 0);
        }
      },
    });
    app.metrics.registry.registerMetric(capacity);

  },
  { name: 'cellar-tenancy-metrics', fastify: '5.x', dependencies: ['cellar-metrics'] },
);
