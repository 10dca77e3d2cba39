/**
 * The tenancy worker process (`npm run worker -w @cellar/api`): runs the 'tenancy' queue's
 * reconcilers (provision, resize, delete, quarantine), the logical-cluster reconciler and
 * usage sampling, against the same PostgreSQL, Redis and secret key as the API.
 * Process concerns only; the jobs live in @cellar/tenancy.
 */
import { closeOnSignals, loadConfigOrExit, loggerOptions } from '@cellar/common';
import { createPrismaClient } from '@cellar/db';
import { createTenancyJobQueue, createTenancyMetrics, KafkaAdminRegistry, TENANCY_QUEUE, tenancyJobDefinitions } from '@cellar/tenancy';
import { serveMetrics, startQueueWorker } from '@cellar/worker-runtime';
import { pino } from 'pino';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { tenancyWorkerConfigSchema } from './worker-config';

export async function runTenancyWorker(env: Record<string, string | undefined>): Promise<void> {
  const config = loadConfigOrExit(tenancyWorkerConfigSchema, env, 'cellar-tenancy-worker');
  const logger = pino(loggerOptions('tenancy-worker', config.logLevel));

  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'cellar_tenancy_worker_' });
  const prisma = createPrismaClient(config.databaseUrl);
  const kafkaAdmins = new KafkaAdminRegistry(prisma, config.secretKey, 'cellar-tenancy-worker');
  const jobs = createTenancyJobQueue(config.redisUrl, config.redisPrefix);

  const fault = config.faultCrashAfterStep;
  if (fault) logger.warn({ fault }, 'TEST-ONLY fault injection is on: the process exits with 137 after %s records step %s', fault.job, fault.step);

  const worker = await startQueueWorker({
    queueName: TENANCY_QUEUE,
    redisUrl: config.redisUrl,
    redisPrefix: config.redisPrefix,
    logger,
    ...config.queue,
    jobs: tenancyJobDefinitions({
      prisma,
      kafkaAdmins,
      secretKey: config.secretKey,
      ckuProfile: config.ckuProfile,
      jobs,
      metrics: createTenancyMetrics(registry),
      replicationThrottleBytesPerSecond: config.replicationThrottleBytesPerSecond,
      reassignmentPollMs: config.reassignmentPollMs,
      ...(fault
        ? {
            afterStep: (job: string, step: string) => {
              if (job !== fault.job || step !== fault.step) return;
              logger.warn({ job, step }, 'fault injection: exiting with 137 right after recording the step');
              process.exit(137);
            },
          }
        : {}),
    }),
  });

  const metricsServer = config.metrics ? await serveMetrics(registry, config.metrics, logger) : undefined;

  closeOnSignals(
    async () => {
      // Running jobs finish their current step; one still running at the timeout resumes elsewhere.
      await worker.close();
      await metricsServer?.close();
      await Promise.allSettled([jobs.close(), kafkaAdmins.close()]);
      await prisma.$disconnect();
    },
    { logger, timeoutMs: 30_000 },
  );
}
