import type { BrokerInfo } from '@cellar/cells';
import type { LogicalCluster, PrismaClient } from '@cellar/db';
import { TenancyError } from '@cellar/tenancy';
import { z } from 'zod';
import type { Principal } from '../plugins/auth.plugin';
import { OPERATOR_ACTOR } from './operator-only';

/**
 * The one lookup every route under /v1/logical-clusters/:id starts with: the logical cluster
 * the principal may see, or 404. A tenant sees only its own; another tenant's id answers
 * exactly like an id that does not exist (404, never 403), so ids cannot be probed. Deleted
 * clusters are gone for everyone.
 */
export async function findVisibleLogicalCluster(prisma: PrismaClient, principal: Principal, id: string): Promise<VisibleLogicalCluster> {
  const row = await prisma.logicalCluster.findFirst({
    where: {
      id,
      deletedAt: null,
      status: { not: 'DELETED' },
      ...(principal.kind === 'tenant' ? { tenantId: principal.tenantId } : {}),
    },
    include: { physicalCluster: { select: { bootstrapServers: true } } },
  });
  if (!row) throw logicalClusterNotFound(id);
  return row;
}

export type VisibleLogicalCluster = LogicalCluster & { physicalCluster: { bootstrapServers: string[] } };

export function logicalClusterNotFound(id: string): TenancyError {
  return new TenancyError('logical_cluster_not_found', `No logical cluster ${id}.`);
}

/** Changes (resize, topics, keys) need a settled cluster: one change at a time, never during provisioning or deletion. */
export function requireReady(row: Pick<LogicalCluster, 'id' | 'status'>): void {
  if (row.status === 'READY') return;
  throw new TenancyError('logical_cluster_busy', `Logical cluster ${row.id} is ${row.status}; try again once it is READY.`, {
    details: { status: row.status },
  });
}

/** Who did it, as audit events name actors. */
export function actorOf(principal: Principal): string {
  return principal.kind === 'operator' ? OPERATOR_ACTOR : `tenant:${principal.tenantId}`;
}

/** The brokers of a cell as the cells library takes them; a broker without broker.rack counts as its own unnamed rack. */
export async function cellBrokers(prisma: Pick<PrismaClient, 'broker'>, cellId: string): Promise<BrokerInfo[]> {
  const brokers = await prisma.broker.findMany({ where: { cellId }, select: { nodeId: true, rack: true }, orderBy: { nodeId: 'asc' } });
  return brokers.map((b) => ({ id: b.nodeId, rack: b.rack ?? '' }));
}

/**
 * Serialises writers that check a count and then insert (CKUs in a cell, partitions or keys
 * of a logical cluster) for the rest of the transaction: without it two concurrent requests
 * could each see room for themselves and together overcommit.
 */
export async function lockFor(tx: Pick<PrismaClient, '$queryRaw'>, key: string): Promise<void> {
  // Selecting a constant: the adapter cannot read pg_advisory_xact_lock's void result.
  await tx.$queryRaw`SELECT 1 AS locked FROM (SELECT pg_advisory_xact_lock(hashtext(${key}))) AS l`;
}

/** Partitions the logical cluster holds, counting topics still being created or deleted. */
export async function partitionsUsed(prisma: Pick<PrismaClient, 'topic'>, logicalClusterId: string): Promise<number> {
  const sum = await prisma.topic.aggregate({ where: { logicalClusterId }, _sum: { partitions: true } });
  return sum._sum.partitions ?? 0;
}

/** Any id not found answers 404, whatever its shape: a malformed id is simply one that does not exist. */
export const logicalClusterIdSchema = z.string().min(1).max(64).meta({ description: 'The logical cluster id.', example: 'lkc-7f3k2q' });

export const logicalClusterParams = z.strictObject({ id: logicalClusterIdSchema });
