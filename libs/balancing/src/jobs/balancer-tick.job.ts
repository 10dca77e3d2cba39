import type { JobDefinition } from '@cellar/worker-runtime';
import { z } from 'zod';
import { loadBalancerSettings } from '../balancer-settings';
import type { BalancingDeps } from '../balancing-deps';
import { ACTIVE_PLAN_STATES } from '../plan-rebalance';

export const tickData = z.object({});

/**
 * The balancer's one schedule: every tick, for every active physical cluster, queue the
 * load sampling of the current sampling slot and (when enabled) the round of the current
 * round slot — deterministic job ids, so any number of processes queue each once — and
 * queue again the execution of any plan left PLANNED, EXECUTING or CANCELLING without a job
 * (its worker died and the job was lost, or the API queued it while Redis was away).
 */
export function balancerTickJob(deps: BalancingDeps, options: { everyMs: number; sampleIntervalMs: number }): JobDefinition<typeof tickData> {
  return {
    name: 'balancer-tick',
    data: tickData,
    everyMs: options.everyMs,
    async handle(_data, logger) {
      const now = Date.now();
      const clusters = await deps.prisma.physicalCluster.findMany({ where: { status: 'ACTIVE' }, select: { id: true } });
      for (const { id } of clusters) {
        await deps.jobs.sampleLoad(id, Math.floor(now / options.sampleIntervalMs));
        const settings = await loadBalancerSettings(deps.prisma, id);
        if (settings.enabled) await deps.jobs.rebalanceRound(id, Math.floor(now / (settings.roundIntervalSeconds * 1000)));
      }
      const unfinished = await deps.prisma.rebalancePlan.findMany({ where: { state: { in: [...ACTIVE_PLAN_STATES] } }, select: { id: true } });
      for (const plan of unfinished) {
        if ((await deps.jobs.executePlan(plan.id)) === 'enqueued') logger.info({ planId: plan.id }, 'plan execution queued again');
      }
    },
  };
}
