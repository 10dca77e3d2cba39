import { Redis } from 'ioredis';
import pg from 'pg';
import type { ApiConfig } from './config';

/**
 * One dependency /readyz waits for. `check` resolves when the dependency answers and
 * rejects with a message worth showing an operator; it should stop work when `signal`
 * aborts (the per-check timeout).
 */
export interface ReadinessCheck {
  readonly name: string;
  check(signal: AbortSignal): Promise<void>;
}

/**
 * Each check opens its own short-lived connection: it proves a new connection can be made
 * (what a restarted pod needs) and leaves nothing to close when the app stops.
 */
export function postgresReadinessCheck(databaseUrl: string): ReadinessCheck {
  return {
    name: 'postgres',
    async check(signal) {
      signal.throwIfAborted();
      const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 5_000 });
      // Errors surface through connect() and query(); without a listener a late one would crash the process.
      client.on('error', () => undefined);
      const end = () => void client.end().catch(() => undefined);
      signal.addEventListener('abort', end, { once: true });
      try {
        await client.connect();
        await client.query('SELECT 1');
      } finally {
        signal.removeEventListener('abort', end);
        end();
      }
    },
  };
}

export function redisReadinessCheck(redisUrl: string): ReadinessCheck {
  return {
    name: 'redis',
    async check(signal) {
      signal.throwIfAborted();
      const redis = new Redis(redisUrl, {
        lazyConnect: true,
        connectTimeout: 5_000,
        enableOfflineQueue: false,
        maxRetriesPerRequest: 0,
        retryStrategy: () => null,
      });
      // ioredis reports why a connection failed only as an 'error' event; connect() then
      // rejects with a bare "Connection is closed.", so keep the cause for the message.
      let cause: Error | undefined;
      redis.on('error', (error: Error) => {
        cause = error;
      });
      const disconnect = () => redis.disconnect();
      signal.addEventListener('abort', disconnect, { once: true });
      try {
        await redis.connect();
        await redis.ping();
      } catch (error) {
        throw cause ?? error;
      } finally {
        signal.removeEventListener('abort', disconnect);
        disconnect();
      }
    },
  };
}

/**
 * The checks /readyz runs in production. Checks that live in other libraries (Kafka
 * reachability from @cellar/kafka-adapter) join through `extra` with the same interface.
 */
export function buildReadinessChecks(
  config: Pick<ApiConfig, 'databaseUrl' | 'redisUrl'>,
  extra: { kafka?: ReadinessCheck } = {},
): ReadinessCheck[] {
  const checks = [postgresReadinessCheck(config.databaseUrl), redisReadinessCheck(config.redisUrl)];
  if (extra.kafka) checks.push(extra.kafka);
  return checks;
}

/** Kafka answers a metadata request over the admin's SASL connection. */
export function kafkaReadinessCheck(admin: { ping(): Promise<void> }): ReadinessCheck {
  return {
    name: 'kafka',
    async check(signal) {
      signal.throwIfAborted();
      await Promise.race([
        admin.ping(),
        new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(new Error('Kafka did not answer in time')), { once: true })),
      ]);
    },
  };
}
