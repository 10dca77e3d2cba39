import { configFragments } from '@cellar/common';
import { parseSecretKey } from '@cellar/db';
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

/** CELLAR_SECRET_KEY: encrypts secrets at rest (cluster admin passwords, principals, recorded responses). */
export const secretKeyVariable = z.string().transform((value, ctx) => {
  try {
    return parseSecretKey(value);
  } catch {
    ctx.addIssue({ code: 'custom', message: 'must be 32 random bytes in base64 (openssl rand -base64 32)' });
    return z.NEVER;
  }
});

/** METRICS_PORT / METRICS_HOST: where a worker serves /metrics (not served when the port is unset). */
export const metricsVariables = {
  METRICS_PORT: z.preprocess((value) => (value === '' ? undefined : value), z.coerce.number().int().min(0).max(65535).optional()),
  METRICS_HOST: z.string().min(1).default('127.0.0.1'),
};

/**
 * The settings every worker app maps from the shared variables (workerEnvShape,
 * metricsVariables, CELLAR_SECRET_KEY): apps spread this into their own config.
 */
export function commonWorkerSettings<Key>(env: {
  LOG_LEVEL: WorkerConfig['logLevel'];
  REDIS_URL: string;
  REDIS_PREFIX: string;
  DATABASE_URL: string;
  CELLAR_SECRET_KEY: Key;
  METRICS_PORT?: number | undefined;
  METRICS_HOST: string;
}) {
  return {
    logLevel: env.LOG_LEVEL,
    redisUrl: env.REDIS_URL,
    redisPrefix: env.REDIS_PREFIX,
    databaseUrl: env.DATABASE_URL,
    secretKey: env.CELLAR_SECRET_KEY,
    metrics: env.METRICS_PORT === undefined ? undefined : { host: env.METRICS_HOST, port: env.METRICS_PORT },
  };
}
