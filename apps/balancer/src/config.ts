import { configFragments, parseConfig } from '@cellar/common';
import { z } from 'zod';

/** The balancer's environment, parsed once at start. */
export const balancerConfigSchema = z
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

export type BalancerConfig = z.output<typeof balancerConfigSchema>;

export function parseBalancerConfig(env: Record<string, string | undefined>): BalancerConfig {
  return parseConfig(balancerConfigSchema, env);
}
