import { configFragments } from '@cellar/common';
import { z } from 'zod';

/** The environment every worker app reads; apps extend it with their own variables. */
export const workerEnvShape = {
  LOG_LEVEL: configFragments.logLevel,
  REDIS_URL: configFragments.redisUrl,
  REDIS_PREFIX: configFragments.redisPrefix,
  DATABASE_URL: configFragments.databaseUrl,
};

export const workerConfigSchema = z.object(workerEnvShape).transform((env) => ({
  logLevel: env.LOG_LEVEL,
  redisUrl: env.REDIS_URL,
  redisPrefix: env.REDIS_PREFIX,
  databaseUrl: env.DATABASE_URL,
}));

export type WorkerConfig = z.output<typeof workerConfigSchema>;
