import { configFragments, parseConfig } from '@cellar/common';
import { z } from 'zod';

/** The degradation detector's environment, parsed once at start. */
export const detectorConfigSchema = z
  .object({
    LOG_LEVEL: configFragments.logLevel,
    REDIS_URL: configFragments.redisUrl,
    REDIS_PREFIX: configFragments.redisPrefix,
    DATABASE_URL: configFragments.databaseUrl,
  })
  .transform((env) => ({
    logLevel: env.LOG_LEVEL,
    redisUrl: env.REDIS_URL,
    redisPrefix: env.REDIS_PREFIX,
    databaseUrl: env.DATABASE_URL,
  }));

export type DetectorConfig = z.output<typeof detectorConfigSchema>;

export function parseDetectorConfig(env: Record<string, string | undefined>): DetectorConfig {
  return parseConfig(detectorConfigSchema, env);
}
