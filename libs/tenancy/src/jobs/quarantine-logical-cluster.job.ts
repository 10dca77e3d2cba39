import type { PartitionMove } from '@cellar/db';
import { ReassignmentExecutor, type MoveOwner, type ReassignmentObserver } from '@cellar/reassignment';
import { TenancyError } from '../tenancy.error';
import type { TenancyMetrics } from '../tenancy.metrics';
import { applyLogicalClusterQuotas } from './logical-cluster-quotas';
import { cellLoad, isNoop, planCellMoves } from './quarantine.plan';
import { DEFAULT_REPLICATION_THROTTLE_BYTES_PER_SECOND, logicalClusterJob, type LogicalClusterJobContext, type TenancyJobDeps } from './tenancy-job';

/** In order; provisioningStep names the one in progress, so a restarted job resumes there. */
export const QUARANTINE_STEPS = ['plan', 'throttle', 'reassign', 'wait', 'unthrottle', 'quotas'] as const;

/** After this long in one run the job gives the worker back and retries (resuming at 'wait'). */
const MAX_WAIT_MS = 30 * 60_000;

/**
 * UPDATING (the API already pointed cellId at the quarantine cell) → READY with quarantinedAt:
 * every partition of the logical cluster's topics is reassigned into the quarantine cell,
 * rack-aware, with a replication throttle on the brokers involved while data is copied.
 *
 * The moves run through @cellar/reassignment: the plan is written as PartitionMove rows once
 * per request (correlation id), so a restarted job reuses it instead of planning against a
 * cluster it has half changed, and every step works from those rows and from Kafka.
 */
export function quarantineLogicalClusterJob(deps: TenancyJobDeps) {
  return logicalClusterJob(deps, {
    name: 'quarantine-logical-cluster',
    status: 'UPDATING',
    async run(context) {
      const { row } = context;
      const cell = await deps.prisma.cell.findUnique({ where: { id: row.cellId }, include: { brokers: { select: { nodeId: true, rack: true } } } });
      if (!cell?.quarantine || row.quarantinedAt !== null) {
        context.logger.info('not a move into the quarantine cell (a resize owns this UPDATING)');
        return 'skipped';
      }
      const cellBrokers = cell.brokers.map((b) => ({ id: b.nodeId, rack: b.rack ?? '' }));
      if (cellBrokers.length === 0) throw new TenancyError('no_quarantine_cell', `quarantine cell ${cell.id} has no brokers`);

      const executor = executorFor(context);
      const owner = ownerOf(context);
      let moves: PartitionMove[] = [];
      await context.steps(QUARANTINE_STEPS, async (step) => {
        if (step !== 'plan' && moves.length === 0) moves = await executor.moves(owner);
        switch (step) {
          case 'plan':
            moves = await planMoves(context, executor, cellBrokers);
            break;
          case 'throttle':
            await executor.throttle(moves, deps.replicationThrottleBytesPerSecond ?? DEFAULT_REPLICATION_THROTTLE_BYTES_PER_SECOND);
            break;
          case 'reassign': {
            const { blocked } = await executor.submit(moves);
            moves = await executor.moves(owner);
            if (blocked.length > 0) {
              // Another owner (a rebalance, a mitigation) is moving some of these partitions: try again later.
              throw new TenancyError('logical_cluster_busy', `${blocked.length} partitions are being moved by someone else (${blocked[0]?.why})`, { retryable: true });
            }
            break;
          }
          case 'wait':
            moves = await executor.awaitDone(moves, { maxWaitMs: MAX_WAIT_MS });
            // The first replica of each target list is the preferred leader; Kafka does not move leadership by itself.
            await executor.electPreferredLeaders(moves);
            break;
          case 'unthrottle':
            await executor.unthrottle(moves);
            break;
          case 'quotas':
            await applyLogicalClusterQuotas(deps, context.admin, context.row);
            break;
        }
      });

      await deps.prisma.$transaction(async (tx) => {
        await context.update({ status: 'READY', quarantinedAt: new Date(), provisioningStep: null, failureReason: null }, tx);
        await context.audit('logical-cluster.quarantine.finished', { cellId: row.cellId, moves: moves.length }, tx);
      });
      context.logger.info({ moves: moves.length }, 'logical cluster quarantined');
      return 'completed';
    },
  });
}

function ownerOf({ row, data }: LogicalClusterJobContext): MoveOwner {
  return { physicalClusterId: row.physicalClusterId, reason: 'QUARANTINE', correlationId: data.correlationId, logicalClusterId: row.id };
}

function executorFor({ deps, admin, logger }: LogicalClusterJobContext): ReassignmentExecutor {
  return new ReassignmentExecutor({
    prisma: deps.prisma,
    admin,
    logger,
    ...(deps.reassignmentPollMs !== undefined ? { pollMs: deps.reassignmentPollMs } : {}),
    ...(deps.metrics ? { observer: tenancyObserver(deps.metrics) } : {}),
  });
}

/** Keeps cellar_partition_moves_total{reason="quarantine",state} counting as before the executor. */
function tenancyObserver(metrics: TenancyMetrics): ReassignmentObserver {
  return {
    moves: (reason, _kind, state, count) => metrics.partitionMoves.inc({ reason: reason.toLowerCase(), state }, count),
    bytesMoved: () => undefined,
  };
}

async function planMoves(context: LogicalClusterJobContext, executor: ReassignmentExecutor, cellBrokers: { id: number; rack: string }[]): Promise<PartitionMove[]> {
  const { row, admin } = context;
  const owner = ownerOf(context);
  const existing = await executor.moves(owner);
  if (existing.length > 0) return existing;

  const all = await admin.describeTopics(await admin.listTopics());
  const own = all.filter((t) => t.name.startsWith(row.topicPrefix));
  const load = cellLoad(cellBrokers, all, new Set(own.map((t) => t.name)));
  const planned = planCellMoves(cellBrokers, load, own);
  return executor.record(owner, planned, {
    alongside: (tx) => context.audit('logical-cluster.quarantine.started', { cellId: row.cellId, topics: own.length, moves: planned.filter((m) => !isNoop(m)).length }, tx),
  });
}
