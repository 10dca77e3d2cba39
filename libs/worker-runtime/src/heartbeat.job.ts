import { z } from 'zod';
import type { JobDefinition } from './job';

/** Proves a worker is alive and its schedule runs; real periodic jobs replace it as the beat. */
export const heartbeatJob: JobDefinition<z.ZodObject<Record<string, never>>> = {
  name: 'heartbeat',
  everyMs: 30_000,
  data: z.object({}),
  async handle(_data, logger) {
    logger.info('heartbeat');
  },
};
