import { heartbeatJob, startQueueWorker, type RunningWorker } from '@cellar/worker-runtime';
import type { Logger } from 'pino';
import type { DetectorConfig } from './config';

export const QUEUE_NAME = 'degradation-detector';

/** The jobs this app runs; each lives in its own file under jobs/ (or the shared runtime). */
const JOBS = [heartbeatJob];

export function startWorker(config: DetectorConfig, logger: Logger): Promise<RunningWorker> {
  return startQueueWorker({ queueName: QUEUE_NAME, redisUrl: config.redisUrl, redisPrefix: config.redisPrefix, jobs: JOBS, logger });
}
