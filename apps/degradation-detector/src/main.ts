import { assertNodeVersion, closeOnSignals, loadConfigOrExit, loggerOptions } from '@cellar/common';
import { pino } from 'pino';
import { detectorConfigSchema } from './config';

assertNodeVersion();
const config = loadConfigOrExit(detectorConfigSchema, process.env, 'cellar-degradation-detector');
const logger = pino(loggerOptions('degradation-detector', config.logLevel));
// Loaded after the version check, so an old Node gets one clear line rather than a stack trace.
const { startWorker } = await import('./worker');
// The signal handler is in place before the worker starts, so a SIGTERM during start-up still closes cleanly.
const worker = startWorker(config, logger);
closeOnSignals(async () => (await worker).close(), { logger });
await worker;
