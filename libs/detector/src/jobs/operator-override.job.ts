import type { JobDefinition } from '@cellar/worker-runtime';
import type { DetectorDeps } from '../detector-deps';
import { operatorOverrideJobData } from '../detector-queue';
import { applyStep, healthOf } from './detector-round.job';

/**
 * An operator's demote, drain or restore, applied by the detector so the broker's state has
 * one writer: the state machine takes the operator input (under the cluster's round lease),
 * the transition is recorded with the operator as actor, and its mitigation is queued.
 */
export function operatorOverrideJob(deps: DetectorDeps): JobDefinition<typeof operatorOverrideJobData> {
  return {
    name: 'operator-override',
    data: operatorOverrideJobData,
    async handle(request, logger) {
      const cluster = await deps.prisma.physicalCluster.findUnique({ where: { id: request.physicalClusterId }, select: { id: true, name: true } });
      const log = logger.child({ correlationId: request.correlationId, broker: request.nodeId, action: request.action });
      if (!cluster) return;
      await deps.roundLocks.withLock(cluster.id, { actor: 'operator', purpose: `${request.action} broker ${request.nodeId}` }, async () => {
        const already = await deps.prisma.brokerHealthTransition.findFirst({ where: { correlationId: request.correlationId } });
        if (already) return; // a retried job: the request was applied
        const broker = await deps.prisma.broker.findFirst({ where: { clusterId: cluster.id, nodeId: request.nodeId } });
        if (!broker) return;
        const now = Date.now();
        const result = await applyStep(
          deps,
          cluster,
          broker,
          healthOf(broker),
          { kind: 'operator', action: request.action, actor: 'operator', ...(request.note ? { note: request.note } : {}) },
          now,
          log,
          request.correlationId,
        );
        if (!result.transition) log.info('the request changes nothing in the broker\'s current state');
      }, { waitMs: 30_000 });
    },
  };
}
