import { ClusterLockBusyError } from '@cellar/cluster-lock';
import type { RebalancePlan } from '@cellar/db';
import { ReassignmentExecutor } from '@cellar/reassignment';
import { BalancerError } from './balancer.error';
import type { BalancingDeps } from './balancing-deps';
import { planOwner, progressOf } from './jobs/execute-plan.job';

/**
 * Cancels a plan now, from whichever process asks (the API): the row goes CANCELLING
 * (compare-and-set, so an executing job stops submitting), then under the cluster's lock its
 * active moves are cancelled (rows, Kafka, throttle) and the plan is CANCELLED.
 */
export async function cancelPlan(deps: BalancingDeps, planId: string, actor: string): Promise<RebalancePlan> {
  const { prisma } = deps;
  const plan = await prisma.rebalancePlan.findUnique({ where: { id: planId } });
  if (!plan) throw new BalancerError('rebalance_plan_not_found', `no rebalance plan ${planId}`);
  if (!['PLANNED', 'EXECUTING', 'CANCELLING'].includes(plan.state)) {
    throw new BalancerError('rebalance_plan_not_cancellable', `plan ${planId} is ${plan.state}`, { details: { state: plan.state } });
  }
  await prisma.rebalancePlan.updateMany({ where: { id: planId, state: { in: ['PLANNED', 'EXECUTING'] } }, data: { state: 'CANCELLING', version: { increment: 1 } } });
  const admin = await deps.kafkaAdmins.forCluster(plan.physicalClusterId);
  const executor = new ReassignmentExecutor({ prisma, admin, logger: deps.logger, ...(deps.reassignmentObserver ? { observer: deps.reassignmentObserver } : {}) });
  try {
    await deps.locks.withLock(plan.physicalClusterId, { actor, purpose: `cancel plan ${planId}` }, async () => {
      await executor.cancel(planOwner(plan), `cancelled by ${actor}`);
      const moves = await executor.moves(planOwner(plan));
      const { count } = await prisma.rebalancePlan.updateMany({
        where: { id: planId, state: 'CANCELLING' },
        data: { state: 'CANCELLED', step: null, completedAt: new Date(), summary: { ...(plan.summary as Record<string, unknown>), progress: progressOf(moves) } as object, version: { increment: 1 } },
      });
      if (count > 0) {
        deps.metrics?.plans.inc({ cluster: plan.physicalClusterId, trigger: plan.trigger, state: 'cancelled' });
        await prisma.auditEvent.create({
          data: { correlationId: plan.correlationId, actor, action: 'rebalance.cancelled', subjectType: 'rebalance-plan', subjectId: plan.id, clusterId: plan.physicalClusterId, details: progressOf(moves) as object },
        });
      }
    }, { waitMs: deps.lockWaitMs ?? 10_000 });
  } catch (error) {
    // The plan stays CANCELLING; its executing job (or the next tick's) finishes the cancel.
    if (error instanceof ClusterLockBusyError) return prisma.rebalancePlan.findUniqueOrThrow({ where: { id: planId } });
    throw error;
  }
  return prisma.rebalancePlan.findUniqueOrThrow({ where: { id: planId } });
}


