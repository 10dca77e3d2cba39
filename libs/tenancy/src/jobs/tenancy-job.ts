import { CellarError } from '@cellar/common';
import type { CkuProfile } from '@cellar/ckus';
import type { LogicalCluster, LogicalClusterStatus, Prisma, PrismaClient, SecretKey } from '@cellar/db';
import { KafkaAdapterError, type KafkaAdmin } from '@cellar/kafka-adapter';
import type { JobDefinition, JobRun } from '@cellar/worker-runtime';
import { UnrecoverableError } from 'bullmq';
import type { Logger } from 'pino';
import type { KafkaAdminRegistry } from '../kafka-admins';
import type { TenancyMetrics, TenancyJobOutcome } from '../tenancy.metrics';
import { logicalClusterJobData, type LogicalClusterJobData, type LogicalClusterJobName } from '../tenancy-queue';
import type { TenancyJobQueue } from './tenancy-job-queue';

/** The audit actor of everything the tenancy workers do. */
export const WORKER_ACTOR = 'worker';

/** Replication throttle while partitions move, per broker: 10 MB/s. */
export const DEFAULT_REPLICATION_THROTTLE_BYTES_PER_SECOND = 10_000_000;

/** What the tenancy jobs need from outside; worker-main builds the real ones. */
export interface TenancyJobDeps {
  prisma: PrismaClient;
  kafkaAdmins: KafkaAdminRegistry;
  secretKey: SecretKey;
  ckuProfile: CkuProfile;
  /** The tenancy queue itself: the reconciler re-enqueues through it. */
  jobs: TenancyJobQueue;
  metrics?: TenancyMetrics;
  /** leader/follower.replication.throttled.rate on the brokers a quarantine moves data between. */
  replicationThrottleBytesPerSecond?: number;
  /** How often a quarantine asks Kafka whether its reassignments are done. Default 1 s. */
  reassignmentPollMs?: number;
  /**
   * Test-only fault injection: called right after a job records a step (worker-main wires
   * CELLAR_FAULT_CRASH_AFTER_STEP to a process exit here). Production leaves it unset.
   */
  afterStep?: (job: string, step: string) => void | Promise<void>;
}

/** The row a logical-cluster job works on, as far as it has advanced it. */
export type LogicalClusterRow = LogicalCluster & { physicalCluster: { bootstrapServers: string[] } };

/** A change of the row that did not apply: someone else changed it first. The job ends quietly. */
class RowMoved extends Error {}

/** How one run of a logical-cluster job went; thrown errors are retried (or fail the row). */
export type JobResult = 'completed' | 'skipped';

export interface LogicalClusterJobContext {
  deps: TenancyJobDeps;
  data: LogicalClusterJobData;
  logger: Logger;
  /** The row as last written by this run (version included). */
  row: LogicalClusterRow;
  admin: KafkaAdmin;
  /**
   * Compare-and-set on `version` (and the status the job expects): applies `change`, bumps
   * the version, and keeps `row` current. If the row moved, the run ends quietly.
   */
  update(change: Prisma.LogicalClusterUncheckedUpdateManyInput, tx?: Prisma.TransactionClient): Promise<void>;
  /**
   * Runs `steps` from the one recorded in provisioningStep, recording each before it runs.
   * The API clears provisioningStep whenever it starts a change, so a recorded step always
   * belongs to the change this job makes.
   */
  steps<S extends string>(steps: readonly S[], run: (step: S) => Promise<void>): Promise<void>;
  audit(action: string, details?: Record<string, unknown>, tx?: Prisma.TransactionClient): Promise<void>;
}

export interface LogicalClusterJobSpec {
  name: LogicalClusterJobName;
  /** The status the row must be in; otherwise the job has nothing to do. */
  status: LogicalClusterStatus;
  run(context: LogicalClusterJobContext): Promise<JobResult>;
}

/**
 * A job that drives one logical cluster from the state the API wrote towards its goal:
 * loads the row (gone → unrecoverable), ends quietly when the row is no longer in the
 * job's status, and turns failures into retries or, when they cannot succeed (or this was
 * the last attempt), into status FAILED with the reason.
 */
export function logicalClusterJob(deps: TenancyJobDeps, spec: LogicalClusterJobSpec): JobDefinition<typeof logicalClusterJobData> {
  return {
    name: spec.name,
    data: logicalClusterJobData,
    handle: (data, logger, run) =>
      measured(deps, spec.name, run, logger, async () => {
        const row = await loadRow(deps.prisma, data.logicalClusterId);
        if (!row) throw new UnrecoverableError(`logical cluster ${data.logicalClusterId} does not exist`);
        if (row.status !== spec.status) {
          logger.info({ logicalClusterId: row.id, status: row.status }, 'nothing to do: the logical cluster is no longer %s', spec.status);
          return 'skipped';
        }
        const admin = await deps.kafkaAdmins.forCluster(row.physicalClusterId);
        const context = contextFor(deps, data, logger.child({ logicalClusterId: row.id, correlationId: data.correlationId }), row, spec, admin);
        try {
          return await spec.run(context);
        } catch (error) {
          if (error instanceof RowMoved) {
            logger.info({ logicalClusterId: row.id }, 'the logical cluster changed under this job; ending it');
            return 'skipped';
          }
          throw error;
        }
      }, (error) => markFailed(deps, spec, data, error, logger)),
  };
}

/** Runs a job body with its duration and outcome counted, classifying failures. */
export async function measured(
  deps: Pick<TenancyJobDeps, 'metrics'>,
  job: string,
  run: JobRun,
  logger: Logger,
  body: () => Promise<JobResult>,
  onGiveUp?: (error: unknown) => Promise<void>,
): Promise<void> {
  const stop = deps.metrics?.jobDuration.startTimer({ job });
  const count = (outcome: TenancyJobOutcome) => deps.metrics?.jobs.inc({ job, outcome });
  try {
    count(await body());
  } catch (error) {
    const permanent = isPermanent(error);
    if (permanent || run.attempt >= run.maxAttempts) {
      count('failed');
      logger.error({ err: error, attempt: run.attempt }, permanent ? 'job cannot succeed' : 'job failed on its last attempt');
      await onGiveUp?.(error).catch((failure: unknown) => logger.error({ err: failure }, 'could not record the failure'));
      throw permanent && !(error instanceof UnrecoverableError) ? new UnrecoverableError(messageOf(error)) : error;
    }
    count('retry');
    logger.warn({ err: error, attempt: run.attempt, maxAttempts: run.maxAttempts }, 'job failed; it will be retried');
    throw error;
  } finally {
    stop?.();
  }
}

/**
 * Whether retrying cannot help: domain errors that are not retryable (a cell without
 * brokers, a size out of range, an impossible placement), and Kafka refusing the request
 * itself. Unreachable brokers, timeouts, authorization and everything unknown are retried.
 */
export function isPermanent(error: unknown): boolean {
  if (error instanceof UnrecoverableError) return true;
  if (error instanceof CellarError) return !error.retryable;
  if (error instanceof KafkaAdapterError) return error.code === 'kafka_invalid_request' || error.code === 'kafka_invalid_config';
  return false;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function loadRow(prisma: PrismaClient, id: string): Promise<LogicalClusterRow | null> {
  return prisma.logicalCluster.findUnique({ where: { id }, include: { physicalCluster: { select: { bootstrapServers: true } } } });
}

export async function writeAudit(
  client: Pick<PrismaClient, 'auditEvent'> | Prisma.TransactionClient,
  event: { correlationId: string; action: string; subjectId: string; clusterId: string | null; details?: Record<string, unknown> },
): Promise<void> {
  await client.auditEvent.create({
    data: {
      correlationId: event.correlationId,
      actor: WORKER_ACTOR,
      action: event.action,
      subjectType: 'logical-cluster',
      subjectId: event.subjectId,
      clusterId: event.clusterId,
      details: (event.details ?? {}) as Prisma.InputJsonValue,
    },
  });
}

function contextFor(
  deps: TenancyJobDeps,
  data: LogicalClusterJobData,
  logger: Logger,
  initial: LogicalClusterRow,
  spec: LogicalClusterJobSpec,
  admin: KafkaAdmin,
): LogicalClusterJobContext {
  const context: LogicalClusterJobContext = {
    deps,
    data,
    logger,
    row: initial,
    admin,
    async update(change, tx) {
      const client = tx ?? deps.prisma;
      const { count } = await client.logicalCluster.updateMany({
        where: { id: context.row.id, version: context.row.version, status: spec.status },
        data: { ...change, version: { increment: 1 } },
      });
      if (count === 0) throw new RowMoved();
      context.row = { ...context.row, ...(change as Partial<LogicalCluster>), version: context.row.version + 1 };
    },
    async steps(steps, run) {
      const recorded = steps.indexOf(context.row.provisioningStep as (typeof steps)[number]);
      for (const step of steps.slice(Math.max(0, recorded))) {
        if (context.row.provisioningStep !== step) {
          await context.update({ provisioningStep: step });
          logger.info({ step }, 'step');
          await deps.afterStep?.(spec.name, step);
        }
        await run(step);
      }
    },
    audit(action, details, tx) {
      return writeAudit(tx ?? deps.prisma, { correlationId: data.correlationId, action, subjectId: context.row.id, clusterId: context.row.physicalClusterId, details });
    },
  };
  return context;
}

/** Gives up on the row: status FAILED with why, if it is still the change this job was making. */
async function markFailed(deps: TenancyJobDeps, spec: LogicalClusterJobSpec, data: LogicalClusterJobData, error: unknown, logger: Logger): Promise<void> {
  const row = await deps.prisma.logicalCluster.findUnique({ where: { id: data.logicalClusterId } });
  if (!row || row.status !== spec.status) return;
  const failureReason = `${spec.name} failed${row.provisioningStep ? ` at step ${row.provisioningStep}` : ''}: ${messageOf(error)}`.slice(0, 1000);
  await deps.prisma.$transaction(async (tx) => {
    const { count } = await tx.logicalCluster.updateMany({
      where: { id: row.id, version: row.version, status: spec.status },
      data: { status: 'FAILED', failureReason, version: { increment: 1 } },
    });
    if (count === 0) return;
    await writeAudit(tx, { correlationId: data.correlationId, action: `${spec.name}.failed`, subjectId: row.id, clusterId: row.physicalClusterId, details: { failureReason } });
  });
  logger.error({ logicalClusterId: row.id, failureReason }, 'logical cluster FAILED');
}
