import { configFragments, parseConfig } from '@cellar/common';
import { DEFAULT_CKU_PROFILE } from '@cellar/ckus';
import { z } from 'zod';
import { ckuProfileJson, optional, secretKey } from './config-fragments';

/** `host:port` or `[ipv6]:port`. */
const hostPort = /^(\[[0-9A-Fa-f:.]+\]|[^\s:,[\]]+):\d{1,5}$/;

const bootstrapServers = z
  .string()
  .transform((value) => value.split(',').map((server) => server.trim()).filter((server) => server !== ''))
  .pipe(z.array(z.string().regex(hostPort, 'each server must be host:port')).min(1, 'must name at least one host:port'));

/**
 * The API's environment. Parsed once at start; a bad value stops the process naming the
 * variable (never its value, since two of them are secrets).
 */
export const apiConfigSchema = z
  .object({
    HOST: z.string().min(1).default('127.0.0.1'),
    PORT: z.coerce.number().int().min(0).max(65535).default(8080),
    LOG_LEVEL: configFragments.logLevel,
    DATABASE_URL: configFragments.databaseUrl,
    REDIS_URL: configFragments.redisUrl,
    REDIS_PREFIX: configFragments.redisPrefix,
    /** The operators' bearer token. */
    CELLAR_OPERATOR_TOKEN: z.string().min(24, 'must be at least 24 characters'),
    /** Encrypts the cluster admin passwords stored in PostgreSQL. */
    CELLAR_SECRET_KEY: secretKey,
    KAFKA_BOOTSTRAP_SERVERS: optional(bootstrapServers),
    KAFKA_ADMIN_USERNAME: optional(z.string()),
    KAFKA_ADMIN_PASSWORD: optional(z.string()),
    /** JSON object overriding fields of the default (Confluent Cloud) per-CKU profile. */
    CELLAR_CKU_PROFILE: optional(ckuProfileJson),
  })
  .superRefine((env, ctx) => {
    const hasUser = env.KAFKA_ADMIN_USERNAME !== undefined;
    const hasPassword = env.KAFKA_ADMIN_PASSWORD !== undefined;
    if (hasUser !== hasPassword) {
      ctx.addIssue({
        code: 'custom',
        path: [hasUser ? 'KAFKA_ADMIN_PASSWORD' : 'KAFKA_ADMIN_USERNAME'],
        message: 'KAFKA_ADMIN_USERNAME and KAFKA_ADMIN_PASSWORD go together',
      });
    }
    if (hasUser && env.KAFKA_BOOTSTRAP_SERVERS === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['KAFKA_BOOTSTRAP_SERVERS'],
        message: 'required when KAFKA_ADMIN_USERNAME is set',
      });
    }
  })
  .transform((env) => ({
    host: env.HOST,
    port: env.PORT,
    logLevel: env.LOG_LEVEL,
    databaseUrl: env.DATABASE_URL,
    redisUrl: env.REDIS_URL,
    redisPrefix: env.REDIS_PREFIX,
    operatorToken: env.CELLAR_OPERATOR_TOKEN,
    secretKey: env.CELLAR_SECRET_KEY,
    ckuProfile: env.CELLAR_CKU_PROFILE ?? DEFAULT_CKU_PROFILE,
    kafka:
      env.KAFKA_BOOTSTRAP_SERVERS === undefined
        ? undefined
        : {
            bootstrapServers: env.KAFKA_BOOTSTRAP_SERVERS,
            adminSasl:
              env.KAFKA_ADMIN_USERNAME === undefined || env.KAFKA_ADMIN_PASSWORD === undefined
                ? undefined
                : { username: env.KAFKA_ADMIN_USERNAME, password: env.KAFKA_ADMIN_PASSWORD },
          },
  }));

export type ApiConfig = z.output<typeof apiConfigSchema>;

/** Throws ConfigError listing every bad variable; entry points use loadConfigOrExit instead. */
export function parseApiConfig(env: Record<string, string | undefined>): ApiConfig {
  return parseConfig(apiConfigSchema, env);
}
