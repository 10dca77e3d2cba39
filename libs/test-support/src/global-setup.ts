import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createDatabase, dropDatabase, migrateDatabase } from '@cellar/db';
import { KafkaCluster } from '@cellar/kafka-harness';
import { Redis } from 'ioredis';
import type { TestProject } from 'vitest/node';
import './stack';
import type { TestStack } from './stack';

const POSTGRES_ADMIN_URL = process.env['CELLAR_TEST_POSTGRES_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env['CELLAR_TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';

/**
 * Starts the real services once per integration run: a 1+6 KRaft Kafka, a fresh
 * PostgreSQL database (migrated) and a unique Redis prefix; tears all of them down.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const runId = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  const log = (line: string) => process.stderr.write(`[stack] ${line}\n`);
  const databaseName = `cellar_test_${runId}`;
  const redisPrefix = `cellar-test:${runId}`;

  await assertReachable();
  let kafka: KafkaCluster | undefined;
  let databaseCreated = false;
  const teardown = async () => {
    await kafka?.stop().catch((error: unknown) => log(`Kafka stop failed: ${String(error)}`));
    if (databaseCreated) await dropDatabase(POSTGRES_ADMIN_URL, databaseName).catch((error: unknown) => log(`drop database failed: ${String(error)}`));
    await deleteRedisPrefix(redisPrefix).catch((error: unknown) => log(`Redis cleanup failed: ${String(error)}`));
  };
  try {
    const started = Date.now();
    [kafka] = await Promise.all([
      KafkaCluster.start({ log }),
      (async () => {
        await createDatabase(POSTGRES_ADMIN_URL, databaseName);
        databaseCreated = true;
        await migrateDatabase(databaseUrlFor(databaseName));
      })(),
    ]);
    const info = kafka.info();
    const memory = kafka.residentBytes();
    log(`stack ready in ${((Date.now() - started) / 1000).toFixed(1)}s; Kafka ${info.version} started in ${(info.startedInMs / 1000).toFixed(1)}s using ${(memory.total / 2 ** 20).toFixed(0)} MiB RSS over ${Object.keys(memory.perNode).length} JVMs`);
    const stack: TestStack = { kafka: info, databaseUrl: databaseUrlFor(databaseName), redisUrl: REDIS_URL, redisPrefix, runId };
    mkdirSync('test-output', { recursive: true });
    writeFileSync(join('test-output', 'stack.json'), JSON.stringify({ ...stack, kafka: { ...info, admin: { ...info.admin, password: '[redacted]' } }, kafkaMemoryBytes: memory }, null, 2));
    project.provide('stack', stack);
  } catch (error) {
    await teardown();
    throw error;
  }
  return teardown;
}

function databaseUrlFor(name: string): string {
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

async function assertReachable(): Promise<void> {
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 3_000 });
  try {
    await redis.connect();
    await redis.ping();
  } catch {
    throw new Error(`Redis is not reachable at ${REDIS_URL}: start it (redis-server) or set CELLAR_TEST_REDIS_URL`);
  } finally {
    redis.disconnect();
  }
}

async function deleteRedisPrefix(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
