import { Queue, UnrecoverableError, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { BalancerConfig } from './config';
import { heartbeatJob } from './jobs/heartbeat.job';

export const QUEUE_NAME = 'balancer';

export interface RunningWorker {
  close(): Promise<void>;
}

async function processJob(job: Job, logger: Logger): Promise<void> {
  const jobLogger = logger.child({ queue: job.queueName, job: job.name, jobId: job.id });
  switch (job.name) {
    case heartbeatJob.name:
      return heartbeatJob.handle(heartbeatJob.data.parse(job.data), jobLogger);
    default:
      // Retrying cannot teach this worker a job it does not know.
      throw new UnrecoverableError(`the ${QUEUE_NAME} worker has no handler for job "${job.name}"`);
  }
}

/**
 * Connects to Redis, starts the worker on the `balancer` queue and keeps its schedules.
 * Resolves once the worker is ready; `close()` lets running jobs finish, then disconnects.
 */
export async function startWorker(config: BalancerConfig, logger: Logger): Promise<RunningWorker> {
  // BullMQ's blocking commands need an unlimited retry budget on their connection.
  const connection = new Redis(config.redisUrl, { maxRetriesPerRequest: null });
  connection.on('error', (error) => logger.warn({ err: error }, 'redis connection error'));
  const queue = new Queue(QUEUE_NAME, { connection, prefix: config.redisPrefix });
  const worker = new Worker(QUEUE_NAME, (job) => processJob(job, logger), { connection, prefix: config.redisPrefix });
  worker.on('failed', (job, error) => logger.error({ err: error, job: job?.name, jobId: job?.id }, 'job failed'));
  worker.on('error', (error) => logger.error({ err: error }, 'worker error'));

  const close = async () => {
    await worker.close();
    await queue.close();
    await connection.quit();
  };

  try {
    // Upserted, so any number of worker processes keep exactly one schedule.
    await queue.upsertJobScheduler(
      heartbeatJob.name,
      { every: heartbeatJob.everyMs },
      { name: heartbeatJob.name, data: {}, opts: { removeOnComplete: { count: 10 }, removeOnFail: { count: 100 } } },
    );
    await worker.waitUntilReady();
  } catch (error) {
    await close().catch(() => undefined);
    throw error;
  }

  logger.info({ queue: QUEUE_NAME, prefix: config.redisPrefix }, 'started');
  return { close };
}
