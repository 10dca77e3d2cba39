import type { Prisma } from '@cellar/db';

export type MoveReason = 'QUARANTINE' | 'REBALANCE' | 'MITIGATION';

/**
 * Who a set of moves belongs to. Moves are recorded once per owner: recording again for the
 * same owner returns the rows already there, so a restarted job never plans twice.
 */
export interface MoveOwner {
  physicalClusterId: string;
  reason: MoveReason;
  /** The request or round that asked for the moves. */
  correlationId: string;
  planId?: string | null;
  mitigationId?: string | null;
  /** The logical cluster whose partitions move (quarantine), when there is one. */
  logicalClusterId?: string | null;
}

export function ownerWhere(owner: MoveOwner): Prisma.PartitionMoveWhereInput {
  return {
    physicalClusterId: owner.physicalClusterId,
    reason: owner.reason,
    correlationId: owner.correlationId,
    planId: owner.planId ?? null,
    mitigationId: owner.mitigationId ?? null,
    ...(owner.logicalClusterId !== undefined ? { logicalClusterId: owner.logicalClusterId } : {}),
  };
}
