import { createServer } from 'node:net';
import { KafkaAdmin } from '@cellar/kafka-adapter';
import { testStack } from '@cellar/test-support';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../src/app';
import { buildReadinessChecks, kafkaReadinessCheck } from '../src/readiness';
import { testConfig } from '../src/test-fixtures';

// The run's real PostgreSQL database, Redis and Kafka; no mocks.
const stack = testStack();
const databaseUrl = stack.databaseUrl;
const redisUrl = stack.redisUrl;

/** A port nothing listens on: bind an ephemeral one, then let it go. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

async function readyz(env: Record<string, string>, kafkaBootstrap?: string[]) {
  const config = testConfig(env);
  const kafka = kafkaBootstrap
    ? new KafkaAdmin({ bootstrapServers: kafkaBootstrap, sasl: { mechanism: 'scram-sha-512', username: stack.kafka.admin.username, password: stack.kafka.admin.password }, connectTimeoutMs: 1_000 })
    : undefined;
  const app = await buildApp(config, { readinessChecks: buildReadinessChecks(config, kafka ? { kafka: kafkaReadinessCheck(kafka) } : {}), readinessTimeoutMs: 5_000 });
  try {
    return await app.inject('/readyz');
  } finally {
    await app.close();
    await kafka?.close();
  }
}

describe('GET /readyz against real dependencies', () => {
  it('answers 200 when PostgreSQL, Redis and Kafka answer', async () => {
    const response = await readyz({ DATABASE_URL: databaseUrl, REDIS_URL: redisUrl }, stack.kafka.bootstrapServers);
    expect(response.json()).toEqual({ status: 'ready', checks: { postgres: 'ok', redis: 'ok', kafka: 'ok' } });
    expect(response.statusCode).toBe(200);
  });

  it('answers 503 naming kafka when no broker answers', async () => {
    const response = await readyz({ DATABASE_URL: databaseUrl, REDIS_URL: redisUrl }, [`127.0.0.1:${await closedPort()}`]);
    expect(response.statusCode).toBe(503);
    expect(response.json().checks).toEqual({ postgres: 'ok', redis: 'ok', kafka: expect.any(String) });
  });

  it('answers 503 naming redis when Redis is unreachable', async () => {
    const port = await closedPort();
    const response = await readyz({ DATABASE_URL: databaseUrl, REDIS_URL: `redis://127.0.0.1:${port}` });
    expect(response.statusCode).toBe(503);
    const body = response.json();
    expect(body.status).toBe('not_ready');
    expect(body.checks.postgres).toBe('ok');
    expect(body.checks.redis).toMatch(new RegExp(`ECONNREFUSED.*${port}`));
  });

  it('answers 503 naming postgres when the database does not exist', async () => {
    const missingDatabase = new URL(databaseUrl);
    missingDatabase.pathname = `/cellar_missing_${process.pid}`;
    const response = await readyz({ DATABASE_URL: missingDatabase.toString(), REDIS_URL: redisUrl });
    expect(response.statusCode).toBe(503);
    expect(response.json().checks).toEqual({ postgres: expect.stringContaining('does not exist'), redis: 'ok' });
  });
});
