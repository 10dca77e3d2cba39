import { assertNodeVersion, closeOnSignals, loadConfigOrExit, loggerOptions } from '@cellar/common';
import { pino } from 'pino';
import { balancerConfigSchema } from './config';

assertNodeVersion();
const config = loadConfigOrExit(balancerConfigSchema, process.env, 'cellar-balancer');
const logger = pino(loggerOptions('balancer', config.logLevel));
// Loaded after the version check, so an old Node gets one clear line rather than a stack trace.
const { startWorker } = await import('./worker');
const worker = await startWorker(config, logger);
closeOnSignals(() => worker.close(), { logger });
