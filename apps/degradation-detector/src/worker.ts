import { ClusterLocks } from '@cellar/cluster-lock';
import { createPrismaClient } from '@cellar/db';
import { createDetectorJobs, createDetectorMetrics, DETECTOR_QUEUE, detectorRoundJob, mitigateJob, operatorOverrideJob, type DetectorDeps } from '@cellar/detector';
import { KafkaAdminRegistry } from '@cellar/tenancy';
import { heartbeatJob, serveMetrics, startQueueWorker, type RunningWorker } from '@cellar/worker-runtime';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { collectDefaultMetrics, Registry } from 'prom-client';
import type { DetectorConfig } from './config';

export const QUEUE_NAME = DETECTOR_QUEUE;

/** Starts the detector's queue worker: scheduled rounds, mitigations, operator overrides, heartbeat. */
export async function startWorker(config: DetectorConfig, logger: Logger): Promise<RunningWorker> {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'cellar_detector_' });
  const prisma = createPrismaClient(config.databaseUrl);
  const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: null });
  const admins = new KafkaAdminRegistry(prisma, config.secretKey, 'cellar-detector');
  const jobs = createDetectorJobs(config.redisUrl, config.redisPrefix);
  const fault = config.faultCrashAfterStep;
  if (fault) logger.warn({ fault }, 'TEST-ONLY fault injection is on');
  const deps: DetectorDeps = {
    prisma,
    admins,
    clusterLocks: new ClusterLocks(redis, { prefix: config.redisPrefix }),
    roundLocks: new ClusterLocks(redis, { prefix: `${config.redisPrefix}:detector-round`, leaseMs: Math.max(10_000, config.settings.roundIntervalMs * 3) }),
    jobs,
    metrics: createDetectorMetrics(registry),
    settings: config.settings,
    ...(fault
      ? {
          afterStep: (kind: string, step: string) => {
            if (`${kind}:${step}` !== fault) return;
            logger.warn({ kind, step }, 'fault injection: exiting with 137 right after recording the step');
            process.exit(137);
          },
        }
      : {}),
  };
  const round = detectorRoundJob(deps);
  const worker = await startQueueWorker({
    queueName: QUEUE_NAME,
    redisUrl: config.redisUrl,
    redisPrefix: config.redisPrefix,
    jobs: [heartbeatJob, round, mitigateJob(deps), operatorOverrideJob(deps)],
    logger,
    concurrency: config.concurrency,
    lockDurationMs: 10_000,
    stalledIntervalMs: 5_000,
    maxStalledCount: 100,
  });
  const metricsServer = config.metrics ? await serveMetrics(registry, config.metrics, logger) : undefined;
  logger.info({ dryRun: config.settings.dryRun, roundMs: config.settings.roundIntervalMs }, 'degradation detector started');
  return {
    async close() {
      await worker.close();
      await metricsServer?.close();
      await Promise.allSettled([round.close(), jobs.close(), admins.close()]);
      await redis.quit();
      await prisma.$disconnect();
    },
  };
}
