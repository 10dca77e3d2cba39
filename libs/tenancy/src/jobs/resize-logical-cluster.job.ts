import { applyLogicalClusterQuotas } from './logical-cluster-quotas';
import { logicalClusterJob, type TenancyJobDeps } from './tenancy-job';

export const RESIZE_STEPS = ['quotas'] as const;

/**
 * UPDATING → READY after a resize: the principal's and every active key's quotas for the
 * row's current CKUs and cell. Quotas are absolute values, so a repeat is harmless; partition
 * limits need nothing on Kafka (the API enforces them when topics are created).
 */
export function resizeLogicalClusterJob(deps: TenancyJobDeps) {
  return logicalClusterJob(deps, {
    name: 'resize-logical-cluster',
    status: 'UPDATING',
    async run(context) {
      const cell = await deps.prisma.cell.findUnique({ where: { id: context.row.cellId }, select: { quarantine: true } });
      if (cell?.quarantine && context.row.quarantinedAt === null) {
        // A move into the quarantine cell is under way: that job owns this UPDATING.
        context.logger.info('the logical cluster is being quarantined; the quarantine job re-applies its quotas');
        return 'skipped';
      }
      let applied = { brokers: 0, keys: 0 };
      await context.steps(RESIZE_STEPS, async () => {
        applied = await applyLogicalClusterQuotas(deps, context.admin, context.row);
      });
      await deps.prisma.$transaction(async (tx) => {
        await context.update({ status: 'READY', provisioningStep: null, failureReason: null }, tx);
        await context.audit('logical-cluster.resized', { ckus: context.row.ckus, cellBrokers: applied.brokers, apiKeys: applied.keys }, tx);
      });
      context.logger.info({ ckus: context.row.ckus }, 'logical cluster resized');
      return 'completed';
    },
  });
}
