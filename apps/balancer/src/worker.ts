import { BALANCER_QUEUE, balancingJobDefinitions, createBalancerJobs, createBalancerMetrics, LoadStateStore } from '@cellar/balancing';
import { ClusterLocks } from '@cellar/cluster-lock';
import { createPrismaClient } from '@cellar/db';
import { createReassignmentMetrics } from '@cellar/reassignment';
import { KafkaAdminRegistry } from '@cellar/tenancy';
import { heartbeatJob, serveMetrics, startQueueWorker, type RunningWorker } from '@cellar/worker-runtime';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { collectDefaultMetrics, Registry } from 'prom-client';
import type { BalancerConfig } from './config';

export const QUEUE_NAME = BALANCER_QUEUE;

/**
 * The balancer process: the heartbeat, the tick that queues load sampling and rounds per
 * cluster, and the jobs themselves (@cellar/balancing). Process concerns only.
 */
export async function startWorker(config: BalancerConfig, logger: Logger): Promise<RunningWorker> {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'cellar_balancer_' });
  const prisma = createPrismaClient(config.databaseUrl);
  const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: null });
  redis.on('error', (error) => logger.warn({ err: error }, 'redis connection error'));
  const kafkaAdmins = new KafkaAdminRegistry(prisma, config.secretKey, 'cellar-balancer');
  const jobs = createBalancerJobs(config.redisUrl, config.redisPrefix);

  const fault = config.faultCrashAfterStep;
  if (fault) logger.warn({ fault }, 'TEST-ONLY fault injection is on: the process exits with 137 after %s', fault);

  const worker = await startQueueWorker({
    queueName: QUEUE_NAME,
    redisUrl: config.redisUrl,
    redisPrefix: config.redisPrefix,
    logger,
    ...config.queue,
    jobs: [
      heartbeatJob,
      ...balancingJobDefinitions(
        {
          prisma,
          kafkaAdmins,
          loadStates: new LoadStateStore(redis, config.redisPrefix),
          locks: new ClusterLocks(redis, { prefix: config.redisPrefix }),
          jobs,
          logger,
          metrics: createBalancerMetrics(registry),
          reassignmentObserver: createReassignmentMetrics(registry),
          reassignmentPollMs: config.reassignmentPollMs,
          loadRetentionMs: config.loadRetentionMs,
          scrapeTimeoutMs: config.scrapeTimeoutMs,
          ...(fault
            ? {
                afterStep: (job: string, step: string) => {
                  if (`${job}:${step}` !== fault) return;
                  logger.warn({ job, step }, 'fault injection: exiting with 137');
                  process.exit(137);
                },
              }
            : {}),
        },
        { tickMs: config.tickMs, sampleIntervalMs: config.sampleIntervalMs },
      ),
    ],
  });
  const metricsServer = config.metrics ? await serveMetrics(registry, config.metrics, logger) : undefined;

  return {
    async close() {
      await worker.close();
      await metricsServer?.close();
      await Promise.allSettled([jobs.close(), kafkaAdmins.close()]);
      await redis.quit().catch(() => undefined);
      await prisma.$disconnect();
    },
  };
}
