import type { PartitionMove, RebalancePlan } from '@cellar/db';
import { ReassignmentExecutor, type MoveOwner } from '@cellar/reassignment';
import type { JobDefinition } from '@cellar/worker-runtime';
import { UnrecoverableError } from 'bullmq';
import type { Logger } from 'pino';
import { planJobData } from '../balancer-queue';
import { loadBalancerSettings, settingsView } from '../balancer-settings';
import { BALANCER_ACTOR, type BalancingDeps } from '../balancing-deps';

const FINAL = ['COMPLETED', 'CANCELLED', 'FAILED', 'DRY_RUN'];

/** What the plan row says about the plan's rows, set when it ends. */
export interface PlanProgress {
  moves: number;
  done: number;
  cancelled: number;
  pending: number;
  inProgress: number;
  bytesMoved: number;
  bytesPlanned: number;
}

export function progressOf(moves: readonly Pick<PartitionMove, 'state' | 'bytes'>[]): PlanProgress {
  const count = (state: PartitionMove['state']) => moves.filter((m) => m.state === state).length;
  return {
    moves: moves.length,
    done: count('DONE'),
    cancelled: count('CANCELLED') + count('FAILED'),
    pending: count('PENDING'),
    inProgress: count('IN_PROGRESS'),
    bytesMoved: moves.filter((m) => m.state === 'DONE').reduce((sum, m) => sum + Number(m.bytes), 0),
    bytesPlanned: moves.reduce((sum, m) => sum + Number(m.bytes), 0),
  };
}

export function planOwner(plan: Pick<RebalancePlan, 'id' | 'physicalClusterId' | 'correlationId'>): MoveOwner {
  return { physicalClusterId: plan.physicalClusterId, reason: 'REBALANCE', correlationId: plan.correlationId, planId: plan.id };
}

/**
 * Picks the next batch from the pending moves: leadership moves all at once (nothing is
 * copied), replica moves while no broker is in more than `perBroker` of them.
 */
export function nextBatch(pending: readonly PartitionMove[], perBroker: number): PartitionMove[] {
  const load = new Map<number, number>();
  const batch: PartitionMove[] = [];
  for (const move of pending) {
    if (move.kind === 'LEADERSHIP') {
      batch.push(move);
      continue;
    }
    const touched = [...new Set([...move.fromReplicas, ...move.toReplicas])].filter((b) => !(move.fromReplicas.includes(b) && move.toReplicas.includes(b)));
    if (touched.some((b) => (load.get(b) ?? 0) >= perBroker)) continue;
    for (const b of touched) load.set(b, (load.get(b) ?? 0) + 1);
    batch.push(move);
  }
  return batch;
}

/**
 * Executes one plan in batches: under the cluster's lock it throttles and submits a batch;
 * without it, it polls Kafka while the data copies; under the lock again it removes the
 * batch's throttle and elects the preferred leaders. Every decision is read back from the
 * PartitionMove rows, so a job that died anywhere resumes: IN_PROGRESS rows are waited for,
 * PENDING ones submitted. A plan marked CANCELLING is cancelled (rows, Kafka, throttle).
 */
export function executePlanJob(deps: BalancingDeps): JobDefinition<typeof planJobData> {
  return {
    name: 'execute-plan',
    data: planJobData,
    async handle({ planId }, logger) {
      await executePlan(deps, planId, logger.child({ planId }));
    },
  };
}

export async function executePlan(deps: BalancingDeps, planId: string, jobLogger: Logger): Promise<void> {
  const { prisma } = deps;
  let plan = await prisma.rebalancePlan.findUnique({ where: { id: planId } });
  if (!plan) throw new UnrecoverableError(`rebalance plan ${planId} does not exist`);
  // Every line of the plan's execution, the Kafka reassignments included, carries the id of the request or round that made it.
  const logger = jobLogger.child({ correlationId: plan.correlationId, clusterId: plan.physicalClusterId });
  if (FINAL.includes(plan.state)) return;
  if (plan.state === 'PLANNED') {
    await prisma.rebalancePlan.updateMany({ where: { id: planId, state: 'PLANNED' }, data: { state: 'EXECUTING', startedAt: new Date(), step: 'executing', version: { increment: 1 } } });
    deps.metrics?.plans.inc({ cluster: plan.physicalClusterId, trigger: plan.trigger, state: 'executing' });
  }
  const admin = await deps.kafkaAdmins.forCluster(plan.physicalClusterId);
  const executor = new ReassignmentExecutor({
    prisma,
    admin,
    logger,
    ...(deps.reassignmentPollMs !== undefined ? { pollMs: deps.reassignmentPollMs } : {}),
    ...(deps.reassignmentObserver ? { observer: deps.reassignmentObserver } : {}),
  });
  const owner = planOwner(plan);
  const settings = settingsView(await loadBalancerSettings(prisma, plan.physicalClusterId));
  const locked = <T>(purpose: string, routine: () => Promise<T>) =>
    deps.locks.withLock(plan!.physicalClusterId, { actor: BALANCER_ACTOR, purpose: `plan ${planId}: ${purpose}` }, routine, { waitMs: deps.lockWaitMs ?? 10_000 });

  for (;;) {
    plan = await prisma.rebalancePlan.findUniqueOrThrow({ where: { id: planId } });
    if (FINAL.includes(plan.state)) return;
    if (plan.state === 'CANCELLING') {
      await locked('cancel', async () => {
        await executor.cancel(owner, 'cancelled by operator');
        await finish(deps, plan!, 'CANCELLED', await executor.moves(owner));
      });
      logger.info('plan cancelled');
      return;
    }
    const rows = await executor.moves(owner);
    const running = rows.filter((m) => m.state === 'IN_PROGRESS');
    if (running.length > 0) {
      // Data copies without the lock; a cancel or a mitigation's preemption shows in the rows.
      let current = running;
      while (current.some((m) => m.state === 'IN_PROGRESS')) {
        const state = (await prisma.rebalancePlan.findUniqueOrThrow({ where: { id: planId }, select: { state: true } })).state;
        if (state !== 'EXECUTING') break;
        current = await executor.poll(current);
        if (current.some((m) => m.state === 'IN_PROGRESS')) await new Promise((resolve) => setTimeout(resolve, deps.reassignmentPollMs ?? 1_000));
      }
      if (current.some((m) => m.state === 'IN_PROGRESS')) continue; // cancelling: handled above
      await locked('finish batch', async () => {
        await executor.unthrottle(current);
        await executor.electPreferredLeaders(current);
      });
      logger.info({ done: current.filter((m) => m.state === 'DONE').length, cancelled: current.filter((m) => m.state === 'CANCELLED').length }, 'batch finished');
      await deps.afterStep?.('execute-plan', 'batch-done');
      continue;
    }
    const pending = rows.filter((m) => m.state === 'PENDING');
    if (pending.length === 0) {
      await locked('complete', async () => {
        // Whatever a crash between submit and unthrottle may have left.
        await executor.unthrottle(rows);
        await finish(deps, plan!, 'COMPLETED', rows);
      });
      logger.info(progressOf(rows), 'plan completed');
      return;
    }
    await locked('submit batch', async () => {
      const fresh = await prisma.rebalancePlan.findUniqueOrThrow({ where: { id: planId }, select: { state: true } });
      if (fresh.state !== 'EXECUTING') return;
      const batch = nextBatch(pending, settings.maxConcurrentMovesPerBroker);
      await executor.throttle(batch, settings.replicationThrottleBytesPerSecond);
      const { submitted, blocked } = await executor.submit(batch);
      if (blocked.length > 0) {
        // Someone else moves these partitions now; this plan's view of them is stale.
        for (const { move, why } of blocked) await executor.cancel([move], `blocked: ${why}`);
      }
      logger.info({ submitted: submitted.length, blocked: blocked.length, left: pending.length - batch.length }, 'batch submitted');
    });
    await deps.afterStep?.('execute-plan', 'submitted');
  }
}

async function finish(deps: BalancingDeps, plan: RebalancePlan, state: 'COMPLETED' | 'CANCELLED', moves: PartitionMove[]): Promise<void> {
  const progress = progressOf(moves);
  const summary = { ...(plan.summary as Record<string, unknown>), progress };
  const { count } = await deps.prisma.rebalancePlan.updateMany({
    where: { id: plan.id, state: { in: ['EXECUTING', 'CANCELLING', 'PLANNED'] } },
    data: { state, step: null, completedAt: new Date(), summary: summary as object, version: { increment: 1 } },
  });
  if (count === 0) return;
  deps.metrics?.plans.inc({ cluster: plan.physicalClusterId, trigger: plan.trigger, state: state.toLowerCase() });
  await deps.prisma.auditEvent.create({
    data: { correlationId: plan.correlationId, actor: BALANCER_ACTOR, action: `rebalance.${state.toLowerCase()}`, subjectType: 'rebalance-plan', subjectId: plan.id, clusterId: plan.physicalClusterId, details: progress as object },
  });
}
