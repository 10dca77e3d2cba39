import type { JobDefinition } from '@cellar/worker-runtime';
import { z } from 'zod';
import type { LogicalClusterJobName } from '../tenancy-queue';
import { measured, type TenancyJobDeps } from './tenancy-job';

export const RECONCILE_EVERY_MS = 15_000;

/** Which job finishes a row in an in-between status. */
export function jobFor(row: { status: string; quarantinedAt: Date | null; cell: { quarantine: boolean } }): LogicalClusterJobName | undefined {
  switch (row.status) {
    case 'PROVISIONING':
      return 'provision-logical-cluster';
    case 'DELETING':
      return 'delete-logical-cluster';
    case 'UPDATING':
      // Only a quarantine moves a cluster into the quarantine cell; later resizes find it there already quarantined.
      return row.cell.quarantine && row.quarantinedAt === null ? 'quarantine-logical-cluster' : 'resize-logical-cluster';
    default:
      return undefined;
  }
}

/**
 * PostgreSQL is the source of truth and Redis may lose jobs (a flush, a failover, an enqueue
 * that failed after the API committed): every row still on its way to a settled status gets
 * its job again unless one is waiting, delayed or running. Job ids are deterministic per
 * row version, so a duplicate is dropped by the queue.
 */
export function reconcileLogicalClustersJob(deps: TenancyJobDeps): JobDefinition<z.ZodObject<Record<string, never>>> {
  return {
    name: 'reconcile-logical-clusters',
    everyMs: RECONCILE_EVERY_MS,
    data: z.object({}),
    handle: (_data, logger, run) =>
      measured(deps, 'reconcile-logical-clusters', run, logger, async () => {
        const rows = await deps.prisma.logicalCluster.findMany({
          where: { status: { in: ['PROVISIONING', 'UPDATING', 'DELETING'] } },
          select: { id: true, status: true, version: true, correlationId: true, quarantinedAt: true, cell: { select: { quarantine: true } } },
        });
        if (rows.length === 0) return 'skipped';
        const busy = await deps.jobs.busyLogicalClusters();
        let enqueued = 0;
        for (const row of rows) {
          const name = jobFor(row);
          if (!name || busy.has(row.id)) continue;
          const data = { logicalClusterId: row.id, correlationId: row.correlationId ?? `reconcile:${row.id}` };
          if ((await deps.jobs.requeue(name, data, row.version)) === 'enqueued') {
            enqueued += 1;
            logger.info({ logicalClusterId: row.id, job: name, version: row.version }, 'no job on its way for the logical cluster; enqueued one');
          }
        }
        return enqueued > 0 ? 'completed' : 'skipped';
      }),
  };
}
