import type { AuditEvent, BrokerHealthTransition, Mitigation, PartitionMove, RebalancePlan } from '@cellar/db';
import { z } from 'zod';

/**
 * One thing that happened to a physical cluster, from whichever table recorded it, in one
 * shape: a health transition, a mitigation decided or finished, a partition move, a rebalance
 * plan, an audit record of an API request or a job. Every event carries the correlation id
 * that ties it to the request or detector round that caused it, so "why did broker 4 lose
 * leadership at 10:02" is the timeline of broker 4 around 10:02 and the trace of that move.
 */
export const TIMELINE_KINDS = ['health-transition', 'mitigation', 'partition-move', 'rebalance-plan', 'audit'] as const;
export type TimelineKind = (typeof TIMELINE_KINDS)[number];

export const timelineEventSchema = z
  .object({
    at: z.iso.datetime(),
    kind: z.enum(TIMELINE_KINDS),
    correlationId: z.string(),
    brokerIds: z.array(z.number().int()).meta({ description: 'Brokers the event concerns.' }),
    summary: z.string().meta({ description: 'One line an operator can read.' }),
    ref: z.object({ type: z.string(), id: z.string() }).meta({ description: 'The record behind the event.' }),
    details: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'TimelineEvent' });
export type TimelineEvent = z.infer<typeof timelineEventSchema>;

const json = (value: unknown): Record<string, unknown> => (value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {});

export function transitionEvent(t: BrokerHealthTransition): TimelineEvent {
  const evidence = json(t.evidence);
  return {
    at: t.at.toISOString(),
    kind: 'health-transition',
    correlationId: t.correlationId,
    brokerIds: [t.nodeId],
    summary: `broker ${t.nodeId} ${t.fromState} → ${t.toState} (${t.actor}): ${t.reason}`,
    ref: { type: 'health-transition', id: t.id },
    details: { from: t.fromState, to: t.toState, actor: t.actor, reason: t.reason, rule: evidence['rule'] ?? null, mitigation: evidence['mitigation'] ?? null, evidence },
  };
}

const KIND_TEXT: Record<Mitigation['kind'], string> = { DEMOTE: 'leadership off', DRAIN: 'replicas off', RESTORE: 'preferred leadership back' };

/** A mitigation is two events: when it was decided, and when it ended (if it has). */
export function mitigationEvents(m: Mitigation): TimelineEvent[] {
  const base = { kind: 'mitigation' as const, correlationId: m.correlationId, brokerIds: [m.nodeId], ref: { type: 'mitigation', id: m.id } };
  const details = { mitigationKind: m.kind, state: m.state, actor: m.actor, healthState: m.healthState, dryRun: m.dryRun, outcome: json(m.outcome) };
  const decided: TimelineEvent = {
    ...base,
    at: m.createdAt.toISOString(),
    summary: `${m.kind} broker ${m.nodeId} (${KIND_TEXT[m.kind]}) decided by ${m.actor} for ${m.healthState}${m.state === 'BLOCKED' ? `, blocked: ${String(json(m.outcome)['blockedBy'] ?? 'guardrail')}` : ''}${m.dryRun ? ' (dry run)' : ''}`,
    details: { ...details, phase: 'decided', reason: m.reason },
  };
  if (!m.completedAt || m.state === 'BLOCKED') return [decided];
  return [
    decided,
    {
      ...base,
      at: m.completedAt.toISOString(),
      summary: `${m.kind} broker ${m.nodeId} ${m.state.toLowerCase().replace('_', ' ')}`,
      details: { ...details, phase: 'ended' },
    },
  ];
}

/** The preferred leader is the first replica: a move that changes it moves leadership once elected. */
export function moveEvent(move: PartitionMove, owner?: { mitigation?: Pick<Mitigation, 'kind' | 'nodeId'>; plan?: Pick<RebalancePlan, 'trigger'> }): TimelineEvent {
  const leaderBefore = move.fromReplicas[0] ?? null;
  const leaderAfter = move.toReplicas[0] ?? null;
  const leadership = leaderBefore !== leaderAfter ? `, leadership ${leaderBefore} → ${leaderAfter}` : '';
  const why = owner?.mitigation
    ? ` (mitigation ${owner.mitigation.kind} of broker ${owner.mitigation.nodeId})`
    : owner?.plan
      ? ` (rebalance plan, ${owner.plan.trigger})`
      : ` (${move.reason.toLowerCase()})`;
  return {
    at: (move.completedAt ?? move.startedAt ?? move.createdAt).toISOString(),
    kind: 'partition-move',
    correlationId: move.correlationId,
    brokerIds: [...new Set([...move.fromReplicas, ...move.toReplicas])].sort((a, b) => a - b),
    summary: `${move.topic}-${move.partition}: [${move.fromReplicas.join(',')}] → [${move.toReplicas.join(',')}]${leadership} ${move.state.toLowerCase()}${why}`,
    ref: { type: 'partition-move', id: move.id },
    details: {
      topic: move.topic,
      partition: move.partition,
      moveKind: move.kind,
      reason: move.reason,
      state: move.state,
      fromReplicas: move.fromReplicas,
      toReplicas: move.toReplicas,
      leaderBefore,
      leaderAfter,
      bytes: Number(move.bytes),
      planId: move.planId,
      mitigationId: move.mitigationId,
      error: move.error,
    },
  };
}

export function planEvent(plan: RebalancePlan, brokerIds: number[] = []): TimelineEvent {
  const summary = json(plan.summary);
  const moves = summary['moves'];
  return {
    at: plan.createdAt.toISOString(),
    kind: 'rebalance-plan',
    correlationId: plan.correlationId,
    brokerIds,
    summary: `rebalance plan (${plan.trigger}${plan.dryRun ? ', dry run' : ''}): ${plan.state.toLowerCase()}${typeof moves === 'number' ? `, ${moves} moves` : ''}`,
    ref: { type: 'rebalance-plan', id: plan.id },
    details: { trigger: plan.trigger, state: plan.state, dryRun: plan.dryRun, reason: summary['reason'] ?? null, moves: moves ?? null, bytes: summary['bytes'] ?? null, completedAt: plan.completedAt?.toISOString() ?? null, error: plan.error },
  };
}

export function auditEvent(a: AuditEvent): TimelineEvent {
  const broker = a.subjectType === 'broker' ? Number(a.subjectId.split('/').pop()) : NaN;
  return {
    at: a.at.toISOString(),
    kind: 'audit',
    correlationId: a.correlationId,
    brokerIds: Number.isInteger(broker) ? [broker] : [],
    summary: `${a.actor}: ${a.action} ${a.subjectType} ${a.subjectId}`,
    ref: { type: 'audit-event', id: a.id },
    details: { actor: a.actor, action: a.action, subjectType: a.subjectType, subjectId: a.subjectId, ...json(a.details) },
  };
}

/** Newest first; events at the same instant keep cause before effect when read oldest first. */
export function byTimeDescending(events: TimelineEvent[]): TimelineEvent[] {
  const order = (kind: TimelineKind) => ['audit', 'health-transition', 'rebalance-plan', 'mitigation', 'partition-move'].indexOf(kind);
  return events.sort((a, b) => (a.at === b.at ? order(b.kind) - order(a.kind) : a.at < b.at ? 1 : -1));
}
