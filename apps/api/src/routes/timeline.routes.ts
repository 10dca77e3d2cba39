import { CellarError } from '@cellar/common';
import type { Prisma } from '@cellar/db';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { problemSchema } from '../plugins/problem-details.plugin';
import type { TenancyDeps } from '../tenancy-deps';
import { requireKafkaCluster } from './balancer-routes.deps';
import { operatorOnly } from './operator-only';
import { auditEvent, byTimeDescending, mitigationEvents, moveEvent, planEvent, TIMELINE_KINDS, timelineEventSchema, transitionEvent, type TimelineEvent, type TimelineKind } from './timeline.view';

const TIMELINE_ERROR_CODES = { trace_not_found: 404, time_range_invalid: 400 } as const;

export class TimelineError extends CellarError<keyof typeof TIMELINE_ERROR_CODES> {
  constructor(code: keyof typeof TIMELINE_ERROR_CODES, message: string, details?: Record<string, unknown>) {
    super(code, message, { status: TIMELINE_ERROR_CODES[code], ...(details ? { details } : {}) });
    this.name = 'TimelineError';
  }
}

const TAGS = ['traceability'];
const errors = { 400: problemSchema, 401: problemSchema, 403: problemSchema, 404: problemSchema };
const DAY_MS = 86_400_000;

const timelineQuery = z.strictObject({
  brokerId: z.coerce.number().int().min(0).max(2_147_483_647).optional().meta({ description: 'Only events that concern this broker (as leader, replica or subject).' }),
  from: z.iso.datetime().optional().meta({ description: 'Default: 24 h before `to`.' }),
  to: z.iso.datetime().optional().meta({ description: 'Default: now.' }),
  kinds: z
    .string()
    .regex(/^[a-z-]+(,[a-z-]+)*$/)
    .transform((v) => v.split(','))
    .pipe(z.array(z.enum(TIMELINE_KINDS)))
    .optional()
    .meta({ description: `Comma-separated: ${TIMELINE_KINDS.join(', ')}.` }),
  limit: z.coerce.number().int().min(1).max(1_000).default(200),
});

const timelineSchema = z
  .object({ clusterId: z.string(), from: z.iso.datetime(), to: z.iso.datetime(), events: z.array(timelineEventSchema).meta({ description: 'Newest first.' }) })
  .meta({ id: 'Timeline' });

const traceSchema = z
  .object({
    correlationId: z.string(),
    clusterIds: z.array(z.string()),
    events: z.array(timelineEventSchema).meta({ description: 'Oldest first: the request or detector round, then what it caused.' }),
  })
  .meta({ id: 'Trace' });

/**
 * Traceability (operators): one place that answers "why did broker 4 lose leadership at
 * 10:02". The timeline merges health transitions, mitigations, partition moves, rebalance
 * plans and audit records of a cluster (or of one broker); every event has the correlation id
 * that the API request, or the detector round, handed to the job, to the Kafka reassignment
 * and to the audit record, and the trace of that id lists them all in order.
 */
export const timelineRoutes: FastifyPluginAsyncZod<TenancyDeps> = async (app, { prisma }) => {
  app.addHook('onRequest', operatorOnly);

  app.get(
    '/v1/kafka-clusters/:id/timeline',
    {
      schema: {
        summary: "What happened to a Kafka cluster or one of its brokers, and why, newest first",
        description:
          'Health transitions with their evidence, mitigations (decided and ended), partition moves (with the leadership change they made), ' +
          'rebalance plans and audit records, each with its correlation id (GET /v1/traces/{correlationId} lists everything that id caused).',
        tags: TAGS,
        params: z.object({ id: z.string().min(1).max(64) }),
        querystring: timelineQuery,
        response: { 200: timelineSchema, ...errors },
      },
    },
    async (request) => {
      const clusterId = request.params.id;
      await requireKafkaCluster(prisma, clusterId);
      const { brokerId, limit } = request.query;
      const to = request.query.to ? new Date(request.query.to) : new Date();
      const from = request.query.from ? new Date(request.query.from) : new Date(to.getTime() - DAY_MS);
      if (from >= to) throw new TimelineError('time_range_invalid', '`from` must be before `to`.', { from: from.toISOString(), to: to.toISOString() });
      const kinds = new Set<TimelineKind>(request.query.kinds ?? TIMELINE_KINDS);
      const window = { gte: from, lte: to };
      const broker = brokerId === undefined ? {} : { nodeId: brokerId };
      const touching: Prisma.PartitionMoveWhereInput = brokerId === undefined ? {} : { OR: [{ fromReplicas: { has: brokerId } }, { toReplicas: { has: brokerId } }] };

      const [transitions, mitigations, moves, plans, audits] = await Promise.all([
        kinds.has('health-transition') ? prisma.brokerHealthTransition.findMany({ where: { physicalClusterId: clusterId, at: window, ...broker }, orderBy: { at: 'desc' }, take: limit }) : [],
        kinds.has('mitigation')
          ? prisma.mitigation.findMany({ where: { physicalClusterId: clusterId, ...broker, OR: [{ createdAt: window }, { completedAt: window }] }, orderBy: { createdAt: 'desc' }, take: limit })
          : [],
        kinds.has('partition-move')
          ? prisma.partitionMove.findMany({ where: { physicalClusterId: clusterId, createdAt: { lte: to }, OR: [{ completedAt: window }, { completedAt: null, createdAt: window }], ...touching }, orderBy: { createdAt: 'desc' }, take: limit })
          : [],
        kinds.has('rebalance-plan') ? prisma.rebalancePlan.findMany({ where: { physicalClusterId: clusterId, createdAt: window }, orderBy: { createdAt: 'desc' }, take: limit }) : [],
        kinds.has('audit')
          ? prisma.auditEvent.findMany({
              where: { clusterId, at: window, ...(brokerId === undefined ? {} : { subjectType: 'broker', subjectId: `${clusterId}/${brokerId}` }) },
              orderBy: { at: 'desc' },
              take: limit,
            })
          : [],
      ]);
      const owners = await ownersOf(prisma, moves);
      const planBrokers = new Map<string, number[]>();
      for (const move of moves) if (move.planId) planBrokers.set(move.planId, [...new Set([...(planBrokers.get(move.planId) ?? []), ...move.fromReplicas, ...move.toReplicas])]);
      const events: TimelineEvent[] = [
        ...transitions.map(transitionEvent),
        ...mitigations.flatMap(mitigationEvents),
        ...moves.map((m) => moveEvent(m, owners(m))),
        // With a broker asked for, a plan shows only when one of its moves touched the broker.
        ...plans.filter((p) => brokerId === undefined || planBrokers.has(p.id)).map((p) => planEvent(p, (planBrokers.get(p.id) ?? []).sort((a, b) => a - b))),
        ...audits.map(auditEvent),
      ].filter((e) => e.at >= from.toISOString() && e.at <= to.toISOString() && (brokerId === undefined || e.kind === 'rebalance-plan' || e.brokerIds.includes(brokerId)));
      return { clusterId, from: from.toISOString(), to: to.toISOString(), events: byTimeDescending(events).slice(0, limit) };
    },
  );

  app.get(
    '/v1/traces/:correlationId',
    {
      schema: {
        summary: 'Everything one correlation id caused, oldest first',
        description:
          'The correlation id is the X-Request-Id of the API request (or one the detector drew for its round): its audit record, the health ' +
          'transition, the mitigation or rebalance plan, and each partition move made on Kafka.',
        tags: TAGS,
        params: z.object({ correlationId: z.string().min(1).max(200) }),
        response: { 200: traceSchema, ...errors },
      },
    },
    async (request) => {
      const { correlationId } = request.params;
      const where = { correlationId };
      const [audits, transitions, mitigations, plans, moves] = await Promise.all([
        prisma.auditEvent.findMany({ where, take: 500 }),
        prisma.brokerHealthTransition.findMany({ where, take: 500 }),
        prisma.mitigation.findMany({ where, take: 500 }),
        prisma.rebalancePlan.findMany({ where, take: 500 }),
        prisma.partitionMove.findMany({ where, take: 2_000 }),
      ]);
      const owners = await ownersOf(prisma, moves);
      const events = [
        ...audits.map(auditEvent),
        ...transitions.map(transitionEvent),
        ...mitigations.flatMap(mitigationEvents),
        ...plans.map((p) => planEvent(p)),
        ...moves.map((m) => moveEvent(m, owners(m))),
      ];
      if (events.length === 0) throw new TimelineError('trace_not_found', `Nothing was recorded with correlation id ${correlationId}.`);
      const clusterIds = [
        ...new Set([
          ...audits.flatMap((a) => (a.clusterId ? [a.clusterId] : [])),
          ...transitions.map((t) => t.physicalClusterId),
          ...mitigations.map((m) => m.physicalClusterId),
          ...plans.map((p) => p.physicalClusterId),
          ...moves.map((m) => m.physicalClusterId),
        ]),
      ];
      return { correlationId, clusterIds, events: byTimeDescending(events).reverse() };
    },
  );
};

/** The mitigation or plan each move belongs to, for its summary line. */
async function ownersOf(prisma: TenancyDeps['prisma'], moves: readonly { mitigationId: string | null; planId: string | null }[]) {
  const mitigationIds = [...new Set(moves.flatMap((m) => (m.mitigationId ? [m.mitigationId] : [])))];
  const planIds = [...new Set(moves.flatMap((m) => (m.planId ? [m.planId] : [])))];
  const [mitigations, plans] = await Promise.all([
    mitigationIds.length > 0 ? prisma.mitigation.findMany({ where: { id: { in: mitigationIds } }, select: { id: true, kind: true, nodeId: true } }) : [],
    planIds.length > 0 ? prisma.rebalancePlan.findMany({ where: { id: { in: planIds } }, select: { id: true, trigger: true } }) : [],
  ]);
  const mitigationOf = new Map(mitigations.map((m) => [m.id, m]));
  const planOf = new Map(plans.map((p) => [p.id, p]));
  return (move: { mitigationId: string | null; planId: string | null }) => {
    const mitigation = move.mitigationId ? mitigationOf.get(move.mitigationId) : undefined;
    const plan = move.planId ? planOf.get(move.planId) : undefined;
    return { ...(mitigation ? { mitigation } : {}), ...(plan ? { plan } : {}) };
  };
}
