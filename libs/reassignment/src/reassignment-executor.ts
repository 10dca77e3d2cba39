import type { PartitionMove, Prisma, PrismaClient } from '@cellar/db';
import { KafkaAdapterError, type KafkaAdmin } from '@cellar/kafka-adapter';
import type { Logger } from 'pino';
import { isNoop, moveKind, partitionKey, sameSet, type MoveSpec } from './move';
import { ownerWhere, type MoveOwner } from './move-owner';
import { ReassignmentError } from './reassignment.error';
import type { ReassignmentObserver } from './reassignment.metrics';
import { replicationThrottleFor, THROTTLE_RATE_KEYS, THROTTLED_REPLICAS_KEYS } from './throttle';

/** The Kafka calls the executor makes (a KafkaAdmin, or anything shaped like it). */
export type ReassignmentAdmin = Pick<
  KafkaAdmin,
  'alterPartitionReassignments' | 'listPartitionReassignments' | 'describeTopics' | 'electLeaders' | 'incrementalAlterConfigs'
>;

export interface ReassignmentExecutorDeps {
  prisma: PrismaClient;
  /** The admin client of the one physical cluster this executor works on. */
  admin: ReassignmentAdmin;
  logger: Logger;
  /** How often awaitDone asks Kafka about progress. Default 1 s. */
  pollMs?: number;
  observer?: ReassignmentObserver;
}

/** Moves that still need Kafka's attention; the rest are settled. */
const ACTIVE = ['PENDING', 'IN_PROGRESS'] as const;

export interface SubmitResult {
  /** Rows now IN_PROGRESS (submitted now, or found already running in Kafka with the same target). */
  submitted: PartitionMove[];
  /** Rows left PENDING: Kafka is reassigning the partition elsewhere, or another owner has an active move on it. */
  blocked: { move: PartitionMove; why: string }[];
}

export interface AwaitOptions {
  /** Give up (retryable ReassignmentError) after this long; the moves keep running. Default 30 min. */
  maxWaitMs?: number;
  /** Stop waiting when aborted (a lost lock, a shutdown); the moves keep running. */
  signal?: AbortSignal;
}

/**
 * Runs partition reassignments on one physical cluster and keeps their record in
 * PostgreSQL (PartitionMove rows), so any process can resume them after a crash:
 *
 *   record → throttle → submit → awaitDone → unthrottle → electPreferredLeaders
 *
 * and cancel at any point. Each step is idempotent and works from the rows, not from
 * memory. Callers that share a cluster take its lock (@cellar/cluster-lock) around the
 * steps that decide and change (record, throttle, submit, unthrottle, elect, cancel), not
 * around awaitDone. `execute` chains the whole sequence for simple callers.
 */
export class ReassignmentExecutor {
  private readonly prisma: PrismaClient;
  private readonly admin: ReassignmentAdmin;
  private readonly logger: Logger;
  private readonly pollMs: number;
  private readonly observer: ReassignmentObserver | undefined;

  constructor(deps: ReassignmentExecutorDeps) {
    this.prisma = deps.prisma;
    this.admin = deps.admin;
    this.logger = deps.logger;
    this.pollMs = deps.pollMs ?? 1_000;
    this.observer = deps.observer;
  }

  /** The owner's rows, in topic/partition order. */
  moves(owner: MoveOwner): Promise<PartitionMove[]> {
    return this.prisma.partitionMove.findMany({ where: ownerWhere(owner), orderBy: [{ topic: 'asc' }, { partition: 'asc' }] });
  }

  /**
   * Writes one PartitionMove row per move (kind from the replica lists; a move that changes
   * nothing is DONE at once). Idempotent per owner: if the owner has rows, they are returned
   * and `moves` is ignored. `alongside` runs in the same transaction (an audit event, a plan row).
   */
  async record(owner: MoveOwner, moves: readonly MoveSpec[], options: { alongside?: (tx: Prisma.TransactionClient) => Promise<void> } = {}): Promise<PartitionMove[]> {
    const existing = await this.moves(owner);
    if (existing.length > 0) return existing;
    const now = new Date();
    await this.prisma.$transaction(async (tx) => {
      await this.insert(tx, owner, moves, now);
      await options.alongside?.(tx);
    });
    const rows = await this.moves(owner);
    this.count(rows.filter((r) => r.state === 'PENDING'), 'pending');
    return rows;
  }

  private async insert(tx: Prisma.TransactionClient, owner: MoveOwner, moves: readonly MoveSpec[], now: Date): Promise<void> {
    await tx.partitionMove.createMany({
      data: moves.map((move) => ({
        physicalClusterId: owner.physicalClusterId,
        logicalClusterId: owner.logicalClusterId ?? null,
        planId: owner.planId ?? null,
        mitigationId: owner.mitigationId ?? null,
        reason: owner.reason,
        correlationId: owner.correlationId,
        topic: move.topic,
        partition: move.partition,
        fromReplicas: move.fromReplicas,
        toReplicas: move.toReplicas,
        kind: moveKind(move),
        bytes: BigInt(moveKind(move) === 'LEADERSHIP' ? 0 : Math.round(Number(move.bytes ?? 0))),
        state: isNoop(move) ? ('DONE' as const) : ('PENDING' as const),
        ...(isNoop(move) ? { completedAt: now } : {}),
      })),
    });
  }

  /**
   * Sets the replication throttle for the REPLICA moves among `moves` that are not settled:
   * `rate` on every broker that sends or receives data, and the throttled-replicas lists on
   * their topics. A topic's lists cover every active REPLICA move on it, of any owner, since
   * the config is one value per topic.
   */
  async throttle(moves: readonly PartitionMove[], bytesPerSecond: number | bigint): Promise<void> {
    const own = moves.filter((m) => m.kind === 'REPLICA' && (ACTIVE as readonly string[]).includes(m.state));
    if (own.length === 0) return;
    const topics = [...new Set(own.map((m) => m.topic))];
    const others = await this.activeReplicaMoves(topics, own.map((m) => m.id), own[0]!.physicalClusterId);
    const brokers = replicationThrottleFor(own).brokers;
    const perTopic = replicationThrottleFor([...own, ...others]).topics;
    const rate = String(bytesPerSecond);
    await this.admin.incrementalAlterConfigs([
      ...brokers.map((brokerId) => ({ resource: { type: 'broker' as const, brokerId }, set: Object.fromEntries(THROTTLE_RATE_KEYS.map((key) => [key, rate])) })),
      ...perTopic.map(({ topic, leaderReplicas, followerReplicas }) => ({
        resource: { type: 'topic' as const, name: topic },
        set: { [THROTTLED_REPLICAS_KEYS[0]]: leaderReplicas, [THROTTLED_REPLICAS_KEYS[1]]: followerReplicas },
      })),
    ]);
    this.logger.info({ brokers, topics: topics.length, rate }, 'replication throttle set');
  }

  /**
   * Submits the PENDING rows among `moves` and marks them IN_PROGRESS. Never submits a move
   * for a partition that Kafka is reassigning to another target or that another owner has
   * an active row on: those stay PENDING and are returned as blocked. A partition Kafka is
   * already moving to this row's target (a crash between submit and record) is just marked.
   */
  async submit(moves: readonly PartitionMove[]): Promise<SubmitResult> {
    const pending = moves.filter((m) => m.state === 'PENDING');
    if (pending.length === 0) return { submitted: [], blocked: [] };
    const topics = [...new Set(pending.map((m) => m.topic))];
    const ongoing = new Map((await this.admin.listPartitionReassignments(topics)).map((r) => [partitionKey(r), r.replicas.filter((b) => !r.removingReplicas.includes(b))]));
    const others = await this.prisma.partitionMove.findMany({
      where: { physicalClusterId: pending[0]!.physicalClusterId, topic: { in: topics }, state: { in: [...ACTIVE] }, id: { notIn: moves.map((m) => m.id) } },
      select: { topic: true, partition: true, id: true, reason: true },
    });
    const claimed = new Map(others.map((o) => [partitionKey(o), o]));

    const blocked: SubmitResult['blocked'] = [];
    const toSubmit: PartitionMove[] = [];
    const alreadyRunning: PartitionMove[] = [];
    for (const move of pending) {
      const target = ongoing.get(partitionKey(move));
      const other = claimed.get(partitionKey(move));
      if (other) blocked.push({ move, why: `partition has an active ${other.reason} move ${other.id}` });
      else if (target && !sameSet(target, move.toReplicas)) blocked.push({ move, why: `Kafka is reassigning the partition to [${target.join(',')}]` });
      else if (target) alreadyRunning.push(move);
      else toSubmit.push(move);
    }
    if (toSubmit.length > 0) {
      await this.admin.alterPartitionReassignments(toSubmit.map((m) => ({ topic: m.topic, partition: m.partition, replicas: m.toReplicas })));
    }
    const marked = [...toSubmit, ...alreadyRunning];
    if (marked.length > 0) {
      await this.prisma.partitionMove.updateMany({ where: { id: { in: marked.map((m) => m.id) }, state: 'PENDING' }, data: { state: 'IN_PROGRESS', startedAt: new Date() } });
      this.count(marked, 'in_progress');
    }
    if (marked.length > 0 || blocked.length > 0) this.logger.info({ submitted: toSubmit.length, alreadyRunning: alreadyRunning.length, blocked: blocked.length }, 'reassignments submitted');
    const fresh = await this.reload(marked);
    return { submitted: fresh, blocked };
  }

  /**
   * One look at Kafka for the IN_PROGRESS rows among `moves`: those Kafka no longer lists and
   * whose replicas match the target become DONE; those Kafka lost (neither running nor at the
   * target) are submitted again, unless their row was CANCELLED meanwhile. Returns the rows as
   * they are now.
   */
  async poll(moves: readonly PartitionMove[]): Promise<PartitionMove[]> {
    const current = await this.reload(moves);
    const open = current.filter((m) => m.state === 'IN_PROGRESS');
    if (open.length === 0) return current;
    const topics = [...new Set(open.map((m) => m.topic))];
    const ongoing = new Set((await this.admin.listPartitionReassignments(topics)).map(partitionKey));
    const settled = open.filter((m) => !ongoing.has(partitionKey(m)));
    if (settled.length === 0) return current;
    const described = await this.admin.describeTopics([...new Set(settled.map((m) => m.topic))]);
    const replicasOf = new Map(described.flatMap((t) => t.partitions.map((p) => [partitionKey({ topic: t.name, partition: p.partition }), p.replicas] as const)));
    const done = settled.filter((m) => sameSet(replicasOf.get(partitionKey(m)) ?? [], m.toReplicas));
    const lost = settled.filter((m) => !done.includes(m));
    if (done.length > 0) {
      // Compare-and-set on IN_PROGRESS: a row cancelled meanwhile stays CANCELLED.
      await this.prisma.partitionMove.updateMany({ where: { id: { in: done.map((m) => m.id) }, state: 'IN_PROGRESS' }, data: { state: 'DONE', completedAt: new Date() } });
      this.count(done, 'done');
      for (const [reason, bytes] of sumBy(done, (m) => m.reason, (m) => Number(m.bytes))) if (bytes > 0) this.observer?.bytesMoved(reason, bytes);
    }
    if (lost.length > 0) {
      const stillOurs = (await this.reload(lost)).filter((m) => m.state === 'IN_PROGRESS');
      if (stillOurs.length > 0) {
        this.logger.warn({ moves: stillOurs.length }, 'reassignments neither running nor complete; submitting them again');
        await this.admin.alterPartitionReassignments(stillOurs.map((m) => ({ topic: m.topic, partition: m.partition, replicas: m.toReplicas })));
      }
    }
    return this.reload(moves);
  }

  /** Polls until no row among `moves` is IN_PROGRESS (PENDING rows are the caller's to submit). */
  async awaitDone(moves: readonly PartitionMove[], options: AwaitOptions = {}): Promise<PartitionMove[]> {
    const maxWaitMs = options.maxWaitMs ?? 30 * 60_000;
    const deadline = Date.now() + maxWaitMs;
    let current = await this.poll(moves);
    while (current.some((m) => m.state === 'IN_PROGRESS')) {
      if (options.signal?.aborted) throw new ReassignmentError('reassignment_aborted', 'stopped waiting for partition moves', { cause: options.signal.reason });
      if (Date.now() > deadline) {
        const open = current.filter((m) => m.state === 'IN_PROGRESS').length;
        throw new ReassignmentError('reassignment_timeout', `${open} partition moves still running after ${Math.round(maxWaitMs / 1000)} s`);
      }
      await sleep(this.pollMs, options.signal);
      current = await this.poll(current);
    }
    return current;
  }

  /**
   * Removes the throttle of `moves`, done or not (a resumed caller does not know which it
   * set): the rate from their brokers and the throttled-replicas lists from their topics,
   * except what other active REPLICA moves on the cluster still need (those lists are
   * rewritten to cover only them).
   */
  async unthrottle(moves: readonly PartitionMove[]): Promise<void> {
    const replicaMoves = moves.filter((m) => m.kind === 'REPLICA' && !isNoop(m));
    if (replicaMoves.length === 0) return;
    const topics = [...new Set(replicaMoves.map((m) => m.topic))];
    const others = await this.activeReplicaMoves(null, moves.map((m) => m.id), replicaMoves[0]!.physicalClusterId);
    const keep = new Set(replicationThrottleFor(others).brokers);
    const brokers = replicationThrottleFor(replicaMoves).brokers.filter((b) => !keep.has(b));
    const remaining = new Map(replicationThrottleFor(others.filter((o) => topics.includes(o.topic))).topics.map((t) => [t.topic, t]));
    await this.admin.incrementalAlterConfigs([
      ...brokers.map((brokerId) => ({ resource: { type: 'broker' as const, brokerId }, delete: [...THROTTLE_RATE_KEYS] })),
      ...topics.map((name) => {
        const left = remaining.get(name);
        return left
          ? { resource: { type: 'topic' as const, name }, set: { [THROTTLED_REPLICAS_KEYS[0]]: left.leaderReplicas, [THROTTLED_REPLICAS_KEYS[1]]: left.followerReplicas } }
          : { resource: { type: 'topic' as const, name }, delete: [...THROTTLED_REPLICAS_KEYS] };
      }),
    ]);
    this.logger.info({ brokers, kept: [...keep], topics: topics.length }, 'replication throttle removed');
  }

  /**
   * Preferred leader election for the DONE moves that change the order: the first replica of
   * a target list leads only once elected. A failed election is logged, not thrown: the
   * data is where it should be and Kafka's own auto-election may still follow.
   */
  async electPreferredLeaders(moves: readonly PartitionMove[]): Promise<void> {
    await this.electPreferred(moves.filter((m) => m.state === 'DONE' && !isNoop(m)));
  }

  /**
   * Preferred leader election for the given partitions, logged, never thrown. Returns the
   * partitions whose election failed: all of them when the request itself did.
   */
  async electPreferred(partitions: readonly { topic: string; partition: number }[]): Promise<{ topic: string; partition: number }[]> {
    const wanted = partitions.map(({ topic, partition }) => ({ topic, partition }));
    if (wanted.length === 0) return [];
    const results = await this.admin.electLeaders('preferred', wanted).catch((error: unknown) => {
      this.logger.warn({ err: error }, 'preferred leader election failed; leadership stays where Kafka put it');
      return null;
    });
    if (results === null) return wanted;
    const failed = results.filter((r) => r.outcome === 'failed');
    if (failed.length > 0) this.logger.warn({ failed: failed.length, first: failed[0]?.error }, 'some preferred leader elections failed');
    return failed.map(({ topic, partition }) => ({ topic, partition }));
  }

  /**
   * Cancels the active rows among `target` (an owner's rows, or the given ones): rows first
   * (CANCELLED with `error`, so no executor resubmits them), then Kafka's reassignments of
   * those partitions (Kafka puts the original replicas back), then their throttle.
   */
  async cancel(target: MoveOwner | readonly PartitionMove[], error: string): Promise<PartitionMove[]> {
    const rows = Array.isArray(target) ? await this.reload(target as readonly PartitionMove[]) : await this.moves(target as MoveOwner);
    const active = rows.filter((m) => (ACTIVE as readonly string[]).includes(m.state));
    if (active.length === 0) return [];
    await this.prisma.partitionMove.updateMany({ where: { id: { in: active.map((m) => m.id) }, state: { in: [...ACTIVE] } }, data: { state: 'CANCELLED', error, completedAt: new Date() } });
    const cancelled = (await this.reload(active)).filter((m) => m.state === 'CANCELLED');
    this.count(cancelled, 'cancelled');
    const wasSubmitted = cancelled.filter((m) => m.startedAt !== null);
    if (wasSubmitted.length > 0) {
      const ongoing = new Set((await this.admin.listPartitionReassignments([...new Set(wasSubmitted.map((m) => m.topic))])).map(partitionKey));
      const inKafka = wasSubmitted.filter((m) => ongoing.has(partitionKey(m)));
      if (inKafka.length > 0) {
        await this.admin.alterPartitionReassignments(inKafka.map((m) => ({ topic: m.topic, partition: m.partition, replicas: null }))).catch((failure: unknown) => {
          // Finished between the list and the cancel: nothing left to cancel.
          if (failure instanceof KafkaAdapterError && failure.code === 'kafka_no_reassignment_in_progress') return;
          throw failure;
        });
      }
      await this.unthrottle(cancelled);
    }
    this.logger.info({ cancelled: cancelled.length, error }, 'partition moves cancelled');
    return cancelled;
  }

  /**
   * The whole sequence for callers without batches (a mitigation's drain): record (or find)
   * the owner's moves, throttle, submit, wait, unthrottle, elect. Blocked moves are returned
   * still PENDING; call again later to carry on.
   */
  async execute(owner: MoveOwner, moves: readonly MoveSpec[], options: AwaitOptions & { throttleBytesPerSecond: number | bigint }): Promise<{ moves: PartitionMove[]; blocked: SubmitResult['blocked'] }> {
    let rows = await this.record(owner, moves);
    await this.throttle(rows, options.throttleBytesPerSecond);
    const { blocked } = await this.submit(rows);
    try {
      rows = await this.awaitDone(await this.moves(owner), options);
    } finally {
      await this.unthrottle(await this.moves(owner));
    }
    await this.electPreferredLeaders(rows);
    return { moves: rows, blocked };
  }

  /**
   * Partitions nobody else may move now: those Kafka is reassigning and those with an
   * active (PENDING or IN_PROGRESS) row of any owner. Planners mark them unmovable.
   */
  async busyPartitions(physicalClusterId: string): Promise<Set<string>> {
    const [ongoing, rows] = await Promise.all([
      this.admin.listPartitionReassignments(),
      this.prisma.partitionMove.findMany({ where: { physicalClusterId, state: { in: [...ACTIVE] } }, select: { topic: true, partition: true } }),
    ]);
    return new Set([...ongoing.map(partitionKey), ...rows.map(partitionKey)]);
  }

  /**
   * Active rows on the cluster, optionally only those whose replicas (before or after)
   * include `brokerId` and of the given reasons: what a mitigation preempts with `cancel`.
   */
  activeMoves(physicalClusterId: string, filter: { touchingBroker?: number; reasons?: MoveOwner['reason'][] } = {}): Promise<PartitionMove[]> {
    const { touchingBroker, reasons } = filter;
    return this.prisma.partitionMove.findMany({
      where: {
        physicalClusterId,
        state: { in: [...ACTIVE] },
        ...(reasons ? { reason: { in: reasons } } : {}),
        ...(touchingBroker !== undefined ? { OR: [{ fromReplicas: { has: touchingBroker } }, { toReplicas: { has: touchingBroker } }] } : {}),
      },
      orderBy: [{ topic: 'asc' }, { partition: 'asc' }],
    });
  }

  private reload(moves: readonly PartitionMove[]): Promise<PartitionMove[]> {
    if (moves.length === 0) return Promise.resolve([]);
    return this.prisma.partitionMove.findMany({ where: { id: { in: moves.map((m) => m.id) } }, orderBy: [{ topic: 'asc' }, { partition: 'asc' }] });
  }

  /** Active REPLICA rows on the cluster other than `excluding`, optionally only on `topics`. */
  private async activeReplicaMoves(topics: string[] | null, excluding: string[], physicalClusterId: string): Promise<PartitionMove[]> {
    return this.prisma.partitionMove.findMany({
      where: {
        physicalClusterId,
        ...(topics ? { topic: { in: topics } } : {}),
        kind: 'REPLICA',
        state: { in: [...ACTIVE] },
        id: { notIn: excluding },
      },
    });
  }

  private count(rows: readonly PartitionMove[], state: 'pending' | 'in_progress' | 'done' | 'cancelled'): void {
    if (!this.observer) return;
    for (const [key, n] of sumBy(rows, (m) => `${m.reason}|${m.kind}`, () => 1)) {
      const [reason, kind] = key.split('|') as [PartitionMove['reason'], PartitionMove['kind']];
      this.observer.moves(reason, kind, state, n);
    }
  }
}

function sumBy<T, K>(items: readonly T[], key: (item: T) => K, value: (item: T) => number): Map<K, number> {
  const sums = new Map<K, number>();
  for (const item of items) sums.set(key(item), (sums.get(key(item)) ?? 0) + value(item));
  return sums;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
  });
}
