import type { PrismaClient } from '@cellar/db';

/**
 * The arithmetic of cell capacity, in one place for the fleet views, placement, resizes and
 * the /metrics gauges: a cell hosts its brokers × the cluster's CKUs per broker, and has
 * promised the CKUs of the logical clusters placed in it that are not DELETED.
 */
export function cellCapacityCkus(brokerCount: number, ckusPerBroker: number): number {
  return brokerCount * ckusPerBroker;
}

/** CKUs promised per cell id: of every cell, of one physical cluster's, or of the given cells. */
export async function committedCkusByCell(
  db: Pick<PrismaClient, 'logicalCluster'>,
  scope: { physicalClusterId?: string; cellIds?: string[] } = {},
): Promise<Map<string, number>> {
  const sums = await db.logicalCluster.groupBy({
    by: ['cellId'],
    where: {
      ...(scope.physicalClusterId !== undefined ? { physicalClusterId: scope.physicalClusterId } : {}),
      ...(scope.cellIds !== undefined ? { cellId: { in: scope.cellIds } } : {}),
      status: { not: 'DELETED' },
    },
    _sum: { ckus: true },
  });
  return new Map(sums.map((row) => [row.cellId, row._sum.ckus ?? 0]));
}
