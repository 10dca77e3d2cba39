import { Queue, UnrecoverableError, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { JobDefinition } from './job';

export interface RunningWorker {
  close(): Promise<void>;
}

export interface QueueWorkerOptions {
  queueName: string;
  redisUrl: string;
  redisPrefix: string;
  jobs: readonly JobDefinition[];
  logger: Logger;
  /** Jobs run at once by this process (BullMQ default 1). */
  concurrency?: number;
  /**
   * How long a job's lock lives without renewal (renewed every half of it while the job
   * runs). A crashed process's job is taken over once its lock expires and a stalled check
   * runs, so this bounds crash recovery. BullMQ default 30 s.
   */
  lockDurationMs?: number;
  /** How often this worker looks for stalled jobs (lock expired). BullMQ default 30 s. */
  stalledIntervalMs?: number;
  /**
   * How many times a job may stall (its worker died) before it is failed. BullMQ's default 1
   * suits handlers that are not idempotent; idempotent, resumable handlers set it high.
   */
  maxStalledCount?: number;
}

/**
 * Connects to Redis, starts a BullMQ worker on one queue, and keeps the jobs' schedules.
 * Resolves once the worker is ready; `close()` lets running jobs finish, then disconnects.
 */
export async function startQueueWorker(options: QueueWorkerOptions): Promise<RunningWorker> {
  const { queueName, redisUrl, redisPrefix, jobs, logger } = options;
  const byName = new Map(jobs.map((job) => [job.name, job]));
  const processJob = async (job: Job): Promise<void> => {
    const definition = byName.get(job.name);
    // Retrying cannot teach this worker a job it does not know.
    if (!definition) throw new UnrecoverableError(`the ${queueName} worker has no handler for job "${job.name}"`);
    const parsed = definition.data.safeParse(job.data);
    if (!parsed.success) throw new UnrecoverableError(`job "${job.name}" has invalid data: ${parsed.error.message}`);
    const run = { jobId: job.id, attempt: job.attemptsMade + 1, maxAttempts: job.opts.attempts ?? 1 };
    await definition.handle(parsed.data, logger.child({ queue: queueName, job: job.name, jobId: job.id }), run);
  };

  // BullMQ's blocking commands need an unlimited retry budget on their connection.
  const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
  connection.on('error', (error) => logger.warn({ err: error }, 'redis connection error'));
  const queue = new Queue(queueName, { connection, prefix: redisPrefix });
  const worker = new Worker(queueName, processJob, {
    connection,
    prefix: redisPrefix,
    ...(options.concurrency !== undefined ? { concurrency: options.concurrency } : {}),
    ...(options.lockDurationMs !== undefined ? { lockDuration: options.lockDurationMs } : {}),
    ...(options.stalledIntervalMs !== undefined ? { stalledInterval: options.stalledIntervalMs } : {}),
    ...(options.maxStalledCount !== undefined ? { maxStalledCount: options.maxStalledCount } : {}),
  });
  worker.on('failed', (job, error) => logger.error({ err: error, job: job?.name, jobId: job?.id }, 'job failed'));
  worker.on('error', (error) => logger.error({ err: error }, 'worker error'));

  const close = async () => {
    await worker.close();
    await queue.close();
    await connection.quit();
  };

  try {
    for (const job of jobs) {
      if (job.everyMs === undefined) continue;
      // Upserted, so any number of worker processes keep exactly one schedule.
      await queue.upsertJobScheduler(
        job.name,
        { every: job.everyMs },
        { name: job.name, data: job.scheduleData ?? {}, opts: { removeOnComplete: { count: 10 }, removeOnFail: { count: 100 } } },
      );
    }
    await worker.waitUntilReady();
  } catch (error) {
    await close().catch(() => undefined);
    throw error;
  }

  logger.info({ queue: queueName, prefix: redisPrefix }, 'started');
  return { close };
}
