import { closeOnSignals, loadConfigOrExit, loggerOptions } from '@cellar/common';
import { KafkaAdmin } from '@cellar/kafka-adapter';
import { pino } from 'pino';
import { buildApp } from './app';
import { apiConfigSchema } from './config';
import { buildReadinessChecks, kafkaReadinessCheck } from './readiness';

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
  const readinessChecks = buildReadinessChecks(config, kafkaAdmin ? { kafka: kafkaReadinessCheck(kafkaAdmin) } : {});
  const app = await buildApp(config, { logger, readinessChecks });
  app.addHook('onClose', async () => kafkaAdmin?.close());
  closeOnSignals(() => app.close(), { logger });
  try {
    await app.listen({ host: config.host, port: config.port });
  } catch (error) {
    logger.fatal({ err: error }, 'could not listen');
    process.exit(1);
  }
}
