import type { PartitionMove } from '@cellar/db';
import { TenancyError } from '../tenancy.error';
import { applyLogicalClusterQuotas } from './logical-cluster-quotas';
import {
  cellLoad,
  isNoop,
  planCellMoves,
  replicationThrottleFor,
  THROTTLE_RATE_KEYS,
  THROTTLED_REPLICAS_KEYS,
  type PlannedMove,
} from './quarantine.plan';
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
 * The plan is written as PartitionMove rows once per request (correlation id), so a restarted
 * job reuses it instead of planning against a cluster it has half changed; submitting a
 * reassignment again with the same target is harmless, and what is done is read from Kafka.
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

      let moves: PartitionMove[] = [];
      await context.steps(QUARANTINE_STEPS, async (step) => {
        if (step !== 'plan' && moves.length === 0) moves = await loadMoves(context);
        switch (step) {
          case 'plan':
            moves = await planMoves(context, cellBrokers);
            break;
          case 'throttle':
            await setThrottle(context, moves.filter((m) => m.state !== 'DONE'));
            break;
          case 'reassign':
            moves = await submitMoves(context, moves);
            break;
          case 'wait':
            moves = await awaitMoves(context, moves);
            break;
          case 'unthrottle':
            await removeThrottle(context, moves);
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

function loadMoves({ deps, row, data }: LogicalClusterJobContext): Promise<PartitionMove[]> {
  return deps.prisma.partitionMove.findMany({
    where: { logicalClusterId: row.id, correlationId: data.correlationId, reason: 'QUARANTINE' },
    orderBy: [{ topic: 'asc' }, { partition: 'asc' }],
  });
}

async function planMoves(context: LogicalClusterJobContext, cellBrokers: { id: number; rack: string }[]): Promise<PartitionMove[]> {
  const { deps, row, admin, data } = context;
  const existing = await loadMoves(context);
  if (existing.length > 0) return existing;

  const all = await admin.describeTopics(await admin.listTopics());
  const own = all.filter((t) => t.name.startsWith(row.topicPrefix));
  const load = cellLoad(cellBrokers, all, new Set(own.map((t) => t.name)));
  const planned = planCellMoves(cellBrokers, load, own);
  await deps.prisma.$transaction(async (tx) => {
    await tx.partitionMove.createMany({
      data: planned.map((move) => ({
        physicalClusterId: row.physicalClusterId,
        logicalClusterId: row.id,
        reason: 'QUARANTINE' as const,
        topic: move.topic,
        partition: move.partition,
        fromReplicas: move.fromReplicas,
        toReplicas: move.toReplicas,
        state: isNoop(move) ? ('DONE' as const) : ('PENDING' as const),
        correlationId: data.correlationId,
        ...(isNoop(move) ? { completedAt: new Date() } : {}),
      })),
    });
    await context.audit('logical-cluster.quarantine.started', { cellId: row.cellId, topics: own.length, moves: planned.filter((m) => !isNoop(m)).length }, tx);
  });
  deps.metrics?.partitionMoves.inc({ reason: 'quarantine', state: 'pending' }, planned.filter((m) => !isNoop(m)).length);
  return loadMoves(context);
}

async function setThrottle({ deps, admin, logger }: LogicalClusterJobContext, moves: PlannedMove[]): Promise<void> {
  const throttle = replicationThrottleFor(moves);
  const rate = String(deps.replicationThrottleBytesPerSecond ?? DEFAULT_REPLICATION_THROTTLE_BYTES_PER_SECOND);
  if (throttle.brokers.length === 0) return;
  await admin.incrementalAlterConfigs([
    ...throttle.brokers.map((brokerId) => ({
      resource: { type: 'broker' as const, brokerId },
      set: Object.fromEntries(THROTTLE_RATE_KEYS.map((key) => [key, rate])),
    })),
    ...throttle.topics.map(({ topic, leaderReplicas, followerReplicas }) => ({
      resource: { type: 'topic' as const, name: topic },
      set: { [THROTTLED_REPLICAS_KEYS[0]]: leaderReplicas, [THROTTLED_REPLICAS_KEYS[1]]: followerReplicas },
    })),
  ]);
  logger.info({ brokers: throttle.brokers, rate }, 'replication throttle set');
}

async function removeThrottle({ admin, logger }: LogicalClusterJobContext, moves: PlannedMove[]): Promise<void> {
  // Every move of the plan, done or not: a resumed job does not know which ones it throttled.
  const throttle = replicationThrottleFor(moves);
  const topics = [...new Set(moves.map((m) => m.topic))];
  if (throttle.brokers.length === 0 && topics.length === 0) return;
  await admin.incrementalAlterConfigs([
    ...throttle.brokers.map((brokerId) => ({ resource: { type: 'broker' as const, brokerId }, delete: [...THROTTLE_RATE_KEYS] })),
    ...topics.map((name) => ({ resource: { type: 'topic' as const, name }, delete: [...THROTTLED_REPLICAS_KEYS] })),
  ]);
  logger.info({ brokers: throttle.brokers }, 'replication throttle removed');
}

async function submitMoves(context: LogicalClusterJobContext, moves: PartitionMove[]): Promise<PartitionMove[]> {
  const { deps, admin, logger } = context;
  const pending = moves.filter((m) => m.state === 'PENDING');
  if (pending.length > 0) {
    await admin.alterPartitionReassignments(pending.map((m) => ({ topic: m.topic, partition: m.partition, replicas: m.toReplicas })));
    await deps.prisma.partitionMove.updateMany({ where: { id: { in: pending.map((m) => m.id) }, state: 'PENDING' }, data: { state: 'IN_PROGRESS', startedAt: new Date() } });
    deps.metrics?.partitionMoves.inc({ reason: 'quarantine', state: 'in_progress' }, pending.length);
    logger.info({ moves: pending.length }, 'reassignments submitted');
  }
  return loadMoves(context);
}

/** Polls Kafka until every submitted move is complete; a move Kafka lost is submitted again. */
async function awaitMoves(context: LogicalClusterJobContext, initial: PartitionMove[]): Promise<PartitionMove[]> {
  const { deps, admin, logger } = context;
  const pollMs = deps.reassignmentPollMs ?? 1_000;
  const deadline = Date.now() + MAX_WAIT_MS;
  let moves = initial;
  for (;;) {
    const open = moves.filter((m) => m.state === 'IN_PROGRESS' || m.state === 'PENDING');
    if (open.length === 0) break;
    const topics = [...new Set(open.map((m) => m.topic))];
    const ongoing = new Set((await admin.listPartitionReassignments(topics)).map((r) => `${r.topic}/${r.partition}`));
    const settled = open.filter((m) => !ongoing.has(`${m.topic}/${m.partition}`));
    if (settled.length > 0) {
      const described = await admin.describeTopics([...new Set(settled.map((m) => m.topic))]);
      const replicasOf = new Map(described.flatMap((t) => t.partitions.map((p) => [`${t.name}/${p.partition}`, p.replicas] as const)));
      const done = settled.filter((m) => sameSet(replicasOf.get(`${m.topic}/${m.partition}`) ?? [], m.toReplicas));
      const lost = settled.filter((m) => !done.includes(m));
      if (done.length > 0) {
        await deps.prisma.partitionMove.updateMany({ where: { id: { in: done.map((m) => m.id) } }, data: { state: 'DONE', completedAt: new Date() } });
        deps.metrics?.partitionMoves.inc({ reason: 'quarantine', state: 'done' }, done.length);
      }
      if (lost.length > 0) {
        // Not running and not where it should be (cancelled, or never submitted): submit again.
        logger.warn({ moves: lost.length }, 'reassignments not in progress and not complete; submitting them again');
        await admin.alterPartitionReassignments(lost.map((m) => ({ topic: m.topic, partition: m.partition, replicas: m.toReplicas })));
        await deps.prisma.partitionMove.updateMany({ where: { id: { in: lost.map((m) => m.id) } }, data: { state: 'IN_PROGRESS', startedAt: new Date() } });
      }
      moves = await loadMoves(context);
      continue;
    }
    if (Date.now() > deadline) throw new TenancyError('kafka_unavailable', `${open.length} partition moves still running after ${MAX_WAIT_MS / 60_000} min`, { retryable: true });
    await new Promise((r) => setTimeout(r, pollMs));
  }
  // The first replica of each target list is the preferred leader; Kafka does not move leadership by itself.
  const partitions = moves.filter((m) => !isNoop(m)).map((m) => ({ topic: m.topic, partition: m.partition }));
  if (partitions.length > 0) {
    const results = await admin.electLeaders('preferred', partitions).catch((error: unknown) => {
      logger.warn({ err: error }, 'preferred leader election failed; leadership stays where Kafka put it');
      return [];
    });
    const failed = results.filter((r) => r.outcome === 'failed');
    if (failed.length > 0) logger.warn({ failed: failed.length }, 'some preferred leader elections failed');
  }
  return moves;
}

function sameSet(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}
