import type { Mitigation } from '@cellar/db';
import { HEALTH_STATES } from '@cellar/health';
import { z } from 'zod';

export const mitigationShape = {
    id: z.string(),
    clusterId: z.string(),
    brokerId: z.number().int(),
    cellId: z.string().nullable(),
    kind: z.enum(['DEMOTE', 'DRAIN', 'RESTORE']).meta({ description: 'DEMOTE: leadership off; DRAIN: replicas off; RESTORE: preferred leadership back.' }),
    state: z.enum(['PENDING', 'IN_PROGRESS', 'COMPLETED', 'ROLLED_BACK', 'FAILED', 'DRY_RUN', 'BLOCKED']),
    actor: z.string(),
    healthState: z.enum(HEALTH_STATES).meta({ description: 'The state that called for it.' }),
    reason: z.string(),
    evidence: z.record(z.string(), z.unknown()),
    plan: z.unknown().meta({ description: 'Partitions to elect and those skipped, with why.' }),
    step: z.string().nullable().meta({ description: 'The step in progress (plan, submit, await, finish).' }),
    outcome: z.record(z.string(), z.unknown()).meta({ description: 'What was done, what a guardrail blocked, or what was rolled back.' }),
    dryRun: z.boolean(),
    correlationId: z.string(),
    createdAt: z.iso.datetime(),
    startedAt: z.iso.datetime().nullable(),
    completedAt: z.iso.datetime().nullable(),
};
export const mitigationSchema = z.object(mitigationShape).meta({ id: 'Mitigation' });

export function mitigationView(m: Mitigation): z.infer<typeof mitigationSchema> {
  return {
    id: m.id,
    clusterId: m.physicalClusterId,
    brokerId: m.nodeId,
    cellId: m.cellId,
    kind: m.kind,
    state: m.state,
    actor: m.actor,
    healthState: m.healthState,
    reason: m.reason,
    evidence: (m.evidence ?? {}) as Record<string, unknown>,
    plan: m.plan,
    step: m.step,
    outcome: (m.outcome ?? {}) as Record<string, unknown>,
    dryRun: m.dryRun,
    correlationId: m.correlationId,
    createdAt: m.createdAt.toISOString(),
    startedAt: m.startedAt?.toISOString() ?? null,
    completedAt: m.completedAt?.toISOString() ?? null,
  };
}
