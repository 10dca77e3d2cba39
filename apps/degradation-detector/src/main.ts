import { assertNodeVersion, closeOnSignals, loadConfigOrExit, loggerOptions } from '@cellar/common';
import { pino } from 'pino';
import { detectorConfigSchema } from './config';

assertNodeVersion();
const config = loadConfigOrExit(detectorConfigSchema, process.env, 'cellar-degradation-detector');
const logger = pino(loggerOptions('degradation-detector', config.logLevel));
// Loaded after the version check, so an old Node gets one clear line rather than a stack trace.
const { startWorker } = await import('./worker');
const worker = await startWorker(config, logger);
closeOnSignals(() => worker.close(), { logger });
