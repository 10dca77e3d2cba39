import type { BrokerHealthState, PartitionMove, Prisma, RebalancePlan } from '@cellar/db';
import { plan, type BrokerLoadInput, type PartitionLoadInput, type PlanResult } from '@cellar/planner';
import { ReassignmentExecutor } from '@cellar/reassignment';
import { BalancerError } from './balancer.error';
import { loadBalancerSettings, plannerSettings, settingsView, type BalancerSettingsView } from './balancer-settings';
import { BALANCER_ACTOR, type BalancingDeps } from './balancing-deps';
import { partitionRates, smoothedBrokers } from './load/load-model';

/** Health states the balancer works alongside; any other state of any broker stops rounds (see the plan's shared decisions). */
export const BALANCEABLE_STATES: readonly BrokerHealthState[] = ['HEALTHY', 'DEMOTED', 'DRAINED'];

/** Plans that are still to run or running: one per cluster at a time. */
export const ACTIVE_PLAN_STATES = ['PLANNED', 'EXECUTING', 'CANCELLING'] as const;

/** Imbalance smaller than this many load points never triggers (noise on quiet clusters). */
export const MIN_IMBALANCE_PCT = 2;

/** Kafka-internal (`__consumer_offsets`) and Cellar-internal (`_cellar-probe`) topics stay where they are. */
export function isInternalTopic(topic: string): boolean {
  return topic.startsWith('_');
}

export interface PlanRequest {
  physicalClusterId: string;
  trigger: 'scheduled' | 'manual';
  dryRun: boolean;
  correlationId: string;
  /** Across rounds of one imbalance: act down to the stop threshold (hysteresis). */
  active?: boolean;
}

export interface ComputedPlan {
  settings: BalancerSettingsView;
  result: PlanResult;
}

/** Brokers in a state the balancer must not act in, as `nodeId:STATE`. */
export async function unhealthyBrokers(deps: Pick<BalancingDeps, 'prisma'>, physicalClusterId: string): Promise<string[]> {
  const brokers = await deps.prisma.broker.findMany({ where: { clusterId: physicalClusterId, healthState: { notIn: [...BALANCEABLE_STATES] } }, select: { nodeId: true, healthState: true } });
  return brokers.map((b) => `${b.nodeId}:${b.healthState}`);
}

/**
 * Builds the planner's input from Kafka's metadata, the smoothed load, the brokers' health
 * and the recent moves, and plans. Pure reads: nothing is recorded.
 */
export async function computePlan(deps: BalancingDeps, request: PlanRequest): Promise<ComputedPlan> {
  const { prisma } = deps;
  const { physicalClusterId } = request;
  const settings = settingsView(await loadBalancerSettings(prisma, physicalClusterId));
  const state = await deps.loadStates.get(physicalClusterId);
  if (!state || state.rounds < 2) throw new BalancerError('load_not_sampled', 'the cluster load has not been sampled yet; the balancer process samples it every few seconds', { retryable: true });

  const admin = await deps.kafkaAdmins.forCluster(physicalClusterId);
  const executor = new ReassignmentExecutor({ prisma, admin, logger: deps.logger });
  const [description, topics, busy, cooled, brokerRows, logicalClusters, draining] = await Promise.all([
    admin.describeCluster(),
    admin.listTopics().then((names) => admin.describeTopics(names)),
    executor.busyPartitions(physicalClusterId),
    prisma.partitionMove.findMany({
      where: { physicalClusterId, state: 'DONE', completedAt: { gte: new Date(Date.now() - settings.partitionCooldownSeconds * 1000) } },
      select: { topic: true, partition: true },
    }),
    prisma.broker.findMany({ where: { clusterId: physicalClusterId } }),
    prisma.logicalCluster.findMany({ where: { physicalClusterId, status: { not: 'DELETED' } }, select: { topicPrefix: true, cellId: true } }),
    prisma.mitigation.findMany({ where: { physicalClusterId, kind: 'DRAIN', state: { in: ['PENDING', 'IN_PROGRESS'] } }, select: { nodeId: true } }),
  ]);
  const alive = new Set(description.brokers.map((b) => b.nodeId));
  const beingDrained = new Set(draining.map((d) => d.nodeId));
  const smoothed = new Map(smoothedBrokers(state).map((b) => [b.nodeId, b]));
  const brokers: BrokerLoadInput[] = brokerRows
    .filter((b) => alive.has(b.nodeId))
    .map((b) => ({
      id: b.nodeId,
      rack: b.rack ?? `none-${b.nodeId}`,
      cellId: b.cellId,
      capacity: settings.brokerCapacity,
      requestHandlerBusy: smoothed.get(b.nodeId)?.requestHandlerBusy ?? 0,
      leadersAllowed: b.healthState !== 'DEMOTED' && b.healthState !== 'DRAINED',
      replicasAllowed: b.healthState !== 'DRAINED' && !beingDrained.has(b.nodeId),
    }));
  const cellOfPrefix = new Map(logicalClusters.map((lc) => [lc.topicPrefix, lc.cellId]));
  const coolingDown = new Set(cooled.map((m) => `${m.topic}/${m.partition}`));
  const sizes = state.partitions;
  const partitions: PartitionLoadInput[] = topics.flatMap((topic) => {
    const cellId = cellOfPrefix.get(topic.name.slice(0, topic.name.indexOf('.') + 1)) ?? null;
    return topic.partitions.map((p) => {
      const key = `${topic.name}/${p.partition}`;
      return {
        topic: topic.name,
        partition: p.partition,
        replicas: p.replicas,
        leader: p.leader,
        isr: p.isr,
        ...partitionRates(state, topic.name, p.partition),
        sizeBytes: sizes[key]?.sizeBytes ?? 0,
        cellId,
        movable: !isInternalTopic(topic.name) && !busy.has(key) && !coolingDown.has(key),
      };
    });
  });
  const inFlight = await prisma.partitionMove.aggregate({ where: { physicalClusterId, state: 'IN_PROGRESS', kind: 'REPLICA' }, _sum: { bytes: true } });
  const result = plan(brokers, partitions, {
    ...plannerSettings(settings, { active: request.active ?? false, inFlightBytes: Number(inFlight._sum.bytes ?? 0) }),
    minImbalancePct: MIN_IMBALANCE_PCT,
  });
  return { settings, result };
}

export interface RecordedPlan {
  plan: RebalancePlan;
  moves: PartitionMove[];
}

/**
 * Records a computed plan: a DRY_RUN row (moves kept in its summary only: PartitionMove rows
 * are the record of reassignments that run), or a PLANNED row with one PartitionMove row per
 * move, then queues its execution. A plan without moves is recorded COMPLETED.
 */
export async function recordPlan(deps: BalancingDeps, request: PlanRequest, computed: ComputedPlan): Promise<RecordedPlan> {
  const { prisma } = deps;
  const { result, settings } = computed;
  const moves = result.moves;
  const summary = {
    triggered: result.triggered,
    reason: result.reason,
    stats: result.stats,
    moves: moves.length,
    bytes: moves.reduce((sum, m) => sum + m.bytes, 0),
    ...(request.dryRun ? { plannedMoves: moves } : {}),
  };
  const state = request.dryRun ? 'DRY_RUN' : moves.length === 0 ? 'COMPLETED' : 'PLANNED';
  const row = await prisma.rebalancePlan.create({
    data: {
      physicalClusterId: request.physicalClusterId,
      trigger: request.trigger,
      state,
      dryRun: request.dryRun,
      settings: settings as unknown as Prisma.InputJsonValue,
      loadBefore: result.before as unknown as Prisma.InputJsonValue,
      predictedAfter: result.predictedAfter as unknown as Prisma.InputJsonValue,
      summary: summary as unknown as Prisma.InputJsonValue,
      correlationId: request.correlationId,
      ...(state === 'COMPLETED' ? { completedAt: new Date() } : {}),
    },
  });
  deps.metrics?.plans.inc({ cluster: request.physicalClusterId, trigger: request.trigger, state: state.toLowerCase() });
  if (state !== 'PLANNED') return { plan: row, moves: [] };

  const admin = await deps.kafkaAdmins.forCluster(request.physicalClusterId);
  const executor = new ReassignmentExecutor({ prisma, admin, logger: deps.logger, ...(deps.reassignmentObserver ? { observer: deps.reassignmentObserver } : {}) });
  const recorded = await executor.record(
    { physicalClusterId: request.physicalClusterId, reason: 'REBALANCE', correlationId: request.correlationId, planId: row.id },
    moves.map((m) => ({ topic: m.topic, partition: m.partition, fromReplicas: m.fromReplicas, toReplicas: m.toReplicas, bytes: m.bytes })),
    {
      alongside: (tx) =>
        tx.auditEvent
          .create({
            data: {
              correlationId: request.correlationId,
              actor: request.trigger === 'manual' ? 'operator' : BALANCER_ACTOR,
              action: 'rebalance.planned',
              subjectType: 'rebalance-plan',
              subjectId: row.id,
              clusterId: request.physicalClusterId,
              details: { moves: moves.length, bytes: summary.bytes, reason: result.reason } as Prisma.InputJsonValue,
            },
          })
          .then(() => undefined),
    },
  );
  await deps.jobs.executePlan(row.id);
  return { plan: row, moves: recorded };
}

/**
 * A manual (or dry-run) plan, as the API asks for it: under the cluster's lock unless it is
 * a dry run, refused while another plan is active or a broker is unhealthy.
 */
export async function planRebalance(deps: BalancingDeps, request: PlanRequest): Promise<RecordedPlan> {
  if (request.dryRun) return recordPlan(deps, request, await computePlan(deps, request));
  return deps.locks.withLock(
    request.physicalClusterId,
    { actor: BALANCER_ACTOR, purpose: `${request.trigger} rebalance plan` },
    async () => {
      const active = await deps.prisma.rebalancePlan.findFirst({ where: { physicalClusterId: request.physicalClusterId, state: { in: [...ACTIVE_PLAN_STATES] } } });
      if (active) throw new BalancerError('rebalance_in_progress', `plan ${active.id} is ${active.state}; cancel it or wait for it to finish`, { details: { planId: active.id } });
      const unhealthy = await unhealthyBrokers(deps, request.physicalClusterId);
      if (unhealthy.length > 0) throw new BalancerError('kafka_cluster_unhealthy', `brokers not in a balanceable state: ${unhealthy.join(', ')}`, { retryable: true });
      return recordPlan(deps, request, await computePlan(deps, request));
    },
    { waitMs: deps.lockWaitMs ?? 10_000 },
  );
}
