import type { Broker, MitigationKind, Prisma } from '@cellar/db';
import type { HealthTransition } from '@cellar/health';
import type { DetectorDeps } from './detector-deps';

/** What a transition asks for (RECOVERING's restore comes with the end of its cool-down). */
export function mitigationKindFor(transition: HealthTransition): MitigationKind | null {
  switch (transition.mitigation) {
    case 'MOVE_LEADERSHIP_OFF':
      return 'DEMOTE';
    case 'MOVE_REPLICAS_OFF':
      return 'DRAIN';
    case 'RESTORE_LEADERSHIP':
      return 'RESTORE';
    default:
      return null;
  }
}

type Tx = Prisma.TransactionClient;

/**
 * Brokers under an active mitigation: their latest mitigation moved leadership or replicas
 * off (pending, running or done) and nothing has restored them since.
 */
export async function mitigatedBrokers(tx: Tx, physicalClusterId?: string): Promise<{ physicalClusterId: string; nodeId: number; cellId: string | null }[]> {
  const rows = await tx.mitigation.findMany({
    where: { ...(physicalClusterId ? { physicalClusterId } : {}), state: { notIn: ['BLOCKED', 'DRY_RUN'] } },
    orderBy: { createdAt: 'desc' },
    distinct: ['physicalClusterId', 'nodeId'],
    select: { physicalClusterId: true, nodeId: true, cellId: true, kind: true, state: true },
  });
  return rows.filter((r) => r.kind !== 'RESTORE' && ['PENDING', 'IN_PROGRESS', 'COMPLETED'].includes(r.state));
}

/**
 * Records the mitigation a transition calls for, under the guardrails: at most one broker
 * per cell and `maxMitigatedBrokers` overall under an active mitigation (a restore is never
 * held back, an operator's request is not capped), nothing applied in dry-run mode. Returns
 * the id to queue, or undefined when there is nothing to run.
 */
export async function decideMitigation(
  deps: DetectorDeps,
  tx: Tx,
  cluster: { id: string },
  broker: Broker,
  transition: HealthTransition,
  correlationId: string,
): Promise<string | undefined> {
  const kind = mitigationKindFor(transition);
  if (!kind) return undefined;
  const operator = transition.actor === 'operator';
  const active = await mitigatedBrokers(tx);
  const self = active.find((m) => m.physicalClusterId === cluster.id && m.nodeId === broker.nodeId);
  if (kind === 'RESTORE' && !self) return undefined; // nothing was moved off: nothing to give back

  let blocked: string | null = null;
  if (kind !== 'RESTORE' && !operator && !self) {
    const sameCell = active.find((m) => m.physicalClusterId === cluster.id && broker.cellId !== null && m.cellId === broker.cellId);
    if (sameCell) blocked = `broker ${sameCell.nodeId} of the same cell is already mitigated (one per cell)`;
    else if (active.length >= deps.settings.maxMitigatedBrokers) blocked = `${active.length} brokers are already mitigated (global cap ${deps.settings.maxMitigatedBrokers})`;
  }
  const row = await tx.mitigation.create({
    data: {
      physicalClusterId: cluster.id,
      nodeId: broker.nodeId,
      cellId: broker.cellId,
      kind,
      state: blocked ? 'BLOCKED' : 'PENDING',
      actor: transition.actor,
      healthState: transition.to,
      reason: transition.reason,
      evidence: JSON.parse(JSON.stringify({ rule: transition.rule, ...transition.evidence })) as Prisma.InputJsonValue,
      outcome: blocked ? { blockedBy: blocked } : operator && kind !== 'RESTORE' ? { guardrails: 'per-cell and global caps do not apply to an operator request' } : {},
      dryRun: deps.settings.dryRun,
      correlationId,
      ...(blocked ? { completedAt: new Date() } : {}),
    },
  });
  if (blocked) {
    deps.metrics?.mitigations.inc({ kind: kind.toLowerCase(), actor: transition.actor, outcome: 'blocked' });
    return undefined;
  }
  return row.id;
}
