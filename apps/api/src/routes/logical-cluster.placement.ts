import { CellsError, placeTenant, type CellCapacity, type PlacementCandidate } from '@cellar/cells';
import type { PrismaClient } from '@cellar/db';
import { TenancyError } from '@cellar/tenancy';
import { cellCapacityCkus, committedCkusByCell } from '../cell-capacity';

/** A physical cluster of the requested region with its cells as placement sees them. */
export interface ClusterCells {
  physicalClusterId: string;
  cells: CellCapacity[];
}

export interface LogicalClusterPlacement {
  physicalClusterId: string;
  cellId: string;
  capacityCkus: number;
  utilisationAfter: number;
  /** Every cluster's candidates, for the audit event. */
  candidates: (PlacementCandidate & { physicalClusterId: string })[];
}

/**
 * Chooses the physical cluster and cell for a new logical cluster: placeTenant (two random
 * candidate cells, the lighter wins) inside each cluster of the region, then the cluster
 * whose choice is least utilised after placement. Pure: the same clusters and seed give the
 * same answer. Refuses with `region_not_served` when no cluster of the region has a cell a
 * tenant may use, and `no_capacity` when none has room.
 */
export function chooseCell(region: string, clusters: readonly ClusterCells[], requestedCkus: number, seed: string): LogicalClusterPlacement {
  const usable = clusters.filter((c) => c.cells.some((cell) => cell.quarantine !== true && cell.capacityCkus > 0));
  if (usable.length === 0) {
    throw new TenancyError('region_not_served', `No Kafka cluster in region ${region} takes logical clusters.`, { details: { region } });
  }
  let best: Omit<LogicalClusterPlacement, 'candidates'> | undefined;
  const candidates: LogicalClusterPlacement['candidates'] = [];
  let largestFreeCkus = 0;
  for (const cluster of [...usable].sort((a, b) => (a.physicalClusterId < b.physicalClusterId ? -1 : 1))) {
    for (const cell of cluster.cells) if (cell.quarantine !== true) largestFreeCkus = Math.max(largestFreeCkus, cell.capacityCkus - cell.committedCkus);
    let placement;
    try {
      placement = placeTenant({ cells: cluster.cells, requestedCkus, seed });
    } catch (error) {
      if (error instanceof CellsError && error.code === 'no_cell_capacity') continue;
      throw error;
    }
    candidates.push(...placement.candidates.map((c) => ({ ...c, physicalClusterId: cluster.physicalClusterId })));
    if (best === undefined || placement.utilisationAfter < best.utilisationAfter) {
      const cell = cluster.cells.find((c) => c.id === placement.cellId) as CellCapacity;
      best = { physicalClusterId: cluster.physicalClusterId, cellId: placement.cellId, capacityCkus: cell.capacityCkus, utilisationAfter: placement.utilisationAfter };
    }
  }
  if (best === undefined) {
    throw new TenancyError('no_capacity', `No cell in region ${region} has room for ${requestedCkus} CKUs; the most any cell has free is ${largestFreeCkus}.`, {
      details: { region, requestedCkus, largestFreeCkus },
    });
  }
  return { ...best, candidates };
}

/** The region's ACTIVE physical clusters and their cells with capacity (brokers x CKUs per broker) and committed CKUs. */
export async function regionCells(prisma: Pick<PrismaClient, 'physicalCluster' | 'logicalCluster'>, region: string): Promise<ClusterCells[]> {
  const clusters = await prisma.physicalCluster.findMany({
    where: { region, status: 'ACTIVE' },
    select: { id: true, ckusPerBroker: true, cells: { select: { id: true, quarantine: true, _count: { select: { brokers: true } } } } },
  });
  const committed = await committedCkusByCell(prisma, { cellIds: clusters.flatMap((c) => c.cells.map((cell) => cell.id)) });
  return clusters.map((cluster) => ({
    physicalClusterId: cluster.id,
    cells: cluster.cells.map((cell) => ({
      id: cell.id,
      quarantine: cell.quarantine,
      capacityCkus: cellCapacityCkus(cell._count.brokers, cluster.ckusPerBroker),
      committedCkus: committed.get(cell.id) ?? 0,
    })),
  }));
}

/** One cell's capacity, read inside the transaction that commits CKUs to it. */
export async function readCellCapacityCkus(prisma: Pick<PrismaClient, 'cell'>, cellId: string): Promise<number> {
  const cell = await prisma.cell.findUnique({
    where: { id: cellId },
    select: { cluster: { select: { ckusPerBroker: true } }, _count: { select: { brokers: true } } },
  });
  return cell ? cellCapacityCkus(cell._count.brokers, cell.cluster.ckusPerBroker) : 0;
}
