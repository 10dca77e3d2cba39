import type { Mitigation, PartitionMove, Prisma } from '@cellar/db';
import type { KafkaAdmin } from '@cellar/kafka-adapter';
import { ReassignmentExecutor, type MoveOwner } from '@cellar/reassignment';
import type { JobDefinition } from '@cellar/worker-runtime';
import type { Logger } from 'pino';
import type { DetectorDeps } from '../detector-deps';
import { mitigateJobData } from '../detector-queue';
import { planDrain, planLeadershipOff, planRestore, type MitigationPlan, type PartitionState } from '../mitigation.plan';
import { isProbeTopic } from '../probe-topic';

/** In order; Mitigation.step names the next one to run, so a restarted detector resumes there. */
export const MITIGATION_STEPS = ['plan', 'submit', 'await', 'finish'] as const;
type Step = (typeof MITIGATION_STEPS)[number];

/** A broker in one of these no longer needs leadership or replicas kept off it. */
const RECOVERED = new Set(['HEALTHY', 'RECOVERING']);

interface StoredPlan {
  elect: { topic: string; partition: number }[];
  skipped: MitigationPlan['skipped'];
  moves: number;
}

/**
 * Applies one recorded mitigation on Kafka, resumably:
 *
 *   plan (under the cluster lock: read Kafka, preempt the balancer's moves on the broker,
 *   record the moves) → submit (under the lock) → await (without it; leadership moves
 *   finish at once, replica moves copy data under a throttle) → finish (under the lock:
 *   remove throttles, preferred elections, check the result).
 *
 * A run that finds the mitigation half done resumes at its step; if the broker recovered
 * meanwhile, a DEMOTE or DRAIN is rolled back instead (moves cancelled, reorders undone),
 * and the record says which happened.
 */
export function mitigateJob(deps: DetectorDeps): JobDefinition<typeof mitigateJobData> {
  return {
    name: 'mitigate',
    data: mitigateJobData,
    async handle({ mitigationId }, logger, run) {
      try {
        await runMitigation(deps, mitigationId, logger);
      } catch (error) {
        if (run.attempt < run.maxAttempts) throw error;
        // Out of retries: say so on the record rather than leave it IN_PROGRESS forever.
        await deps.prisma.mitigation.updateMany({
          where: { id: mitigationId, state: 'IN_PROGRESS' },
          data: { state: 'FAILED', completedAt: new Date(), outcome: { error: error instanceof Error ? error.message : String(error) } },
        });
        throw error;
      }
    },
  };
}

async function runMitigation(deps: DetectorDeps, mitigationId: string, logger: Logger): Promise<void> {
  let row = await deps.prisma.mitigation.findUnique({ where: { id: mitigationId } });
  if (!row || !['PENDING', 'IN_PROGRESS'].includes(row.state)) return;
  const log = logger.child({ mitigationId, broker: row.nodeId, kind: row.kind, correlationId: row.correlationId });
  // Leadership or replicas off a broker: never through that broker, which may be frozen.
  const admin = await deps.admins.forCluster(row.physicalClusterId, row.kind === 'RESTORE' ? {} : { avoidBrokers: [row.nodeId] });
  const executor = new ReassignmentExecutor({ prisma: deps.prisma, admin, logger: log, pollMs: 500 });
  const owner: MoveOwner = { physicalClusterId: row.physicalClusterId, reason: 'MITIGATION', correlationId: row.correlationId, mitigationId: row.id };
  const resumedAt = row.state === 'IN_PROGRESS' ? (row.step ?? 'plan') : null;
  if (row.state === 'PENDING') row = await update(deps, row, { state: 'IN_PROGRESS', startedAt: new Date(), step: 'plan' });

  if (resumedAt && row.kind !== 'RESTORE') {
    const broker = await deps.prisma.broker.findFirst({ where: { clusterId: row.physicalClusterId, nodeId: row.nodeId } });
    if (broker && RECOVERED.has(broker.healthState) && row.actor === 'detector') {
      await rollBack(deps, row, executor, admin, owner, resumedAt, broker.healthState, log);
      return;
    }
  }

  const lock = (purpose: string, run: (signal: AbortSignal) => Promise<void>) =>
    deps.clusterLocks.withLock(row!.physicalClusterId, { actor: 'detector', purpose: `mitigation ${row!.id} ${purpose}` }, run, { waitMs: 30_000 });

  for (let index = MITIGATION_STEPS.indexOf((row.step ?? 'plan') as Step); index < MITIGATION_STEPS.length; index++) {
    const step = MITIGATION_STEPS[index]!;
    switch (step) {
      case 'plan':
        await lock('plan', async () => {
          const plan = await buildPlan(deps, row!, admin, executor, log);
          if (row!.dryRun) {
            row = await update(deps, row!, { state: 'DRY_RUN', step: null, completedAt: new Date(), plan: planJson(plan), outcome: { dryRun: true, wouldMove: plan.moves.length, wouldElect: plan.elect.length } });
            return;
          }
          await executor.record(owner, plan.moves, {
            alongside: async (tx) => {
              await tx.mitigation.update({ where: { id: row!.id }, data: { plan: planJson(plan), step: 'submit', version: { increment: 1 } } });
            },
          });
          if (plan.moves.length === 0) await deps.prisma.mitigation.update({ where: { id: row!.id }, data: { plan: planJson(plan), step: 'submit', version: { increment: 1 } } });
        });
        if (row.state === 'DRY_RUN') {
          deps.metrics?.mitigations.inc({ kind: row.kind.toLowerCase(), actor: row.actor, outcome: 'dry_run' });
          log.info('dry run: mitigation planned, not applied');
          return;
        }
        break;
      case 'submit':
        await lock('submit', async () => {
          const moves = await executor.moves(owner);
          await executor.throttle(moves, deps.settings.replicationThrottleBytesPerSecond);
          const { blocked } = await executor.submit(moves);
          if (blocked.length > 0) log.warn({ blocked: blocked.length }, 'some moves wait for another owner');
          row = await update(deps, row!, { step: 'await' });
        });
        break;
      case 'await':
        await executor.awaitDone(await executor.moves(owner), { maxWaitMs: 30 * 60_000 });
        row = await update(deps, row, { step: 'finish' });
        break;
      case 'finish':
        await lock('finish', async () => {
          const moves = await executor.moves(owner);
          await executor.unthrottle(moves);
          const stored = row!.plan as unknown as StoredPlan;
          const failed = await electUntilSettled(admin, executor, row!, stored.elect, log);
          const outcome = { ...(await verify(admin, row!, stored, moves)), electionsFailed: failed.length };
          row = await update(deps, row!, { state: 'COMPLETED', step: null, completedAt: new Date(), outcome: { ...outcome, ...(resumedAt ? { resumedAtStep: resumedAt } : {}) } });
        });
        break;
    }
    deps.afterStep?.(`mitigate-${row.kind.toLowerCase()}`, step);
  }
  deps.metrics?.mitigations.inc({ kind: row.kind.toLowerCase(), actor: row.actor, outcome: 'completed' });
  log.info({ outcome: row.outcome }, 'mitigation completed');
}

async function update(deps: DetectorDeps, row: Mitigation, data: Prisma.MitigationUpdateInput): Promise<Mitigation> {
  return deps.prisma.mitigation.update({ where: { id: row.id }, data: { ...data, version: { increment: 1 } } });
}

function planJson(plan: MitigationPlan): Prisma.InputJsonValue {
  const stored: StoredPlan = { elect: plan.elect, skipped: plan.skipped.slice(0, 200), moves: plan.moves.length };
  return JSON.parse(JSON.stringify(stored)) as Prisma.InputJsonValue;
}

async function partitionsOf(admin: KafkaAdmin): Promise<PartitionState[]> {
  const topics = (await admin.listTopics()).filter((t) => !isProbeTopic(t));
  const described = await admin.describeTopics(topics);
  return described.flatMap((t) => t.partitions.map((p) => ({ topic: t.name, partition: p.partition, replicas: p.replicas, isr: p.isr, leader: p.leader })));
}

async function buildPlan(deps: DetectorDeps, row: Mitigation, admin: KafkaAdmin, executor: ReassignmentExecutor, logger: Logger): Promise<MitigationPlan> {
  if (row.kind !== 'RESTORE' && !row.dryRun) {
    // The detector comes first: the balancer's moves touching this broker give way.
    const theirs = await executor.activeMoves(row.physicalClusterId, { touchingBroker: row.nodeId, reasons: ['REBALANCE'] });
    if (theirs.length > 0) {
      await executor.cancel(theirs, `preempted by mitigation ${row.id}`);
      logger.info({ cancelled: theirs.length }, 'balancer moves on the broker cancelled');
    }
  }
  const partitions = await partitionsOf(admin);
  const busy = await executor.busyPartitions(row.physicalClusterId);
  switch (row.kind) {
    case 'DEMOTE':
      return planLeadershipOff(partitions, row.nodeId, busy);
    case 'DRAIN': {
      const cell = row.cellId ? await deps.prisma.broker.findMany({ where: { cellId: row.cellId }, select: { nodeId: true, rack: true, healthState: true } }) : [];
      // Targets are the cell's brokers in good health; the drained broker is listed for its rack.
      const usable = cell.filter((b) => b.nodeId === row.nodeId || ['HEALTHY', 'SUSPECT', 'RECOVERING'].includes(b.healthState));
      const minIsr = await minIsrByTopic(admin, [...new Set(partitions.filter((p) => p.replicas.includes(row.nodeId)).map((p) => p.topic))]);
      return planDrain(
        partitions,
        row.nodeId,
        usable.map((b) => ({ id: b.nodeId, rack: b.rack ?? '' })),
        (topic) => minIsr.get(topic) ?? 1,
        busy,
      );
    }
    case 'RESTORE': {
      const earlier = await deps.prisma.partitionMove.findMany({
        where: { physicalClusterId: row.physicalClusterId, reason: 'MITIGATION', kind: 'LEADERSHIP', state: 'DONE', mitigationId: { not: null } },
        orderBy: { createdAt: 'asc' },
      });
      const demotions = await deps.prisma.mitigation.findMany({ where: { id: { in: [...new Set(earlier.map((m) => m.mitigationId!))] }, nodeId: row.nodeId, kind: { in: ['DEMOTE', 'DRAIN'] } }, select: { id: true } });
      const ids = new Set(demotions.map((d) => d.id));
      // The latest move per partition wins: a partition reordered twice goes back to its first order only through both.
      const latest = new Map(earlier.filter((m) => ids.has(m.mitigationId!)).map((m) => [`${m.topic}/${m.partition}`, m] as const));
      const firsts = new Map<string, PartitionMove>();
      for (const m of earlier) if (ids.has(m.mitigationId!) && !firsts.has(`${m.topic}/${m.partition}`)) firsts.set(`${m.topic}/${m.partition}`, m);
      return planRestore(
        partitions,
        [...latest.entries()].map(([key, m]) => ({ topic: m.topic, partition: m.partition, fromReplicas: firsts.get(key)!.fromReplicas, toReplicas: m.toReplicas })),
      );
    }
  }
}

async function minIsrByTopic(admin: KafkaAdmin, topics: string[]): Promise<Map<string, number>> {
  const result = new Map<string, number>();
  await Promise.all(
    topics.map(async (topic) => {
      const entries = await admin.describeConfigs({ type: 'topic', name: topic }, ['min.insync.replicas']).catch(() => []);
      const value = Number(entries.find((e) => e.name === 'min.insync.replicas')?.value);
      if (Number.isFinite(value)) result.set(topic, value);
    }),
  );
  return result;
}

/** Elections retried this many times, this far apart, while the broker still leads what it should not. */
const ELECTION_ATTEMPTS = 5;
const ELECTION_RETRY_MS = 2_000;

/**
 * Elects the planned preferred leaders and, for a DEMOTE or DRAIN, reads Kafka back until the
 * broker leads none of them: an election can fail while the controller still counts a frozen
 * broker in, and a broker's metadata lags the controller's by a moment. Returns what still failed.
 */
async function electUntilSettled(
  admin: KafkaAdmin,
  executor: ReassignmentExecutor,
  row: Mitigation,
  partitions: { topic: string; partition: number }[],
  logger: Logger,
): Promise<{ topic: string; partition: number }[]> {
  let pending = partitions;
  for (let attempt = 1; ; attempt++) {
    const failed = await executor.electPreferred(pending);
    if (row.kind === 'RESTORE') return failed;
    const key = (p: { topic: string; partition: number }) => `${p.topic}/${p.partition}`;
    const wanted = new Set(partitions.map(key));
    const stillLed = (await partitionsOf(admin)).filter((p) => p.leader === row.nodeId && wanted.has(key(p)));
    if (stillLed.length === 0 || attempt >= ELECTION_ATTEMPTS) return stillLed;
    logger.info({ stillLed: stillLed.length, attempt }, 'the broker still leads partitions it should not; electing again');
    await new Promise((resolve) => setTimeout(resolve, ELECTION_RETRY_MS));
    pending = stillLed;
  }
}

/** What Kafka shows after the mitigation: how many partitions the broker still leads, or holds. */
async function verify(admin: KafkaAdmin, row: Mitigation, plan: StoredPlan, moves: PartitionMove[]): Promise<Record<string, unknown>> {
  const partitions = await partitionsOf(admin);
  const led = partitions.filter((p) => p.leader === row.nodeId).length;
  const held = partitions.filter((p) => p.replicas.includes(row.nodeId)).length;
  const underMinIsr = partitions.filter((p) => p.isr.length < Math.min(2, p.replicas.length)).length;
  return {
    moves: moves.length,
    movesDone: moves.filter((m) => m.state === 'DONE').length,
    movesCancelled: moves.filter((m) => m.state === 'CANCELLED').length,
    elected: plan.elect.length,
    skipped: plan.skipped.length,
    leadersOnBrokerAfter: led,
    replicasOnBrokerAfter: held,
    partitionsWithIsrBelowTwo: underMinIsr,
  };
}

/**
 * The broker recovered while the mitigation was half done: stop and undo. Moves not yet
 * finished are cancelled in Kafka; leadership reorders already applied are reversed, with a
 * preferred election, so the cluster is as it was before the mitigation.
 */
async function rollBack(deps: DetectorDeps, row: Mitigation, executor: ReassignmentExecutor, admin: KafkaAdmin, owner: MoveOwner, atStep: string, brokerState: string, logger: Logger): Promise<void> {
  await deps.clusterLocks.withLock(row.physicalClusterId, { actor: 'detector', purpose: `mitigation ${row.id} rollback` }, async () => {
    const cancelled = await executor.cancel(owner, `rolled back: broker is ${brokerState}`);
    const moves = await executor.moves(owner);
    await executor.unthrottle(moves);
    const partitions = new Map((await partitionsOf(admin)).map((p) => [`${p.topic}/${p.partition}`, p]));
    const undo = moves
      .filter((m) => m.state === 'DONE' && m.kind === 'LEADERSHIP')
      .filter((m) => {
        const now = partitions.get(`${m.topic}/${m.partition}`);
        return now !== undefined && now.replicas.every((r, i) => m.toReplicas[i] === r);
      });
    if (undo.length > 0) {
      await admin.alterPartitionReassignments(undo.map((m) => ({ topic: m.topic, partition: m.partition, replicas: m.fromReplicas })));
      await executor.electPreferred(undo);
    }
    await update(deps, row, {
      state: 'ROLLED_BACK',
      step: null,
      completedAt: new Date(),
      outcome: { rolledBackAtStep: atStep, reason: `broker became ${brokerState} before the mitigation finished`, movesCancelled: cancelled.length, reordersUndone: undo.length },
    });
  }, { waitMs: 30_000 });
  deps.metrics?.mitigations.inc({ kind: row.kind.toLowerCase(), actor: row.actor, outcome: 'rolled_back' });
  logger.warn({ atStep }, 'mitigation rolled back');
}
