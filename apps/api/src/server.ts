import { closeOnSignals, loadConfigOrExit, loggerOptions } from '@cellar/common';
import { createPrismaClient } from '@cellar/db';
import { KafkaAdmin } from '@cellar/kafka-adapter';
import { createDetectorJobs } from '@cellar/detector';
import { createTenancyJobs, KafkaAdminRegistry } from '@cellar/tenancy';
import { pino } from 'pino';
import { buildApp } from './app';
import { apiConfigSchema } from './config';
import { buildReadinessChecks, kafkaReadinessCheck } from './readiness';
import { tenantTokenResolver } from './tenant-tokens';

/** Process concerns only: config, logger, listen, close on SIGTERM/SIGINT. */
export async function runServer(env: Record<string, string | undefined>): Promise<void> {
  const config = loadConfigOrExit(apiConfigSchema, env, 'cellar-api');
  const logger = pino(loggerOptions('api', config.logLevel));

  // The local physical cluster the control plane itself administers, when configured.
  const kafkaAdmin = config.kafka?.adminSasl
    ? new KafkaAdmin({
        bootstrapServers: config.kafka.bootstrapServers,
        sasl: { mechanism: 'scram-sha-512', ...config.kafka.adminSasl },
        clientId: 'cellar-api',
      })
    : undefined;
  const prisma = createPrismaClient(config.databaseUrl);
  const kafkaAdmins = new KafkaAdminRegistry(prisma, config.secretKey, 'cellar-api');
  const jobs = createTenancyJobs(config.redisUrl, config.redisPrefix);
  const detectorJobs = createDetectorJobs(config.redisUrl, config.redisPrefix);
  const readinessChecks = buildReadinessChecks(config, kafkaAdmin ? { kafka: kafkaReadinessCheck(kafkaAdmin) } : {});
  const app = await buildApp(config, {
    logger,
    readinessChecks,
    resolveTenantToken: tenantTokenResolver(prisma),
    tenancy: { prisma, kafkaAdmins, jobs, secretKey: config.secretKey, ckuProfile: config.ckuProfile, detectorJobs },
  });
  app.addHook('onClose', async () => {
    await Promise.allSettled([kafkaAdmin?.close(), kafkaAdmins.close(), jobs.close(), detectorJobs.close()]);
    await prisma.$disconnect();
  });
  closeOnSignals(() => app.close(), { logger });
  try {
    await app.listen({ host: config.host, port: config.port });
  } catch (error) {
    logger.fatal({ err: error }, 'could not listen');
    process.exit(1);
  }
}
