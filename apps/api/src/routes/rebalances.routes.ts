import { BalancerError, cancelPlan, planRebalance, progressOf, type BalancingDeps } from '@cellar/balancing';
import { ClusterLockBusyError } from '@cellar/cluster-lock';
import type { PartitionMove, PrismaClient, RebalancePlan } from '@cellar/db';
import type { LoadSummary } from '@cellar/planner';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { problemSchema } from '../plugins/problem-details.plugin';
import { requireKafkaCluster, type BalancerRoutesOptions } from './balancer-routes.deps';
import { OPERATOR_ACTOR, operatorOnly } from './operator-only';

const TAGS = ['balancer'];
const clusterParams = z.object({ id: z.string().min(1).max(64) });
const planParams = clusterParams.extend({ planId: z.string().min(1).max(64) });
const errors = { 400: problemSchema, 401: problemSchema, 403: problemSchema, 404: problemSchema };

const loadSummary = z
  .object({
    max: z.number(),
    mean: z.number(),
    maxOverMean: z.number(),
    worstCellMaxOverMean: z.number(),
    brokers: z.array(z.object({ id: z.number().int(), cellId: z.string().nullable(), load: z.number(), leaders: z.number().int(), replicas: z.number().int() })),
  })
  .meta({ id: 'LoadSummary' });

const moveSchema = z.object({
  topic: z.string(),
  partition: z.number().int(),
  kind: z.enum(['LEADERSHIP', 'REPLICA']),
  fromReplicas: z.array(z.number().int()),
  toReplicas: z.array(z.number().int()),
  bytes: z.number(),
  state: z.enum(['PLANNED', 'PENDING', 'IN_PROGRESS', 'DONE', 'CANCELLED', 'FAILED']).meta({ description: 'PLANNED for a dry run (never executed).' }),
  error: z.string().nullable(),
});

/** Partition moves by state and the bytes they copy: of a rebalance plan, or of a mitigation. */
export const progressSchema = z.object({
  moves: z.number().int(),
  done: z.number().int(),
  cancelled: z.number().int(),
  pending: z.number().int(),
  inProgress: z.number().int(),
  bytesMoved: z.number(),
  bytesPlanned: z.number(),
});

const planSummary = z.object({
  id: z.string(),
  physicalClusterId: z.string(),
  trigger: z.string().meta({ description: 'scheduled (a balancing round) or manual.' }),
  state: z.enum(['DRY_RUN', 'PLANNED', 'EXECUTING', 'CANCELLING', 'COMPLETED', 'CANCELLED', 'FAILED']),
  dryRun: z.boolean(),
  reason: z.string().nullable().meta({ description: "The planner's one-sentence why (or why not)." }),
  before: loadSummary.nullable(),
  predictedAfter: loadSummary.nullable(),
  progress: progressSchema,
  error: z.string().nullable(),
  createdAt: z.iso.datetime(),
  startedAt: z.iso.datetime().nullable(),
  completedAt: z.iso.datetime().nullable(),
});
const planSummarySchema = planSummary.meta({ id: 'RebalancePlanSummary' });
const planDetail = planSummary.extend({ moves: z.array(moveSchema) }).meta({ id: 'RebalancePlan' });

const planBody = z
  .strictObject({ dryRun: z.boolean().default(false).meta({ description: 'Plan and return the moves with predicted loads; change nothing.' }) })
  .nullish()
  .meta({ id: 'CreateRebalancePlan', example: { dryRun: true } });

/**
 * Rebalance plans (operators): the history, one plan with its moves and progress, manual
 * plans and dry runs, and cancelling a plan that runs.
 */
export const rebalancesRoutes: FastifyPluginAsyncZod<BalancerRoutesOptions & { balancing: BalancingDeps }> = async (app, { prisma, balancing }) => {
  app.addHook('onRequest', operatorOnly);

  app.get(
    '/v1/kafka-clusters/:id/rebalances',
    {
      schema: {
        summary: "A Kafka cluster's rebalance plans, newest first",
        description: 'The last 100 plans, dry runs included.',
        tags: TAGS,
        params: clusterParams,
        response: { 200: z.object({ items: z.array(planSummarySchema) }).meta({ id: 'RebalancePlanList' }), ...errors },
      },
    },
    async (request) => {
      await requireKafkaCluster(prisma, request.params.id);
      const plans = await prisma.rebalancePlan.findMany({ where: { physicalClusterId: request.params.id }, orderBy: { createdAt: 'desc' }, take: 100 });
      const moves = await prisma.partitionMove.findMany({ where: { planId: { in: plans.map((p) => p.id) } }, select: { planId: true, state: true, bytes: true } });
      return { items: plans.map((plan) => summaryView(plan, moves.filter((m) => m.planId === plan.id))) };
    },
  );

  app.post(
    '/v1/kafka-clusters/:id/rebalances',
    {
      schema: {
        summary: 'Plan a rebalance now (or a dry run)',
        description:
          'Plans with the cluster\'s balancer settings against the smoothed load, whether or not the balancer is enabled. A dry run returns the moves ' +
          'and the predicted loads and changes nothing; otherwise the plan is recorded and the balancer executes it. ' +
          '409 rebalance_in_progress, kafka_cluster_busy, kafka_cluster_unhealthy, load_not_sampled.',
        tags: TAGS,
        params: clusterParams,
        body: planBody,
        response: { 201: planDetail, ...errors, 409: problemSchema },
      },
    },
    async (request, reply) => {
      await requireKafkaCluster(prisma, request.params.id);
      const dryRun = request.body?.dryRun ?? false;
      const recorded = await busyAsProblem(() => planRebalance(balancing, { physicalClusterId: request.params.id, trigger: 'manual', dryRun, correlationId: request.id }));
      if (!dryRun) {
        await prisma.auditEvent.create({
          data: { correlationId: request.id, actor: OPERATOR_ACTOR, action: 'rebalance.requested', subjectType: 'rebalance-plan', subjectId: recorded.plan.id, clusterId: request.params.id, details: { moves: recorded.moves.length } },
        });
      }
      return reply.status(201).send(detailView(recorded.plan, recorded.moves));
    },
  );

  app.get(
    '/v1/kafka-clusters/:id/rebalances/:planId',
    {
      schema: {
        summary: 'One rebalance plan with its moves and progress',
        tags: TAGS,
        params: planParams,
        response: { 200: planDetail, ...errors },
      },
    },
    async (request) => detailView(...(await findPlan(prisma, request.params.id, request.params.planId))),
  );

  app.post(
    '/v1/kafka-clusters/:id/rebalances/:planId/cancel',
    {
      schema: {
        summary: 'Cancel a planned or executing rebalance',
        description: 'Moves not yet done are cancelled (in Kafka too: their partitions keep their replicas) and their throttles removed. 409 rebalance_plan_not_cancellable.',
        tags: TAGS,
        params: planParams,
        response: { 200: planDetail, ...errors, 409: problemSchema },
      },
    },
    async (request) => {
      await findPlan(prisma, request.params.id, request.params.planId);
      const plan = await busyAsProblem(() => cancelPlan(balancing, request.params.planId, OPERATOR_ACTOR));
      const moves = await prisma.partitionMove.findMany({ where: { planId: plan.id }, orderBy: [{ topic: 'asc' }, { partition: 'asc' }] });
      return detailView(plan, moves);
    },
  );
};

async function busyAsProblem<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof ClusterLockBusyError) throw new BalancerError('kafka_cluster_busy', `${error.message}; try again`, { retryable: true, details: { heldBy: error.heldBy } });
    throw error;
  }
}

async function findPlan(prisma: PrismaClient, clusterId: string, planId: string): Promise<[RebalancePlan, PartitionMove[]]> {
  await requireKafkaCluster(prisma, clusterId);
  const plan = await prisma.rebalancePlan.findFirst({ where: { id: planId, physicalClusterId: clusterId } });
  if (!plan) throw new BalancerError('rebalance_plan_not_found', `No rebalance plan ${planId} on Kafka cluster ${clusterId}.`);
  const moves = await prisma.partitionMove.findMany({ where: { planId }, orderBy: [{ topic: 'asc' }, { partition: 'asc' }] });
  return [plan, moves];
}

function loadView(value: unknown): z.infer<typeof loadSummary> | null {
  const summary = value as Partial<LoadSummary> | null;
  if (!summary || !Array.isArray(summary.brokers)) return null;
  return {
    max: summary.max ?? 0,
    mean: summary.mean ?? 0,
    maxOverMean: summary.maxOverMean ?? 1,
    worstCellMaxOverMean: summary.worstCellMaxOverMean ?? 1,
    brokers: summary.brokers.map((b) => ({ id: b.id, cellId: b.cellId, load: b.load, leaders: b.leaders, replicas: b.replicas })),
  };
}

function summaryView(plan: RebalancePlan, moves: Pick<PartitionMove, 'state' | 'bytes'>[]) {
  const summary = (plan.summary ?? {}) as { reason?: string; plannedMoves?: unknown[] };
  const planned = plan.dryRun ? (summary.plannedMoves ?? []).map(() => ({ state: 'PENDING' as const, bytes: 0n })) : moves;
  return {
    id: plan.id,
    physicalClusterId: plan.physicalClusterId,
    trigger: plan.trigger,
    state: plan.state,
    dryRun: plan.dryRun,
    reason: summary.reason ?? null,
    before: loadView(plan.loadBefore),
    predictedAfter: loadView(plan.predictedAfter),
    progress: progressOf(planned),
    error: plan.error,
    createdAt: plan.createdAt.toISOString(),
    startedAt: plan.startedAt?.toISOString() ?? null,
    completedAt: plan.completedAt?.toISOString() ?? null,
  };
}

interface PlannedMoveJson {
  topic: string;
  partition: number;
  kind: 'LEADERSHIP' | 'REPLICA';
  fromReplicas: number[];
  toReplicas: number[];
  bytes: number;
}

function detailView(plan: RebalancePlan, moves: PartitionMove[]) {
  const summary = (plan.summary ?? {}) as { plannedMoves?: PlannedMoveJson[] };
  const items = plan.dryRun
    ? (summary.plannedMoves ?? []).map((m) => ({ topic: m.topic, partition: m.partition, kind: m.kind, fromReplicas: m.fromReplicas, toReplicas: m.toReplicas, bytes: m.bytes, state: 'PLANNED' as const, error: null }))
    : moves.map((m) => ({ topic: m.topic, partition: m.partition, kind: m.kind, fromReplicas: m.fromReplicas, toReplicas: m.toReplicas, bytes: Number(m.bytes), state: m.state, error: m.error }));
  return { ...summaryView(plan, moves), moves: items };
}
