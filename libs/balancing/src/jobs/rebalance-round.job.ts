import { randomUUID } from 'node:crypto';
import { ClusterLockBusyError } from '@cellar/cluster-lock';
import type { JobDefinition } from '@cellar/worker-runtime';
import type { Logger } from 'pino';
import { BalancerError } from '../balancer.error';
import { clusterJobData } from '../balancer-queue';
import { loadBalancerSettings } from '../balancer-settings';
import { BALANCER_ACTOR, type BalancingDeps } from '../balancing-deps';
import { ACTIVE_PLAN_STATES, computePlan, recordPlan, unhealthyBrokers } from '../plan-rebalance';

export type RoundOutcome = 'disabled' | 'unhealthy' | 'busy' | 'not_sampled' | 'balanced' | 'waiting' | 'no_moves' | 'planned';

/**
 * One balancing round of one cluster (scheduled every roundIntervalSeconds while enabled).
 * Under the cluster's lock: no round while a plan is active or a broker is unhealthy; the
 * planner says whether the imbalance is over the trigger (over the stop threshold while an
 * imbalance is being worked off: hysteresis); it must have lasted imbalanceDurationSeconds
 * (BalancerSettings.imbalanceSince) before a plan is recorded and its execution queued.
 */
export function rebalanceRoundJob(deps: BalancingDeps): JobDefinition<typeof clusterJobData> {
  return {
    name: 'rebalance-round',
    data: clusterJobData,
    async handle({ physicalClusterId }, logger) {
      const outcome = await runRound(deps, physicalClusterId, logger);
      deps.metrics?.rounds.inc({ cluster: physicalClusterId, outcome });
    },
  };
}

export async function runRound(deps: BalancingDeps, physicalClusterId: string, logger: Logger = deps.logger): Promise<RoundOutcome> {
  const { prisma } = deps;
  const settings = await loadBalancerSettings(prisma, physicalClusterId);
  if (!settings.enabled) return 'disabled';
  try {
    return await deps.locks.withLock(physicalClusterId, { actor: BALANCER_ACTOR, purpose: 'rebalance round' }, async () => {
      const active = await prisma.rebalancePlan.findFirst({ where: { physicalClusterId, state: { in: [...ACTIVE_PLAN_STATES] } }, select: { id: true } });
      if (active) return 'busy';
      const unhealthy = await unhealthyBrokers(deps, physicalClusterId);
      if (unhealthy.length > 0) {
        logger.info({ unhealthy }, 'no balancing while brokers are unhealthy');
        return 'unhealthy';
      }
      const correlationId = `round-${randomUUID()}`;
      const request = { physicalClusterId, trigger: 'scheduled' as const, dryRun: false, correlationId, active: settings.imbalanceSince !== null };
      const computed = await computePlan(deps, request);
      const now = new Date();
      const cas = (data: { imbalanceSince: Date | null }) => prisma.balancerSettings.updateMany({ where: { physicalClusterId, version: settings.version }, data: { ...data, version: { increment: 1 } } });
      if (!computed.result.triggered) {
        if (settings.imbalanceSince !== null) await cas({ imbalanceSince: null });
        logger.debug({ reason: computed.result.reason }, 'balanced');
        return 'balanced';
      }
      const since = settings.imbalanceSince ?? now;
      if (settings.imbalanceSince === null) await cas({ imbalanceSince: now });
      if (now.getTime() - since.getTime() < settings.imbalanceDurationSeconds * 1000) {
        logger.info({ since, reason: computed.result.reason }, 'imbalanced, waiting for it to last');
        return 'waiting';
      }
      if (computed.result.moves.length === 0) {
        logger.info({ reason: computed.result.reason }, 'imbalanced but the planner found no move within the rules and budgets');
        return 'no_moves';
      }
      const recorded = await recordPlan(deps, request, computed);
      logger.info({ planId: recorded.plan.id, moves: recorded.moves.length, reason: computed.result.reason, before: computed.result.before.worstCellMaxOverMean, predicted: computed.result.predictedAfter.worstCellMaxOverMean }, 'rebalance planned');
      return 'planned';
    }, { waitMs: deps.lockWaitMs ?? 10_000 });
  } catch (error) {
    if (error instanceof ClusterLockBusyError) return 'busy';
    if (error instanceof BalancerError && error.code === 'load_not_sampled') return 'not_sampled';
    throw error;
  }
}
