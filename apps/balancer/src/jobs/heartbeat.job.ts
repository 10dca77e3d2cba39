import type { Logger } from 'pino';
import { z } from 'zod';

/** Proves the worker is alive and its schedule runs; the balancing jobs replace it as the real beat. */
export const heartbeatJob = {
  name: 'heartbeat',
  everyMs: 30_000,
  data: z.object({}),
  async handle(_data: Record<string, never>, logger: Logger): Promise<void> {
    logger.info('heartbeat');
  },
} as const;
