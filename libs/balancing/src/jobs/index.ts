import type { JobDefinition } from '@cellar/worker-runtime';
import type { BalancingDeps } from '../balancing-deps';
import { balancerTickJob } from './balancer-tick.job';
import { executePlanJob } from './execute-plan.job';
import { rebalanceRoundJob } from './rebalance-round.job';
import { sampleLoadJob } from './sample-load.job';

export { executePlan, nextBatch, planOwner, progressOf, type PlanProgress } from './execute-plan.job';
export { runRound, type RoundOutcome } from './rebalance-round.job';
export { sampleClusterLoad } from './sample-load.job';

/** Every job of the balancer queue, for one balancer process. */
export function balancingJobDefinitions(deps: BalancingDeps, options: { tickMs: number; sampleIntervalMs: number }): JobDefinition[] {
  return [balancerTickJob(deps, { everyMs: options.tickMs, sampleIntervalMs: options.sampleIntervalMs }), sampleLoadJob(deps), rebalanceRoundJob(deps), executePlanJob(deps)] as JobDefinition[];
}
