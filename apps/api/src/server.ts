import { closeOnSignals, loadConfigOrExit, loggerOptions } from '@cellar/common';
import { pino } from 'pino';
import { buildApp } from './app';
import { apiConfigSchema } from './config';
import { buildReadinessChecks } from './readiness';

/** Process concerns only: config, logger, listen, close on SIGTERM/SIGINT. */
export async function runServer(env: Record<string, string | undefined>): Promise<void> {
  const config = loadConfigOrExit(apiConfigSchema, env, 'cellar-api');
  const logger = pino(loggerOptions('api', config.logLevel));

  const app = await buildApp(config, { logger, readinessChecks: buildReadinessChecks(config) });
  closeOnSignals(() => app.close(), { logger });
  try {
    await app.listen({ host: config.host, port: config.port });
  } catch (error) {
    logger.fatal({ err: error }, 'could not listen');
    process.exit(1);
  }
}
